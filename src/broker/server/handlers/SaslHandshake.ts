import { ApiKey } from '../../../protocol/generated/apiKeys';
import { ErrorCode } from '../../../protocol/errorCodes';
import type { SaslHandshakeRequestData, SaslHandshakeResponseData } from '../../../protocol/generated/types';
import type { ServerServices } from '../services';
import type { ApiHandler } from '../types';

/**
 * SaslHandshake: picks the mechanism. Only v1 semantics are served (tokens then travel in
 * SaslAuthenticate requests); a v0 client would follow with raw tokens, which this server
 * does not frame, so v0 gets the same answer and authentication then fails cleanly.
 */
export const saslHandshakeHandler: ApiHandler<ServerServices, SaslHandshakeRequestData, SaslHandshakeResponseData> = {
  apiKey: ApiKey.SaslHandshake,
  name: 'SaslHandshake',
  minVersion: 0,
  maxVersion: 1,
  handle(request, ctx) {
    const sasl = ctx.services.sasl;
    const mechanisms = sasl ? [...sasl.mechanisms] : [];
    if (!sasl) return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms };
    if (!mechanisms.includes(request.mechanism)) {
      // Kafka closes the connection once this answer is written.
      ctx.closeAfterResponse?.();
      return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms };
    }
    ctx.connection.saslMechanism = request.mechanism;
    return { errorCode: 0, mechanisms };
  },
};
