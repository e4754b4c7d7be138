// sys_membarrier() in Ordo's LKMM: smp_memb(), the membarrier() commands, the
// membarrier-unregistered flag and the front end's command macros. The litmus tests
// are written inline; each is run under Ordo's shipped LKMM (models/lkmm/lkmm.cfg).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OrdoError } from '../src/diagnostics.js';
import { runTestText, type TestResult } from '../src/api/run.js';
import { parseCLitmus, parseMacros } from '../src/frontend/c/index.js';
import { dirname } from 'node:path';
import { kernelCfg } from './support/corpus.js';

/** A litmus test from thread bodies: thread i gets parameters `int *a` for every location. */
function litmus(
  name: string,
  bodies: string[],
  cond: string,
  locs = ['x', 'y', 'z', 'w'],
  init = '{}',
): string {
  const params = locs.map((l) => `int *${l}`).join(', ');
  const threads = bodies.map((b, i) => `P${i}(${params})\n{\n${b}\n}\n`).join('\n');
  return `C ${name}\n\n${init}\n\n${threads}\n${cond}\n`;
}

function run(name: string, bodies: string[], cond: string, opts = {}): TestResult {
  return runTestText(`${name}.litmus`, litmus(name, bodies, cond), opts);
}

function verdict(r: TestResult): string {
  return `${r.observation} ${r.positive} ${r.negative}`;
}

// ---------------------------------------------------------------- smp_memb()

const SB_MEMB = [
  'int r0;\nWRITE_ONCE(*x, 1);\nsmp_memb();\nr0 = READ_ONCE(*y);',
  'int r1;\nWRITE_ONCE(*y, 1);\nr1 = READ_ONCE(*x);',
];

test('SB: smp_memb() against plain ONCE accesses is Never', () => {
  const r = run('SB+memb+once', SB_MEMB, 'exists (0:r0=0 /\\ 1:r1=0)');
  assert.equal(verdict(r), 'Never 0 3');
  assert.deepEqual(r.flags, []);
});

test('SB: without smp_memb() the outcome is Sometimes (control)', () => {
  const r = run(
    'SB+once',
    [SB_MEMB[0]!.replace('smp_memb();\n', ''), SB_MEMB[1]!],
    'exists (0:r0=0 /\\ 1:r1=0)',
  );
  assert.equal(r.observation, 'Sometimes');
});

test('SB: a compiler barrier on the other side changes nothing (the interrupt orders wherever it lands)', () => {
  // barrier() splits P1 into two sections. Wherever the interrupt falls (before the
  // write, between, after the read), one of the two reads sees the other write.
  const r = run(
    'SB+memb+barrier',
    [SB_MEMB[0]!, 'int r1;\nWRITE_ONCE(*y, 1);\nbarrier();\nr1 = READ_ONCE(*x);'],
    'exists (0:r0=0 /\\ 1:r1=0)',
  );
  assert.equal(r.observation, 'Never');
});

test('SB: smp_memb() on both sides: Never', () => {
  const r = run(
    'SB+membs',
    [SB_MEMB[0]!, 'int r1;\nWRITE_ONCE(*y, 1);\nsmp_memb();\nr1 = READ_ONCE(*x);'],
    'exists (0:r0=0 /\\ 1:r1=0)',
  );
  assert.equal(verdict(r), 'Never 0 3');
});

test('smp_memb() is a full barrier for its own thread: MP with smp_memb() on both sides is Never', () => {
  const r = run(
    'MP+membs',
    [
      'WRITE_ONCE(*x, 1);\nsmp_memb();\nWRITE_ONCE(*y, 1);',
      'int r1;\nint r2;\nr1 = READ_ONCE(*y);\nsmp_memb();\nr2 = READ_ONCE(*x);',
    ],
    'exists (1:r1=1 /\\ 1:r2=0)',
  );
  assert.equal(r.observation, 'Never');
});

test('a section closed by the end of its thread: the last access counts (MP, reads reversed)', () => {
  const writer = 'WRITE_ONCE(*x, 1);\nsmp_memb();\nWRITE_ONCE(*y, 1);';
  const reader = 'int r1;\nint r2;\nr1 = READ_ONCE(*x);\nr2 = READ_ONCE(*y);';
  assert.equal(
    run('MPrev+memb', [writer, reader], 'exists (1:r1=0 /\\ 1:r2=1)').observation,
    'Never',
  );
  const split = reader.replace('r2 = ', 'barrier();\nr2 = ');
  assert.equal(
    run('MPrev+memb+barrier', [writer, split], 'exists (1:r1=0 /\\ 1:r2=1)').observation,
    'Sometimes',
  );
});

/** A cycle of READ_ONCE(a); <middle>; WRITE_ONCE(b, 1) threads, a -> b around x,y,z,w. */
function cycle(name: string, middles: string[]): TestResult {
  const locs = ['x', 'y', 'z', 'w'].slice(0, middles.length);
  const bodies = middles.map((m, i) => {
    const a = locs[i]!,
      b = locs[(i + 1) % locs.length]!;
    if (m === 'rcu-section')
      return `int r${i};\nrcu_read_lock();\nr${i} = READ_ONCE(*${a});\nWRITE_ONCE(*${b}, 1);\nrcu_read_unlock();`;
    return `int r${i};\nr${i} = READ_ONCE(*${a});\n${m}\nWRITE_ONCE(*${b}, 1);`;
  });
  const cond = `exists (${locs.map((_, i) => `${i}:r${i}=1`).join(' /\\ ')})`;
  return runTestText(`${name}.litmus`, litmus(name, bodies, cond, locs));
}

test('three-thread cycle with one smp_memb(): one grace period, two sections: Sometimes', () => {
  assert.equal(verdict(cycle('LB3+memb', ['smp_memb();', '', ''])), 'Sometimes 1 7');
});

test('four-thread cycle with two smp_memb(): Never', () => {
  assert.equal(
    verdict(cycle('LB4+memb+memb', ['smp_memb();', '', 'smp_memb();', ''])),
    'Never 0 15',
  );
});

test('four-thread cycle with two adjacent smp_memb(): Never', () => {
  assert.equal(
    cycle('LB4+memb+memb+adj', ['smp_memb();', 'smp_memb();', '', '']).observation,
    'Never',
  );
});

// smp_memb() (M), synchronize_rcu() (G), an rcu_read_lock() section (S), a plain thread (T).
test('mixed flavours: each grace period followed by a section of its own flavour: Never', () => {
  // M -> T (membarrier section) -> G -> S (RCU section) -> M
  assert.equal(
    verdict(cycle('memb-rcu-matched', ['smp_memb();', '', 'synchronize_rcu();', 'rcu-section'])),
    'Never 0 15',
  );
});

test('mixed flavours: pairings crossed around the cycle: Sometimes', () => {
  // M -> S -> T -> G -> M: M can only pair with T and G with S, and those pairs interleave.
  assert.equal(
    verdict(cycle('memb-rcu-crossed', ['smp_memb();', 'rcu-section', '', 'synchronize_rcu();'])),
    'Sometimes 1 15',
  );
});

test('mixed flavours: sections swapped but still nested: Never, exactly like SRCU against RCU in LKMM', () => {
  // M -> S -> G -> T -> M: G pairs with S inside, M with T around them.
  assert.equal(
    cycle('memb-rcu-swapped', ['smp_memb();', 'rcu-section', 'synchronize_rcu();', '']).observation,
    'Never',
  );
});

test('flavours never mix: synchronize_rcu() does not wait for a plain thread, smp_memb() does', () => {
  const lb = (gp: string) =>
    run(
      `LB+${gp}`,
      [
        `int r0;\nr0 = READ_ONCE(*x);\n${gp}\nWRITE_ONCE(*y, 1);`,
        'int r1;\nr1 = READ_ONCE(*y);\nWRITE_ONCE(*x, 1);',
      ],
      'exists (0:r0=1 /\\ 1:r1=1)',
    );
  assert.equal(lb('synchronize_rcu();').observation, 'Sometimes');
  assert.equal(lb('smp_memb();').observation, 'Never');
  // ... and an RCU reader whose section is split by barrier() is still one RCU section
  // for synchronize_rcu(), but two membarrier sections: the cycle enters the reader at
  // its later read and leaves it from its earlier one, which only works in one section.
  const mpr = (gp: string) =>
    run(
      `MPr+${gp}`,
      [
        `WRITE_ONCE(*x, 1);\n${gp}\nWRITE_ONCE(*y, 1);`,
        'int r1;\nint r2;\nrcu_read_lock();\nr1 = READ_ONCE(*x);\nbarrier();\nr2 = READ_ONCE(*y);\nrcu_read_unlock();',
      ],
      'exists (1:r1=0 /\\ 1:r2=1)',
    );
  assert.equal(mpr('synchronize_rcu();').observation, 'Never');
  assert.equal(mpr('smp_memb();').observation, 'Sometimes');
});

test('the kernel LKMM files know nothing of smp_memb()', () => {
  assert.throws(
    () =>
      runTestText('k.litmus', litmus('K', SB_MEMB, 'exists (0:r0=0 /\\ 1:r1=0)'), {
        conf: kernelCfg(),
        includeDirs: [dirname(kernelCfg())],
      }),
    (e: unknown) => e instanceof OrdoError && /smp_memb/.test(e.message),
  );
});

// ---------------------------------------------------------------- membarrier() commands

const sbWith = (cmd: string, pre = '', other = '') => [
  `int r0;\n${pre}\nWRITE_ONCE(*x, 1);\nmembarrier(${cmd});\nr0 = READ_ONCE(*y);`,
  `int r1;\n${other}\nWRITE_ONCE(*y, 1);\nr1 = READ_ONCE(*x);`,
];

test('membarrier(MEMBARRIER_CMD_GLOBAL) and GLOBAL_EXPEDITED order like smp_memb()', () => {
  for (const cmd of [
    'MEMBARRIER_CMD_GLOBAL',
    'MEMBARRIER_CMD_GLOBAL_EXPEDITED',
    'MEMBARRIER_CMD_SHARED',
  ]) {
    const r = run(`SB+${cmd}`, sbWith(cmd), 'exists (0:r0=0 /\\ 1:r1=0)');
    assert.equal(verdict(r), 'Never 0 3', cmd);
    assert.deepEqual(r.flags, [], cmd);
  }
});

test('PRIVATE_EXPEDITED after a registration in the same thread orders, no flag', () => {
  const r = run(
    'SB+private+reg',
    sbWith(
      'MEMBARRIER_CMD_PRIVATE_EXPEDITED',
      'membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED);',
    ),
    'exists (0:r0=0 /\\ 1:r1=0)',
  );
  assert.equal(verdict(r), 'Never 0 3');
  assert.deepEqual(r.flags, []);
});

test('PRIVATE_EXPEDITED with a registration by another thread, program-order before its accesses', () => {
  // Any thread of the process may register; here P1 registers before its own accesses,
  // and the SB cycle makes the registration happen before the call only when P0 sees P1's write.
  const r = run(
    'SB+private+reg-other',
    sbWith(
      'MEMBARRIER_CMD_PRIVATE_EXPEDITED',
      '',
      'membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED);',
    ),
    'exists (0:r0=0 /\\ 1:r1=0)',
  );
  // The call's thread reads y after the call: nothing of P1 happens before the call.
  assert.ok(r.flags.includes('membarrier-unregistered'));
  assert.equal(r.observation, 'Sometimes');
});

test('PRIVATE_EXPEDITED without registration: no ordering, flagged membarrier-unregistered', () => {
  const r = run(
    'SB+private',
    sbWith('MEMBARRIER_CMD_PRIVATE_EXPEDITED'),
    'exists (0:r0=0 /\\ 1:r1=0)',
  );
  assert.equal(verdict(r), 'Sometimes 1 3');
  assert.deepEqual(r.flags, ['membarrier-unregistered']);
});

test('a registration after the call, or a global registration, does not count', () => {
  const after = [
    `int r0;\nWRITE_ONCE(*x, 1);\nmembarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED);\nmembarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED);\nr0 = READ_ONCE(*y);`,
    sbWith('')[1]!,
  ];
  assert.deepEqual(run('SB+private+late-reg', after, 'exists (0:r0=0 /\\ 1:r1=0)').flags, [
    'membarrier-unregistered',
  ]);
  const global = run(
    'SB+private+global-reg',
    sbWith(
      'MEMBARRIER_CMD_PRIVATE_EXPEDITED',
      'membarrier(MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED);',
    ),
    'exists (0:r0=0 /\\ 1:r1=0)',
  );
  assert.deepEqual(global.flags, ['membarrier-unregistered']);
  assert.equal(global.observation, 'Sometimes');
});

test('registration handed over by release/acquire: flagged exactly in the executions where it does not happen before', () => {
  const reg = 'membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED);\nsmp_store_release(z, 1);';
  const caller =
    'int r0;\nr0 = smp_load_acquire(z);\nmembarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED);';
  // Only the execution where the acquire reads 0 is flagged: filter each one out in turn.
  const seen = run('Reg+handover', [reg, caller], 'exists (1:r0=1)');
  assert.equal(verdict(seen), 'Sometimes 1 1');
  assert.deepEqual(seen.flags, ['membarrier-unregistered']);
  const text = (c: string) => litmus('Reg+handover', [reg, caller], c, ['x', 'y', 'z', 'w']);
  const onlyRead1 = runTestText('h1.litmus', text('filter (1:r0=1)\nexists (1:r0=1)'));
  assert.deepEqual(onlyRead1.flags, []);
  const onlyRead0 = runTestText('h0.litmus', text('filter (1:r0=0)\nexists (1:r0=0)'));
  assert.deepEqual(onlyRead0.flags, ['membarrier-unregistered']);
  // With a plain (unordered) handover the registration does not happen before the call.
  const plain = runTestText(
    'h2.litmus',
    litmus(
      'Reg+plain',
      [
        'membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED);\nWRITE_ONCE(*z, 1);',
        'int r0;\nr0 = READ_ONCE(*z);\nmembarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED);',
      ],
      'filter (1:r0=1)\nexists (1:r0=1)',
    ),
  );
  assert.deepEqual(plain.flags, []); // po ; rfe ; po: hb needs no fence for a single rfe
});

test('tests without membarrier calls never get the flag', () => {
  const r = run(
    'SB+mb',
    [SB_MEMB[0]!.replace('smp_memb', 'smp_mb'), SB_MEMB[1]!],
    'exists (0:r0=0 /\\ 1:r1=0)',
  );
  assert.deepEqual(r.flags, []);
});

// ---------------------------------------------------------------- outside cycles
//
// Shapes that are not cycles of the RCU family (tools/rcu-family.ts), with one ordering
// call on one side. What the model says of such a call (models/lkmm/lkmm.cat, parts 3
// and 4): it is a full fence for its own thread (strong-order), and a grace period for
// every other thread, whose code falls into sections cut at compiler barriers (a thread
// without barrier() is one section). Against the grace period a section runs either
// wholly before it or wholly after it, and a thread's sections keep their program order:
// a section that reads or overwrites a write made after the call is wholly after it, so
// it sees (and overwrites) every write the calling thread made or read before the call;
// a section whose write is read or overwritten before the call is wholly before it, so
// what the calling thread does after the call sees it. This is smp_mb() paired with a full barrier that the
// call forces on each other CPU, between two of its sections. So where smp_mb() on one
// side leaves a two-thread shape allowed (LKMM wants ordering on both sides), the call
// forbids it; with more threads, it orders only what its own accesses connect.

/** The calls that order (every one of them takes effect), and the controls that do not. */
const ORDERING_CALLS = [
  'smp_memb();',
  'membarrier(MEMBARRIER_CMD_GLOBAL);',
  'membarrier(MEMBARRIER_CMD_GLOBAL_EXPEDITED);',
  'membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED);\nmembarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED);',
];

interface Shape {
  name: string;
  /** Thread bodies; `CALL` stands for the call (or the fence of a control). */
  bodies: string[];
  cond: string;
}

/** The shape's verdict with `CALL` replaced by `call`. */
function shapeWith(s: Shape, call: string): TestResult {
  return run(
    s.name,
    s.bodies.map((b) => b.replace('CALL', call)),
    s.cond,
  );
}

/** Never (no candidate observed, no flag) with every ordering call; smp_mb() allows it. */
function forbiddenByTheCallOnly(s: Shape): void {
  for (const call of ORDERING_CALLS) {
    const r = shapeWith(s, call);
    assert.equal(r.observation, 'Never', `${s.name} with ${call}`);
    assert.equal(r.positive, 0, `${s.name} with ${call}`);
    assert.deepEqual(r.flags, [], `${s.name} with ${call}`);
  }
  assert.equal(shapeWith(s, 'smp_mb();').observation, 'Sometimes', `${s.name} with smp_mb()`);
  // An unregistered PRIVATE_EXPEDITED fails (EPERM): no ordering at all, and flagged.
  const failed = shapeWith(s, 'membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED);');
  assert.equal(failed.observation, 'Sometimes', `${s.name} with a failed call`);
  assert.deepEqual(failed.flags, ['membarrier-unregistered']);
}

test('MP, the call on the writing side only: Never', () => {
  // The reader's section reads y=1, written after the call: it is wholly after the
  // grace period, so it sees x=1, written before the call.
  forbiddenByTheCallOnly({
    name: 'MP+memb+po',
    bodies: [
      'WRITE_ONCE(*x, 1);\nCALL\nWRITE_ONCE(*y, 1);',
      'int r1;\nint r2;\nr1 = READ_ONCE(*y);\nr2 = READ_ONCE(*x);',
    ],
    cond: 'exists (1:r1=1 /\\ 1:r2=0)',
  });
});

test('MP, the call on the reading side only, writes split by barrier(): Never', () => {
  // The writer's sections ({x=1} and {y=1}) each run wholly before or after the grace
  // period, in program order. y=1 is read before the call: its section is before the
  // grace period, and so is the earlier one with x=1, which the read after the call sees.
  forbiddenByTheCallOnly({
    name: 'MP+po-barrier+memb',
    bodies: [
      'WRITE_ONCE(*x, 1);\nbarrier();\nWRITE_ONCE(*y, 1);',
      'int r1;\nint r2;\nr1 = READ_ONCE(*y);\nCALL\nr2 = READ_ONCE(*x);',
    ],
    cond: 'exists (1:r1=1 /\\ 1:r2=0)',
  });
});

test('R, the call between the write and the read of the second thread: Never', () => {
  // The first thread's section is before the grace period (then the read after the call
  // sees x=1) or after it (then its y=1 is a write after the call that the write y=2,
  // made before the call, overwrites: coherence would run against the grace period).
  forbiddenByTheCallOnly({
    name: 'R+po+memb',
    bodies: [
      'WRITE_ONCE(*x, 1);\nWRITE_ONCE(*y, 1);',
      'int r1;\nWRITE_ONCE(*y, 2);\nCALL\nr1 = READ_ONCE(*x);',
    ],
    cond: 'exists (y=2 /\\ 1:r1=0)',
  });
});

test('S, the call on the side of the two writes: Never', () => {
  // The other section reads y=1, written after the call: it is after the grace period,
  // so its write x=1 comes after x=2, written before the call, in coherence order.
  forbiddenByTheCallOnly({
    name: 'S+memb+po',
    bodies: [
      'WRITE_ONCE(*x, 2);\nCALL\nWRITE_ONCE(*y, 1);',
      'int r1;\nr1 = READ_ONCE(*y);\nWRITE_ONCE(*x, 1);',
    ],
    cond: 'exists (x=2 /\\ 1:r1=1)',
  });
});

test('2+2W, the call on one side: Never', () => {
  // y=2, written after the call, is overwritten by the other thread's y=1: that section
  // is after the grace period, so its x=2 comes after x=1, written before the call, in
  // coherence order, and x cannot end as 1.
  forbiddenByTheCallOnly({
    name: '2+2W+memb+po',
    bodies: [
      'WRITE_ONCE(*x, 1);\nCALL\nWRITE_ONCE(*y, 2);',
      'WRITE_ONCE(*y, 1);\nWRITE_ONCE(*x, 2);',
    ],
    cond: 'exists (x=1 /\\ y=1)',
  });
});

test('WRC, the call in the middle thread: Never', () => {
  // The last thread reads y=1, written after the call: its section is after the grace
  // period, and sees x=1, which the calling thread read before the call (the call's
  // fence is cumulative).
  forbiddenByTheCallOnly({
    name: 'WRC+memb',
    bodies: [
      'WRITE_ONCE(*x, 1);',
      'int r1;\nr1 = READ_ONCE(*x);\nCALL\nWRITE_ONCE(*y, 1);',
      'int r2;\nint r3;\nr2 = READ_ONCE(*y);\nr3 = READ_ONCE(*x);',
    ],
    cond: 'exists (1:r1=1 /\\ 2:r2=1 /\\ 2:r3=0)',
  });
});

test('IRIW, the call in one reader, the other split by barrier(): Never', () => {
  // The writers' sections: x=1 is read before the call, so it is before the grace
  // period; y=1 is not seen by the read after the call, so it is after it. The other
  // reader's first section reads y=1: it is after the grace period, and so is its second
  // section, which then must see x=1.
  forbiddenByTheCallOnly({
    name: 'IRIW+memb+po-barrier',
    bodies: [
      'WRITE_ONCE(*x, 1);',
      'WRITE_ONCE(*y, 1);',
      'int r0;\nint r1;\nr0 = READ_ONCE(*x);\nCALL\nr1 = READ_ONCE(*y);',
      'int r2;\nint r3;\nr2 = READ_ONCE(*y);\nbarrier();\nr3 = READ_ONCE(*x);',
    ],
    cond: 'exists (2:r0=1 /\\ 2:r1=0 /\\ 3:r2=1 /\\ 3:r3=0)',
  });
});

test('a call in a thread of its own orders nothing between the others (MP): Sometimes', () => {
  // The calling thread makes no access: nothing links the grace period to the other
  // sections. Both may run on the same side of it, where MP without fences is allowed.
  for (const call of ORDERING_CALLS) {
    const r = run(
      'MP+lone-memb',
      [
        'WRITE_ONCE(*x, 1);\nWRITE_ONCE(*y, 1);',
        'int r1;\nint r2;\nr1 = READ_ONCE(*y);\nr2 = READ_ONCE(*x);',
        call,
      ],
      'exists (1:r1=1 /\\ 1:r2=0)',
    );
    assert.equal(verdict(r), 'Sometimes 1 3', call);
    assert.deepEqual(r.flags, [], call);
  }
});

// ---------------------------------------------------------------- bad input

test('membarrier() with an unknown command is an error naming it, with its position', () => {
  const src = litmus(
    'Bad',
    ['WRITE_ONCE(*x, 1);\nmembarrier(MEMBARRIER_CMD_FLUSH_ALL);'],
    'exists (x=1)',
  );
  let caught: unknown;
  try {
    runTestText('bad.litmus', src);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof OrdoError);
  const e = caught as OrdoError;
  assert.match(e.message, /Unknown command MEMBARRIER_CMD_FLUSH_ALL in membarrier\(\)/);
  assert.match(e.message, /MEMBARRIER_CMD_PRIVATE_EXPEDITED/);
  assert.deepEqual(e.where, { file: 'bad.litmus', line: 8, col: 12 });
});

test('membarrier() with a non-name argument or the wrong arity is an error', () => {
  const bad = (call: string) => () =>
    runTestText('b.litmus', litmus('B', [`int r = 1;\n${call}`], 'exists (x=0)'));
  assert.throws(
    bad('membarrier(1);'),
    (e: unknown) => e instanceof OrdoError && /expects a command name/.test(e.message),
  );
  assert.throws(
    bad('membarrier();'),
    (e: unknown) => e instanceof OrdoError && /expects 1 argument/.test(e.message),
  );
});

test('command macros in a .def: literals select the definition, variables still substitute', () => {
  const def = parseMacros(
    `f(=A, X) { __store{ONCE}(X, 1); }\nf(=B, X) { __store{RELEASE}(X, 2); }\n`,
    'm.def',
  );
  const t = parseCLitmus(
    'C T\n{}\nP0(int *x)\n{\nf(A, *x);\nf(B, *x);\n}\nexists (x=0)\n',
    't.litmus',
    def,
  );
  const annots = t.threads[0]!.body.map((s) => (s.kind === 'store' ? s.annot.join() : s.kind));
  assert.deepEqual(annots, ['ONCE', 'RELEASE']);
  assert.throws(
    () => parseMacros('f(=A) { __fence{MB}; }\nf(=A) { __fence{MB}; }\n', 'd.def'),
    /defined twice/,
  );
  assert.throws(
    () => parseMacros('f(X) { __fence{MB}; }\nf(=A) { __fence{MB}; }\n', 'd.def'),
    /already defined without/,
  );
});
