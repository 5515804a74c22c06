import { extractBlocks, headingAnchors, relativeLinks, SnippetMarkupError } from './markdown';

describe('documentation blocks and markers', () => {
  it('reads each fenced block with its language, line and the marker just before it', () => {
    const page = ['# T', '', '<!-- snippet: file=app.ts run -->', '```ts', 'const a = 1;', '```', '', '```bash', 'npm test', '```'].join('\n');
    const [ts, bash] = extractBlocks('README.md', page);
    expect(ts).toMatchObject({ line: 4, lang: 'ts', code: 'const a = 1;\n', marker: { file: 'app.ts', run: true, jest: false } });
    expect(bash).toMatchObject({ line: 8, lang: 'bash', marker: { run: false } });
  });

  it('refuses an unknown marker, a marker away from a fence and a not-tested marker without a reason', () => {
    expect(() => extractBlocks('p.md', '<!-- snippet: runs -->\n```ts\n```\n')).toThrow(/unknown snippet marker 'runs'/);
    expect(() => extractBlocks('p.md', '<!-- snippet: run -->\n\n```ts\n```\n')).toThrow(SnippetMarkupError);
    expect(() => extractBlocks('p.md', '<!-- snippet: not tested: -->\n```ts\n```\n')).toThrow(/needs a reason/);
    expect(extractBlocks('p.md', '<!-- snippet: not tested: needs a cluster -->\n```ts\n```\n')[0].marker.notTested).toBe('needs a cluster');
  });

  it('refuses a fence that is never closed', () => {
    expect(() => extractBlocks('p.md', '```ts\nconst a = 1;\n')).toThrow(/never closed/);
  });

  it("gives headings GitHub's anchors and splits relative links from external ones", () => {
    expect(headingAnchors('## kafka — pointing an app at a Kafka cluster\n### `bindery broker` and the CLI\n```bash\n# not a heading\n```\n')).toEqual([
      'kafka--pointing-an-app-at-a-kafka-cluster',
      'bindery-broker-and-the-cli',
    ]);
    expect(relativeLinks('[a](docs/a.md#x) [b](https://example.com) [c](#y)')).toEqual([
      { file: 'docs/a.md', anchor: 'x' },
      { file: '', anchor: 'y' },
    ]);
  });
});
