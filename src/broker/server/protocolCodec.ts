import { decodeRequest, decodeRequestHeader, encodeResponse, type ApiKey } from '../../protocol/messages';
import type { WireCodec } from './types';

/** The server's codec: Kafka's generated message tables from src/protocol. */
export const protocolCodec: WireCodec = {
  decodeHeader(frame) {
    const h = decodeRequestHeader(frame);
    return { apiKey: h.apiKey, apiVersion: h.apiVersion, correlationId: h.correlationId, clientId: h.clientId, bodyOffset: h.headerSize };
  },
  decodeBody(header, frame, bodyOffset) {
    return decodeRequest(header.apiKey as ApiKey, header.apiVersion, frame, bodyOffset);
  },
  encodeResponse(header, body) {
    return encodeResponse(header.apiKey as ApiKey, header.apiVersion, header.correlationId, body as never).chunks;
  },
};
