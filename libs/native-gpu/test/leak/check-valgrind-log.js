#!/usr/bin/env node
// check-valgrind-log.js: reads a memcheck log and fails on leaks or memory errors in our code.
//
// A record is "ours" when one of its stack frames is in the addon's own code (a `vigil::` symbol or
// the module's InitModule). Everything else (V8, Node, glibc, the static CUDA runtime) is summarised.
'use strict';

const fs = require('node:fs');

const file = process.argv[2];
if (!file) {
  console.error('usage: check-valgrind-log.js <valgrind.log>');
  process.exit(2);
}
const text = fs.readFileSync(file, 'utf8');
const lines = text.split('\n').map((line) => line.replace(/^==\d+==\s?/, ''));

// Records are blocks of lines separated by blank lines; the first line says what they are.
const records = [];
let current = [];
for (const line of lines) {
  if (line.trim() === '') {
    if (current.length) records.push(current);
    current = [];
  } else {
    current.push(line);
  }
}
if (current.length) records.push(current);

const OURS = /vigil::|InitModule/;
const isLeak = (head) => /are (definitely|indirectly) lost in loss record/.test(head);
const isError = (head) =>
  /^(Invalid (read|write|free)|Conditional jump|Use of uninitialised|Syscall param|Mismatched free|Source and destination overlap)/.test(head);

let ours = 0;
let others = 0;
for (const block of records) {
  // A record may start with unrelated "Warning: ..." lines; it begins at its leak/error header.
  const start = block.findIndex((line) => isLeak(line) || isError(line));
  if (start < 0) continue;
  const record = block.slice(start);
  if (record.some((line) => OURS.test(line))) {
    ours++;
    console.error(`\n[native-gpu] ${record.join('\n  ')}`);
  } else {
    others++;
  }
}

const summary = (pattern) => (text.match(pattern) || [])[1] ?? '?';
console.log(
  `test:leak: definitely lost ${summary(/definitely lost: ([\d,]+ bytes in [\d,]+ blocks)/)}, ` +
    `indirectly lost ${summary(/indirectly lost: ([\d,]+ bytes in [\d,]+ blocks)/)} (whole process)`,
);
console.log(`test:leak: ${ours} leak/error record(s) in native-gpu code, ${others} elsewhere (V8, Node, libc, cudart)`);
console.log(`test:leak: valgrind ${(text.match(/ERROR SUMMARY: .*/) || ['ERROR SUMMARY: ?'])[0]}`);
if (!/ERROR SUMMARY/.test(text)) {
  console.error('test:leak: the valgrind log has no ERROR SUMMARY: the run did not finish');
  process.exit(1);
}
process.exit(ours > 0 ? 1 : 0);
