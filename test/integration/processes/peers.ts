/** Test side of the shared-dataDir peers: forks them from dist/, collects what they report. */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Broker } from '../../../src/broker/Broker';
import { decodeRecordBatchesSync } from '../../../src/protocol/records/decodeBatch';
import type { PeerMessage, PeerSettings } from './sharedDataDirPeer';

export const PEER_SCRIPT = path.resolve(__dirname, '../../../dist/test/integration/processes/sharedDataDirPeer.js');

export interface Peer {
  readonly settings: PeerSettings;
  readonly child: ChildProcess;
  readonly ready: Promise<{ pid: number; serving: boolean }>;
  readonly exited: Promise<void>;
  produced: boolean;
}

/** Everything the peers reported, in arrival order. */
export class PeerReports {
  readonly acked = new Set<string>();
  readonly failedSends: string[] = [];
  readonly failures: string[] = [];
  /** pid → consumed [name, i] in the order that process consumed them. */
  readonly consumedBy = new Map<number, Array<[string, number]>>();
  readonly consumed = new Set<string>();
  consumedCount = 0;

  /** What has been reported so far, for failure messages. */
  progress(): string {
    const ackedBy = new Map<string, number>();
    for (const id of this.acked) ackedBy.set(id.split('/')[0], (ackedBy.get(id.split('/')[0]) ?? 0) + 1);
    const missing = [...this.acked].filter((id) => !this.consumed.has(id));
    return (
      `acked ${[...ackedBy].map(([n, c]) => `${n}=${c}`).join(' ')}; consumed ${this.consumed.size} distinct of ${this.consumedCount}; ` +
      `acked not consumed ${missing.length} (${missing.slice(0, 5).join(', ')}); failed sends ${this.failedSends.length} ${this.failedSends.slice(0, 3).join(' | ')}; failures ${this.failures.join(' | ')}`
    );
  }

  record(message: PeerMessage): void {
    if (message.kind === 'acked') for (let i = message.from; i < message.to; i++) this.acked.add(`${message.name}/${i}`);
    else if (message.kind === 'send-failed') this.failedSends.push(`${message.name} [${message.from}, ${message.to}): ${message.message}`);
    else if (message.kind === 'failed') this.failures.push(message.message);
    else if (message.kind === 'consumed') {
      const list = this.consumedBy.get(message.pid) ?? [];
      this.consumedBy.set(message.pid, list);
      for (const [name, i] of message.records) {
        list.push([name, i]);
        this.consumed.add(`${name}/${i}`);
        this.consumedCount++;
      }
    }
  }
}

export function assertBuilt(): void {
  if (!fs.existsSync(PEER_SCRIPT)) throw new Error(`${PEER_SCRIPT} is missing: build with \`npm run build\` first (npm test does)`);
}

export function startPeer(settings: PeerSettings, reports: PeerReports, peers: Peer[]): Peer {
  const child = fork(PEER_SCRIPT, [], { env: { ...process.env, BINDERY_SHARED_DATADIR_PEER: JSON.stringify(settings) }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  let resolveReady: (r: { pid: number; serving: boolean }) => void = () => undefined;
  let rejectReady: (e: Error) => void = () => undefined;
  const ready = new Promise<{ pid: number; serving: boolean }>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  ready.catch(() => undefined);
  const peer: Peer = { settings, child, ready, exited, produced: false };
  child.on('message', (message: PeerMessage) => {
    reports.record(message);
    if (message.kind === 'ready') resolveReady(message);
    if (message.kind === 'failed') rejectReady(new Error(`${settings.name}: ${message.message}`));
    if (message.kind === 'produced') peer.produced = true;
  });
  void exited.then(() => rejectReady(new Error(`${settings.name} exited before it was ready`)));
  peers.push(peer);
  return peer;
}

/** Polls `condition` until it holds; fails naming `what` after `timeoutMs`. */
export async function waitFor(what: string | (() => string), condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function stopPeers(peers: Peer[], gracefully: boolean): Promise<void> {
  for (const peer of peers) {
    if (peer.child.exitCode !== null || peer.child.signalCode !== null) continue;
    if (gracefully && peer.child.connected) peer.child.send({ kind: 'stop' });
    else peer.child.kill('SIGKILL');
  }
  const bounded = Promise.all(peers.map((p) => p.exited));
  const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), 15000).unref());
  if ((await Promise.race([bounded, timer])) === 'late') {
    for (const peer of peers) if (peer.child.exitCode === null && peer.child.signalCode === null) peer.child.kill('SIGKILL');
    await bounded;
  }
}

/** For each process and key, the records it consumed, first deliveries only, must be in increasing order. */
export function outOfOrderDeliveries(reports: PeerReports, keys: number): string[] {
  const problems: string[] = [];
  for (const [pid, list] of reports.consumedBy) {
    const seen = new Set<string>();
    const lastByKey = new Map<string, number>();
    for (const [name, i] of list) {
      const id = `${name}/${i}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const key = `${name}-k${i % keys}`;
      const last = lastByKey.get(key);
      if (last !== undefined && i < last) problems.push(`process ${pid} consumed ${key} #${i} after #${last}`);
      lastByKey.set(key, i);
    }
  }
  return problems;
}

/** Every record of `topic` in the log of `dataDir` (opened here once the peers are gone). */
export async function readTopic(dataDir: string, topic: string, partitions: number): Promise<Array<{ partition: number; offset: number; name: string; i: number }>> {
  const broker = await Broker.open({ dataDir, logCleaner: null });
  try {
    const out: Array<{ partition: number; offset: number; name: string; i: number }> = [];
    for (let p = 0; p < partitions; p++) {
      const log = broker.partition(topic, p)!.log;
      for (let offset = log.logStartOffset; offset < log.logEndOffset; ) {
        const { records, nextOffset } = log.read(offset, 1 << 20);
        for (const batch of decodeRecordBatchesSync(records)) {
          for (const r of batch.records) {
            if (r.offset < offset) continue;
            const { name, i } = JSON.parse(r.value!.toString()) as { name: string; i: number };
            out.push({ partition: p, offset: r.offset, name, i });
          }
        }
        if (nextOffset <= offset) break;
        offset = nextOffset;
      }
    }
    return out;
  } finally {
    await broker.close();
  }
}

/** Records in the log twice, and keys whose records are not in increasing order. */
export function logProblems(records: Array<{ name: string; i: number }>, keys: number): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const lastByKey = new Map<string, number>();
  for (const { name, i } of records) {
    const id = `${name}/${i}`;
    if (seen.has(id)) problems.push(`${id} is in the log twice`);
    seen.add(id);
    const key = `${name}-k${i % keys}`;
    const last = lastByKey.get(key);
    if (last !== undefined && i <= last) problems.push(`${key}: #${i} follows #${last} in the log`);
    lastByKey.set(key, i);
  }
  return problems;
}
