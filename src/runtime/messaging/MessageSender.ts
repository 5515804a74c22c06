/**
 * Sends to any destination chosen at run time, as Spring Cloud Stream's StreamBridge does: by
 * output binding name (its destination, content type, producer settings and binder), by a binding
 * configured under `bindings.<name>`, or by destination name with the default producer settings.
 * Injectable: a constructor parameter typed `MessageSender`.
 */
import type { SendOptions, SendResult } from '../../annotations';
import { LifecycleError } from '../errors';
import type { Producers } from '../producers';

/** One message of `sendMany`. */
export interface OutgoingMessage extends SendOptions {
  payload: unknown;
}

export class MessageSender {
  /** @internal Made by the application; inject it rather than constructing one. */
  constructor(
    private readonly producers: Producers,
    private readonly isOpen: () => boolean,
  ) {}

  /** Converts by content type and sends; resolves once the binder acknowledged the record. */
  send(destination: string, payload: unknown, options?: SendOptions): Promise<SendResult> {
    if (!this.isOpen()) return Promise.reject(new LifecycleError(`Cannot send to '${destination}': the application is closed.`));
    return this.producers.sendTo(this.producers.target(destination), payload, options);
  }

  /** Sends the messages in order through one binding call; resolves with their results in the same order. */
  async sendMany(destination: string, messages: OutgoingMessage[]): Promise<SendResult[]> {
    if (!this.isOpen()) throw new LifecycleError(`Cannot send to '${destination}': the application is closed.`);
    if (messages.length === 0) return [];
    return this.producers.sendManyTo(this.producers.target(destination), messages);
  }

  /** Resolves when every record sent so far (to `destination` only, when given) is acknowledged. */
  flush(destination?: string): Promise<void> {
    return this.producers.flush(destination === undefined ? undefined : this.producers.target(destination).destination);
  }
}
