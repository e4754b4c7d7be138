// Checks decided once per path combination over upper bounds of rf and FW (monotone.ts,
// EvalOptions.decideChecks): which tests qualify, and that skipping them on candidates
// never changes an outcome.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateModel } from '../src/cat/index.js';
import { DECIDE_AT, decideStats } from '../src/cat/interp.js';
import { monotoneFacts } from '../src/cat/monotone.js';
import type { ModelInput } from '../src/cat/input.js';
import { EventSet, Relation } from '../src/relations/index.js';
import { catFolder, mkInput, type Ev } from './support/cat-models.js';

const { load: loadSource } = catFolder('monotone');

/** The names of the tests monotoneFacts lets an evaluation over bounds decide. */
function decidable(lines: string[]): string[] {
  const m = loadSource(lines);
  return [...monotoneFacts(m.program).tests].map((ins) =>
    ins.t === 'test' ? (ins.name ?? ins.text) : ins.t,
  );
}

test('tests over values that grow with rf are decidable, antitone or value-reading ones are not', () => {
  const names = decidable([
    'let f(r) = r ; po',
    'let g(r) = po \\ r',
    'let rec x = rf | (x ; po)',
    'acyclic rf ; po as grows',
    'acyclic f(rf) | domain(rf) * R as called',
    'acyclic x as recursive',
    'acyclic po \\ rf as right-of-diff',
    'empty ~rf as complement',
    'acyclic g(rf) as called-antitone',
    'empty different-values(rf) as values',
    '~acyclic rf as negated-check',
    'flag ~empty rf as silent-flag',
    'flag empty rf as positive-flag',
    'empty (W * R) \\ (po \\ rf) as twice-reversed',
  ]);
  assert.deepEqual(names.sort(), ['called', 'grows', 'recursive', 'silent-flag', 'twice-reversed']);
});

test('a fixpoint is decidable only when its own names occur positively', () => {
  const m = loadSource([
    'let rec up = rf | (up ; po)',
    'let rec down = rf \\ (down ; po)',
    'acyclic up as up',
    'acyclic down as down',
  ]);
  const facts = monotoneFacts(m.program);
  assert.equal(facts.recs.size, 1);
  assert.deepEqual(
    [...facts.tests].map((ins) => (ins.t === 'test' ? ins.name : null)),
    ['up'],
  );
});

// Events: 0 initial write of x, 1 a write of x by thread 0, 2 a read of x by thread 1,
// 3 a write of y by thread 1 after the read. Candidates read x from 0 or from 1.
const events: Ev[] = [
  { kind: 'W', thread: -1, loc: 'x', value: 0 },
  { kind: 'W', thread: 0, loc: 'x', value: 1 },
  { kind: 'R', thread: 1, loc: 'x', value: 1 },
  { kind: 'W', thread: 1, loc: 'y', value: 1 },
];
const fromInit: Array<[number, number]> = [[0, 2]];
const fromWrite: Array<[number, number]> = [[1, 2]];

/** Bounds holding both candidates' rf (unless told otherwise) and every write as FW. */
function withBounds(input: ModelInput, fixedPart: object, rf = [...fromInit, ...fromWrite]) {
  const bounds = {
    rf: Relation.fromPairs(events.length, rf),
    FW: EventSet.of(events.length, [0, 1, 3]),
  };
  return { ...input, fixedPart, upperBounds: () => bounds };
}

/** Candidates of a combination in these tests, and those evaluated with decided checks. */
const count = DECIDE_AT + 24;
const later = count - DECIDE_AT + 1;

/**
 * Outcomes of `count` candidates alternating between the two reads-from choices, all of one
 * combination, with decided checks and without.
 */
function compare(lines: string[], rf?: Array<[number, number]>) {
  const m = loadSource(lines);
  const run = (decideChecks: boolean) => {
    const fixedPart = {};
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      const input = withBounds(mkInput(events, i % 2 ? fromWrite : fromInit), fixedPart, rf);
      for (const o of evaluateModel(m, input, { decideChecks }))
        out.push(`${i}:${o.allowed}:${o.flags.join(',')}`);
    }
    return out;
  };
  const before = { ...decideStats };
  const decided = run(true);
  const skipped = decideStats.skipped - before.skipped;
  assert.deepEqual(decided, run(false));
  return skipped;
}

test('decided checks are skipped on the later candidates and outcomes stay the same', () => {
  const skipped = compare([
    'let rec reach = rf | (reach ; po)',
    'acyclic reach | po as cycle',
    'flag ~empty rf & (W * W) as never',
    'flag ~empty rf & (IW * R) as sometimes',
    // Not decided (it fires on some candidates): reads the fixpoint left for later.
    'flag ~empty reach & (IW * M) as reached-from-init',
    'empty ((W * R) \\ rf) & (IW * R) as antitone',
  ]);
  // `cycle` and `never`, from the evaluation that decides them on.
  assert.equal(skipped, 2 * later);
});

test('a check that fails on some candidates is not decided', () => {
  // Over the bounds the read reads from both writes: coherence-like cycles appear.
  const skipped = compare(['irreflexive rf^-1 ; ((W * W) \\ id) ; rf as coherence-like']);
  assert.equal(skipped, 0);
});

test('a candidate outside the bounds evaluates every check', () => {
  // The bounds hold reads from the initial write only: the other candidates are outside.
  const skipped = compare(['acyclic rf ; po as cycle'], fromInit);
  // The candidates reading from the initial write (even numbers) from DECIDE_AT on.
  assert.equal(skipped, Math.floor(later / 2));
});

test('after a fork whose set is not the one judged, every check is evaluated', () => {
  // The set holds the pairs a candidate does not read from: another set per candidate,
  // empty over the bounds. Checking `s` is monotone in s, yet depends on the candidate.
  const skipped = compare([
    'acyclic rf ; po as before',
    'with s from {((W * R) & loc) \\ rf}',
    'empty s as after',
  ]);
  // Only `before` is skipped.
  assert.equal(skipped, later);
});

test('the evaluation over bounds computes from the bounds what candidates keep as fixed', () => {
  // The candidates' FW stays {1} for a while, so they keep `FW & IW` (empty) as fixed;
  // over the bounds FW holds the initial write and the check fails there: not decided.
  const m = loadSource(['empty FW & IW as final-not-initial']);
  const run = (decideChecks: boolean) => {
    const fixedPart = {};
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      const fw = i >= count / 2 && i % 2 === 0 ? [0] : [1];
      const input = withBounds(mkInput(events, fromWrite, { sets: { FW: fw } }), fixedPart);
      for (const o of evaluateModel(m, input, { decideChecks })) out.push(`${i}:${o.allowed}`);
    }
    return out;
  };
  assert.deepEqual(run(true), run(false));
});

test('a check failing on one path of the evaluation over bounds is not decided', () => {
  // The same two paths for every candidate: the check fails on the first (s empty) and
  // holds on the second.
  const skipped = compare([
    'acyclic rf ; po as always',
    'with s from {IW * R, 0}',
    'empty (IW * R) \\ s as on-path',
  ]);
  // Only `always` is skipped.
  assert.equal(skipped, later);
});

test("a fork's set equal to the one judged is compared once, then found the same object", () => {
  // The set `{loc ; po}` is the same object for every candidate of the combination, another
  // one in the evaluation over bounds: after the first comparison, the judged set is the
  // candidates' own.
  const m = loadSource([
    'acyclic rf ; po as cycle',
    'with s from {loc ; po}',
    'acyclic s ; rf as after',
  ]);
  // Relations are told equal by equals (or ordered by compare): count both.
  const { equals, compare } = Relation.prototype;
  let comparisons = 0;
  Relation.prototype.equals = function (this: Relation, o: Relation) {
    comparisons++;
    return equals.call(this, o);
  };
  Relation.prototype.compare = function (this: Relation, o: Relation) {
    comparisons++;
    return compare.call(this, o);
  };
  const fixedPart = {};
  const perCandidate: number[] = [];
  const before = decideStats.skipped;
  try {
    for (let i = 0; i < 6; i++) {
      const input = withBounds(mkInput(events, i % 2 ? fromWrite : fromInit), fixedPart);
      comparisons = 0;
      evaluateModel(m, input, { decideChecks: 'always' });
      perCandidate.push(comparisons);
    }
  } finally {
    Object.assign(Relation.prototype, { equals, compare });
  }
  assert.deepEqual(perCandidate, [1, 0, 0, 0, 0, 0]);
  // Both checks decided on every candidate.
  assert.equal(decideStats.skipped - before, 12);
});
