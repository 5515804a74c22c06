/**
 * Lays the documentation's code blocks out as the small projects a user would make: one folder per
 * page under dist/snippets, `bindery` resolved to this repository as an installed package (types from
 * dist/src/index.d.ts, code from dist/src/index.js, as `npm install /path/to/bindery` gives), the
 * page's own tsconfig.json block (else the README's) as compiler options. All TypeScript blocks are
 * compiled by one TypeScript program per distinct tsconfig.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import type { CodeBlock } from './markdown';

export interface SnippetFile {
  block: CodeBlock;
  /** The .ts file written for the block. */
  source: string;
  /** The .js file compiled from it. */
  compiled: string;
  /** Folder of the block's page project. */
  pageDir: string;
}

export interface SnippetProject {
  dir: string;
  files: SnippetFile[];
  /** Compile errors by .ts file, formatted with file and line. */
  diagnostics: Map<string, string[]>;
  /** Errors not in any block's file (a tsconfig that does not parse, a type library missing). */
  globalDiagnostics: string[];
}

export function pageSlug(page: string): string {
  return page === 'README.md' ? 'readme' : path.basename(page, '.md');
}

function blockFileName(block: CodeBlock): string {
  if (block.marker.file) return block.marker.file;
  return block.marker.jest ? `block-${block.line}.test.ts` : `block-${block.line}.ts`;
}

function tsconfigBlock(blocks: CodeBlock[], page: string): CodeBlock | undefined {
  return blocks.find((b) => b.page === page && b.marker.file === 'tsconfig.json');
}

const formatHost: ts.FormatDiagnosticsHost = {
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => process.cwd(),
  getNewLine: () => '\n',
};

/** Writes every page's blocks and compiles its TypeScript ones. */
export function buildSnippetProject(root: string, blocks: CodeBlock[]): SnippetProject {
  const dir = path.join(root, 'dist', 'snippets');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "private": true }\n');
  fs.symlinkSync(root, path.join(dir, 'node_modules', 'bindery'), 'dir');

  const files: SnippetFile[] = [];
  const groups = new Map<string, { config: CodeBlock | undefined; sources: string[] }>();
  const readmeConfig = tsconfigBlock(blocks, 'README.md');
  for (const block of blocks) {
    const pageDir = path.join(dir, pageSlug(block.page));
    fs.mkdirSync(pageDir, { recursive: true });
    if (block.marker.notTested !== undefined || block.marker.output) continue;
    if (block.marker.file) fs.writeFileSync(path.join(pageDir, block.marker.file), block.code);
    if (block.lang !== 'ts') continue;
    const name = blockFileName(block);
    const source = path.join(pageDir, name);
    fs.writeFileSync(source, block.code);
    const compiled = path.join(dir, '.out', pageSlug(block.page), name.replace(/\.ts$/, '.js'));
    files.push({ block, source, compiled, pageDir });
    const config = tsconfigBlock(blocks, block.page) ?? readmeConfig;
    const key = config ? `${config.page}:${config.line}` : '';
    const group = groups.get(key) ?? { config, sources: [] };
    group.sources.push(source);
    groups.set(key, group);
  }

  const diagnostics = new Map<string, string[]>();
  const globalDiagnostics: string[] = [];
  // Parsed files (the type libraries, bindery's declarations) are shared between the programs, as an editor's
  // language service shares them: parsing them is most of the compile time.
  const parsed = new Map<string, ts.SourceFile | undefined>();
  for (const { config, sources } of groups.values()) {
    const json = config ? ts.parseConfigFileTextToJson('tsconfig.json', config.code) : { config: { compilerOptions: {} } };
    if (json.error) {
      globalDiagnostics.push(ts.formatDiagnostics([json.error], formatHost));
      continue;
    }
    const converted = ts.convertCompilerOptionsFromJson(json.config?.compilerOptions ?? {}, dir);
    globalDiagnostics.push(...converted.errors.map((d) => ts.formatDiagnostics([d], formatHost)));
    const options: ts.CompilerOptions = {
      ...converted.options,
      rootDir: dir,
      outDir: path.join(dir, '.out'),
      noEmit: false,
      declaration: false,
      incremental: false,
      sourceMap: false,
    };
    const host = ts.createCompilerHost(options);
    const parse = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
      const key = `${fileName}|${JSON.stringify(languageVersion)}`;
      if (!parsed.has(key)) parsed.set(key, parse(fileName, languageVersion, onError, shouldCreate));
      return parsed.get(key);
    };
    const program = ts.createProgram(sources, options, host);
    const emitted = program.emit();
    for (const d of [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics]) {
      const text = ts.formatDiagnostics([d], formatHost).trim();
      const file = d.file?.fileName ? path.resolve(d.file.fileName) : undefined;
      if (file && sources.includes(file)) diagnostics.set(file, [...(diagnostics.get(file) ?? []), text]);
      else globalDiagnostics.push(text);
    }
  }
  return { dir, files, diagnostics, globalDiagnostics };
}

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  timedOut: boolean;
}

/** Runs a command to its end or until `timeoutMs` (then SIGKILL); stdout and stderr together. */
export function runBounded(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output, timedOut });
    });
  });
}

/** The environment a user's shell would give a snippet: no bindery or Kafka settings of this test run. */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('BINDERY_') || key === 'KAFKA_BROKERS' || key.startsWith('JEST_') || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  return env;
}
