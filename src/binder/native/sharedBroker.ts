/**
 * Brokers shared inside the process: one per data directory (two brokers on one directory would
 * corrupt it) and one in-memory broker, each closed when the last binder using it lets go.
 */
import * as path from 'node:path';
import { Broker } from '../../broker/Broker';
import { MemoryFileSystem } from '../../broker/storage/MemoryFileSystem';
import type { Logger } from '../../logging';
import type { ResolvedNativeBinderConfig } from './config';

export interface BrokerLease {
  readonly broker: Broker;
  /** Lets go of the broker; the last lease of a shared broker closes it. */
  release(): Promise<void>;
}

interface Entry {
  opening: Promise<Broker>;
  users: number;
}

const shared = new Map<string, Entry>();
const MEMORY_KEY = 'memory:';

/** A shared broker keeps the logger of the binder that opened it. */
function open(config: ResolvedNativeBinderConfig, logger: Logger | undefined): Promise<Broker> {
  const groupConfig = { initialRebalanceDelayMs: config.groupInitialRebalanceDelayMs };
  const brokerConfig = { numPartitions: config.defaultPartitions, ...config.brokerConfig };
  if (config.dataDir) return Broker.open({ dataDir: config.dataDir, config: brokerConfig, groupConfig, logger });
  return Broker.open({ fs: new MemoryFileSystem(), config: brokerConfig, groupConfig, logger });
}

/** The broker a binder with these properties uses. */
export async function acquireBroker(config: ResolvedNativeBinderConfig, logger?: Logger): Promise<BrokerLease> {
  if (config.broker) return { broker: config.broker, release: async () => undefined };
  if (!config.shared) {
    const broker = await open(config, logger);
    return { broker, release: () => broker.close() };
  }
  const key = config.dataDir ? path.resolve(config.dataDir) : MEMORY_KEY;
  let entry = shared.get(key);
  if (!entry) {
    entry = { opening: open(config, logger), users: 0 };
    shared.set(key, entry);
    const failed = entry;
    failed.opening.catch(() => shared.get(key) === failed && shared.delete(key));
  }
  entry.users++;
  const mine = entry;
  let broker: Broker;
  try {
    broker = await mine.opening;
  } catch (error) {
    mine.users--;
    throw error;
  }
  let released = false;
  return {
    broker,
    release: async () => {
      if (released) return;
      released = true;
      if (--mine.users > 0) return;
      if (shared.get(key) === mine) shared.delete(key);
      await broker.close();
    },
  };
}
