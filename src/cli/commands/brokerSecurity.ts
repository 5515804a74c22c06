/** Where `bindery broker` takes its SASL/PLAIN users from, and what it warns about at start. */
import { readFileSync, statSync } from 'node:fs';
import { UsageError } from '../args';

/** Environment variable holding `user:password` lines, read when set. */
export const PLAIN_USERS_ENV = 'BINDERY_SASL_PLAIN_USERS';

export interface PlainUserSources {
  /** `--sasl-plain-user user:password` values (visible to every local user in the process list). */
  argv: readonly string[];
  /** `--sasl-plain-users-file` */
  file?: string;
  /** The value of BINDERY_SASL_PLAIN_USERS */
  env?: string;
}

/** Reads a users file: its text and permission bits. */
export type UsersFileReader = (path: string) => { text: string; mode: number };

const readUsersFile: UsersFileReader = (path) => ({ text: readFileSync(path, 'utf8'), mode: statSync(path).mode });

/** `user:password` lines; blank lines and lines starting with # are skipped; the password is everything after the first colon. */
function parseLines(text: string, origin: string, users: Record<string, string>): void {
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    addUser(line, `${origin} line ${i + 1}`, users);
  });
}

function addUser(entry: string, origin: string, users: Record<string, string>): void {
  const colon = entry.indexOf(':');
  if (colon <= 0) throw new UsageError(`${origin}: expected user:password, got '${entry.length > 40 ? `${entry.slice(0, 40)}…` : entry}'`);
  users[entry.slice(0, colon)] = entry.slice(colon + 1);
}

/** The PLAIN users from every source given, and warnings about how they were given. */
export function plainUsers(sources: PlainUserSources, read: UsersFileReader = readUsersFile): { users: Record<string, string>; warnings: string[] } {
  const users: Record<string, string> = {};
  const warnings: string[] = [];
  if (sources.file !== undefined) {
    let file: { text: string; mode: number };
    try {
      file = read(sources.file);
    } catch (err) {
      throw new UsageError(`--sasl-plain-users-file ${sources.file} cannot be read: ${err instanceof Error ? err.message : String(err)}`);
    }
    if ((file.mode & 0o077) !== 0) warnings.push(`warning: ${sources.file} is readable by other users; chmod 600 it`);
    parseLines(file.text, sources.file, users);
  }
  if (sources.env !== undefined && sources.env.trim() !== '') parseLines(sources.env, PLAIN_USERS_ENV, users);
  for (const entry of sources.argv) addUser(entry, '--sasl-plain-user', users);
  if (sources.argv.length > 0) {
    warnings.push(
      `warning: --sasl-plain-user puts passwords in the process list, where every local user can read them; ` +
        `use --sasl-plain-users-file FILE or ${PLAIN_USERS_ENV} (user:password, one a line) instead`,
    );
  }
  return { users, warnings };
}

/** True for addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(h);
}

/** Warnings for a listener on `host`: reachable from other machines with no authentication. */
export function bindWarnings(host: string, authenticated: boolean): string[] {
  if (authenticated || isLoopbackHost(host)) return [];
  return [
    `warning: listening on ${host} without authentication: any client that can reach this port can read, write and delete every topic; ` +
      `add SASL/PLAIN users (--sasl-plain-users-file FILE or ${PLAIN_USERS_ENV}) or bind 127.0.0.1`,
  ];
}
