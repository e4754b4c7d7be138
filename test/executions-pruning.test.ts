// The candidate space is pruned while reads-from is chosen: a path condition is checked as
// soon as the values it needs are known, so a contradicted branch costs one choice, not
// every completion of it. These tests count the enumerator's work directly and check that
// pruning keeps exactly the candidates the full resolution keeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCLitmus } from '../src/frontend/c/index.js';
import { loadSetup } from '../src/api/run.js';
import {
  buildTraces,
  enumerateCandidates,
  initialMemory,
  PartialPolicy,
  observedLocations,
  type EnumerationStats,
  type PartialCandidates,
} from '../src/executions/enumerate.js';
import type { ModelInput } from '../src/cat/input.js';
import { evaluateModel } from '../src/cat/index.js';
import { rejectsEveryCandidate } from '../src/cat/candidate-bounds.js';
import { formatValue } from '../src/events/symbolic.js';
import {
  filterRegisterChecks,
  finalState,
  holds,
  sortColumns,
} from '../src/outcomes/final-state.js';

function enumerate(
  text: string,
  early: 'filter early' | 'filter at the leaf' = 'filter at the leaf',
): { stats: EnumerationStats; outcomes: string[] } {
  const test = parseCLitmus(text, 'pruning.litmus', loadSetup({}).macros);
  const filterColumns = sortColumns(observedLocations(test, true));
  const memory = initialMemory(test);
  const traces = buildTraces(test, memory, 1 << 14);
  const stats: EnumerationStats = { combinations: 0, readsFromLeaves: 0 };
  const outcomes: string[] = [];
  enumerateCandidates(
    test,
    traces,
    memory,
    {
      deadline: Infinity,
      registerChecks:
        test.filter && early === 'filter early'
          ? filterRegisterChecks(test.filter, filterColumns)
          : [],
    },
    (cand) => {
      // What the run does with every candidate it is given: the whole filter decides.
      if (test.filter && !holds(test.filter, finalState(cand, filterColumns, memory))) return true;
      const regs = [...cand.registers.entries()]
        .flatMap(([t, m]) =>
          [...m].filter(([r]) => /^r\d+$/.test(r)).map(([r, v]) => `${t}:${r}=${formatValue(v)}`),
        )
        .sort();
      outcomes.push(regs.join(' '));
      return true;
    },
    stats,
  );
  return { stats, outcomes: outcomes.sort() };
}

/** k reads of x, each followed by an empty `if` on its value: 2^k paths, 2^k real executions. */
function emptyIfs(k: number): string {
  const regs = Array.from({ length: k }, (_, i) => `r${i}`);
  const body = regs.map((r) => `${r} = READ_ONCE(*x); if (${r} == 1) {}`).join(' ');
  return `C empty-ifs
{}
P0(int *x) { WRITE_ONCE(*x, 1); }
P1(int *x) { int ${regs.join(', ')}; ${body} }
exists (1:r0=1)
`;
}

test('a contradicted branch condition is cut at the read that decides it', () => {
  const k = 4;
  const { stats, outcomes } = enumerate(emptyIfs(k));
  // One path per combination of branch outcomes, each compatible with exactly one
  // reads-from choice: 2^k leaves, where checking at the leaf would reach 4^k.
  assert.equal(stats.combinations, 2 ** k);
  assert.equal(stats.readsFromLeaves, 2 ** k);
  assert.equal(outcomes.length, 2 ** k);
  assert.equal(new Set(outcomes).size, 2 ** k);
});

test('a condition on a value another thread has not read yet waits for that read', () => {
  // P0's branch depends on y, whose only write stores what P1 reads from x: the condition
  // cannot be decided when P0's read is chosen, only once P1's read is.
  const { outcomes } = enumerate(`C waits
{}
P0(int *x, int *y) { int r0; r0 = READ_ONCE(*y); if (r0 == 2) { WRITE_ONCE(*x, 3); } }
P1(int *x, int *y) { int r1; r1 = READ_ONCE(*x); WRITE_ONCE(*y, r1 + 2); }
exists (0:r0=2)
`);
  // r0 = 2 needs r1 = 0 (the initial x); r0 = 0 is the initial y; r1 = 3 needs r0 = 2,
  // whose write of y stores 5, not 2: that cycle has no solution.
  assert.deepEqual(outcomes, ['0:r0=0 1:r1=0', '0:r0=2 1:r1=0']);
});

test('an equality assumed by a path prunes writes of other values', () => {
  const { stats, outcomes } = enumerate(`C equals
{}
P0(int *x) { WRITE_ONCE(*x, 1); WRITE_ONCE(*x, 2); }
P1(int *x) { int r0; r0 = READ_ONCE(*x); if (r0 == 2) { WRITE_ONCE(*x, 3); } }
exists (1:r0=2)
`);
  // Two paths for P1; the taken branch admits only the write of 2, the other the rest.
  assert.equal(stats.readsFromLeaves, 3);
  assert.deepEqual(outcomes, ['1:r0=0', '1:r0=1', '1:r0=2']);
});

test("the filter's register conjuncts cut reads-from choices, keeping the same executions", () => {
  // P1 reads x twice; the filter keeps r0 = 1 and r1 <> 0 (a register-only conjunct each)
  // and x = 2 (a memory conjunct, judged at the leaf with the final writes).
  const text = `C filtered
{}
P0(int *x) { WRITE_ONCE(*x, 1); WRITE_ONCE(*x, 2); }
P1(int *x) { int r0; int r1; r0 = READ_ONCE(*x); r1 = READ_ONCE(*x); }
filter (1:r0=1 /\\ ~1:r1=0 /\\ x=2)
exists (1:r1=2)
`;
  const late = enumerate(text, 'filter at the leaf');
  const early = enumerate(text, 'filter early');
  assert.deepEqual(early.outcomes, late.outcomes);
  assert.deepEqual(early.outcomes, ['1:r0=1 1:r1=1', '1:r0=1 1:r1=2']);
  // Each read has 3 writes to choose from; r0 = 1 leaves 1, and then r1 <> 0 leaves 2.
  assert.equal(late.stats.readsFromLeaves, 9);
  assert.equal(early.stats.readsFromLeaves, 2);
});

// ----------------------------------------------------------------- partial choices judged

/** Two xchg()s on a lock word and a plain read each; d written by two threads (two final writes). */
const twoLockers = `C two-lockers
{}
P0(int *l, int *d) { int r0; int r1; r0 = xchg(l, 1); r1 = READ_ONCE(*d); smp_store_release(l, 0); }
P1(int *l, int *d) { int r0; int r1; r0 = xchg(l, 1); r1 = READ_ONCE(*d); smp_store_release(l, 0); }
P2(int *d) { WRITE_ONCE(*d, 1); WRITE_ONCE(*d, 2); }
P3(int *d) { WRITE_ONCE(*d, 3); }
exists (0:r0=0 /\\ 1:r0=0 /\\ d=2)
`;

interface Visit {
  /** The candidate's rf, as sorted "w>r" pairs. */
  rf: string[];
  input: ModelInput;
}

/** Every candidate visited (rf and input), the partial choices asked about, the stats. */
function visits(
  text: string,
  rejectsAll?: (p: PartialCandidates) => boolean,
): { leaves: Visit[]; asked: PartialCandidates[]; stats: EnumerationStats } {
  const test = parseCLitmus(text, 'partial.litmus', loadSetup({}).macros);
  const memory = initialMemory(test);
  const traces = buildTraces(test, memory, 1 << 14);
  const stats: EnumerationStats = { combinations: 0, readsFromLeaves: 0 };
  const leaves: Visit[] = [];
  const asked: PartialCandidates[] = [];
  enumerateCandidates(
    test,
    traces,
    memory,
    {
      deadline: Infinity,
      ...(rejectsAll
        ? {
            rejectsAll: (p: PartialCandidates) => {
              asked.push(p);
              return rejectsAll(p);
            },
            askAlways: true,
          }
        : {}),
    },
    (cand, input) => {
      leaves.push({ rf: cand.readsFrom.map(([w, r]) => `${w}>${r}`).sort(), input });
      return true;
    },
    stats,
  );
  return { leaves, asked, stats };
}

test('a partial choice judged rejected removes exactly the candidates below it', () => {
  const all = visits(twoLockers).leaves;
  // Reject the choices where P0's xchg reads the initial write of l.
  const { events, sets } = all[0].input;
  const initL = events.find((e) => e.thread === -1 && e.loc === 'l')!.id;
  const firstRead = events.find(
    (e) => e.thread === 0 && e.loc === 'l' && sets.get('R')!.has(e.id),
  )!.id;
  const fromInit = (p: PartialCandidates) => p.lower.relations.get('rf')!.has(initL, firstRead);
  const { leaves, stats } = visits(twoLockers, fromInit);
  assert.ok((stats.partialRejected ?? 0) > 0, 'some partial choice was rejected');
  const kept = all.filter((v) => !v.input.relations.get('rf')!.has(initL, firstRead));
  assert.ok(kept.length < all.length);
  assert.deepEqual(
    leaves.map((v) => v.rf.join(' ')).sort(),
    kept.map((v) => v.rf.join(' ')).sort(),
  );
});

test('the bounds of a partial choice hold the rf and FW of every candidate below it', () => {
  const all = visits(twoLockers).leaves;
  const { asked } = visits(twoLockers, () => false);
  assert.ok(asked.length > 0);
  for (const p of asked) {
    const lower = p.lower.relations.get('rf')!;
    const below = all.filter((v) => lower.isSubsetOf(v.input.relations.get('rf')!));
    assert.ok(below.length >= 8, 'only subtrees of 8 candidates or more are asked about');
    for (const v of below) {
      assert.ok(v.input.relations.get('rf')!.isSubsetOf(p.upper.rf), 'rf within the upper bound');
      const fw = v.input.sets.get('FW')!;
      assert.ok(p.lower.sets.get('FW')!.isSubsetOf(fw) && fw.isSubsetOf(p.upper.FW), 'FW within');
    }
  }
});

test('reads alone on their location in their thread are chosen last when partial choices are judged', () => {
  const { asked } = visits(twoLockers, () => false);
  // In event order the second read is P0's read of d; chosen by coupling, the two xchg
  // reads of l (each thread also writes l) come first, so a question after two reads
  // has both of them chosen and no read of d.
  const second = asked.find((p) => p.lower.relations.get('rf')!.pairs().length === 2);
  assert.ok(second, 'a question is asked after two reads');
  const locOf = (e: number) => second.lower.events[e].loc;
  assert.deepEqual(
    second.lower.relations
      .get('rf')!
      .pairs()
      .map(([, r]) => locOf(r)),
    ['l', 'l'],
  );
});

test("Ordo's LKMM judging partial choices allows exactly the executions it allows one by one", () => {
  const setup = loadSetup({});
  const allowed = (judged: boolean) => {
    const rejects = (p: PartialCandidates) =>
      rejectsEveryCandidate(setup.model.program, p.lower, p.upper, {});
    const { leaves, stats } = visits(twoLockers, judged ? rejects : undefined);
    const out: string[] = [];
    for (const v of leaves)
      evaluateModel(setup.model, v.input, { pruneForbidden: true }).forEach((o, i) => {
        if (o.allowed) out.push(`${v.rf.join(' ')} #${i} ${o.flags.join(',')}`);
      });
    return { out: out.sort(), leaves: leaves.length, rejected: stats.partialRejected ?? 0 };
  };
  const one = allowed(false);
  const judged = allowed(true);
  assert.ok(judged.rejected > 0, 'some partial choice was rejected');
  assert.ok(judged.leaves < one.leaves);
  assert.ok(one.out.length > 0);
  assert.deepEqual(judged.out, one.out);
});

test('partial choices are asked about where their answers have paid, by the figures given', () => {
  // Ten reads of 4 writes each: 4^10 candidates, 4^(10-d) below a choice of depth d.
  const choices = Array.from({ length: 10 }, () => [0, 1, 2, 3]);
  const policy = new PartialPolicy(false);
  policy.combination(choices);
  // Nothing asked before candidates were measured.
  assert.equal(policy.worthAsking(3), false);
  policy.visited(8, 8); // 1 ms each, but fewer candidates than FIRST_CANDIDATES
  assert.equal(policy.worthAsking(3), false);
  policy.visited(8, 8); // 1 ms each: 4^10 ms expected, a large run
  assert.equal(policy.worthAsking(3), true, 'the first answers at a depth are asked for');
  assert.equal(policy.worthAsking(9), false, 'fewer than 8 candidates below');
  // Depth 3: answers cost 2 ms and reject: worth it (64 ms saved per rejection).
  policy.answered(3, true, 2);
  policy.answered(3, true, 2);
  assert.equal(policy.worthAsking(3), true);
  // Depth 5: 1024 below, 9 answers in 10 rejecting (moving average) at 300 ms each save
  // ~920 ms: less than 4 times their cost, not asked.
  policy.answered(5, true, 300);
  policy.answered(5, false, 300);
  assert.equal(policy.worthAsking(5), false);
  // Depth 8: 16 below, answers cost 10 ms and never reject: asked after 256 passed, then
  // after 512, 1024, ...: 4 answers in 256 + 512 + 1024 + 2048 = 3840 times.
  policy.answered(8, false, 10);
  policy.answered(8, false, 10);
  const askedAt = (times: number): number[] => {
    const at: number[] = [];
    for (let k = 1; k <= times; k++)
      if (policy.worthAsking(8)) {
        at.push(k);
        policy.answered(8, false, 10);
      }
    return at;
  };
  assert.deepEqual(askedAt(3840), [256, 768, 1792, 3840]);
  // An answer that rejects brings the interval back to 256 (too few to make the depth
  // worth asking at every time: 1 in 10 of 16 candidates of 1 ms do not pay 10 ms).
  policy.answered(8, true, 10);
  assert.deepEqual(askedAt(1024), [256, 768]);
  // A new combination starts its depths' records again.
  policy.combination(choices);
  assert.equal(policy.worthAsking(8), true);
  // A small combination (candidates expected to take less than 3 s) is not asked about.
  policy.combination(choices.slice(0, 5)); // 4^5 candidates of 1 ms
  assert.equal(policy.worthAsking(1), false);
  // Unless asked always.
  const always = new PartialPolicy(true);
  always.combination(choices.slice(0, 5));
  assert.equal(always.worthAsking(1), true);
});
