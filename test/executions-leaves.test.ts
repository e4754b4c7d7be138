// The enumeration's leaves (enumerate.ts, CandidateLeaf): a candidate's model input and
// final values read from the enumerator's buffers, reused from one candidate to the next,
// are what a Candidate made afresh for each gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCLitmus } from '../src/frontend/c/index.js';
import { loadSetup } from '../src/api/run.js';
import { findArchitecture } from '../src/arch/index.js';
import {
  buildTraces,
  enumerateLeaves,
  initialMemory,
  observedLocations,
  type CandidateLeaf,
} from '../src/executions/enumerate.js';
import { CandidateSpace } from '../src/executions/candidate-space.js';
import { buildModelInput, staticRelations } from '../src/executions/model-input.js';
import { finalRow, rowReader, type StateValue } from '../src/outcomes/final-state.js';
import { isUndetermined, valueKey } from '../src/events/symbolic.js';
import type { ModelInput } from '../src/cat/input.js';
import type { LitmusTest } from '../src/program/ir.js';

/** Final memory chosen among writers, a computed and a copied value, a copy cycle (undetermined values), an xchg. */
const TESTS = [
  `C writers
{}
P0(int *x, int *y) { WRITE_ONCE(*x, 1); WRITE_ONCE(*y, 2); }
P1(int *x, int *y) { int r0; r0 = xchg(x, 2); WRITE_ONCE(*y, r0 + 1); }
P2(int *x, int *y) { int r1; int r2; r1 = READ_ONCE(*x); r2 = READ_ONCE(*y); }
exists (x=1 /\\ y=2 /\\ 2:r1=2)
`,
  `C copies
{}
P0(int *x, int *y) { int r1; r1 = *x; *y = r1; }
P1(int *x, int *y) { int r1; int r3; r1 = *y; *x = r1; r3 = r1; }
exists (~0:r1=0 \\/ ~1:r1=0 \\/ x=0)
`,
];

function parse(text: string): LitmusTest {
  return parseCLitmus(text, 'leaves.litmus', loadSetup({}).macros);
}

/** An input as plain data: every event's value, set and relation by name. */
function snapshot(input: ModelInput): string {
  const events = input.events.map((e) => (e.value === null ? 'null' : valueKey(e.value)));
  const sets = [...input.sets].map(([k, s]) => `${k}:${s.toArray().join(',')}`).sort();
  const relations = [...input.relations].map(([k, r]) => `${k}:${r.pairs().join(' ')}`).sort();
  return JSON.stringify({ events, sets, relations, n: input.events.length });
}

/** The snapshots of every candidate's input, taken during its visit, and the inputs. */
function inputsOf(lt: LitmusTest, retained: boolean): { seen: string[]; kept: ModelInput[] } {
  const memory = initialMemory(lt);
  const seen: string[] = [];
  const kept: ModelInput[] = [];
  enumerateLeaves(
    lt,
    buildTraces(lt, memory, 1 << 10),
    memory,
    { deadline: Infinity, retained },
    (leaf) => {
      const input = leaf.input();
      seen.push(snapshot(input));
      kept.push(input);
      return true;
    },
  );
  return { seen, kept };
}

test("a leaf's input is the one buildModelInput makes of its candidate, candidate by candidate", () => {
  for (const text of TESTS) {
    const lt = parse(text);
    const memory = initialMemory(lt);
    const traces = buildTraces(lt, memory, 1 << 10);
    // One path per thread: the combination's fixed part can be made again for buildModelInput.
    assert.ok(traces.every((paths) => paths.length === 1));
    const observed = [...new Set(observedLocations(lt, true))].flatMap((l) =>
      l.kind === 'reg' ? [] : [l.name],
    );
    const sp = new CandidateSpace(
      traces.map((paths) => paths[0]),
      memory,
      observed,
    );
    const stat = staticRelations(findArchitecture('C')!, sp);
    let count = 0;
    let undetermined = 0;
    enumerateLeaves(lt, traces, memory, { deadline: Infinity }, (leaf) => {
      const cand = leaf.candidate();
      assert.equal(snapshot(leaf.input()), snapshot(buildModelInput(cand, stat)));
      if (cand.values.some((v) => v !== null && isUndetermined(v))) undetermined++;
      count++;
      return true;
    });
    assert.ok(count >= 4, `${lt.name}: candidates enumerated`);
    if (lt.name === 'copies') assert.ok(undetermined > 0, 'a candidate with undetermined values');
  }
});

test('inputs sharing maps across candidates equal inputs with maps of their own; those stay as made', () => {
  for (const text of TESTS) {
    const lt = parse(text);
    const shared = inputsOf(lt, false);
    const own = inputsOf(lt, true);
    assert.deepEqual(shared.seen, own.seen);
    // Inputs with maps of their own (an observer's) still hold their candidate's rf later.
    assert.deepEqual(own.kept.map(snapshot), own.seen);
    // Consecutive candidates share what is the same: the event array when no value changed.
    const events = new Set(shared.kept.map((i) => i.events));
    assert.ok(events.size < shared.kept.length, `${lt.name}: event arrays reused`);
  }
});

test("a leaf's final row, read by slot into a reused row, is its candidate's finalRow", () => {
  for (const text of TESTS) {
    const lt = parse(text);
    const memory = initialMemory(lt);
    const columns = observedLocations(lt);
    const read = rowReader(columns, memory);
    const scratch: StateValue[] = [];
    const rows = new Set<string>();
    enumerateLeaves(
      lt,
      buildTraces(lt, memory, 1 << 10),
      memory,
      { deadline: Infinity },
      (leaf: CandidateLeaf) => {
        const row = read(leaf, scratch);
        assert.equal(row, scratch);
        assert.deepEqual(row, finalRow(leaf.candidate(), columns, memory));
        rows.add(JSON.stringify(row, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)));
        return true;
      },
    );
    assert.ok(rows.size >= 2, `${lt.name}: distinct rows`);
  }
});
