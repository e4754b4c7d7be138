// Abstract syntax of cat files, as produced by the parser.

import type { Location } from '../diagnostics.js';

export type Loc = Location;

/** A binding pattern: a name, `_` (null), or a tuple of those. */
export type Pat =
  { kind: 'var'; name: string | null } | { kind: 'tuple'; names: Array<string | null> };

export type Op1 = 'plus' | 'star' | 'opt' | 'inv' | 'comp' | 'toid';

/** Conditions of `if`: variant tests are resolved when the model is loaded. */
export type Cond =
  | { kind: 'variant'; name: string }
  | { kind: 'not'; arg: Cond }
  | { kind: 'and'; left: Cond; right: Cond }
  | { kind: 'or'; left: Cond; right: Cond }
  | { kind: 'eq'; left: Exp; right: Exp }
  | { kind: 'subset'; left: Exp; right: Exp }
  | { kind: 'in'; left: Exp; right: Exp };

export interface Binding {
  loc: Loc;
  pat: Pat;
  exp: Exp;
}

export type Exp =
  | { kind: 'emptyset'; loc: Loc } // {}
  | { kind: 'zero'; loc: Loc } // 0, the empty relation
  | { kind: 'universe'; loc: Loc } // _
  | { kind: 'tag'; loc: Loc; name: string }
  | { kind: 'var'; loc: Loc; name: string }
  | { kind: 'op1'; loc: Loc; op: Op1; arg: Exp }
  | { kind: 'union'; loc: Loc; args: Exp[] }
  | { kind: 'seq'; loc: Loc; args: Exp[] }
  | { kind: 'inter'; loc: Loc; left: Exp; right: Exp }
  | { kind: 'diff'; loc: Loc; left: Exp; right: Exp }
  | { kind: 'cart'; loc: Loc; left: Exp; right: Exp }
  | { kind: 'add'; loc: Loc; left: Exp; right: Exp }
  | { kind: 'set'; loc: Loc; elems: Exp[] }
  | { kind: 'tuple'; loc: Loc; elems: Exp[] }
  | { kind: 'app'; loc: Loc; fn: Exp; arg: Exp }
  | { kind: 'fun'; loc: Loc; pat: Pat; body: Exp; name: string }
  | { kind: 'let'; loc: Loc; rec: boolean; binds: Binding[]; body: Exp }
  | {
      kind: 'match';
      loc: Loc;
      arg: Exp;
      clauses: Array<{ tag: string; body: Exp }>;
      dflt: Exp | null;
    }
  | {
      kind: 'matchset';
      loc: Loc;
      arg: Exp;
      ifEmpty: Exp;
      /** `x ++ rest -> e` (pre = undefined) or `pre | x ++ post -> e`. */
      elt: string | null;
      rest: string | null;
      pre?: string | null;
      body: Exp;
    }
  | { kind: 'try'; loc: Loc; body: Exp; handler: Exp }
  | { kind: 'if'; loc: Loc; cond: Cond; then: Exp; else: Exp };

export type TestKind = 'acyclic' | 'irreflexive' | 'empty';
export type TestType = 'check' | 'flag' | 'undefined_unless';

export type Ins =
  | { kind: 'let'; loc: Loc; rec: boolean; binds: Binding[] }
  | {
      kind: 'test';
      loc: Loc;
      type: TestType;
      negated: boolean;
      test: TestKind;
      exp: Exp;
      name: string | null;
      text: string;
    }
  | { kind: 'show'; loc: Loc }
  | { kind: 'include'; loc: Loc; file: string }
  | { kind: 'procedure'; loc: Loc; name: string; pat: Pat; body: Ins[] }
  | { kind: 'call'; loc: Loc; name: string; arg: Exp; as: string | null }
  | { kind: 'enum'; loc: Loc; name: string; tags: string[] }
  | { kind: 'forall'; loc: Loc; name: string; set: Exp; body: Ins[] }
  | { kind: 'withfrom'; loc: Loc; name: string; set: Exp }
  | { kind: 'events'; loc: Loc; name: string; args: Exp[] }
  | { kind: 'ifins'; loc: Loc; cond: Cond; then: Ins[]; else: Ins[] }
  | {
      kind: 'insmatch';
      loc: Loc;
      arg: Exp;
      clauses: Array<{ tag: string; body: Ins[] }>;
      dflt: Ins[] | null;
    }
  | { kind: 'nop'; loc: Loc };

export interface CatFile {
  file: string;
  /** Architecture/identifier before the title, if any (e.g. `BPF`). */
  ident: string | null;
  title: string | null;
  options: string[];
  body: Ins[];
}
