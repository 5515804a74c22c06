/** The management routes on their own port: config `management: { port, host }`. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Bindery } from '../runtime/Bindery';
import { DEFAULT_MANAGEMENT_HOST, type ManagementConfig } from '../runtime/config/types';
import { ManagementPortInUseError } from './errors';
import { managementHandler, type ManagementRoutesOptions } from './routes';

export class ManagementServer {
  private constructor(
    private readonly server: Server,
    private readonly onClose: () => void,
  ) {}

  /** Listens on `host:port` (port 0: any free port); fails with ManagementPortInUseError when taken. */
  static async start(app: Bindery, config: ManagementConfig & ManagementRoutesOptions): Promise<ManagementServer> {
    const handler = managementHandler(app, config);
    const server = createServer(handler);
    const host = config.host ?? DEFAULT_MANAGEMENT_HOST;
    const port = config.port ?? 0;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      handler.close();
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new ManagementPortInUseError(host, port);
      throw error;
    }
    return new ManagementServer(server, () => handler.close());
  }

  /** Where it listens (the port chosen when config said 0). */
  get address(): { host: string; port: number } {
    const a = this.server.address() as AddressInfo;
    return { host: a.address, port: a.port };
  }

  close(): Promise<void> {
    this.onClose();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export const startManagementServer = (app: Bindery, config: ManagementConfig & ManagementRoutesOptions): Promise<ManagementServer> =>
  ManagementServer.start(app, config);
