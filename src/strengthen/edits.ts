// The strengthening edits of a C (LKMM) litmus test's source: each turns one access into a
// more ordered one, inserts one fence between two accesses of a thread, or (a different
// kind of fix: mutual exclusion rather than ordering) wraps a thread's accesses in a
// critical section of one lock shared by every thread so wrapped. Edits work on the source
// text, line by line, so the edited test is what a developer would write and a solution
// prints as a diff of the test.

import { assertNever } from '../diagnostics.js';
import { replaceCell } from './columns.js';

export type EditKind =
  | 'acquire'
  | 'release'
  | 'mb'
  | 'rmb'
  | 'wmb'
  | 'mb-before-atomic'
  | 'mb-after-atomic'
  | 'rmw-ordered'
  | 'rcu-dereference'
  | 'fetch-atomic'
  | 'lock';

export const EDIT_KINDS: readonly EditKind[] = [
  'acquire',
  'release',
  'mb',
  'rmb',
  'wmb',
  'mb-before-atomic',
  'mb-after-atomic',
  'rmw-ordered',
  'rcu-dereference',
  'fetch-atomic',
  'lock',
];

/**
 * One line of the source replaced, one cell of a program row replaced (tests written in
 * columns), or a new line inserted before or after it.
 */
export type LineChange =
  | {
      /** 0-based source line. */
      line: number;
      op: 'replace' | 'before' | 'after';
      text: string;
    }
  | { line: number; op: 'cell'; column: number; text: string };

/** Where an edit acts, for pruning by the cycles of the outcome's witnesses (cycles.ts). */
export type EditPlace =
  | { kind: 'access'; line: number }
  | { kind: 'gap'; line: number }
  | { kind: 'section'; first: number; last: number };

export interface Edit {
  kind: EditKind;
  /** The thread's number (P0 -> 0). */
  thread: number;
  /**
   * 0-based source line: the access rewritten, the access a fence is inserted before, or
   * the first line of a critical section.
   */
  line: number;
  /**
   * Edits with the same slot cannot be combined (one rewrite per access, one fence per
   * gap, one critical section per thread).
   */
  slot: string;
  place: EditPlace;
  changes: LineChange[];
  /** What the edit does, as the hunk headers and the list of edits tried say. */
  what: string;
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
  /** The `Pn(...)` line. */
  header: number;
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
          bodies.push({ thread: Number(m[1]), header: i, first, last: j - 1 });
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

/**
 * Whether the value `line` loads with READ_ONCE is a pointer: the register it is assigned
 * to is declared a pointer in the thread, or the location is a pointer to a pointer in the
 * thread's parameters. Only such loads become rcu_dereference().
 */
function loadsPointer(lines: string[], body: ThreadBody, line: string): boolean {
  const m = /(\w+)\s*=\s*READ_ONCE\s*\(\s*\*\s*(\w+)\s*\)/.exec(line);
  if (!m) return false;
  const [, register, location] = m;
  const declaredPointer = new RegExp(`\\*\\s*${register}\\b`);
  for (let i = body.first; i <= body.last; i++)
    if (/^\s*(?:const\s+)?\w+\s*\*/.test(lines[i]) && declaredPointer.test(lines[i])) return true;
  return new RegExp(`\\*\\s*\\*\\s*${location}\\b`).test(lines[body.header]);
}

/** A name for the lock of critical sections that no identifier of the source uses. */
function freshLockName(source: string): string {
  for (let k = 0; ; k++) {
    const name = k === 0 ? 'lock' : `lock${k}`;
    if (!new RegExp(`\\b${name}\\b`).test(source)) return name;
  }
}

const DECLARATION =
  /^\s*(?:(?:const|unsigned|signed|volatile)\s+)*\w+[\s*]+\w+\s*(?:,\s*\**\s*\w+\s*)*;\s*(?:\/\/.*)?$/;

/**
 * The critical section wrapping a thread's statements: spin_lock() before its first
 * statement after the declarations, spin_unlock() after its last line, and the lock added
 * to the thread's parameters. Null when the thread's header or body does not allow it.
 */
function lockEdit(lines: string[], body: ThreadBody, lock: string): Edit | null {
  const header = lines[body.header];
  const open = header.indexOf('(');
  const close = closingParen(header, open);
  if (close < 0) return null;
  let first = body.first;
  while (first <= body.last && (lines[first].trim() === '' || DECLARATION.test(lines[first])))
    first++;
  let last = body.last;
  while (last >= first && /^\s*(?:\/\/.*)?$/.test(lines[last])) last--;
  if (first > last) return null;
  const params = header.slice(open + 1, close - 1).trim();
  const withLock = `${params === '' ? '' : `${params}, `}spinlock_t *${lock}`;
  const indent = indentOf(lines[first]);
  return {
    kind: 'lock',
    what: describeCEdit('lock'),
    thread: body.thread,
    line: first,
    slot: `lock:${body.thread}`,
    place: { kind: 'section', first, last },
    changes: [
      {
        line: body.header,
        op: 'replace',
        text: `${header.slice(0, open + 1)}${withLock}${header.slice(close - 1)}`,
      },
      { line: first, op: 'before', text: `${indent}spin_lock(${lock});` },
      { line: last, op: 'after', text: `${indent}spin_unlock(${lock});` },
    ],
  };
}

/** Every strengthening edit of the test's source, thread by thread, in source order. */
export function strengtheningEdits(source: string): Edit[] {
  const lines = source.split('\n');
  const edits: Edit[] = [];
  const lock = freshLockName(source);
  for (const body of threadBodies(lines)) {
    const accesses = accessesOf(lines, body);
    accesses.forEach((access, k) => {
      const line = lines[access.line];
      const at = {
        thread: body.thread,
        line: access.line,
        slot: `access:${access.line}`,
        place: { kind: 'access', line: access.line } as const,
      };
      const rewrite = (kind: EditKind, text: string | null): void => {
        if (text !== null)
          edits.push({
            ...at,
            kind,
            what: describeCEdit(kind),
            changes: [{ line: access.line, op: 'replace', text }],
          });
      };
      rewrite(
        'acquire',
        rewriteCall(line, 'READ_ONCE', ([loc]) =>
          loc === undefined ? null : `smp_load_acquire(${addressOf(loc)})`,
        ),
      );
      if (loadsPointer(lines, body, line))
        rewrite(
          'rcu-dereference',
          rewriteCall(line, 'READ_ONCE', ([loc]) =>
            loc === undefined ? null : `rcu_dereference(${loc})`,
          ),
        );
      rewrite(
        'release',
        rewriteCall(line, 'WRITE_ONCE', ([loc, value]) =>
          value === undefined ? null : `smp_store_release(${addressOf(loc)}, ${value})`,
        ),
      );
      const ordered = RMW_WITH_ORDER.exec(line);
      if (ordered) rewrite('rmw-ordered', line.replace(`${ordered[1]}_${ordered[2]}`, ordered[1]));
      // A fence between this access and the previous one of the same block.
      const before = accesses[k - 1];
      if (!before || before.depth !== access.depth) return;
      const earlier = accesses.slice(0, k);
      const later = accesses.slice(k);
      const fences: FenceKind[] = ['mb'];
      if (earlier.some((a) => a.reads) && later.some((a) => a.reads)) fences.push('rmb');
      if (earlier.some((a) => a.writes) && later.some((a) => a.writes)) fences.push('wmb');
      if (access.voidAtomic) fences.push('mb-before-atomic');
      if (before.voidAtomic) fences.push('mb-after-atomic');
      for (const fence of fences)
        edits.push({
          kind: fence,
          what: describeCEdit(fence),
          thread: body.thread,
          line: access.line,
          slot: `gap:${access.line}`,
          place: { kind: 'gap', line: access.line },
          changes: [{ line: access.line, op: 'before', text: indentOf(line) + FENCE_CALL[fence] }],
        });
    });
    if (accesses.length > 0) {
      const section = lockEdit(lines, body, lock);
      if (section) edits.push(section);
    }
  }
  return edits;
}

/** Whether the edit is mutual exclusion (a critical section) rather than ordering. */
export function isLockEdit(e: Edit): boolean {
  return e.kind === 'lock';
}

/** The source with `edits` applied (at most one per slot). */
export function applyEdits(source: string, edits: readonly Edit[]): string {
  const lines = source.split('\n');
  const changes = edits.flatMap((e) => e.changes);
  const out: string[] = [];
  lines.forEach((line, i) => {
    const here = changes.filter((c) => c.line === i);
    const inserted = (op: 'before' | 'after'): string[] => {
      // Critical sections hug the code they wrap: fences go outside them.
      const isLock = (text: string): number => Number(/spin_(?:un)?lock\(/.test(text));
      const texts = here.filter((c) => c.op === op).map((c) => c.text);
      return texts.sort((a, b) => (op === 'before' ? 1 : -1) * (isLock(a) - isLock(b)));
    };
    out.push(...inserted('before'));
    out.push(changedLine(line, here));
    out.push(...inserted('after'));
  });
  return out.join('\n');
}

/** The line with its replacement or its cell rewrites applied. */
function changedLine(line: string, changes: readonly LineChange[]): string {
  let text = line;
  for (const c of changes)
    if (c.op === 'replace') text = c.text;
    else if (c.op === 'cell') text = replaceCell(text, c.column, c.text);
  return text;
}

/** A diff of the edits, one hunk per edit, in source order (line numbers are the original's). */
export function formatEditDiff(source: string, edits: readonly Edit[]): string {
  const lines = source.split('\n');
  const hunks = [...edits].sort((a, b) => a.line - b.line || a.kind.localeCompare(b.kind));
  return hunks
    .map((e) =>
      [...e.changes]
        .sort((a, b) => a.line - b.line)
        .map((c, i) => {
          // A change away from the others (a critical section's header) gets its own head.
          const head = `@@ P${e.thread}, line ${c.line + 1}${i === 0 ? `: ${describeEdit(e)}` : ''} @@\n`;
          switch (c.op) {
            case 'replace':
            case 'cell':
              return `${head}-${lines[c.line]}\n+${changedLine(lines[c.line], [c])}\n`;
            case 'before':
              return `${head} ${lines[c.line - 1] ?? ''}\n+${c.text}\n ${lines[c.line]}\n`;
            case 'after':
              return `${head} ${lines[c.line]}\n+${c.text}\n`;
            default:
              return assertNever(c);
          }
        })
        .join(''),
    )
    .join('');
}

/** A short description of one edit, as the "tried" list and the hunk headers print it. */
export function describeEdit(e: Edit): string {
  return e.what;
}

/** What an edit of a C test does, by kind. */
function describeCEdit(kind: EditKind): string {
  switch (kind) {
    case 'acquire':
      return 'READ_ONCE -> smp_load_acquire';
    case 'release':
      return 'WRITE_ONCE -> smp_store_release';
    case 'rmw-ordered':
      return 'relaxed RMW -> fully ordered RMW';
    case 'rcu-dereference':
      return 'READ_ONCE -> rcu_dereference';
    case 'mb':
    case 'rmb':
    case 'wmb':
      return `insert smp_${kind}()`;
    case 'mb-before-atomic':
      return 'insert smp_mb__before_atomic()';
    case 'mb-after-atomic':
      return 'insert smp_mb__after_atomic()';
    case 'lock':
      return 'lock: wrap the thread in a critical section (mutual exclusion, not ordering)';
    case 'fetch-atomic':
      return 'non-fetching atomic -> fetching atomic';
    default:
      return assertNever(kind);
  }
}

const NAME_PART: Record<EditKind, string> = {
  acquire: 'acquire',
  release: 'release',
  mb: 'mb',
  rmb: 'rmb',
  wmb: 'wmb',
  'mb-before-atomic': 'mbbeforeatomic',
  'mb-after-atomic': 'mbafteratomic',
  'rmw-ordered': 'orderedrmw',
  'rcu-dereference': 'deref',
  'fetch-atomic': 'fetch',
  lock: 'lock',
};

/**
 * The edited test under a name of its own: the original name, then what changed, thread
 * by thread in source order (`MP+poonceonces` fixed by a release and an acquire becomes
 * `MP+poonceonces+release+acquire`), so the two are never mistaken for each other.
 */
export function renameTest(text: string, edits: readonly Edit[]): string {
  const parts = [...edits].sort((a, b) => a.line - b.line).map((e) => NAME_PART[e.kind]);
  return text.replace(
    /^(\s*\S+[ \t]+)(\S+)/,
    (_, head: string, name: string) => `${head}${name}+${parts.join('+')}`,
  );
}
