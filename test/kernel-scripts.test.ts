// What the kernel's tools/memory-model scripts (checklitmus.sh, judgelitmus.sh,
// runlitmushist.sh, cmplitmushist.sh) read from `herd7 -conf linux-kernel.cfg TEST`, run
// from the directory holding the model with stdout and stderr in one file: checked here
// on Ordo's command line, as they call it. These are our own checks of that contract;
// the scripts themselves are not part of the repository.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusPath, repoRoot } from './support/corpus.js';

const bin = join(repoRoot, 'bin', 'ordo.js');

// A tools/memory-model directory: the kernel's model files, tests in litmus-tests/.
const modelDir = mkdtempSync(join(tmpdir(), 'ordo-memory-model-'));
for (const f of readdirSync(corpusPath('models', 'lkmm')))
  copyFileSync(corpusPath('models', 'lkmm', f), join(modelDir, f));
mkdirSync(join(modelDir, 'litmus-tests'));

function litmus(name: string, text: string): string {
  writeFileSync(join(modelDir, 'litmus-tests', name), text);
  return join('litmus-tests', name);
}

/** `herd7 -conf linux-kernel.cfg ARGS` as the scripts run it: in the model's directory. */
function herd(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, '-conf', 'linux-kernel.cfg', ...args], {
    cwd: modelDir,
    encoding: 'utf8',
  });
  // The scripts redirect both streams into the test's .out file.
  return { status: r.status, stdout: r.stdout, combined: r.stdout + r.stderr };
}

const observationLines = (text: string) => text.split('\n').filter((l) => /^Observation/.test(l));

const sb = litmus(
  'SB.litmus',
  `C SB
(*
 * Result: Sometimes
 *)
{}
P0(int *x, int *y) { int r0; WRITE_ONCE(*x, 1); r0 = READ_ONCE(*y); }
P1(int *x, int *y) { int r0; WRITE_ONCE(*y, 1); r0 = READ_ONCE(*x); }
exists (0:r0=0 /\\ 1:r0=0)
`,
);

test('a finished test: exit 0 and one "Observation NAME WORD P N" line, found with -conf from the cwd', () => {
  const r = herd(sb);
  assert.equal(r.status, 0);
  // judgelitmus.sh: grep '^Observation', then the third word against the Result: line.
  assert.deepEqual(observationLines(r.combined), ['Observation SB Sometimes 1 3']);
});

test('two runs differ only in the line starting with "Time" (cmplitmushist.sh: exact match)', () => {
  const withoutTime = (t: string) => t.split('\n').filter((l) => !/^Time/.test(l));
  const a = herd(sb);
  const b = herd(sb);
  assert.match(a.combined, /^Time SB /m);
  assert.deepEqual(withoutTime(a.combined), withoutTime(b.combined));
});

test('a modelled data race prints "Flag data-race" on a line of its own', () => {
  const race = litmus(
    'race.litmus',
    `C race
{}
P0(int *x) { *x = 1; }
P1(int *x) { int r0; r0 = *x; }
exists (1:r0=1)
`,
  );
  const r = herd(race);
  assert.equal(r.status, 0);
  assert.match(r.combined, /^Flag data-race$/m);
  assert.doesNotMatch(herd(sb).combined, /^Flag data-race$/m);
});

test('a test with no execution at all ends its Observation line with "Never 0 0" (DEADLOCK)', () => {
  const r = spawnSync(
    process.execPath,
    [
      bin,
      '-conf',
      'linux-kernel.cfg',
      corpusPath('tests', 'lkmm-dev', 'locked', 'self-deadlock.litmus'),
    ],
    { cwd: modelDir, encoding: 'utf8' },
  );
  assert.equal(r.status, 0);
  const obs = observationLines(r.stdout);
  assert.equal(obs.length, 1);
  assert.match(obs[0], /Never 0 0$/);
});

test('an unknown primitive: ": Unknown macro NAME" ends the line, no Observation, non-zero exit', () => {
  const unknown = litmus(
    'unknown.litmus',
    'C unknown\n{}\nP0(spinlock_t *l) { spin_unlock_wait(l); }\nexists (0:r0=0)\n',
  );
  const r = herd(unknown);
  assert.notEqual(r.status, 0);
  assert.deepEqual(observationLines(r.combined), []);
  // judgelitmus.sh takes the name as what follows ': Unknown macro ' up to ' (User error)'.
  const line = r.combined.split('\n').find((l) => l.includes(': Unknown macro '));
  assert.ok(line, r.combined);
  assert.equal(
    line.replace(/^.*: Unknown macro /, '').replace(/ \(User error\).*$/, ''),
    'spin_unlock_wait',
  );
});

test('a test stopped by a limit: no Observation line anywhere and exit 124, as under timeout(1)', () => {
  // runlitmushist.sh says "timed out" for exit 124; under /usr/bin/time the .out file gets
  // "Command exited with non-zero status 124", which judgelitmus.sh reads as a timeout.
  const r = herd('-max-executions', '1', sb);
  assert.equal(r.status, 124);
  assert.equal(r.stdout, '');
  assert.deepEqual(observationLines(r.combined), []);
  assert.match(r.combined, /^Limit SB /m);
});

test('ordo run --save/--json: a stopped test leaves the timeout marker and no verdict', () => {
  const out = mkdtempSync(join(tmpdir(), 'ordo-saved-'));
  const json = join(out, 'report.json');
  const r = spawnSync(
    process.execPath,
    [
      bin,
      'run',
      '-conf',
      'linux-kernel.cfg',
      '-max-executions',
      '1',
      '--save',
      out,
      '--json',
      json,
      sb,
    ],
    { cwd: modelDir, encoding: 'utf8' },
  );
  assert.notEqual(r.status, 0);
  const saved = readdirSync(out, { recursive: true, encoding: 'utf8' }).find((f) =>
    f.endsWith('SB.litmus.out'),
  );
  assert.ok(saved, 'the .out file is written');
  const text = readFileSync(join(out, saved), 'utf8');
  assert.deepEqual(observationLines(text), []);
  assert.match(text, /^Command exited with non-zero status 124$/m);
  const report = JSON.parse(readFileSync(json, 'utf8')) as {
    tests: Array<{ exitStatus?: number; verdict?: string }>;
  };
  assert.equal(report.tests.length, 1);
  assert.equal(report.tests[0].exitStatus, 124);
  assert.equal(report.tests[0].verdict, undefined);
});
