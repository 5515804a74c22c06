import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { AlterConfigsRequestData, AlterConfigsResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';

/** AlterConfigs: replaces a resource's dynamic configs with the given set. */
export const alterConfigsHandler: ApiHandler<BrokerServices, AlterConfigsRequestData, AlterConfigsResponseData> = {
  apiKey: ApiKey.AlterConfigs,
  name: 'AlterConfigs',
  minVersion: 0,
  maxVersion: 2,
  async handle(request, ctx) {
    const res = await ctx.services.broker.alterConfigs({
      validateOnly: request.validateOnly,
      resources: request.resources.map((r) => ({ resourceType: r.resourceType, resourceName: r.resourceName, configs: r.configs.map((c) => ({ name: c.name, value: c.value })) })),
    });
    return { throttleTimeMs: 0, responses: res.responses.map((r) => ({ ...r })) };
  },
};
