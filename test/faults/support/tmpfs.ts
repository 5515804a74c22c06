/**
 * A small tmpfs mounted for one scenario (needs root): a real filesystem that runs out of space.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tmpfs {
  readonly dir: string;
  /** Unmounts (lazily if something still holds it) and removes the mount point; safe to call twice. */
  unmount(): void;
}

/** Whether this process may mount a tmpfs: root, with `mount` on the PATH. */
export function canMountTmpfs(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('mount', ['--version'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

export function mountTmpfs(sizeMiB: number, prefix: string): Tmpfs {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0700`, 'tmpfs', dir], { stdio: 'pipe', timeout: 10000 });
  let mounted = true;
  return {
    dir,
    unmount() {
      if (mounted) {
        try {
          execFileSync('umount', [dir], { stdio: 'pipe', timeout: 10000 });
        } catch {
          execFileSync('umount', ['-l', dir], { stdio: 'pipe', timeout: 10000 });
        }
        mounted = false;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
