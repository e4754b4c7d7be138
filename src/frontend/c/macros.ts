// The .def macro mechanism: parsing macro files and expanding macro calls into the IR.
//
// A .def file is a list of `NAME(PARAMS) BODY`, where BODY is an expression (the macro
// yields a value) or a `{ ...; }` block (the macro is a statement). Expansion substitutes
// the argument expressions for the parameters, then lowers the result; primitives
// (`__load{a}`, `__store{a}`, `__fence{a}`, ...) become IR nodes.
//
// Command macros: a parameter written `=NAME` is a literal, not a variable. The macro
// then only applies when the argument in that position is exactly the identifier NAME,
// and the same macro name may be defined once per combination of literals, e.g.
//   membarrier(=MEMBARRIER_CMD_GLOBAL)            { __fence{memb}; }
//   membarrier(=MEMBARRIER_CMD_PRIVATE_EXPEDITED) { __fence{memb-private-expedited}; }
// A call whose literal argument matches no definition is an error naming the argument
// and listing the known ones.

import { OrdoError } from '../../diagnostics.js';
import { normaliseLineBreaks } from '../../source.js';
import type { Expr, SourcePos, Stmt } from '../../program/ir.js';
import { ALL_PRIMS, EXPR_PRIMS, substExpr, substStmt, type SExpr, type SStmt } from './ast.js';
import { CParser } from './cparser.js';
import { Lexer } from './lexer.js';

export interface MacroDef {
  name: string;
  params: string[];
  /** 'expr': BODY is an expression; 'stmt': BODY is a `{ ... }` block. */
  kind: 'expr' | 'stmt';
  expr?: SExpr;
  body?: SStmt[];
  pos: SourcePos;
  /** Per parameter: the identifier a literal (`=NAME`) parameter matches, else null. */
  literals?: (string | null)[];
  /** For a command macro: its definitions, one per combination of literals. */
  cases?: MacroDef[];
}

export interface MacroTable {
  file: string;
  macros: Map<string, MacroDef>;
}

export function parseMacros(text: string, file: string): MacroTable {
  const lx = new Lexer(normaliseLineBreaks(text), file, 'c');
  const p = new CParser(lx);
  const macros = new Map<string, MacroDef>();
  for (;;) {
    const t = lx.peek();
    if (t.kind === 'eof') break;
    const name = p.expectIdent('a macro name');
    if (ALL_PRIMS.has(name.text)) p.err(`Cannot redefine the primitive ${name.text}.`, name.pos);
    p.expect('(', `after the macro name ${name.text}`);
    const params: string[] = [];
    const literals: (string | null)[] = [];
    if (!p.isPunct(')')) {
      for (;;) {
        if (p.accept('=')) {
          // A literal parameter: its "name" cannot be an identifier, so substitution skips it.
          const lit = p.expectIdent(`a command name after '=' in the parameters of ${name.text}`);
          params.push(`=${lit.text}`);
          literals.push(lit.text);
        } else {
          const prm = p.expectIdent(`a parameter name of ${name.text}`);
          if (params.includes(prm.text))
            p.err(`Parameter ${prm.text} appears twice in ${name.text}.`, prm.pos);
          params.push(prm.text);
          literals.push(null);
        }
        if (p.accept(',')) continue;
        break;
      }
    }
    p.expect(')', `to close the parameters of ${name.text}`);
    let def: MacroDef;
    if (p.isPunct('{')) {
      lx.next();
      const body = p.parseStmtsUntilBrace();
      p.expect('}');
      def = { name: name.text, params, kind: 'stmt', body, pos: name.pos };
    } else {
      const expr = p.parseExpr();
      def = { name: name.text, params, kind: 'expr', expr, pos: name.pos };
    }
    if (literals.every((l) => l === null)) {
      const prev = macros.get(name.text);
      if (prev?.cases)
        p.err(
          `Macro ${name.text} is a command macro: every definition needs a =NAME parameter.`,
          name.pos,
        );
      macros.set(name.text, def);
      continue;
    }
    def.literals = literals;
    let group = macros.get(name.text);
    if (group && !group.cases) {
      p.err(`Macro ${name.text} is already defined without a =NAME parameter.`, name.pos);
    }
    if (!group) {
      group = { name: name.text, params, kind: def.kind, pos: name.pos, cases: [] };
      macros.set(name.text, group);
    }
    if (group.params.length !== params.length) {
      p.err(
        `Every definition of the command macro ${name.text} must take ${group.params.length} parameter(s).`,
        name.pos,
      );
    }
    if (group.cases!.some((c) => c.literals!.every((l, i) => l === literals[i]))) {
      p.err(`Macro ${name.text}(${params.join(', ')}) is defined twice.`, name.pos);
    }
    group.cases!.push(def);
  }
  return { file, macros };
}

const MAX_DEPTH = 64;

/** Turns surface statements of one process into IR, expanding macros. */
export class Lowerer {
  private site: SourcePos | null = null;
  private depth = 0;

  constructor(
    readonly macros: MacroTable,
    readonly sourceFile: string,
  ) {}

  /** Position to report for a node: its own if it is in the litmus file, else the call site. */
  private at(pos: SourcePos): SourcePos {
    if (pos.file === this.sourceFile || !this.site) return pos;
    return this.site;
  }

  private err(message: string, pos: SourcePos): never {
    const p = this.at(pos);
    throw new OrdoError(message, { file: p.file, line: p.line, col: p.col });
  }

  private lookup(name: string, pos: SourcePos): MacroDef {
    const m = this.macros.macros.get(name);
    if (!m) this.err(`Unknown macro ${name}`, pos);
    return m;
  }

  /** The definition a call uses: for a command macro, the case its literal arguments select. */
  private select(m: MacroDef, call: { args: SExpr[]; pos: SourcePos }): MacroDef {
    if (!m.cases) return m;
    if (call.args.length !== m.params.length) return m; // withMacro reports the arity
    const litPositions = m.params
      .map((_, i) => i)
      .filter((i) => m.cases!.some((c) => c.literals![i] !== null));
    const found = m.cases.find((c) =>
      c.literals!.every((l, i) => {
        if (l === null) return true;
        const a = call.args[i]!;
        return a.k === 'id' && a.name === l;
      }),
    );
    if (found) return found;
    // Report the first literal position whose argument matches no definition.
    for (const i of litPositions) {
      const known = [
        ...new Set(m.cases.map((c) => c.literals![i]).filter((l): l is string => l !== null)),
      ];
      const a = call.args[i]!;
      if (a.k === 'id' && known.includes(a.name)) continue;
      const list = known.join(', ');
      if (a.k === 'id')
        this.err(`Unknown command ${a.name} in ${m.name}(); known commands: ${list}.`, a.pos);
      this.err(`${m.name}() expects a command name as argument ${i + 1} (one of ${list}).`, a.pos);
    }
    return this.err(`No definition of ${m.name} matches this combination of commands.`, call.pos);
  }

  private withMacro<T>(
    m: MacroDef,
    call: { args: SExpr[]; pos: SourcePos },
    f: (frame: Map<string, SExpr>) => T,
  ): T {
    if (call.args.length !== m.params.length) {
      this.err(
        `Macro ${m.name} expects ${m.params.length} argument${m.params.length === 1 ? '' : 's'} but got ${call.args.length}.`,
        call.pos,
      );
    }
    if (this.depth >= MAX_DEPTH)
      this.err(`Macro expansion of ${m.name} is too deep (recursive macro?).`, call.pos);
    const frame = new Map<string, SExpr>();
    m.params.forEach((prm, i) => frame.set(prm, call.args[i]!));
    const savedSite = this.site;
    this.site = this.at(call.pos);
    this.depth++;
    try {
      return f(frame);
    } finally {
      this.depth--;
      this.site = savedSite;
    }
  }

  // ------------------------------------------------------------------ expressions

  lowerExpr(e: SExpr): Expr {
    const pos = this.at(e.pos);
    switch (e.k) {
      case 'num':
        return { kind: 'const', value: e.value, pos };
      case 'id':
        return { kind: 'reg', name: e.name, pos };
      case 'unop':
        if (e.op === '+') return this.lowerExpr(e.arg);
        return { kind: 'unop', op: e.op, arg: this.lowerExpr(e.arg), pos };
      case 'deref':
        return { kind: 'load', annot: [], addr: this.lowerExpr(e.arg), pos };
      case 'addrOf': {
        const a = e.arg;
        if (a.k === 'id') return { kind: 'addr', name: a.name, pos };
        if (a.k === 'deref') return this.lowerExpr(a.arg);
        return this.err(`'&' applies to a location name, as in &x.`, e.pos);
      }
      case 'binop':
        return {
          kind: 'binop',
          op: e.op,
          left: this.lowerExpr(e.left),
          right: this.lowerExpr(e.right),
          pos,
        };
      case 'cond':
        return {
          kind: 'cond',
          test: this.lowerExpr(e.test),
          then: this.lowerExpr(e.then),
          else: this.lowerExpr(e.else),
          pos,
        };
      case 'cast':
        if (e.type === 'void') return this.err(`A (void) cast has no value.`, e.pos);
        return this.lowerExpr(e.arg);
      case 'call': {
        const m = this.select(this.lookup(e.name, e.pos), e);
        if (m.kind === 'stmt') {
          this.err(`Macro ${e.name} is a statement and cannot be used as a value.`, e.pos);
        }
        return this.withMacro(m, e, (frame) => this.lowerExpr(substExpr(m.expr!, frame)));
      }
      case 'prim':
        return this.lowerPrimExpr(e);
    }
  }

  /** The address designated by an lvalue (`*e` designates address e). */
  private lvalueAddr(lv: SExpr, prim: string): Expr {
    if (lv.k === 'deref') return this.lowerExpr(lv.arg);
    if (lv.k === 'cast') return this.lvalueAddr(lv.arg, prim);
    return this.err(`${prim} expects a memory lvalue such as *x as its first argument.`, lv.pos);
  }

  private lowerPrimExpr(e: Extract<SExpr, { k: 'prim' }>): Expr {
    const pos = this.at(e.pos);
    const a = e.args;
    switch (e.name) {
      case '__load':
        return { kind: 'load', annot: e.annot, addr: this.lvalueAddr(a[0]!, e.name), pos };
      case '__xchg':
        return {
          kind: 'xchg',
          annot: e.annot,
          addr: this.lowerExpr(a[0]!),
          value: this.lowerExpr(a[1]!),
          pos,
        };
      case '__cmpxchg':
        return {
          kind: 'cmpxchg',
          annot: e.annot,
          addr: this.lowerExpr(a[0]!),
          expected: this.lowerExpr(a[1]!),
          desired: this.lowerExpr(a[2]!),
          pos,
        };
      case '__atomic_op_return':
      case '__atomic_fetch_op':
        return {
          kind: 'atomicOp',
          annot: e.annot,
          addr: this.lowerExpr(a[0]!),
          op: e.op!,
          operand: this.lowerExpr(a[1]!),
          ret: e.name === '__atomic_op_return' ? 'new' : 'old',
          pos,
        };
      case '__atomic_add_unless':
        return {
          kind: 'addUnless',
          annot: e.annot,
          addr: this.lowerExpr(a[0]!),
          add: this.lowerExpr(a[1]!),
          unless: this.lowerExpr(a[2]!),
          pos,
        };
      case '__trylock':
        return { kind: 'trylock', addr: this.lowerExpr(a[0]!), pos };
      case '__islocked':
        return { kind: 'islocked', addr: this.lowerExpr(a[0]!), pos };
      default:
        return this.err(`${e.name} is a statement and cannot be used as a value.`, e.pos);
    }
  }

  // ------------------------------------------------------------------ statements

  lowerStmts(ss: SStmt[]): Stmt[] {
    const out: Stmt[] = [];
    for (const s of ss) out.push(...this.lowerStmt(s));
    return out;
  }

  /** Body of an if/while branch: a block is unwrapped. */
  private lowerBranch(ss: SStmt[]): Stmt[] {
    if (ss.length === 1 && ss[0]!.k === 'block') return this.lowerStmts(ss[0]!.body);
    return this.lowerStmts(ss);
  }

  lowerStmt(s: SStmt): Stmt[] {
    const pos = this.at(s.pos);
    switch (s.k) {
      case 'empty':
        return [];
      case 'block':
        return [{ kind: 'block', body: this.lowerStmts(s.body), pos }];
      case 'if':
        return [
          {
            kind: 'if',
            test: this.lowerExpr(s.test),
            then: this.lowerBranch(s.then),
            else: s.else ? this.lowerBranch(s.else) : [],
            pos,
          },
        ];
      case 'while':
        return [
          { kind: 'while', test: this.lowerExpr(s.test), body: this.lowerBranch(s.body), pos },
        ];
      case 'decl':
        return s.init ? [{ kind: 'assign', reg: s.name, value: this.lowerExpr(s.init), pos }] : [];
      case 'void':
        return [{ kind: 'eval', value: this.lowerExpr(s.e), pos }];
      case 'assign':
        return [this.lowerAssign(s)];
      case 'expr':
        return this.lowerExprStmt(s.e);
    }
  }

  private lowerAssign(s: Extract<SStmt, { k: 'assign' }>): Stmt {
    const pos = this.at(s.pos);
    const lhs = s.lhs.k === 'cast' ? s.lhs.arg : s.lhs;
    let value = this.lowerExpr(s.rhs);
    if (lhs.k === 'id') {
      if (s.op)
        value = {
          kind: 'binop',
          op: s.op,
          left: { kind: 'reg', name: lhs.name, pos },
          right: value,
          pos,
        };
      return { kind: 'assign', reg: lhs.name, value, pos };
    }
    if (lhs.k === 'deref') {
      const addr = this.lowerExpr(lhs.arg);
      if (s.op)
        value = {
          kind: 'binop',
          op: s.op,
          left: { kind: 'load', annot: [], addr, pos },
          right: value,
          pos,
        };
      return { kind: 'store', annot: [], addr, value, pos };
    }
    return this.err(
      `Cannot assign to this expression: expected a variable or *pointer.`,
      s.lhs.pos,
    );
  }

  private lowerExprStmt(e: SExpr): Stmt[] {
    const pos = this.at(e.pos);
    if (e.k === 'call') {
      const m = this.select(this.lookup(e.name, e.pos), e);
      if (m.kind === 'expr') {
        this.err(
          `Macro ${e.name} returns a value and cannot be used as a statement; assign its result or write (void)${e.name}(...).`,
          e.pos,
        );
      }
      return this.withMacro(m, e, (frame) =>
        this.lowerStmts(m.body!.map((b) => substStmt(b, frame))),
      );
    }
    if (e.k === 'prim') {
      const a = e.args;
      switch (e.name) {
        case '__store':
          return [
            {
              kind: 'store',
              annot: e.annot,
              addr: this.lvalueAddr(a[0]!, e.name),
              value: this.lowerExpr(a[1]!),
              pos,
            },
          ];
        case '__fence':
          return [{ kind: 'fence', annot: e.annot, pos }];
        case '__lock':
          return [{ kind: 'lock', addr: this.lowerExpr(a[0]!), pos }];
        case '__unlock':
          return [{ kind: 'unlock', addr: this.lowerExpr(a[0]!), pos }];
        case '__srcu':
          return [{ kind: 'srcuSync', annot: e.annot, addr: this.lowerExpr(a[0]!), pos }];
        case '__atomic_op':
          return [
            {
              kind: 'eval',
              value: {
                kind: 'atomicOp',
                annot: e.annot,
                addr: this.lowerExpr(a[0]!),
                op: e.op!,
                operand: this.lowerExpr(a[1]!),
                ret: 'none',
                pos,
              },
              pos,
            },
          ];
        default:
          if (EXPR_PRIMS.has(e.name)) {
            this.err(
              `${e.name} returns a value and cannot be used as a statement; assign its result or cast it to (void).`,
              e.pos,
            );
          }
      }
    }
    return this.err(
      `Syntax error: this expression is not a statement (expected an assignment or a macro call).`,
      e.pos,
    );
  }
}
