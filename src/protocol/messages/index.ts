export { ApiKey, apiKeyName, isApiKey } from './apiKeys';
export {
  UnsupportedApiVersionError,
  decodeMessage,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeRequestFrame,
  encodeResponse,
  encodeResponseBody,
  encodeData,
  decodeData,
  type MessageKind,
  type RequestData,
  type ResponseData,
} from './codec';
export { ZeroCopyWriter, concatChunks, APPEND_BY_REFERENCE_MIN, type EncodedChunks } from './ZeroCopyWriter';
export { ProtocolEncodeError } from './encode';
export {
  decodeRequestHeader,
  decodeResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  type RequestHeader,
  type DecodedRequestHeader,
  type DecodedResponseHeader,
} from './headers';
export { apiMessageSchemas, dataSchemas, isFlexibleVersion, type ApiMessageSchema } from './registry';
export type { EncodeInput, FieldSchema, MessageSchema, StructSchema, RawTaggedField, TaggedStruct } from './schemaTypes';
export { parseVersionRange, MAX_VERSION, type VersionRange } from './versions';
export { messageSchemas } from '../generated/schemas';
export type * from '../generated/types';
