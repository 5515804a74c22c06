import { constants } from 'node:os';

/** The MemoryFileSystem operations a fault can be injected into. */
export type FaultOperation =
  | 'open'
  | 'append'
  | 'writeAt'
  | 'read'
  | 'truncate'
  | 'sync'
  | 'close'
  | 'remove'
  | 'removeDir'
  | 'rename'
  | 'mkdirp'
  | 'writeFileAtomic'
  | 'readFile';

/** A fault to inject: which operation on which files fails, with which errno, how often. */
export interface FaultRule {
  op: FaultOperation;
  /** Files it applies to: a string matches the end of the path (`'.index'`, `'/t-0/00000000000000000000.log'`), a RegExp tests it; any file when omitted. */
  path?: string | RegExp;
  /** errno name thrown, as node:fs throws it (`code`, `errno`, `syscall`, `path`); default EIO. */
  code?: string;
  /** Matching calls let through before the first failure (default 0). */
  after?: number;
  /** Failures before the rule retires itself (default: until removed). */
  times?: number;
  /** For append/writeAt: bytes written before the failure, as a short write on a full disk leaves them. */
  partialBytes?: number;
}

/** An injected fault: how often it fired, and how to remove it. */
export interface InjectedFault {
  readonly failures: number;
  remove(): void;
}

interface ActiveRule {
  rule: FaultRule;
  seen: number;
  failures: number;
}

/** A node:fs-shaped error (`code`, negative `errno`, `syscall`, `path`), what storage code sees from a real disk. */
export function fsError(code: string, syscall: string, filePath: string): NodeJS.ErrnoException {
  const errno = (constants.errno as Record<string, number | undefined>)[code];
  const err: NodeJS.ErrnoException = new Error(`${code}: injected fault, ${syscall} '${filePath}'`);
  err.code = code;
  err.errno = errno === undefined ? undefined : -errno;
  err.syscall = syscall;
  err.path = filePath;
  return err;
}

/**
 * The faults injected into one MemoryFileSystem, and its optional capacity: a write that would
 * take the files past `capacityBytes` writes what fits and fails with ENOSPC, as a full disk does.
 */
export class FaultInjector {
  private readonly rules: ActiveRule[] = [];
  capacityBytes: number | null = null;

  add(rule: FaultRule): InjectedFault {
    const active: ActiveRule = { rule, seen: 0, failures: 0 };
    this.rules.push(active);
    return {
      get failures() {
        return active.failures;
      },
      remove: () => {
        const i = this.rules.indexOf(active);
        if (i >= 0) this.rules.splice(i, 1);
      },
    };
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** The rule that makes this call fail (counted as fired), or null. */
  check(op: FaultOperation, filePath: string): FaultRule | null {
    for (const active of this.rules) {
      const { rule } = active;
      if (rule.op !== op || !matches(rule.path, filePath)) continue;
      active.seen++;
      if (active.seen <= (rule.after ?? 0)) continue;
      if (rule.times !== undefined && active.failures >= rule.times) continue;
      active.failures++;
      return rule;
    }
    return null;
  }

  /** Throws the injected error when a rule matches (for operations that write nothing first). */
  throwIfFaulted(op: FaultOperation, filePath: string): void {
    const rule = this.check(op, filePath);
    if (rule) throw fsError(rule.code ?? 'EIO', op, filePath);
  }
}

function matches(pattern: string | RegExp | undefined, filePath: string): boolean {
  if (pattern === undefined) return true;
  return typeof pattern === 'string' ? filePath.endsWith(pattern) : pattern.test(filePath);
}
