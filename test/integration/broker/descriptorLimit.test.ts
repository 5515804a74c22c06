/**
 * A broker process under a low descriptor limit (`prlimit --nofile=256`) auto-creates thousands of
 * topics, each with one record, then restarts on the same data directory and serves every one:
 * segment files hold descriptors only while recently used, so neither the topics' creation nor the
 * restart runs out of them (each partition used to keep three open for good).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeIfPeer } from '../../support/peers';
import { describePhase, manyTopicsCreateAndRestart, prlimitAvailable } from '../../support/manyTopics';
import { run } from '../../support/processes';

const TOPICS = 1000;
const FD_LIMIT = 256;
/** A phase takes seconds to a minute on a shared machine: creating and closing a partition each cost several fsyncs. */
const PHASE_TIMEOUT_MS = 240_000;

let dataDir: string;
beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-fd-limit-'));
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describeIfPeer('prlimit', prlimitAvailable(), `a broker limited to ${FD_LIMIT} descriptors`, () => {
  it(`auto-creates ${TOPICS} topics, restarts and serves every one`, async () => {
    const { create, serve } = await manyTopicsCreateAndRestart(dataDir, TOPICS, FD_LIMIT, PHASE_TIMEOUT_MS);
    // eslint-disable-next-line no-console
    console.log(`${describePhase(create)}\n${describePhase(serve)}`);
    expect(create.fdLimit).toBe(String(FD_LIMIT));
    expect({ ok: create.ok, failed: create.failed, firstError: create.firstError }).toEqual({ ok: TOPICS, failed: 0, firstError: null });
    expect({ ok: serve.ok, failed: serve.failed, firstError: serve.firstError }).toEqual({ ok: TOPICS, failed: 0, firstError: null });
    expect(serve.stderr).not.toMatch(/EMFILE|too many open files/i);
    expect(Math.max(create.peakFds, serve.peakFds)).toBeLessThan(FD_LIMIT);
  }, 2 * PHASE_TIMEOUT_MS + 10_000);

  it('a file system bounded above what the process has left closes its least recently used files on EMFILE and carries on', async () => {
    const storage = path.join(__dirname, '..', '..', '..', 'dist', 'src', 'broker', 'storage', 'DiskFileSystem.js');
    // 300 files written in turn, then read back, through one file system allowed 1,000 descriptors in a process allowed 64
    const script = `
      const path = require('node:path');
      const { DiskFileSystem } = require(${JSON.stringify(storage)});
      const disk = new DiskFileSystem({ maxOpenFiles: 1000 });
      const files = [];
      for (let i = 0; i < 300; i++) { const f = disk.open(path.join(process.argv[1], 'f' + i)); f.append(Buffer.from('file ' + i)); files.push(f); }
      let good = 0;
      for (let i = 0; i < 300; i++) if (files[i].read(0, 100).toString() === 'file ' + i) good++;
      for (const f of files) f.close();
      process.stdout.write('good ' + good + ' open ' + disk.openDescriptors + '\\n');`;
    const dir = fs.mkdtempSync(path.join(dataDir, 'emfile-'));
    const res = await run('prlimit', ['--nofile=64:64', process.execPath, '-e', script, dir], { timeoutMs: 60_000 });
    expect(res.stderr).toBe('');
    expect(res.stdout.trim()).toBe('good 300 open 0');
  }, 70_000);
});
