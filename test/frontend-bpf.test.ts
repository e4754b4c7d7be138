import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OrdoError } from '../src/diagnostics.js';
import { runTestText } from '../src/api/run.js';
import { corpusPath } from './support/corpus.js';
import type { Expr, LitmusTest, Stmt } from '../src/program/ir.js';
import {
  parseBpfLitmus,
  parseBpfLitmusDetailed,
  ppInstr,
  canonicalReg,
} from '../src/frontend/bpf/index.js';

const corpus = corpusPath();

/** A one-thread test around `body` rows (P0 column only). */
function one(rows: string[], init = '0:r1=x; 0:r2=y;', cond = 'exists (0:r0=0)'): LitmusTest {
  return parseBpfLitmus(
    ['BPF t', `{ ${init} }`, ' P0 ;', ...rows.map((r) => ` ${r} ;`), cond, ''].join('\n'),
    't.litmus',
  );
}

function body(rows: string[]): Stmt[] {
  return one(rows).threads[0]!.body;
}

function err(text: string): OrdoError {
  try {
    parseBpfLitmus(text, 'bad.litmus');
  } catch (e) {
    assert.ok(e instanceof OrdoError, `expected an OrdoError, got ${e}`);
    return e;
  }
  assert.fail('expected an error');
}

function errRows(rows: string[], cond = 'exists (0:r0=0)'): OrdoError {
  return err(['BPF t', '{ 0:r1=x; }', ' P0 ;', ...rows.map((r) => ` ${r} ;`), cond, ''].join('\n'));
}

const reg = (name: string): Expr => ({ kind: 'reg', name });
const strip = <T>(x: T): T =>
  JSON.parse(JSON.stringify(x, (k, v) => (k === 'pos' ? undefined : v)));

// ---------------------------------------------------------------- header, init, clauses

test('header, init block and clauses', () => {
  const t = parseBpfLitmus(
    `BPF MP+x (* a comment *)
(*
 * Result: Never
 *)
{
  0:r1=x; 0:r2=y; 1:R3=y;
  int z=3;
  0:r5=7;
}
 P0                    | P1                   ;
 *(u32 *)(r1 + 0) = 1  | r4 = *(u32 *)(r3+0)  ;
 *(u32 *)(r2 + 0) = 1  |                      ;
locations [0:r5; z]
filter (0:r5=7)
exists (1:r4=1 /\\ z=3)
`,
    'mp.litmus',
  );
  assert.equal(t.arch, 'BPF');
  assert.equal(t.name, 'MP+x');
  assert.equal(t.expectedResult, 'Never');
  assert.deepEqual(strip(t.init), [
    { thread: 0, name: 'r1', value: { addr: 'x' } },
    { thread: 0, name: 'r2', value: { addr: 'y' } },
    { thread: 1, name: 'r3', value: { addr: 'y' } },
    { thread: null, name: 'z', type: 'int', value: 3 },
    { thread: 0, name: 'r5', value: 7 },
  ]);
  assert.equal(t.threads.length, 2);
  assert.deepEqual(t.locations, [
    { kind: 'reg', thread: 0, name: 'r5' },
    { kind: 'mem', name: 'z' },
  ]);
  assert.ok(t.filter);
  assert.equal(t.condition.text, 'exists (1:r4=1 /\\ [z]=3)');
});

test('quantifiers: forall, ~exists, and r10 printed as fp', () => {
  assert.equal(one(['r0 = 1'], '', 'forall x=3').condition.text, 'forall ([x]=3)');
  assert.equal(one(['r0 = 1'], '', '~exists (0:r0=1)').condition.text, '~exists (0:r0=1)');
  assert.equal(one(['r10 = 1'], '', 'exists (0:r10=1)').condition.text, 'exists (0:fp=1)');
  assert.equal(canonicalReg('R10'), 'fp');
  assert.equal(canonicalReg('r11'), null);
});

// ---------------------------------------------------------------- instruction forms

test('moves and ALU operations', () => {
  assert.deepEqual(strip(body(['r3 = 5', 'r4 = r3', 'r4 = -2'])), [
    { kind: 'assign', reg: 'r3', value: { kind: 'const', value: 5 } },
    { kind: 'assign', reg: 'r4', value: reg('r3') },
    { kind: 'assign', reg: 'r4', value: { kind: 'const', value: -2 } },
  ]);
  const ops: Array<[string, string]> = [
    ['+=', '+'],
    ['-=', '-'],
    ['*=', '*'],
    ['/=', '/'],
    ['%=', '%'],
    ['&=', '&'],
    ['|=', '|'],
    ['^=', '^'],
    ['<<=', '<<'],
    ['>>=', '>>'],
  ];
  for (const [src, op] of ops) {
    assert.deepEqual(
      strip(body([`r3 ${src} r4`, `r3 ${src} 7`])),
      [
        {
          kind: 'assign',
          reg: 'r3',
          value: { kind: 'binop', op, left: reg('r3'), right: reg('r4') },
        },
        {
          kind: 'assign',
          reg: 'r3',
          value: { kind: 'binop', op, left: reg('r3'), right: { kind: 'const', value: 7 } },
        },
      ],
      src,
    );
  }
});

test('loads and stores of every size, acquire and release', () => {
  for (const size of ['u8', 'u16', 'u32', 'u64']) {
    assert.deepEqual(
      strip(
        body([`r3 = *(${size} *)(r1 + 0)`, `*(${size}*)(r2+0) = r3`, `*(${size} *)(r2 - 0) = 4`]),
      ),
      [
        { kind: 'assign', reg: 'r3', value: { kind: 'load', annot: [], addr: reg('r1') } },
        { kind: 'store', annot: [], addr: reg('r2'), value: reg('r3') },
        { kind: 'store', annot: [], addr: reg('r2'), value: { kind: 'const', value: 4 } },
      ],
    );
  }
  assert.deepEqual(
    strip(body(['r3 = load_acquire((u32 *)(r1 + 0))', 'store_release((u64* )(r2 + 0), r3)'])),
    [
      { kind: 'assign', reg: 'r3', value: { kind: 'load', annot: ['AQ'], addr: reg('r1') } },
      { kind: 'store', annot: ['RL'], addr: reg('r2'), value: reg('r3') },
    ],
  );
});

test('atomics: lock, atomic_fetch_*, xchg, cmpxchg', () => {
  const ops: Array<[string, string, string]> = [
    ['+=', 'add', '+'],
    ['&=', 'and', '&'],
    ['|=', 'or', '|'],
    ['^=', 'xor', '^'],
  ];
  for (const [lockOp, name, op] of ops) {
    assert.deepEqual(
      strip(
        body([
          `lock *(u32 *)(r1 + 0) ${lockOp} r2`,
          `r2 = atomic_fetch_${name}((u64 *)(r1 + 0), r2)`,
        ]),
      ),
      [
        {
          kind: 'eval',
          value: { kind: 'amo', annot: ['X'], addr: reg('r1'), op, operand: reg('r2') },
        },
        {
          kind: 'assign',
          reg: 'r2',
          value: { kind: 'amo', annot: ['SC', 'X'], addr: reg('r1'), op, operand: reg('r2') },
        },
      ],
    );
  }
  // As in herd7, the fetched value goes to the operand register.
  assert.deepEqual(strip(body(['r3 = atomic_fetch_add((u32 *)(r1 + 0), r4)']))[0], {
    kind: 'assign',
    reg: 'r4',
    value: { kind: 'amo', annot: ['SC', 'X'], addr: reg('r1'), op: '+', operand: reg('r4') },
  });
  for (const x of ['xchg_64', 'xchg_32_32']) {
    assert.deepEqual(strip(body([`r2 = ${x}(r1 + 0, r2)`])), [
      {
        kind: 'assign',
        reg: 'r2',
        value: { kind: 'amo', annot: ['SC', 'X'], addr: reg('r1'), op: 'xchg', operand: reg('r2') },
      },
    ]);
  }
  for (const x of ['cmpxchg_64', 'cmpxchg32_32']) {
    assert.deepEqual(strip(body([`r0 = ${x} (r1 + 0, r0, r5)`])), [
      {
        kind: 'assign',
        reg: 'r0',
        value: {
          kind: 'cmpxchg',
          annot: ['SC', 'X'],
          addr: reg('r1'),
          expected: reg('r0'),
          desired: reg('r5'),
          pair: ['rmw', 'amo'],
          failAnnot: [],
        },
      },
    ]);
  }
});

test('labels and branches', () => {
  assert.deepEqual(
    strip(
      body([
        'if r0 == 1 goto EXIT',
        'if r0 >= r2 goto EXIT',
        'if r0 != 0 goto EXIT',
        'if r0 < 3 goto EXIT',
        'goto EXIT',
        'EXIT:',
        'L2: r3 = 1',
      ]),
    ),
    [
      {
        kind: 'goto',
        label: 'EXIT',
        test: { kind: 'binop', op: '==', left: reg('r0'), right: { kind: 'const', value: 1 } },
      },
      {
        kind: 'goto',
        label: 'EXIT',
        test: { kind: 'binop', op: '>=', left: reg('r0'), right: reg('r2') },
      },
      {
        kind: 'goto',
        label: 'EXIT',
        test: { kind: 'binop', op: '!=', left: reg('r0'), right: { kind: 'const', value: 0 } },
      },
      {
        kind: 'goto',
        label: 'EXIT',
        test: { kind: 'binop', op: '<', left: reg('r0'), right: { kind: 'const', value: 3 } },
      },
      { kind: 'goto', label: 'EXIT' },
      { kind: 'label', name: 'EXIT' },
      { kind: 'label', name: 'L2' },
      { kind: 'assign', reg: 'r3', value: { kind: 'const', value: 1 } },
    ],
  );
});

test('empty cells and uneven columns', () => {
  const t = parseBpfLitmus(
    `BPF t
{ 0:r1=x; 1:r1=x; }
P0 | P1 ;
r2 = 1 | ;
 | r3 = 2 ;
exists (0:r2=1)
`,
    't.litmus',
  );
  assert.equal(t.threads[0]!.body.length, 1);
  assert.equal(t.threads[1]!.body.length, 1);
});

test('the printer writes what the parser reads', () => {
  const rows = [
    'r1 = 2',
    'r1 += r2',
    'r1 <<= 3',
    'r3 = *(u32 *)(r1 + 0)',
    'r3 = load_acquire((u64 *)(r1 + 0))',
    '*(u8 *)(r1 + 0) = r2',
    '*(u16 *)(r1 + 0) = 5',
    'store_release((u32 *)(r1 + 0), r2)',
    'lock *(u64 *)(r1 + 0) |= r2',
    'r2 = atomic_fetch_xor((u32 *)(r1 + 0), r2)',
    'r2 = xchg_64(r1 + 0, r2)',
    'r0 = cmpxchg32_32(r1 + 0, r0, r2)',
    'smp_mb',
    'smp_rmb',
    'smp_wmb',
    'call bpf_spin_lock',
    'call bpf_spin_unlock',
    'if r1 >= 4 goto L',
    'goto L',
    'L:',
  ];
  const { columns } = parseBpfLitmusDetailed(
    ['BPF t', '{ }', 'P0 ;', ...rows.map((r) => `${r} ;`), 'exists (0:r1=1)'].join('\n'),
    't',
  );
  const printed = columns[0]!.filter((c) => c.instr).map((c) => ppInstr(c.instr!));
  assert.deepEqual(printed, rows.slice(0, -1));
});

test('barrier instructions are fence events tagged MB, RMB, WMB', () => {
  const b = strip(body(['smp_mb', 'smp_rmb', 'smp_wmb']));
  assert.deepEqual(b, [
    { kind: 'fence', annot: ['MB'] },
    { kind: 'fence', annot: ['RMB'] },
    { kind: 'fence', annot: ['WMB'] },
  ]);
  assert.match(errRows(['smp_mb()']).message, /unexpected '\(' after the instruction/);
});

test('calls: bpf_spin_lock is a compare-and-swap of [r1] from 0 to 1 that must succeed', () => {
  const b = strip(body(['call bpf_spin_lock', 'call bpf_spin_unlock']));
  const cas = b[0] as Extract<Stmt, { kind: 'assign' }>;
  assert.equal(cas.kind, 'assign');
  assert.deepEqual(cas.value, {
    kind: 'cmpxchg',
    annot: ['LOCK'],
    addr: { kind: 'reg', name: 'r1' },
    expected: { kind: 'const', value: 0 },
    desired: { kind: 'const', value: 1 },
    pair: ['rmw'],
    failAnnot: ['LOCK'],
  });
  // A failed compare-and-swap jumps to a spin loop at the thread's end, which never ends.
  assert.deepEqual(b[1], {
    kind: 'goto',
    label: 'spin:',
    test: {
      kind: 'binop',
      op: '!=',
      left: { kind: 'reg', name: cas.reg },
      right: { kind: 'const', value: 0 },
    },
  });
  assert.deepEqual(b[2], { kind: 'assign', reg: 'r0', value: { kind: 'const', value: 0 } });
  assert.deepEqual(b[3], {
    kind: 'store',
    annot: ['UNLOCK'],
    addr: { kind: 'reg', name: 'r1' },
    value: { kind: 'const', value: 0 },
  });
  assert.deepEqual(b.slice(-4), [
    { kind: 'goto', label: 'spin:end' },
    { kind: 'label', name: 'spin:' },
    { kind: 'goto', label: 'spin:' },
    { kind: 'label', name: 'spin:end' },
  ]);
  assert.match(
    errRows(['call bpf_map_lookup_elem']).message,
    /Unknown helper 'bpf_map_lookup_elem'/,
  );
});

// ---------------------------------------------------------------- errors

test('errors carry file, line and column', () => {
  const cases: Array<[string[], RegExp, number, number]> = [
    [['r2 = foo(r1)'], /Unknown instruction 'foo'/, 4, 7],
    [['frob r1'], /Unknown instruction 'frob'/, 4, 2],
    [['r11 = 1'], /Bad register 'r11'/, 4, 2],
    [['r2 = *(u31 *)(r1 + 0)'], /Bad size 'u31'/, 4, 9],
    [['r2 = *(u32 *)(r1 + 8)'], /Unsupported offset 8/, 4, 19],
    [['goto NOWHERE'], /Undefined label NOWHERE/, 4, 2],
    [['if r2 > 1 goto L', 'L:'], /Unsupported condition '>'/, 4, 8],
    [['lock *(u32 *)(r1 + 0) -= r2'], /Unsupported atomic operation '-='/, 4, 24],
    [['r2 s>>= 1'], /s>>= is not implemented/, 4, 5],
    [['r2 = 1 | r3 = 2'], /Malformed program row/, 4, 9],
    [['L: r1 = 1', 'L:'], /Label L is defined twice/, 5, 2],
  ];
  for (const [rows, re, line, col] of cases) {
    const e = errRows(rows);
    assert.match(e.message, re);
    assert.deepEqual(e.where, { file: 'bad.litmus', line, col }, `${rows[0]}: ${e.format()}`);
  }
  const e = err('BPF t\n{ }\nP0 | P1 ;\nr1 = 1 ;\nexists (0:r1=1)\n');
  assert.match(e.message, /1 column but the header row names 2 processes/);
  assert.equal(e.where?.line, 4);
  assert.match(
    err('BPF t\n{ }\nP1 ;\nr1 = 1 ;\nexists (0:r1=1)\n').message,
    /P0, P1, \.\.\. in order/,
  );
  assert.match(
    err('BPF t\n{ 0:r12=1; }\nP0 ;\nr1 = 1 ;\nexists (0:r1=1)\n').message,
    /Bad register 'r12'/,
  );
  const c = err('BPF t\n{ }\nP0 ;\nr1 = 1 ;\nexists (0:r13=1)\n');
  assert.match(c.message, /Bad register 'r13'/);
  assert.deepEqual(c.where, { file: 'bad.litmus', line: 5, col: 9 });
  assert.match(err('C t\n{ }\n').message, /Unsupported architecture C/);
});

// ---------------------------------------------------------------- corpus

test("corpus: all herd-bpf tests parse with herd7's Test and Condition lines", () => {
  const dir = join(corpus, 'tests', 'herd-bpf');
  const files = readdirSync(dir).filter((f) => f.endsWith('.litmus'));
  assert.equal(files.length, 177);
  for (const f of files) {
    const t = parseBpfLitmus(readFileSync(join(dir, f), 'utf8'), f);
    const out = readFileSync(join(corpus, 'expected', 'herd-bpf', f + '.out'), 'utf8').split('\n');
    const testLine = out.find((l) => l.startsWith('Test '))!;
    assert.ok(testLine.startsWith(`Test ${t.name} `), `${f}: ${testLine}`);
    assert.equal(
      `Condition ${t.condition.text}`,
      out.find((l) => l.startsWith('Condition ')),
      f,
    );
  }
});

test('100,000 instructions in one thread, each value built on the last', () => {
  const body = ' r1 += 3 ;\n'.repeat(100000);
  const text = `BPF long\n{\n 0:r3=x;\n}\n P0 ;\n r1 = *(u32 *)(r3 + 0) ;\n${body} *(u32 *)(r3 + 0) = r1 ;\nexists ([x]=300000)\n`;
  const r = runTestText('long.litmus', text);
  assert.equal(r.limit, undefined, r.limit);
  assert.equal(r.observation, 'Always');
  assert.deepEqual(r.states, [[300000]]);
});
