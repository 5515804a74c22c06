import { ApiKey } from '../../../protocol/generated/apiKeys';
import type { DescribeLogDirsRequestData, DescribeLogDirsResponseData } from '../../../protocol/generated/types';
import type { BrokerServices } from '../brokerApi';
import type { ApiHandler } from '../types';
import { big } from './convert';

/** DescribeLogDirs: partition sizes and offset lag per log directory (kafka-log-dirs.sh, UIs); v4+ adds the volume's total and usable bytes. */
export const describeLogDirsHandler: ApiHandler<BrokerServices, DescribeLogDirsRequestData, DescribeLogDirsResponseData> = {
  apiKey: ApiKey.DescribeLogDirs,
  name: 'DescribeLogDirs',
  minVersion: 0,
  maxVersion: 4,
  async handle(request, ctx) {
    const dirs = await ctx.services.broker.describeLogDirs({
      topics: request.topics?.map((t) => ({ topic: t.topic, partitions: t.partitions })) ?? null,
    });
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      results: dirs.map((d) => ({
        errorCode: d.errorCode,
        logDir: d.logDir,
        topics: d.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, partitionSize: big(p.partitionSize), offsetLag: big(p.offsetLag), isFutureKey: p.isFutureKey })),
        })),
        totalBytes: big(d.totalBytes),
        usableBytes: big(d.usableBytes),
      })),
    };
  },
};
