'use strict';
/**
 * A jest reporter that says when each test file (and, with { cases: true }, each test) starts,
 * so a run that stops making progress shows where it stopped. The default reporter only prints a
 * file once it has finished.
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

  onTestCaseStart(test, testCaseStartInfo) {
    if (this.cases) this.say(`  · ${testCaseStartInfo.fullName}`);
  }
}

module.exports = ProgressReporter;
