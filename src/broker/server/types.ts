/** What the server reads from the front of every request frame. */
export interface RequestHeaderInfo {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/**
 * The wire codec as the server uses it; bound to src/protocol by `protocolCodec`.
 * Decoders throw on bytes that do not follow the grammar; the connection is then closed.
 */
export interface WireCodec {
  /** Decodes the request header; `bodyOffset` is where the request body starts in `frame`. */
  decodeHeader(frame: Buffer): RequestHeaderInfo & { bodyOffset: number };
  decodeBody(header: RequestHeaderInfo, frame: Buffer, bodyOffset: number): unknown;
  /** The whole response frame (int32 size prefix, header, body) as chunks for one writev. */
  encodeResponse(header: RequestHeaderInfo, body: unknown): Buffer[];
}

/** Returned by a handler when the request gets no response (Produce with acks=0). */
export const NO_RESPONSE: unique symbol = Symbol('no-response');
export type HandlerResult = unknown | typeof NO_RESPONSE;

/** The connection a request arrived on, as handlers may see it. */
export interface ConnectionInfo {
  readonly id: number;
  readonly remoteAddress: string;
  /** Set once SaslAuthenticate succeeds; undefined while unauthenticated. */
  principal?: string;
  /** Set by SaslHandshake: the mechanism the client will authenticate with. */
  saslMechanism?: string;
}

export interface RequestContext<S = unknown> {
  readonly header: RequestHeaderInfo;
  readonly connection: ConnectionInfo;
  readonly services: S;
  /**
   * Runs `done` once the socket no longer needs this request's response buffers: after they
   * have been written, or when the connection closes first (or the request gets no response).
   */
  afterResponseWritten(done: () => void): void;
  /** Closes the connection once this request's response has been written (Kafka does so after a failed authentication). */
  closeAfterResponse?(): void;
}

/** One Kafka API served by the broker. Each handler file exports one of these. */
export interface ApiHandler<S = unknown, Req = any, Res = any> {
  readonly apiKey: number;
  readonly name: string;
  /** Inclusive version range this handler accepts and answers. */
  readonly minVersion: number;
  readonly maxVersion: number;
  handle(request: Req, ctx: RequestContext<S>): Promise<Res | typeof NO_RESPONSE> | Res | typeof NO_RESPONSE;
}
