// The strengthening edits of a C (LKMM) litmus test's source: each turns one access into a
// more ordered one, or inserts one fence between two accesses of a thread. Edits work on
// the source text, line by line, so the edited test is what a developer would write and a
// solution prints as a diff of the test.

import { assertNever } from '../diagnostics.js';

export type EditKind =
  | 'acquire'
  | 'release'
  | 'mb'
  | 'rmb'
  | 'wmb'
  | 'mb-before-atomic'
  | 'mb-after-atomic'
  | 'rmw-ordered';

export const EDIT_KINDS: readonly EditKind[] = [
  'acquire',
  'release',
  'mb',
  'rmb',
  'wmb',
  'mb-before-atomic',
  'mb-after-atomic',
  'rmw-ordered',
];

export interface Edit {
  kind: EditKind;
  /** The thread's number (P0 -> 0). */
  thread: number;
  /** 0-based source line: the access rewritten, or the access a fence is inserted before. */
  line: number;
  /** Edits with the same slot cannot be combined (one rewrite per access, one fence per gap). */
  slot: string;
  /** The rewritten line, or the fence's line to insert. */
  text: string;
}

/** One access statement of a thread, found on a line of its body. */
interface Access {
  line: number;
  reads: boolean;
  writes: boolean;
  /** A value-less atomic RMW (atomic_inc, ...): the one smp_mb__before/after_atomic order. */
  voidAtomic: boolean;
  /** Brace depth inside the thread body: fences go only between accesses of one block. */
  depth: number;
}

const READS = /\b(READ_ONCE|smp_load_acquire|rcu_dereference|atomic_read(?:_acquire)?)\s*\(/;
const WRITES = /\b(WRITE_ONCE|smp_store_release|rcu_assign_pointer|atomic_set(?:_release)?)\s*\(/;
const RMWS = /\b(?:atomic(?:64|_long)?_\w+|xchg\w*|cmpxchg\w*)\s*\(/;
const VOID_ATOMIC = /\batomic(?:64|_long)?_(?:inc|dec|add|sub|and|or|xor|andnot)\s*\(/;
const RMW_WITH_ORDER =
  /\b((?:atomic\w*_|)(?:xchg|cmpxchg|fetch_\w+|\w+_return))_(relaxed|acquire|release)\s*\(/;

/** The index just past the parenthesised argument list that opens at `open`, or -1. */
function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i + 1;
  }
  return -1;
}

/** The top-level comma-separated arguments between `open` and its closing parenthesis. */
function splitArguments(text: string, open: number, close: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open + 1; i < close - 1; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === ',' && depth === 0) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  args.push(text.slice(start, close - 1).trim());
  return args;
}

/** `*p` -> `p`, `x` -> `&x`: READ_ONCE takes the location, the acquire/release forms its address. */
function addressOf(lvalue: string): string {
  return lvalue.startsWith('*') ? lvalue.slice(1).trim() : `&${lvalue}`;
}

/** Rewrite the first call of `name` on `line` with `rewrite(args)`, or null if absent. */
function rewriteCall(
  line: string,
  name: string,
  rewrite: (args: string[]) => string | null,
): string | null {
  const m = new RegExp(`\\b${name}\\s*\\(`).exec(line);
  if (!m) return null;
  const open = m.index + m[0].length - 1;
  const close = closingParen(line, open);
  if (close < 0) return null;
  const replacement = rewrite(splitArguments(line, open, close));
  return replacement === null ? null : line.slice(0, m.index) + replacement + line.slice(close);
}

interface ThreadBody {
  thread: number;
  /** Lines strictly inside the body's braces. */
  first: number;
  last: number;
}

/** Each `Pn(...) { ... }` of the source, found by brace matching. */
function threadBodies(lines: string[]): ThreadBody[] {
  const bodies: ThreadBody[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*P(\d+)\s*\(/.exec(lines[i]);
    if (!m) continue;
    let depth = 0;
    let first = -1;
    for (let j = i; j < lines.length; j++) {
      for (const ch of lines[j]) {
        if (ch === '{') {
          if (depth++ === 0) first = j + 1;
        } else if (ch === '}' && --depth === 0 && first >= 0) {
          bodies.push({ thread: Number(m[1]), first, last: j - 1 });
          i = j;
          j = lines.length;
          break;
        }
      }
    }
  }
  return bodies;
}

function accessesOf(lines: string[], body: ThreadBody): Access[] {
  const accesses: Access[] = [];
  let depth = 0;
  for (let i = body.first; i <= body.last; i++) {
    const code = lines[i].replace(/\/\/.*$/, '');
    const rmw = !READS.test(code) && !WRITES.test(code) && RMWS.test(code);
    const reads = READS.test(code) || rmw;
    const writes = WRITES.test(code) || rmw;
    if (reads || writes)
      accesses.push({ line: i, reads, writes, voidAtomic: VOID_ATOMIC.test(code), depth });
    for (const ch of code) {
      if (ch === '{') depth++;
      else if (ch === '}') depth--;
    }
  }
  return accesses;
}

function indentOf(line: string): string {
  return /^\s*/.exec(line)![0];
}

type FenceKind = 'mb' | 'rmb' | 'wmb' | 'mb-before-atomic' | 'mb-after-atomic';

const FENCE_CALL: Record<FenceKind, string> = {
  mb: 'smp_mb();',
  rmb: 'smp_rmb();',
  wmb: 'smp_wmb();',
  'mb-before-atomic': 'smp_mb__before_atomic();',
  'mb-after-atomic': 'smp_mb__after_atomic();',
};

/** Every strengthening edit of the test's source, thread by thread, in source order. */
export function strengtheningEdits(source: string): Edit[] {
  const lines = source.split('\n');
  const edits: Edit[] = [];
  for (const body of threadBodies(lines)) {
    const accesses = accessesOf(lines, body);
    accesses.forEach((access, k) => {
      const line = lines[access.line];
      const acquire = rewriteCall(line, 'READ_ONCE', ([loc]) =>
        loc === undefined ? null : `smp_load_acquire(${addressOf(loc)})`,
      );
      const release = rewriteCall(line, 'WRITE_ONCE', ([loc, value]) =>
        value === undefined ? null : `smp_store_release(${addressOf(loc)}, ${value})`,
      );
      const ordered = RMW_WITH_ORDER.exec(line);
      const slot = `access:${access.line}`;
      const at = { thread: body.thread, line: access.line, slot };
      if (acquire !== null) edits.push({ ...at, kind: 'acquire', text: acquire });
      if (release !== null) edits.push({ ...at, kind: 'release', text: release });
      if (ordered)
        edits.push({
          ...at,
          kind: 'rmw-ordered',
          text: line.replace(`${ordered[1]}_${ordered[2]}`, ordered[1]),
        });
      // A fence between this access and the previous one of the same block.
      const before = accesses[k - 1];
      if (!before || before.depth !== access.depth) return;
      const gap = { thread: body.thread, line: access.line, slot: `gap:${access.line}` };
      const earlier = accesses.slice(0, k);
      const later = accesses.slice(k);
      const fences: FenceKind[] = ['mb'];
      if (earlier.some((a) => a.reads) && later.some((a) => a.reads)) fences.push('rmb');
      if (earlier.some((a) => a.writes) && later.some((a) => a.writes)) fences.push('wmb');
      if (access.voidAtomic) fences.push('mb-before-atomic');
      if (before.voidAtomic) fences.push('mb-after-atomic');
      for (const fence of fences)
        edits.push({ ...gap, kind: fence, text: indentOf(line) + FENCE_CALL[fence] });
    });
  }
  return edits;
}

function isInsertion(kind: EditKind): boolean {
  switch (kind) {
    case 'mb':
    case 'rmb':
    case 'wmb':
    case 'mb-before-atomic':
    case 'mb-after-atomic':
      return true;
    case 'acquire':
    case 'release':
    case 'rmw-ordered':
      return false;
    default:
      return assertNever(kind);
  }
}

/** The source with `edits` applied (at most one per slot). */
export function applyEdits(source: string, edits: readonly Edit[]): string {
  const lines = source.split('\n');
  const out: string[] = [];
  lines.forEach((line, i) => {
    for (const e of edits) if (e.line === i && isInsertion(e.kind)) out.push(e.text);
    const rewrite = edits.find((e) => e.line === i && !isInsertion(e.kind));
    out.push(rewrite ? rewrite.text : line);
  });
  return out.join('\n');
}

/** A diff of the edits, one hunk per edit, in source order (line numbers are the original's). */
export function formatEditDiff(source: string, edits: readonly Edit[]): string {
  const lines = source.split('\n');
  const hunks = [...edits].sort((a, b) => a.line - b.line || a.kind.localeCompare(b.kind));
  return hunks
    .map((e) => {
      const head = `@@ P${e.thread}, line ${e.line + 1}: ${describeEdit(e)} @@\n`;
      if (isInsertion(e.kind))
        return `${head} ${lines[e.line - 1] ?? ''}\n+${e.text}\n ${lines[e.line]}\n`;
      return `${head}-${lines[e.line]}\n+${e.text}\n`;
    })
    .join('');
}

/** A short description of one edit, as the "tried" list and the hunk headers print it. */
export function describeEdit(e: Edit): string {
  switch (e.kind) {
    case 'acquire':
      return 'READ_ONCE -> smp_load_acquire';
    case 'release':
      return 'WRITE_ONCE -> smp_store_release';
    case 'rmw-ordered':
      return 'relaxed RMW -> fully ordered RMW';
    case 'mb':
    case 'rmb':
    case 'wmb':
      return `insert smp_${e.kind}()`;
    case 'mb-before-atomic':
      return 'insert smp_mb__before_atomic()';
    case 'mb-after-atomic':
      return 'insert smp_mb__after_atomic()';
    default:
      return assertNever(e.kind);
  }
}
