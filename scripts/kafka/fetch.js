#!/usr/bin/env node
'use strict';
/**
 * Fetches Apache Kafka (broker, tools, client, log4j2 binding) with Maven into .kafka/libs.
 * Idempotent: when the jars of the current pom.xml are already there it returns at once.
 * Usage: node scripts/kafka/fetch.js [--force]
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');
const { libsDir, pomFile, markerFile } = require('./paths');

function pomHash() {
  return crypto.createHash('sha256').update(fs.readFileSync(pomFile)).digest('hex');
}

function fetchKafka({ force = false } = {}) {
  const hash = pomHash();
  if (!force && fs.existsSync(markerFile) && fs.readFileSync(markerFile, 'utf8').trim() === hash) {
    return { fetched: false, libsDir };
  }
  // Start clean so jars of an older pom never mix into the classpath.
  fs.rmSync(libsDir, { recursive: true, force: true });
  fs.mkdirSync(libsDir, { recursive: true });
  const args = [
    '-q',
    '-B',
    '-Dstyle.color=never',
    '-f',
    pomFile,
    'dependency:copy-dependencies',
    `-DoutputDirectory=${libsDir}`,
    '-DincludeScope=runtime',
  ];
  const result = spawnSync('mvn', args, { stdio: 'inherit' });
  if (result.error) {
    throw new Error(`could not run Maven (mvn): ${result.error.message}; install Maven and Java 17`);
  }
  if (result.status !== 0) {
    throw new Error(`mvn dependency:copy-dependencies failed with exit code ${result.status}`);
  }
  fs.writeFileSync(markerFile, `${hash}\n`);
  return { fetched: true, libsDir };
}

if (require.main === module) {
  const started = Date.now();
  try {
    const { fetched } = fetchKafka({ force: process.argv.includes('--force') });
    const jars = fs.readdirSync(libsDir).filter((n) => n.endsWith('.jar')).length;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`Apache Kafka jars ${fetched ? 'fetched' : 'already present'} in ${libsDir} (${jars} jars, ${seconds}s)`);
  } catch (error) {
    console.error(`fetch.js: ${error.message}`);
    process.exit(1);
  }
}

module.exports = { fetchKafka };
