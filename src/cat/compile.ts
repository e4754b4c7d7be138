// Name resolution: turns parsed cat files into a resolved program.
//
// Scoping in cat is lexical, so every variable reference can be resolved once, when the
// model is loaded:
//  - top-level names live in numbered global slots; each top-level binding gets a fresh
//    slot, so a later redefinition never disturbs earlier readers (and a fork can rerun
//    the rest of the model just by rewriting the slots that follow it);
//  - names bound inside functions, `let ... in`, matches and procedure bodies live in
//    frames (arrays linked to their parent) and are addressed by (depth, index);
//  - names bound nowhere are "inputs": looked up in the ModelInput for each evaluation,
//    an error only if evaluated while absent (so `try X with e` works as in herd).
// Variant conditions and includes are also resolved here.

import { OrdoError, type Location } from '../diagnostics.js';
import { checkLimits } from '../limits.js';
import type { Binding, CatFile, Cond, Exp, Ins, Pat } from './ast.js';
import { EMPTY, UNV, mkValSet, freshId, type VProc, type VTag } from './values.js';
import { PRIMITIVES } from './primitives.js';
import { markInvariant } from './invariance.js';
import { markKindDetermined } from './kinds.js';
import {
  shownGlobal,
  type CIns,
  type CompiledProgram,
  type GRef,
  type RCond,
  type RExp,
  type RPat,
  type ShownRelation,
} from './resolved.js';

export type IncludeLoader = (name: string, fromFile: string, loc: Location) => CatFile;

interface Scope {
  names: Array<string | null>;
  parent: Scope | null;
}

/** Which of a model's checks apply (herd7's -skipchecks and -through). */
export interface CheckPolicy {
  /** Named checks (`... as NAME`, procedure calls `as NAME`) that are not applied. */
  skipped: ReadonlySet<string>;
  /** -through invalid|all: checks (not flags) never reject an execution. */
  letFailedChecksThrough: boolean;
}

const ALL_CHECKS: CheckPolicy = { skipped: new Set(), letFailedChecksThrough: false };

function patNames(p: Pat): Array<string | null> {
  return p.kind === 'var' ? [p.name] : p.names;
}
function rpat(p: Pat): RPat {
  return p.kind === 'var' ? { size: 1, tuple: false } : { size: p.names.length, tuple: true };
}

export class Compiler {
  private gmap = new Map<string, GRef>();
  private nslots = 0;
  private inputIdx = new Map<string, number>();
  private inputNames: string[] = [];
  private tags = new Map<string, string>();
  private declaredTags: string[] = [];
  private withoutCo = false;
  private options: string[] = [];
  private includeDepth = 0;
  private shown: ShownRelation[] = [];

  constructor(
    private variants: Set<string>,
    private loadInclude: IncludeLoader,
    private checks: CheckPolicy = ALL_CHECKS,
  ) {
    for (const [name, fn] of PRIMITIVES) {
      this.gmap.set(name, { kind: 'const', v: { k: 'prim', id: freshId(), name, fn } });
    }
  }

  /** Compile files in order, as one top-level program in one environment. */
  compileFiles(files: CatFile[]): CompiledProgram {
    const code: CIns[] = [];
    for (const f of files) this.compileFile(f, null, code);
    const prog: CompiledProgram = {
      code,
      nslots: this.nslots,
      inputNames: this.inputNames,
      declaredTags: this.declaredTags,
      finalGlobals: new Map(this.gmap),
      shown: this.shown,
      withoutCo: this.withoutCo,
      options: this.options,
      memoCount: 0,
      stageCount: 0,
      loopCount: 0,
      fixedCount: 0,
    };
    const { candidateVariantSlots, ...counts } = markInvariant(prog);
    Object.assign(prog, counts);
    // After markInvariant, which regroups sequences into new nodes.
    markKindDetermined(prog, candidateVariantSlots);
    return prog;
  }

  private compileFile(f: CatFile, scope: Scope | null, out: CIns[]): Scope | null {
    for (const o of f.options) {
      if (!this.options.includes(o)) this.options.push(o);
      if (o === 'withoutco') this.withoutCo = true;
    }
    return this.compileBody(f.body, scope, out);
  }

  // ------------------------------------------------------------------ instructions

  private compileBody(body: Ins[], scope: Scope | null, out: CIns[]): Scope | null {
    for (const ins of body) scope = this.compileIns(ins, scope, out);
    return scope;
  }

  private bindLocal(scope: Scope | null, names: Array<string | null>): Scope {
    return { names, parent: scope };
  }

  private compileIns(ins: Ins, scope: Scope | null, out: CIns[]): Scope | null {
    checkLimits(); // a model of 100,000 instructions (repeated includes) takes seconds
    switch (ins.kind) {
      case 'nop':
      case 'events':
        return scope;
      case 'show':
        this.compileShow(ins, scope, out);
        return scope;
      case 'let': {
        const pats = ins.binds.map((b) => rpat(b.pat));
        const isFun = ins.binds.map((b) => b.exp.kind === 'fun');
        const names = ins.binds.flatMap((b) => patNames(b.pat));
        if (scope === null) {
          const slots = names.map(() => this.nslots++);
          if (ins.rec) {
            this.bindGlobals(names, slots);
            const e = ins.binds.map((b) => this.exp(b.exp, null));
            out.push({ t: 'grec', slots, pats, e, isFun, loc: ins.loc });
          } else {
            const e = ins.binds.map((b) => this.exp(b.exp, null));
            this.bindGlobals(names, slots);
            out.push({ t: 'glet', slots, pats, e, loc: ins.loc });
          }
          return null;
        }
        if (ins.rec) {
          const inner = this.bindLocal(scope, names);
          const e = ins.binds.map((b) => this.exp(b.exp, inner));
          out.push({ t: 'lrec', pats, e, isFun, size: names.length, loc: ins.loc });
          return inner;
        }
        const e = ins.binds.map((b) => this.exp(b.exp, scope));
        out.push({ t: 'llet', pats, e, size: names.length, loc: ins.loc });
        return this.bindLocal(scope, names);
      }
      case 'test':
        // A check that cannot change the outcome is not compiled at all (herd7 does not
        // evaluate a skipped check; a check let through cannot reject).
        if (ins.name !== null && this.checks.skipped.has(ins.name)) return scope;
        if (ins.type === 'check' && this.checks.letFailedChecksThrough) return scope;
        out.push({
          t: 'test',
          type: ins.type,
          neg: ins.negated,
          test: ins.test,
          e: this.exp(ins.exp, scope),
          name: ins.name,
          text: ins.text,
          loc: ins.loc,
        });
        return scope;
      case 'include': {
        if (this.includeDepth > 64)
          throw new OrdoError(`include nesting too deep at "${ins.file}"`, ins.loc);
        const f = this.loadInclude(ins.file, ins.loc.file, ins.loc);
        this.includeDepth++;
        try {
          return this.compileFile(f, scope, out);
        } finally {
          this.includeDepth--;
        }
      }
      case 'procedure': {
        const pat = rpat(ins.pat);
        if (scope === null) {
          // The procedure may call itself: bind first (herd's `procedure rec`).
          const proc: VProc = { k: 'proc', pat, body: [], frame: null, name: ins.name };
          this.gmap.set(ins.name, { kind: 'const', v: proc });
          const inner = this.bindLocal(null, patNames(ins.pat));
          this.compileBody(ins.body, inner, proc.body);
          return null;
        }
        const outer = this.bindLocal(scope, [ins.name]);
        const inner = this.bindLocal(outer, patNames(ins.pat));
        const body: CIns[] = [];
        this.compileBody(ins.body, inner, body);
        out.push({ t: 'lproc', pat, body, name: ins.name });
        return outer;
      }
      case 'call': {
        if (ins.as !== null && this.checks.skipped.has(ins.as)) return scope;
        const p = this.varRef(ins.name, scope, ins.loc);
        out.push({
          t: 'call',
          p,
          arg: this.exp(ins.arg, scope),
          name: ins.as ?? ins.name,
          loc: ins.loc,
        });
        return scope;
      }
      case 'enum': {
        const v = mkValSet(ins.tags.map((t): VTag => ({ k: 'tag', enumName: ins.name, name: t })));
        for (const t of ins.tags) {
          this.tags.set(t, ins.name);
          if (!this.declaredTags.includes(t)) this.declaredTags.push(t);
        }
        if (scope === null) {
          this.gmap.set(ins.name, { kind: 'const', v });
          return null;
        }
        out.push({ t: 'lconst', v });
        return this.bindLocal(scope, [ins.name]);
      }
      case 'forall': {
        const set = this.exp(ins.set, scope);
        const body: CIns[] = [];
        this.compileBody(ins.body, this.bindLocal(scope, [ins.name]), body);
        out.push({ t: 'forall', set, body, loc: ins.loc });
        return scope;
      }
      case 'withfrom': {
        const set = this.exp(ins.set, scope);
        if (scope === null) {
          const s = this.nslots++;
          this.bindGlobals([ins.name], [s]);
          out.push({ t: 'with', slot: s, set, loc: ins.loc });
          return null;
        }
        out.push({ t: 'with', slot: -1, set, loc: ins.loc });
        return this.bindLocal(scope, [ins.name]);
      }
      case 'ifins': {
        const c = this.cond(ins.cond, scope);
        if (c.t !== 'const') {
          throw new OrdoError('an instruction-level `if` must test variants (strings)', ins.loc);
        }
        return this.compileBody(c.b ? ins.then : ins.else, scope, out);
      }
      case 'insmatch': {
        const a = this.exp(ins.arg, scope);
        // A clause runs in a frame of its own (interp.ts: an empty one, which its `let`s
        // extend), at any depth: its names are one level below the match's.
        const clauseScope = this.bindLocal(scope, []);
        const tags = new Map<string, CIns[]>();
        for (const cl of ins.clauses) {
          const body: CIns[] = [];
          this.compileBody(cl.body, clauseScope, body);
          tags.set(cl.tag, body);
        }
        let dflt: CIns[] | null = null;
        if (ins.dflt) {
          dflt = [];
          this.compileBody(ins.dflt, clauseScope, dflt);
        }
        out.push({ t: 'insmatch', a, tags, dflt, loc: ins.loc });
        return scope;
      }
    }
  }

  private compileShow(ins: Extract<Ins, { kind: 'show' }>, scope: Scope | null, out: CIns[]): void {
    for (const name of ins.names) {
      this.shown = this.shown.filter((s) => s.name !== name);
      if (ins.hide) continue;
      if (ins.exp && scope === null) {
        const global = shownGlobal(name);
        const slot = this.nslots++;
        out.push({
          t: 'glet',
          slots: [slot],
          pats: [rpat({ kind: 'var', name: global })],
          e: [this.exp(ins.exp, null)],
          loc: ins.loc,
        });
        this.bindGlobals([global], [slot]);
        this.shown.push({ name, global });
      } else if (!ins.exp) this.shown.push({ name, global: name });
    }
  }

  private bindGlobals(names: Array<string | null>, slots: number[]): void {
    names.forEach((n, i) => {
      if (n !== null) this.gmap.set(n, { kind: 'slot', s: slots[i] });
    });
  }

  // ------------------------------------------------------------------ expressions

  private varRef(name: string, scope: Scope | null, loc: Location): RExp {
    let d = 0;
    for (let s = scope; s; s = s.parent, d++) {
      const i = s.names.lastIndexOf(name);
      if (i >= 0) return { t: 'local', d, i };
    }
    const g = this.gmap.get(name);
    if (g) return g.kind === 'slot' ? { t: 'glob', s: g.s } : { t: 'const', v: g.v };
    let idx = this.inputIdx.get(name);
    if (idx === undefined) {
      idx = this.inputNames.length;
      this.inputNames.push(name);
      this.inputIdx.set(name, idx);
    }
    return { t: 'input', i: idx, name, loc };
  }

  private cond(c: Cond, scope: Scope | null): RCond {
    switch (c.kind) {
      case 'variant':
        return { t: 'const', b: this.variants.has(c.name) };
      case 'not': {
        const a = this.cond(c.arg, scope);
        return a.t === 'const' ? { t: 'const', b: !a.b } : { t: 'not', c: a };
      }
      case 'and':
      case 'or': {
        const l = this.cond(c.left, scope),
          r = this.cond(c.right, scope);
        if (l.t === 'const' && r.t === 'const')
          return { t: 'const', b: c.kind === 'and' ? l.b && r.b : l.b || r.b };
        return { t: c.kind, l, r };
      }
      case 'eq':
      case 'in':
      case 'subset':
        return {
          t: c.kind,
          l: this.exp(c.left, scope),
          r: this.exp(c.right, scope),
          loc: c.left.loc,
        };
    }
  }

  private bindings(
    binds: Binding[],
    rec: boolean,
    scope: Scope | null,
  ): { pats: RPat[]; e: RExp[]; inner: Scope; isFun: boolean[] } {
    const names = binds.flatMap((b) => patNames(b.pat));
    const inner = this.bindLocal(scope, names);
    const e = binds.map((b) => this.exp(b.exp, rec ? inner : scope));
    return {
      pats: binds.map((b) => rpat(b.pat)),
      e,
      inner,
      isFun: binds.map((b) => b.exp.kind === 'fun'),
    };
  }

  exp(e: Exp, scope: Scope | null): RExp {
    checkLimits();
    switch (e.kind) {
      case 'emptyset':
        return { t: 'const', v: EMPTY };
      case 'zero':
        return { t: 'zero' };
      case 'universe':
        return { t: 'const', v: UNV };
      case 'tag': {
        const en = this.tags.get(e.name);
        if (en === undefined) throw new OrdoError(`tag '${e.name} is undefined`, e.loc);
        return { t: 'const', v: { k: 'tag', enumName: en, name: e.name } };
      }
      case 'var':
        return this.varRef(e.name, scope, e.loc);
      case 'op1':
        return { t: 'op1', op: e.op, a: this.exp(e.arg, scope), loc: e.loc };
      case 'union':
      case 'seq':
        return { t: e.kind, a: e.args.map((x) => this.exp(x, scope)), loc: e.loc };
      case 'inter': {
        // r & (A * B): filter r instead of building the cartesian product.
        const cartSide = e.right.kind === 'cart' ? e.right : e.left.kind === 'cart' ? e.left : null;
        if (cartSide && cartSide.kind === 'cart') {
          const other = cartSide === e.right ? e.left : e.right;
          return {
            t: 'intercart',
            r: this.exp(other, scope),
            s1: this.exp(cartSide.left, scope),
            s2: this.exp(cartSide.right, scope),
            loc: e.loc,
          };
        }
        return { t: 'inter', l: this.exp(e.left, scope), r: this.exp(e.right, scope), loc: e.loc };
      }
      case 'diff':
      case 'cart':
      case 'add':
        return { t: e.kind, l: this.exp(e.left, scope), r: this.exp(e.right, scope), loc: e.loc };
      case 'set':
        return { t: 'set', a: e.elems.map((x) => this.exp(x, scope)), loc: e.loc };
      case 'tuple':
        return { t: 'tuple', a: e.elems.map((x) => this.exp(x, scope)) };
      case 'app':
        return { t: 'app', f: this.exp(e.fn, scope), x: this.exp(e.arg, scope), loc: e.loc };
      case 'fun': {
        const inner = this.bindLocal(scope, patNames(e.pat));
        return { t: 'fun', pat: rpat(e.pat), body: this.exp(e.body, inner), name: e.name };
      }
      case 'let': {
        const b = this.bindings(e.binds, e.rec, scope);
        const body = this.exp(e.body, b.inner);
        const size = b.inner.names.length;
        return e.rec
          ? { t: 'letrec', pats: b.pats, e: b.e, isFun: b.isFun, body, size, loc: e.loc }
          : { t: 'let', pats: b.pats, e: b.e, body, size, loc: e.loc };
      }
      case 'match': {
        const tags = new Map<string, RExp>();
        for (const c of e.clauses) tags.set(c.tag, this.exp(c.body, scope));
        return {
          t: 'match',
          a: this.exp(e.arg, scope),
          tags,
          dflt: e.dflt ? this.exp(e.dflt, scope) : null,
          loc: e.loc,
        };
      }
      case 'matchset': {
        const split = e.pre !== undefined;
        const names = split ? [e.pre ?? null, e.elt, e.rest] : [e.elt, e.rest];
        const inner = this.bindLocal(scope, names);
        return {
          t: 'matchset',
          a: this.exp(e.arg, scope),
          ifEmpty: this.exp(e.ifEmpty, scope),
          body: this.exp(e.body, inner),
          split,
          loc: e.loc,
        };
      }
      case 'try':
        return { t: 'try', b: this.exp(e.body, scope), h: this.exp(e.handler, scope) };
      case 'if': {
        const c = this.cond(e.cond, scope);
        if (c.t === 'const') return c.b ? this.exp(e.then, scope) : this.exp(e.else, scope);
        return { t: 'if', c, th: this.exp(e.then, scope), el: this.exp(e.else, scope) };
      }
    }
  }
}
