import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { ApiVersionsRequestData, ApiVersionsResponseData } from '../../../protocol/generated/types';
import type { ServerServices } from '../services';
import type { ApiHandler } from '../types';

/** ApiVersions v3 is the first with features (tagged fields). */
const FIRST_VERSION_WITH_FEATURES = 3;

/**
 * ApiVersions: every implemented API with the versions this server answers (from 0, see
 * DESIGN.md), and from v3 the supported and finalized features (transaction.version).
 */
export const apiVersionsHandler: ApiHandler<ServerServices, ApiVersionsRequestData, ApiVersionsResponseData> = {
  apiKey: ApiKey.ApiVersions,
  name: 'ApiVersions',
  minVersion: 0,
  maxVersion: 3,
  handle(_request, ctx) {
    const features = ctx.header.apiVersion >= FIRST_VERSION_WITH_FEATURES ? ctx.services.features?.() : undefined;
    return {
      errorCode: 0,
      apiKeys: ctx.services.advertisedVersions().map((v) => ({ apiKey: v.apiKey, minVersion: v.minVersion, maxVersion: v.maxVersion })),
      throttleTimeMs: 0,
      ...(features
        ? { supportedFeatures: features.supported, finalizedFeaturesEpoch: BigInt(features.finalizedEpoch), finalizedFeatures: features.finalized }
        : {}),
    };
  },
};
