'use strict';
/**
 * A jest reporter that says when each test file (and, with { cases: true }, each test) starts,
 * so a run that stops making progress shows where it stopped. The default reporter only prints a
 * file once it has finished, and nothing at all of a file whose tests all skipped: the SKIP line
 * such a file logs (test/support/peers.ts) is printed here instead.
 */
const path = require('node:path');

class ProgressReporter {
  constructor(globalConfig, options = {}) {
    this.rootDir = globalConfig.rootDir;
    this.cases = Boolean(options.cases);
  }

  say(text) {
    process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${text}\n`);
  }

  onTestFileStart(test) {
    this.say(`start ${path.relative(this.rootDir, test.path)}`);
  }

  onTestResult(test, testResult) {
    // Without a console buffer (a single file runs verbose) jest printed the lines already.
    if (!testResult.skipped || !Array.isArray(testResult.console)) return;
    for (const entry of testResult.console) {
      if (typeof entry.message === 'string' && entry.message.startsWith('SKIP ')) process.stderr.write(`${entry.message}\n`);
    }
  }

  onTestCaseStart(test, testCaseStartInfo) {
    if (this.cases) this.say(`  · ${testCaseStartInfo.fullName}`);
  }
}

module.exports = ProgressReporter;
