/**
 * A text bar chart of bench/results/wire.json for bench/notes/wire.md: per line the ratio
 * bindery ÷ Kafka, with the 1.0 mark (throughput: right of it is better; p99, RSS and start-up:
 * left of it is better).
 *   node dist/bench/wire/chart.js [bench/results/wire.json]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './brokers';

interface ResultsFile {
  results: { name: string; fields: Record<string, number | string> }[];
}

const WIDTH = 40;
const MAX_RATIO = 2.5;

function bar(ratio: number): string {
  const cells = Math.round((Math.min(ratio, MAX_RATIO) / MAX_RATIO) * WIDTH);
  const one = Math.round((1 / MAX_RATIO) * WIDTH);
  let s = '';
  for (let i = 0; i < WIDTH; i++) s += i === one ? '|' : i < cells ? '█' : ' ';
  return s;
}

export function chart(file: ResultsFile): string {
  const rows: [string, number][] = [];
  for (const { name, fields } of file.results) {
    const label = name.replace(/^wire-/, '');
    if (typeof fields.ratio === 'number') rows.push([`${label} (throughput)`, fields.ratio]);
    if (typeof fields.p99_ratio_lower_is_better === 'number') rows.push([label.replace(/-p99$/, ' (p99 latency)'), fields.p99_ratio_lower_is_better]);
    if (typeof fields.rss_ratio === 'number') rows.push(['peak RSS', fields.rss_ratio]);
    if (typeof fields.startup_ratio === 'number') rows.push(['start-up time', fields.startup_ratio]);
  }
  const width = Math.max(...rows.map(([l]) => l.length));
  const lines = rows.map(([label, ratio]) => `${label.padEnd(width)}  ${bar(ratio)} ${ratio.toFixed(2)}`);
  return [`${''.padEnd(width)}  ${'0'.padEnd(Math.round(WIDTH / MAX_RATIO))}1.0${' '.repeat(WIDTH - Math.round(WIDTH / MAX_RATIO) - 6)}${MAX_RATIO}+`, ...lines].join('\n');
}

if (require.main === module) {
  const file = process.argv[2] ?? path.join(ROOT, 'bench', 'results', 'wire.json');
  console.log(chart(JSON.parse(fs.readFileSync(file, 'utf8')) as ResultsFile));
}
