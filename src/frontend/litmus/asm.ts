// The litmus layout every assembly dialect shares (X86, X86_64, RISCV, PPC, AArch64):
// the header, the initial state `{ ... }`, the program as rows of `|`-separated cells
// under a `P0 | P1 ;` row, and the clauses (`locations`, `filter`, `exists`/`forall`).
// A dialect only says what its registers are called and what one instruction cell does;
// everything about the layout and the state language lives here.

import { assertNever, OrdoError } from '../../diagnostics.js';
import { checkLimits } from '../../limits.js';
import type {
  Expr,
  InitEntry,
  IntType,
  LitmusTest,
  Prop,
  SourcePos,
  StateLoc,
  Stmt,
  Thread,
  Value,
} from '../../program/ir.js';
import {
  codeLabelOf,
  exprOperands,
  forEachStatement,
  mapPropLocations,
  stmtParts,
} from '../../program/ir.js';
import { ppProp } from '../c/state.js';
import { herdHash, propLocations } from '../herd-hash.js';
import { canonicalLocation, readLitmusFrame } from './frame.js';

/** One instruction cell as written: its text (label removed) and where it starts. */
export interface InstructionCell {
  text: string;
  pos: SourcePos;
  thread: number;
  /** The label of the instruction that follows in the thread, if it has one (a call's return point). */
  nextLabel?: string;
}

/** What an assembly dialect contributes to the shared reader. */
export interface AsmDialect {
  /** The first word of the file, e.g. `X86_64`. */
  arch: string;
  /** The canonical (printed) name of a register, or null when `name` is not one. */
  register(name: string): string | null;
  /** The statements of one instruction cell (a label, if any, is already split off). */
  lower(cell: InstructionCell): Stmt[];
  /** An instruction as herd7 prints it for its digest, from its text (default: as written). */
  hashText?(text: string): string;
  /**
   * The size of every instruction in bytes, for a dialect whose branches may name their
   * target relative to themselves (`B .+8`); a branch whose target the lowering writes
   * as `.+k` / `.-k` is resolved to the instruction k bytes away.
   */
  instructionBytes?: number;
  /**
   * An instruction as a value (`instr:"B .+4"`, what a load from its code address reads),
   * from its text; `offsetTo(label)` is the byte offset from it to a label of its thread,
   * null when the thread has no such label. Without it, code addresses hold nothing.
   */
  instructionValue?(text: string, offsetTo: (label: string) => number | null): string;
}

/**
 * herd7's symbolic register `%name`: the initial state gives it a value without naming a
 * thread, and each thread whose code names it gets a register of its own holding that
 * value (herd7 allocates a free machine register; Ordo keeps the name).
 */
export const SYMBOLIC_REGISTER = /^%[A-Za-z_]\w*$/;

/** Words that end the program and start the clauses. */
const CLAUSE_START = /^(~?\s*exists|forall|locations|filter|final)\b|^~/;

/** A row of cells, split at `|`, each with its position. */
interface RawCell {
  text: string;
  pos: SourcePos;
}

/**
 * Splits the program into per-thread columns. `start` is the offset of the `P0 | ...`
 * row. Returns the columns' thread numbers, their cells, and the offset where the clauses
 * begin.
 */
function readColumns(
  text: string,
  file: string,
  start: number,
): { procs: { id: number; pos: SourcePos }[]; rows: RawCell[][]; end: number } {
  // Where each line starts, found once: a cell's position is then a binary search. (It
  // was a scan of all the text before the cell: 5,000 rows took a second, 20,000 minutes.)
  const lineStarts = [0];
  for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) lineStarts.push(k + 1);
  const posAt = (off: number): SourcePos => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (lineStarts[mid]! <= off) lo = mid;
      else hi = mid - 1;
    }
    return { file, line: lo + 1, col: off - lineStarts[lo]! + 1 };
  };
  const rows: RawCell[][] = [];
  let i = start;
  for (;;) {
    // Skip blanks and comments between rows.
    for (;;) {
      while (i < text.length && /\s/.test(text[i]!)) i++;
      if (text.startsWith('(*', i)) {
        const close = text.indexOf('*)', i + 2);
        if (close < 0) throw new OrdoError('Unterminated comment (* ... *).', posAt(i));
        i = close + 2;
        continue;
      }
      if (text.startsWith('//', i)) {
        while (i < text.length && text[i] !== '\n') i++;
        continue;
      }
      break;
    }
    if (i >= text.length || CLAUSE_START.test(text.slice(i, i + 16))) break;
    checkLimits(); // a program of 100,000 rows takes long to read: the time limit holds
    const semi = text.indexOf(';', i);
    if (semi < 0) throw new OrdoError("Syntax error: a program row must end with ';'.", posAt(i));
    const row: RawCell[] = [];
    let cellStart = i;
    for (let j = i; j <= semi; j++) {
      if (j === semi || text[j] === '|') {
        const raw = text.slice(cellStart, j);
        const lead = raw.length - raw.trimStart().length;
        row.push({ text: raw.trim(), pos: posAt(cellStart + lead) });
        cellStart = j + 1;
      }
    }
    rows.push(row);
    i = semi + 1;
  }
  const header = rows.shift();
  if (!header) {
    throw new OrdoError(
      'Syntax error: missing program (a `P0 | P1 ;` header row and instructions).',
      posAt(start),
    );
  }
  const procs = header.map((c) => {
    const m = /^P(\d+)$/.exec(c.text);
    if (!m)
      throw new OrdoError(`Syntax error: expected a thread name P<n>, found '${c.text}'.`, c.pos);
    return { id: Number(m[1]), pos: c.pos };
  });
  // Threads are told apart by their number everywhere after this (registers `0:X1`,
  // events, states): a number named twice would merge two columns' code.
  procs.forEach((p, k) => {
    if (procs.findIndex((q) => q.id === p.id) < k)
      throw new OrdoError(`Syntax error: thread P${p.id} is named twice in the header.`, p.pos);
  });
  for (const row of rows) {
    if (row.length > procs.length) {
      const extra = row[procs.length]!;
      throw new OrdoError(
        `Syntax error: this row has ${row.length} cells but the program has ${procs.length} threads.`,
        extra.pos,
      );
    }
  }
  return { procs, rows, end: i };
}

/** The label at the start of a cell (`L1:` or `L1: instr`), if any. */
function splitLabel(text: string): { label: string | null; rest: string; skip: number } {
  const m = /^(\.?[A-Za-z_][\w.]*)\s*:(?!:)\s*/.exec(text);
  if (!m) return { label: null, rest: text, skip: 0 };
  return { label: m[1]!, rest: text.slice(m[0].length), skip: m[0].length };
}

/**
 * The code as herd7 lays it out for its digest: per thread, each label (renamed L00,
 * L01, ... in name order) and each instruction with its spaces collapsed.
 */
function hashCode(
  threads: number,
  rows: RawCell[][],
  hashText: (text: string) => string,
): string[][] {
  const names = new Set<string>();
  for (const row of rows)
    for (const cell of row) {
      const { label } = splitLabel(cell.text);
      if (label !== null) names.add(label);
    }
  const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const renamed = new Map(sorted.map((n, k) => [n, `L${String(k).padStart(2, '0')}`]));
  const rename = (text: string) => text.replace(/\.?[A-Za-z_][\w.]*/g, (w) => renamed.get(w) ?? w);
  const columns: string[][] = [];
  for (let k = 0; k < threads; k++) {
    const column: string[] = [];
    for (const row of rows) {
      const cell = row[k];
      if (!cell || cell.text === '') continue;
      const { label, rest } = splitLabel(cell.text);
      if (label !== null) column.push(`${renamed.get(label)!}:`);
      if (rest !== '') column.push(rename(hashText(rest.replace(/\s+/g, ' '))));
    }
    columns.push(column);
  }
  return columns;
}

/** One cell of a thread: its label, and its instruction's statements (null: a label alone). */
interface Instruction {
  label: Stmt | null;
  stmts: Stmt[] | null;
  pos: SourcePos;
}

function statementsOf(i: Instruction): Stmt[] {
  const stmts = i.stmts ?? [];
  return i.label ? [i.label, ...stmts] : stmts;
}

/** The label Ordo gives the n-th instruction of a thread (not a name a test can write). */
function instructionLabel(n: number): string {
  return `.${n}`;
}

const RELATIVE_TARGET = /^\.([+-]\d+)$/;

/**
 * A thread's statements, with branches to `.+k` / `.-k` (k bytes from the branch)
 * retargeted at a label Ordo puts before the instruction there (labels are added only
 * to a thread that has such a branch). An offset that is not a whole number of
 * instructions, or lands before the code, is an error at the branch.
 */
function withRelativeBranches(instructions: Instruction[], bytes: number, end: SourcePos): Stmt[] {
  const relative = (s: Stmt) => s.kind === 'goto' && RELATIVE_TARGET.test(s.label);
  if (!instructions.some((i) => i.stmts?.some(relative))) return instructions.flatMap(statementsOf);
  const body: Stmt[] = [];
  let place = 0;
  for (const i of instructions) {
    if (i.label) body.push(i.label);
    if (i.stmts === null) continue;
    body.push({ kind: 'label', name: instructionLabel(place), pos: i.pos });
    for (const s of i.stmts) {
      if (s.kind !== 'goto' || !RELATIVE_TARGET.test(s.label)) {
        body.push(s);
        continue;
      }
      const offset = Number(RELATIVE_TARGET.exec(s.label)![1]);
      if (offset % bytes !== 0 || place + offset / bytes < 0)
        throw new OrdoError(`Bad branch offset '${s.label}'.`, s.pos ?? i.pos);
      body.push({ ...s, label: instructionLabel(place + offset / bytes) });
    }
    place++;
  }
  body.push({ kind: 'label', name: instructionLabel(place), pos: end });
  return body;
}

/** Whether an instruction's text names the register `reg` (a whole word). */
function mentions(text: string, reg: string): boolean {
  const at = text.indexOf(reg);
  if (at < 0) return false;
  const after = text.charAt(at + reg.length);
  return /\w/.test(after) ? mentions(text.slice(at + reg.length), reg) : true;
}

/** Every shared location named by an address in the statements. */
function addressedLocations(stmts: Stmt[], out: Set<string>): void {
  const ex = (e: Expr): void => {
    if (e.kind === 'addr') out.add(e.name);
    else exprOperands(e).forEach(ex);
  };
  forEachStatement(stmts, (s) => stmtParts(s).exprs.forEach(ex));
}

/** The type of undeclared locations and registers. */
const INT: IntType = { bits: 32, signed: true };

/** herd7's integer types by name; null for pointers and names it does not size. */
function intType(name: string): IntType | null {
  if (name.endsWith('*')) return null;
  const m = /^(u?)int(8|16|32|64)_t$/.exec(name);
  if (m) return { bits: Number(m[2]) as IntType['bits'], signed: m[1] === '' };
  switch (name) {
    case 'int':
    case 'signed':
      return INT;
    case 'unsigned':
    case 'unsigned int':
      return { bits: 32, signed: false };
    case 'char':
      return { bits: 8, signed: true };
    case 'short':
      return { bits: 16, signed: true };
    case 'long':
    case 'long long':
      return { bits: 64, signed: true };
    default:
      return null;
  }
}

/** An integer as a 64-bit machine value (a bigint); a pointer as it is. */
function toMachineValue(v: Value): Value {
  return typeof v === 'object' ? v : BigInt.asIntN(64, BigInt(v));
}

/** The condition with each constant `v` compared with location `l` replaced by `f(v, l)`. */
function mapPropValues(p: Prop, f: (v: Value, l: StateLoc) => Value): Prop {
  switch (p.kind) {
    case 'eq':
      return { ...p, value: f(p.value, p.loc) };
    case 'eqArray': {
      // Each element's value at that element's type.
      const name = p.loc.kind === 'reg' ? '' : p.loc.name;
      return { ...p, values: p.values.map((v, i) => f(v, { kind: 'mem', name: `${name}[${i}]` })) };
    }
    case 'not':
      return { kind: 'not', arg: mapPropValues(p.arg, f) };
    case 'and':
    case 'or':
      return { kind: p.kind, args: p.args.map((a) => mapPropValues(a, f)) };
    case 'implies':
      return { kind: 'implies', left: mapPropValues(p.left, f), right: mapPropValues(p.right, f) };
    case 'eqLoc':
    case 'true':
    case 'false':
      return p;
    default:
      return assertNever(p);
  }
}

/**
 * Splits an instruction's operand text at top-level commas: commas inside parentheses
 * (x86 addresses) or brackets (AArch64 addresses) stay with their operand.
 */
export function splitOperands(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of text) {
    if (c === '(' || c === '[') depth++;
    if (c === ')' || c === ']') depth--;
    if (c === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

/** Reads an assembly litmus test of `dialect` into the program IR. */
export function parseAsmLitmus(source: string, file: string, dialect: AsmDialect): LitmusTest {
  const frame = readLitmusFrame(source, file, dialect.arch, (text, start) =>
    readColumns(text, file, start),
  );
  const { name, expectedResult, header, entries: rawInit, hashEntries, clauses } = frame;
  const prog = frame.program;

  const regOf = (reg: string, pos: SourcePos): string => {
    const r = dialect.register(reg);
    if (r === null) throw new OrdoError(`Bad register '${reg}' for ${dialect.arch}.`, pos);
    return r;
  };
  const canonProp = (q: Prop): Prop =>
    mapPropLocations(q, (l) => canonicalLocation(l, regOf, frame));

  // Arrays: element i of `T v[N]` is the location `v[i]`; a pointer to it is `v` plus
  // i times the element size.
  const arrays = new Map<string, number>();
  for (const e of rawInit) {
    const m = e.thread === null ? /^(.+)\[(\d+)\]$/.exec(e.name) : null;
    if (m) arrays.set(m[1]!, (intType(e.type ?? 'int')?.bits ?? 64) / 8);
  }
  const elementPointer = (v: Value): Value => {
    const m = typeof v === 'object' ? /^(.+)\[(\d+)\]$/.exec(v.addr) : null;
    const size = m ? arrays.get(m[1]!) : undefined;
    if (!m || size === undefined) return v;
    const offset = Number(m[2]) * size;
    return offset === 0 ? { addr: m[1]! } : { addr: m[1]!, offset };
  };
  // A symbolic register's entry becomes one register entry per thread that names it.
  const namedIn = (reg: string): number[] =>
    prog.procs
      .filter((_, k) =>
        prog.rows.some((row) => row[k] !== undefined && mentions(row[k]!.text, reg)),
      )
      .map((pr) => pr.id);
  const perThread = rawInit.flatMap((e): InitEntry[] =>
    e.thread === null && SYMBOLIC_REGISTER.test(e.name)
      ? namedIn(e.name).map((thread) => ({ ...e, thread }))
      : [e],
  );
  // Registers are 64 bits wide: every integer of the test is a 64-bit value.
  const init: InitEntry[] = perThread.map((e) => ({
    ...e,
    name: e.thread === null ? e.name : regOf(e.name, e.pos ?? { file, line: 1, col: 1 }),
    value: elementPointer(toMachineValue(e.value)),
  }));
  // Per thread, its instructions' texts and the place (instruction number) of each label,
  // for code values (see AsmDialect.instructionValue).
  const codeTexts = new Map<number, string[]>();
  const labelPlaces = new Map<number, Map<string, number>>();
  const threads: Thread[] = prog.procs.map((pr, k) => {
    // Each instruction's statements, with its position (for `B .+8`, see below).
    const instructions: Instruction[] = [];
    const cells = prog.rows
      .map((row) => row[k])
      .filter((c): c is RawCell => c !== undefined && c.text !== '');
    const texts: string[] = [];
    const places = new Map<string, number>();
    codeTexts.set(pr.id, texts);
    labelPlaces.set(pr.id, places);
    for (const [n, cell] of cells.entries()) {
      const { label, rest, skip } = splitLabel(cell.text);
      if (label !== null) places.set(label, texts.length);
      if (rest !== '') texts.push(rest);
      const following = cells[n + 1] ? splitLabel(cells[n + 1]!.text).label : null;
      const named: Stmt | null =
        label !== null ? { kind: 'label', name: label, pos: cell.pos } : null;
      if (rest === '') {
        if (named) instructions.push({ label: named, stmts: null, pos: cell.pos });
        continue;
      }
      const pos = { ...cell.pos, col: cell.pos.col + skip };
      // A row missing its `;` runs into the next lines: no dialect reads an instruction
      // across a line break (each one's lowering assumed it could not happen and crashed).
      if (/\n/.test(rest))
        throw new OrdoError(
          `'${rest.split('\n')[0]!.trim()}' runs on to the next line: is a ';' missing?`,
          pos,
        );
      const stmts = dialect.lower({
        text: rest,
        pos,
        thread: pr.id,
        ...(following !== null ? { nextLabel: following } : {}),
      });
      instructions.push({ label: named, stmts, pos });
    }
    const body = dialect.instructionBytes
      ? withRelativeBranches(instructions, dialect.instructionBytes, pr.pos)
      : instructions.flatMap(statementsOf);
    return { id: pr.id, params: [], body, pos: pr.pos };
  });

  // Locations the code addresses by name are shared locations even when the initial
  // state does not mention them (they start at 0).
  const named = new Set<string>();
  for (const th of threads) addressedLocations(th.body, named);
  const declared = new Set(init.filter((e) => e.thread === null).map((e) => e.name));
  for (const loc of [...named].sort())
    if (!declared.has(loc) && codeLabelOf(loc) === null)
      init.push({ thread: null, name: loc, value: 0n });

  // Code addresses the test takes (`0:X0=P1:L0`, ADR) are locations holding their
  // instruction, as the dialect prints it as a value (`instr:"B .+4"`).
  if (dialect.instructionValue) {
    const taken = new Set<string>();
    const note = (v: Value) => {
      if (typeof v === 'object' && codeLabelOf(v.addr) !== null) taken.add(v.addr);
    };
    init.forEach((e) => note(e.value));
    for (const loc of named) note({ addr: loc });
    for (const addr of [...taken].sort()) {
      const { thread, label } = codeLabelOf(addr)!;
      const place = labelPlaces.get(thread)?.get(label);
      const text = place === undefined ? undefined : codeTexts.get(thread)![place];
      if (text === undefined || declared.has(addr)) continue;
      const offsetTo = (l: string) => {
        const to = labelPlaces.get(thread)!.get(l);
        return to === undefined ? null : (to - place!) * (dialect.instructionBytes ?? 1);
      };
      init.push({
        thread: null,
        name: addr,
        value: { addr: `instr:"${dialect.instructionValue(text, offsetTo)}"` },
      });
    }
  }

  // herd7 reads a final value at its location's declared type (`int` when undeclared)
  // and compares it with the condition's constant read at the same type; the condition
  // prints its constants as 64-bit values.
  const declaredTypes = new Map<string, IntType>();
  for (const e of init) {
    const type = e.type === undefined ? null : intType(e.type);
    if (type) declaredTypes.set(e.thread === null ? e.name : `${e.thread}:${e.name}`, type);
  }
  const stateTypes = { declared: declaredTypes, otherwise: INT };
  const typeOf = (l: StateLoc): IntType =>
    declaredTypes.get(l.kind === 'reg' ? `${l.thread}:${l.name}` : l.name) ?? INT;
  const atTypeOf = (value: Value, l: StateLoc): Value =>
    typeof value === 'object'
      ? value
      : BigInt[typeOf(l).signed ? 'asIntN' : 'asUintN'](typeOf(l).bits, BigInt(value));
  const printed = mapPropValues(canonProp(clauses.condition.prop), (v) => toMachineValue(v));
  const prop = mapPropValues(printed, atTypeOf);
  const filter = clauses.filter
    ? mapPropValues(canonProp(clauses.filter), (v, l) => atTypeOf(toMachineValue(v), l))
    : null;
  const q = clauses.condition.quantifier;
  const locations = clauses.locations.map((l) => canonicalLocation(l, regOf, frame));
  const hash = herdHash({
    header,
    init: hashEntries,
    code: hashCode(prog.procs.length, prog.rows, dialect.hashText ?? ((t) => t)),
    // herd7 digests the observed locations as the test writes them (`0:a0`, `0:RAX`).
    observed: [...clauses.locations, ...propLocations(clauses.condition.prop)],
  });
  const test: LitmusTest = {
    arch: dialect.arch,
    name,
    file,
    init,
    threads,
    hash,
    locations,
    filter,
    condition: {
      quantifier: q,
      prop,
      text: `${q === 'exists' ? 'exists' : q === 'forall' ? 'forall' : '~exists'} (${ppProp(printed)})`,
    },
    stateTypes,
  };
  if (arrays.size > 0) test.arrays = arrays;
  if (expectedResult) test.expectedResult = expectedResult;
  return test;
}
