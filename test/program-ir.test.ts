// Helpers of the program IR (src/program/ir.ts) that several stages share.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeLabelLocation, codeLabelOf, type Stmt } from '../src/program/ir.js';
import { exploreThread } from '../src/events/traces.js';

test('a code address names its thread and label, and reads back as them', () => {
  assert.equal(codeLabelLocation(1, 'L0'), 'label:"P1:L0"');
  assert.deepEqual(codeLabelOf(codeLabelLocation(12, 'LC00')), { thread: 12, label: 'LC00' });
  assert.equal(codeLabelOf('x'), null);
  assert.equal(codeLabelOf('instr:"B .+4"'), null);
});

test('an indirect branch to a code address continues after that label', () => {
  const store = (loc: string): Stmt => ({
    kind: 'store',
    annot: [],
    addr: { kind: 'addr', name: loc },
    value: { kind: 'const', value: 1n },
  });
  const body: Stmt[] = [
    { kind: 'branchTo', target: { kind: 'addr', name: codeLabelLocation(0, 'L1') } },
    store('skipped'),
    { kind: 'label', name: 'L1' },
    store('reached'),
  ];
  const opts = { domains: new Map(), initRegs: new Map(), maxPaths: 10 };
  const [path, ...others] = exploreThread({ id: 0, params: [], body }, opts);
  assert.equal(others.length, 0);
  assert.deepEqual(
    path!.events.map((e) => e.loc),
    ['reached'],
  );
});
