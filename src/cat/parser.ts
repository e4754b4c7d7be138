// Recursive-descent parser for cat and bell files.
//
// Operator precedence, loosest first: `|`, `++`, `;`, `\`, `&`, then cartesian `*`,
// prefix `~` and the postfix closures (`*`, `+`, `?`, `^-1`), then application.
// `|` and `;` are n-ary; `++`, `&` group to the right, `\` to the left.

import { OrdoError, type Location } from '../diagnostics.js';
import { normaliseLineBreaks } from '../source.js';
import type { Binding, CatFile, Cond, Exp, Ins, Pat, TestKind, TestType } from './ast.js';
import { tokenize, type Token } from './lexer.js';

const HEADER_OPTIONS = new Set([
  'withco',
  'withoutco',
  'withinit',
  'withoutinit',
  'withsc',
  'withoutsc',
]);

class Parser {
  private toks: Token[];
  private p = 0;
  constructor(
    private file: string,
    src: string,
  ) {
    this.toks = tokenize(src, file);
  }

  private peek(k = 0): Token {
    return this.toks[Math.min(this.p + k, this.toks.length - 1)];
  }
  private next(): Token {
    const t = this.toks[this.p];
    if (this.p < this.toks.length - 1) this.p++;
    return t;
  }
  private loc(t: Token = this.peek()): Location {
    return { file: this.file, line: t.line, col: t.col };
  }
  private fail(msg: string, t: Token = this.peek()): never {
    throw new OrdoError(msg, this.loc(t));
  }
  private describe(t: Token): string {
    switch (t.kind) {
      case 'eof':
        return 'end of file';
      case 'string':
        return `string "${t.text}"`;
      case 'tag':
        return `tag '${t.text}`;
      default:
        return `'${t.text}'`;
    }
  }
  private isOp(text: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'op' && t.text === text;
  }
  private isVarWord(text: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'var' && t.text === text;
  }
  private isKw(text: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'kw' && t.text === text;
  }
  private expectOp(text: string): Token {
    if (!this.isOp(text))
      this.fail(`syntax error: expected '${text}', found ${this.describe(this.peek())}`);
    return this.next();
  }
  private expectKw(text: string): Token {
    if (!this.isKw(text))
      this.fail(`syntax error: expected '${text}', found ${this.describe(this.peek())}`);
    return this.next();
  }
  private expectVar(): Token {
    const t = this.peek();
    if (t.kind !== 'var') this.fail(`syntax error: expected a name, found ${this.describe(t)}`);
    return this.next();
  }

  parseFile(): CatFile {
    let ident: string | null = null;
    let title: string | null = null;
    const options: string[] = [];
    if (this.peek().kind === 'var' && !HEADER_OPTIONS.has(this.peek().text)) {
      ident = this.next().text;
      // The name may be followed by a title, quoted or a single word (`X86 TSO`).
      const next = this.peek();
      if (next.kind === 'string' || (next.kind === 'var' && !HEADER_OPTIONS.has(next.text)))
        title = this.next().text;
    } else if (this.peek().kind === 'string') {
      title = this.next().text;
    }
    while (this.peek().kind === 'var' && HEADER_OPTIONS.has(this.peek().text))
      options.push(this.next().text);
    const body = this.parseInsList();
    if (this.peek().kind !== 'eof')
      this.fail(`syntax error: unexpected ${this.describe(this.peek())}`);
    return { file: this.file, ident, title, options, body };
  }

  // ---------------------------------------------------------------- instructions

  private startsIns(): boolean {
    const t = this.peek();
    if (t.kind !== 'kw') return false;
    switch (t.text) {
      case 'let':
      case 'flag':
      case 'undefined_unless':
      case 'acyclic':
      case 'irreflexive':
      case 'empty':
      case 'show':
      case 'unshow':
      case 'include':
      case 'procedure':
      case 'call':
      case 'enum':
      case 'debug':
      case 'forall':
      case 'with':
      case 'instructions':
      case 'default':
      case 'if':
      case 'match':
        return true;
      default:
        return false;
    }
  }

  private parseInsList(): Ins[] {
    const out: Ins[] = [];
    while (true) {
      if (this.isOp('~') && this.startsTest(0)) {
        out.push(this.parseTest('check'));
        continue;
      }
      if (this.isVarWord('assert') && this.startsTest(1)) {
        const at = this.loc();
        this.next();
        out.push({ ...this.parseTest('assert'), loc: at });
        continue;
      }
      if (!this.startsIns()) break;
      out.push(this.parseIns());
    }
    return out;
  }

  private parseIns(): Ins {
    const t = this.peek();
    const loc = this.loc(t);
    switch (t.text) {
      case 'let': {
        this.next();
        const rec = this.isKw('rec') ? (this.next(), true) : false;
        const binds = this.parseBindings();
        if (this.isKw('when')) this.fail('`let rec ... when` is not supported');
        return { kind: 'let', loc, rec, binds };
      }
      case 'flag':
        this.next();
        return this.parseTest('flag');
      case 'undefined_unless':
        this.next();
        return this.parseTest('undefined_unless');
      case 'acyclic':
      case 'irreflexive':
      case 'empty':
        return this.parseTest('check');
      case 'show': {
        this.next();
        const e = this.parseExp();
        if (this.isKw('as')) {
          this.next();
          const name = this.expectVar().text;
          return { kind: 'show', loc, hide: false, names: [name], exp: e };
        }
        if (e.kind !== 'var') this.fail('syntax error: `show` expects names or `e as name`');
        const names = [e.name];
        while (this.isOp(',')) {
          this.next();
          names.push(this.expectVar().text);
        }
        return { kind: 'show', loc, hide: false, names, exp: null };
      }
      case 'unshow': {
        this.next();
        const names = [this.expectVar().text];
        while (this.isOp(',')) {
          this.next();
          names.push(this.expectVar().text);
        }
        return { kind: 'show', loc, hide: true, names, exp: null };
      }
      case 'include': {
        this.next();
        const s = this.peek();
        if (s.kind !== 'string') this.fail('syntax error: `include` expects a file name string');
        this.next();
        return { kind: 'include', loc, file: s.text };
      }
      case 'procedure': {
        this.next();
        if (this.isKw('rec')) this.next();
        const name = this.expectVar().text;
        let pat: Pat;
        if (this.isOp('(')) {
          this.next();
          const names = this.parseFormals();
          this.expectOp(')');
          pat = names.length === 1 ? { kind: 'var', name: names[0] } : { kind: 'tuple', names };
        } else pat = { kind: 'var', name: this.parsePat0() };
        this.expectOp('=');
        const body = this.parseInsList();
        this.expectKw('end');
        return { kind: 'procedure', loc, name, pat, body };
      }
      case 'call': {
        this.next();
        const name = this.expectVar().text;
        const arg = this.parseSimple();
        let as: string | null = null;
        if (this.isKw('as')) {
          this.next();
          as = this.expectVar().text;
        }
        return { kind: 'call', loc, name, arg, as };
      }
      case 'enum': {
        this.next();
        const name = this.expectVar().text;
        this.expectOp('=');
        if (this.isOp('||')) this.next();
        const tags: string[] = [];
        while (true) {
          const tg = this.peek();
          if (tg.kind !== 'tag')
            this.fail(`syntax error: expected a tag, found ${this.describe(tg)}`);
          this.next();
          tags.push(tg.text);
          if (this.isOp('||')) {
            this.next();
            continue;
          }
          break;
        }
        return { kind: 'enum', loc, name, tags };
      }
      case 'debug':
        this.next();
        this.parseExp();
        return { kind: 'nop', loc };
      case 'forall': {
        this.next();
        const name = this.expectVar().text;
        this.expectKw('in');
        const set = this.parseExp();
        this.expectKw('do');
        const body = this.parseInsList();
        this.expectKw('end');
        return { kind: 'forall', loc, name, set, body };
      }
      case 'with': {
        this.next();
        const name = this.expectVar().text;
        this.expectKw('from');
        const set = this.parseExp();
        return { kind: 'withfrom', loc, name, set };
      }
      case 'instructions':
      case 'default': {
        this.next();
        const name = this.expectVar().text;
        this.expectOp('[');
        const args: Exp[] = [];
        if (!this.isOp(']')) {
          args.push(this.parseExp());
          while (this.isOp(',')) {
            this.next();
            args.push(this.parseExp());
          }
        }
        this.expectOp(']');
        return { kind: 'events', loc, name, args };
      }
      case 'if': {
        this.next();
        const cond = this.parseCond();
        if (this.isKw('then')) this.next();
        const th = this.parseInsList();
        let el: Ins[] = [];
        if (this.isKw('else')) {
          this.next();
          el = this.parseInsList();
        }
        this.expectKw('end');
        return { kind: 'ifins', loc, cond, then: th, else: el };
      }
      case 'match': {
        this.next();
        const arg = this.parseExp();
        this.expectKw('with');
        if (this.isOp('||')) this.next();
        const clauses: Array<{ tag: string; body: Ins[] }> = [];
        let dflt: Ins[] | null = null;
        while (true) {
          const c = this.peek();
          if (c.kind === 'tag') {
            this.next();
            this.expectOp('->');
            clauses.push({ tag: c.text, body: this.parseInsList() });
          } else if (this.isOp('_')) {
            this.next();
            this.expectOp('->');
            dflt = this.parseInsList();
          } else this.fail(`syntax error: expected a match clause, found ${this.describe(c)}`);
          if (this.isOp('||')) {
            this.next();
            continue;
          }
          break;
        }
        this.expectKw('end');
        return { kind: 'insmatch', loc, arg, clauses, dflt };
      }
    }
    return this.fail(`syntax error: unexpected ${this.describe(t)}`);
  }

  /** A test's keyword (possibly negated) at token k. */
  private startsTest(k: number): boolean {
    const t = this.isOp('~', k) ? this.peek(k + 1) : this.peek(k);
    return t.kind === 'kw' && ['acyclic', 'irreflexive', 'empty'].includes(t.text);
  }

  private parseTest(type: TestType): Ins {
    const loc = this.loc();
    let negated = false;
    if (this.isOp('~')) {
      this.next();
      negated = true;
    }
    const t = this.peek();
    if (t.kind !== 'kw' || !['acyclic', 'irreflexive', 'empty'].includes(t.text)) {
      this.fail(`syntax error: expected acyclic, irreflexive or empty, found ${this.describe(t)}`);
    }
    this.next();
    const test = t.text as TestKind;
    const exp = this.parseExp();
    let name: string | null = null;
    if (this.isKw('as')) {
      this.next();
      name = this.expectVar().text;
    }
    const text = `${negated ? '~' : ''}${test} at ${loc.file}:${loc.line}:${loc.col}`;
    return { kind: 'test', loc, type, negated, test, exp, name, text };
  }

  private parsePat0(): string | null {
    if (this.isOp('_')) {
      this.next();
      return null;
    }
    return this.expectVar().text;
  }

  private parseFormals(): Array<string | null> {
    const names: Array<string | null> = [];
    if (this.isOp(')')) return names;
    names.push(this.parsePat0());
    while (this.isOp(',')) {
      this.next();
      names.push(this.parsePat0());
    }
    return names;
  }

  private parseBindings(): Binding[] {
    const binds = [this.parseBinding()];
    while (this.isKw('and')) {
      this.next();
      binds.push(this.parseBinding());
    }
    return binds;
  }

  private parseBinding(): Binding {
    const loc = this.loc();
    if (this.isOp('(')) {
      this.next();
      const names = this.parseFormals();
      this.expectOp(')');
      this.expectOp('=');
      const pat: Pat =
        names.length === 1 ? { kind: 'var', name: names[0] } : { kind: 'tuple', names };
      return { loc, pat, exp: this.parseExp() };
    }
    const nameTok = this.expectVar();
    const name = nameTok.text;
    if (this.isOp('=')) {
      this.next();
      return { loc, pat: { kind: 'var', name }, exp: this.parseExp() };
    }
    let fpat: Pat;
    const floc = this.loc();
    if (this.isOp('(')) {
      this.next();
      const names = this.parseFormals();
      this.expectOp(')');
      fpat = names.length === 1 ? { kind: 'var', name: names[0] } : { kind: 'tuple', names };
    } else if (this.peek().kind === 'var' || this.isOp('_')) {
      fpat = { kind: 'var', name: this.parsePat0() };
    } else {
      return this.fail(
        `syntax error: expected '=' after '${name}', found ${this.describe(this.peek())}`,
      );
    }
    this.expectOp('=');
    const body = this.parseExp();
    return {
      loc,
      pat: { kind: 'var', name },
      exp: { kind: 'fun', loc: floc, pat: fpat, body, name },
    };
  }

  // ---------------------------------------------------------------- conditions

  private parseCond(): Cond {
    let c = this.parseCondAtom();
    while (true) {
      if (this.isOp('&&') || (this.isOp('&') && this.peek(1).kind === 'string')) {
        this.next();
        c = { kind: 'and', left: c, right: this.parseCondAtom() };
      } else if ((this.isOp('||') || this.isOp('|')) && this.startsVariantCond(1)) {
        this.next();
        c = { kind: 'or', left: c, right: this.parseCondAtom() };
      } else break;
    }
    return c;
  }

  /** `~`, `!` or `not` (herd's aarch64 files spell negation `not "DIC"`) at token k. */
  private isNegation(k: number): boolean {
    return this.isOp('~', k) || this.isOp('!', k) || this.isVarWord('not', k);
  }

  /** A variant condition (a string, or a negated condition) starts at token k. */
  private startsVariantCond(k: number): boolean {
    return this.peek(k).kind === 'string' || this.isNegation(k);
  }

  private parseCondAtom(): Cond {
    if (this.peek().kind === 'string') return { kind: 'variant', name: this.next().text };
    if (this.isNegation(0) && this.startsVariantCond(1)) {
      this.next();
      return { kind: 'not', arg: this.parseCondAtom() };
    }
    const left = this.parseExp();
    if (this.isOp('=')) {
      this.next();
      return { kind: 'eq', left, right: this.parseExp() };
    }
    if (this.isKw('in')) {
      this.next();
      return { kind: 'in', left, right: this.parseExp() };
    }
    if (this.isKw('subset')) {
      this.next();
      return { kind: 'subset', left, right: this.parseExp() };
    }
    return this.fail(`syntax error: expected a condition, found ${this.describe(this.peek())}`);
  }

  // ---------------------------------------------------------------- expressions

  parseExp(): Exp {
    const t = this.peek();
    const loc = this.loc(t);
    if (t.kind === 'kw') {
      switch (t.text) {
        case 'let': {
          this.next();
          const rec = this.isKw('rec') ? (this.next(), true) : false;
          const binds = this.parseBindings();
          this.expectKw('in');
          const body = this.parseExp();
          return { kind: 'let', loc, rec, binds, body };
        }
        case 'fun': {
          this.next();
          let pat: Pat;
          if (this.isOp('(')) {
            this.next();
            const names = this.parseFormals();
            this.expectOp(')');
            pat = names.length === 1 ? { kind: 'var', name: names[0] } : { kind: 'tuple', names };
          } else pat = { kind: 'var', name: this.parsePat0() };
          this.expectOp('->');
          return { kind: 'fun', loc, pat, body: this.parseExp(), name: '*fun*' };
        }
        case 'try': {
          this.next();
          const body = this.parseExp();
          this.expectKw('with');
          return { kind: 'try', loc, body, handler: this.parseExp() };
        }
        case 'if': {
          this.next();
          const cond = this.parseCond();
          this.expectKw('then');
          const th = this.parseExp();
          this.expectKw('else');
          return { kind: 'if', loc, cond, then: th, else: this.parseExp() };
        }
      }
    }
    return this.parseUnion();
  }

  private parseUnion(): Exp {
    const loc = this.loc();
    const first = this.parseAdd();
    if (!this.isOp('|')) return first;
    const args = [first];
    while (this.isOp('|')) {
      this.next();
      args.push(this.parseAdd());
    }
    return { kind: 'union', loc, args };
  }

  private parseAdd(): Exp {
    const loc = this.loc();
    const left = this.parseSeq();
    if (this.isOp('++')) {
      this.next();
      return { kind: 'add', loc, left, right: this.parseAdd() };
    }
    return left;
  }

  private parseSeq(): Exp {
    const loc = this.loc();
    const first = this.parseDiff();
    if (!this.isOp(';')) return first;
    const args = [first];
    while (this.isOp(';')) {
      this.next();
      args.push(this.parseDiff());
    }
    return { kind: 'seq', loc, args };
  }

  private parseDiff(): Exp {
    const loc = this.loc();
    let left = this.parseInter();
    while (this.isOp('\\')) {
      this.next();
      left = { kind: 'diff', loc, left, right: this.parseInter() };
    }
    return left;
  }

  private parseInter(): Exp {
    const loc = this.loc();
    const left = this.parseCart();
    if (this.isOp('&')) {
      this.next();
      return { kind: 'inter', loc, left, right: this.parseInter() };
    }
    return left;
  }

  /** Can the token at offset k begin an operand (so a preceding `*` is binary)? */
  private startsOperand(k: number): boolean {
    const t = this.peek(k);
    if (t.kind === 'var' || t.kind === 'tag') return true;
    if (t.kind === 'kw') return t.text === 'begin' || t.text === 'match';
    if (t.kind === 'op') return ['(', '{', '[', '_', '0', '~'].includes(t.text);
    return false;
  }

  private parseCart(): Exp {
    const loc = this.loc();
    let left = this.parseUnary();
    while (this.isOp('*') && this.startsOperand(1)) {
      this.next();
      left = { kind: 'cart', loc, left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): Exp {
    const loc = this.loc();
    if (this.isOp('~')) {
      this.next();
      return { kind: 'op1', loc, op: 'comp', arg: this.parseUnary() };
    }
    let e = this.parseApp();
    while (true) {
      if (this.isOp('*') && !this.startsOperand(1)) {
        this.next();
        e = { kind: 'op1', loc, op: 'star', arg: e };
      } else if (this.isOp('+')) {
        this.next();
        e = { kind: 'op1', loc, op: 'plus', arg: e };
      } else if (this.isOp('?')) {
        this.next();
        e = { kind: 'op1', loc, op: 'opt', arg: e };
      } else if (this.isOp('^')) {
        this.next();
        if (this.isOp('-1')) {
          this.next();
          e = { kind: 'op1', loc, op: 'inv', arg: e };
        } else if (this.isOp('+')) {
          this.next();
          e = { kind: 'op1', loc, op: 'plus', arg: e };
        } else if (this.isOp('*')) {
          this.next();
          e = { kind: 'op1', loc, op: 'star', arg: e };
        } else
          this.fail(
            `syntax error: expected -1, + or * after '^', found ${this.describe(this.peek())}`,
          );
      } else break;
    }
    return e;
  }

  private startsArg(): boolean {
    const t = this.peek();
    // `assert empty ...` starts an instruction (herd's keyword; a name elsewhere).
    if (t.kind === 'var' && t.text === 'assert' && this.startsTest(1)) return false;
    if (t.kind === 'var' || t.kind === 'tag') return true;
    if (t.kind === 'kw') return t.text === 'begin';
    if (t.kind === 'op') return ['(', '{', '[', '_', '0'].includes(t.text);
    return false;
  }

  private parseApp(): Exp {
    const t = this.peek();
    if (t.kind !== 'var') return this.parseSimple();
    this.next();
    let e: Exp = { kind: 'var', loc: this.loc(t), name: t.text };
    while (this.startsArg()) {
      const aloc = this.loc();
      const arg = this.parseSimple();
      e = { kind: 'app', loc: aloc, fn: e, arg };
    }
    return e;
  }

  private parseSimple(): Exp {
    const t = this.peek();
    const loc = this.loc(t);
    if (t.kind === 'var') {
      this.next();
      return { kind: 'var', loc, name: t.text };
    }
    if (t.kind === 'tag') {
      this.next();
      return { kind: 'tag', loc, name: t.text };
    }
    if (t.kind === 'kw') {
      if (t.text === 'begin') {
        this.next();
        const e = this.parseExp();
        this.expectKw('end');
        return e;
      }
      if (t.text === 'match') return this.parseMatch();
      if (t.text === 'let' || t.text === 'fun' || t.text === 'try' || t.text === 'if')
        return this.parseExp();
    }
    if (t.kind === 'op') {
      switch (t.text) {
        case '0':
          this.next();
          return { kind: 'zero', loc };
        case '_':
          this.next();
          return { kind: 'universe', loc };
        case '{': {
          this.next();
          const elems: Exp[] = [];
          if (!this.isOp('}')) {
            elems.push(this.parseExp());
            while (this.isOp(',')) {
              this.next();
              elems.push(this.parseExp());
            }
          }
          this.expectOp('}');
          return elems.length === 0 ? { kind: 'emptyset', loc } : { kind: 'set', loc, elems };
        }
        case '[': {
          this.next();
          const arg = this.parseExp();
          this.expectOp(']');
          return { kind: 'op1', loc, op: 'toid', arg };
        }
        case '(': {
          this.next();
          if (this.isOp(')')) {
            this.next();
            return { kind: 'tuple', loc, elems: [] };
          }
          const first = this.parseExp();
          if (this.isOp(',')) {
            const elems = [first];
            while (this.isOp(',')) {
              this.next();
              elems.push(this.parseExp());
            }
            this.expectOp(')');
            return { kind: 'tuple', loc, elems };
          }
          this.expectOp(')');
          return first;
        }
      }
    }
    return this.fail(`syntax error: unexpected ${this.describe(t)}`);
  }

  private parseMatch(): Exp {
    const loc = this.loc();
    this.expectKw('match');
    const arg = this.parseExp();
    this.expectKw('with');
    if (this.isOp('||')) this.next();
    // Tag clauses: 'a -> e || _ -> e
    if (this.peek().kind === 'tag' || (this.isOp('_') && this.isOp('->', 1))) {
      const clauses: Array<{ tag: string; body: Exp }> = [];
      let dflt: Exp | null = null;
      while (true) {
        const c = this.peek();
        if (c.kind === 'tag') {
          this.next();
          this.expectOp('->');
          clauses.push({ tag: c.text, body: this.parseExp() });
        } else if (this.isOp('_')) {
          this.next();
          this.expectOp('->');
          dflt = this.parseExp();
        } else this.fail(`syntax error: expected a match clause, found ${this.describe(c)}`);
        if (this.isOp('||')) {
          this.next();
          continue;
        }
        break;
      }
      this.expectKw('end');
      return { kind: 'match', loc, arg, clauses, dflt };
    }
    // Set clauses: {} -> e || x ++ s -> e (either order), or pre | x ++ post -> e
    let ifEmpty: Exp | null = null;
    let elt: { elt: string | null; rest: string | null; pre?: string | null; body: Exp } | null =
      null;
    for (let k = 0; k < 2; k++) {
      if (k === 1) this.expectOp('||');
      if (this.isOp('{')) {
        if (ifEmpty) this.fail('syntax error: two empty-set clauses');
        this.next();
        this.expectOp('}');
        this.expectOp('->');
        ifEmpty = this.parseExp();
      } else {
        if (elt) this.fail('syntax error: two element clauses');
        const a = this.parsePat0();
        if (this.isOp('|')) {
          this.next();
          const x = this.parsePat0();
          this.expectOp('++');
          const post = this.parsePat0();
          this.expectOp('->');
          elt = { pre: a, elt: x, rest: post, body: this.parseExp() };
        } else {
          this.expectOp('++');
          const rest = this.parsePat0();
          this.expectOp('->');
          elt = { elt: a, rest, body: this.parseExp() };
        }
      }
    }
    this.expectKw('end');
    return { kind: 'matchset', loc, arg, ifEmpty: ifEmpty!, ...elt! };
  }
}

export function parseCat(src: string, file: string): CatFile {
  return new Parser(file, normaliseLineBreaks(src)).parseFile();
}
