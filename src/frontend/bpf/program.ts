// The program part of a BPF litmus test: the `P0 | P1 ;` header row, then rows of
// `|`-separated cells ending in `;`, each cell an optional label and an optional BPF
// instruction. Tokens are read lazily so the parse can stop where the clauses begin
// (`locations`, `filter`, `exists`, ...), whose syntax is the shared litmus one.

import { OrdoError } from '../../diagnostics.js';
import type { SourcePos } from '../../program/ir.js';
import type {
  AluOp,
  AtomicOp,
  BarrierKind,
  HelperName,
  Cell,
  CondOp,
  Instr,
  MemRef,
  Operand,
  Reg,
  Size,
} from './ast.js';

type TokKind = 'name' | 'num' | 'punct' | 'eof';

interface Tok {
  kind: TokKind;
  text: string;
  pos: SourcePos;
  start: number;
}

// Longest first.
const PUNCTS = [
  's>>=',
  '<<=',
  '>>=',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '==',
  '!=',
  '>=',
  '<=',
  '(',
  ')',
  '*',
  '+',
  '-',
  ',',
  ':',
  ';',
  '|',
  '=',
  '<',
  '>',
];

/** `r0`..`r10`, `R0`..`R10`, `fp`/`FP` (r10), as herd7 names them when printing. */
export function canonicalReg(name: string): Reg | null {
  if (name === 'fp' || name === 'FP') return 'fp';
  const m = /^[rR](\d+)$/.exec(name);
  if (!m || (m[1]!.length > 1 && m[1]![0] === '0')) return null;
  const n = Number(m[1]);
  if (n > 10) return null;
  return n === 10 ? 'fp' : `r${n}`;
}

const SIZES = new Set(['u8', 'u16', 'u32', 'u64']);
const ALU_OPS = new Set(['+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>=']);
const CONDS = new Set(['==', '!=', '<', '>=']);
const FETCH_OPS: Record<string, AtomicOp> = {
  atomic_fetch_add: 'add',
  atomic_fetch_and: 'and',
  atomic_fetch_or: 'or',
  atomic_fetch_xor: 'xor',
};
const LOCK_OPS: Record<string, AtomicOp> = { '+=': 'add', '&=': 'and', '|=': 'or', '^=': 'xor' };
const XCHG: Record<string, 'u32' | 'u64'> = { xchg_64: 'u64', xchg_32_32: 'u32' };
const CMPXCHG: Record<string, 'u32' | 'u64'> = { cmpxchg_64: 'u64', cmpxchg32_32: 'u32' };

/** Ordo's barrier instructions (not in herd7's dialect). */
const BARRIERS: Record<string, BarrierKind> = { smp_mb: 'mb', smp_rmb: 'rmb', smp_wmb: 'wmb' };

/** The helpers `call` may name (not in herd7's dialect). */
const HELPERS = new Set<string>(['bpf_spin_lock', 'bpf_spin_unlock']);

/** Words that start the clauses after the program. */
const CLAUSE_WORDS = new Set(['locations', 'filter', 'exists', 'forall', 'final', 'not']);

export interface ProgramParse {
  /** The thread numbers of the header row, in column order. */
  procs: { id: number; pos: SourcePos }[];
  /** Each thread's cells, in column order. */
  columns: Cell[][];
  /** Offset in the source where the clauses start. */
  end: number;
}

export class ProgramParser {
  private i: number;
  private line: number;
  private col: number;
  private buf: Tok | null = null;

  constructor(
    private readonly text: string,
    private readonly file: string,
    start: number,
    line: number,
    col: number,
  ) {
    this.i = start;
    this.line = line;
    this.col = col;
  }

  private err(message: string, pos: SourcePos): never {
    throw new OrdoError(message, { file: pos.file, line: pos.line, col: pos.col });
  }

  private advance(): void {
    if (this.text[this.i++] === '\n') {
      this.line++;
      this.col = 1;
    } else {
      this.col++;
    }
  }

  private pos(): SourcePos {
    return { file: this.file, line: this.line, col: this.col };
  }

  private skip(): void {
    const s = this.text;
    for (;;) {
      const c = s[this.i];
      if (c === undefined) return;
      if (/\s/.test(c)) {
        this.advance();
        continue;
      }
      if (c === '(' && s[this.i + 1] === '*') {
        const p = this.pos();
        this.advance();
        this.advance();
        let depth = 1;
        while (depth > 0) {
          if (this.i >= s.length) this.err('Unterminated comment (* ... *).', p);
          if (s[this.i] === '(' && s[this.i + 1] === '*') {
            depth++;
            this.advance();
          } else if (s[this.i] === '*' && s[this.i + 1] === ')') {
            depth--;
            this.advance();
          }
          this.advance();
        }
        continue;
      }
      return;
    }
  }

  private lex(): Tok {
    this.skip();
    const s = this.text;
    const pos = this.pos();
    const start = this.i;
    const c = s[this.i];
    if (c === undefined) return { kind: 'eof', text: '', pos, start };
    if (/[A-Za-z_]/.test(c) && !s.startsWith('s>>=', this.i)) {
      while (this.i < s.length && /[A-Za-z0-9_]/.test(s[this.i]!)) this.advance();
      return { kind: 'name', text: s.slice(start, this.i), pos, start };
    }
    if (/[0-9]/.test(c)) {
      if (c === '0' && /[xX]/.test(s[this.i + 1] ?? '')) {
        this.advance();
        this.advance();
        while (this.i < s.length && /[0-9a-fA-F]/.test(s[this.i]!)) this.advance();
      } else {
        while (this.i < s.length && /[0-9]/.test(s[this.i]!)) this.advance();
      }
      if (this.i < s.length && /[A-Za-z_]/.test(s[this.i]!)) {
        this.err(`Malformed number '${s.slice(start, this.i + 1)}'.`, pos);
      }
      return { kind: 'num', text: s.slice(start, this.i), pos, start };
    }
    for (const p of PUNCTS) {
      if (s.startsWith(p, this.i)) {
        for (let k = 0; k < p.length; k++) this.advance();
        return { kind: 'punct', text: p, pos, start };
      }
    }
    return this.err(`Unexpected character '${c}' in the program.`, pos);
  }

  private peek(): Tok {
    if (!this.buf) this.buf = this.lex();
    return this.buf;
  }

  private next(): Tok {
    const t = this.peek();
    this.buf = null;
    return t;
  }

  private isP(text: string, t: Tok = this.peek()): boolean {
    return t.kind === 'punct' && t.text === text;
  }

  private describe(t: Tok): string {
    return t.kind === 'eof' ? 'end of file' : `'${t.text}'`;
  }

  private expect(text: string, what: string): Tok {
    const t = this.next();
    if ((t.kind === 'punct' || t.kind === 'name') && t.text === text) return t;
    return this.err(
      `Syntax error: expected '${text}' ${what} but found ${this.describe(t)}.`,
      t.pos,
    );
  }

  /** True when the next token starts the clauses (or the file ends). */
  private atClauses(): boolean {
    if (!this.buf) {
      // `~exists`: '~' is no BPF token, look at the raw text.
      this.skip();
      if (this.text[this.i] === '~') return true;
    }
    const t = this.peek();
    if (t.kind === 'eof') return true;
    return t.kind === 'name' && CLAUSE_WORDS.has(t.text);
  }

  parse(): ProgramParse {
    // Header row: P0 | P1 | ... ;
    if (this.isP(';')) this.next();
    const procs: { id: number; pos: SourcePos }[] = [];
    for (;;) {
      const t = this.next();
      const m = t.kind === 'name' ? /^P(\d+)$/.exec(t.text) : null;
      if (!m) {
        this.err(
          `Syntax error: expected a process name P${procs.length} in the header row of the program but found ${this.describe(t)}.`,
          t.pos,
        );
      }
      const id = Number(m[1]);
      if (procs.some((p) => p.id === id))
        this.err(`Process P${id} appears twice in the header row.`, t.pos);
      procs.push({ id, pos: t.pos });
      const sep = this.next();
      if (this.isP(';', sep)) break;
      if (!this.isP('|', sep)) {
        this.err(
          `Syntax error: expected '|' or ';' in the header row of the program but found ${this.describe(sep)}.`,
          sep.pos,
        );
      }
    }
    procs.forEach((p, i) => {
      if (p.id !== i)
        this.err(
          `Process P${p.id} is in column ${i}: the header row must name P0, P1, ... in order.`,
          p.pos,
        );
    });
    const columns: Cell[][] = procs.map(() => []);
    // Rows.
    while (!this.atClauses()) {
      const rowStart = this.peek().pos;
      const cells: Cell[] = [];
      for (;;) {
        cells.push(this.parseCell());
        const sep = this.next();
        if (this.isP(';', sep)) break;
        if (this.isP('|', sep)) {
          if (cells.length === procs.length) {
            this.err(
              `Malformed program row: more than ${procs.length} column${procs.length === 1 ? '' : 's'} (the header row names ${procs.length} process${procs.length === 1 ? '' : 'es'}).`,
              sep.pos,
            );
          }
          continue;
        }
        this.err(
          `Syntax error: expected '|' or ';' after an instruction but found ${this.describe(sep)}.`,
          sep.pos,
        );
      }
      if (cells.length !== procs.length) {
        this.err(
          `Malformed program row: ${cells.length} column${cells.length === 1 ? '' : 's'} but the header row names ${procs.length} processes.`,
          rowStart,
        );
      }
      cells.forEach((c, k) => columns[k]!.push(c));
    }
    if (!this.buf) this.skip();
    return { procs, columns, end: this.buf ? this.buf.start : this.i };
  }

  private cellEnds(t: Tok = this.peek()): boolean {
    return t.kind === 'eof' || this.isP('|', t) || this.isP(';', t);
  }

  private parseCell(): Cell {
    const labels: Cell['labels'] = [];
    for (;;) {
      if (this.cellEnds()) return { labels, instr: null };
      const t = this.peek();
      // NAME ':' introduces a label (a register name cannot be one).
      if (
        t.kind === 'name' &&
        !canonicalReg(t.text) &&
        !['goto', 'if', 'lock', 'store_release', 'call'].includes(t.text) &&
        BARRIERS[t.text] === undefined
      ) {
        this.next();
        if (!this.isP(':')) {
          if (/^[rR]\d+$/.test(t.text))
            this.err(`Bad register '${t.text}': BPF registers are r0 to r10.`, t.pos);
          this.err(`Unknown instruction '${t.text}'.`, t.pos);
        }
        this.next();
        labels.push({ name: t.text, pos: t.pos });
        continue;
      }
      break;
    }
    const instr = this.parseInstr();
    if (!this.cellEnds()) {
      const u = this.peek();
      this.err(
        `Syntax error: unexpected ${this.describe(u)} after the instruction (expected '|' or ';').`,
        u.pos,
      );
    }
    return { labels, instr };
  }

  private reg(what: string): Reg {
    const t = this.next();
    if (t.kind === 'name') {
      const r = canonicalReg(t.text);
      if (r) return r;
      this.err(`Bad register '${t.text}' ${what}: BPF registers are r0 to r10.`, t.pos);
    }
    return this.err(
      `Syntax error: expected a register ${what} but found ${this.describe(t)}.`,
      t.pos,
    );
  }

  /** NUM, -NUM or +NUM. */
  private imm(what: string): number {
    const t = this.next();
    if (t.kind === 'num') return parseNum(t.text);
    if ((this.isP('-', t) || this.isP('+', t)) && this.peek().kind === 'num') {
      const n = parseNum(this.next().text);
      return t.text === '-' ? -n : n;
    }
    return this.err(
      `Syntax error: expected a number ${what} but found ${this.describe(t)}.`,
      t.pos,
    );
  }

  private isImmStart(): boolean {
    const t = this.peek();
    return t.kind === 'num' || this.isP('-', t) || this.isP('+', t);
  }

  private operand(what: string): Operand {
    if (this.isImmStart()) return { imm: this.imm(what) };
    return { reg: this.reg(what) };
  }

  private size(): Size {
    const t = this.next();
    if (t.kind === 'name' && SIZES.has(t.text)) return t.text as Size;
    if (t.kind === 'name') this.err(`Bad size '${t.text}': expected u8, u16, u32 or u64.`, t.pos);
    return this.err(
      `Syntax error: expected a size (u8, u16, u32, u64) but found ${this.describe(t)}.`,
      t.pos,
    );
  }

  /** `(rB + OFF)`; only offset 0 is supported. */
  private memRef(): MemRef {
    this.expect('(', 'to open the address (rN + OFF)');
    const base = this.reg('as the address base');
    const offTok = this.peek();
    const off = this.imm('as the address offset (rN + OFF)');
    if (off !== 0)
      this.err(
        `Unsupported offset ${off}: Ordo's BPF front-end supports only offset 0.`,
        offTok.pos,
      );
    this.expect(')', 'to close the address (rN + OFF)');
    return { base, off };
  }

  /** `(uN *)` */
  private sizeCast(): Size {
    this.expect('(', 'to open the size cast (uN *)');
    const s = this.size();
    this.expect('*', 'in the size cast (uN *)');
    this.expect(')', 'to close the size cast (uN *)');
    return s;
  }

  private labelName(): string {
    const t = this.next();
    if (t.kind !== 'name')
      this.err(`Syntax error: expected a label after 'goto' but found ${this.describe(t)}.`, t.pos);
    return t.text;
  }

  private parseInstr(): Instr {
    const t = this.peek();
    const pos = t.pos;
    if (t.kind === 'name' && t.text === 'goto') {
      this.next();
      return { kind: 'goto', label: this.labelName(), pos };
    }
    if (t.kind === 'name' && BARRIERS[t.text] !== undefined) {
      this.next();
      return { kind: 'barrier', barrier: BARRIERS[t.text]!, pos };
    }
    if (t.kind === 'name' && t.text === 'call') {
      this.next();
      const h = this.next();
      if (h.kind !== 'name' || !HELPERS.has(h.text))
        this.err(
          h.kind === 'name'
            ? `Unknown helper '${h.text}': Ordo's BPF dialect calls bpf_spin_lock and bpf_spin_unlock.`
            : `Syntax error: expected a helper name after 'call' but found ${this.describe(h)}.`,
          h.pos,
        );
      return { kind: 'call', helper: h.text as HelperName, pos };
    }
    if (t.kind === 'name' && t.text === 'if') {
      this.next();
      const left = this.reg('in the condition');
      const c = this.next();
      if (c.kind !== 'punct' || !CONDS.has(c.text)) {
        const known = c.kind === 'punct' && ['>', '<='].includes(c.text);
        this.err(
          known
            ? `Unsupported condition '${c.text}': BPF branches test ==, !=, < or >=.`
            : `Syntax error: expected a comparison (==, !=, <, >=) but found ${this.describe(c)}.`,
          c.pos,
        );
      }
      const right = this.operand('in the condition');
      this.expect('goto', 'after the condition');
      return { kind: 'jcond', cond: c.text as CondOp, left, right, label: this.labelName(), pos };
    }
    if (t.kind === 'name' && t.text === 'lock') {
      this.next();
      this.expect('*', "after 'lock'");
      const size = this.sizeCast();
      const mem = this.memRef();
      const o = this.next();
      const op = o.kind === 'punct' ? LOCK_OPS[o.text] : undefined;
      if (!op) {
        this.err(
          o.kind === 'punct' && ALU_OPS.has(o.text)
            ? `Unsupported atomic operation '${o.text}': lock takes +=, &=, |= or ^=.`
            : `Syntax error: expected an atomic operator (+=, &=, |=, ^=) but found ${this.describe(o)}.`,
          o.pos,
        );
      }
      const src = this.reg('as the atomic operand');
      return { kind: 'atomic', op, size, mem, src, fetch: false, pos };
    }
    if (t.kind === 'name' && t.text === 'store_release') {
      this.next();
      this.expect('(', "after 'store_release'");
      const size = this.sizeCast();
      const mem = this.memRef();
      this.expect(',', 'between the address and the value of store_release');
      const src = this.reg('as the value of store_release');
      this.expect(')', 'to close store_release');
      return { kind: 'store', size, mem, src: { reg: src }, release: true, pos };
    }
    if (this.isP('*', t)) {
      this.next();
      const size = this.sizeCast();
      const mem = this.memRef();
      this.expect('=', 'in the store');
      const src = this.operand('as the stored value');
      return { kind: 'store', size, mem, src, release: false, pos };
    }
    if (t.kind === 'name' && canonicalReg(t.text)) {
      const dst = this.reg('');
      const o = this.next();
      if (o.kind === 'punct' && ALU_OPS.has(o.text)) {
        return {
          kind: 'alu',
          op: o.text as AluOp,
          dst,
          src: this.operand(`after '${o.text}'`),
          pos,
        };
      }
      if (this.isP('s>>=', o)) this.err(`BPF operation s>>= is not implemented.`, o.pos);
      if (!this.isP('=', o)) {
        this.err(
          `Syntax error: expected '=' or an operator such as '+=' after ${dst} but found ${this.describe(o)}.`,
          o.pos,
        );
      }
      const u = this.peek();
      if (this.isP('*', u)) {
        this.next();
        const size = this.sizeCast();
        const mem = this.memRef();
        return { kind: 'load', size, dst, mem, acquire: false, pos };
      }
      if (u.kind === 'name' && u.text === 'load_acquire') {
        this.next();
        this.expect('(', "after 'load_acquire'");
        const size = this.sizeCast();
        const mem = this.memRef();
        this.expect(')', 'to close load_acquire');
        return { kind: 'load', size, dst, mem, acquire: true, pos };
      }
      if (u.kind === 'name' && FETCH_OPS[u.text]) {
        this.next();
        this.expect('(', `after '${u.text}'`);
        const size = this.sizeCast();
        const mem = this.memRef();
        this.expect(',', `between the address and the operand of ${u.text}`);
        const src = this.reg(`as the operand of ${u.text}`);
        this.expect(')', `to close ${u.text}`);
        return { kind: 'atomic', op: FETCH_OPS[u.text]!, size, mem, src, fetch: true, dst, pos };
      }
      if (u.kind === 'name' && XCHG[u.text]) {
        this.next();
        this.expect('(', `after '${u.text}'`);
        const mem = this.memRef2();
        this.expect(',', `between the address and the operand of ${u.text}`);
        const src = this.reg(`as the operand of ${u.text}`);
        this.expect(')', `to close ${u.text}`);
        return { kind: 'xchg', size: XCHG[u.text]!, mem, src, dst, pos };
      }
      if (u.kind === 'name' && CMPXCHG[u.text]) {
        this.next();
        this.expect('(', `after '${u.text}'`);
        const mem = this.memRef2();
        this.expect(',', `after the address of ${u.text}`);
        const expected = this.reg(`as the expected value of ${u.text}`);
        this.expect(',', `after the expected value of ${u.text}`);
        const src = this.reg(`as the new value of ${u.text}`);
        this.expect(')', `to close ${u.text}`);
        return { kind: 'cmpxchg', size: CMPXCHG[u.text]!, mem, src, dst, expected, pos };
      }
      if (u.kind === 'name' && !canonicalReg(u.text)) {
        this.err(`Unknown instruction '${u.text}'.`, u.pos);
      }
      return { kind: 'mov', dst, src: this.operand(`after '='`), pos };
    }
    if (t.kind === 'name') return this.err(`Unknown instruction '${t.text}'.`, t.pos);
    return this.err(`Syntax error: expected an instruction but found ${this.describe(t)}.`, t.pos);
  }

  /** `rB + OFF` without parentheses (xchg/cmpxchg's first argument). */
  private memRef2(): MemRef {
    const base = this.reg('as the address base');
    const offTok = this.peek();
    const off = this.imm('as the address offset (rN + OFF)');
    if (off !== 0)
      this.err(
        `Unsupported offset ${off}: Ordo's BPF front-end supports only offset 0.`,
        offTok.pos,
      );
    return { base, off };
  }
}

function parseNum(text: string): number {
  return /^0[xX]/.test(text) ? parseInt(text.slice(2), 16) : parseInt(text, 10);
}
