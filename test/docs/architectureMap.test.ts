/**
 * docs/architecture.md maps each mechanism of the design notes to the files that carry it: every
 * `src/...` path the page names must exist, so a move or rename that forgets the map fails here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const PAGE = path.join(ROOT, 'docs', 'architecture.md');

function sourcePathsIn(text: string): string[] {
  return [...text.matchAll(/`(src\/[^`\s]+)`/g)].map((m) => m[1]);
}

describe('the architecture page', () => {
  const text = fs.readFileSync(PAGE, 'utf8');

  it('names source paths in its mechanism map', () => {
    const section = text.split('## Where each mechanism of the design notes lives')[1] ?? '';
    expect(sourcePathsIn(section).length).toBeGreaterThanOrEqual(20);
  });

  it('names only paths that exist', () => {
    const missing = sourcePathsIn(text).filter((p) => !fs.existsSync(path.join(ROOT, p)));
    expect(missing).toEqual([]);
  });
});
