// Tests run from TypeScript sources through swc (fast, keeps decorator metadata);
// `npm test` type-checks the whole tree first via the `pretest` build.
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/test/kafka/', '<rootDir>/test/faults/'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', swc] },
  testTimeout: 60000,
  // Most suites wait on sockets and timers, not on the CPU: two workers even on a 2-core machine
  // (jest's default there is one) halve the wall time of a run.
  maxWorkers: Math.max(2, require('node:os').availableParallelism() - 1),
  setupFiles: ['reflect-metadata'],
  reporters: ['default', '<rootDir>/test/support/progressReporter.js'],
  // In CI a handle leaked by a failing test (say, a client left reconnecting) must not hang the run;
  // locally jest keeps reporting it ("did not exit one second after the test run").
  forceExit: process.env.CI === 'true',
};
