/**
 * The holder's side: opens the log (recovery as after any crash when the last holder died), serves
 * it on loopback with the broker's own Kafka server, preferably on the port the last holder used so
 * connected clients find it again, and announces where.
 */
import type { Broker } from '../../../broker/Broker';
import { startWireServer, type WireServer } from '../../../broker/server/WireServer';
import type { Logger } from '../../../logging';
import { lastServedPort, writeAnnouncementFile, type Announcement } from './announcement';
import type { ElectionHold } from './election';

export const LOOPBACK = '127.0.0.1';

export interface ServedDataDir {
  readonly broker: Broker;
  readonly announcement: Announcement;
  /** Stops serving: the Kafka listener, then the log (its lock), then the election. */
  close(): Promise<void>;
}

function listenFor(broker: Broker, port: number): Promise<WireServer> {
  const c = broker.config;
  return startWireServer(broker, {
    host: LOOPBACK,
    port,
    nodeId: c.nodeId,
    clusterId: broker.clusterId,
    fetchMaxBytes: c.fetchMaxBytes,
    limits: {
      queuedMaxRequestBytes: c.queuedMaxRequestBytes,
      maxResponseBytesPerConnection: c.maxResponseBytesPerConnection,
      connectionsMaxIdleMs: c.connectionsMaxIdleMs,
      requestFrameTimeoutMs: c.requestFrameTimeoutMs,
      saslServerMaxReceiveSize: c.saslServerMaxReceiveSize,
    },
  });
}

export async function serveDataDir(dataDir: string, hold: ElectionHold, openBroker: () => Promise<Broker>, logger: Logger | undefined): Promise<ServedDataDir> {
  let broker: Broker;
  try {
    broker = await openBroker();
  } catch (err) {
    await hold.close();
    throw err;
  }
  try {
    const preferred = lastServedPort(dataDir);
    let server: WireServer | null = null;
    if (preferred) {
      server = await listenFor(broker, preferred).catch(() => null);
      if (!server) logger?.warn(`port ${preferred}, where ${dataDir} was served before, is taken: serving it on another; connected processes follow the announcement`);
    }
    server ??= await listenFor(broker, 0);
    broker.setAdvertisedListener(LOOPBACK, server.port);
    const announcement: Announcement = { pid: process.pid, host: LOOPBACK, port: server.port };
    writeAnnouncementFile(dataDir, announcement);
    hold.announce(announcement);
    const listener = server;
    let closing: Promise<void> | null = null;
    return {
      broker,
      announcement,
      close: () =>
        (closing ??= (async () => {
          const draining = listener.close();
          await broker.close();
          await draining;
          await hold.close();
        })()),
    };
  } catch (err) {
    await broker.close();
    await hold.close();
    throw err;
  }
}
