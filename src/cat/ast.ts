// Abstract syntax of cat files, as produced by the parser.

import type { Location } from '../diagnostics.js';

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
  loc: Location;
  pat: Pat;
  exp: Exp;
}

export type Exp =
  | { kind: 'emptyset'; loc: Location } // {}
  | { kind: 'zero'; loc: Location } // 0, the empty relation
  | { kind: 'universe'; loc: Location } // _
  | { kind: 'tag'; loc: Location; name: string }
  | { kind: 'var'; loc: Location; name: string }
  | { kind: 'op1'; loc: Location; op: Op1; arg: Exp }
  | { kind: 'union'; loc: Location; args: Exp[] }
  | { kind: 'seq'; loc: Location; args: Exp[] }
  | { kind: 'inter'; loc: Location; left: Exp; right: Exp }
  | { kind: 'diff'; loc: Location; left: Exp; right: Exp }
  | { kind: 'cart'; loc: Location; left: Exp; right: Exp }
  | { kind: 'add'; loc: Location; left: Exp; right: Exp }
  | { kind: 'set'; loc: Location; elems: Exp[] }
  | { kind: 'tuple'; loc: Location; elems: Exp[] }
  | { kind: 'app'; loc: Location; fn: Exp; arg: Exp }
  | { kind: 'fun'; loc: Location; pat: Pat; body: Exp; name: string }
  | { kind: 'let'; loc: Location; rec: boolean; binds: Binding[]; body: Exp }
  | {
      kind: 'match';
      loc: Location;
      arg: Exp;
      clauses: Array<{ tag: string; body: Exp }>;
      dflt: Exp | null;
    }
  | {
      kind: 'matchset';
      loc: Location;
      arg: Exp;
      ifEmpty: Exp;
      /** `x ++ rest -> e` (pre = undefined) or `pre | x ++ post -> e`. */
      elt: string | null;
      rest: string | null;
      pre?: string | null;
      body: Exp;
    }
  | { kind: 'try'; loc: Location; body: Exp; handler: Exp }
  | { kind: 'if'; loc: Location; cond: Cond; then: Exp; else: Exp };

export type TestKind = 'acyclic' | 'irreflexive' | 'empty';
/** `assert` (herd's aarch64 files): a check that must hold on every execution, else an error. */
export type TestType = 'check' | 'flag' | 'undefined_unless' | 'assert';

export type Ins =
  | { kind: 'let'; loc: Location; rec: boolean; binds: Binding[] }
  | {
      kind: 'test';
      loc: Location;
      type: TestType;
      negated: boolean;
      test: TestKind;
      exp: Exp;
      name: string | null;
      text: string;
    }
  /**
   * Display directives: `show a, b` and `unshow a, b` (exp null), `show e as name`. They
   * change no verdict; graphs read them.
   */
  | { kind: 'show'; loc: Location; hide: boolean; names: string[]; exp: Exp | null }
  | { kind: 'include'; loc: Location; file: string }
  | { kind: 'procedure'; loc: Location; name: string; pat: Pat; body: Ins[] }
  | { kind: 'call'; loc: Location; name: string; arg: Exp; as: string | null }
  | { kind: 'enum'; loc: Location; name: string; tags: string[] }
  | { kind: 'forall'; loc: Location; name: string; set: Exp; body: Ins[] }
  | { kind: 'withfrom'; loc: Location; name: string; set: Exp }
  | { kind: 'events'; loc: Location; name: string; args: Exp[] }
  | { kind: 'ifins'; loc: Location; cond: Cond; then: Ins[]; else: Ins[] }
  | {
      kind: 'insmatch';
      loc: Location;
      arg: Exp;
      clauses: Array<{ tag: string; body: Ins[] }>;
      dflt: Ins[] | null;
    }
  | { kind: 'nop'; loc: Location };

export interface CatFile {
  file: string;
  /** Architecture/identifier before the title, if any (e.g. `BPF`). */
  ident: string | null;
  title: string | null;
  options: string[];
  body: Ins[];
}
