'use strict';
/**
 * Where the Apache Kafka jars live (.kafka/libs, ignored by git) and the Java classpath built
 * from them. Shared by fetch.js, kafka-node.js and the tests.
 */
const fs = require('node:fs');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..', '..');
const kafkaHome = path.join(repoRoot, '.kafka');
const libsDir = path.join(kafkaHome, 'libs');
const pomFile = path.join(__dirname, 'pom.xml');
/** Written last by fetch.js; holds the hash of the pom the jars came from. */
const markerFile = path.join(libsDir, '.complete');

/** The classpath of every jar in libsDir (throws with what to run when they are missing). */
function classpath() {
  if (!libsAvailable()) {
    throw new Error(`Apache Kafka jars are missing from ${libsDir}: run \`node scripts/kafka/fetch.js\` (needs Maven and Java 17)`);
  }
  return fs
    .readdirSync(libsDir)
    .filter((name) => name.endsWith('.jar'))
    .sort()
    .map((name) => path.join(libsDir, name))
    .join(path.delimiter);
}

/** True once fetch.js completed for the current pom. */
function libsAvailable() {
  return fs.existsSync(markerFile);
}

module.exports = { repoRoot, kafkaHome, libsDir, pomFile, markerFile, classpath, libsAvailable };
