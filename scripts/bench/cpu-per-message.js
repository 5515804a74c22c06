// CPU time per message of the framework end to end (app.send → @StreamListener) on the native binder, for comparing two
// built trees of bindery side by side on a busy machine, where wall-clock throughput scatters.
// usage: node scripts/bench/cpu-per-message.js <tree with dist/ built> <partitions> <messages per run> [off|metrics]
const path = require('path'); const fs = require('fs'); const os = require('os');
const tree = process.argv[2]; const partitions = Number(process.argv[3] || 1); const count = Number(process.argv[4] || 100000);
const observe = process.argv[5] || 'off';
require(path.join(tree, 'node_modules/reflect-metadata'));
const b = require(path.join(tree, 'dist/src'));
const { performance } = require('perf_hooks');
class Probe { constructor() { this.received = 0; this.waiters = []; } record() { this.received++; const w = this.waiters; if (w.length && w[0].n <= this.received) { this.waiters = w.filter(x => x.n > this.received); for (const x of w) if (x.n <= this.received) x.r(); } }
  waitFor(n) { if (this.received >= n) return Promise.resolve(); return new Promise(r => { this.waiters.push({ n, r }); this.waiters.sort((a, c) => a.n - c.n); }); } }
class BenchListener { constructor(probe) { this.probe = probe; } onMessage(m) { this.probe.record(m); } }
Reflect.defineMetadata('design:paramtypes', [Probe], BenchListener);
Reflect.defineMetadata('design:paramtypes', [Object], BenchListener.prototype, 'onMessage');
b.Payload()(BenchListener.prototype, 'onMessage', 0);
b.StreamListener(b.Sink.INPUT)(BenchListener.prototype, 'onMessage', Object.getOwnPropertyDescriptor(BenchListener.prototype, 'onMessage'));
b.EnableBinding(b.Sink)(BenchListener);
(async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpub-'));
  const probe = new Probe(); const topic = 'cpub' + Date.now();
  const app = await b.Bindery.create({ services: [BenchListener, { provide: Probe, useValue: probe }], configFile: false, env: {}, logger: b.silentLogger, shutdownOnSignals: false, metrics: observe === 'metrics',
    config: { binder: 'native', binders: { native: { dataDir } }, default: { producer: { partitionCount: partitions } },
      bindings: { input: { destination: topic, group: 'bench', consumer: { concurrency: partitions, partitionCount: partitions, ackMode: 'batch', maxAttempts: 1 } } } } });
  await app.start();
  const pad = 'x'.repeat(64);
  async function run(n) { probe.received = 0; const c0 = process.cpuUsage(); const t0 = performance.now();
    for (let s = 0; s < n; s++) { if (s - probe.received >= 5000) await probe.waitFor(s - 2500); app.send(topic, { t: performance.now(), seq: s, pad }, { key: 'k' + (s % 64) }); }
    await probe.waitFor(n); const c = process.cpuUsage(c0); const wall = performance.now() - t0; return { us: (c.user + c.system) / n, rate: n / wall * 1000 }; }
  await run(10000);
  const rs = []; for (let i = 0; i < 3; i++) rs.push(await run(count));
  const best = rs.reduce((a, r) => r.us < a.us ? r : a);
  console.log(`CPU ${path.basename(tree)} p=${partitions} observe=${observe} cpu_us_per_msg=${best.us.toFixed(2)} msgs_per_s=${Math.round(Math.max(...rs.map(r => r.rate)))} all_us=${rs.map(r => r.us.toFixed(2)).join(',')}`);
  await app.close(); fs.rmSync(dataDir, { recursive: true, force: true }); process.exit(0);
})().catch(e => { console.error(e); process.exit(1); });
