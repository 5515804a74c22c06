/**
 * Fenced code blocks of the README and docs/ pages, with the `<!-- snippet: … -->` marker written on
 * the line just before a fence. Markers:
 *   file=NAME     the block is NAME in its page's project (other blocks import it as './NAME' without .ts;
 *                 tsconfig.json and jest.config.js blocks configure the page's compile and jest run)
 *   run           a TypeScript program: compiled, run with node on the embedded broker, must exit 0
 *   jest          a jest test file: run with the page's jest setup, must pass
 *   output        a text block: each of its lines is printed by the `run` block before it
 *   not tested: REASON   the block is shown but not checked (keep rare; the reason is required)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface SnippetMarker {
  file?: string;
  run: boolean;
  jest: boolean;
  output: boolean;
  notTested?: string;
}

export interface CodeBlock {
  /** Page path relative to the repository, e.g. docs/binders.md. */
  page: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
  marker: SnippetMarker;
}

export class SnippetMarkupError extends Error {
  readonly code = 'SNIPPET_MARKUP';
}

const MARKER = /^<!--\s*snippet:\s*(.*?)\s*-->\s*$/;
const FENCE_OPEN = /^```(\S*)\s*$/;

export function parseMarker(text: string, where: string): SnippetMarker {
  const marker: SnippetMarker = { run: false, jest: false, output: false };
  const notTested = /^not tested\s*:\s*(.*)$/.exec(text);
  if (notTested) {
    if (notTested[1].trim() === '') throw new SnippetMarkupError(`${where}: 'not tested' needs a reason: <!-- snippet: not tested: why -->`);
    marker.notTested = notTested[1].trim();
    return marker;
  }
  for (const token of text.split(/\s+/).filter((t) => t !== '')) {
    if (token.startsWith('file=')) marker.file = token.slice('file='.length);
    else if (token === 'run' || token === 'jest' || token === 'output') marker[token] = true;
    else throw new SnippetMarkupError(`${where}: unknown snippet marker '${token}' (known: file=NAME, run, jest, output, not tested: REASON)`);
  }
  return marker;
}

/** Every top-level fenced block of a page, in order. */
export function extractBlocks(page: string, text: string): CodeBlock[] {
  const lines = text.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const markerMatch = MARKER.exec(lines[i]);
    if (markerMatch && !FENCE_OPEN.test(lines[i + 1] ?? '')) {
      throw new SnippetMarkupError(`${page}:${i + 1}: a snippet marker must be on the line just before a code fence`);
    }
    const open = FENCE_OPEN.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    if (i >= lines.length) throw new SnippetMarkupError(`${page}:${start + 1}: code fence never closed`);
    const before = start > 0 ? MARKER.exec(lines[start - 1]) : null;
    blocks.push({
      page,
      line: start + 1,
      lang: open[1],
      code: body.join('\n') + '\n',
      marker: before ? parseMarker(before[1], `${page}:${start}`) : { run: false, jest: false, output: false },
    });
  }
  return blocks;
}

/** README.md and every docs/*.md page of the repository at `root`. */
export function documentationPages(root: string): string[] {
  const docs = path.join(root, 'docs');
  const pages = fs.existsSync(docs)
    ? fs
        .readdirSync(docs)
        .filter((f) => f.endsWith('.md'))
        .sort()
        .map((f) => `docs/${f}`)
    : [];
  return ['README.md', ...pages];
}

export interface RelativeLink {
  /** File part, '' for a link within the page. */
  file: string;
  /** Anchor without '#', '' when none. */
  anchor: string;
}

/** Relative links of a page ([text](target)); external links are left out. */
export function relativeLinks(text: string): RelativeLink[] {
  const links: RelativeLink[] = [];
  for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/i.test(match[1])) continue;
    const [file, anchor = ''] = match[1].split('#');
    links.push({ file, anchor });
  }
  return links;
}

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as '-'. */
export function headingAnchors(text: string): string[] {
  const anchors: string[] = [];
  let inFence = false;
  for (const line of text.split('\n')) {
    if (/^```/.test(line)) inFence = !inFence;
    const heading = inFence ? null : /^#{1,6}\s+(.*?)\s*$/.exec(line);
    if (!heading) continue;
    anchors.push(
      heading[1]
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    );
  }
  return anchors;
}
