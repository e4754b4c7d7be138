// The resolved form of a cat model, what the compiler (compile.ts) produces and the
// interpreter (interp.ts) runs, and the types of the values it computes with. They are
// declared together because they are mutually recursive (a closure value carries resolved
// code, resolved code carries constant values); keeping them in one module lets the
// compiler, the invariance pass, the values and the interpreter share them without an
// import circle.

import type { Location } from '../diagnostics.js';
import type { EventSet, Relation } from '../relations/index.js';
import type { TestKind, TestType } from './ast.js';
import type { ModelEvent } from './input.js';

export interface RPat {
  /** Number of frame/slot positions the pattern fills. */
  size: number;
  tuple: boolean;
}

export type RCond =
  | { t: 'const'; b: boolean }
  | { t: 'not'; c: RCond }
  | { t: 'and' | 'or'; l: RCond; r: RCond }
  | { t: 'eq' | 'in' | 'subset'; l: RExp; r: RExp; loc: Location };

export type RExp =
  | { t: 'const'; v: V }
  | { t: 'zero' }
  | { t: 'input'; i: number; name: string; loc: Location }
  | { t: 'glob'; s: number }
  | { t: 'local'; d: number; i: number }
  | { t: 'op1'; op: 'plus' | 'star' | 'opt' | 'inv' | 'comp' | 'toid'; a: RExp; loc: Location }
  | { t: 'union' | 'seq'; a: RExp[]; loc: Location }
  | { t: 'inter' | 'diff' | 'cart' | 'add'; l: RExp; r: RExp; loc: Location }
  | { t: 'intercart'; r: RExp; s1: RExp; s2: RExp; loc: Location }
  | { t: 'set'; a: RExp[]; loc: Location }
  | { t: 'tuple'; a: RExp[] }
  | { t: 'app'; f: RExp; x: RExp; loc: Location }
  | { t: 'fun'; pat: RPat; body: RExp; name: string }
  | { t: 'let'; pats: RPat[]; e: RExp[]; body: RExp; size: number; loc: Location }
  | {
      t: 'letrec';
      pats: RPat[];
      e: RExp[];
      isFun: boolean[];
      body: RExp;
      size: number;
      loc: Location;
    }
  | { t: 'match'; a: RExp; tags: Map<string, RExp>; dflt: RExp | null; loc: Location }
  | { t: 'matchset'; a: RExp; ifEmpty: RExp; body: RExp; split: boolean; loc: Location }
  | { t: 'try'; b: RExp; h: RExp }
  | { t: 'if'; c: RCond; th: RExp; el: RExp };

export type CIns =
  | { t: 'glet'; slots: number[]; pats: RPat[]; e: RExp[]; loc: Location }
  | { t: 'grec'; slots: number[]; pats: RPat[]; e: RExp[]; isFun: boolean[]; loc: Location }
  | { t: 'llet'; pats: RPat[]; e: RExp[]; size: number; loc: Location }
  | { t: 'lrec'; pats: RPat[]; e: RExp[]; isFun: boolean[]; size: number; loc: Location }
  | {
      t: 'test';
      type: TestType;
      neg: boolean;
      test: TestKind;
      e: RExp;
      name: string | null;
      text: string;
      loc: Location;
    }
  | { t: 'with'; slot: number; set: RExp; loc: Location }
  | { t: 'lconst'; v: V }
  | { t: 'lproc'; pat: RPat; body: CIns[]; name: string }
  | { t: 'call'; p: RExp; arg: RExp; name: string; loc: Location }
  | { t: 'forall'; set: RExp; body: CIns[]; loc: Location }
  | { t: 'insmatch'; a: RExp; tags: Map<string, CIns[]>; dflt: CIns[] | null; loc: Location };

export type GRef = { kind: 'slot'; s: number } | { kind: 'const'; v: V };

export interface CompiledProgram {
  code: CIns[];
  nslots: number;
  inputNames: string[];
  declaredTags: string[];
  /** Top-level names visible at the end of the model, for reading results back. */
  finalGlobals: Map<string, GRef>;
  withoutCo: boolean;
  options: string[];
  /** Number of fork-invariant nodes marked by markInvariant (their memo ids). */
  memoCount: number;
  /** Number of per-combination nodes marked by markInvariant (their stage ids). */
  stageCount: number;
  /** Number of fixpoint-invariant nodes marked by markInvariant (their loop ids). */
  loopCount: number;
  /** Number of nodes whose value may turn out fixed for a combination (their fixed ids). */
  fixedCount: number;
  /**
   * Relations the model asks to display (`show`, less `unshow`), in order: the name shown
   * and the global to read it from (`show e as name` binds e to a hidden global).
   */
  shown: ShownRelation[];
}

export interface ShownRelation {
  name: string;
  global: string;
}

/** The hidden global that holds `show e as name`: no cat identifier can name it. */
export function shownGlobal(name: string): string {
  return `show as ${name}`;
}

// ------------------------------------------------------------------ values

export interface VEmpty {
  k: 'empty';
}
export interface VUnv {
  k: 'unv';
}
export interface VEvent {
  k: 'event';
  e: number;
}
export interface VPair {
  k: 'pair';
  a: number;
  b: number;
}
export interface VTag {
  k: 'tag';
  enumName: string;
  name: string;
}
export interface VValSet {
  k: 'valset';
  items: V[];
}
export interface VTuple {
  k: 'tuple';
  items: V[];
}
export interface VClo {
  k: 'clo';
  id: number;
  pat: RPat;
  body: RExp;
  frame: Frame | null;
  name: string;
}
export interface VPrim {
  k: 'prim';
  id: number;
  name: string;
  fn: PrimFn;
}
export interface VProc {
  k: 'proc';
  pat: RPat;
  body: CIns[];
  frame: Frame | null;
  name: string;
}

export type V =
  | EventSet
  | Relation
  | VEmpty
  | VUnv
  | VEvent
  | VPair
  | VTag
  | VValSet
  | VTuple
  | VClo
  | VPrim
  | VProc;

export type PrimFn = (arg: V, ctx: PrimContext, loc: Location) => V;

/** What primitives may consult about the current execution. */
export interface PrimContext {
  n: number;
  events: ModelEvent[];
  /** Stops long computations at the run's deadline or on heap exhaustion (LimitError). */
  checkLimits(): void;
  inputSet(name: string): EventSet | null;
  relation(name: string): Relation | null;
}

/** A frame of local variables: its slots and the enclosing frame. */
export interface Frame {
  v: V[];
  p: Frame | null;
}
