// Helpers of the program IR (src/program/ir.ts) that several stages share.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  codeLabelLocation,
  codeLabelOf,
  exprOperands,
  forEachStatement,
  stmtParts,
  type Expr,
  type Stmt,
} from '../src/program/ir.js';
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

test('the statement walk visits every statement, nested ones too, with all its expressions and written registers', () => {
  const at = (name: string): Expr => ({ kind: 'addr', name });
  const one: Expr = { kind: 'const', value: 1 };
  // One statement of every kind (a new kind fails to compile here until it is added),
  // each naming locations of its own.
  const samples: { [K in Stmt['kind']]: Extract<Stmt, { kind: K }> } = {
    assign: { kind: 'assign', reg: 'r0', value: { kind: 'load', annot: [], addr: at('a') } },
    eval: { kind: 'eval', value: { kind: 'xchg', annot: [], addr: at('b'), value: one } },
    store: { kind: 'store', annot: [], addr: at('c'), value: at('c2') },
    fence: { kind: 'fence', annot: ['mb'] },
    lock: { kind: 'lock', addr: at('d') },
    unlock: { kind: 'unlock', addr: at('e') },
    srcuSync: { kind: 'srcuSync', annot: [], addr: at('f') },
    if: { kind: 'if', test: at('g'), then: [], else: [] },
    while: { kind: 'while', test: at('h'), body: [] },
    block: { kind: 'block', body: [] },
    loadReserve: {
      kind: 'loadReserve',
      reg: 'r1',
      annot: [],
      addr: at('i'),
      second: { reg: 'r2', addr: at('i2') },
    },
    storeConditional: {
      kind: 'storeConditional',
      status: 'r3',
      success: 0,
      annot: [],
      addr: at('j'),
      value: at('j2'),
      second: { addr: at('j3'), value: at('j4') },
    },
    cmpxchgPair: {
      kind: 'cmpxchgPair',
      old: ['r4', null],
      annot: [],
      writeAnnot: [],
      failAnnot: [],
      addr: [at('k'), at('k2')],
      expected: [at('k3'), at('k4')],
      desired: [at('k5'), at('k6')],
    },
    label: { kind: 'label', name: 'L0' },
    goto: { kind: 'goto', label: 'L0', test: at('l') },
    branchTo: { kind: 'branchTo', target: at('m') },
  };
  const all = Object.values(samples) as Stmt[];
  // Some simple statements at the top, the others nested in the compound ones.
  const simple = all.filter((s) => stmtParts(s).bodies.length === 0);
  samples.if.then = simple.slice(5, 7);
  samples.if.else = simple.slice(7, 9);
  samples.while.body = simple.slice(9, 11);
  samples.block.body = [...simple.slice(11), samples.if];
  const program = [...simple.slice(0, 5), samples.while, samples.block];

  const visited: Stmt[] = [];
  const locations = new Set<string>();
  const writes: string[] = [];
  const ex = (e: Expr): void => {
    if (e.kind === 'addr') locations.add(e.name);
    exprOperands(e).forEach(ex);
  };
  forEachStatement(program, (s) => {
    visited.push(s);
    const parts = stmtParts(s);
    parts.exprs.forEach(ex);
    writes.push(...parts.writes);
  });
  assert.equal(new Set(visited).size, all.length);
  assert.equal(visited.length, all.length);
  assert.deepEqual(
    [...locations].sort(),
    ['a', 'b', 'c', 'c2', 'd', 'e', 'f', 'g', 'h', 'i', 'i2', 'j', 'j2', 'j3', 'j4'].concat([
      'k',
      'k2',
      'k3',
      'k4',
      'k5',
      'k6',
      'l',
      'm',
    ]),
  );
  assert.deepEqual(writes.sort(), ['r0', 'r1', 'r2', 'r3', 'r4']);
  // The order matters too: herd7's names for undetermined values are numbered in the
  // order the walk meets expressions (numberHerdVariables). Statements come in source
  // order, each before the ones nested in it; a statement's expressions left to right.
  assert.deepEqual(
    visited.map((s) => s.kind),
    ['assign', 'eval', 'store', 'fence', 'lock', 'while', 'cmpxchgPair', 'label', 'block']
      .concat(['goto', 'branchTo', 'if', 'unlock', 'srcuSync', 'loadReserve'])
      .concat(['storeConditional']),
  );
  assert.deepEqual(
    [...locations],
    ['a', 'b', 'c', 'c2', 'd', 'h', 'k', 'k2', 'k3', 'k4', 'k5', 'k6', 'l', 'm', 'g', 'e'].concat([
      'f',
      'i',
      'i2',
      'j',
      'j2',
      'j3',
      'j4',
    ]),
  );
});
