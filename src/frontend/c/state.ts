// The litmus "state" language: init block, `locations`, `filter` and the final condition,
// plus herd7's printing of conditions (the text of the `Condition` line).

import type { Condition, InitEntry, Prop, Quantifier, StateLoc, Value } from '../../program/ir.js';
import { codeLabelLocation, codeLabelOf } from '../../program/ir.js';
import { CParser } from './cparser.js';
import { parseIntLiteral, type Lexer, type Token } from './lexer.js';
import type { HashInitEntry } from '../herd-hash.js';

// ------------------------------------------------------------------------- init block

export interface ParsedInit {
  entries: InitEntry[];
  /** The entries as herd7 writes them for its digest of the test. */
  hashEntries: HashInitEntry[];
  /** The arrays declared (`int x[2]`), by name: their number of elements. */
  arrays: Map<string, number>;
}

/** Parses `{ entry; entry; ... }` (the opening brace is the next token). */
export function parseInit(lx: Lexer, p: CParser): ParsedInit {
  p.expect('{', 'to open the initial state');
  const out: InitEntry[] = [];
  const hashEntries: HashInitEntry[] = [];
  const arrays = new Map<string, number>();
  for (;;) {
    const t = lx.peek();
    if (t.kind === 'punct' && t.text === '}') {
      lx.next();
      return { entries: out, hashEntries, arrays };
    }
    if (t.kind === 'punct' && t.text === ';') {
      lx.next();
      continue;
    }
    if (t.kind === 'eof')
      p.err(`Syntax error: missing '}' at the end of the initial state.`, t.pos);
    const toks: Token[] = [];
    let depth = 0;
    for (;;) {
      const u = lx.peek();
      if (u.kind === 'eof') break;
      if (depth === 0 && u.kind === 'punct' && (u.text === ';' || u.text === '}')) break;
      if (u.kind === 'punct' && u.text === '{') {
        // Only an array's initialiser may open a brace: `int x[2] = {1, 2}`.
        if (!isP(toks[toks.length - 1], '=') || !toks.some((k) => isP(k, '[')))
          p.err(`Syntax error: missing '}' to close the initial state before '${t.text}'.`, t.pos);
        while (lx.peek().kind !== 'eof' && !p.isPunct('}')) toks.push(lx.next());
        if (lx.peek().kind === 'eof')
          p.err(`Syntax error: missing '}' to close the array initialiser.`, u.pos);
        toks.push(lx.next());
        continue;
      }
      if (u.kind === 'punct' && u.text === '"') {
        // A quoted text (`instr:"B .+4"`) is one token, its content unlexed.
        lx.next();
        toks.push({ ...u, text: quoted(lx, p, u) });
        continue;
      }
      if (u.kind === 'punct' && u.text === '(') depth++;
      if (u.kind === 'punct' && u.text === ')') depth--;
      toks.push(lx.next());
    }
    const array = arrayDeclaration(toks, p);
    if (array) {
      out.push(...array.elements);
      hashEntries.push(array.hash);
      arrays.set(array.hash.name, array.elements.length);
      continue;
    }
    const entry = initEntry(toks, p);
    out.push(entry);
    hashEntries.push({
      thread: entry.thread,
      name: entry.name,
      text: hashInitText(toks, entry),
    });
  }
}

/**
 * An entry as herd7 writes it for its digest: `loc=v`, `T loc=v`, `T *loc=v`, `*loc=v`;
 * a value is written as in the source (`&x` and `ATOMIC_INIT(v)` give `x` and `v`), a
 * missing one as 0.
 */
function hashInitText(toks: Token[], entry: InitEntry): string {
  const eq = toks.findIndex((t) => isP(t, '='));
  const lhs = eq < 0 ? toks : toks.slice(0, eq);
  let rhs = eq < 0 ? [] : toks.slice(eq + 1);
  // A symbolic register `%r` is written without its `%`.
  const loc =
    entry.thread === null ? entry.name.replace(/^%/, '') : `${entry.thread}:${entry.name}`;
  const locLen =
    isP(lhs[lhs.length - 1], ']') || entry.thread !== null ? 3 : entry.name.startsWith('%') ? 2 : 1;
  const typeToks = lhs.slice(0, lhs.length - locLen);
  if (rhs[0] && isP(rhs[0], '&')) rhs = rhs.slice(1);
  if (rhs[0]?.text === 'ATOMIC_INIT' && isP(rhs[1], '(')) rhs = rhs.slice(2, rhs.length - 1);
  // An array element's address `v[i]` is herd7's symbol-plus-index `v+i`.
  const element =
    rhs.length === 4 && isP(rhs[1], '[') && isP(rhs[3], ']') && rhs[2]!.kind === 'num';
  const index = element ? parseIntLiteral(rhs[2]!.text) : 0;
  // A code address (`P1:L0`, `label:"P1:L0"`) is written `1:L0`, its label not renamed.
  const codeAddress = typeof entry.value === 'object' ? codeLabelOf(entry.value.addr) : null;
  const value =
    rhs.length === 0
      ? '0'
      : codeAddress
        ? `${codeAddress.thread}:${codeAddress.label}`
        : element
          ? index === 0
            ? rhs[0]!.text
            : `${rhs[0]!.text}+${index}`
          : rhs.map((t) => t.text).join('');
  const words = typeToks.filter((t) => t.kind === 'ident').map((t) => t.text);
  const pointer = typeToks.some((t) => isP(t, '*'));
  // herd7 gives a location initialised with an instruction (`instr:"..."` or NOP) its
  // instruction type, whatever type is written: `0:r1=instr:"..."` and `0:X2=NOP` are
  // digested as `ins_t 0:r1=instr:"..."` and `ins_t 0:X2=NOP`.
  if (!pointer && (/^instr:"/.test(value) || value === 'NOP')) return `ins_t ${loc}=${value}`;
  if (words.length === 0) return pointer ? `*${loc}=${value}` : `${loc}=${value}`;
  const type = words.filter((w) => w !== '_Atomic').join(' ');
  if (words.includes('_Atomic')) return `_Atomic ${type} ${loc}=${value}`;
  return pointer ? `${type} *${loc}=${value}` : `${type} ${loc}=${value}`;
}

function isP(t: Token | undefined, text: string): boolean {
  return !!t && t.kind === 'punct' && t.text === text;
}

function initEntry(toks: Token[], p: CParser): InitEntry {
  const first = toks[0]!;
  const eq = toks.findIndex((t) => isP(t, '='));
  const lhs = eq < 0 ? toks : toks.slice(0, eq);
  const rhs = eq < 0 ? [] : toks.slice(eq + 1);
  if (eq >= 0 && rhs.length === 0)
    p.err(`Syntax error: missing value after '=' in the initial state.`, toks[eq]!.pos);
  // Location at the end of lhs: N:name, [name] or name.
  let thread: number | null = null;
  let name: string;
  let locLen: number;
  const n = lhs.length;
  const last = lhs[n - 1];
  if (!last) return p.err(`Syntax error: missing location name in the initial state.`, first.pos);
  if (isP(last, ']') && n >= 3 && lhs[n - 2]!.kind === 'ident' && isP(lhs[n - 3], '[')) {
    name = lhs[n - 2]!.text;
    locLen = 3;
  } else if (last.kind === 'ident' && isP(lhs[n - 2], '%')) {
    // herd7's symbolic register `%name`: a register of whichever threads name it.
    name = `%${last.text}`;
    locLen = 2;
  } else if (last.kind === 'ident') {
    name = last.text;
    locLen = 1;
    if (n >= 3 && isP(lhs[n - 2], ':') && lhs[n - 3]!.kind === 'num') {
      thread = parseIntLiteral(lhs[n - 3]!.text);
      locLen = 3;
    } else if (n >= 3 && isP(lhs[n - 2], ':') && /^P\d+$/.test(lhs[n - 3]!.text)) {
      // herd7 also names a thread by its column title: `P1:r5=x`.
      thread = Number(lhs[n - 3]!.text.slice(1));
      locLen = 3;
    }
  } else {
    return p.err(
      `Syntax error: expected a location name in the initial state but found '${last.text}'.`,
      last.pos,
    );
  }
  const typeToks = lhs.slice(0, n - locLen);
  let type: string | undefined;
  if (typeToks.length > 0) {
    const words: string[] = [];
    let stars = '';
    for (const t of typeToks) {
      if (t.kind === 'ident' && stars === '') words.push(t.text);
      else if (isP(t, '*')) stars += '*';
      else return p.err(`Syntax error: unexpected '${t.text}' in the initial state.`, t.pos);
    }
    if (words.length === 0 && stars) type = undefined;
    else type = words.join(' ') + stars;
  }
  const pos = first.pos;
  let value: Value = 0;
  if (rhs.length > 0) value = initValue(rhs, p);
  const e: InitEntry = { thread, name, value, pos };
  if (type !== undefined) e.type = type;
  return e;
}

/**
 * An integer literal's value: a number, or a bigint when a number cannot hold it exactly
 * (the 64-bit constants of hardware tests).
 */
function literalValue(text: string, negate = false): number | bigint {
  const n = parseIntLiteral(text);
  if (Number.isSafeInteger(n)) return negate ? -n : n;
  const big = BigInt(text.replace(/[uUlL]+$/, ''));
  return negate ? -big : big;
}

/**
 * An array declaration `T name[N]` or `T name[N] = {v0, v1, ...}`: one location per
 * element, `name[i]`, of type T (missing values are 0). herd7 digests it as `T name[N]`.
 */
function arrayDeclaration(
  toks: Token[],
  p: CParser,
): { elements: InitEntry[]; hash: HashInitEntry } | null {
  const eq = toks.findIndex((t) => isP(t, '='));
  const lhs = eq < 0 ? toks : toks.slice(0, eq);
  const n = lhs.length;
  if (n < 4 || !isP(lhs[n - 1], ']') || lhs[n - 2]!.kind !== 'num' || !isP(lhs[n - 3], '['))
    return null;
  const nameTok = lhs[n - 4]!;
  if (nameTok.kind !== 'ident') return null;
  const typeWords = lhs.slice(0, n - 4).map((t) => t.text);
  const type = typeWords.length > 0 ? typeWords.join(' ') : 'int';
  const length = parseIntLiteral(lhs[n - 2]!.text);
  const values: Value[] = [];
  if (eq >= 0) {
    const body = toks.slice(eq + 1);
    if (!isP(body[0], '{') || !isP(body[body.length - 1], '}'))
      p.err(`Syntax error: an array is initialised with '{ v, ... }'.`, toks[eq]!.pos);
    let item: Token[] = [];
    for (const t of body.slice(1, -1)) {
      if (isP(t, ',')) {
        values.push(initValue(item, p));
        item = [];
      } else item.push(t);
    }
    if (item.length > 0) values.push(initValue(item, p));
  }
  const elements: InitEntry[] = [];
  for (let i = 0; i < length; i++)
    elements.push({
      thread: null,
      name: `${nameTok.text}[${i}]`,
      type,
      value: values[i] ?? 0,
      pos: nameTok.pos,
    });
  return {
    elements,
    hash: { thread: null, name: nameTok.text, text: `${type} ${nameTok.text}[${length}]` },
  };
}

/** `"text"` after its opening quote (just read at `open`), quotes included. */
function quoted(lx: Lexer, p: CParser, open: Token): string {
  const text = lx.quotedRest();
  if (text === null) return p.err(`Syntax error: missing the closing '"'.`, open.pos);
  return `"${text}"`;
}

/**
 * The assembly dialects' code values: `P1:L0` (the address of thread 1's instruction at
 * label L0), `label:"P1:L0"` / `label:"1:L0"` (the same), `instr:"B .+4"` (an
 * instruction, as herd7 prints it). Ordo keeps both as symbols that print as herd7 prints
 * them: code addresses are the locations of the instructions, holding their `instr:`.
 */
function codeLabelValue(thread: number, label: string): Value {
  return { addr: codeLabelLocation(thread, label) };
}

function codeValue(kind: string, text: string): Value | null {
  const body = text.slice(1, -1);
  if (kind === 'instr') return { addr: `instr:${text}` };
  const m = kind === 'label' ? /^P?(\d+):(\S+)$/.exec(body) : null;
  return m ? codeLabelValue(Number(m[1]), m[2]!) : null;
}

function initValue(rhs: Token[], p: CParser): Value {
  const [a, b] = rhs;
  if (rhs.length === 3 && a!.kind === 'ident' && isP(b, ':')) {
    const c = rhs[2]!;
    const thread = /^P(\d+)$/.exec(a!.text);
    if (thread && c.kind === 'ident') return codeLabelValue(Number(thread[1]), c.text);
    const code = c.text.startsWith('"') ? codeValue(a!.text, c.text) : null;
    if (code) return code;
  }
  if (rhs.length === 1 && a!.kind === 'num') return literalValue(a!.text);
  if (rhs.length === 2 && isP(a, '-') && b!.kind === 'num') return literalValue(b!.text, true);
  if (rhs.length === 1 && a!.kind === 'ident') return a!.text === 'NULL' ? 0 : { addr: a!.text };
  // The address of an array element: `x[1]`.
  if (rhs.length === 4 && a!.kind === 'ident' && isP(b, '[') && rhs[2]!.kind === 'num')
    return { addr: `${a!.text}[${parseIntLiteral(rhs[2]!.text)}]` };
  if (rhs.length === 2 && isP(a, '&') && b!.kind === 'ident') return { addr: b!.text };
  if (
    a!.kind === 'ident' &&
    a!.text === 'ATOMIC_INIT' &&
    isP(b, '(') &&
    isP(rhs[rhs.length - 1], ')')
  ) {
    const inner = rhs.slice(2, rhs.length - 1);
    if (inner.length === 0) p.err(`Syntax error: ATOMIC_INIT needs a value.`, a!.pos);
    return initValue(inner, p);
  }
  return p.err(
    `Syntax error: bad initial value (expected a number, a location name or &name).`,
    a!.pos,
  );
}

// ------------------------------------------------------------------------- clauses

export interface Clauses {
  locations: StateLoc[];
  filter: Prop | null;
  condition: Condition;
}

function isIdent(t: Token, text: string): boolean {
  return t.kind === 'ident' && t.text === text;
}

/**
 * Reads the clauses after the program. `arrays` are the arrays the initial state declares
 * (name: number of elements): a clause naming one whole (`x`, not `x[1]`) means all of
 * its elements, and only such a location may be compared with `{v0,v1,...}`.
 */
export function parseClauses(
  lx: Lexer,
  p: CParser,
  arrays: ReadonlyMap<string, number> = new Map(),
): Clauses {
  const locations: StateLoc[] = [];
  let filter: Prop | null = null;
  let t = lx.peek();
  if (isIdent(t, 'locations')) {
    lx.next();
    p.expect('[', "after 'locations'");
    while (!p.isPunct(']')) {
      locations.push(parseLoc(lx, p, 'a location', arrays));
      // herd7 lets a location carry the type to print it at (`0:X2 ins_t`).
      if (lx.peek().kind === 'ident') lx.next();
      if (p.accept(';')) continue;
      if (!p.isPunct(']')) {
        const u = lx.peek();
        p.err(`Syntax error: expected ';' or ']' in locations but found ${p.describe(u)}.`, u.pos);
      }
    }
    lx.next();
    t = lx.peek();
  }
  if (isIdent(t, 'filter')) {
    lx.next();
    filter = parseProp(lx, p, arrays);
    t = lx.peek();
  }
  let quantifier: Quantifier;
  let prop: Prop;
  if (t.kind === 'eof') {
    quantifier = 'forall';
    prop = { kind: 'true' };
  } else {
    if (isIdent(t, 'exists')) {
      lx.next();
      quantifier = 'exists';
    } else if (isIdent(t, 'forall')) {
      lx.next();
      quantifier = 'forall';
    } else if (isIdent(t, 'final')) {
      lx.next();
      quantifier = 'exists';
    } else if (isP(t, '~') || isIdent(t, 'not')) {
      lx.next();
      const u = lx.next();
      if (!isIdent(u, 'exists'))
        p.err(
          `Syntax error: expected 'exists' after '${t.text}' but found ${p.describe(u)}.`,
          u.pos,
        );
      quantifier = 'notExists';
    } else if (isP(t, '(')) {
      quantifier = 'exists';
    } else {
      return p.err(
        `Syntax error: expected a process PN(...), 'locations', 'filter', 'exists', '~exists' or 'forall' but found ${p.describe(t)}.`,
        t.pos,
      );
    }
    prop = parseProp(lx, p, arrays);
    p.accept(';');
    const end = lx.peek();
    if (end.kind !== 'eof' && !isIdent(end, 'with')) {
      p.err(`Syntax error: unexpected ${p.describe(end)} after the final condition.`, end.pos);
    }
  }
  const text = `${quantifier === 'exists' ? 'exists' : quantifier === 'forall' ? 'forall' : '~exists'} (${ppProp(prop)})`;
  return { locations, filter, condition: { quantifier, prop, text } };
}

type Arrays = ReadonlyMap<string, number>;

/** `N:reg`, `name` or `[name]` (a whole array when `arrays` declares that name), `x[1]`. */
function parseLoc(lx: Lexer, p: CParser, what: string, arrays: Arrays): StateLoc {
  const t = lx.next();
  if (t.kind === 'num') {
    p.expect(':', `after the thread number ${t.text}`);
    const r = p.expectIdent('a register name');
    return { kind: 'reg', thread: parseIntLiteral(t.text), name: r.text };
  }
  if (t.kind === 'ident') {
    // An array element: `x[1]`.
    if (p.isPunct('[')) {
      lx.next();
      const n = lx.next();
      if (n.kind !== 'num')
        p.err(`Syntax error: expected an array index but found ${p.describe(n)}.`, n.pos);
      const index = parseIntLiteral(n.text);
      p.expect(']');
      return { kind: 'mem', name: `${t.text}[${index}]` };
    }
    return wholeLocation(t.text, arrays);
  }
  if (isP(t, '[')) {
    const r = p.expectIdent('a location name');
    p.expect(']');
    return wholeLocation(r.text, arrays);
  }
  return p.err(`Syntax error: expected ${what} but found ${p.describe(t)}.`, t.pos);
}

function wholeLocation(name: string, arrays: Arrays): StateLoc {
  const length = arrays.get(name);
  return length === undefined ? { kind: 'mem', name } : { kind: 'array', name, length };
}

// Grammar (herd7's stateParser): %left OR, %left AND, %right IMPLIES, %nonassoc NOT,
// i.e. `=>` binds tighter than `/\`, which binds tighter than `\/`; `~`/`not` tightest.
export function parseProp(lx: Lexer, p: CParser, arrays: Arrays = new Map()): Prop {
  return parseOr(lx, p, arrays);
}

function parseOr(lx: Lexer, p: CParser, arrays: Arrays): Prop {
  // Operands are collected first and joined once: rebuilding the list at every operator
  // made a long disjunction quadratic to parse.
  const first = parseAnd(lx, p, arrays);
  if (!p.isPunct('\\/')) return first;
  const args: Prop[] = [];
  const add = (q: Prop): void => {
    if (q.kind === 'or') for (const a of q.args) args.push(a);
    else args.push(q);
  };
  add(first);
  while (p.isPunct('\\/')) {
    lx.next();
    add(parseAnd(lx, p, arrays));
  }
  return { kind: 'or', args };
}

function parseAnd(lx: Lexer, p: CParser, arrays: Arrays): Prop {
  // Operands are collected first and joined once: rebuilding the list at every operator
  // made a long disjunction quadratic to parse.
  const first = parseImplies(lx, p, arrays);
  if (!p.isPunct('/\\')) return first;
  const args: Prop[] = [];
  const add = (q: Prop): void => {
    if (q.kind === 'and') for (const a of q.args) args.push(a);
    else args.push(q);
  };
  add(first);
  while (p.isPunct('/\\')) {
    lx.next();
    add(parseImplies(lx, p, arrays));
  }
  return { kind: 'and', args };
}

function parseImplies(lx: Lexer, p: CParser, arrays: Arrays): Prop {
  const left = parseNot(lx, p, arrays);
  if (p.isPunct('=>')) {
    lx.next();
    return { kind: 'implies', left, right: parseImplies(lx, p, arrays) };
  }
  return left;
}

function parseNot(lx: Lexer, p: CParser, arrays: Arrays): Prop {
  const t = lx.peek();
  if (isP(t, '~') || isIdent(t, 'not')) {
    lx.next();
    return { kind: 'not', arg: parseNot(lx, p, arrays) };
  }
  if (isIdent(t, 'true')) {
    lx.next();
    return { kind: 'true' };
  }
  if (isIdent(t, 'false')) {
    lx.next();
    return { kind: 'false' };
  }
  if (isP(t, '(')) {
    lx.next();
    const inner = parseOr(lx, p, arrays);
    p.expect(')', 'to close the parenthesis in the condition');
    return inner;
  }
  return parseAtom(lx, p, arrays);
}

function parseAtom(lx: Lexer, p: CParser, arrays: Arrays): Prop {
  const start = lx.peek();
  let loc: StateLoc;
  if (isP(start, '*')) {
    lx.next();
    loc = { kind: 'mem', name: p.expectIdent('a location name after *').text };
  } else {
    loc = parseLoc(lx, p, 'a location (N:reg, x or [x]) in the condition', arrays);
  }
  const op = lx.next();
  let negate = false;
  if (isP(op, '!=')) negate = true;
  // herd7's `<>` (assembly dialects) is `!=`.
  else if (isP(op, '<') && isP(lx.peek(), '>')) {
    lx.next();
    negate = true;
  } else if (!isP(op, '=') && !isP(op, '==')) {
    p.err(
      `Syntax error: expected '=' after the location in the condition but found ${p.describe(op)}.`,
      op.pos,
    );
  }
  const v = lx.peek();
  let atom: Prop;
  if (loc.kind === 'array' || isP(v, '{')) {
    atom = { kind: 'eqArray', loc, values: parseArrayValue(lx, p, loc, start) };
  } else if (v.kind === 'num') {
    lx.next();
    if (p.isPunct(':')) {
      lx.next();
      const r = p.expectIdent('a register name');
      atom = {
        kind: 'eqLoc',
        loc,
        other: { kind: 'reg', thread: parseIntLiteral(v.text), name: r.text },
      };
    } else {
      atom = { kind: 'eq', loc, value: literalValue(v.text) };
    }
  } else if (isP(v, '-')) {
    lx.next();
    const n = lx.next();
    if (n.kind !== 'num')
      p.err(`Syntax error: expected a number after '-' but found ${p.describe(n)}.`, n.pos);
    atom = { kind: 'eq', loc, value: literalValue(n.text, true) };
  } else if (v.kind === 'ident') {
    lx.next();
    let value: Value = { addr: v.text };
    // herd7's code values: `instr:"..."`, `label:"P0:L0"`.
    if ((v.text === 'instr' || v.text === 'label') && p.accept(':')) {
      const open = p.expect('"', `after '${v.text}:'`);
      const text = quoted(lx, p, open);
      value =
        codeValue(v.text, text) ??
        p.err(`Syntax error: bad code label ${text} (expected "P0:L0").`, open.pos);
    }
    atom = { kind: 'eq', loc, value };
  } else if (isP(v, '[') || isP(v, '*')) {
    lx.next();
    const r = p.expectIdent('a location name');
    if (isP(v, '[')) p.expect(']');
    atom = { kind: 'eqLoc', loc, other: { kind: 'mem', name: r.text } };
  } else {
    return p.err(
      `Syntax error: expected a value after '=' in the condition but found ${p.describe(v)}.`,
      v.pos,
    );
  }
  return negate ? { kind: 'not', arg: atom } : atom;
}

/** `{v0,v1,...}`, the value a whole array `loc` (named at `at`) is compared with. */
function parseArrayValue(lx: Lexer, p: CParser, loc: StateLoc, at: Token): Value[] {
  if (loc.kind !== 'array')
    p.err(
      `Syntax error: '${ppLoc(loc)}' is not an array of the initial state, so it cannot be compared with '{...}'.`,
      at.pos,
    );
  const open = lx.next();
  if (!isP(open, '{'))
    p.err(
      `Syntax error: '${loc.name}' is an array: compare it with '{v0,v1,...}' (or name one element, '${loc.name}[0]'), not ${p.describe(open)}.`,
      open.pos,
    );
  const values: Value[] = [];
  for (;;) {
    const t = lx.next();
    if (t.kind === 'num') values.push(literalValue(t.text));
    else if (isP(t, '-')) {
      const n = lx.next();
      if (n.kind !== 'num')
        p.err(`Syntax error: expected a number after '-' but found ${p.describe(n)}.`, n.pos);
      values.push(literalValue(n.text, true));
    } else if (t.kind === 'ident') values.push({ addr: t.text });
    else p.err(`Syntax error: expected an array element value but found ${p.describe(t)}.`, t.pos);
    if (p.accept(',')) continue;
    p.expect('}', 'to close the array value');
    break;
  }
  if (loc.kind === 'array' && values.length !== loc.length)
    p.err(
      `Syntax error: '${loc.name}' has ${loc.length} elements but the condition gives ${values.length}.`,
      open.pos,
    );
  return values;
}

// ------------------------------------------------------------------------- printing

export function ppLoc(l: StateLoc): string {
  if (l.kind === 'reg') return `${l.thread}:${l.name}`;
  // herd7 prints a whole array bare too: `x={1,2}`.
  if (l.kind === 'array') return l.name;
  // herd7 prints an array element bare: `v[1]`.
  return l.name.endsWith(']') ? l.name : `[${l.name}]`;
}

export function ppValue(v: Value): string {
  return typeof v !== 'object' ? String(v) : v.addr;
}

type Ctx = 'top' | 'and' | 'or' | 'implies';

function needParen(above: Ctx, here: Exclude<Ctx, 'top'>): boolean {
  if (above === 'top') return false;
  if (above === 'implies') return here !== 'implies';
  if (above === 'and') return here !== 'and';
  return here === 'implies'; // above === 'or'
}

/** herd7's printing of a proposition (ConstrGen.pp_prop). */
export function ppProp(p: Prop, above: Ctx = 'top'): string {
  const paren = (here: Exclude<Ctx, 'top'>, s: string) => (needParen(above, here) ? `(${s})` : s);
  switch (p.kind) {
    case 'true':
      return 'true';
    case 'false':
      return 'false';
    case 'eq':
      return `${ppLoc(p.loc)}=${ppValue(p.value)}`;
    case 'eqLoc':
      return `${ppLoc(p.loc)}=${ppLoc(p.other)}`;
    case 'eqArray':
      return `${ppLoc(p.loc)}={${p.values.map(ppValue).join(',')}}`;
    case 'not':
      return `not (${ppProp(p.arg, 'top')})`;
    case 'and':
      if (p.args.length === 0) return 'true';
      return paren('and', p.args.map((a) => ppProp(a, 'and')).join(' /\\ '));
    case 'or':
      if (p.args.length === 0) return 'false';
      return paren('or', p.args.map((a) => ppProp(a, 'or')).join(' \\/ '));
    case 'implies':
      return paren('implies', `${ppProp(p.left, 'implies')} => ${ppProp(p.right, 'implies')}`);
  }
}
