/**
 * Metrics of a broker engine and its Kafka listener on a prom-client registry passed in. Traffic
 * is counted where it enters and leaves (the wire handlers and the BrokerApi in front of the
 * engine); the state of logs, groups and connections is read when the registry is scraped, so
 * the engine itself carries no metric code.
 */
import type { Gauge, Registry } from 'prom-client';
import type { ProduceRequest } from '../produce/types';
import type { FetchRequest, FetchResponse } from '../fetch/types';
import type { ApiHandler } from '../server/types';
import type { BrokerApi } from '../server/brokerApi';
import { brokerSeries, type BrokerSeries } from './brokerSeries';

/** What the scrape reads from an engine (Broker fits). */
export interface ObservedPartition {
  readonly topic: string;
  readonly index: number;
  readonly logEndOffset: number;
  readonly logStartOffset: number;
  readonly log: { readonly sizeInBytes: number };
}

export interface ObservedBroker {
  readonly topics: { partitions(): ObservedPartition[] };
  listGroups(): { groups: Array<{ groupId: string; groupState: string }> };
  describeGroups(groupIds: string[]): Array<{ groupId: string; members: unknown[] }>;
  readonly isClosed: boolean;
}

/** What the scrape reads from a listener (WireServer fits). */
export interface ObservedServer {
  readonly connectionCount: number;
}

const RECORDS_COUNT_AT = 57;
const BATCH_OVERHEAD = 12;

/** Records in concatenated RecordBatch v2 bytes, read from each batch header. */
function recordCount(batches: Buffer): number {
  let count = 0;
  for (let at = 0; at + RECORDS_COUNT_AT + 4 <= batches.length; ) {
    count += batches.readInt32BE(at + RECORDS_COUNT_AT);
    at += BATCH_OVERHEAD + batches.readInt32BE(at + 8);
  }
  return count;
}

const isThenable = (v: unknown): v is Promise<unknown> => typeof (v as { then?: unknown } | null)?.then === 'function';

/** Kafka's delayed operations: the APIs whose requests wait in a purgatory. */
const DELAYED: Record<string, string> = { Fetch: 'Fetch', Produce: 'Produce' };

export class BrokerMetrics {
  private readonly series: BrokerSeries;
  private readonly brokers: ObservedBroker[] = [];
  private readonly servers: ObservedServer[] = [];
  private readonly waiting = new Map<string, number>();

  constructor(readonly registry: Registry) {
    this.series = brokerSeries(registry, {
      delayed: (g) => {
        for (const operation of Object.values(DELAYED)) g.set({ delayedOperation: operation }, this.waiting.get(operation) ?? 0);
      },
      connections: (g) => g.set(this.servers.reduce((n, s) => n + s.connectionCount, 0)),
      logSize: (g) => this.eachPartition(g, (p) => p.log.sizeInBytes),
      logEndOffset: (g) => this.eachPartition(g, (p) => p.logEndOffset),
      logStartOffset: (g) => this.eachPartition(g, (p) => p.logStartOffset),
      groups: (g) => this.collectGroups(g),
      members: (g) => this.collectMembers(g),
    });
  }

  /** Times a log flush: give it to the engine as BrokerOpenOptions.onLogFlushed. */
  readonly logFlushed = (seconds: number): void => this.series.logFlush.observe(seconds);

  /** Reports this engine's logs and groups. */
  watchBroker(broker: ObservedBroker): void {
    this.brokers.push(broker);
  }

  /** Reports this listener's connections. */
  watchServer(server: ObservedServer): void {
    this.servers.push(server);
  }

  /** Counts and times each request a handler answers, per API and version. */
  handler<S>(handler: ApiHandler<S>): ApiHandler<S> {
    const { requests, requestTime, inFlight } = this.series;
    const byVersion = new Map<number, { count: ReturnType<typeof requests.labels>; time: ReturnType<typeof requestTime.labels> }>();
    const delayed = DELAYED[handler.name];
    const waiting = this.waiting;
    return {
      apiKey: handler.apiKey,
      name: handler.name,
      minVersion: handler.minVersion,
      maxVersion: handler.maxVersion,
      handle(request, ctx) {
        const version = ctx.header.apiVersion;
        let children = byVersion.get(version);
        if (children === undefined) {
          const labels = { request: handler.name, version: String(version) };
          byVersion.set(version, (children = { count: requests.labels(labels), time: requestTime.labels(labels) }));
        }
        const own = children;
        const started = performance.now();
        inFlight.inc();
        if (delayed) waiting.set(delayed, (waiting.get(delayed) ?? 0) + 1);
        const done = (): void => {
          inFlight.dec();
          if (delayed) waiting.set(delayed, (waiting.get(delayed) ?? 1) - 1);
          own.count.inc();
          own.time.observe((performance.now() - started) / 1000);
        };
        let result: unknown;
        try {
          result = handler.handle(request, ctx);
        } catch (error) {
          done();
          throw error;
        }
        if (!isThenable(result)) {
          done();
          return result;
        }
        return result.finally(done);
      },
    };
  }

  /** Counts bytes and records in (appended by Produce) and bytes out (returned by Fetch), per topic. */
  api(api: BrokerApi): BrokerApi {
    const { bytesIn, messagesIn, bytesOut, messagesOut } = this.series;
    const produce = async (req: ProduceRequest): ReturnType<BrokerApi['produce']> => {
      // Counted before the call: the engine owns (and rewrites) the buffers once it has them.
      const sizes = req.topics.map((t) => t.partitions.map((p) => (p.records ? { bytes: p.records.length, records: recordCount(p.records) } : undefined)));
      const response = await api.produce(req);
      req.topics.forEach((t, ti) => {
        const answered = response.responses.find((r) => r.name === t.name);
        t.partitions.forEach((p, pi) => {
          const size = sizes[ti][pi];
          const ok = answered?.partitionResponses.find((r) => r.index === p.index)?.errorCode === 0;
          if (!size || !ok) return;
          bytesIn.inc({ topic: t.name }, size.bytes);
          messagesIn.inc({ topic: t.name }, size.records);
        });
      });
      return response;
    };
    const fetch = async (req: FetchRequest): Promise<FetchResponse> => {
      const response: FetchResponse = await api.fetch(req);
      for (const t of response.responses) {
        let bytes = 0;
        let records = 0;
        for (const p of t.partitions) {
          const r = p.records;
          if (!r) continue;
          for (const b of Buffer.isBuffer(r) ? [r] : r) {
            bytes += b.length;
            records += recordCount(b);
          }
        }
        if (bytes > 0) bytesOut.inc({ topic: t.topic }, bytes);
        if (records > 0) messagesOut.inc({ topic: t.topic }, records);
      }
      return response;
    };
    // Every other call goes to `api` itself (a Broker's methods live on its prototype, which a spread would not copy).
    return Object.assign(Object.create(api) as BrokerApi, { produce, fetch });
  }

  private eachPartition(gauge: Gauge<'topic' | 'partition'>, value: (p: ObservedPartition) => number): void {
    gauge.reset();
    for (const broker of this.brokers) {
      if (broker.isClosed) continue;
      for (const p of broker.topics.partitions()) gauge.set({ topic: p.topic, partition: String(p.index) }, value(p));
    }
  }

  private collectGroups(gauge: Gauge<'state'>): void {
    gauge.reset();
    for (const broker of this.brokers) {
      if (broker.isClosed) continue;
      for (const g of broker.listGroups().groups) gauge.inc({ state: g.groupState });
    }
  }

  private collectMembers(gauge: Gauge<'group'>): void {
    gauge.reset();
    for (const broker of this.brokers) {
      if (broker.isClosed) continue;
      const ids = broker.listGroups().groups.map((g) => g.groupId);
      for (const g of broker.describeGroups(ids)) gauge.set({ group: g.groupId }, g.members.length);
    }
  }
}
