// `npm run test:kafka`: tests against a real Apache Kafka (test/kafka/), run by
// scripts/kafka/with-kafka.js, which starts a KRaft broker and sets KAFKA_BROKERS.
// One worker: the machine has 2 cores and the broker JVM needs one of them.
const base = require('./jest.config.js');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/kafka'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 180000,
  maxWorkers: 1,
  reporters: ['default', ['<rootDir>/test/support/progressReporter.js', { cases: true }]],
};
