// `npm run test:faults`: the fault suite (test/faults/): kill -9, a full disk, a corrupt segment,
// thousands of topics under a low descriptor limit, a client that never reads. Each scenario
// drives `bindery broker` child processes from dist/ and prints one `FAULT …` summary line.
// One worker: the scenarios measure the broker's memory and other clients' latency.
const base = require('./jest.config.js');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/faults'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 180000,
  maxWorkers: 1,
  reporters: ['default', ['<rootDir>/test/support/progressReporter.js', { cases: true }]],
};
