// Candidate executions. Combines one control path per thread, chooses for every read the
// write it reads from (rf) and for every observed location its final write (FW), fixes
// the values, and hands each consistent candidate to the model. Coherence orders are left
// to the model when it generates them itself (`withoutco`, as LKMM and the BPF model do).
// The parts: test-analysis.ts (locations, paths), candidate-space.ts (the choices of one
// path combination), path-conditions.ts (pruning while choosing), values.ts (solving a
// candidate's values); this file runs the choices and builds the model's input.

import type { LitmusTest, Value } from '../program/ir.js';
import { OrdoError } from '../diagnostics.js';
import { checkLimits, noteExecutionTried, noteWork } from '../limits.js';
import { EventSet, Relation } from '../relations/index.js';
import type { ModelEvent, ModelInput } from '../cat/input.js';
import { findArchitecture, UNIVERSAL_SETS, type Architecture } from '../arch/index.js';
import {
  evaluateSymbolic,
  isUndetermined,
  UNDETERMINED,
  type ResolvedValue,
} from '../events/symbolic.js';
import type { ThreadTrace } from '../events/traces.js';
import { CandidateSpace, type ExecEvent } from './candidate-space.js';
import { PathConditions, type RegisterCheck } from './path-conditions.js';
import { CandidateValues } from './values.js';
import { observedLocations } from './test-analysis.js';

export type { ExecEvent } from './candidate-space.js';
export type { RegisterCheck } from './path-conditions.js';
export { initialMemory, observedLocations, buildTraces } from './test-analysis.js';

/** The data of one candidate execution that the model does not decide. */
export interface Candidate {
  events: ExecEvent[];
  /** Value of each event (what it writes if it writes, else what it reads), or null. */
  values: (ResolvedValue | null)[];
  readsFrom: Array<[number, number]>;
  finalWrites: Map<string, number>;
  /** Final register values per thread. */
  registers: Map<number, Map<string, ResolvedValue>>;
}

/** Counters of the enumeration's work, for tests and the benchmark. */
export interface EnumerationStats {
  /** Path combinations (one control path per thread) explored. */
  combinations: number;
  /** Complete reads-from choices that reached value resolution. */
  readsFromLeaves: number;
}

export interface EnumerationLimits {
  /** Deadline (a limitClock() value) or Infinity; -max-executions is the run's (limits.ts). */
  deadline: number;
}

/** The limits, and what else shapes an enumeration. */
export interface EnumerationOptions extends EnumerationLimits {
  /**
   * Checks on final register values (the test's filter) applied while reads-from is
   * chosen: the candidates they reject are never visited.
   */
  registerChecks?: readonly RegisterCheck[];
}

/**
 * Enumerate candidate executions. `visit` receives each consistent candidate together with
 * the model input built for it; it returns false to stop the enumeration early.
 */
export function enumerateCandidates(
  test: LitmusTest,
  traces: ThreadTrace[][],
  memory: Map<string, Value>,
  options: EnumerationOptions,
  visit: (cand: Candidate, input: ModelInput) => boolean,
  stats?: EnumerationStats,
): void {
  const observedMemory = observedLocations(test, true)
    .filter((l) => l.kind === 'mem')
    .map((l) => (l as { name: string }).name);
  const architecture = findArchitecture(test.arch);
  if (!architecture) throw new OrdoError(`unsupported litmus architecture ${test.arch}`);

  const forCombination = (paths: ThreadTrace[]): boolean => {
    if (stats) stats.combinations++;
    const space = new CandidateSpace(paths, memory, observedMemory);
    const { events, reads, finalLocations } = space;
    const values = new CandidateValues(space);
    const readsFrom = values.readsFrom;
    const conditions = new PathConditions(space, readsFrom, options.registerChecks);
    const stat = staticRelations(architecture, space);

    const finalChoice = new Array<number>(finalLocations.length).fill(0);
    const emit = (): boolean => {
      checkLimits(options.deadline);
      const finalWrites = new Map<string, number>();
      finalLocations.forEach((loc, i) =>
        finalWrites.set(loc, space.finalWriteChoices[i][finalChoice[i]]),
      );
      const registers = new Map<number, Map<string, ResolvedValue>>();
      try {
        paths.forEach((p, t) => {
          const regs = new Map<string, ResolvedValue>();
          for (const [name, sym] of p.registers)
            regs.set(
              name,
              evaluateSymbolic(sym, (local) => values.readValue(space.globalId(t, local))),
            );
          registers.set(p.thread, regs);
        });
      } catch (err) {
        if (err === UNDETERMINED) return true; // a register computed from an undetermined value
        throw err;
      }
      const rf: Array<[number, number]> = reads.map((r, i) => [readsFrom[i], r.id]);
      const eventValues = events.map((e) => values.eventValue(e.id));
      const cand: Candidate = {
        events,
        values: eventValues,
        readsFrom: rf,
        finalWrites,
        registers,
      };
      return visit(cand, buildModelInput(cand, stat));
    };
    const chooseFinalWrites = (i: number): boolean => {
      if (i === finalLocations.length) return emit();
      for (let c = 0; c < space.finalWriteChoices[i].length; c++) {
        // Each final-write choice after the first is one more candidate tried.
        if (c > 0) noteExecutionTried();
        finalChoice[i] = c;
        if (!chooseFinalWrites(i + 1)) return false;
      }
      return true;
    };
    const chooseReadsFrom = (i: number): boolean => {
      if (i === reads.length) {
        // -max-executions bounds the work done: every reads-from choice tried counts,
        // whether its values resolve or not (counting only consistent ones ran unbounded).
        noteExecutionTried();
        checkLimits(options.deadline);
        if (stats) stats.readsFromLeaves++;
        if (!values.resolve()) return true;
        return chooseFinalWrites(0);
      }
      for (const w of space.readsFromChoices[i]) {
        readsFrom[i] = w;
        if (!conditions.holdAfter(i)) {
          // A choice the path conditions reject is a candidate tried too: else a subtree
          // rejected just above its leaves (2^100 of them) is unbounded work under the limit.
          noteExecutionTried();
          continue;
        }
        if (!chooseReadsFrom(i + 1)) return false;
      }
      readsFrom[i] = -1;
      return true;
    };
    return chooseReadsFrom(0);
  };

  const choice = new Array<number>(traces.length).fill(0);
  const combine = (t: number): boolean => {
    if (t === traces.length) return forCombination(traces.map((ts, i) => ts[choice[i]]));
    for (let i = 0; i < traces[t].length; i++) {
      choice[t] = i;
      if (!combine(t + 1)) return false;
    }
    return true;
  };
  combine(0);
}

interface StaticRelations {
  po: Relation;
  addr: Relation;
  data: Relation;
  ctrl: Relation;
  rmw: Relation;
  amo: Relation;
  loc: Relation;
  int: Relation;
  ext: Relation;
  id: Relation;
  /** herd7's `sm`/`si`: the events of one memory access; without mixed sizes, [M]. */
  sameAccess: Relation;
  sets: Map<string, EventSet>;
}

function staticRelations(arch: Architecture, space: CandidateSpace): StaticRelations {
  const { events, paths, base } = space;
  const n = events.length;
  const po = new Relation(n),
    addr = new Relation(n),
    data = new Relation(n),
    ctrl = new Relation(n);
  const rmw = new Relation(n),
    amo = new Relation(n),
    loc = new Relation(n),
    int = new Relation(n);
  for (let i = 0; i < n; i++) {
    noteWork(n); // quadratic in the events: thousands of them take long
    const a = events[i];
    for (let j = 0; j < n; j++) {
      const b = events[j];
      if (a.thread === b.thread) {
        int.add(i, j);
        if (!a.init && a.local < b.local) po.add(i, j);
      }
      if (a.loc !== null && a.loc === b.loc) loc.add(i, j);
    }
    if (a.init) continue;
    const t = space.pathIndex(a.thread);
    const ev = paths[t].events[a.local];
    for (const d of ev.addrDeps) addr.add(base[t] + d, i);
    for (const d of ev.dataDeps) data.add(base[t] + d, i);
    for (const d of ev.ctrlDeps) ctrl.add(base[t] + d, i);
    if (ev.rmwRead !== undefined) {
      for (const rel of ev.pair ?? ['rmw'])
        (rel === 'amo' ? amo : rmw).add(base[t] + ev.rmwRead, i);
    }
  }
  const ext = int.complement();
  const id = Relation.identity(n);

  const sets = new Map<string, EventSet>();
  const set = (name: string) => {
    let s = sets.get(name);
    if (!s) sets.set(name, (s = new EventSet(n)));
    return s;
  };
  // The sets herd7 defines for the test's architecture even when no event is in them.
  for (const name of UNIVERSAL_SETS) set(name);
  for (const name of arch.sets) set(name);
  for (const e of events) {
    set('_').add(e.id);
    switch (e.kind) {
      case 'R':
        set('R').add(e.id);
        set('M').add(e.id);
        break;
      case 'W':
        set('W').add(e.id);
        set('M').add(e.id);
        break;
      case 'RW':
        set('R').add(e.id);
        set('W').add(e.id);
        set('M').add(e.id);
        break;
      case 'F':
        set('F').add(e.id);
        break;
      default:
        for (const name of arch.kindSets[e.kind] ?? [e.kind]) set(name).add(e.id);
        break;
    }
    if (e.init) set('IW').add(e.id);
    if (e.atomic) set('RMW').add(e.id);
    for (const a of e.annot) set(a).add(e.id);
  }
  const sameAccess = new Relation(n);
  for (const e of set('M').toArray()) sameAccess.add(e, e);
  return { po, addr, data, ctrl, rmw, amo, loc, int, ext, id, sameAccess, sets };
}

function buildModelInput(cand: Candidate, stat: StaticRelations): ModelInput {
  const n = cand.events.length;
  const rf = new Relation(n);
  for (const [w, r] of cand.readsFrom) rf.add(w, r);
  const fw = new EventSet(n);
  for (const w of cand.finalWrites.values()) fw.add(w);
  const events: ModelEvent[] = cand.events.map((e) => {
    const v = cand.values[e.id];
    return {
      id: e.id,
      thread: e.thread,
      loc: e.loc,
      value: v === null || isUndetermined(v) ? null : v,
    };
  });
  const sets = new Map(stat.sets);
  sets.set('FW', fw);
  const relations = new Map<string, Relation>([
    ['po', stat.po],
    ['addr', stat.addr],
    ['data', stat.data],
    ['ctrl', stat.ctrl],
    ['rmw', stat.rmw],
    ['amo', stat.amo],
    ['loc', stat.loc],
    ['int', stat.int],
    ['ext', stat.ext],
    ['id', stat.id],
    ['sm', stat.sameAccess],
    ['si', stat.sameAccess],
    ['rf', rf],
  ]);
  return { events, sets, relations, fixedPart: stat };
}
