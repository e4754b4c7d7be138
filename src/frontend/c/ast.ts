// Surface syntax of C process bodies and .def macro bodies, before macro expansion.

import type { BinaryOp, SourcePos } from '../../program/ir.js';

export type SExpr =
  | { k: 'num'; value: number; pos: SourcePos }
  | { k: 'id'; name: string; pos: SourcePos }
  | { k: 'unop'; op: '-' | '!' | '~' | '+'; arg: SExpr; pos: SourcePos }
  | { k: 'deref'; arg: SExpr; pos: SourcePos }
  | { k: 'addrOf'; arg: SExpr; pos: SourcePos }
  | { k: 'binop'; op: BinaryOp; left: SExpr; right: SExpr; pos: SourcePos }
  | { k: 'cond'; test: SExpr; then: SExpr; else: SExpr; pos: SourcePos }
  | { k: 'cast'; type: string; arg: SExpr; pos: SourcePos }
  /** A call `f(args)`: a macro to expand (or an unknown name). */
  | { k: 'call'; name: string; args: SExpr[]; pos: SourcePos }
  /**
   * A .def primitive: `__load{a}(lv)`, `__store{a}(lv,v)`, `__fence{a}`, `__xchg{a}(p,v)`,
   * `__cmpxchg{a}(p,e,d)`, `__atomic_op{a}(p,op,v)`, `__atomic_op_return{a}(p,op,v)`,
   * `__atomic_fetch_op{a}(p,op,v)`, `__atomic_add_unless{a}(p,a,u)`, `__lock(p)`,
   * `__unlock(p)`, `__trylock(p)`, `__islocked(p)`, `__srcu{a}(p)`.
   */
  | { k: 'prim'; name: string; annot: string[]; args: SExpr[]; op?: BinaryOp; pos: SourcePos };

export type SStmt =
  | { k: 'expr'; e: SExpr; pos: SourcePos }
  /** `(void)e;`: evaluate for effects. */
  | { k: 'void'; e: SExpr; pos: SourcePos }
  | { k: 'assign'; lhs: SExpr; op: BinaryOp | null; rhs: SExpr; pos: SourcePos }
  | { k: 'decl'; type: string; name: string; init: SExpr | null; pos: SourcePos }
  | { k: 'if'; test: SExpr; then: SStmt[]; else: SStmt[] | null; pos: SourcePos }
  | { k: 'while'; test: SExpr; body: SStmt[]; pos: SourcePos }
  | { k: 'block'; body: SStmt[]; pos: SourcePos }
  | { k: 'empty'; pos: SourcePos };

/** Primitives that are statements (no value). */
export const STMT_PRIMS = new Set([
  '__store',
  '__fence',
  '__lock',
  '__unlock',
  '__srcu',
  '__atomic_op',
]);
/** Primitives that produce a value. */
export const EXPR_PRIMS = new Set([
  '__load',
  '__xchg',
  '__cmpxchg',
  '__atomic_op_return',
  '__atomic_fetch_op',
  '__atomic_add_unless',
  '__trylock',
  '__islocked',
]);
export const ALL_PRIMS = new Set([...STMT_PRIMS, ...EXPR_PRIMS]);

/** Replace identifiers bound in `frame` by their argument expressions. */
export function substExpr(e: SExpr, frame: Map<string, SExpr>): SExpr {
  switch (e.k) {
    case 'num':
      return e;
    case 'id':
      return frame.get(e.name) ?? e;
    case 'unop':
      return { ...e, arg: substExpr(e.arg, frame) };
    case 'deref':
      return { ...e, arg: substExpr(e.arg, frame) };
    case 'addrOf':
      return { ...e, arg: substExpr(e.arg, frame) };
    case 'binop':
      return { ...e, left: substExpr(e.left, frame), right: substExpr(e.right, frame) };
    case 'cond':
      return {
        ...e,
        test: substExpr(e.test, frame),
        then: substExpr(e.then, frame),
        else: substExpr(e.else, frame),
      };
    case 'cast':
      return { ...e, arg: substExpr(e.arg, frame) };
    case 'call':
      return { ...e, args: e.args.map((a) => substExpr(a, frame)) };
    case 'prim':
      return { ...e, args: e.args.map((a) => substExpr(a, frame)) };
  }
}

export function substStmt(s: SStmt, frame: Map<string, SExpr>): SStmt {
  switch (s.k) {
    case 'expr':
    case 'void':
      return { ...s, e: substExpr(s.e, frame) };
    case 'assign':
      return { ...s, lhs: substExpr(s.lhs, frame), rhs: substExpr(s.rhs, frame) };
    case 'decl':
      return { ...s, init: s.init ? substExpr(s.init, frame) : null };
    case 'if':
      return {
        ...s,
        test: substExpr(s.test, frame),
        then: s.then.map((x) => substStmt(x, frame)),
        else: s.else ? s.else.map((x) => substStmt(x, frame)) : null,
      };
    case 'while':
      return { ...s, test: substExpr(s.test, frame), body: s.body.map((x) => substStmt(x, frame)) };
    case 'block':
      return { ...s, body: s.body.map((x) => substStmt(x, frame)) };
    case 'empty':
      return s;
  }
}
