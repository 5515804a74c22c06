#!/usr/bin/env node
'use strict';
/**
 * Runs a command with a deadline, in its own process group:
 *   node scripts/bounded.js <minutes> <command> [args…]
 *
 * A test run must end. A process whose event loop spins can no longer fire its own test timeouts,
 * so the bound is kept from outside: past the deadline the processes still running are listed
 * (with their CPU use, which tells a spinning process from a waiting one) and the whole group is
 * killed, exit code 124. When the command ends on its own, whatever it left running in the group
 * (a child a test forgot) is killed too, so the next command starts on a quiet machine.
 */
const { spawn, execFileSync } = require('node:child_process');
const os = require('node:os');
const { killGroup, groupAlive } = require('./processGroup');

function usage(message) {
  console.error(`bounded: ${message}\nusage: node scripts/bounded.js <minutes> <command> [args…]`);
  process.exit(2);
}

function processesOf(pgid) {
  try {
    const table = execFileSync('ps', ['-o', 'pid,ppid,etime,pcpu,rss,args', '-g', String(pgid)], { encoding: 'utf8', timeout: 5000 });
    return table
      .split('\n')
      .map((line) => line.slice(0, 220))
      .join('\n');
  } catch (error) {
    return `(ps failed: ${error.message})`;
  }
}

async function main() {
  const [minutesText, command, ...args] = process.argv.slice(2);
  const minutes = Number(minutesText);
  if (!Number.isFinite(minutes) || minutes <= 0) usage(`the deadline must be a positive number of minutes, got '${minutesText}'`);
  if (!command) usage('no command given');

  const child = spawn(command, args, { stdio: 'inherit', detached: true });
  const pgid = child.pid;
  const forward = (signal) => killGroup(pgid, signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);

  let timedOut = false;
  const deadline = setTimeout(() => {
    timedOut = true;
    console.error(`\nbounded: '${[command, ...args].join(' ')}' still running after ${minutes} min; stopping these:`);
    console.error(processesOf(pgid));
    killGroup(pgid, 'SIGKILL');
  }, minutes * 60000);

  const code = await new Promise((resolve) => {
    child.on('error', (error) => {
      console.error(`bounded: could not run ${command}: ${error.message}`);
      resolve(127);
    });
    child.on('exit', (exitCode, signal) => resolve(exitCode ?? 128 + (os.constants.signals[signal] ?? 0)));
  });
  clearTimeout(deadline);
  if (!timedOut && groupAlive(pgid)) {
    console.error(`bounded: stopping what '${command}' left running:\n${processesOf(pgid)}`);
    killGroup(pgid, 'SIGKILL');
  }
  return timedOut ? 124 : code;
}

main().then((code) => process.exit(code));
