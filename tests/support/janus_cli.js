#!/usr/bin/env node
'use strict';
// The launcher (janus.js) for programs that are not node, such as the
// benchmark (tests/bench/janus_proc.py): starts one Janus inside
// run-in-netns.sh's namespace, prints one JSON line on stdout, then waits.
//
//   node tests/support/janus_cli.js '{"plugins": ["videoroom"], "general": {"event_loops": 2}}'
//   -> {"ws_url": "ws://10.200.0.1:…/", "pid": 1234, "dir": "/tmp/counsel-janus-…",
//       "log_path": "…/janus.log", "http_url": "…" | null, "practitioner_key": "…" | null, "callgrind_out": "…" | null}
//
// The argument is Janus.start's options as JSON (netns and timestamps on
// unless it says otherwise), plus:
//   callgrind: true     Janus under valgrind's callgrind, instrumentation off
//                       until `callgrind_control -i on <pid>` (profile: callgrind_out)
//   stopTimeoutMs       how long a stop waits for Janus before SIGKILL (default 10000)
// A line "stop" on stdin, or its end, stops Janus and removes its folder;
// "stop keep" keeps the folder. SIGINT/SIGTERM stop it too. Exit status 0
// after a stop, 1 when Janus did not start (the reason on stderr).

const readline = require('node:readline');
const path = require('node:path');

const { Janus } = require('./janus');

const CALLGRIND = (dir) => [
  'valgrind', '--tool=callgrind', '--instr-atstart=no', '--dump-instr=no', `--callgrind-out-file=${path.join(dir, 'callgrind.out')}`,
];

async function main() {
  if (process.argv.length !== 3 || process.argv[2] === '--help') {
    process.stderr.write("usage: node tests/support/janus_cli.js '<Janus.start options as JSON>'\n");
    process.exit(2);
  }
  const { callgrind = false, stopTimeoutMs = 10000, ...options } = JSON.parse(process.argv[2]);
  const janus = await Janus.start({ netns: true, timestamps: true, ...options, ...(callgrind ? { wrapper: CALLGRIND } : {}) });
  let stopping = null;
  const stop = (keep) => {
    stopping = stopping || janus.stop({ keep, timeoutMs: stopTimeoutMs }).then(() => process.exit(0));
    return stopping;
  };
  process.on('SIGINT', () => stop(false));
  process.on('SIGTERM', () => stop(false));
  const lines = readline.createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.trim() === 'stop') stop(false);
    else if (line.trim() === 'stop keep') stop(true);
  });
  lines.on('close', () => stop(false));
  process.stdout.write(
    `${JSON.stringify({
      ws_url: janus.wsUrl,
      pid: janus.pid,
      dir: janus.dir,
      log_path: janus.logPath,
      http_url: janus.httpUrl || null,
      practitioner_key: janus.practitionerKey || null,
      callgrind_out: callgrind ? path.join(janus.dir, 'callgrind.out') : null,
    })}\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
