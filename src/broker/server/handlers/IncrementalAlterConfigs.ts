import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { IncrementalAlterConfigsRequestData, IncrementalAlterConfigsResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';

/** IncrementalAlterConfigs: SET / DELETE / APPEND / SUBTRACT single configs (Kafka's admin tools use it). */
export const incrementalAlterConfigsHandler: ApiHandler<BrokerServices, IncrementalAlterConfigsRequestData, IncrementalAlterConfigsResponseData> = {
  apiKey: ApiKey.IncrementalAlterConfigs,
  name: 'IncrementalAlterConfigs',
  minVersion: 0,
  maxVersion: 1,
  async handle(request, ctx) {
    const res = await ctx.services.broker.incrementalAlterConfigs({
      validateOnly: request.validateOnly,
      resources: request.resources.map((r) => ({
        resourceType: r.resourceType,
        resourceName: r.resourceName,
        configs: r.configs.map((c) => ({ name: c.name, value: c.value, configOperation: c.configOperation })),
      })),
    });
    return { throttleTimeMs: 0, responses: res.responses.map((r) => ({ ...r })) };
  },
};
