'use strict';
/**
 * A clone without the peers and the protocol reference data must still pass `npm test`: the suites
 * that need them skip, touch nothing that is missing, and each prints its one `SKIP` line. This runs
 * the protocol suites with the reference data hidden (BINDERY_TEST_PROTOCOL_REFERENCE set to an
 * empty directory, which turns off the lookup beside the clone) and a Redis suite without Redis,
 * and fails unless jest passes and every skipped suite said so. .ci/run calls it.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const testDir = path.join(root, 'test');

function testFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Each `describeWithReference('name'` in the test tree: file and suite name. */
const referenceSuites = testFiles(testDir).flatMap((file) =>
  [...fs.readFileSync(file, 'utf8').matchAll(/describeWithReference\(\s*(['"`])(.+?)\1/g)].map((m) => ({ file, name: m[2] })),
);
const peerSuite = { file: path.join(testDir, 'integration', 'delivery', 'redisStore.test.ts'), name: 'Redis idempotency store' };
const expected = [...referenceSuites, peerSuite];
if (referenceSuites.length === 0) {
  console.error('check-skip-notices: found no describeWithReference suites under test/');
  process.exit(1);
}

const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-no-reference-'));
const env = { ...process.env, BINDERY_TEST_PROTOCOL_REFERENCE: empty };
delete env.BINDERY_REQUIRE_PEERS;
delete env.BINDERY_REDIS_URL;
const files = [...new Set(expected.map((s) => path.relative(root, s.file)))];
const jest = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), '--maxWorkers=1', ...files], { cwd: root, env, encoding: 'utf8' });
fs.rmSync(empty, { recursive: true, force: true });
const output = `${jest.stdout}\n${jest.stderr}`;

const problems = [];
if (jest.status !== 0) problems.push(`jest exited with ${jest.status}`);
for (const suite of expected) {
  const lines = output.split('\n').filter((line) => line.trim().startsWith(`SKIP ${suite.name}:`));
  if (lines.length === 0) problems.push(`no SKIP line for '${suite.name}' (${path.relative(root, suite.file)})`);
}
if (problems.length > 0) {
  console.error(output);
  console.error(`check-skip-notices failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`check-skip-notices: ${expected.length} suites skipped, each with its SKIP line, and jest passed`);
