// Recursive-descent parser for C process bodies and .def macro bodies (surface AST).

import type { BinaryOp, SourcePos } from '../../program/ir.js';
import { COMPOUND_ASSIGNMENT } from '../../program/ir.js';
import { ALL_PRIMS, type SExpr, type SStmt } from './ast.js';
import {
  ANNOTATED_PRIMS as ANNOTATED_PRIMS_LIST,
  Lexer,
  parseIntLiteral,
  type Token,
} from './lexer.js';

const TYPE_WORDS = new Set([
  'int',
  'char',
  'short',
  'long',
  'unsigned',
  'signed',
  'void',
  'bool',
  '_Bool',
  'volatile',
  'const',
  'struct',
  'union',
  'u8',
  'u16',
  'u32',
  'u64',
  's8',
  's16',
  's32',
  's64',
  'register',
  'static',
]);

const KEYWORDS = new Set([
  'if',
  'else',
  'while',
  'for',
  'do',
  'return',
  'goto',
  'switch',
  'case',
  'break',
  'continue',
]);

export function isTypeWord(t: Token): boolean {
  return t.kind === 'ident' && (TYPE_WORDS.has(t.text) || /_t$/.test(t.text));
}

const BIN_PREC: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '|': 3,
  '^': 4,
  '&': 5,
  '==': 6,
  '!=': 6,
  '<': 7,
  '<=': 7,
  '>': 7,
  '>=': 7,
  '<<': 8,
  '>>': 8,
  '+': 9,
  '-': 9,
  '*': 10,
  '/': 10,
  '%': 10,
};

export class CParser {
  constructor(readonly lx: Lexer) {}

  err(message: string, pos: SourcePos): never {
    throw this.lx.error(message, pos);
  }

  describe(t: Token): string {
    if (t.kind === 'eof') return 'end of file';
    if (t.kind === 'annot') return `'{${t.text}}'`;
    return `'${t.text}'`;
  }

  expect(text: string, what?: string): Token {
    const t = this.lx.next();
    if ((t.kind === 'punct' || t.kind === 'ident') && t.text === text) return t;
    this.err(
      `Syntax error: expected '${text}'${what ? ' ' + what : ''} but found ${this.describe(t)}.`,
      t.pos,
    );
  }

  isPunct(text: string): boolean {
    const t = this.lx.peek();
    return t.kind === 'punct' && t.text === text;
  }

  accept(text: string): boolean {
    const t = this.lx.peek();
    if ((t.kind === 'punct' || t.kind === 'ident') && t.text === text) {
      this.lx.next();
      return true;
    }
    return false;
  }

  expectIdent(what: string): Token {
    const t = this.lx.next();
    if (t.kind !== 'ident')
      this.err(`Syntax error: expected ${what} but found ${this.describe(t)}.`, t.pos);
    return t;
  }

  /** A C type: words (`unsigned long`, `struct srcu_struct`, `volatile int`) then stars. */
  parseType(): { base: string; stars: number } {
    const words: string[] = [];
    let t = this.lx.peek();
    while (
      t.kind === 'ident' &&
      (isTypeWord(t) || words[words.length - 1] === 'struct' || words[words.length - 1] === 'union')
    ) {
      words.push(this.lx.next().text);
      t = this.lx.peek();
    }
    if (words.length === 0)
      this.err(`Syntax error: expected a type but found ${this.describe(t)}.`, t.pos);
    let stars = 0;
    for (;;) {
      if (this.accept('*')) stars++;
      else if (
        this.lx.peek().kind === 'ident' &&
        (this.lx.peek().text === 'volatile' || this.lx.peek().text === 'const')
      )
        this.lx.next();
      else break;
    }
    return { base: words.join(' '), stars };
  }

  // ---------------------------------------------------------------- statements

  /** Statements up to (not including) a closing `}`. */
  parseStmtsUntilBrace(): SStmt[] {
    const out: SStmt[] = [];
    for (;;) {
      const t = this.lx.peek();
      if (t.kind === 'punct' && t.text === '}') return out;
      if (t.kind === 'eof') this.err(`Syntax error: missing '}' before end of file.`, t.pos);
      out.push(...this.parseStmt());
    }
  }

  /** One statement; a declaration with several declarators gives several. */
  parseStmt(): SStmt[] {
    const t = this.lx.peek();
    const pos = t.pos;
    if (t.kind === 'punct' && t.text === '{') {
      this.lx.next();
      const body = this.parseStmtsUntilBrace();
      this.expect('}');
      return [{ k: 'block', body, pos }];
    }
    if (t.kind === 'punct' && t.text === ';') {
      this.lx.next();
      return [{ k: 'empty', pos }];
    }
    if (t.kind === 'ident' && t.text === 'if') {
      this.lx.next();
      this.expect('(', "after 'if'");
      const test = this.parseExpr();
      this.expect(')', 'to close the if condition');
      const then = this.parseStmt();
      let els: SStmt[] | null = null;
      if (this.lx.peek().kind === 'ident' && this.lx.peek().text === 'else') {
        this.lx.next();
        els = this.parseStmt();
      }
      return [{ k: 'if', test, then, else: els, pos }];
    }
    if (t.kind === 'ident' && t.text === 'while') {
      this.lx.next();
      this.expect('(', "after 'while'");
      const test = this.parseExpr();
      this.expect(')', 'to close the while condition');
      const body = this.parseStmt();
      return [{ k: 'while', test, body, pos }];
    }
    if (t.kind === 'ident' && KEYWORDS.has(t.text)) {
      this.err(`Syntax error: '${t.text}' statements are not supported in litmus tests.`, pos);
    }
    if (isTypeWord(t)) return this.parseDecl();
    const e = this.parseExpr();
    const n = this.lx.peek();
    if (n.kind === 'punct' && (n.text === '=' || n.text in COMPOUND_ASSIGNMENT)) {
      this.lx.next();
      const rhs = this.parseExpr();
      this.expect(';', 'after the assignment');
      return [
        { k: 'assign', lhs: e, op: n.text === '=' ? null : COMPOUND_ASSIGNMENT[n.text]!, rhs, pos },
      ];
    }
    if (n.kind === 'punct' && (n.text === '++' || n.text === '--')) {
      this.lx.next();
      this.expect(';', `after '${n.text}'`);
      return [
        {
          k: 'assign',
          lhs: e,
          op: n.text === '++' ? '+' : '-',
          rhs: { k: 'num', value: 1, pos: n.pos },
          pos,
        },
      ];
    }
    this.expect(';', 'after the statement');
    if (e.k === 'cast' && e.type === 'void') return [{ k: 'void', e: e.arg, pos }];
    return [{ k: 'expr', e, pos }];
  }

  private parseDecl(): SStmt[] {
    const { base } = this.parseTypeWordsOnly();
    const out: SStmt[] = [];
    for (;;) {
      let stars = 0;
      for (;;) {
        if (this.accept('*')) stars++;
        else if (
          this.lx.peek().kind === 'ident' &&
          (this.lx.peek().text === 'volatile' || this.lx.peek().text === 'const')
        )
          this.lx.next();
        else break;
      }
      const name = this.expectIdent('a variable name in the declaration');
      let init: SExpr | null = null;
      if (this.accept('=')) init = this.parseAssignExpr();
      out.push({
        k: 'decl',
        type: stars ? `${base} ${'*'.repeat(stars)}` : base,
        name: name.text,
        init,
        pos: name.pos,
      });
      if (this.accept(',')) continue;
      this.expect(';', 'after the declaration');
      return out;
    }
  }

  private parseTypeWordsOnly(): { base: string } {
    const words: string[] = [];
    let t = this.lx.peek();
    while (
      t.kind === 'ident' &&
      (isTypeWord(t) || words[words.length - 1] === 'struct' || words[words.length - 1] === 'union')
    ) {
      words.push(this.lx.next().text);
      t = this.lx.peek();
    }
    return { base: words.join(' ') };
  }

  // ---------------------------------------------------------------- expressions

  parseExpr(): SExpr {
    return this.parseAssignExpr();
  }

  /** Conditional expression (no assignment expressions inside expressions). */
  parseAssignExpr(): SExpr {
    const test = this.parseBinary(1);
    if (this.isPunct('?')) {
      const q = this.lx.next();
      const then = this.parseAssignExpr();
      this.expect(':', "in the '?:' expression");
      const els = this.parseAssignExpr();
      return { k: 'cond', test, then, else: els, pos: q.pos };
    }
    return test;
  }

  private parseBinary(minPrec: number): SExpr {
    let left = this.parseUnary();
    for (;;) {
      const t = this.lx.peek();
      if (t.kind !== 'punct') return left;
      const prec = BIN_PREC[t.text];
      if (prec === undefined || prec < minPrec) return left;
      this.lx.next();
      const right = this.parseBinary(prec + 1);
      left = { k: 'binop', op: t.text as BinaryOp, left, right, pos: t.pos };
    }
  }

  private parseUnary(): SExpr {
    const t = this.lx.peek();
    if (t.kind === 'punct') {
      switch (t.text) {
        case '-': {
          this.lx.next();
          const arg = this.parseUnary();
          if (arg.k === 'num') return { k: 'num', value: -arg.value, pos: t.pos };
          return { k: 'unop', op: '-', arg, pos: t.pos };
        }
        case '+':
          this.lx.next();
          return this.parseUnary();
        case '!':
        case '~':
          this.lx.next();
          return { k: 'unop', op: t.text, arg: this.parseUnary(), pos: t.pos };
        case '*':
          this.lx.next();
          return { k: 'deref', arg: this.parseUnary(), pos: t.pos };
        case '&':
          this.lx.next();
          return { k: 'addrOf', arg: this.parseUnary(), pos: t.pos };
        case '++':
        case '--':
          return this.err(`Syntax error: '${t.text}' is not supported inside expressions.`, t.pos);
        case '(': {
          this.lx.next();
          if (isTypeWord(this.lx.peek())) {
            const { base, stars } = this.parseType();
            this.expect(')', 'to close the cast');
            const arg = this.parseUnary();
            return {
              k: 'cast',
              type: stars ? `${base} ${'*'.repeat(stars)}` : base,
              arg,
              pos: t.pos,
            };
          }
          const e = this.parseExpr();
          this.expect(')', 'to close the parenthesis');
          return this.parsePostfix(e);
        }
      }
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePostfix(e: SExpr): SExpr {
    const t = this.lx.peek();
    if (t.kind === 'punct' && (t.text === '->' || t.text === '.' || t.text === '[')) {
      this.err(
        `Syntax error: '${t.text}' (structures and arrays) is not supported in litmus tests.`,
        t.pos,
      );
    }
    return e;
  }

  private parsePrimary(): SExpr {
    const t = this.lx.next();
    if (t.kind === 'num') return { k: 'num', value: parseIntLiteral(t.text), pos: t.pos };
    if (t.kind === 'ident') {
      if (KEYWORDS.has(t.text) || t.text === 'else') {
        this.err(`Syntax error: unexpected '${t.text}' in an expression.`, t.pos);
      }
      if (ALL_PRIMS.has(t.text)) return this.parsePrim(t);
      if (this.isPunct('(')) {
        this.lx.next();
        const args: SExpr[] = [];
        if (!this.isPunct(')')) {
          for (;;) {
            args.push(this.parseAssignExpr());
            if (this.accept(',')) continue;
            break;
          }
        }
        this.expect(')', `to close the arguments of ${t.text}`);
        return { k: 'call', name: t.text, args, pos: t.pos };
      }
      if (t.text === 'NULL') return { k: 'num', value: 0, pos: t.pos };
      return { k: 'id', name: t.text, pos: t.pos };
    }
    this.err(`Syntax error: expected an expression but found ${this.describe(t)}.`, t.pos);
  }

  private parsePrim(t: Token): SExpr {
    const name = t.text;
    const annotTok = this.lx.takeAnnot();
    const annot = annotTok?.annot ?? [];
    if (ANNOTATED_PRIMS_LIST.has(name) && !annotTok) {
      this.err(`Syntax error: ${name} needs annotations, as in ${name}{ONCE}.`, t.pos);
    }
    if (!ANNOTATED_PRIMS_LIST.has(name) && annotTok) {
      this.err(`Syntax error: ${name} takes no annotations.`, annotTok.pos);
    }
    if (name === '__fence') return { k: 'prim', name, annot, args: [], pos: t.pos };
    this.expect('(', `after ${name}`);
    const args: SExpr[] = [];
    let op: BinaryOp | undefined;
    const isOpPrim =
      name === '__atomic_op' || name === '__atomic_op_return' || name === '__atomic_fetch_op';
    if (isOpPrim) {
      args.push(this.parseAssignExpr());
      this.expect(',', `in ${name}`);
      const o = this.lx.next();
      if (
        o.kind !== 'punct' ||
        !['+', '-', '&', '|', '^', '*', '/', '%', '<<', '>>'].includes(o.text)
      ) {
        this.err(
          `Syntax error: expected an operator (+ - & | ^ &~) as second argument of ${name} but found ${this.describe(o)}.`,
          o.pos,
        );
      }
      op = o.text as BinaryOp;
      if (o.text === '&' && this.isPunct('~')) {
        this.lx.next();
        op = '&~';
      }
      this.expect(',', `in ${name}`);
      args.push(this.parseAssignExpr());
    } else {
      for (;;) {
        args.push(this.parseAssignExpr());
        if (this.accept(',')) continue;
        break;
      }
    }
    const close = this.expect(')', `to close the arguments of ${name}`);
    const arity: Record<string, number> = {
      __load: 1,
      __store: 2,
      __xchg: 2,
      __cmpxchg: 3,
      __atomic_op: 2,
      __atomic_op_return: 2,
      __atomic_fetch_op: 2,
      __atomic_add_unless: 3,
      __lock: 1,
      __unlock: 1,
      __trylock: 1,
      __islocked: 1,
      __srcu: 1,
    };
    const want = arity[name]!;
    if (args.length !== want) {
      this.err(
        `${name} expects ${isOpPrim ? 3 : want} arguments but got ${isOpPrim ? args.length + 1 : args.length}.`,
        close.pos,
      );
    }
    const e: SExpr = { k: 'prim', name, annot, args, pos: t.pos };
    if (op) e.op = op;
    return e;
  }
}
