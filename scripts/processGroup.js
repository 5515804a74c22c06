'use strict';
/** Signalling whole process groups (a command and every child it started), for the test scripts. */

/** Sends `signal` to every process in group `pgid`; false when the group is gone. */
function killGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Whether any process of group `pgid` still runs (EPERM: it runs under another user). */
function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

module.exports = { killGroup, groupAlive };
