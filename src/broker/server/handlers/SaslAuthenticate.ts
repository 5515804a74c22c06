import { ApiKey } from '../../../protocol/generated/apiKeys';
import { ErrorCode } from '../../../protocol/errorCodes';
import type { SaslAuthenticateRequestData, SaslAuthenticateResponseData } from '../../../protocol/generated/types';
import { hostOf } from '../FailedAuthenticationDelay';
import type { ServerServices } from '../services';
import type { ApiHandler } from '../types';

/**
 * PLAIN token (RFC 4616): [authzid] NUL authcid NUL passwd, UTF-8.
 * Returns the user name when the token is well formed.
 */
export function parsePlainToken(token: Buffer): { user: string; password: string } | null {
  const parts = token.toString('utf8').split('\u0000');
  if (parts.length !== 3 || parts[1].length === 0) return null;
  return { user: parts[1], password: parts[2] };
}

/**
 * SaslAuthenticate: checks PLAIN credentials against the configured users. As in Kafka, a failed
 * authentication is answered after connection.failed.authentication.delay.ms (paced per client
 * address) and its connection is closed once the answer is written.
 */
export const saslAuthenticateHandler: ApiHandler<ServerServices, SaslAuthenticateRequestData, SaslAuthenticateResponseData> = {
  apiKey: ApiKey.SaslAuthenticate,
  name: 'SaslAuthenticate',
  minVersion: 0,
  maxVersion: 2,
  async handle(request, ctx) {
    const fail = (errorMessage: string, errorCode: number = ErrorCode.SASL_AUTHENTICATION_FAILED): SaslAuthenticateResponseData => {
      ctx.closeAfterResponse?.();
      return { errorCode, errorMessage, authBytes: Buffer.alloc(0), sessionLifetimeMs: 0n };
    };
    const sasl = ctx.services.sasl;
    if (!sasl || ctx.connection.saslMechanism !== 'PLAIN') return fail('send SaslHandshake with mechanism PLAIN first', ErrorCode.ILLEGAL_SASL_STATE);
    const creds = parsePlainToken(request.authBytes);
    if (!creds || sasl.plainUsers[creds.user] === undefined || sasl.plainUsers[creds.user] !== creds.password) {
      await ctx.services.failedAuthentication?.wait(hostOf(ctx.connection.remoteAddress));
      return fail('Authentication failed: invalid username or password');
    }
    ctx.connection.principal = `User:${creds.user}`;
    return { errorCode: 0, errorMessage: null, authBytes: Buffer.alloc(0), sessionLifetimeMs: 0n };
  },
};
