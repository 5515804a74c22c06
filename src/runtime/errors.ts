/** Start-up and runtime errors of the framework. Each has a stable code and says what to do. */
import { nearestName } from '../binder/settings';
import { BinderyError } from '../protocol/primitives/errors';

export { BinderyError };

/** Config names a binding that no service declares. */
export class UnknownBindingError extends BinderyError {
  constructor(name: string, declared: string[]) {
    const nearest = nearestName(name, declared);
    super(
      'UNKNOWN_BINDING',
      `Config 'bindings.${name}' names a binding no service declares (declared: ${declared.join(', ') || 'none'})` +
        `${nearest ? `; did you mean '${nearest}'?` : '.'} (strictBindings is set.) ` +
        `Fix the name, or declare it with @Input('${name}') / @Output('${name}') on a binding interface named in @EnableBinding.`,
    );
  }
}

/** A @StreamListener / @SendTo refers to a channel that does not exist. */
export class MissingChannelError extends BinderyError {
  constructor(where: string, binding: string, kind: 'input' | 'output', declared: string[]) {
    super(
      'MISSING_CHANNEL',
      `${where} refers to ${kind} binding '${binding}', which no @EnableBinding interface declares ` +
        `(declared ${kind}s: ${declared.join(', ') || 'none'}). ` +
        `Add @${kind === 'input' ? 'Input' : 'Output'}('${binding}') to a binding interface and list it in @EnableBinding.`,
    );
  }
}

/** One binding name declared as input in one place and as output in another. */
export class BindingConflictError extends BinderyError {
  constructor(name: string, first: string, firstKind: string, second: string, secondKind: string) {
    super(
      'BINDING_CONFLICT',
      `Binding '${name}' is declared as ${firstKind} by ${first} and as ${secondKind} by ${second}. ` +
        `Give them different binding names (both may use the same destination through config bindings.<name>.destination).`,
    );
  }
}

/** Several listeners share a binding and at least one of them has no condition. */
export class AmbiguousListenersError extends BinderyError {
  constructor(binding: string, listeners: string[]) {
    super(
      'AMBIGUOUS_LISTENERS',
      `Binding '${binding}' has ${listeners.length} listeners (${listeners.join(', ')}) and not all have a condition. ` +
        `Give each one a condition, e.g. @StreamListener('${binding}', { condition: "headers['type']=='created'" }), or use one listener.`,
    );
  }
}

/** A listener condition expression does not parse. */
export class InvalidConditionError extends BinderyError {
  constructor(expression: string, where: string, reason: string) {
    super(
      'INVALID_CONDITION',
      `Condition "${expression}" on ${where} is not valid: ${reason}. ` +
        `Write comparisons like headers['type']=='created' joined with && / ||, or pass a predicate function.`,
    );
  }
}

/** A config value has the wrong type or is out of range. */
export class ConfigTypeError extends BinderyError {
  constructor(path: string, expected: string, value: unknown, source: string) {
    super(
      'CONFIG_TYPE',
      `Config '${path}' must be ${expected}, got ${JSON.stringify(value)} (from ${source}). Fix it there.`,
    );
  }
}

/** A config file exists but cannot be read or parsed. */
export class ConfigFileError extends BinderyError {
  constructor(file: string, reason: string) {
    super('CONFIG_FILE', `Config file ${file} could not be read: ${reason}. Fix the file or remove it.`);
  }
}

/** A constructor parameter the container cannot provide. */
export class UnresolvedDependencyError extends BinderyError {
  constructor(service: string, index: number, reason: string) {
    super('UNRESOLVED_DEPENDENCY', `Cannot create ${service}: constructor parameter #${index} ${reason}.`);
  }
}

/** A listener method parameter the runtime cannot fill. */
export class ListenerSignatureError extends BinderyError {
  constructor(where: string, reason: string) {
    super('LISTENER_SIGNATURE', `${where}: ${reason}.`);
  }
}

/** A class marked @GlobalProducerInterceptor that cannot intercept sends. */
export class ProducerInterceptorError extends BinderyError {
  constructor(service: string) {
    super(
      'PRODUCER_INTERCEPTOR',
      `${service} is marked @GlobalProducerInterceptor() but has no beforeSend(record) method: implement ProducerInterceptor, or remove the decorator.`,
    );
  }
}

/** A listener id or binding name given to pause/resume/send that does not exist. */
export class UnknownListenerError extends BinderyError {
  constructor(name: string, known: string[]) {
    super('UNKNOWN_LISTENER', `No binding or listener named '${name}' (known: ${known.join(', ') || 'none'}).`);
  }
}

/** Payload bytes that the content-type's converter cannot read. Never retried. */
export class MessageConversionError extends BinderyError {
  constructor(contentType: string, reason: string) {
    super('MESSAGE_CONVERSION', `Cannot convert a '${contentType}' message: ${reason}`);
  }
}

/** The application is not in a state that allows the call. */
export class LifecycleError extends BinderyError {
  constructor(message: string) {
    super('LIFECYCLE', message);
  }
}

/** A listener's handler did not settle within consumer.handlerTimeoutMs: the attempt counts as failed. */
export class HandlerTimeoutError extends BinderyError {
  constructor(
    readonly listener: string,
    readonly record: string,
    readonly timeoutMs: number,
  ) {
    super(
      'HANDLER_TIMEOUT',
      `${listener}: the handler did not settle within handlerTimeoutMs (${timeoutMs} ms) on ${record}; the attempt counts as failed ` +
        `(its work is not cancelled). Make the handler finish sooner, or raise bindings.<name>.consumer.handlerTimeoutMs.`,
    );
  }
}
