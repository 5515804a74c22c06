/**
 * Brokers shared inside the process: one per data directory (two brokers on one directory would
 * corrupt it) and one in-memory broker, each closed when the last binder using it lets go. A data
 * directory is also shared with other processes of the machine (sharedDataDir/): when another
 * process serves it, a lease carries a client binder of that process instead of a broker.
 */
import * as path from 'node:path';
import { Broker } from '../../broker/Broker';
import { MemoryFileSystem } from '../../broker/storage/MemoryFileSystem';
import type { Binder } from '../Binder';
import type { Logger } from '../../logging';
import type { ResolvedNativeBinderConfig } from './config';
import { SharedDataDir } from './sharedDataDir/SharedDataDir';
import { SharedDataDirClientBinder } from './sharedDataDir/SharedDataDirClientBinder';

export interface BrokerLease {
  /** The broker in this process; null when another process serves the data directory. */
  readonly broker: Broker | null;
  /** When another process serves the data directory: the binder to use instead, its client. */
  readonly client: Binder | null;
  /** The data directory when it is shared with other processes. */
  readonly shared: SharedDataDir | null;
  /** Lets go of the broker; the last lease of a shared broker closes it. */
  release(handlerWaitMs?: number): Promise<void>;
}

/** What one in-process entry opened: a broker, or a data directory shared with other processes. */
interface Opened {
  broker: Broker | null;
  shared: SharedDataDir | null;
  close(): Promise<void>;
}

interface Entry {
  opening: Promise<Opened>;
  users: number;
}

const shared = new Map<string, Entry>();
const MEMORY_KEY = 'memory:';

/** A shared broker keeps the logger of the binder that opened it. */
function openBroker(config: ResolvedNativeBinderConfig, logger: Logger | undefined): Promise<Broker> {
  const groupConfig = { initialRebalanceDelayMs: config.groupInitialRebalanceDelayMs };
  const brokerConfig = { numPartitions: config.defaultPartitions, ...config.brokerConfig };
  if (config.dataDir) return Broker.open({ dataDir: config.dataDir, config: brokerConfig, groupConfig, logger });
  return Broker.open({ fs: new MemoryFileSystem(), config: brokerConfig, groupConfig, logger });
}

async function open(config: ResolvedNativeBinderConfig, logger: Logger | undefined): Promise<Opened> {
  if (!config.dataDir) {
    const broker = await openBroker(config, logger);
    return { broker, shared: null, close: () => broker.close() };
  }
  const dataDir = await SharedDataDir.open({ dataDir: config.dataDir, openBroker: () => openBroker(config, logger), logger, handOffTimeoutMs: config.handOffTimeoutMs });
  return {
    get broker() {
      return dataDir.broker;
    },
    shared: dataDir,
    close: () => dataDir.close(),
  };
}

function lease(opened: Opened, config: ResolvedNativeBinderConfig, logger: Logger | undefined, release: () => Promise<void>): BrokerLease {
  const broker = opened.broker;
  const client = broker || !opened.shared ? null : new SharedDataDirClientBinder(opened.shared, config, logger);
  let released = false;
  return {
    broker,
    client,
    shared: opened.shared,
    release: async (handlerWaitMs) => {
      if (released) return;
      released = true;
      await client?.close(handlerWaitMs);
      await release();
    },
  };
}

/** The broker a binder with these properties uses. */
export async function acquireBroker(config: ResolvedNativeBinderConfig, logger?: Logger): Promise<BrokerLease> {
  if (config.broker) return { broker: config.broker, client: null, shared: null, release: async () => undefined };
  if (!config.shared) {
    const broker = await openBroker(config, logger);
    return { broker, client: null, shared: null, release: () => broker.close() };
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
  let opened: Opened;
  try {
    opened = await mine.opening;
  } catch (error) {
    mine.users--;
    throw error;
  }
  return lease(opened, config, logger, async () => {
    if (--mine.users > 0) return;
    if (shared.get(key) === mine) shared.delete(key);
    await opened.close();
  });
}
