import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { ApiVersionsRequestData, ApiVersionsResponseData } from '../../../protocol/generated/types';
import type { ServerServices } from '../services';
import type { ApiHandler } from '../types';

/** ApiVersions: every implemented API with the versions this server answers (from 0, see DESIGN.md). */
export const apiVersionsHandler: ApiHandler<ServerServices, ApiVersionsRequestData, ApiVersionsResponseData> = {
  apiKey: ApiKey.ApiVersions,
  name: 'ApiVersions',
  minVersion: 0,
  maxVersion: 3,
  handle(_request, ctx) {
    return {
      errorCode: 0,
      apiKeys: ctx.services.advertisedVersions().map((v) => ({ apiKey: v.apiKey, minVersion: v.minVersion, maxVersion: v.maxVersion })),
      throttleTimeMs: 0,
    };
  },
};
