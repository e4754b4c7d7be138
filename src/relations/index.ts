// Bit-set event sets and bit-matrix relations over events 0..n-1.
// These are the values the cat interpreter computes with on every candidate execution,
// so operations work word-at-a-time on Uint32Array rows and allocate only their result.

import { LimitError } from '../diagnostics.js';
import { noteWork } from '../limits.js';

function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Mask of the valid bits of the last word for a universe of n elements. */
function lastMask(n: number): number {
  const r = n & 31;
  return r === 0 ? 0xffffffff : ((1 << r) - 1) >>> 0;
}

function compareWords(a: Uint32Array, b: Uint32Array): number {
  const len = Math.min(a.length, b.length);
  for (let i = 0; i < len; i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return a.length - b.length;
}

/** Same bits (sets and relations share this word-array representation). */
function wordsEqual(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Every bit of a is set in b. */
function wordsSubset(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if ((a[i] & ~b[i]) !== 0) return false;
  return true;
}

export class EventSet {
  readonly n: number;
  words: Uint32Array;

  constructor(n: number, words?: Uint32Array) {
    this.n = n;
    this.words = words ?? allocateWords((n + 31) >>> 5);
  }

  static full(n: number): EventSet {
    const s = new EventSet(n);
    const w = s.words;
    if (w.length > 0) {
      w.fill(0xffffffff);
      w[w.length - 1] = lastMask(n);
    }
    return s;
  }

  static of(n: number, ids: Iterable<number>): EventSet {
    const s = new EventSet(n);
    for (const i of ids) s.add(i);
    return s;
  }

  has(i: number): boolean {
    return (this.words[i >>> 5] & (1 << (i & 31))) !== 0;
  }
  add(i: number): void {
    this.words[i >>> 5] |= 1 << (i & 31);
  }
  delete(i: number): void {
    this.words[i >>> 5] &= ~(1 << (i & 31));
  }

  union(o: EventSet): EventSet {
    const a = this.words,
      b = o.words,
      r = allocateWords(a.length);
    for (let i = 0; i < a.length; i++) r[i] = a[i] | b[i];
    return new EventSet(this.n, r);
  }
  inter(o: EventSet): EventSet {
    const a = this.words,
      b = o.words,
      r = allocateWords(a.length);
    for (let i = 0; i < a.length; i++) r[i] = a[i] & b[i];
    return new EventSet(this.n, r);
  }
  diff(o: EventSet): EventSet {
    const a = this.words,
      b = o.words,
      r = allocateWords(a.length);
    for (let i = 0; i < a.length; i++) r[i] = a[i] & ~b[i];
    return new EventSet(this.n, r);
  }
  complement(): EventSet {
    const a = this.words,
      r = allocateWords(a.length);
    for (let i = 0; i < a.length; i++) r[i] = ~a[i];
    if (r.length > 0) r[r.length - 1] &= lastMask(this.n);
    return new EventSet(this.n, r);
  }

  isEmpty(): boolean {
    const a = this.words;
    for (let i = 0; i < a.length; i++) if (a[i] !== 0) return false;
    return true;
  }
  size(): number {
    let c = 0;
    const a = this.words;
    for (let i = 0; i < a.length; i++) if (a[i] !== 0) c += popcount32(a[i]);
    return c;
  }
  equals(o: EventSet): boolean {
    return wordsEqual(this.words, o.words);
  }
  /** True when every element of this set is in o. */
  isSubsetOf(o: EventSet): boolean {
    return wordsSubset(this.words, o.words);
  }
  /** A total order consistent with equals (for sets of sets). */
  compare(o: EventSet): number {
    return compareWords(this.words, o.words);
  }
  clone(): EventSet {
    return new EventSet(this.n, copyWords(this.words));
  }
  toArray(): number[] {
    const out: number[] = [];
    const a = this.words;
    for (let w = 0; w < a.length; w++) {
      let x = a[w];
      while (x !== 0) {
        const t = x & -x;
        out.push((w << 5) + (31 - Math.clz32(t)));
        x ^= t;
      }
    }
    return out;
  }
  /** Smallest element, or -1 when empty. */
  min(): number {
    const a = this.words;
    for (let w = 0; w < a.length; w++) {
      const x = a[w];
      if (x !== 0) return (w << 5) + (31 - Math.clz32(x & -x));
    }
    return -1;
  }
}

/** Integer buffers reused by the operations that need one (each call uses them briefly). */
const scratch: Int32Array[] = [new Int32Array(64), new Int32Array(64)];

/** Scratch buffer `which` (0 or 1) with room for n integers; its contents are left over. */
function scratchInts(n: number, which: 0 | 1): Int32Array {
  if (scratch[which].length < n)
    scratch[which] = new Int32Array(Math.max(n, 2 * scratch[which].length));
  return scratch[which];
}

/**
 * Word arrays of HEAP_WORDS to BLOCK_VIEW_WORDS words are views into shared blocks of
 * BLOCK_WORDS words. Node allocates a typed array of more than 64 bytes (16 words) outside
 * the heap, with a backing store of its own that the collector tracks: about 1 us each,
 * more than the operation itself on the 30-45-event relations of most tests (60-90 words),
 * and the corpus makes millions of them. A view into a block costs a tenth of that. A
 * block is freed once none of its views is alive, so a long-lived relation can keep up
 * to a block's worth of memory alive: blocks are small (16 KiB).
 */
const HEAP_WORDS = 16;
const BLOCK_VIEW_WORDS = 512;
const BLOCK_WORDS = 4096;
let block = new ArrayBuffer(0);
let blockUsed = BLOCK_WORDS; // in words: full, so the first view starts a block

/** A zeroed word array; running out of memory is the memory limit, not a crash. */
function allocateWords(count: number): Uint32Array {
  if (count <= HEAP_WORDS) return new Uint32Array(count);
  if (count <= BLOCK_VIEW_WORDS) {
    if (blockUsed + count > BLOCK_WORDS) {
      block = newBuffer(BLOCK_WORDS);
      blockUsed = 0;
    }
    const words = new Uint32Array(block, blockUsed * 4, count);
    blockUsed += count;
    return words;
  }
  return new Uint32Array(newBuffer(count));
}

function newBuffer(count: number): ArrayBuffer {
  try {
    return new ArrayBuffer(count * 4);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    throw new LimitError(
      'memory',
      `memory limit reached (a relation of ${Math.round(count / 2 ** 18)} MiB cannot be allocated)`,
    );
  }
}

/** A copy of a word array, allocated as allocateWords does. */
export function copyWords(words: Uint32Array): Uint32Array {
  const copy = allocateWords(words.length);
  copy.set(words);
  return copy;
}

/** Or-s `words` into `into` (of the same length), in place; returns `into`. */
export function orWordsInto(into: Uint32Array, words: Uint32Array): Uint32Array {
  for (let q = 0; q < into.length; q++) into[q] |= words[q];
  return into;
}

export class Relation {
  readonly n: number;
  readonly stride: number;
  words: Uint32Array;
  /**
   * Set when the relation is known to have no pair: by the operations that see it while
   * writing their result (composition, intersection, difference, restriction) or whose
   * operand is known empty. Never guessed: false says nothing. `add` clears it; code that
   * writes `words` directly does so on relations of its own, never marked.
   */
  knownEmpty: boolean;

  constructor(n: number, words?: Uint32Array, knownEmpty = false) {
    this.n = n;
    this.stride = (n + 31) >>> 5;
    this.knownEmpty = knownEmpty;
    if (words) {
      this.words = words;
    } else {
      noteWork(this.stride * n);
      this.words = allocateWords(this.stride * n);
    }
  }

  /**
   * A new empty relation, marked as such: what an operation with a known empty operand
   * returns without looking at the other. (Many per-candidate relations of a model are
   * empty for a whole test: srcu or lock terms in a test without them.)
   */
  static knownEmptyOf(n: number): Relation {
    const r = new Relation(n);
    r.knownEmpty = true;
    return r;
  }

  static identity(n: number): Relation {
    const r = new Relation(n);
    for (let i = 0; i < n; i++) r.add(i, i);
    return r;
  }
  static fromPairs(n: number, pairs: Iterable<[number, number]>): Relation {
    const r = new Relation(n);
    for (const [i, j] of pairs) r.add(i, j);
    return r;
  }
  static cartesian(a: EventSet, b: EventSet): Relation {
    const n = a.n;
    const r = new Relation(n);
    const s = r.stride,
      bw = b.words,
      w = r.words;
    for (let i = 0; i < n; i++) {
      if (!a.has(i)) continue;
      const off = i * s;
      for (let k = 0; k < s; k++) w[off + k] = bw[k];
    }
    return r;
  }
  /** [S]: the identity restricted to S. */
  static idOn(s: EventSet): Relation {
    const r = new Relation(s.n);
    for (const i of s.toArray()) r.add(i, i);
    return r;
  }
  static full(n: number): Relation {
    return Relation.cartesian(EventSet.full(n), EventSet.full(n));
  }

  has(i: number, j: number): boolean {
    return (this.words[i * this.stride + (j >>> 5)] & (1 << (j & 31))) !== 0;
  }
  add(i: number, j: number): void {
    this.words[i * this.stride + (j >>> 5)] |= 1 << (j & 31);
    this.knownEmpty = false;
  }
  delete(i: number, j: number): void {
    this.words[i * this.stride + (j >>> 5)] &= ~(1 << (j & 31));
  }

  union(o: Relation): Relation {
    const a = this.words,
      b = o.words,
      r = allocateWords(a.length);
    for (let i = 0; i < a.length; i++) r[i] = a[i] | b[i];
    return new Relation(this.n, r, this.knownEmpty && o.knownEmpty);
  }
  inter(o: Relation): Relation {
    if (this.knownEmpty || o.knownEmpty) return Relation.knownEmptyOf(this.n);
    const a = this.words,
      b = o.words,
      r = allocateWords(a.length);
    let any = 0;
    for (let i = 0; i < a.length; i++) any |= r[i] = a[i] & b[i];
    return new Relation(this.n, r, any === 0);
  }
  diff(o: Relation): Relation {
    if (this.knownEmpty) return Relation.knownEmptyOf(this.n);
    const a = this.words,
      b = o.words,
      r = allocateWords(a.length);
    let any = 0;
    for (let i = 0; i < a.length; i++) any |= r[i] = a[i] & ~b[i];
    return new Relation(this.n, r, any === 0);
  }
  complement(): Relation {
    const n = this.n,
      s = this.stride,
      a = this.words,
      r = allocateWords(a.length);
    const m = lastMask(n);
    for (let i = 0; i < n; i++) {
      const off = i * s;
      for (let k = 0; k < s; k++) r[off + k] = ~a[off + k];
      if (s > 0) r[off + s - 1] &= m;
    }
    return new Relation(n, r);
  }

  /** Composition this;o: i -> j when i -> k in this and k -> j in o. */
  seq(o: Relation): Relation {
    if (this.knownEmpty || o.knownEmpty) return Relation.knownEmptyOf(this.n);
    const s = this.stride;
    // Most tests have at most 64 events: their rows are one or two words, which the
    // special cases accumulate in registers instead of through the result array; the
    // larger tests (RCU cycles of 14-19 processes, 65-128 events) have three or four.
    if (s === 1) return this.seqOneWord(o);
    if (s === 2) return this.seqTwoWords(o);
    if (s === 3) return this.seqThreeWords(o);
    if (s === 4) return this.seqFourWords(o);
    const n = this.n,
      a = this.words,
      b = o.words;
    const r = allocateWords(a.length);
    for (let i = 0; i < n; i++) {
      // A row costs at most n*s word operations; s*s per row bounds the wait between
      // checks on large relations. Counted 64 rows at a time: a call per row was a
      // measurable share of composing the small relations most tests have.
      if ((i & 63) === 0) noteWork(64 * s * s);
      const off = i * s;
      for (let w = 0; w < s; w++) {
        let x = a[off + w];
        while (x !== 0) {
          const t = x & -x;
          const k = (w << 5) + (31 - Math.clz32(t));
          x ^= t;
          const ko = k * s;
          for (let q = 0; q < s; q++) r[off + q] |= b[ko + q];
        }
      }
    }
    return new Relation(n, r);
  }

  private seqOneWord(o: Relation): Relation {
    const n = this.n,
      a = this.words,
      b = o.words;
    const r = allocateWords(n);
    let any = 0;
    for (let i = 0; i < n; i++) {
      let x = a[i],
        row = 0;
      while (x !== 0) {
        const t = x & -x;
        row |= b[31 - Math.clz32(t)];
        x ^= t;
      }
      r[i] = row;
      any |= row;
    }
    return new Relation(n, r, any === 0);
  }

  private seqTwoWords(o: Relation): Relation {
    const n = this.n,
      a = this.words,
      b = o.words;
    const r = allocateWords(2 * n);
    let any = 0;
    for (let i = 0; i < n; i++) {
      let lo = 0,
        hi = 0;
      let x = a[2 * i];
      while (x !== 0) {
        const t = x & -x;
        const ko = 2 * (31 - Math.clz32(t));
        lo |= b[ko];
        hi |= b[ko + 1];
        x ^= t;
      }
      x = a[2 * i + 1];
      while (x !== 0) {
        const t = x & -x;
        const ko = 2 * (63 - Math.clz32(t));
        lo |= b[ko];
        hi |= b[ko + 1];
        x ^= t;
      }
      r[2 * i] = lo;
      r[2 * i + 1] = hi;
      any |= lo | hi;
    }
    return new Relation(n, r, any === 0);
  }

  private seqThreeWords(o: Relation): Relation {
    const n = this.n,
      a = this.words,
      b = o.words;
    const r = allocateWords(3 * n);
    let any = 0;
    for (let i = 0; i < n; i++) {
      const off = 3 * i;
      let r0 = 0,
        r1 = 0,
        r2 = 0;
      for (let w = 0; w < 3; w++) {
        let x = a[off + w];
        while (x !== 0) {
          const t = x & -x;
          const ko = 3 * ((w << 5) + (31 - Math.clz32(t)));
          r0 |= b[ko];
          r1 |= b[ko + 1];
          r2 |= b[ko + 2];
          x ^= t;
        }
      }
      r[off] = r0;
      r[off + 1] = r1;
      r[off + 2] = r2;
      any |= r0 | r1 | r2;
    }
    return new Relation(n, r, any === 0);
  }

  private seqFourWords(o: Relation): Relation {
    const n = this.n,
      a = this.words,
      b = o.words;
    const r = allocateWords(4 * n);
    let any = 0;
    for (let i = 0; i < n; i++) {
      const off = 4 * i;
      let r0 = 0,
        r1 = 0,
        r2 = 0,
        r3 = 0;
      for (let w = 0; w < 4; w++) {
        let x = a[off + w];
        while (x !== 0) {
          const t = x & -x;
          const ko = 4 * ((w << 5) + (31 - Math.clz32(t)));
          r0 |= b[ko];
          r1 |= b[ko + 1];
          r2 |= b[ko + 2];
          r3 |= b[ko + 3];
          x ^= t;
        }
      }
      r[off] = r0;
      r[off + 1] = r1;
      r[off + 2] = r2;
      r[off + 3] = r3;
      any |= r0 | r1 | r2 | r3;
    }
    return new Relation(n, r, any === 0);
  }

  inverse(): Relation {
    if (this.knownEmpty) return Relation.knownEmptyOf(this.n);
    const n = this.n,
      r = new Relation(n);
    const s = this.stride,
      a = this.words;
    for (let i = 0; i < n; i++) {
      const off = i * s;
      for (let w = 0; w < s; w++) {
        let x = a[off + w];
        while (x !== 0) {
          const t = x & -x;
          const j = (w << 5) + (31 - Math.clz32(t));
          x ^= t;
          r.words[j * s + (i >>> 5)] |= 1 << (i & 31);
        }
      }
    }
    return r;
  }

  /**
   * Transitive closure. Relations of up to 64 events (one- or two-word rows, nearly every
   * corpus test) close by frontiers, larger ones by Warshall: measured, the frontiers
   * made a corpus run ~5 % faster, Warshall was faster on the RCU family's long chains of
   * 65+ events.
   */
  plus(): Relation {
    if (this.knownEmpty) return Relation.knownEmptyOf(this.n);
    return this.stride <= 2 ? this.closureByFrontiers() : this.closureByWarshall();
  }

  /*
   * Both closures copy the words only when a row first gains a pair: a relation that is
   * transitive already is its own closure, and is returned itself (relations are never
   * changed once made; star copies). Models close orders that often are: lock.cat's
   * `(co | critical | critical^-1 ; co)+` once per coherence order.
   */

  /**
   * Transitive closure, row by row: a row's successors are a frontier, and each event
   * taken from it adds its row's new bits to the row (and to the frontier, unless its
   * row is already closed: the rows before this one). Each event reachable from a row is
   * visited once for that row, so the cost follows the size of the closure.
   */
  private closureByFrontiers(): Relation {
    const n = this.n,
      s = this.stride;
    let r = this.words; // copied at the first pair added
    const frontier = scratchInts(s, 0);
    for (let i = 0; i < n; i++) {
      const io = i * s;
      let any = 0;
      for (let q = 0; q < s; q++) {
        const x = r[io + q];
        frontier[q] = x;
        any |= x;
      }
      if (any === 0) continue;
      // At most n events, of s words each, join this row.
      noteWork(n * s);
      let w = 0; // the frontier's words before w are empty
      while (w < s) {
        const x = frontier[w];
        if (x === 0) {
          w++;
          continue;
        }
        const t = x & -x;
        frontier[w] = x ^ t;
        const j = (w << 5) + (31 - Math.clz32(t));
        const jo = j * s;
        const closed = j < i;
        for (let q = 0; q < s; q++) {
          const added = r[jo + q] & ~r[io + q];
          if (added !== 0) {
            if (r === this.words) r = copyWords(r);
            r[io + q] |= added;
            if (!closed) {
              frontier[q] |= added;
              if (q < w) w = q;
            }
          }
        }
      }
    }
    return r === this.words ? this : new Relation(n, r);
  }

  /**
   * Transitive closure of any size (Warshall over bit rows). Only the rows with a
   * successor can gain one or pass one on, so both loops run over those: on the sparse
   * relations models close (tens of edges among tens of events) that is a small part of
   * the n*n steps of the plain algorithm.
   */
  private closureByWarshall(): Relation {
    const n = this.n,
      s = this.stride;
    let r = this.words; // copied at the first pair added
    const sources = scratchInts(n, 0);
    let count = 0;
    for (let i = 0; i < n; i++) {
      const io = i * s;
      for (let q = 0; q < s; q++) {
        if (r[io + q] !== 0) {
          sources[count++] = i;
          break;
        }
      }
    }
    for (let c = 0; c < count; c++) {
      const k = sources[c];
      noteWork(count * s);
      const kw = k >>> 5,
        kb = 1 << (k & 31),
        ko = k * s;
      for (let d = 0; d < count; d++) {
        const io = sources[d] * s;
        if ((r[io + kw] & kb) !== 0) {
          for (let q = 0; q < s; q++) {
            const added = r[ko + q] & ~r[io + q];
            if (added === 0) continue;
            if (r === this.words) r = copyWords(r);
            r[io + q] |= added;
          }
        }
      }
    }
    return r === this.words ? this : new Relation(n, r);
  }
  star(): Relation {
    const closed = this.plus();
    const r = closed === this ? this.clone() : closed;
    for (let i = 0; i < this.n; i++) r.add(i, i);
    return r;
  }
  opt(): Relation {
    const r = this.clone();
    for (let i = 0; i < this.n; i++) r.add(i, i);
    return r;
  }

  domain(): EventSet {
    const n = this.n,
      s = this.stride,
      a = this.words,
      d = new EventSet(n);
    for (let i = 0; i < n; i++) {
      const off = i * s;
      for (let q = 0; q < s; q++) {
        if (a[off + q] !== 0) {
          d.add(i);
          break;
        }
      }
    }
    return d;
  }
  range(): EventSet {
    const n = this.n,
      s = this.stride,
      a = this.words,
      r = allocateWords(s);
    for (let i = 0; i < n; i++) {
      const off = i * s;
      for (let q = 0; q < s; q++) r[q] |= a[off + q];
    }
    return new EventSet(n, r);
  }
  /** Keep the pairs whose source is in dom and target in rng (null: no constraint). */
  restrict(dom: EventSet | null, rng: EventSet | null): Relation {
    if (this.knownEmpty) return Relation.knownEmptyOf(this.n);
    const n = this.n,
      s = this.stride,
      a = this.words,
      r = allocateWords(a.length);
    const rw = rng ? rng.words : null;
    let any = 0;
    for (let i = 0; i < n; i++) {
      if (dom && !dom.has(i)) continue;
      const off = i * s;
      if (rw) for (let q = 0; q < s; q++) any |= r[off + q] = a[off + q] & rw[q];
      else for (let q = 0; q < s; q++) any |= r[off + q] = a[off + q];
    }
    return new Relation(n, r, any === 0);
  }

  /**
   * Looks once whether the relation is empty and marks it so: for relations built pair
   * by pair that stay as they are afterwards (a model's inputs), whose emptiness the
   * operations reading them then see for free. Returns the relation.
   */
  markIfEmpty(): this {
    this.knownEmpty = this.isEmpty();
    return this;
  }

  isEmpty(): boolean {
    if (this.knownEmpty) return true;
    const a = this.words;
    for (let i = 0; i < a.length; i++) if (a[i] !== 0) return false;
    return true;
  }
  isIrreflexive(): boolean {
    for (let i = 0; i < this.n; i++) if (this.has(i, i)) return false;
    return true;
  }
  /**
   * Whether the relation has no cycle: a depth-first search that stops at the first edge
   * back to an event on its path. When an event is entered, its path holds exactly its
   * ancestors, so its row is tested against the path once, then its unvisited successors
   * are entered in turn. Visited and on-path events are bit sets, so each event costs a
   * few word operations besides its own successors: a fraction of Kahn's per-edge count
   * on the dense relations models check (po-loc | com after each coherence order).
   */
  isAcyclic(): boolean {
    if (this.knownEmpty) return true;
    const s = this.stride;
    return s === 1 ? this.acyclicOneWord() : this.acyclicWords();
  }

  /** isAcyclic for up to 32 events: bit sets of one word. */
  private acyclicOneWord(): boolean {
    const n = this.n,
      a = this.words;
    const stack = scratchInts(n, 0); // events on the path, root first
    const pending = scratchInts(n, 1); // by path position: successors left to enter
    let visited = 0;
    for (let root = 0; root < n; root++) {
      const rootBit = 1 << root;
      if ((visited & rootBit) !== 0 || a[root] === 0) continue;
      if ((a[root] & rootBit) !== 0) return false;
      visited |= rootBit;
      let path = rootBit;
      stack[0] = root;
      pending[0] = a[root];
      let sp = 1;
      while (sp > 0) {
        const next = pending[sp - 1] & ~visited;
        if (next === 0) {
          path &= ~(1 << stack[--sp]);
          continue;
        }
        const t = next & -next;
        pending[sp - 1] = next ^ t;
        const j = 31 - Math.clz32(t);
        const row = a[j];
        if ((row & (path | t)) !== 0) return false;
        visited |= t;
        path |= t;
        stack[sp] = j;
        pending[sp++] = row;
      }
    }
    return true;
  }

  /** isAcyclic for any number of events: bit sets of `stride` words. */
  private acyclicWords(): boolean {
    const n = this.n,
      s = this.stride,
      a = this.words;
    // One block of scratch: visited (s words), path (s words), then the path's events
    // (n) and, by path position, the successors left to enter (n rows of s words).
    const room = scratchInts(2 * s + n + n * s, 0);
    room.fill(0, 0, 2 * s);
    const VISITED = 0,
      PATH = s,
      STACK = 2 * s,
      PENDING = 2 * s + n;
    for (let root = 0; root < n; root++) {
      const rw = root >>> 5,
        rb = 1 << (root & 31);
      if ((room[VISITED + rw] & rb) !== 0) continue;
      const ro = root * s;
      let any = 0;
      for (let q = 0; q < s; q++) any |= a[ro + q];
      if (any === 0) continue;
      if ((a[ro + rw] & rb) !== 0) return false;
      room[VISITED + rw] |= rb;
      room[PATH + rw] |= rb;
      room[STACK] = root;
      for (let q = 0; q < s; q++) room[PENDING + q] = a[ro + q];
      let sp = 1;
      while (sp > 0) {
        const po = PENDING + (sp - 1) * s;
        let w = 0,
          next = 0;
        for (; w < s; w++) {
          next = room[po + w] & ~room[VISITED + w];
          if (next !== 0) break;
          room[po + w] = 0;
        }
        if (next === 0) {
          const done = room[STACK + --sp];
          room[PATH + (done >>> 5)] &= ~(1 << (done & 31));
          continue;
        }
        const t = next & -next;
        room[po + w] = next ^ t;
        const j = (w << 5) + (31 - Math.clz32(t));
        const jo = j * s;
        room[VISITED + w] |= t;
        room[PATH + w] |= t;
        for (let q = 0; q < s; q++) if ((a[jo + q] & room[PATH + q]) !== 0) return false;
        room[STACK + sp] = j;
        const no = PENDING + sp * s;
        for (let q = 0; q < s; q++) room[no + q] = a[jo + q];
        sp++;
      }
    }
    return true;
  }

  equals(o: Relation): boolean {
    return wordsEqual(this.words, o.words);
  }
  /** True when every pair of this relation is in o. */
  isSubsetOf(o: Relation): boolean {
    return wordsSubset(this.words, o.words);
  }
  /** A total order consistent with equals (for sets of relations). */
  compare(o: Relation): number {
    return compareWords(this.words, o.words);
  }
  clone(): Relation {
    return new Relation(this.n, copyWords(this.words), this.knownEmpty);
  }
  /** Pairs in row-major order (source, then target ascending). */
  pairs(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    const n = this.n,
      s = this.stride,
      a = this.words;
    for (let i = 0; i < n; i++) {
      noteWork(32 * s);
      const off = i * s;
      for (let w = 0; w < s; w++) {
        let x = a[off + w];
        while (x !== 0) {
          const t = x & -x;
          out.push([i, (w << 5) + (31 - Math.clz32(t))]);
          x ^= t;
        }
      }
    }
    return out;
  }
  size(): number {
    let c = 0;
    const a = this.words;
    for (let i = 0; i < a.length; i++) if (a[i] !== 0) c += popcount32(a[i]);
    return c;
  }
  /** Successors of i as a set. */
  row(i: number): EventSet {
    const s = this.stride;
    return new EventSet(this.n, this.words.slice(i * s, i * s + s));
  }
  /** First pair in row-major order, or null when empty. */
  firstPair(): [number, number] | null {
    const n = this.n,
      s = this.stride,
      a = this.words;
    for (let i = 0; i < n; i++) {
      const off = i * s;
      for (let w = 0; w < s; w++) {
        const x = a[off + w];
        if (x !== 0) return [i, (w << 5) + (31 - Math.clz32(x & -x))];
      }
    }
    return null;
  }
}
