// Candidate executions. Combines one control path per thread, chooses for every read the
// write it reads from (rf) and for every observed location its final write (FW), fixes
// the values, and hands each consistent candidate to the model. Coherence orders are left
// to the model when it generates them itself (`withoutco`, as LKMM and the BPF model do).

import type { LitmusTest, Value, StateLoc, Prop } from '../program/ir.js';
import { assertNever, OrdoError, LimitError } from '../diagnostics.js';
import { checkLimits } from '../limits.js';
import { EventSet, Relation } from '../relations/index.js';
import type { ModelEvent, ModelInput } from '../cat/input.js';
import { findArchitecture, UNIVERSAL_SETS, type Architecture } from '../arch/index.js';
import {
  evaluateSymbolic,
  sameValue,
  valueKey,
  isTrue,
  isUndetermined,
  UNDETERMINED,
  readsOf,
  type ResolvedValue,
} from '../events/symbolic.js';
import {
  exploreThread,
  numberHerdVariables,
  possibleWrites,
  type Assumption,
  type ThreadTrace,
  type EventKind,
} from '../events/traces.js';

/** One event of a candidate execution, with its global index. */
export interface ExecEvent {
  id: number;
  /** -1 for an initial write. */
  thread: number;
  /** Index in its thread's trace (-1 for initial writes). */
  local: number;
  kind: EventKind;
  loc: string | null;
  annot: string[];
  atomic: boolean;
  init: boolean;
}

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
  /** Maximum number of candidate executions handed to the model. */
  maxCandidates: number;
  /** Deadline (a limitClock() value) or Infinity. */
  deadline: number;
}

/** Every shared location a test names, with its initial value. */
export function initialMemory(test: LitmusTest): Map<string, Value> {
  const mem = new Map<string, Value>();
  const note = (name: string) => {
    if (!mem.has(name)) mem.set(name, 0);
  };
  for (const t of test.threads) for (const p of t.params) note(p.name);
  for (const e of test.init) {
    if (e.thread === null) mem.set(e.name, e.value);
    if (typeof e.value === 'object') note(e.value.addr);
  }
  const visitLoc = (l: StateLoc) => {
    if (l.kind === 'mem') note(l.name);
  };
  const visitProp = (p: Prop): void => {
    switch (p.kind) {
      case 'eq':
        visitLoc(p.loc);
        if (typeof p.value === 'object') note(p.value.addr);
        break;
      case 'eqLoc':
        visitLoc(p.loc);
        visitLoc(p.other);
        break;
      case 'not':
        visitProp(p.arg);
        break;
      case 'and':
      case 'or':
        p.args.forEach(visitProp);
        break;
      case 'implies':
        visitProp(p.left);
        visitProp(p.right);
        break;
      case 'true':
      case 'false':
        break;
      default:
        assertNever(p);
    }
  };
  test.locations.forEach(visitLoc);
  if (test.filter) visitProp(test.filter);
  visitProp(test.condition.prop);
  return mem;
}

/**
 * The locations whose final values the report shows: the `locations` clause and the
 * condition (the filter is evaluated but not shown). With `withFilter`, also the
 * filter's, which need final values too.
 */
export function observedLocations(test: LitmusTest, withFilter = false): StateLoc[] {
  const seen = new Map<string, StateLoc>();
  const add = (l: StateLoc) => {
    const key = l.kind === 'reg' ? `${l.thread}:${l.name}` : l.name;
    if (!seen.has(key)) seen.set(key, l);
  };
  const visitProp = (p: Prop): void => {
    switch (p.kind) {
      case 'eq':
        add(p.loc);
        break;
      case 'eqLoc':
        add(p.loc);
        add(p.other);
        break;
      case 'not':
        visitProp(p.arg);
        break;
      case 'and':
      case 'or':
        p.args.forEach(visitProp);
        break;
      case 'implies':
        visitProp(p.left);
        visitProp(p.right);
        break;
      case 'true':
      case 'false':
        break;
      default:
        assertNever(p);
    }
  };
  test.locations.forEach(add);
  visitProp(test.condition.prop);
  if (withFilter && test.filter) visitProp(test.filter);
  return [...seen.values()];
}

/** Explore all threads, growing the value domains until every readable value is known. */
export function buildTraces(
  test: LitmusTest,
  memory: Map<string, Value>,
  maxPaths: number,
): ThreadTrace[][] {
  const domains = new Map<string, Value[]>();
  for (const [loc, v] of memory) domains.set(loc, [v]);
  const initRegs = new Map<number, Map<string, Value>>();
  for (const e of test.init) {
    if (e.thread === null) continue;
    if (!initRegs.has(e.thread)) initRegs.set(e.thread, new Map());
    initRegs.get(e.thread)!.set(e.name, e.value);
  }
  let traces: ThreadTrace[][] = [];
  const herdVars = numberHerdVariables(test.threads);
  for (let round = 0; round < 16; round++) {
    const partial: ThreadTrace[] = [];
    traces = test.threads.map((t) =>
      exploreThread(t, {
        domains,
        initRegs: initRegs.get(t.id) ?? new Map(),
        maxPaths,
        partial,
        herdVars,
      }),
    );
    const written = possibleWrites([...traces.flat(), ...partial], domains, 1 << 16);
    let grew = false;
    for (const [loc, vals] of written) {
      const cur = domains.get(loc) ?? [];
      const keys = new Set(cur.map(valueKey));
      for (const v of vals) {
        if (!keys.has(valueKey(v))) {
          cur.push(v);
          keys.add(valueKey(v));
          grew = true;
        }
      }
      domains.set(loc, cur);
    }
    if (!grew) return traces;
  }
  return traces;
}

/**
 * Enumerate candidate executions. `visit` receives each consistent candidate together with
 * the model input built for it; it returns false to stop the enumeration early.
 */
export function enumerateCandidates(
  test: LitmusTest,
  traces: ThreadTrace[][],
  memory: Map<string, Value>,
  limits: EnumerationLimits,
  visit: (cand: Candidate, input: ModelInput) => boolean,
  stats?: EnumerationStats,
): void {
  const observedMem = observedLocations(test, true)
    .filter((l) => l.kind === 'mem')
    .map((l) => (l as { name: string }).name);
  const locNames = [...memory.keys()].sort();
  const architecture = findArchitecture(test.arch);
  if (!architecture) throw new OrdoError(`unsupported litmus architecture ${test.arch}`);
  let candidates = 0;

  const choice = new Array<number>(traces.length).fill(0);
  const combine = (t: number): boolean => {
    if (t === traces.length) return forCombination(traces.map((ts, i) => ts[choice[i]]));
    for (let i = 0; i < traces[t].length; i++) {
      choice[t] = i;
      if (!combine(t + 1)) return false;
    }
    return true;
  };

  const forCombination = (paths: ThreadTrace[]): boolean => {
    if (stats) stats.combinations++;
    // Global events: initial writes first, then each thread's events in program order.
    const events: ExecEvent[] = [];
    const initOf = new Map<string, number>();
    for (const loc of locNames) {
      initOf.set(loc, events.length);
      events.push({
        id: events.length,
        thread: -1,
        local: -1,
        kind: 'W',
        loc,
        annot: [],
        atomic: false,
        init: true,
      });
    }
    const base: number[] = [];
    for (const p of paths) {
      base.push(events.length);
      p.events.forEach((ev, i) => {
        events.push({
          id: events.length,
          thread: p.thread,
          local: i,
          kind: ev.kind,
          loc: ev.loc,
          annot: ev.annot,
          atomic: ev.atomic,
          init: false,
        });
      });
    }
    const n = events.length;
    const threadIndexMap = new Map<number, number>();
    paths.forEach((p, i) => threadIndexMap.set(p.thread, i));
    function threadIndex(th: number): number {
      return threadIndexMap.get(th)!;
    }
    /** The trace event behind a (non-initial) global event id. */
    const traceEvent = (id: number) =>
      paths[threadIndex(events[id].thread)].events[events[id].local];

    // Writes per location, for rf and final-write candidates.
    const writesAt = new Map<string, number[]>();
    for (const e of events) {
      if (e.kind !== 'W' && e.kind !== 'RW') continue;
      if (!writesAt.has(e.loc!)) writesAt.set(e.loc!, []);
      writesAt.get(e.loc!)!.push(e.id);
    }
    for (const e of events) {
      if (e.loc !== null && !initOf.has(e.loc)) {
        throw new OrdoError(`location ${e.loc} is not declared in the test`);
      }
    }

    // rf candidates, pruned by per-thread coherence (a read never sees a write that is
    // po-after it, nor one overwritten po-before it by its own thread).
    const reads = events.filter((e) => e.kind === 'R' || e.kind === 'RW');
    const rfCands: number[][] = reads.map((r) => {
      const all = writesAt.get(r.loc!) ?? [];
      let lastOwn = -1;
      for (const w of all) {
        const we = events[w];
        if (
          we.thread === r.thread &&
          we.local < r.local &&
          (lastOwn < 0 || events[lastOwn].local < we.local)
        )
          lastOwn = w;
      }
      return all.filter((w) => {
        const we = events[w];
        if (we.thread === r.thread) return we.local < r.local && w === lastOwn;
        if (we.init) return lastOwn < 0;
        return true;
      });
    });
    // Final-write candidates: the last write of its thread to that location; the initial
    // write only when nobody else writes there.
    const fwLocs = observedMem.filter((l) => initOf.has(l));
    const fwCands: number[][] = fwLocs.map((loc) => {
      const all = writesAt.get(loc)!;
      if (all.length === 1) return all;
      return all.filter((w) => {
        const we = events[w];
        if (we.init) return false;
        return !all.some(
          (o) => o !== w && events[o].thread === we.thread && events[o].local > we.local,
        );
      });
    });

    const rfSource = new Array<number>(reads.length).fill(-1);
    const readIndex = new Map<number, number>();
    reads.forEach((r, i) => readIndex.set(r.id, i));

    // Values: what each read returns and what each write stores; an atomic RW event has
    // both. A dependency cycle through values (out of thin air) has no solution here.
    const readValues: (ResolvedValue | null)[] = new Array(n).fill(null);
    const writtenValues: (ResolvedValue | null)[] = new Array(n).fill(null);
    const readState = new Uint8Array(n); // 0 = unknown, 1 = computing, 2 = known
    const writeState = new Uint8Array(n);

    const readOf = (id: number): ResolvedValue => {
      if (readState[id] === 2) return readValues[id]!;
      if (readState[id] === 1) throw CYCLE;
      readState[id] = 1;
      const v = writtenOf(rfSource[readIndex.get(id)!]);
      readValues[id] = v;
      readState[id] = 2;
      return v;
    };
    const writtenOf = (id: number): ResolvedValue => {
      if (writeState[id] === 2) return writtenValues[id]!;
      if (writeState[id] === 1) throw CYCLE;
      writeState[id] = 1;
      const e = events[id];
      let v: ResolvedValue;
      if (e.init) v = memory.get(e.loc!)!;
      else {
        const t = threadIndex(e.thread);
        v = evaluateSymbolic(paths[t].events[e.local].value!, (local) => readOf(base[t] + local));
      }
      writtenValues[id] = v;
      writeState[id] = 2;
      return v;
    };

    // The write a read copies its value from, when that write stores a plain copy of
    // another read of its thread: following these links can close a cycle, whose value
    // herd7 leaves undetermined (named after its highest-numbered symbolic variable).
    const copiedRead = (w: number): number => {
      const e = events[w];
      if (e.init || e.kind !== 'W') return -1;
      const sym = traceEvent(w).value!;
      return sym.k === 'r' ? base[threadIndex(e.thread)] + sym.ev : -1;
    };
    const markUndeterminedCycles = (): void => {
      for (const r of reads) {
        if (readState[r.id] === 2) continue;
        if (copiedRead(rfSource[readIndex.get(r.id)!]) < 0) continue; // the common case: no copy chain
        const chain: number[] = [];
        const onChain = new Map<number, number>();
        let cur = r.id;
        while (cur >= 0 && readState[cur] !== 2 && !onChain.has(cur)) {
          onChain.set(cur, chain.length);
          chain.push(cur);
          cur = copiedRead(rfSource[readIndex.get(cur)!]);
        }
        let value: ResolvedValue | null = null;
        if (cur >= 0 && onChain.has(cur)) {
          let name = 0;
          for (const m of chain.slice(onChain.get(cur)!)) {
            const src = rfSource[readIndex.get(m)!];
            name = Math.max(name, traceEvent(m).herdVar ?? 0, traceEvent(src).herdVar ?? 0);
          }
          value = { undetermined: name };
        } else if (cur >= 0 && readState[cur] === 2 && isUndetermined(readValues[cur]!)) {
          value = readValues[cur];
        }
        if (value === null) continue;
        for (const m of chain) {
          readValues[m] = value;
          readState[m] = 2;
        }
      }
    };

    const resolve = (): boolean => {
      readState.fill(0);
      writeState.fill(0);
      try {
        markUndeterminedCycles();
        for (let i = 0; i < n; i++) {
          const k = events[i].kind;
          if (k === 'R' || k === 'RW') readOf(i);
          if (k === 'W' || k === 'RW') writtenOf(i);
        }
        for (let t = 0; t < paths.length; t++) {
          const p = paths[t];
          const rd = (local: number) => readOf(base[t] + local);
          for (const a of p.assumptions) {
            const v = evaluateSymbolic(a.sym, rd);
            if (a.kind === 'truth' ? isTrue(v) !== a.expect : !sameValue(v, a.value)) return false;
          }
        }
      } catch (err) {
        if (err === CYCLE || err === UNDETERMINED) return false;
        if (err instanceof OrdoError) return false;
        throw err;
      }
      return true;
    };

    // Static relations of this combination.
    const stat = staticRelations(architecture, events, paths, base, threadIndex);

    const fwChoice = new Array<number>(fwLocs.length).fill(0);
    const emit = (): boolean => {
      if (++candidates > limits.maxCandidates) {
        throw new LimitError(
          'executions',
          `more than ${limits.maxCandidates} candidate executions`,
        );
      }
      checkLimits(limits.deadline);
      const finalWrites = new Map<string, number>();
      fwLocs.forEach((loc, i) => finalWrites.set(loc, fwCands[i][fwChoice[i]]));
      const registers = new Map<number, Map<string, ResolvedValue>>();
      try {
        paths.forEach((p, t) => {
          const regs = new Map<string, ResolvedValue>();
          for (const [name, sym] of p.registers)
            regs.set(
              name,
              evaluateSymbolic(sym, (local) => readValues[base[t] + local]!),
            );
          registers.set(p.thread, regs);
        });
      } catch (err) {
        if (err === UNDETERMINED) return true; // a register computed from an undetermined value
        throw err;
      }
      const readsFrom: Array<[number, number]> = reads.map((r, i) => [rfSource[i], r.id]);
      // An event's value for the model: what it stores if it writes, else what it reads.
      const values = events.map((e) => writtenValues[e.id] ?? readValues[e.id]);
      const cand: Candidate = { events, values, readsFrom, finalWrites, registers };
      return visit(cand, buildModelInput(cand, stat));
    };
    const chooseFw = (i: number): boolean => {
      if (i === fwLocs.length) return emit();
      for (let c = 0; c < fwCands[i].length; c++) {
        fwChoice[i] = c;
        if (!chooseFw(i + 1)) return false;
      }
      return true;
    };
    // Path conditions checked as soon as their inputs are known: reads-from is chosen read
    // by read, and a condition whose reads all have their writes (and those writes' values
    // their reads, and so on) is evaluated right away, cutting the whole subtree of choices
    // below a contradiction. This only ever rejects: a condition that cannot be evaluated
    // yet (an unchosen read, a value cycle, an undetermined value) waits, and the leaf's
    // full resolution below remains the judge of every candidate that gets there.
    const conditions: Array<{ thread: number; assumption: Assumption }> = [];
    const conditionsAt: number[][] = reads.map(() => []);
    paths.forEach((p, t) => {
      for (const assumption of p.assumptions) {
        let level = -1;
        for (const local of readsOf(assumption.sym))
          level = Math.max(level, readIndex.get(base[t] + local)!);
        if (level < 0) continue; // constant: the trace builder has already decided it
        conditionsAt[level].push(conditions.length);
        conditions.push({ thread: t, assumption });
      }
    });
    // The conditions still waiting after each level (reused arrays: no allocation per choice).
    const waitingAfter: number[][] = reads.map(() => []);
    const visiting = new Uint32Array(n);
    let checkGeneration = 0;
    const partialRead = (id: number): ResolvedValue => {
      const w = rfSource[readIndex.get(id)!];
      if (w < 0) throw NOT_YET;
      return partialWritten(w);
    };
    const partialWritten = (id: number): ResolvedValue => {
      const e = events[id];
      if (e.init) return memory.get(e.loc!)!;
      if (visiting[id] === checkGeneration) throw NOT_YET; // a value cycle: the leaf decides
      visiting[id] = checkGeneration;
      const t = threadIndex(e.thread);
      const v = evaluateSymbolic(paths[t].events[e.local].value!, (local) =>
        partialRead(base[t] + local),
      );
      visiting[id] = 0;
      return v;
    };
    /** 1: holds, 0: contradicted, -1: not decidable yet. */
    const checkCondition = (c: number): number => {
      const { thread: t, assumption: a } = conditions[c];
      checkGeneration++;
      try {
        const v = evaluateSymbolic(a.sym, (local) => partialRead(base[t] + local));
        if (isUndetermined(v)) return -1;
        const holds = a.kind === 'truth' ? isTrue(v) === a.expect : sameValue(v, a.value);
        return holds ? 1 : 0;
      } catch (err) {
        if (err === NOT_YET || err === UNDETERMINED || err instanceof OrdoError) return -1;
        throw err;
      }
    };
    /** Checks the conditions decidable once read i has its write; false on a contradiction. */
    const conditionsHold = (i: number): boolean => {
      const waiting = waitingAfter[i];
      waiting.length = 0;
      const check = (c: number): boolean => {
        const r = checkCondition(c);
        if (r === 0) return false;
        if (r < 0) waiting.push(c);
        return true;
      };
      if (i > 0) for (const c of waitingAfter[i - 1]) if (!check(c)) return false;
      for (const c of conditionsAt[i]) if (!check(c)) return false;
      return true;
    };
    rfSource.fill(-1);

    const chooseRf = (i: number): boolean => {
      if (i === reads.length) {
        checkLimits(limits.deadline);
        if (stats) stats.readsFromLeaves++;
        if (!resolve()) return true;
        return chooseFw(0);
      }
      for (const w of rfCands[i]) {
        rfSource[i] = w;
        if (!conditionsHold(i)) continue;
        if (!chooseRf(i + 1)) return false;
      }
      rfSource[i] = -1;
      return true;
    };
    return chooseRf(0);
  };

  combine(0);
}

const CYCLE = new Error('value cycle');
/** A value that needs a read whose write is not chosen yet. */
const NOT_YET = new Error('value not known yet');

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

function staticRelations(
  arch: Architecture,
  events: ExecEvent[],
  paths: ThreadTrace[],
  base: number[],
  threadIndex: (t: number) => number,
): StaticRelations {
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
    const t = threadIndex(a.thread);
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
