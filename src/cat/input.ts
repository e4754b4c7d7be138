// What a candidate execution looks like to a cat model: the contract between the
// execution enumerator (src/executions) and the cat interpreter (src/cat).

import type { EventSet, Relation } from '../relations/index.js';
import type { Value } from '../program/ir.js';

/** One event as the interpreter's built-in functions need to see it. */
export interface ModelEvent {
  /** Index in 0..n-1; equals the position in ModelInput.events. */
  id: number;
  /** Thread number, or -1 for initial writes. */
  thread: number;
  /** Memory location name for memory events (and lock/srcu events), else null. */
  loc: string | null;
  /** Value read or written, when the event has one. */
  value: Value | null;
}

/**
 * The primitive sets and relations that herd7 gives a model. Names are exactly the
 * identifiers a cat file uses: sets `_`, `R`, `W`, `M`, `F`, `IW`, `FW`, `I`(init), the
 * annotation sets (`ONCE`, `Rmb` ...), `LKR`, `LKW`, `UL`, `LF`, `RL`, `RU`, and
 * relations `po`, `rf`, `addr`, `data`, `ctrl`, `rmw`, `amo`, `loc`, `int`, `ext`, `id`
 * (and `co` when the enumerator, not the model, chooses coherence).
 */
export interface ModelInput {
  events: ModelEvent[];
  sets: Map<string, EventSet>;
  relations: Map<string, Relation>;
  /**
   * Identity of the fixed part of the input: inputs carrying the same object have the
   * same events (values aside), sets and relations, except those of PER_CANDIDATE_INPUTS,
   * so the model may share what it computed from the rest. Absent: nothing is shared.
   */
  fixedPart?: object;
  /**
   * Relations containing rf, and sets containing FW, of every candidate with the same
   * fixed part (e.g. rf within the pairs of a write and a read of one location), for the
   * checks decided over them (cat/monotone.ts). Absent: nothing is decided.
   */
  upperBounds?: () => { rf: Relation; FW: EventSet };
}

/**
 * The inputs that differ between candidate executions with the same fixed part: the
 * enumerator's choices (reads-from, final writes, and coherence when it chooses it), and
 * herd7's `pco`, computed from reads-from (src/executions/coherence.ts). Event values
 * differ too (see VALUE_READING_PRIMITIVES in primitives.ts).
 */
export const PER_CANDIDATE_INPUTS: ReadonlySet<string> = new Set(['rf', 'FW', 'co', 'pco']);

/**
 * The per-candidate inputs the enumerator gives upper bounds for (ModelInput.upperBounds,
 * and a partial choice's bounds): the others vary with no bound a model could be judged on.
 */
export const BOUNDED_INPUTS = ['rf', 'FW'] as const;

/** The result of one complete evaluation path of a model over one candidate execution. */
export interface ModelOutcome {
  /** True when every check (acyclic/irreflexive/empty, not flagged) held. */
  allowed: boolean;
  /** Names of the `flag` checks that fired, in model order, without duplicates. */
  flags: string[];
  /** For diagnostics: the name (or text) of the first failed check, when not allowed. */
  failedCheck?: string;
}
