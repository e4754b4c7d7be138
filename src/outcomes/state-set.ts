// The distinct final states of a run, kept as rows (one value per column). Two rows are
// the same state when their values have the same keys column by column (stateValueKey):
// what a map keyed by the joined keys would keep, without making a key string per
// candidate. The RCU family at 19 processes has 524,288 distinct states, one per
// candidate: a string key and a lookup in a map of that size cost more per candidate
// than the rows' own hashes and an open-addressed table of row indices.

import { stateValueKey, type StateValue } from './final-state.js';

/** A set of final-state rows, in the order they were first added. */
export class StateRowSet {
  private readonly rows: StateValue[][] = [];
  private hashes: number[] = [];
  /** Open addressing: 0 for a free slot, else 1 + the index of a row. */
  private table = new Int32Array(1024);

  get size(): number {
    return this.rows.length;
  }

  /**
   * Adds a copy of the row unless a row with the same values is there already (that one
   * stays): the caller may fill the same row again for its next candidate.
   */
  add(row: readonly StateValue[]): void {
    const h = rowHash(row);
    const mask = this.table.length - 1;
    for (let at = h & mask; ; at = (at + 1) & mask) {
      const slot = this.table[at];
      if (slot === 0) {
        this.rows.push(row.slice());
        this.hashes.push(h);
        this.table[at] = this.rows.length;
        if (this.rows.length * 2 > this.table.length) this.grow();
        return;
      }
      if (this.hashes[slot - 1] === h && sameRow(this.rows[slot - 1], row)) return;
    }
  }

  values(): StateValue[][] {
    return this.rows.slice();
  }

  private grow(): void {
    const table = new Int32Array(this.table.length * 2);
    const mask = table.length - 1;
    for (let i = 0; i < this.rows.length; i++) {
      let at = this.hashes[i] & mask;
      while (table[at] !== 0) at = (at + 1) & mask;
      table[at] = i + 1;
    }
    this.table = table;
  }
}

/** Whether two rows are the same state: equal keys column by column. */
function sameRow(a: readonly StateValue[], b: readonly StateValue[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i],
      y = b[i];
    if (typeof x === 'number' && typeof y === 'number') {
      // The keys of two numbers are equal exactly when the numbers are (NaN's key too).
      if (x !== y && !(x !== x && y !== y)) return false;
    } else if (stateValueKey(x) !== stateValueKey(y)) return false;
  }
  return true;
}

/** A row's hash, the same for rows sameRow takes as equal. */
function rowHash(row: readonly StateValue[]): number {
  let h = 0x811c9dc5 ^ row.length;
  for (let i = 0; i < row.length; i++) h = Math.imul(h ^ valueHash(row[i]), 0x01000193);
  return (h ^ (h >>> 15)) >>> 0;
}

/**
 * A value's hash: an integer's from its value (a number and a bigint of the same integer
 * have the same key, and so the same hash), anything else's from its key.
 */
function valueHash(v: StateValue): number {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return integerHash(v);
  if (typeof v === 'bigint') {
    const n = Number(v);
    if (Number.isSafeInteger(n) && BigInt(n) === v) return integerHash(n);
  }
  return stringHash(stateValueKey(v));
}

function integerHash(n: number): number {
  const low = n | 0;
  const high = Math.floor(n / 0x100000000) | 0;
  return Math.imul(low ^ Math.imul(high, 0x27d4eb2d), 0x9e3779b1);
}

function stringHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}
