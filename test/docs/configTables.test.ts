/** The configuration tables of README.md and docs/*.md say what the settings declarations say (`npm run docs` rewrites them). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_TABLES, regenerate, regionsOf } from '../../scripts/docs/configTables';

const root = path.resolve(__dirname, '..', '..');
const pages = ['README.md', ...fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => path.join('docs', f))];
const text = (page: string): string => fs.readFileSync(path.join(root, page), 'utf8');

describe('generated configuration tables', () => {
  it.each(pages)('%s matches the declarations (run `npm run docs` after changing a setting)', (page) => {
    expect(text(page)).toBe(regenerate(text(page), page));
  });

  it('shows every declared table somewhere', () => {
    const shown = pages.flatMap((page) => regionsOf(text(page)));
    expect(shown.sort()).toEqual(Object.keys(CONFIG_TABLES).sort());
  });

  it('sees a changed default as a difference', () => {
    const page = text('docs/binders.md');
    const edited = page.replace('| `fetchMaxWaitMs` | 500 |', '| `fetchMaxWaitMs` | 400 |');
    expect(edited).not.toBe(page);
    expect(regenerate(edited, 'docs/binders.md')).toBe(page);
  });
});
