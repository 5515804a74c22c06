/**
 * Parameter decorators of listener methods. Undecorated parameters are resolved by type
 * (Acknowledgment, RecordContext); the first other undecorated parameter is the payload.
 */
import { classOf, writableMetadata, type ParameterMetadata } from './metadata';

type ParameterKind = ParameterMetadata['kind'];

function record(kind: ParameterKind, name?: string, raw?: boolean): ParameterDecorator {
  return (target, method, index) => {
    if (method === undefined) {
      throw new TypeError(`@${kind} works on listener method parameters, not constructor parameters`);
    }
    const parameters = writableMetadata(classOf(target)).parameters;
    const list = (parameters[String(method)] ??= []);
    const header: ParameterMetadata = raw ? { index, kind: 'header', name: name as string, raw } : { index, kind: 'header', name: name as string };
    list.push(kind === 'header' ? header : ({ index, kind } as ParameterMetadata));
  };
}

/** The converted message body (an array of bodies for batch listeners). */
export function Payload(): ParameterDecorator {
  return record('payload');
}

/** How @Header hands a value over. */
export interface HeaderOptions {
  /** The header's bytes as sent (a Buffer; null for a null value) instead of UTF-8 text. Record headers only. */
  raw?: boolean;
}

/**
 * One header as a string (or its bytes with `{ raw: true }`). Besides the record's own headers:
 * kafka_receivedMessageKey, kafka_receivedTopic, kafka_receivedPartitionId, kafka_offset, kafka_receivedTimestamp.
 */
export function Header(name: string, options: HeaderOptions = {}): ParameterDecorator {
  return record('header', name, options.raw === true);
}

/** All headers as `Record<string, string>` (including the kafka_* ones). */
export function Headers(): ParameterDecorator {
  return record('headers');
}

/** The Acknowledgment (also injected for a parameter typed Acknowledgment). */
export function Ack(): ParameterDecorator {
  return record('ack');
}

/** The RecordContext (also injected for a parameter typed RecordContext); an array for batch listeners. */
export function Context(): ParameterDecorator {
  return record('context');
}
