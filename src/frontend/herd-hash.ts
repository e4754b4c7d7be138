// herd7's digest of a litmus test: the `Hash=` line of its report. Scripts (mcompare7,
// the kernel's history scripts) compare it across runs, so it must be herd7's value,
// computed the way herd7 computes it:
//
//   MD5( info' + init' + code' + observed' )          printed in lowercase hex,
//
// where each primed part is the raw 16-byte MD5 of one text:
// - info: the header's `key=value` lines whose key is MemoryType or MT, as
//   `lowercasekey=value`, keys sorted, concatenated in reverse; empty (no digest at all)
//   when there is none;
// - init: the initial state, sorted by location (registers by thread then name, then
//   symbolic registers `%r`, then shared locations by name), one entry per location,
//   `; `-separated, each entry written as in the test (`x=1`, `int x=0`, `int *p=x`,
//   `0:r1=x`; a symbolic register without its `%`);
// - code: the threads laid out as columns, one row per line, each cell padded to its
//   column's width and framed by one space, cells joined by `|`, rows ended by `;\n`;
// - observed: the locations of the `locations` clause and of the final condition, as a
//   sorted set (array elements after whole locations), `; `-separated.
// Front-ends supply the texts (what a C body or a BPF instruction looks like is theirs to
// say); this module only orders, joins and digests them.
//
// A test whose header already carries `Hash=...` keeps that value, as in herd7.

import { createHash } from 'node:crypto';
import type { Prop, StateLoc } from '../program/ir.js';
import { forEachPropLocation } from '../program/ir.js';

/** One initial-state entry as herd7 writes it for the digest. */
export interface HashInitEntry {
  /** Thread of a register entry, null for a shared location. */
  thread: number | null;
  /** Register or location name. */
  name: string;
  /** The whole entry, e.g. `int *p=x` or `0:r1=x`. */
  text: string;
}

export interface HashInput {
  /** The test's header: the text between its first line and the initial state. */
  header: string;
  init: HashInitEntry[];
  /** Per thread, in source order, the lines of its code. */
  code: string[][];
  /** Locations of the `locations` clause and of the final condition (repeats allowed). */
  observed: StateLoc[];
}

/** The raw 16-byte MD5 of a text, one character per byte (latin1). */
function md5(text: string): string {
  return Buffer.from(createHash('md5').update(text, 'utf8').digest('hex'), 'hex').toString(
    'latin1',
  );
}

/** OCaml's String.compare: byte order, which for these ASCII names is code-unit order. */
function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareLocation(
  a: { thread: number | null; name: string },
  b: { thread: number | null; name: string },
): number {
  if (a.thread !== null && b.thread !== null)
    return a.thread - b.thread || byteCompare(a.name, b.name);
  return rank(a) - rank(b) || byteCompare(a.name, b.name);
}

/**
 * Thread registers first, then symbolic registers (`%name`), then shared locations, then
 * array elements (`u[0]` comes after `x`: herd7 orders a cell after every whole location).
 */
function rank(l: { thread: number | null; name: string }): number {
  return l.thread !== null ? 0 : l.name.startsWith('%') ? 1 : l.name.endsWith(']') ? 3 : 2;
}

/** `key=value` lines of a header, in order (herd7's test "info"). */
function headerInfo(header: string): [string, string][] {
  const info: [string, string][] = [];
  // Comments may hold anything, `=` included: drop them first.
  const bare = header.replace(/\(\*[\s\S]*?\*\)/g, '');
  for (const line of bare.split('\n')) {
    const m = /^\s*([A-Za-z][\w/.-]*)[ \t\r]*=[ \t\r]*(.*)$/.exec(line);
    if (m) info.push([m[1]!, m[2]!]);
  }
  return info;
}

function infoDigest(info: [string, string][]): string {
  const digested = info
    .filter(([k]) => /^(memorytype|mt)$/i.test(k))
    .sort((a, b) => byteCompare(a[0], b[0]))
    .map(([k, v]) => `${k.toLowerCase()}=${v}`)
    .reverse();
  return digested.length === 0 ? '' : md5(digested.join(''));
}

function initText(init: HashInitEntry[]): string {
  const sorted = [...init].sort(compareLocation);
  const kept = sorted.filter((e, i) => i === 0 || compareLocation(sorted[i - 1]!, e) !== 0);
  return kept.map((e) => e.text).join('; ');
}

/** Columns side by side, as herd7 lays out code for its digest. */
export function layOutColumns(columns: string[][]): string {
  const widths = columns.map((c) => Math.max(0, ...c.map((s) => Buffer.byteLength(s))));
  const rows = Math.max(0, ...columns.map((c) => c.length));
  let out = '';
  for (let r = 0; r < rows; r++) {
    const cells = columns.map((c, k) => {
      const s = c[r] ?? '';
      return ` ${s}${' '.repeat(widths[k]! - Buffer.byteLength(s))} `;
    });
    out += cells.join('|') + ';\n';
  }
  return out;
}

function observedText(observed: StateLoc[]): string {
  const locs = observed.map((l) =>
    l.kind === 'reg' ? { thread: l.thread, name: l.name } : { thread: null, name: l.name },
  );
  locs.sort(compareLocation);
  const kept = locs.filter((l, i) => i === 0 || compareLocation(locs[i - 1]!, l) !== 0);
  return kept.map((l) => (l.thread === null ? l.name : `${l.thread}:${l.name}`)).join('; ');
}

/** The locations a condition or filter mentions, in order. */
export function propLocations(p: Prop): StateLoc[] {
  const out: StateLoc[] = [];
  forEachPropLocation(p, (l) => out.push(l));
  return out;
}

/** herd7's `Hash=` value for a test. */
export function herdHash(input: HashInput): string {
  const info = headerInfo(input.header);
  const given = info.find(([k]) => k.toLowerCase() === 'hash');
  if (given) return given[1].trim();
  const parts =
    infoDigest(info) +
    md5(initText(input.init)) +
    md5(layOutColumns(input.code)) +
    md5(observedText(input.observed));
  return createHash('md5').update(parts, 'latin1').digest('hex');
}
