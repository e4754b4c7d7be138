// Register events for models that compute dependencies themselves (herd's `catdep`
// models, e.g. aarch64.cat). herd7 gives such a model the register accesses of every
// instruction as events (Rreg, Wreg, related by `loc` when they access the same
// register), the causality inside each instruction (iico_data from the events an
// instruction reads to the events that use the values), which register reads feed an
// address or a stored value (ADDR, DATA), conditional branches (BCC), and which events
// come from one instruction (same-instance). The model then derives addr, data and ctrl
// from them, including dependencies carried through memory (a store read back by a later
// load of the same thread), which a register-only analysis cannot see.
//
// The trace stage already follows register data flow: every event records the reads its
// address, its value and its control depend on. This module turns that into the
// register-event form, per dependency: the read's register write (Wreg, just after the
// read), the consumer's register read (Rreg, just before the consumer, tagged ADDR or
// DATA, iico_data into the consumer), and for control a BCC event before the first
// dependent event. Each dependency gets its own register, so no other write intervenes
// between them, as no other write intervenes between the read and its use in the program.
// A CAS compares inside the instruction: its compared register and its read feed a branch
// event (B), which controls its write, as in herd7's event structure for CAS.
// Intermediate register-to-register instructions are folded into the one edge: the
// model only ever closes these edges transitively. A dependency between two accesses of
// one instruction (an atomic's read feeding its write) is intra-instruction causality
// in herd7, iico_data without a register, and carries no addr/data edge.
//
// The register events are appended after the candidate's own events (ids n..N-1) and
// exist only in the model's input; candidate executions, their counts and the reports
// are those of the memory events alone.

import { EventSet, Relation } from '../relations/index.js';
import { PER_CANDIDATE_INPUTS, type ModelEvent, type ModelInput } from '../cat/input.js';
import type { ExecEvent } from './candidate-space.js';
import type { CatOutcome, FailedCheck } from '../cat/index.js';

/** Names by which a model shows it computes dependencies from register events. */
const REGISTER_EVENT_NAMES = [
  'Rreg',
  'Wreg',
  'iico_data',
  'iico_ctrl',
  'iico_order',
  'same-instance',
  'ADDR',
  'DATA',
  'BCC',
];

/** True when a model (by the names it reads from its input) needs register events. */
export function needsRegisterEvents(inputNames: readonly string[]): boolean {
  return inputNames.some((name) => REGISTER_EVENT_NAMES.includes(name));
}

type AuxKind = 'Wreg' | 'Rreg' | 'BCC' | 'B';

interface AuxEvent {
  kind: AuxKind;
  thread: number;
  /** Program-order key: real event `local` l has key 4l+2; aux events sit around it. */
  key: number;
  /** Register (a number unique to the dependency edge) for Wreg/Rreg, else -1. */
  reg: number;
  /** ADDR or DATA for a register read feeding an address or a stored value. */
  role: 'ADDR' | 'DATA' | null;
  /** The real event this one belongs to (same instruction instance). */
  owner: number;
}

/** The candidate-independent part of the extended input, shared by a path combination. */
interface ExtendedStatic {
  n: number;
  size: number;
  aux: AuxEvent[];
  relations: Map<string, Relation>;
  sets: Map<string, EventSet>;
  events: ModelEvent[];
  fixedPart: object;
}

const cache = new WeakMap<object, ExtendedStatic>();

/**
 * The model's input with register events added (see the file comment). `events` are the
 * candidate's events (ids equal to positions in input.events).
 */
export function withRegisterEvents(events: readonly ExecEvent[], input: ModelInput): ModelInput {
  const key = input.fixedPart;
  let ext = key ? cache.get(key) : undefined;
  if (!ext) {
    ext = extendStatic(events, input);
    if (key) cache.set(key, ext);
  }
  const { n, size } = ext;
  const sets = new Map(ext.sets);
  const relations = new Map(ext.relations);
  for (const [name, s] of input.sets) {
    if (PER_CANDIDATE_INPUTS.has(name)) sets.set(name, widenSet(s, size));
  }
  for (const [name, r] of input.relations) {
    if (PER_CANDIDATE_INPUTS.has(name)) relations.set(name, widenRelation(r, size));
  }
  const modelEvents = input.events.concat(ext.events.slice(n));
  return { events: modelEvents, sets, relations, fixedPart: ext.fixedPart };
}

/**
 * The outcomes of a model run over an input with register events, as seen over the
 * candidate's own n events: captured values and checked relations restricted to them,
 * for the consumers that draw or explain an execution (graphs, `ordo explain`).
 */
export function withoutRegisterEvents(outcomes: CatOutcome[], n: number): CatOutcome[] {
  const narrow = <T extends Relation | EventSet | null>(v: T): T => {
    if (v === null || v.n === n) return v;
    if (v instanceof EventSet)
      return EventSet.of(
        n,
        v.toArray().filter((i) => i < n),
      ) as T;
    const out = new Relation(n);
    for (const [i, j] of (v as Relation).pairs()) if (i < n && j < n) out.add(i, j);
    return out as T;
  };
  const checks = (fs: FailedCheck[] | undefined) =>
    fs?.map((f) => ({ ...f, value: narrow(f.value) }));
  return outcomes.map((o) => {
    const out: CatOutcome = { ...o };
    if (o.values) out.values = new Map([...o.values].map(([k, v]) => [k, narrow(v)]));
    if (o.failures) out.failures = checks(o.failures);
    if (o.raisedFlags) out.raisedFlags = checks(o.raisedFlags);
    return out;
  });
}

function widenSet(s: EventSet, size: number): EventSet {
  if (s.n === size) return s;
  return EventSet.of(size, s.toArray());
}

function widenRelation(r: Relation, size: number): Relation {
  if (r.n === size) return r;
  // A relation known to be empty stays marked (see Relation.knownEmpty).
  if (r.knownEmpty) return Relation.knownEmptyOf(size);
  const out = new Relation(size);
  const from = r.stride,
    to = out.stride;
  for (let i = 0; i < r.n; i++) {
    for (let w = 0; w < from; w++) out.words[i * to + w] = r.words[i * from + w];
  }
  return out;
}

function extendStatic(events: readonly ExecEvent[], input: ModelInput): ExtendedStatic {
  const n = input.events.length;
  const instance = instances(events);
  const aux: AuxEvent[] = [];
  const iicoData: Array<[number, number]> = [];
  const iicoCtrl: Array<[number, number]> = [];
  // The read of a one-instruction read-modify-write (an atomic, CAS), by its write.
  const pairedRead = new Map<number, number>();
  for (const name of ['rmw', 'amo']) {
    for (const [r, w] of input.relations.get(name)?.pairs() ?? [])
      if (instance[r] === instance[w]) pairedRead.set(w, r);
  }
  // Program order: a read's register write just after it; before each event, the reads
  // of the registers its control depends on, the branch, then its address and data reads.
  const keyOf = (e: ExecEvent) => 4 * e.local + 2;
  const wregOf = new Map<number, number>();
  let nextReg = 0;
  // A CAS writes only if its comparison succeeds: in herd7 the compared register (a
  // data read) and the value read feed a branch event inside the instruction, which
  // controls the write (and the register write of a CAS that keeps the compared value).
  const comparisonOf = new Map<number, number>();
  const comparison = (e: number): number => {
    let b = comparisonOf.get(e);
    if (b === undefined) {
      b = n + aux.length;
      const ev = events[e]!;
      aux.push({
        kind: 'B',
        thread: ev.thread,
        key: keyOf(ev) - 0.25,
        reg: -1,
        role: null,
        owner: e,
      });
      iicoCtrl.push([b, e]);
      comparisonOf.set(e, b);
    }
    return b;
  };
  // The register write of read `d`, created once however many uses it has. A source
  // that is the write of a CAS stands for the CAS's compared register, which keeps the
  // compared value (the trace stage records it so): herd7 writes that register under
  // the control of the comparison, i.e. of the CAS's read.
  const wreg = (d: number): number => {
    let w = wregOf.get(d);
    if (w === undefined) {
      const ev = events[d]!;
      w = n + aux.length;
      aux.push({
        kind: 'Wreg',
        thread: ev.thread,
        key: keyOf(ev) + 1,
        reg: nextReg++,
        role: null,
        owner: d,
      });
      if (ev.kind === 'W' && pairedRead.has(d)) iicoCtrl.push([comparison(d), w]);
      else iicoData.push([d, w]);
      wregOf.set(d, w);
    }
    return w;
  };
  const rreg = (d: number, e: number, role: 'ADDR' | 'DATA' | null, key: number): number => {
    const w = wreg(d);
    const r = n + aux.length;
    const ev = events[e]!;
    aux.push({ kind: 'Rreg', thread: ev.thread, key, reg: aux[w - n]!.reg, role, owner: e });
    return r;
  };

  const addr = input.relations.get('addr');
  const data = input.relations.get('data');
  const ctrl = input.relations.get('ctrl');
  for (const [rel, role] of [
    [addr, 'ADDR'],
    [data, 'DATA'],
  ] as const) {
    for (const [d, e] of rel?.pairs() ?? []) {
      if (instance[d] === instance[e]) {
        iicoData.push([d, e]);
        continue;
      }
      iicoData.push([rreg(d, e, role, keyOf(events[e]!) - 0.5), e]);
    }
  }
  // Control: one conditional branch per read, before the first event depending on it;
  // every later event of the thread is after the branch in program order.
  const firstDependent = new Map<number, number>();
  for (const [d, e] of ctrl?.pairs() ?? []) {
    const r = pairedRead.get(e);
    if (r !== undefined && !ctrl!.has(d, r)) {
      const b = comparison(e);
      if (instance[d] === instance[e]) iicoData.push([d, b]);
      else iicoData.push([rreg(d, e, 'DATA', keyOf(events[e]!) - 0.5), b]);
      continue;
    }
    if (instance[d] === instance[e]) continue;
    const f = firstDependent.get(d);
    if (f === undefined || events[e]!.local < events[f]!.local) firstDependent.set(d, e);
  }
  for (const [d, e] of firstDependent) {
    const key = keyOf(events[e]!) - 1.5;
    const r = rreg(d, e, null, key);
    const b = n + aux.length;
    aux.push({
      kind: 'BCC',
      thread: events[e]!.thread,
      key: key + 0.5,
      reg: -1,
      role: null,
      owner: e,
    });
    iicoData.push([r, b]);
  }

  const size = n + aux.length;
  const threadOf = (i: number) => (i < n ? events[i]!.thread : aux[i - n]!.thread);
  const initial = (i: number) => i < n && events[i]!.init;
  const keyAt = (i: number) => (i < n ? keyOf(events[i]!) : aux[i - n]!.key);
  const po = new Relation(size);
  const int = new Relation(size);
  const sameInstance = new Relation(size);
  const loc = widenRelation(input.relations.get('loc') ?? new Relation(n), size);
  const ownerOf = (i: number) => (i < n ? instance[i]! : instance[aux[i - n]!.owner]!);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      if (threadOf(i) !== threadOf(j)) continue;
      int.add(i, j);
      if (!initial(i) && !initial(j) && keyAt(i) < keyAt(j)) po.add(i, j);
      if (!initial(i) && ownerOf(i) === ownerOf(j)) sameInstance.add(i, j);
    }
  }
  for (let i = n; i < size; i++) {
    for (let j = n; j < size; j++) {
      const a = aux[i - n]!,
        b = aux[j - n]!;
      if (a.reg >= 0 && a.reg === b.reg) loc.add(i, j);
    }
  }
  const rfReg = new Relation(size);
  for (let i = n; i < size; i++) {
    const a = aux[i - n]!;
    if (a.kind !== 'Rreg') continue;
    const w = aux.findIndex((b) => b.kind === 'Wreg' && b.reg === a.reg);
    rfReg.add(n + w, i);
  }

  const sets = new Map<string, EventSet>();
  const named = (name: string, pick: (a: AuxEvent) => boolean) => {
    const s = new EventSet(size);
    aux.forEach((a, k) => {
      if (pick(a)) s.add(n + k);
    });
    sets.set(name, s);
  };
  named('Rreg', (a) => a.kind === 'Rreg');
  named('Wreg', (a) => a.kind === 'Wreg');
  named('ADDR', (a) => a.role === 'ADDR');
  named('DATA', (a) => a.role === 'DATA');
  named('BCC', (a) => a.kind === 'BCC');
  named('B', (a) => a.kind === 'BCC' || a.kind === 'B');
  const all = widenSet(input.sets.get('_') ?? EventSet.full(n), size);
  for (let i = n; i < size; i++) all.add(i);
  sets.set('_', all);

  const relations = new Map<string, Relation>([
    ['po', po],
    ['int', int],
    ['ext', int.complement()],
    ['id', Relation.identity(size)],
    ['loc', loc],
    ['iico_data', Relation.fromPairs(size, iicoData)],
    ['iico_ctrl', Relation.fromPairs(size, iicoCtrl)],
    ['iico_order', new Relation(size)],
    ['same-instance', sameInstance],
    ['rf-reg', rfReg],
    ['same-low-order-bits', new Relation(size)],
    ['PTEtoPA', new Relation(size)],
  ]);
  // herd7's lxsx: the pairs of a load-exclusive and its store-exclusive (rmw is lxsx | amo).
  const rmw = input.relations.get('rmw');
  const amo = input.relations.get('amo');
  if (!input.relations.has('lxsx') && rmw)
    relations.set('lxsx', widenRelation(amo ? rmw.diff(amo) : rmw, size));

  for (const [name, s] of input.sets) {
    if (!sets.has(name) && !PER_CANDIDATE_INPUTS.has(name)) sets.set(name, widenSet(s, size));
  }
  for (const [name, r] of input.relations) {
    if (!relations.has(name) && !PER_CANDIDATE_INPUTS.has(name))
      relations.set(name, widenRelation(r, size));
  }
  const modelEvents: ModelEvent[] = input.events.slice();
  aux.forEach((a, k) => modelEvents.push({ id: n + k, thread: a.thread, loc: null, value: null }));
  return { n, size, aux, relations, sets, events: modelEvents, fixedPart: {} };
}

/**
 * Instance number of each event: the events of one thread from one executed instruction
 * (the trace stage's TraceEvent.instance) share one; initial writes have their own.
 */
function instances(events: readonly ExecEvent[]): number[] {
  const byThread = new Map<number, Map<number, number>>();
  let next = 0;
  return events.map((e) => {
    if (e.init) return next++;
    let numbers = byThread.get(e.thread);
    if (!numbers) byThread.set(e.thread, (numbers = new Map()));
    let n = numbers.get(e.instance);
    if (n === undefined) numbers.set(e.instance, (n = next++));
    return n;
  });
}
