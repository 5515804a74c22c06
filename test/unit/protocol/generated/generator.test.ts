/** The committed generated files are exactly what the generator makes from the schemas today. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeWithReference } from '../../../support/referenceData';

const projectRoot = path.resolve(__dirname, '..', '..', '..', '..');
const committed = path.join(projectRoot, 'src', 'protocol', 'generated');

describeWithReference('protocol generator output is committed and current', (dir) => {
  let outDir = '';
  beforeAll(() => {
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindery-gen-'));
  });
  afterAll(() => {
    if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('regenerates byte-identical files', () => {
    execFileSync(process.execPath, [path.join(projectRoot, 'scripts', 'generate-protocol.js'), path.join(dir, 'messages'), '--out', outDir], {
      timeout: 60_000,
      stdio: 'pipe',
    });
    const files = fs.readdirSync(outDir).sort();
    expect(files).toEqual(['apiKeys.ts', 'schemas.ts', 'types.ts']);
    for (const f of files) {
      expect({ file: f, same: fs.readFileSync(path.join(outDir, f)).equals(fs.readFileSync(path.join(committed, f))) }).toEqual({ file: f, same: true });
    }
  });
});
