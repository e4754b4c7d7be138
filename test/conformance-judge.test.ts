// The conformance tool's judge (tools/conformance.ts), on one kernel test and herd7's
// recorded output for it: the Hash line is compared like every other line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusPath } from './support/corpus.js';
import { judge } from '../tools/conformance.js';
import { runTest } from '../src/api/run.js';

const sb = corpusPath('tests', 'kernel', 'SB+poonceonces.litmus');
const recorded = readFileSync(
  corpusPath('expected', 'kernel', 'SB+poonceonces.litmus.out'),
  'utf8',
);
const kernel = {
  conf: corpusPath('models', 'lkmm', 'linux-kernel.cfg'),
  includeDirs: [corpusPath('models', 'lkmm')],
};
const otherHash = recorded.replace(/^Hash=.*$/m, 'Hash=00000000000000000000000000000000');

test('judge: a report equal to herd7s passes; another Hash fails it', () => {
  assert.equal(judge(sb, recorded, kernel).pass, true);
  const v = judge(sb, otherHash, kernel);
  assert.equal(v.pass, false);
  assert.match(v.detail, /Hash=/);
});

test("judge: herd7's error for a test, naming it by another path, is Ordo's error", () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-judge-'));
  const broken = join(dir, 'SB+broken.litmus');
  writeFileSync(broken, readFileSync(sb, 'utf8').replace('WRITE_ONCE(*x, 1);', 'WRITE_ONCE(*x, 1'));
  let message = '';
  try {
    runTest(broken, kernel);
  } catch (err) {
    message = (err as Error).message;
  }
  assert.notEqual(message, '');
  const herdError = (reason: string) =>
    `Test SB+broken Allowed\nWarning: File "/elsewhere/SB+broken.litmus": ${reason} (User error)\n`;
  assert.deepEqual(judge(broken, herdError(message), kernel), { pass: true, detail: '' });
  assert.equal(judge(broken, herdError('another error'), kernel).pass, false);
});
