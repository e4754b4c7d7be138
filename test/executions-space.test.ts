// The choices of one path combination (CandidateSpace) and the early checks of its path
// conditions (PathConditions), tested on their own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCLitmus } from '../src/frontend/c/index.js';
import { loadSetup } from '../src/api/run.js';
import { buildTraces, initialMemory } from '../src/executions/test-analysis.js';
import { CandidateSpace } from '../src/executions/candidate-space.js';
import { PathConditions } from '../src/executions/path-conditions.js';

/** The space of the first path of every thread. */
function spaceOf(text: string, observed: string[] = []): CandidateSpace {
  const lt = parseCLitmus(text, 'space.litmus', loadSetup({}).macros);
  const memory = initialMemory(lt);
  const traces = buildTraces(lt, memory, 1 << 10);
  return new CandidateSpace(
    traces.map((paths) => paths[0]),
    memory,
    observed,
  );
}

/** Each read's choices as `thread:local<-thread:local` strings (init writes as `init`). */
function choices(space: CandidateSpace): string[][] {
  const name = (id: number) => {
    const e = space.events[id];
    return e.init ? `init ${e.loc}` : `${e.thread}:${e.local}`;
  };
  return space.readsFromChoices.map((writes) => writes.map(name));
}

test('initial writes come first, one per location in name order, then each path in order', () => {
  const space = spaceOf(`C order
{}
P0(int *y, int *x) { WRITE_ONCE(*y, 1); WRITE_ONCE(*x, 1); }
P1(int *x) { int r0; r0 = READ_ONCE(*x); }
exists (1:r0=1)
`);
  assert.deepEqual(
    space.events.map((e) =>
      e.init ? `init ${e.loc}` : `${e.thread}:${e.local} ${e.kind} ${e.loc}`,
    ),
    ['init x', 'init y', '0:0 W y', '0:1 W x', '1:0 R x'],
  );
  assert.equal(space.globalId(1, 0), 4);
});

test("a read may see the initial write and every other thread's write", () => {
  const space = spaceOf(`C others
{}
P0(int *x) { WRITE_ONCE(*x, 1); WRITE_ONCE(*x, 2); }
P1(int *x) { int r0; r0 = READ_ONCE(*x); }
exists (1:r0=1)
`);
  assert.deepEqual(choices(space), [['init x', '0:0', '0:1']]);
});

test('a read never sees a po-later write of its own thread nor one its thread overwrote', () => {
  const space = spaceOf(`C own
{}
P0(int *x) { int r0; int r1; r0 = READ_ONCE(*x); WRITE_ONCE(*x, 1); WRITE_ONCE(*x, 2); r1 = READ_ONCE(*x); }
P1(int *x) { WRITE_ONCE(*x, 3); }
exists (0:r0=1)
`);
  // The first read: not its thread's later writes. The second: its thread's last write
  // before it (not the overwritten one, nor the initial write), or another thread's.
  assert.deepEqual(choices(space), [
    ['init x', '1:0'],
    ['0:2', '1:0'],
  ]);
});

test('final-write choices: the last write of each thread, the initial write only when alone', () => {
  const space = spaceOf(
    `C finals
{}
P0(int *x, int *y) { WRITE_ONCE(*x, 1); WRITE_ONCE(*x, 2); }
P1(int *x) { WRITE_ONCE(*x, 3); }
exists (x=2 /\\ y=0)
`,
    ['x', 'y'],
  );
  assert.deepEqual(space.finalLocations, ['x', 'y']);
  const name = (id: number) => {
    const e = space.events[id];
    return e.init ? 'init' : `${e.thread}:${e.local}`;
  };
  assert.deepEqual(
    space.finalWriteChoices.map((c) => c.map(name)),
    [['0:1', '1:0'], ['init']],
  );
});

test('a path condition is decided once its read has a write, and waits while it has none', () => {
  const lt = parseCLitmus(
    `C cond
{}
P0(int *x) { WRITE_ONCE(*x, 1); }
P1(int *x) { int r0; r0 = READ_ONCE(*x); if (r0 == 1) { WRITE_ONCE(*x, 2); } }
exists (1:r0=1)
`,
    'cond.litmus',
    loadSetup({}).macros,
  );
  const memory = initialMemory(lt);
  const traces = buildTraces(lt, memory, 1 << 10);
  // P1's path that takes the branch assumes r0 == 1.
  const taken = traces[1].find((p) => p.events.length === 2)!;
  const space = new CandidateSpace([traces[0][0], taken], memory, []);
  const readsFrom = new Int32Array(space.reads.length).fill(-1);
  const conditions = new PathConditions(space, readsFrom);
  assert.equal(conditions.count, 1);
  assert.equal(conditions.check(0), 'undecided');
  const [fromInit, fromP0] = space.readsFromChoices[0];
  readsFrom[0] = fromInit;
  assert.equal(conditions.check(0), 'contradicted');
  assert.equal(conditions.holdAfter(0), false);
  readsFrom[0] = fromP0;
  assert.equal(conditions.check(0), 'holds');
  assert.equal(conditions.holdAfter(0), true);
});

test('a condition whose value comes through another thread waits for that thread’s read, and for a value cycle', () => {
  const lt = parseCLitmus(
    `C through
{}
P0(int *x, int *y) { int r1; r1 = READ_ONCE(*y); WRITE_ONCE(*x, r1); }
P1(int *x, int *y) { int r0; r0 = READ_ONCE(*x); WRITE_ONCE(*y, r0); if (r0 == 1) { WRITE_ONCE(*y, 2); } }
P2(int *y) { WRITE_ONCE(*y, 1); }
exists (1:r0=1)
`,
    'through.litmus',
    loadSetup({}).macros,
  );
  const memory = initialMemory(lt);
  const traces = buildTraces(lt, memory, 1 << 10);
  // P1's path that takes the branch assumes r0 == 1; r0 is P0's copy of its read of y.
  const taken = traces[1].find((p) => p.events.length === 3)!;
  const space = new CandidateSpace([traces[0][0], taken, traces[2][0]], memory, []);
  const name = (id: number) => {
    const e = space.events[id];
    return e.init ? `init ${e.loc}` : `${e.thread}:${e.local}`;
  };
  const readOfY = space.reads.findIndex((r) => r.loc === 'y');
  const readOfX = space.reads.findIndex((r) => r.loc === 'x');
  const source = (read: number, write: string) =>
    space.readsFromChoices[read].find((w) => name(w) === write)!;
  const readsFrom = new Int32Array(space.reads.length).fill(-1);
  const conditions = new PathConditions(space, readsFrom);
  assert.equal(conditions.count, 1);
  readsFrom[readOfX] = source(readOfX, '0:1');
  assert.equal(conditions.check(0), 'undecided', "P0's read of y has no write yet");
  readsFrom[readOfY] = source(readOfY, '1:1');
  assert.equal(conditions.check(0), 'undecided', 'r0 is its own value: the leaf decides');
  readsFrom[readOfY] = source(readOfY, 'init y');
  assert.equal(conditions.check(0), 'contradicted');
  readsFrom[readOfY] = source(readOfY, '2:0');
  assert.equal(conditions.check(0), 'holds');
});
