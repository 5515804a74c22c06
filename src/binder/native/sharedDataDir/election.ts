/**
 * Which process serves a data directory: the one listening on the directory's election socket.
 * On Linux it is an abstract Unix socket, which the kernel frees the moment its process dies, so
 * a crashed holder leaves nothing stale behind and its successor is chosen by the kernel alone:
 * exactly one `listen` succeeds. Other processes stay connected to the holder's socket; its close
 * is their signal to stand for election. Elsewhere the socket is a file in the temp directory,
 * removed when no one answers on it.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeAnnouncement, type Announcement } from './announcement';

export function electionAddress(dataDir: string): string {
  const real = fs.realpathSync(dataDir);
  const name = `bindery-datadir-${createHash('sha256').update(real).digest('hex').slice(0, 32)}`;
  return process.platform === 'linux' ? `\0${name}` : path.join(os.tmpdir(), `${name}.sock`);
}

/** The held election: answers every waiting process with the announcement once there is one. */
export class ElectionHold {
  private readonly sockets = new Set<net.Socket>();
  private announcement: Buffer | null = null;

  constructor(private readonly server: net.Server) {
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      socket.on('data', () => undefined);
      if (this.announcement) socket.write(this.announcement);
    });
  }

  announce(a: Announcement): void {
    this.announcement = encodeAnnouncement(a);
    for (const socket of this.sockets) socket.write(this.announcement);
  }

  /** Gives the election up: every waiting process sees its connection close. */
  close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    return closed;
  }
}

function listen(address: string): Promise<net.Server | null> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' ? resolve(null) : reject(err)));
    server.listen(address, () => {
      server.unref();
      resolve(server);
    });
  });
}

/** Takes the election when no process holds it; null when one does. */
export async function tryHold(address: string): Promise<ElectionHold | null> {
  let server = await listen(address);
  if (!server && !address.startsWith('\0')) {
    // A socket file outlives a crashed holder: when no one answers on it, it is stale.
    const holder = await connectToHolder(address);
    if (holder) holder.destroy();
    else {
      fs.rmSync(address, { force: true });
      server = await listen(address);
    }
  }
  return server && new ElectionHold(server);
}

/** A connection to the holder (its close means the holder is gone), or null when none listens. */
export function connectToHolder(address: string): Promise<net.Socket | null> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(address);
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      socket.on('error', () => socket.destroy());
      socket.unref();
      resolve(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      socket.destroy();
      if (err.code === 'ECONNREFUSED' || err.code === 'ENOENT') resolve(null);
      else reject(err);
    });
  });
}
