#!/usr/bin/env node
'use strict';
/**
 * Runs a command next to a fresh single-node Apache Kafka (KRaft) on 127.0.0.1:
 *   node scripts/kafka/with-kafka.js <command> [args…]
 * The command sees KAFKA_BROKERS=127.0.0.1:<port> (and KAFKA_VERSION); the broker stops when it
 * exits, and the command's exit code is ours. Fetches the jars first when they are missing.
 */
const { spawn } = require('node:child_process');
const { fetchKafka } = require('./fetch');
const { startKafka } = require('./kafka-node');

async function main() {
  const [command, ...args] = process.argv.slice(2);
  if (!command) {
    console.error('usage: node scripts/kafka/with-kafka.js <command> [args…]');
    return 2;
  }
  fetchKafka();
  const started = Date.now();
  const cluster = await startKafka({ size: 1 });
  console.log(`Apache Kafka (KRaft) serving on ${cluster.brokers} after ${((Date.now() - started) / 1000).toFixed(1)}s`);
  let child;
  const forward = (signal) => child && child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  try {
    child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, KAFKA_BROKERS: cluster.brokers } });
    return await new Promise((resolve) => {
      child.on('error', (error) => {
        console.error(`with-kafka: could not run ${command}: ${error.message}`);
        resolve(127);
      });
      child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + 15 : 1)));
    });
  } finally {
    await cluster.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`with-kafka: ${error.stack || error.message}`);
    process.exit(1);
  },
);
