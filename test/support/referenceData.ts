/**
 * Locates the Kafka protocol reference data (schemas, kafkajs captures). It sits beside the clone
 * as ../shared/kafka-protocol (CI lays it there). BINDERY_TEST_PROTOCOL_REFERENCE, when set, is the
 * only place looked at: pointed at an empty directory it runs the suites as a clone without the data
 * would (scripts/check-skip-notices.js does). Tests that compare against it skip with a printed notice
 * when it is absent.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { requirePeers, skipWithNotice } from './peers';

const projectRoot = path.resolve(__dirname, '..', '..');

export const referenceDir: string | null = (() => {
  const override = process.env.BINDERY_TEST_PROTOCOL_REFERENCE;
  const candidates = override ? [override] : [path.resolve(projectRoot, '..', 'shared', 'kafka-protocol')];
  return candidates.find((p) => fs.existsSync(path.join(p, 'messages'))) ?? null;
})();

/** Reads a kafkajs capture `{"type":"Buffer","data":[…]}` into a Buffer. */
export function readCapture(file: string): Buffer {
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { type: string; data: number[] };
  return Buffer.from(json.data);
}

export function describeWithReference(name: string, body: (dir: string) => void): void {
  if (referenceDir !== null) {
    const dir = referenceDir;
    describe(name, () => body(dir));
    return;
  }
  // The reference data is not the project's to ship (its README asks for a skip with a notice when
  // absent); CI always has it beside the clone, so there these suites run.
  if (requirePeers) {
    describe(name, () => {
      it('needs the Kafka protocol reference data', () => {
        throw new Error('the Kafka protocol reference data is not beside the project (../shared/kafka-protocol) and BINDERY_REQUIRE_PEERS=1: lay it there or unset the variable');
      });
    });
    return;
  }
  skipWithNotice(name, 'Kafka protocol reference data not found beside the project (../shared/kafka-protocol, or BINDERY_TEST_PROTOCOL_REFERENCE)');
}
