// Runtime values of the cat interpreter.
//
// Event sets and relations are the bit-set classes themselves; everything else is a
// small object with a `k` discriminant. `{}` is a polymorphic empty value and `_` the
// polymorphic universe: both take their meaning from the operator that consumes them.

import { assertNever, OrdoError, type Location } from '../diagnostics.js';
import { EventSet, Relation, copyWords, orWordsInto } from '../relations/index.js';
import type {
  Frame as FrameShape,
  V,
  VClo,
  VEmpty,
  VEvent,
  VPair,
  VPrim,
  VTag,
  VTuple,
  VUnv,
  VValSet,
} from './resolved.js';

export type * from './resolved.js';

export class CatError extends OrdoError {
  constructor(message: string, where: Location | null) {
    super(message, where);
    this.name = 'CatError';
  }
}

export class Frame implements FrameShape {
  constructor(
    public v: V[],
    public p: Frame | null,
  ) {}
}

export const EMPTY: VEmpty = { k: 'empty' };
export const UNV: VUnv = { k: 'unv' };

/** The kinds of cat values: `rel` and `events` for the bit-matrix classes, else `V['k']`. */
export type ValueKind = 'rel' | 'events' | Exclude<V, EventSet | Relation>['k'];

export function kindOf(v: V): ValueKind {
  if (v instanceof Relation) return 'rel';
  if (v instanceof EventSet) return 'events';
  return v.k;
}

export function typeName(v: V): string {
  const kind = kindOf(v);
  switch (kind) {
    case 'rel':
      return 'relation';
    case 'events':
      return 'event set';
    case 'empty':
      return '{}';
    case 'unv':
      return 'universe';
    case 'event':
      return 'event';
    case 'pair':
      return 'pair';
    case 'tag':
      return `tag (${(v as VTag).enumName})`;
    case 'valset':
      return 'set';
    case 'tuple':
      return 'tuple';
    case 'clo':
    case 'prim':
      return 'function';
    case 'proc':
      return 'procedure';
    default:
      return assertNever(kind, 'value kind');
  }
}

let nextId = 0;
export function freshId(): number {
  return nextId++;
}

const RANK: Record<ValueKind, number> = {
  empty: 0,
  events: 1,
  rel: 2,
  event: 3,
  pair: 4,
  tag: 5,
  valset: 6,
  tuple: 7,
  clo: 8,
  prim: 9,
  proc: 10,
  unv: 11,
};

/** True when v is an empty collection (used to compare `{}` against typed empties). */
function isEmptyCollection(v: V): boolean {
  if (v instanceof Relation || v instanceof EventSet) return v.isEmpty();
  if (v instanceof ProductSet) return false;
  if (v.k === 'valset') return v.items.length === 0;
  return v.k === 'empty';
}

/** Total order on values that may share a set; throws a plain Error on illegal mixes. */
export function compareV(a: V, b: V): number {
  // The same value (shared, values being immutable): equal without comparing words.
  if (a === b) return 0;
  const ka = kindOf(a),
    kb = kindOf(b);
  if (ka === 'empty' || kb === 'empty') {
    if (ka === kb) return 0;
    const other = ka === 'empty' ? b : a;
    if (!(other instanceof Relation || other instanceof EventSet || kindOf(other) === 'valset')) {
      throw new Error(`heterogeneous set elements: ${typeName(a)} and ${typeName(b)}`);
    }
    const oe = isEmptyCollection(other);
    if (oe) return 0;
    return ka === 'empty' ? -1 : 1;
  }
  if (ka !== kb) {
    if ((ka === 'clo' && kb === 'prim') || (ka === 'prim' && kb === 'clo'))
      return RANK[ka] - RANK[kb];
    throw new Error(`heterogeneous set elements: ${typeName(a)} and ${typeName(b)}`);
  }
  switch (ka) {
    case 'events':
      return (a as EventSet).compare(b as EventSet);
    case 'rel':
      return (a as Relation).compare(b as Relation);
    case 'event':
      return (a as VEvent).e - (b as VEvent).e;
    case 'pair': {
      const pa = a as VPair,
        pb = b as VPair;
      return pa.a !== pb.a ? pa.a - pb.a : pa.b - pb.b;
    }
    case 'tag': {
      const x = (a as VTag).name,
        y = (b as VTag).name;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'valset':
    case 'tuple': {
      const xa = (a as VValSet | VTuple).items,
        xb = (b as VValSet | VTuple).items;
      const m = Math.min(xa.length, xb.length);
      for (let i = 0; i < m; i++) {
        const c = compareV(xa[i], xb[i]);
        if (c !== 0) return c;
      }
      return xa.length - xb.length;
    }
    case 'clo':
    case 'prim':
      return (a as VClo | VPrim).id - (b as VClo | VPrim).id;
    // 'empty' was handled above
    case 'unv':
    case 'proc':
      throw new Error(`sets of ${typeName(a)} are illegal`);
    default:
      return assertNever(ka, 'value kind');
  }
}

/**
 * Whether two values are the same for every cat operation, so that one may stand for the
 * other (a remembered call's argument, a bound's two ends, a candidate's input): relations
 * and event sets with the same elements; the same event, pair or tag (enum and name);
 * tuples and value sets equal item by item (a value set's items are sorted); `{}` and the
 * universe equal only themselves (an empty relation is not `{}`: operations tell them
 * apart by kind); functions and procedures only when they are the same object. Never
 * throws: values of different kinds are simply not the same.
 */
export function sameValue(a: V, b: V): boolean {
  if (a === b) return true;
  if (a instanceof Relation) return b instanceof Relation && a.equals(b);
  if (a instanceof EventSet) return b instanceof EventSet && a.equals(b);
  if (b instanceof Relation || b instanceof EventSet) return false;
  switch (a.k) {
    case 'event':
      return b.k === 'event' && a.e === b.e;
    case 'pair':
      return b.k === 'pair' && a.a === b.a && a.b === b.b;
    case 'tag':
      return b.k === 'tag' && a.enumName === b.enumName && a.name === b.name;
    case 'tuple':
    case 'valset': {
      if (b.k !== a.k) return false;
      if (a instanceof ProductSet && b instanceof ProductSet) return a.sameAs(b);
      const x = a.items;
      const y = (b as VTuple | VValSet).items;
      return x.length === y.length && x.every((item, i) => sameValue(item, y[i]));
    }
    case 'empty':
    case 'unv':
      return b.k === a.k;
    case 'clo':
    case 'prim':
    case 'proc':
      return false; // not the same object (a === b above)
    default:
      return assertNever(a, 'value kind');
  }
}

/** Sorted, duplicate-free value set. */
export function mkValSet(items: V[]): VValSet {
  if (items.length <= 1) return { k: 'valset', items };
  const sorted = items.slice().sort(compareV);
  const out: V[] = [sorted[0]];
  for (let i = 1; i < sorted.length; i++) {
    if (compareV(out[out.length - 1], sorted[i]) !== 0) out.push(sorted[i]);
  }
  return { k: 'valset', items: out };
}

/**
 * Sets this large that gain a relation grow without being copied (GrowingSet). Smaller
 * ones are copied: the copy is cheap and keeps their elements in one array from the start.
 */
const GROW_FROM = 32;

/**
 * The relations added, one `++` at a time, to a sorted set of relations: each version of
 * the set is the base and the first `count` of `added`. cat builds large sets element by
 * element (cross.cat's coherence orders: up to hundreds of thousands, each `ys ++ k`),
 * and a sorted copy per element made that quadratic.
 */
interface Growth {
  base: V[];
  added: Relation[];
}

/**
 * One version of a growing set of relations. Its sorted, duplicate-free items are made
 * when first read, so a set that is only ever added to costs one sort in the end. The
 * elements are the set's as valSetAdd would have made them: sorted by compareV, the first
 * one added kept among equal ones (JavaScript's sort is stable). Only relations go in:
 * compareV never throws on two of them, so no error moves from the `++` to the read.
 */
class GrowingSet implements VValSet {
  readonly k = 'valset';
  private sorted: V[] | null = null;
  /** Its elements as added, before they were sorted (valSetMembers). */
  private unsorted: V[] | null = null;

  constructor(
    public growth: Growth,
    public count: number,
  ) {}

  /** Whether the next relation may be added in place (no later version exists). */
  get isLatest(): boolean {
    return this.count === this.growth.added.length;
  }

  get items(): V[] {
    if (this.sorted === null) {
      this.sorted = mergeSorted(this.growth.base, this.growth.added, this.count);
      // Grown further, this version starts from its items: the log (as long as the set
      // again, for the largest sets hundreds of thousands of entries) may go.
      this.growth = { base: this.sorted, added: [] };
      this.count = 0;
      this.unsorted = null;
    }
    return this.sorted;
  }

  /** Its items if sorted already, else its elements in the order added (repeats kept). */
  get members(): V[] {
    if (this.sorted !== null) return this.sorted;
    this.unsorted ??= this.growth.base.concat(this.growth.added.slice(0, this.count));
    return this.unsorted;
  }
}

/**
 * A set's elements in no particular order, possibly repeated, for a reader to whom only
 * which values are elements matters (a search that must show every element failing):
 * a set grown by `++` is not sorted for it, sorting the largest (~450,000 coherence
 * orders) costing more than building them. The same array on every call for one set,
 * so that it may key what is kept for the set.
 */
export function valSetMembers(s: VValSet): V[] {
  return s instanceof GrowingSet ? s.members : s.items;
}

/**
 * The sorted, duplicate-free union of `base` (sorted, duplicate-free) and added[0..count),
 * all relations. The relations of a large set often agree on a long first part of their
 * words (cross.cat's coherence orders: every row up to the first write placed
 * differently), so they are compared from the first word where any two differ: the same
 * order as compareV, without going over that part at every comparison.
 */
function mergeSorted(base: V[], added: Relation[], count: number): V[] {
  const fresh = added.slice(0, count);
  const first = (base.length > 0 ? (base[0] as Relation) : fresh[0]).words;
  let from = first.length;
  const narrow = (r: V): void => {
    const w = (r as Relation).words;
    if (w.length !== first.length) from = 0;
    let q = 0;
    while (q < from && w[q] === first[q]) q++;
    from = q;
  };
  for (let i = 0; i < base.length && from > 0; i++) narrow(base[i]);
  for (let i = 0; i < fresh.length && from > 0; i++) narrow(fresh[i]);
  const compare =
    from === 0
      ? compareV
      : (a: V, b: V): number => {
          const x = (a as Relation).words;
          const y = (b as Relation).words;
          for (let q = from; q < x.length; q++) if (x[q] !== y[q]) return x[q] < y[q] ? -1 : 1;
          return 0;
        };
  fresh.sort(compare);
  const out: V[] = [];
  let i = 0;
  let j = 0;
  const push = (x: V): void => {
    if (out.length === 0 || compare(out[out.length - 1], x) !== 0) out.push(x);
  };
  while (i < base.length || j < fresh.length) {
    // On a tie the base's element comes first: it was in the set before.
    if (j === fresh.length || (i < base.length && compare(base[i], fresh[j]) <= 0)) push(base[i++]);
    else push(fresh[j++]);
  }
  return out;
}

export function valSetAdd(s: VValSet, v: V): VValSet {
  if (v instanceof Relation) {
    if (s instanceof GrowingSet && s.isLatest) {
      s.growth.added.push(v);
      return new GrowingSet(s.growth, s.count + 1);
    }
    if (s.items.length >= GROW_FROM && s.items.every((x) => x instanceof Relation))
      return new GrowingSet({ base: s.items, added: [v] }, 1);
  }
  const items = s.items;
  let lo = 0,
    hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareV(items[mid], v);
    if (c === 0) return s;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  const out = items.slice();
  out.splice(lo, 0, v);
  return { k: 'valset', items: out };
}

export function valSetHas(s: VValSet, v: V): boolean {
  const items = s.items;
  let lo = 0,
    hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareV(items[mid], v);
    if (c === 0) return true;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return false;
}

/**
 * The set of the unions of one relation chosen from each of `choices` (cat's `cross`):
 * the elements of each choice are distinct relations. When the supports of the choices
 * (the union of each one's relations) are pairwise disjoint, every combination of choices
 * gives a different union, and the set is kept as the product of the choices
 * (ProductSet): the hundreds of thousands of coherence orders of a test are made only if
 * something reads them. Otherwise the unions are made at once, equal ones folded.
 * `checkLimits` is called while unions are made (now or when the set is read).
 */
export function unionsOfChoices(
  n: number,
  choices: Relation[][],
  checkLimits: () => void,
): VValSet {
  if (choices.some((c) => c.length === 0)) return { k: 'valset', items: [] };
  // A choice of one is a part of every union: its relation goes into the base.
  const base = new Relation(n);
  const open: Relation[][] = [];
  for (const c of choices) {
    if (c.length === 1) orWordsInto(base.words, c[0].words);
    else open.push(c);
  }
  if (open.length === 0) return { k: 'valset', items: [base] };
  const product = new ProductSet(base, open, checkLimits);
  // Disjoint from the base too: a choice's relations that differ only where the base
  // holds would give the same union.
  const seen = copyWords(base.words);
  for (const support of product.supports) {
    for (let q = 0; q < seen.length; q++) {
      if ((seen[q] & support.words[q]) !== 0) return mkValSet(product.unions());
      seen[q] |= support.words[q];
    }
  }
  return product;
}

/** The position of the first bit set (word by word, lowest bit first), or Infinity. */
function firstBit(w: Uint32Array): number {
  for (let q = 0; q < w.length; q++)
    if (w[q] !== 0) return q * 32 + (31 - Math.clz32(w[q] & -w[q]));
  return Infinity;
}

/**
 * The set of the relations `base | c1 | ... | cm`, one ci from each choice (at least two
 * distinct relations each, sorted), whose supports are pairwise disjoint: as many
 * elements as the product of the choices' sizes, all distinct. Readers that need not
 * see the elements sorted take the choices (the top-level fork, the search of a fork);
 * `items` makes and sorts them, once.
 */
export class ProductSet implements VValSet {
  readonly k = 'valset';
  /**
   * The choices, by the first pair their support holds (as splitGroup in bounds.ts takes
   * the bits: for coherence orders, the locations by their first write): alternative j
   * is the counter value j whose first digit, the most significant, picks from choices[0].
   */
  readonly choices: Relation[][];
  /** By choice, the union of its relations. */
  readonly supports: Relation[];
  readonly size: number;
  /**
   * countFrom[i]: the alternatives of choices i.. (the weight of digit i - 1). Exact up
   * to 2^53, rounded beyond: the digits of an alternative below 2^52 (more than any run
   * reaches) still come out exact, a weight above it giving digit 0.
   */
  readonly countFrom: number[];
  private sorted: V[] | null = null;
  private joined: Relation | null = null;
  private met: Relation | null = null;
  private meetsByChoice: Relation[] | null = null;

  constructor(
    /** The union of the choices that have a single relation. */
    readonly base: Relation,
    choices: Relation[][],
    private checkLimits: () => void,
  ) {
    const keyed = choices.map((c) => {
      const w = copyWords(c[0].words);
      for (const r of c) orWordsInto(w, r.words);
      return { c, support: new Relation(base.n, w), first: firstBit(w) };
    });
    keyed.sort((x, y) => x.first - y.first);
    this.choices = keyed.map((x) => x.c);
    this.supports = keyed.map((x) => x.support);
    this.countFrom = new Array<number>(this.choices.length + 1);
    this.countFrom[this.choices.length] = 1;
    for (let i = this.choices.length - 1; i >= 0; i--)
      this.countFrom[i] = this.countFrom[i + 1] * this.choices[i].length;
    this.size = this.countFrom[0];
  }

  /** Alternative j: the union for the digits of j (see choices). */
  unionAt(j: number): Relation {
    const w = copyWords(this.base.words);
    for (let i = 0; i < this.choices.length; i++) {
      const c = this.choices[i];
      orWordsInto(w, c[Math.floor(j / this.countFrom[i + 1]) % c.length].words);
    }
    return new Relation(this.base.n, w);
  }

  get items(): V[] {
    this.sorted ??= mergeSorted([], this.unions(), this.size);
    return this.sorted;
  }

  /** Every element, alternative 0 first. */
  unions(): Relation[] {
    const out: Relation[] = [];
    for (let j = 0; j < this.size; j++) {
      if ((j & 1023) === 0) this.checkLimits();
      out.push(this.unionAt(j));
    }
    return out;
  }

  /**
   * By choice, the intersection of its relations: made when first read (bound runs over
   * the product, sameAs), not for every product made.
   */
  get meets(): Relation[] {
    this.meetsByChoice ??= this.choices.map((c) => {
      const w = copyWords(c[0].words);
      for (const r of c) for (let q = 0; q < w.length; q++) w[q] &= r.words[q];
      return new Relation(this.base.n, w);
    });
    return this.meetsByChoice;
  }

  /** The union and the intersection of the elements. */
  get join(): Relation {
    this.joined ??= this.supports.reduce((j, r) => j.union(r), this.base);
    return this.joined;
  }
  get meet(): Relation {
    this.met ??= this.meets.reduce((m, r) => m.union(r), this.base);
    return this.met;
  }

  /**
   * The same set as o. Exact: sets of different sizes, unions or intersections differ;
   * the same choices make the same set; else (the same set may be a product of choices
   * grouped otherwise) the elements are compared.
   */
  sameAs(o: ProductSet): boolean {
    if (this.size !== o.size || !this.join.equals(o.join) || !this.meet.equals(o.meet))
      return false;
    const sameChoices =
      this.base.equals(o.base) &&
      this.choices.length === o.choices.length &&
      this.choices.every(
        (c, i) => c.length === o.choices[i].length && c.every((r, j) => r.equals(o.choices[i][j])),
      );
    if (sameChoices) return true;
    const x = this.items;
    const y = o.items;
    return x.every((item, i) => sameValue(item, y[i]));
  }
}
