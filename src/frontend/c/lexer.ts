// Tokenizer shared by the C litmus front-end and the .def macro parser.
//
// Two modes:
//  - 'top': the header, the init block, the text between processes and the clauses after
//    them. `(* ... *)` (nesting), `/* ... */` and `// ...` are comments.
//  - 'c': inside a process body or a .def file. Only `/* */` and `//` are comments, because
//    `(*x)` / `WRITE_ONCE(*x, 1)` are ordinary C.
// The parser switches mode with setMode(), which re-lexes any buffered lookahead.

import { OrdoError } from '../../diagnostics.js';
import { checkLimits } from '../../limits.js';
import type { SourcePos } from '../../program/ir.js';

export type TokKind = 'ident' | 'num' | 'punct' | 'annot' | 'eof';

export interface Token {
  kind: TokKind;
  /** Identifier name, punctuation text, number literal text. */
  text: string;
  /** For 'annot' tokens: the annotation names between the braces. */
  annot?: string[];
  pos: SourcePos;
  /** Offset of the token's first character in the source. */
  start: number;
  /** Offset just after the token. */
  end: number;
}

export type LexMode = 'top' | 'c';

/** Primitives of the .def language that take `{annot,...}` right after their name. */
export const ANNOTATED_PRIMS = new Set([
  '__load',
  '__store',
  '__fence',
  '__xchg',
  '__cmpxchg',
  '__atomic_op',
  '__atomic_op_return',
  '__atomic_fetch_op',
  '__atomic_add_unless',
  '__srcu',
]);

// Longest first.
const PUNCTS = [
  '<<=',
  '>>=',
  '/\\',
  '\\/',
  '=>',
  '==',
  '!=',
  '<=',
  '>=',
  '<<',
  '>>',
  '&&',
  '||',
  '->',
  '++',
  '--',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  ';',
  ',',
  ':',
  '=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '&',
  '|',
  '^',
  '!',
  '~',
  '<',
  '>',
  '?',
  '.',
  '"',
];

export class Lexer {
  private i = 0;
  private line = 1;
  private col = 1;
  private buffered: Token | null = null;
  private bufferedMode: LexMode = 'top';
  private mode: LexMode;

  constructor(
    readonly text: string,
    readonly file: string,
    mode: LexMode = 'top',
  ) {
    this.mode = mode;
  }

  getMode(): LexMode {
    return this.mode;
  }

  setMode(mode: LexMode): void {
    if (mode === this.mode) return;
    this.mode = mode;
    if (this.buffered && this.bufferedMode !== mode) this.unread();
  }

  pos(): SourcePos {
    return { file: this.file, line: this.line, col: this.col };
  }

  error(message: string, pos: SourcePos): OrdoError {
    return new OrdoError(message, { file: pos.file, line: pos.line, col: pos.col });
  }

  peek(): Token {
    if (!this.buffered) {
      this.buffered = this.lex();
      this.bufferedMode = this.mode;
    }
    return this.buffered;
  }

  next(): Token {
    const t = this.peek();
    this.buffered = null;
    return t;
  }

  /** Put the buffered lookahead back into the character stream. */
  private unread(): void {
    const t = this.buffered;
    if (!t) return;
    this.buffered = null;
    this.i = t.start;
    this.line = t.pos.line;
    this.col = t.pos.col;
  }

  /** Skip the rest of the current line (raw), returning it. Discards lookahead. */
  restOfLine(): string {
    this.unread();
    const start = this.i;
    while (this.i < this.text.length && this.text[this.i] !== '\n') this.advance();
    return this.text.slice(start, this.i);
  }

  /**
   * The raw text after an opening `"` (just read) up to the closing `"` on the same line,
   * which is consumed; null when the line has none. Discards lookahead.
   */
  quotedRest(): string | null {
    this.unread();
    const end = this.text.indexOf('"', this.i);
    const eol = this.text.indexOf('\n', this.i);
    if (end < 0 || (eol >= 0 && eol < end)) return null;
    const quoted = this.text.slice(this.i, end);
    while (this.i <= end) this.advance();
    return quoted;
  }

  /**
   * Header lines between the `C name` line and the init block (`key=value` metadata such
   * as `Cycle=...`, a doc string, a repeated name): skip whole lines, and comments, until a
   * line whose first token is `{`. Discards lookahead.
   */
  skipHeaderLines(): void {
    this.unread();
    for (;;) {
      this.skipSpaceAndComments();
      if (this.i >= this.text.length || this.text[this.i] === '{') return;
      while (this.i < this.text.length && this.text[this.i] !== '\n') this.advance();
    }
  }

  private advance(): void {
    const c = this.text[this.i++];
    if (c === '\n') {
      this.line++;
      this.col = 1;
    } else {
      this.col++;
    }
  }

  private skipSpaceAndComments(): void {
    const s = this.text;
    for (;;) {
      const c = s[this.i];
      if (c === undefined) return;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
        this.advance();
        continue;
      }
      if (c === '/' && s[this.i + 1] === '/') {
        while (this.i < s.length && s[this.i] !== '\n') this.advance();
        continue;
      }
      if (c === '/' && s[this.i + 1] === '*') {
        const p = this.pos();
        this.advance();
        this.advance();
        for (;;) {
          if (this.i >= s.length) throw this.error('Unterminated comment /* ... */.', p);
          if (s[this.i] === '*' && s[this.i + 1] === '/') {
            this.advance();
            this.advance();
            break;
          }
          this.advance();
        }
        continue;
      }
      if (this.mode === 'top' && c === '(' && s[this.i + 1] === '*') {
        const p = this.pos();
        this.advance();
        this.advance();
        let depth = 1;
        while (depth > 0) {
          if (this.i >= s.length) throw this.error('Unterminated comment (* ... *).', p);
          if (s[this.i] === '(' && s[this.i + 1] === '*') {
            depth++;
            this.advance();
            this.advance();
          } else if (s[this.i] === '*' && s[this.i + 1] === ')') {
            depth--;
            this.advance();
            this.advance();
          } else {
            this.advance();
          }
        }
        continue;
      }
      return;
    }
  }

  private lex(): Token {
    checkLimits(); // a huge test takes long to read: the run's time limit holds here too
    this.skipSpaceAndComments();
    const s = this.text;
    const pos = this.pos();
    const start = this.i;
    const c = s[this.i];
    if (c === undefined) return { kind: 'eof', text: '', pos, start, end: start };
    if (/[A-Za-z_$]/.test(c)) {
      while (this.i < s.length && /[A-Za-z0-9_$]/.test(s[this.i]!)) this.advance();
      const text = s.slice(start, this.i);
      if (ANNOTATED_PRIMS.has(text)) {
        // Look for `{annot,...}` right after the name.
        const save = { i: this.i, line: this.line, col: this.col };
        this.skipSpaceAndComments();
        if (s[this.i] === '{') {
          const bracePos = this.pos();
          this.advance();
          const aStart = this.i;
          while (this.i < s.length && s[this.i] !== '}' && s[this.i] !== '\n') this.advance();
          if (s[this.i] !== '}')
            throw this.error(`Missing '}' after the annotations of ${text}.`, bracePos);
          const inner = s.slice(aStart, this.i);
          this.advance();
          const annot = inner.split(',').map((a) => a.trim());
          if (annot.some((a) => a === '' || /\s/.test(a))) {
            throw this.error(`Bad annotation list {${inner}} for ${text}.`, bracePos);
          }
          // Return the identifier; the annotation token follows.
          this.pendingAnnot = {
            kind: 'annot',
            text: inner,
            annot,
            pos: bracePos,
            start: aStart - 1,
            end: this.i,
          };
          return { kind: 'ident', text, pos, start, end: save.i };
        }
        this.i = save.i;
        this.line = save.line;
        this.col = save.col;
      }
      return { kind: 'ident', text, pos, start, end: this.i };
    }
    if (/[0-9]/.test(c)) {
      if (c === '0' && (s[this.i + 1] === 'x' || s[this.i + 1] === 'X')) {
        this.advance();
        this.advance();
        const digits = this.i;
        while (this.i < s.length && /[0-9a-fA-F]/.test(s[this.i]!)) this.advance();
        // `0x` alone is no number (it reached BigInt and crashed: fuzz case 7686).
        if (this.i === digits)
          throw this.error(`Malformed number '${s.slice(start, this.i)}'.`, pos);
      } else {
        while (this.i < s.length && /[0-9]/.test(s[this.i]!)) this.advance();
      }
      // C integer suffixes (1UL, 0u).
      while (this.i < s.length && /[uUlL]/.test(s[this.i]!)) this.advance();
      if (this.i < s.length && /[A-Za-z_]/.test(s[this.i]!)) {
        throw this.error(`Malformed number '${s.slice(start, this.i + 1)}'.`, pos);
      }
      return { kind: 'num', text: s.slice(start, this.i), pos, start, end: this.i };
    }
    for (const p of PUNCTS) {
      if (s.startsWith(p, this.i)) {
        for (let k = 0; k < p.length; k++) this.advance();
        return { kind: 'punct', text: p, pos, start, end: this.i };
      }
    }
    throw this.error(`Unexpected character '${c}'.`, pos);
  }

  private pendingAnnot: Token | null = null;

  /** After an annotated primitive's name: its `{...}` annotation token, if it had one. */
  takeAnnot(): Token | null {
    const a = this.pendingAnnot;
    this.pendingAnnot = null;
    if (a) {
      // The annotation was consumed by the lexer together with the name: make sure the
      // lookahead (if any) starts after it.
      if (this.buffered && this.buffered.start < a.end) this.buffered = null;
    }
    return a;
  }
}

/** Parse a C / litmus integer literal (decimal or hex, optional U/L suffixes). */
export function parseIntLiteral(text: string): number {
  const t = text.replace(/[uUlL]+$/, '');
  return t.startsWith('0x') || t.startsWith('0X') ? parseInt(t.slice(2), 16) : parseInt(t, 10);
}
