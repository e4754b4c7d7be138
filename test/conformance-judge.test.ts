// The conformance tool's judge (tools/conformance.ts), on one kernel test and herd7's
// recorded output for it: the Hash line is compared like every other line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { corpusPath } from './support/corpus.js';
import { judge } from '../tools/conformance.js';

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
