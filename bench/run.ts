/**
 * `npm run bench [-- suite …]`: runs the named suites (all when none is named), each from
 * bench/suites/<suite>.ts exporting `run(report)`, then regenerates BENCHMARKS.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SuiteRecorder, type Reporter } from './report';
import { writeBenchmarksMarkdown } from './markdown';

interface Suite {
  run(report: Reporter): Promise<void>;
}

const projectRoot = path.resolve(__dirname, '..', '..');
const resultsDir = path.join(projectRoot, 'bench', 'results');

function availableSuites(): string[] {
  const dir = path.join(__dirname, 'suites');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function main(argv: string[]): Promise<number> {
  const known = availableSuites();
  const wanted = argv.filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !known.includes(w));
  if (unknown.length > 0) {
    console.error(`unknown benchmark suite(s): ${unknown.join(', ')}; available: ${known.join(', ')}`);
    return 2;
  }
  for (const name of wanted.length > 0 ? wanted : known) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const suite = require(path.join(__dirname, 'suites', name)) as Suite;
    const recorder = new SuiteRecorder(name);
    await suite.run(recorder.report);
    const file = recorder.write(resultsDir);
    console.log(`# ${name}: results in ${path.relative(projectRoot, file)}`);
  }
  writeBenchmarksMarkdown(resultsDir, path.join(projectRoot, 'BENCHMARKS.md'));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : String(err));
    process.exit(1);
  },
);
