'use strict';
/**
 * Runs Apache Kafka in KRaft mode on 127.0.0.1 for tests: one node (broker + controller) or a
 * cluster of N such nodes, each on free loopback ports with its data in a temp dir.
 *
 * No orphan JVMs: every JVM runs under a small sh guard in its own process group. The guard
 * reads its stdin, a pipe from this process; when this process dies (even by SIGKILL) the pipe
 * closes, the guard sends SIGTERM to the JVM and SIGKILL after a bound. A state file per node in
 * <tmp>/bindery-kafka/ also lets the next start reap groups whose owner is gone.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { spawn, execFile } = require('node:child_process');
const { classpath } = require('./paths');
const { killGroup, groupAlive } = require('../processGroup');

const stateDir = path.join(os.tmpdir(), 'bindery-kafka');
const STOP_GRACE_MS = 15000;

// The guard: start the JVM in the background, record its pid, stop it when stdin reaches EOF.
// (Background jobs of sh get /dev/null as stdin, hence the copy of the pipe on fd 3.)
const GUARD = [
  'exec 3<&0',
  '"$@" </dev/null & jvm=$!',
  'echo $jvm > "$BINDERY_KAFKA_PIDFILE"',
  // On EOF: SIGTERM, then SIGKILL if the JVM outlives the grace period (polled, so the guard ends with the JVM).
  `( cat <&3 >/dev/null; kill -TERM $jvm 2>/dev/null; i=0; while kill -0 $jvm 2>/dev/null; do ` +
    `i=$((i+1)); if [ $i -gt ${STOP_GRACE_MS / 100} ]; then kill -KILL $jvm; exit 0; fi; sleep 0.1; done ) &`,
  'wait $jvm',
].join('\n');

const LOG4J2 = [
  'status = warn',
  'appender.out.type = Console',
  'appender.out.name = out',
  'appender.out.layout.type = PatternLayout',
  'appender.out.layout.pattern = [%d] %p %m (%c)%n',
  'rootLogger.level = WARN',
  'rootLogger.appenderRef.out.ref = out',
  'logger.server.name = kafka.server.KafkaRaftServer',
  'logger.server.level = INFO',
].join('\n');

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Kills JVM groups left behind by a test process that died before it could stop them. */
function reapOrphans() {
  if (!fs.existsSync(stateDir)) return;
  for (const name of fs.readdirSync(stateDir)) {
    const file = path.join(stateDir, name);
    let state;
    try {
      state = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      continue;
    }
    if (alive(state.ownerPid)) continue;
    killGroup(state.pgid, 'SIGKILL');
    fs.rmSync(state.dataDir, { recursive: true, force: true });
    fs.rmSync(file, { force: true });
  }
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * A Kafka cluster id: 16 random bytes, base64url without padding (what StorageTool random-uuid
 * prints). Like Kafka's Uuid.randomUuid, never one starting with '-', which reads as an option.
 */
function newClusterId() {
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/**
 * JVM flags. 'startup' (the default, for tests): C1 only and the serial GC, for fast start-up.
 * 'throughput' (benchmarks): the JVM's normal tiered JIT and G1, as Kafka runs in production.
 */
const JVM_PROFILES = {
  startup: ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'],
  throughput: ['-XX:+UseG1GC'],
};

function javaArgs(heapMb, log4jFile, jvm = 'startup') {
  const profile = JVM_PROFILES[jvm];
  if (!profile) throw new Error(`unknown jvm profile '${jvm}' (known: ${Object.keys(JVM_PROFILES).join(', ')})`);
  return [
    `-Xmx${heapMb}m`,
    '-Xms64m',
    '-Xss1m',
    ...profile,
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${log4jFile}`,
    '-cp',
    classpath(),
  ];
}

function runJava(args, timeoutMs) {
  return new Promise((resolve, reject) => {
    execFile('java', args, { timeout: timeoutMs, maxBuffer: 4 << 20 }, (error, stdout, stderr) => {
      const command = args.slice(args.indexOf('-cp') + 2).join(' ');
      if (error) reject(new Error(`java … ${command} failed (${error.code ?? error.signal}):\n${stdout}${stderr.slice(-4000)}`));
      else resolve(stdout);
    });
  });
}

function serverProperties(node, voters, overrides) {
  const props = {
    'process.roles': 'broker,controller',
    'node.id': node.nodeId,
    'controller.quorum.voters': voters,
    listeners: `PLAINTEXT://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${node.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': path.join(node.dir, 'data'),
    'num.partitions': 1,
    'group.initial.rebalance.delay.ms': 0,
    'offsets.topic.num.partitions': 5,
    'transaction.state.log.num.partitions': 5,
    'num.network.threads': 2,
    'num.io.threads': 4,
    'num.recovery.threads.per.data.dir': 1,
    'share.coordinator.state.topic.num.partitions': 1,
    ...overrides,
  };
  return Object.entries(props).map(([key, value]) => `${key}=${value}`).join('\n') + '\n';
}

/** One request, one response over a fresh connection; resolves with the response body (after the correlation id). */
function roundTrip(port, apiKey, apiVersion, body, timeoutMs) {
  return new Promise((resolve, reject) => {
    const clientId = Buffer.from('bindery-kafka-node');
    const header = Buffer.alloc(10);
    header.writeInt16BE(apiKey, 0);
    header.writeInt16BE(apiVersion, 2);
    header.writeInt32BE(1, 4);
    header.writeInt16BE(clientId.length, 8);
    const payload = Buffer.concat([header, clientId, body]);
    const size = Buffer.alloc(4);
    size.writeInt32BE(payload.length, 0);
    let received = Buffer.alloc(0);
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error('timed out')));
    socket.on('connect', () => socket.write(Buffer.concat([size, payload])));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) {
        socket.end();
        resolve(received.subarray(8, 4 + received.readInt32BE(0)));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error('connection closed before a response')));
  });
}

/**
 * Metadata v1 (all topics: null array) and the node ids of the brokers it lists.
 * Response v1: brokers [node_id int32, host string, port int32, rack nullable string], controller_id, topics…
 */
async function metadataBrokerIds(port) {
  const allTopics = Buffer.alloc(4);
  allTopics.writeInt32BE(-1, 0);
  const body = await roundTrip(port, 3, 1, allTopics, 5000);
  let offset = 0;
  const count = body.readInt32BE(offset);
  offset += 4;
  const ids = [];
  for (let i = 0; i < count; i++) {
    ids.push(body.readInt32BE(offset));
    offset += 4;
    offset += 2 + body.readInt16BE(offset); // host
    offset += 4; // port
    const rackLength = body.readInt16BE(offset);
    offset += 2 + Math.max(rackLength, 0);
  }
  return ids;
}

/** Resolves once `check()` returns true; polls at `intervalMs`, throws after `timeoutMs`. */
async function waitFor(what, check, timeoutMs, intervalMs = 200) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`${what} within ${timeoutMs} ms${lastError ? `: ${lastError.message}` : ''}`);
}

class KafkaNode {
  constructor(cluster, nodeId, port, controllerPort) {
    this.cluster = cluster;
    this.nodeId = nodeId;
    this.port = port;
    this.controllerPort = controllerPort;
    this.dir = path.join(cluster.dir, `node-${nodeId}`);
    this.configFile = path.join(this.dir, 'server.properties');
    this.logFile = path.join(this.dir, 'kafka.log');
    this.pidFile = path.join(this.dir, 'jvm.pid');
    this.stateFile = path.join(stateDir, `${process.pid}-${path.basename(cluster.dir)}-${nodeId}.json`);
    this.guard = null;
    this.exited = null;
  }

  get address() {
    return `127.0.0.1:${this.port}`;
  }

  /** The JVM's pid, once the guard recorded it. */
  get pid() {
    try {
      return Number(fs.readFileSync(this.pidFile, 'utf8').trim()) || undefined;
    } catch {
      return undefined;
    }
  }

  get running() {
    return this.guard !== null;
  }

  async format() {
    fs.mkdirSync(this.dir, { recursive: true });
    const { clusterId, options } = this.cluster;
    const args = [...javaArgs(256, this.cluster.log4jFile), 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', this.configFile];
    await runJava(args, options.startTimeoutMs);
  }

  writeConfig(voters) {
    fs.mkdirSync(this.dir, { recursive: true });
    fs.writeFileSync(this.configFile, serverProperties(this, voters, this.cluster.options.brokerConfig));
  }

  /** Starts the JVM (data kept from a previous run) without waiting for it to serve. */
  launch() {
    if (this.guard) throw new Error(`node ${this.nodeId} is already running`);
    const log = fs.openSync(this.logFile, 'a');
    fs.rmSync(this.pidFile, { force: true });
    const args = [...javaArgs(this.cluster.options.heapMb, this.cluster.log4jFile, this.cluster.options.jvm), 'kafka.Kafka', this.configFile];
    const guard = spawn('sh', ['-c', GUARD, 'kafka-guard', 'java', ...args], {
      detached: true,
      stdio: ['pipe', log, log],
      env: { ...process.env, BINDERY_KAFKA_PIDFILE: this.pidFile },
    });
    fs.closeSync(log);
    guard.unref();
    guard.stdin.on('error', () => {});
    // Keep the pipe from holding the event loop open; it still closes when this process dies.
    if (guard.stdin._handle && guard.stdin._handle.unref) guard.stdin._handle.unref();
    this.guard = guard;
    this.exited = new Promise((resolve) => guard.once('exit', (code, signal) => resolve({ code, signal })));
    fs.mkdirSync(stateDir, { recursive: true });
    fs.writeFileSync(this.stateFile, JSON.stringify({ ownerPid: process.pid, pgid: guard.pid, dataDir: this.cluster.dir }));
  }

  /** Waits until this node answers a metadata request listing `expectedBrokers` brokers. */
  async waitUntilServing(expectedBrokers, timeoutMs) {
    let exit = null;
    this.exited.then((result) => (exit = result));
    const deadline = Date.now() + timeoutMs;
    let lastError = 'no answer yet';
    while (Date.now() < deadline) {
      if (exit) throw new Error(`Kafka node ${this.nodeId} exited (${exit.code ?? exit.signal}) while starting:\n${this.logTail()}`);
      try {
        const brokerIds = await metadataBrokerIds(this.port);
        if (brokerIds.length >= expectedBrokers) return;
        lastError = `metadata lists ${brokerIds.length} of ${expectedBrokers} brokers`;
      } catch (error) {
        lastError = error.message;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`Kafka node ${this.nodeId} did not serve on ${this.address} within ${timeoutMs} ms (${lastError}):\n${this.logTail()}`);
  }

  logTail() {
    try {
      return fs.readFileSync(this.logFile, 'utf8').split('\n').slice(-40).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** Ends the JVM with `signal` ('SIGTERM' waits for a clean shutdown, SIGKILL after the grace period). */
  async stop(signal = 'SIGTERM') {
    const guard = this.guard;
    if (!guard) return;
    const pgid = guard.pid;
    killGroup(pgid, signal);
    const deadline = Date.now() + STOP_GRACE_MS;
    while (groupAlive(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (groupAlive(pgid)) {
      killGroup(pgid, 'SIGKILL');
      await waitFor(`Kafka node ${this.nodeId} did not die`, () => !groupAlive(pgid), 5000, 50);
    }
    guard.stdin.destroy();
    this.guard = null;
    fs.rmSync(this.stateFile, { force: true });
  }

  /** SIGKILL, as a crash would: no controlled shutdown. */
  kill() {
    return this.stop('SIGKILL');
  }

  async restart(timeoutMs = this.cluster.options.startTimeoutMs) {
    this.launch();
    await this.waitUntilServing(1, timeoutMs);
  }
}

class KafkaCluster {
  constructor(options) {
    this.options = options;
    this.clusterId = newClusterId();
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-kafka-'));
    this.log4jFile = path.join(this.dir, 'log4j2.properties');
    fs.writeFileSync(this.log4jFile, LOG4J2);
    this.nodes = [];
  }

  /** Bootstrap list: "127.0.0.1:p1,127.0.0.1:p2,…". */
  get brokers() {
    return this.nodes.map((node) => node.address).join(',');
  }

  node(nodeId) {
    const node = this.nodes.find((n) => n.nodeId === nodeId);
    if (!node) throw new Error(`no Kafka node ${nodeId}`);
    return node;
  }

  async start() {
    const { size, startTimeoutMs } = this.options;
    for (let nodeId = 1; nodeId <= size; nodeId++) {
      this.nodes.push(new KafkaNode(this, nodeId, await freePort(), await freePort()));
    }
    const voters = this.nodes.map((n) => `${n.nodeId}@127.0.0.1:${n.controllerPort}`).join(',');
    for (const node of this.nodes) node.writeConfig(voters);
    await Promise.all(this.nodes.map((node) => node.format()));
    for (const node of this.nodes) node.launch();
    await Promise.all(this.nodes.map((node) => node.waitUntilServing(size, startTimeoutMs)));
    return this;
  }

  async stop() {
    await Promise.all(this.nodes.map((node) => node.stop()));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Starts a KRaft cluster of `size` combined broker+controller nodes on loopback.
 * Options: size (1), heapMb (512 for one node, 384 each otherwise), startTimeoutMs (120000),
 * brokerConfig (extra server.properties entries), jvm ('startup' (default) or 'throughput': see JVM_PROFILES).
 */
async function startKafka(options = {}) {
  reapOrphans();
  const size = options.size ?? 1;
  const resolved = {
    size,
    heapMb: options.heapMb ?? (size === 1 ? 512 : 384),
    startTimeoutMs: options.startTimeoutMs ?? 120000,
    jvm: options.jvm ?? 'startup',
    brokerConfig: {
      'offsets.topic.replication.factor': Math.min(size, 3),
      'transaction.state.log.replication.factor': Math.min(size, 3),
      'transaction.state.log.min.isr': Math.min(size, 2),
      ...options.brokerConfig,
    },
  };
  const cluster = new KafkaCluster(resolved);
  try {
    return await cluster.start();
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

module.exports = { startKafka, metadataBrokerIds, reapOrphans, KafkaCluster, KafkaNode };
