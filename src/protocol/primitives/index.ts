export { ByteWriter } from './ByteWriter';
export { ByteReader } from './ByteReader';
export { BinderyError, ProtocolDecodeError } from './errors';
