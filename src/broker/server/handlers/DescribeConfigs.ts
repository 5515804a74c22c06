import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { DescribeConfigsRequestData, DescribeConfigsResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';

/** DescribeConfigs: topic, broker and group resources. v0 reports isDefault, later versions configSource and (asked for) synonyms. */
export const describeConfigsHandler: ApiHandler<BrokerServices, DescribeConfigsRequestData, DescribeConfigsResponseData> = {
  apiKey: ApiKey.DescribeConfigs,
  name: 'DescribeConfigs',
  minVersion: 0,
  maxVersion: 4,
  async handle(request, ctx) {
    const res = await ctx.services.broker.describeConfigs({
      resources: request.resources.map((r) => ({ resourceType: r.resourceType, resourceName: r.resourceName, configurationKeys: r.configurationKeys })),
      includeSynonyms: request.includeSynonyms ?? false,
      includeDocumentation: request.includeDocumentation ?? false,
    });
    return {
      throttleTimeMs: 0,
      results: res.results.map((r) => ({
        errorCode: r.errorCode,
        errorMessage: r.errorMessage,
        resourceType: r.resourceType,
        resourceName: r.resourceName,
        configs: r.configs.map((c) => ({
          name: c.name,
          value: c.value,
          readOnly: c.readOnly,
          isDefault: c.isDefault,
          configSource: c.configSource,
          isSensitive: c.isSensitive,
          synonyms: c.synonyms,
          configType: c.configType,
          documentation: null,
        })),
      })),
    };
  },
};
