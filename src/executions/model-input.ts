// The model's input for a candidate execution: the relations and event sets fixed by a
// path combination (program order, dependencies, locations, the architecture's event
// sets), computed once per combination, and per candidate the reads-from relation, the
// final writes and the values. The combination's part is handed on as
// `ModelInput.fixedPart`, which the cat evaluator uses to share what depends on it alone.

import { noteWork } from '../limits.js';
import { EventSet, Relation } from '../relations/index.js';
import type { ModelEvent, ModelInput } from '../cat/input.js';
import { UNIVERSAL_SETS, type Architecture } from '../arch/index.js';
import { isUndetermined, type ResolvedValue } from '../events/symbolic.js';
import type { CandidateSpace, ExecEvent } from './candidate-space.js';
import type { CandidateValues } from './values.js';

/** The data of one candidate execution that the model does not decide. */
export interface Candidate {
  events: ExecEvent[];
  /** Value of each event (what it writes if it writes, else what it reads), or null. */
  values: (ResolvedValue | null)[];
  readsFrom: Array<[number, number]>;
  finalWrites: Map<string, number>;
  /** Final register values per thread. */
  registers: Map<number, Map<string, ResolvedValue>>;
  /** The fault of a path of the candidate that stopped at no location (ThreadTrace.fault). */
  fault?: Error;
}

/** What a path combination fixes for the model, shared by all its candidates. */
export interface StaticRelations {
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
  /**
   * herd7's `sm`/`si`: the events of one single-copy-atomic memory access: [M], and the two
   * words of an exclusive pair (herd7 builds LDXP/STXP as one atomic access of two words).
   */
  sameAccess: Relation;
  sets: Map<string, EventSet>;
}

export function staticRelations(arch: Architecture, space: CandidateSpace): StaticRelations {
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
  const sameAccess = new Relation(n);
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
    if (ev.sameAccessAs !== undefined) {
      sameAccess.add(base[t] + ev.sameAccessAs, i);
      sameAccess.add(i, base[t] + ev.sameAccessAs);
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
  for (const e of set('M').toArray()) sameAccess.add(e, e);
  // Many of these are empty for a whole test (no dependencies, no RMW): marked so, the
  // model's operations on them skip their words.
  for (const r of [po, addr, data, ctrl, rmw, amo, loc, int, ext, sameAccess]) r.markIfEmpty();
  return { po, addr, data, ctrl, rmw, amo, loc, int, ext, id, sameAccess, sets };
}

/**
 * The model's input for one candidate of the combination `stat` was computed for, made
 * from the Candidate alone: the reference that CandidateInputs (the enumerator's way,
 * sharing what does not change from one candidate to the next) is tested against.
 */
export function buildModelInput(cand: Candidate, stat: StaticRelations): ModelInput {
  const n = cand.events.length;
  const rf = new Relation(n);
  for (const [w, r] of cand.readsFrom) rf.add(w, r);
  const fw = new EventSet(n);
  for (const w of cand.finalWrites.values()) fw.add(w);
  const events = cand.events.map((e): ModelEvent => {
    const v = cand.values[e.id];
    return {
      id: e.id,
      thread: e.thread,
      loc: e.loc,
      value: v === null || isUndetermined(v) ? null : v,
    };
  });
  const sets = new Map<string, EventSet>();
  for (const [name, set] of stat.sets) sets.set(name, set);
  sets.set('FW', fw);
  const { names, values } = staticInputRelations(stat);
  const relations = new Map<string, Relation>();
  for (let i = 0; i < names.length; i++) relations.set(names[i], values[i]);
  relations.set('rf', rf);
  return { events, sets, relations, fixedPart: stat };
}

/**
 * The model's inputs of one path combination's candidates, made from the enumerator's
 * buffers (values, reads-from, the final-write choice) with no Candidate in between. Each
 * input has an rf of its own (the model keeps the first candidate's to compare the others
 * with); what does not change from one candidate to the next is the last one's: an event
 * whose value is the same, the sets when FW is the same. Unless `retained` (the caller
 * keeps inputs past the next one: observers), the candidates share one event array and
 * one map of relations, brought up to date for each (the model keeps neither from one
 * evaluation to the next); else each has its own, the event array the last one's while
 * no value changes.
 */
export class CandidateInputs {
  private events: ModelEvent[] | null = null;
  private fw: EventSet | null = null;
  private sets: Map<string, EventSet> | null = null;
  /** The final-write choice `fw` was made for. */
  private readonly fwChoice: number[];
  private relations: Map<string, Relation> | null = null;

  constructor(
    private readonly space: CandidateSpace,
    private readonly values: CandidateValues,
    private readonly stat: StaticRelations,
    /** The enumerator's final-write choice, by position in space.finalLocations. */
    private readonly finalChoice: readonly number[],
    private readonly retained: boolean,
  ) {
    this.fwChoice = new Array<number>(finalChoice.length).fill(-1);
  }

  build(): ModelInput {
    const { space, values, stat } = this;
    const n = space.size;
    const rf = new Relation(n);
    const reads = space.reads;
    const readsFrom = values.readsFrom;
    for (let i = 0; i < reads.length; i++) rf.add(readsFrom[i], reads[i].id);
    const events = this.eventsNow();
    const sets = this.setsNow();
    let relations: Map<string, Relation>;
    if (this.retained || this.relations === null) {
      // Made by set() from the combination's entries: twice as fast as copying a map.
      const { names, values: rels } = staticInputRelations(stat);
      relations = new Map<string, Relation>();
      for (let i = 0; i < names.length; i++) relations.set(names[i], rels[i]);
      if (!this.retained) this.relations = relations;
    } else relations = this.relations;
    relations.set('rf', rf);
    // upperBounds is a field from the start: set later (api/run.ts), it would give each
    // input another shape and a store of its own for the added property.
    return { events, sets, relations, fixedPart: stat, upperBounds: undefined };
  }

  /**
   * The events with this candidate's values: the last array, changed where they differ (a
   * copy of it when inputs are retained). An event whose value changed is a new object:
   * events are never changed once made.
   */
  private eventsNow(): ModelEvent[] {
    const { space, values } = this;
    const all = space.events;
    let events = this.events;
    // Whether `events` may be changed: this candidate's, or the last one's, not retained.
    let own = events === null || !this.retained;
    // The first candidate's values are all looked at; after it, those that may change.
    let varying: readonly number[] = values.varying;
    if (events === null) {
      events = new Array<ModelEvent>(all.length);
      varying = all.map((e) => e.id);
    }
    for (let k = 0; k < varying.length; k++) {
      const i = varying[k];
      const v = values.eventValue(i);
      const value = v === null || isUndetermined(v) ? null : v;
      const before = events[i];
      if (before !== undefined && before.value === value) continue;
      if (!own) {
        events = events.slice();
        own = true;
      }
      const e = all[i];
      events[i] = { id: e.id, thread: e.thread, loc: e.loc, value };
    }
    return (this.events = events);
  }

  /** The combination's sets and FW: the last map while FW is the same. */
  private setsNow(): Map<string, EventSet> {
    const { space, finalChoice, fwChoice } = this;
    let same = this.sets !== null;
    for (let i = 0; same && i < finalChoice.length; i++) same = finalChoice[i] === fwChoice[i];
    if (same) return this.sets!;
    const fw = new EventSet(space.size);
    for (let i = 0; i < finalChoice.length; i++) {
      fw.add(space.finalWriteChoices[i][finalChoice[i]]);
      fwChoice[i] = finalChoice[i];
    }
    if (this.sets !== null && this.fw!.equals(fw)) return this.sets;
    const sets = new Map<string, EventSet>();
    for (const [name, set] of this.stat.sets) sets.set(name, set);
    sets.set('FW', fw);
    this.fw = fw;
    return (this.sets = sets);
  }
}

/** By combination: its relations of the model's input, all but rf, by name. */
const staticRelationEntries = new WeakMap<
  StaticRelations,
  { names: string[]; values: Relation[] }
>();

function staticInputRelations(stat: StaticRelations): { names: string[]; values: Relation[] } {
  let entries = staticRelationEntries.get(stat);
  if (entries === undefined) {
    const m = inputRelations(stat, null);
    entries = { names: [...m.keys()], values: [...m.values()] };
    staticRelationEntries.set(stat, entries);
  }
  return entries;
}

/**
 * What every candidate below a partial reads-from choice has in common with the others,
 * for pruning them together: the input of a candidate whose rf holds only the pairs chosen
 * so far and whose FW holds only the final writes every candidate has (event values
 * unknown), and the largest rf and FW a candidate below may have. Every candidate's rf and
 * FW lie between the two.
 */
export interface PartialCandidates {
  lower: ModelInput;
  upper: { rf: Relation; FW: EventSet };
}

/** The partial candidates of a combination once reads 0..chosen-1 have their writes. */
export function partialCandidates(
  space: CandidateSpace,
  stat: StaticRelations,
  readsFrom: Int32Array,
  chosen: number,
): PartialCandidates {
  const n = space.size;
  const rf = new Relation(n);
  const rfUpper = new Relation(n);
  space.reads.forEach((r, i) => {
    if (i < chosen) {
      rf.add(readsFrom[i], r.id);
      rfUpper.add(readsFrom[i], r.id);
    } else for (const w of space.readsFromChoices[i]) rfUpper.add(w, r.id);
  });
  const fw = new EventSet(n);
  const fwUpper = new EventSet(n);
  for (const choices of space.finalWriteChoices) {
    if (choices.length === 1) fw.add(choices[0]);
    for (const w of choices) fwUpper.add(w);
  }
  const events: ModelEvent[] = space.events.map((e) => ({
    id: e.id,
    thread: e.thread,
    loc: e.loc,
    value: null,
  }));
  const sets = new Map(stat.sets);
  sets.set('FW', fw);
  const relations = inputRelations(stat, rf);
  return {
    lower: { events, sets, relations, fixedPart: stat },
    upper: { rf: rfUpper, FW: fwUpper },
  };
}

/** The relations of a candidate's input: the combination's, and its rf (when given). */
function inputRelations(stat: StaticRelations, rf: Relation | null): Map<string, Relation> {
  const m = new Map<string, Relation>([
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
  ]);
  if (rf !== null) m.set('rf', rf);
  return m;
}
