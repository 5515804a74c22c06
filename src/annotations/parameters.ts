/**
 * Parameter decorators of listener methods. Undecorated parameters are resolved by type
 * (Acknowledgment, RecordContext); the first other undecorated parameter is the payload.
 */
import { classOf, writableMetadata, type ParameterMetadata } from './metadata';

type ParameterKind = ParameterMetadata['kind'];

function record(kind: ParameterKind, name?: string): ParameterDecorator {
  return (target, method, index) => {
    if (method === undefined) {
      throw new TypeError(`@${kind} works on listener method parameters, not constructor parameters`);
    }
    const parameters = writableMetadata(classOf(target)).parameters;
    const list = (parameters[String(method)] ??= []);
    list.push(kind === 'header' ? { index, kind, name: name as string } : ({ index, kind } as ParameterMetadata));
  };
}

/** The converted message body (an array of bodies for batch listeners). */
export function Payload(): ParameterDecorator {
  return record('payload');
}

/**
 * One header as a string. Besides the record's own headers: kafka_receivedMessageKey,
 * kafka_receivedTopic, kafka_receivedPartitionId, kafka_offset, kafka_receivedTimestamp.
 */
export function Header(name: string): ParameterDecorator {
  return record('header', name);
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
