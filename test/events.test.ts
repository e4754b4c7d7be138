import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exploreThread } from '../src/events/traces.js';
import { evaluateSymbolic, PENDING, UNDETERMINED, type Sym } from '../src/events/symbolic.js';
import type { Expr, Stmt, Thread } from '../src/program/ir.js';

const reg = (name: string): Expr => ({ kind: 'reg', name });
const c = (value: number): Expr => ({ kind: 'const', value });
const load = (addr: Expr, annot = ['ONCE']): Expr => ({ kind: 'load', annot, addr });
const store = (addr: Expr, value: Expr, annot = ['ONCE']): Stmt => ({
  kind: 'store',
  annot,
  addr,
  value,
});
const thread = (body: Stmt[], params = ['x', 'y']): Thread => ({
  id: 0,
  params: params.map((name) => ({ name, type: 'int *' })),
  body,
});
const opts = { domains: new Map(), initRegs: new Map(), maxPaths: 100 };

test('straight-line code gives one path with events in program order', () => {
  const t = thread([store(reg('x'), c(1)), { kind: 'assign', reg: 'r0', value: load(reg('y')) }]);
  const paths = exploreThread(t, opts);
  assert.equal(paths.length, 1);
  assert.deepEqual(
    paths[0].events.map((e) => `${e.kind}${e.loc}`),
    ['Wx', 'Ry'],
  );
  assert.deepEqual(paths[0].events[0].annot, ['ONCE']);
  assert.deepEqual(paths[0].registers.get('r0'), { k: 'r', ev: 1 });
});

test('data and address dependencies follow registers', () => {
  const t = thread([
    { kind: 'assign', reg: 'r0', value: load(reg('x')) },
    store(reg('y'), { kind: 'binop', op: '+', left: reg('r0'), right: c(1) }),
  ]);
  const [p] = exploreThread(t, opts);
  assert.deepEqual(p.events[1].dataDeps, [0]);
  assert.deepEqual(p.events[1].addrDeps, []);
});

test('an if forks two paths; only the events of its arms get ctrl dependencies', () => {
  const t = thread([
    { kind: 'assign', reg: 'r0', value: load(reg('x')) },
    { kind: 'if', test: reg('r0'), then: [store(reg('y'), c(1))], else: [] },
    { kind: 'fence', annot: ['MB'] },
  ]);
  const paths = exploreThread(t, opts);
  assert.equal(paths.length, 2);
  const taken = paths.find((p) => p.events.length === 3)!;
  assert.deepEqual(taken.events[1].ctrlDeps, [0]);
  assert.deepEqual(taken.events[2].ctrlDeps, []);
  assert.deepEqual(taken.assumptions, [{ kind: 'truth', sym: { k: 'r', ev: 0 }, expect: true }]);
  const skipped = paths.find((p) => p.events.length === 2)!;
  assert.equal(skipped.events[1].kind, 'F');
  assert.equal(skipped.assumptions[0].kind === 'truth' && skipped.assumptions[0].expect, false);
});

test('cmpxchg has a success path (R* rmw W*) and a failure path (R* only)', () => {
  const t = thread([
    {
      kind: 'assign',
      reg: 'r0',
      value: { kind: 'cmpxchg', annot: ['MB'], addr: reg('x'), expected: c(0), desired: c(1) },
    },
  ]);
  const paths = exploreThread(t, opts);
  assert.equal(paths.length, 2);
  assert.deepEqual(paths.map((p) => p.events.map((e) => e.kind).join('')).sort(), ['R', 'RW']);
  const ok = paths.find((p) => p.events.length === 2)!;
  assert.equal(ok.events[1].rmwRead, 0);
  assert.ok(ok.events.every((e) => e.atomic && e.annot[0] === 'MB'));
});

test('atomic ops write a value computed from the read (data dependency)', () => {
  const t = thread([
    {
      kind: 'eval',
      value: {
        kind: 'atomicOp',
        annot: ['NORETURN'],
        addr: reg('x'),
        op: '+',
        operand: c(1),
        ret: 'none',
      },
    },
  ]);
  const [p] = exploreThread(t, opts);
  assert.deepEqual(
    p.events.map((e) => e.kind),
    ['R', 'W'],
  );
  assert.deepEqual(p.events[1].dataDeps, [0]);
});

test('locks give LKR then LKW; trylock forks success and LF; is_locked forks RL and RU', () => {
  const lock: Stmt = { kind: 'lock', addr: reg('s') };
  assert.deepEqual(
    exploreThread(thread([lock], ['s']), opts)[0].events.map((e) => e.kind),
    ['LKR', 'LKW'],
  );
  const tl = exploreThread(
    thread([{ kind: 'assign', reg: 'r', value: { kind: 'trylock', addr: reg('s') } }], ['s']),
    opts,
  );
  assert.deepEqual(tl.map((p) => p.events.map((e) => e.kind).join(',')).sort(), ['LF', 'LKR,LKW']);
  const il = exploreThread(
    thread([{ kind: 'assign', reg: 'r', value: { kind: 'islocked', addr: reg('s') } }], ['s']),
    opts,
  );
  assert.deepEqual(il.map((p) => p.events[0].kind).sort(), ['RL', 'RU']);
});

test('a symbolic address forks over the locations its read may return', () => {
  const t = thread(
    [
      { kind: 'assign', reg: 'r0', value: load(reg('p')) },
      { kind: 'assign', reg: 'r1', value: load(reg('r0')) },
    ],
    ['p'],
  );
  const domains = new Map([['p', [{ addr: 'x' }, { addr: 'y' }]]]);
  const paths = exploreThread(t, { ...opts, domains });
  assert.deepEqual(paths.map((p) => p.events[1].loc).sort(), ['x', 'y']);
  assert.ok(paths.every((p) => p.events[1].addrDeps[0] === 0));
});

test('while loops unroll a bounded number of times; longer paths are dropped', () => {
  const t = thread([
    { kind: 'assign', reg: 'r', value: c(1) },
    { kind: 'while', test: reg('r'), body: [{ kind: 'assign', reg: 'r', value: load(reg('x')) }] },
  ]);
  const paths = exploreThread(t, opts);
  // Reads: one (exits on 0), two (1 then 0); a third iteration is beyond the bound.
  assert.deepEqual(paths.map((p) => p.events.length).sort(), [1, 2]);
  assert.ok(paths.every((p) => p.events.every((e) => e.ctrlDeps.length === p.events.indexOf(e))));
});

test('evaluating a value stops at the first pending read and returns PENDING, operands left to right', () => {
  const r = (ev: number): Sym => ({ k: 'r', ev });
  // (r0 + r1) * r2, with an `if` on r3 choosing r4 or 7.
  const sum: Sym = { k: 'b', op: '*', a: { k: 'b', op: '+', a: r(0), b: r(1) }, b: r(2) };
  const pick: Sym = { k: 'if', t: r(3), a: r(4), b: { k: 'c', v: 7 } };
  const asked: number[] = [];
  const values = new Map<number, number | typeof PENDING>();
  const read = (ev: number) => {
    asked.push(ev);
    return values.get(ev) ?? PENDING;
  };
  values.set(0, 2).set(2, 5);
  assert.equal(evaluateSymbolic(sum, read), PENDING);
  assert.deepEqual(asked, [0, 1], 'r2 is not read once r1 is pending');
  values.set(1, 3);
  assert.equal(evaluateSymbolic(sum, read), 25);
  asked.length = 0;
  assert.equal(evaluateSymbolic(pick, read), PENDING);
  assert.deepEqual(asked, [3]);
  values.set(3, 0);
  assert.equal(evaluateSymbolic(pick, read), 7, 'the branch not taken may stay pending');
  values.set(3, 1);
  assert.equal(evaluateSymbolic(pick, read), PENDING);
  // An undetermined operand met before a pending one still stops the computation.
  assert.throws(
    () => evaluateSymbolic(sum, (ev) => (ev === 0 ? { undetermined: 1 } : PENDING)),
    (err) => err === UNDETERMINED,
  );
});

test("a failed CASP is built as a failed CAS: once ordered after the compared registers' sources, once not", () => {
  // r0 is read from y, then compared: the failure builds differ in whether the CAS's
  // reads wait for that read (address dependencies), one word or two alike.
  const fromY: Stmt = { kind: 'assign', reg: 'r0', value: load(reg('y')) };
  const cas: Stmt = {
    kind: 'assign',
    reg: 'r1',
    value: {
      kind: 'cmpxchg',
      annot: ['X'],
      writeAnnot: ['X'],
      failAnnot: ['Exp'],
      addr: reg('x'),
      expected: reg('r0'),
      desired: c(1),
      pair: ['rmw', 'amo'],
      dependencyVariants: true,
    },
  };
  const casp: Stmt = {
    kind: 'cmpxchgPair',
    old: ['r1', 'r2'],
    annot: ['X'],
    writeAnnot: ['X'],
    failAnnot: ['Exp'],
    addr: [reg('x'), reg('z')],
    expected: [reg('r0'), c(0)],
    desired: [c(1), c(1)],
  };
  /** Per build, the annotations and address dependencies of the CAS's accesses. */
  const builds = (s: Stmt) =>
    exploreThread(thread([fromY, s], ['x', 'y', 'z']), opts).map((p) =>
      p.events.slice(1).map((e) => `${e.kind}${e.annot.join('')}:${e.addrDeps.join(',')}`),
    );
  assert.deepEqual(builds(cas), [['RX:', 'WX:'], ['RX:', 'WX:'], ['RExp:0'], ['RExp:']]);
  assert.deepEqual(builds(casp), [
    ['RX:', 'RX:', 'WX:', 'WX:'],
    ['RX:', 'RX:', 'WX:', 'WX:'],
    ['RExp:0', 'RExp:0'],
    ['RExp:', 'RExp:'],
  ]);
});

test('each execution of an instruction is its own instance; the statements of one share it', () => {
  const at = (line: number) => ({ file: 't.litmus', line, col: 2 });
  // L0: two statements of one instruction (line 2, both read), then a jump back (line 3)
  // while the read of y gives 0: the loop's reads come in instances of two, one per pass.
  const body: Stmt[] = [
    { kind: 'label', name: 'L0', pos: at(1) },
    { kind: 'assign', reg: 'r0', value: load(reg('x')), pos: at(2) },
    { kind: 'assign', reg: 'r1', value: load(reg('y')), pos: at(2) },
    {
      kind: 'goto',
      label: 'L0',
      test: { kind: 'binop', op: '==', left: reg('r1'), right: c(0) },
      pos: at(3),
    },
  ];
  const paths = exploreThread(thread(body), opts);
  const twice = paths.find((p) => p.events.length === 4)!;
  const [a, b, c2, d] = twice.events.map((e) => e.instance);
  assert.equal(a, b);
  assert.equal(c2, d);
  assert.notEqual(a, c2);
});
