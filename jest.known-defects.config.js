// `npm run test:known-defects`: reproductions of defects not yet fixed (test/known-defects/), kept
// out of `npm test` so that CI stays meaningful; each file's header says what it shows.
const base = require('./jest.config.js');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/known-defects'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
