/**
 * Tests that need an outside peer (Apache Kafka, kcat, Redis, Java, Maven) call `peerAvailable`
 * once at module level and wrap their suite in `describeIfPeer`. Without the peer the suite is
 * skipped with one printed line saying what and why (its body never runs); with BINDERY_REQUIRE_PEERS=1 (set by .ci/run)
 * a missing peer is a failure instead.
 */
import { execFileSync } from 'node:child_process';

export const requirePeers = process.env.BINDERY_REQUIRE_PEERS === '1';

/** True when `command args…` runs and exits 0. */
export function commandWorks(command: string, args: string[] = ['--version']): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 15000 });
    return true;
  } catch {
    return false;
  }
}

export function describeIfPeer(peer: string, available: boolean, name: string, body: () => void): void {
  if (available) {
    describe(name, body);
    return;
  }
  if (requirePeers) {
    describe(name, () => {
      it(`needs ${peer}`, () => {
        throw new Error(`${peer} is not available and BINDERY_REQUIRE_PEERS=1: install it (see .ci/run) or unset the variable`);
      });
    });
    return;
  }
  skipWithNotice(name, `${peer} not available (set it up as .ci/run does, or BINDERY_REQUIRE_PEERS=1 to fail instead)`);
}

/**
 * Registers `name` as a skipped suite without running its body (which may read what is missing),
 * and prints its one SKIP line. Jest shows no console output of a file whose tests all skipped, so
 * test/support/progressReporter.js prints the SKIP lines of such files.
 */
export function skipWithNotice(name: string, reason: string): void {
  // eslint-disable-next-line no-console
  console.log(`SKIP ${name}: ${reason}`);
  describe.skip(name, () => {
    it(`needs what the SKIP line names`, () => undefined);
  });
}
