/**
 * The README's and docs/'s code blocks are tests: TypeScript blocks compile against the built package
 * with the tsconfig the page shows, programs run on the embedded broker and print what the page says,
 * jest blocks pass with the jest setup the page shows, shell blocks parse, JSON and YAML blocks parse,
 * and links between pages resolve. A block can opt out only with `<!-- snippet: not tested: why -->`.
 * Markers are described in ./markdown.ts.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { documentationPages, extractBlocks, headingAnchors, relativeLinks, type CodeBlock } from './markdown';
import { loadConfig } from '../../src/runtime/config/load';
import { BROKER_USAGE, CONSUME_USAGE, GROUPS_USAGE, PRODUCE_USAGE, TOPICS_USAGE } from '../../src/cli/usage';
import { buildSnippetProject, cleanEnv, runBounded, type ProcessResult, type SnippetProject } from './snippetProject';

const root = path.resolve(__dirname, '../..');
const pages = documentationPages(root);
const blocks = pages.flatMap((page) => extractBlocks(page, fs.readFileSync(path.join(root, page), 'utf8')));
const where = (b: CodeBlock): string => `${b.page}:${b.line}`;
const tested = blocks.filter((b) => b.marker.notTested === undefined);
const byLang = (...langs: string[]): CodeBlock[] => tested.filter((b) => langs.includes(b.lang) && !b.marker.output);
/** `it.each` rows named by page and line; jest refuses an empty table, so a language no page uses has no test. */
const rows = (list: CodeBlock[]): Array<readonly [string, CodeBlock]> => list.map((b) => [where(b), b] as const);
const eachBlock = (list: CodeBlock[], title: string, fn: (name: string, block: CodeBlock) => unknown, timeoutMs?: number): void => {
  if (list.length > 0) it.each(rows(list))(title, fn, timeoutMs);
};
const RUN_TIMEOUT_MS = 30000;
const USAGE_TEXTS = [BROKER_USAGE, TOPICS_USAGE, PRODUCE_USAGE, CONSUME_USAGE, GROUPS_USAGE];

/** Newest modification time of the files under `dir`. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

let project: SnippetProject;
const programs = tested.filter((b) => b.marker.run);
const runs = new Map<CodeBlock, Promise<ProcessResult>>();
const PROGRAMS_AT_ONCE = 3;

beforeAll(() => {
  const buildInfo = path.join(root, 'dist', '.tsbuildinfo');
  if (!fs.existsSync(path.join(root, 'dist/src/index.d.ts')) || !fs.existsSync(buildInfo) || fs.statSync(buildInfo).mtimeMs < newestMtime(path.join(root, 'src'))) {
    throw new Error('dist/ is missing or older than src/: run `npm run build` first (`npm test` builds before it tests)');
  }
  project = buildSnippetProject(root, blocks);
  // The programs run side by side while the other checks go on; each test awaits its own.
  const queue = programs.filter((b) => (project.diagnostics.get(fileOf(b).source) ?? []).length === 0);
  const next = (): Promise<void> | undefined => {
    const block = queue.shift();
    if (!block) return undefined;
    const file = fileOf(block);
    const run = runBounded(process.execPath, [file.compiled], { cwd: file.pageDir, env: cleanEnv(), timeoutMs: RUN_TIMEOUT_MS });
    runs.set(block, run);
    return run.then(next);
  };
  for (let i = 0; i < PROGRAMS_AT_ONCE; i++) void next();
});

function fileOf(block: CodeBlock) {
  const file = project.files.find((f) => f.block === block);
  if (!file) throw new Error(`${where(block)} was not written`);
  return file;
}

describe('documentation code blocks', () => {
  it('every block names a language this test checks', () => {
    const known = ['ts', 'bash', 'json', 'yaml', 'js', 'text'];
    expect(blocks.filter((b) => !known.includes(b.lang)).map((b) => `${where(b)} \`\`\`${b.lang}`)).toEqual([]);
  });

  it('text blocks are either program output (marked `output`, after a `run` block) or unmarked prose', () => {
    const misplaced = blocks.filter((b, i) => b.marker.output && !(b.lang === 'text' && blocks[i - 1]?.page === b.page && blocks[i - 1]?.marker.run));
    expect(misplaced.map(where)).toEqual([]);
  });

  it('the TypeScript project set-up compiles (tsconfig blocks parse, type libraries found)', () => {
    expect(project.globalDiagnostics).toEqual([]);
  });

  eachBlock(byLang('ts'), '%s compiles', (_name, block) => {
    expect(project.diagnostics.get(fileOf(block).source) ?? []).toEqual([]);
  });

  eachBlock(byLang('json'), '%s is JSON', (_name, block) => {
    expect(() => JSON.parse(block.code)).not.toThrow();
  });

  eachBlock(byLang('yaml'), '%s is YAML', (_name, block) => {
    expect(() => yaml.load(block.code)).not.toThrow();
  });

  eachBlock(byLang('js'), '%s is JavaScript that parses', (_name, block) => {
    expect(() => new Function('module', 'exports', 'require', block.code)).not.toThrow();
  });

  eachBlock(byLang('bash'), '%s is shell that parses, and its npm scripts exist', (_name, block) => {
    expect(() => execFileSync('bash', ['-n'], { input: block.code, stdio: ['pipe', 'ignore', 'pipe'] })).not.toThrow();
    const scripts = Object.keys((JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
    const named = [...block.code.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]);
    expect(named.filter((s) => !scripts.includes(s))).toEqual([]);
  });

  const cliLines = byLang('bash').flatMap((b) =>
    b.code
      .split('\n')
      .filter((line) => /^npx bindery\s/.test(line))
      .map((line) => [`${where(b)}: ${line.replace(/\s+#.*$/, '')}`] as const),
  );
  if (cliLines.length > 0) {
    it.each(cliLines)('%s: a command and options the CLI usage lists', (line) => {
      const words = line.slice(line.indexOf('npx bindery ') + 'npx bindery '.length).split(/\s+/);
      const usages = USAGE_TEXTS.filter((u) => u.split('\n').some((l) => l.startsWith(`bindery ${words[0]} `) || l === `bindery ${words[0]}`));
      expect(usages.length).toBe(1);
      const usage = usages[0];
      if (!words[1].startsWith('-')) expect(usage).toContain(`bindery ${words[0]} ${words[1]}`);
      expect(words.filter((w) => w.startsWith('--') && !usage.includes(w))).toEqual([]);
    });
  }

  eachBlock(
    programs,
    '%s runs on the embedded broker, exits 0 and prints what the page shows',
    async (_name, block) => {
      expect(project.diagnostics.get(fileOf(block).source) ?? []).toEqual([]);
      const result = await runs.get(block);
      expect({ code: result?.code, timedOut: result?.timedOut, output: result?.output }).toEqual({ code: 0, timedOut: false, output: expect.any(String) });
      const next = blocks[blocks.indexOf(block) + 1];
      if (next?.marker.output) {
        const expected = next.code.split('\n').filter((l) => l.trim() !== '');
        expect(expected.filter((line) => !result?.output.includes(line))).toEqual([]);
      }
    },
    RUN_TIMEOUT_MS * programs.length + 5000,
  );

  const jestPages = [...new Set(tested.filter((b) => b.marker.jest).map((b) => b.page))];
  it.each(jestPages)('%s: the jest blocks pass with the jest setup the page shows', async (page) => {
    const files = project.files.filter((f) => f.block.page === page && f.block.marker.jest);
    const pageDir = files[0].pageDir;
    const config = path.join(pageDir, 'jest.config.js');
    expect(fs.existsSync(config)).toBe(true); // the page shows its jest.config.js (<!-- snippet: file=jest.config.js -->)
    const jest = path.join(root, 'node_modules', 'jest', 'bin', 'jest.js');
    const args = [jest, '--config', config, '--rootDir', pageDir, '--ci', '--watchman=false', '--runTestsByPath', ...files.map((f) => f.source)];
    const result = await runBounded(process.execPath, args, { cwd: pageDir, env: cleanEnv(), timeoutMs: 60000 });
    expect({ code: result.code, timedOut: result.timedOut, output: result.output }).toEqual({ code: 0, timedOut: false, output: expect.any(String) });
  }, 65000);

  it.each(pages)('%s links only to files and headings that exist', (page) => {
    const file = path.join(root, page);
    const missing = relativeLinks(fs.readFileSync(file, 'utf8')).filter(({ file: target, anchor }) => {
      const linked = target === '' ? file : path.resolve(path.dirname(file), target);
      if (!fs.existsSync(linked)) return true;
      return anchor !== '' && linked.endsWith('.md') && !headingAnchors(fs.readFileSync(linked, 'utf8')).includes(anchor);
    });
    expect(missing).toEqual([]);
  });

  const envRows = pages.flatMap((page) =>
    [...fs.readFileSync(path.join(root, page), 'utf8').matchAll(/^\| `(BINDERY_[A-Z0-9_]+)=([^`]+)` \| `([^`]+)` \|/gm)].map(
      (m) => [`${page}: ${m[1]}=${m[2]}`, m[1], m[2], m[3]] as const,
    ),
  );
  if (envRows.length > 0) {
    it.each(envRows)('%s sets the config path the table names', (_name, variable, value, configPath) => {
      const bindings = configPath.startsWith('bindings.') ? [configPath.split('.')[1]] : [];
      const config = loadConfig({ configFile: false, env: { [variable]: value }, knownBindings: bindings });
      const found = configPath.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], config);
      expect(String(found)).toBe(value);
    });
  }

  it("examples/quickstart.ts is the README's Quick start (importing '../src' instead of 'bindery')", () => {
    const quickStart = blocks.find((b) => b.page === 'README.md' && b.marker.file === 'app.ts');
    const example = fs.readFileSync(path.join(root, 'examples', 'quickstart.ts'), 'utf8');
    const body = example.slice(example.indexOf('\n') + 1).replace("from '../src'", "from 'bindery'");
    expect(body).toBe(quickStart?.code);
  });

});
