// Parses response bodies (hex, from stdin as JSON [{ name, module, apiKey, version, hex }]) with
// @platformatic/kafka's decoders and prints { name: parsed } with bigints as strings and bytes as hex.
// Run by independentDecoder.test.ts.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
// The package exports only its entry point; its per-api decoders sit beside it under dist/apis.
const root = path.resolve(path.dirname(require.resolve('@platformatic/kafka')), '..');
const load = async (p) => import(pathToFileURL(path.join(root, 'dist', p)).href);
const { Reader } = await load('protocol/reader.js');

const input = JSON.parse(await new Promise((resolve) => {
  let text = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => (text += chunk));
  process.stdin.on('end', () => resolve(text));
}));

const plain = (value) =>
  JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v?.type === 'Buffer' ? Buffer.from(v.data).toString('hex') : v)));

const out = {};
for (const c of input) {
  const { parseResponse } = await load(`apis/${c.module}.js`);
  try {
    out[c.name] = plain(parseResponse(1, c.apiKey, c.version, Reader.from(Buffer.from(c.hex, 'hex'))));
  } catch (err) {
    out[c.name] = { error: String(err?.message ?? err), response: err?.response ? plain(err.response) : undefined };
  }
}
process.stdout.write(JSON.stringify(out));
