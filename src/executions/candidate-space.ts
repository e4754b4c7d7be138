// The candidate space of one path combination (one control path per thread): its global
// events, and for every read the writes it may read from and for every observed location
// the writes that may be final. Everything here is fixed for the combination; the
// enumerator only picks among these choices.

import type { SourcePos, Value } from '../program/ir.js';
import { OrdoError } from '../diagnostics.js';
import type { ThreadTrace, TraceEvent, EventKind } from '../events/traces.js';

/** One event of a candidate execution, with its global index. */
export interface ExecEvent {
  id: number;
  /** -1 for an initial write. */
  thread: number;
  /** Index in its thread's trace (-1 for initial writes). */
  local: number;
  /** Its instruction instance in its thread's trace (TraceEvent.instance; -1 for initial writes). */
  instance: number;
  kind: EventKind;
  loc: string | null;
  annot: string[];
  atomic: boolean;
  init: boolean;
  /** Where the statement behind the event is in the test's source (absent for initial writes). */
  pos?: SourcePos;
}

export class CandidateSpace {
  /** Initial writes first (one per location, sorted by name), then each path's events. */
  readonly events: ExecEvent[] = [];
  /** Global id of each path's first event, by position in `paths`. */
  readonly base: number[] = [];
  /** The reads (R and RW events), in the order reads-from is chosen in (global order by default). */
  readonly reads: ExecEvent[];
  /** For each read (by position in `reads`), the writes it may read from. */
  readonly readsFromChoices: number[][];
  /** The observed locations that get a final-write choice. */
  readonly finalLocations: string[];
  /** For each of finalLocations, the writes that may be its last in coherence. */
  readonly finalWriteChoices: number[][];
  /** By global id: the position in `paths` of its event's path (-1 for initial writes). */
  readonly pathOfEvent: Int32Array;
  /** By global id: the position of a read in `reads` (-1 for other events). */
  readonly readPosition: Int32Array;
  private readonly pathOfThread = new Map<number, number>();

  constructor(
    readonly paths: ThreadTrace[],
    readonly memory: Map<string, Value>,
    observedMemory: string[],
    /**
     * Choose first the reads whose thread accesses their location elsewhere too (see
     * byCoupling); else in the order of the events.
     */
    coupledReadsFirst = false,
  ) {
    const initOf = new Map<string, number>();
    for (const loc of [...memory.keys()].sort()) {
      initOf.set(loc, this.events.length);
      this.pushEvent(-1, -1, { kind: 'W', loc, annot: [], atomic: false, instance: -1 }, true);
    }
    paths.forEach((p, t) => {
      this.pathOfThread.set(p.thread, t);
      this.base.push(this.events.length);
      p.events.forEach((ev, i) => this.pushEvent(p.thread, i, ev, false));
    });
    for (const e of this.events) {
      if (e.loc !== null && !initOf.has(e.loc))
        throw new OrdoError(`location ${e.loc} is not declared in the test`);
    }
    const writesAt = new Map<string, number[]>();
    for (const e of this.events) {
      if (e.kind !== 'W' && e.kind !== 'RW') continue;
      if (!writesAt.has(e.loc!)) writesAt.set(e.loc!, []);
      writesAt.get(e.loc!)!.push(e.id);
    }
    this.reads = this.events.filter((e) => e.kind === 'R' || e.kind === 'RW');
    if (coupledReadsFirst) this.reads = byCoupling(this.events, this.reads);
    this.pathOfEvent = new Int32Array(this.events.length).fill(-1);
    for (const e of this.events)
      if (!e.init) this.pathOfEvent[e.id] = this.pathOfThread.get(e.thread)!;
    this.readPosition = new Int32Array(this.events.length).fill(-1);
    this.reads.forEach((r, i) => (this.readPosition[r.id] = i));
    this.readsFromChoices = this.reads.map((r) => this.sourcesOf(r, writesAt.get(r.loc!) ?? []));
    this.finalLocations = observedMemory.filter((l) => initOf.has(l));
    this.finalWriteChoices = this.finalLocations.map((loc) =>
      this.finalCandidates(writesAt.get(loc)!),
    );
  }

  get size(): number {
    return this.events.length;
  }

  /** Position in `paths` of a thread's path. */
  pathIndex(thread: number): number {
    return this.pathOfThread.get(thread)!;
  }

  /** Whether the combination has a path of this thread. */
  hasThread(thread: number): boolean {
    return this.pathOfThread.has(thread);
  }

  /** Position in `reads` of a read's global id. */
  readIndex(id: number): number {
    return this.readPosition[id];
  }

  /** The trace event behind a (non-initial) global event id. */
  traceEvent(id: number): TraceEvent {
    return this.paths[this.pathOfEvent[id]].events[this.events[id].local];
  }

  /** Global id of local event `local` of the path at position t. */
  globalId(t: number, local: number): number {
    return this.base[t] + local;
  }

  private pushEvent(
    thread: number,
    local: number,
    ev: Pick<TraceEvent, 'kind' | 'loc' | 'annot' | 'atomic' | 'instance' | 'pos'>,
    init: boolean,
  ): void {
    this.events.push({
      id: this.events.length,
      thread,
      local,
      instance: ev.instance,
      kind: ev.kind,
      loc: ev.loc,
      annot: ev.annot,
      atomic: ev.atomic,
      init,
      ...(ev.pos ? { pos: ev.pos } : {}),
    });
  }

  /**
   * Per-thread coherence: a read never sees a write that is po-after it, nor one its own
   * thread overwrote po-before it; once its thread has written the location, the initial
   * write is hidden too.
   */
  private sourcesOf(r: ExecEvent, writes: number[]): number[] {
    const events = this.events;
    let lastOwn = -1;
    for (const w of writes) {
      const we = events[w];
      if (
        we.thread === r.thread &&
        we.local < r.local &&
        (lastOwn < 0 || events[lastOwn].local < we.local)
      )
        lastOwn = w;
    }
    return writes.filter((w) => {
      const we = events[w];
      if (we.thread === r.thread) return we.local < r.local && w === lastOwn;
      if (we.init) return lastOwn < 0;
      return true;
    });
  }

  /** The last write of each thread to the location; the initial write only when alone. */
  private finalCandidates(writes: number[]): number[] {
    const events = this.events;
    if (writes.length === 1) return writes;
    return writes.filter((w) => {
      const we = events[w];
      if (we.init) return false;
      return !writes.some(
        (o) => o !== w && events[o].thread === we.thread && events[o].local > we.local,
      );
    });
  }
}

/**
 * The reads with another access to their location in their own thread first, each group
 * in the order of the events. What a model derives from reads-from before it forks on
 * coherence (herd's cos-opt.cat: uniproc edges, read-modify-writes) comes from such reads,
 * so choosing them first fixes it as early as possible for the pruning of partial
 * choices; a read alone on its location in its thread comes last. Only the order of the
 * choices changes: the same candidates are enumerated.
 */
function byCoupling(events: ExecEvent[], reads: ExecEvent[]): ExecEvent[] {
  const key = (e: ExecEvent): string => `${e.thread}:${e.loc}`;
  const accesses = new Map<string, number>();
  for (const e of events) if (e.loc !== null) accesses.set(key(e), (accesses.get(key(e)) ?? 0) + 1);
  const coupled: ExecEvent[] = [];
  const alone: ExecEvent[] = [];
  for (const r of reads) ((accesses.get(key(r)) ?? 0) > 1 ? coupled : alone).push(r);
  return [...coupled, ...alone];
}
