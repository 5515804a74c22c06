/** `npm run docs`: rewrites the generated configuration tables of README.md and docs/*.md. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { regenerate } from './docs/configTables';

const root = path.resolve(__dirname, '..', '..');
const pages = ['README.md', ...fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => path.join('docs', f))];
for (const page of pages) {
  const file = path.join(root, page);
  const before = fs.readFileSync(file, 'utf8');
  const after = regenerate(before, page);
  if (after !== before) {
    fs.writeFileSync(file, after);
    console.log(`rewrote ${page}`);
  }
}
