// Random cat models for the fuzzer: made from nothing rather than mutated from a shipped
// model, so that every construct of the language the interpreter compiles reaches it in
// many combinations, the rarely used ones included: difference `\`, complement `~`,
// inverse `^-1`, closures, `domain`/`range`, `[S]`, cartesian products, `fencerel`, sets
// beside relations, `let rec ... and ...` (relations and sets), functions and closures,
// tuples, local `let ... in`, procedures and `call`, `with` forks over sets of relations
// and cross products, checks, flags and `undefined_unless`. Expressions are typed (a set
// or a relation) so the model mostly runs; a few models hold one deliberate mistake (a
// set where a relation belongs, or the reverse, an unbound name, a function given an
// argument too many, a relation applied), whose error and its location must not change
// either. Each model includes Ordo's cos-opt.cat (co, fr) and
// is meant to run with `-model` on a C test; the same seed gives the same text.

import type { Rng } from './mutate.js';

type Kind = 'set' | 'rel';

/** The names a generated expression may read: built-in, defined, or bound locally. */
interface Scope {
  sets: string[];
  rels: string[];
  /** Functions of the model, with how many relation arguments they take. */
  funs: Array<{ name: string; arity: number }>;
}

const BASE_SETS = ['R', 'W', 'M', 'F', 'IW', 'FW', '_', 'emptyset'];
const BASE_RELS = [
  'po',
  'rf',
  'co',
  'fr',
  'loc',
  'ext',
  'int',
  'id',
  'addr',
  'data',
  'ctrl',
  'rmw',
  '0',
  'po-loc',
  'rfe',
  'coe',
];

/** Builds one model: names numbered in order, one mistake at most. */
class ModelWriter {
  private count = 0;
  private mistakes: number;
  constructor(
    private readonly rng: Rng,
    mistaken: boolean,
  ) {
    this.mistakes = mistaken ? 1 : 0;
  }

  fresh(stem: string): string {
    return `fz-${stem}${this.count++}`;
  }

  /** A wrong kind, an unbound name: once, where the model was drawn to hold a mistake. */
  private mistake(): boolean {
    if (this.mistakes === 0 || !this.rng.chance(0.08)) return false;
    this.mistakes--;
    return true;
  }

  /** An expression of `kind` over `scope`, nested at most `depth` deep. */
  exp(scope: Scope, kind: Kind, depth: number): string {
    const rng = this.rng;
    if (this.mistake()) {
      // The other kind, a name never bound, a function given one argument too many, or a
      // relation applied as if it were a function.
      const fun = scope.funs.length > 0 ? rng.pick(scope.funs) : undefined;
      switch (rng.below(6)) {
        case 0:
          return 'fz-unbound';
        case 1:
          return fun
            ? `${fun.name}(${Array.from({ length: fun.arity + 1 }, () => this.atom(scope, 'rel')).join(', ')})`
            : 'fz-unbound';
        case 2:
          return `${this.atom(scope, 'rel')}(${this.atom(scope, 'rel')})`;
        default:
          return this.exp(scope, kind === 'set' ? 'rel' : 'set', Math.min(depth, 1));
      }
    }
    if (depth <= 0 || rng.chance(0.25)) return this.atom(scope, kind);
    const sub = (k: Kind) => this.exp(scope, k, depth - 1);
    if (kind === 'set') {
      switch (rng.below(6)) {
        case 0:
          return `(${sub('set')} ${rng.pick(['|', '&', '\\'])} ${sub('set')})`;
        case 1:
          return `~${this.atom(scope, 'set')}`;
        case 2:
          return `${rng.pick(['domain', 'range'])}(${sub('rel')})`;
        case 3:
          return `(${sub('set')} | ${sub('set')} | ${sub('set')})`;
        case 4: {
          const name = this.fresh('l');
          const inner: Scope = { ...scope, sets: [...scope.sets, name, name] };
          return `(let ${name} = ${sub('set')} in ${this.exp(inner, 'set', depth - 1)})`;
        }
        default:
          return this.atom(scope, 'set');
      }
    }
    switch (rng.below(13)) {
      case 0:
      case 1:
        return `(${sub('rel')} ${rng.pick(['|', ';', '&', '\\'])} ${sub('rel')})`;
      case 2:
        return `(${sub('rel')} ; ${sub('rel')} ; ${sub('rel')})`;
      case 3:
        return `(${sub('rel')})${rng.pick(['^-1', '+', '*', '?'])}`;
      case 4:
        return rng.chance(0.5) ? `~${this.atom(scope, 'rel')}` : `~(${sub('rel')})`;
      case 5:
        return `[${sub('set')}]`;
      case 6:
        return `(${sub('set')} * ${sub('set')})`;
      case 7:
        return `fencerel(${sub('set')})`;
      case 8: {
        const fun = scope.funs.length > 0 ? rng.pick(scope.funs) : undefined;
        if (!fun) return `(${sub('rel')} \\ ${sub('rel')})`;
        const args = Array.from({ length: fun.arity }, () => sub('rel'));
        return `${fun.name}(${args.join(', ')})`;
      }
      case 9: {
        const name = this.fresh('l');
        const inner: Scope = { ...scope, rels: [...scope.rels, name] };
        return `(let ${name} = ${sub('rel')} in ${this.exp(inner, 'rel', depth - 1)})`;
      }
      case 10:
        return `(${sub('rel')} & ~${this.atom(scope, 'rel')})`;
      case 11:
        return `([${sub('set')}] ; ${sub('rel')} ; [${sub('set')}])`;
      default:
        return this.atom(scope, 'rel');
    }
  }

  atom(scope: Scope, kind: Kind): string {
    const pool = kind === 'set' ? scope.sets : scope.rels;
    return this.rng.pick(pool);
  }
}

/**
 * A check, flag or `undefined_unless` over an expression, named `name`. Most are flags
 * (a random check rejects every candidate more often than not, and then the states say
 * little); a check proper reads its expression through rf, co or fr mostly, so that it
 * rejects some candidates and keeps others, and a negated check or an `empty` of a set
 * (most sets hold events on every candidate) is a flag.
 */
function check(w: ModelWriter, rng: Rng, scope: Scope, name: string): string {
  const roll = rng.next();
  const prefix =
    roll < 0.3 ? 'flag ' : roll < 0.6 ? 'flag ~' : roll < 0.7 ? 'undefined_unless ' : '';
  const flag = prefix.startsWith('flag');
  const [test, kind]: [string, Kind] = rng.pick([
    ['acyclic', 'rel'],
    ['irreflexive', 'rel'],
    ['empty', 'rel'],
    ...(flag ? [['empty', 'set']] : []),
  ] as Array<[string, Kind]>);
  const e = w.exp(scope, kind, 2 + rng.below(3));
  const narrow =
    !flag && rng.chance(0.8)
      ? ` & ${rng.pick(['rf', 'co', 'fr', 'rfe', 'coe', '(rf ; po)', '(po ; rf^-1)', 'fre'])}`
      : '';
  return `${prefix}${test} ${narrow === '' ? e : `(${e})${narrow}`} as ${name}`;
}

/** A random cat model (see the file's comment); `name` is its title. */
export function generateCatModel(rng: Rng, name: string): string {
  const w = new ModelWriter(rng, rng.chance(0.15));
  const scope: Scope = { sets: [...BASE_SETS], rels: [...BASE_RELS], funs: [] };
  const out: string[] = [`"${name}"`, '', 'include "cos-opt.cat"', ''];
  const define = (kind: Kind): void => {
    const n = w.fresh(kind === 'set' ? 's' : 'r');
    out.push(`let ${n} = ${w.exp(scope, kind, 2 + rng.below(3))}`);
    (kind === 'set' ? scope.sets : scope.rels).push(n);
  };
  // A fork: a set of relations, or a cross product of groups of them. What follows it
  // runs once per alternative, reading the fork's name often: the evaluator keeps the
  // values of operations whose operands did not change from one alternative to the next.
  const fork = (): void => {
    const f = w.fresh('w');
    const rel = () => w.exp(scope, 'rel', 1);
    const set = rng.chance(0.5)
      ? `{${Array.from({ length: 1 + rng.below(3) }, rel).join(', ')}}`
      : `cross({${Array.from(
          { length: 1 + rng.below(3) },
          () => `{${Array.from({ length: 1 + rng.below(2) }, rel).join(', ')}}`,
        ).join(', ')}})`;
    out.push(`with ${f} from ${set}`);
    scope.rels.push(f, f, f, f);
  };
  // Most models fork early, on a few definitions of their own.
  if (rng.chance(0.6)) {
    for (let i = rng.below(3); i > 0; i--) define(rng.chance(0.7) ? 'rel' : 'set');
    fork();
  }
  const steps = 6 + rng.below(8);
  for (let i = 0; i < steps; i++) {
    switch (rng.below(12)) {
      case 0:
      case 1:
      case 2:
        define('rel');
        break;
      case 3:
        define('set');
        break;
      case 4: {
        // Mutually recursive relations, growing from a base (now and then shrinking:
        // a name under `\` or complement, whose fixpoint may not be reached).
        const [a, b] = [w.fresh('rec'), w.fresh('rec')];
        const mutual = rng.chance(0.5);
        const inner: Scope = { ...scope, rels: [...scope.rels, a, ...(mutual ? [b] : [])] };
        const grow = (self: string, other: string) =>
          rng.chance(0.1)
            ? `${w.exp(scope, 'rel', 2)} \\ ${other}`
            : `${w.exp(scope, 'rel', 2)} | (${other} ; ${w.exp(inner, 'rel', 1)}) | (${self} ; ${self})`;
        if (mutual) {
          out.push(`let rec ${a} = ${grow(a, b)}\nand ${b} = ${grow(b, a)}`);
          scope.rels.push(a, b);
        } else {
          out.push(`let rec ${a} = ${grow(a, a)}`);
          scope.rels.push(a);
        }
        break;
      }
      case 5: {
        // A recursive set: what a relation reaches from a start (not from the universe:
        // a recursion over `_` is refused, an error that would come often).
        const start: Scope = { ...scope, sets: scope.sets.filter((x) => x !== '_') };
        const s = w.fresh('rs');
        out.push(
          `let rec ${s} = ${w.exp(start, 'set', 1)} | range([${s}] ; ${w.exp(scope, 'rel', 2)})`,
        );
        scope.sets.push(s);
        break;
      }
      case 6: {
        // A function of one or two relations, or a closure bound to a name.
        const arity = 1 + rng.below(2);
        const f = w.fresh('f');
        const params = Array.from({ length: arity }, () => w.fresh('x'));
        const inner: Scope = { ...scope, rels: [...scope.rels, ...params, ...params, ...params] };
        const body = w.exp(inner, 'rel', 2 + rng.below(2));
        out.push(
          arity === 1 && rng.chance(0.4)
            ? `let ${f} = fun ${params[0]} -> ${body}`
            : `let ${f}(${params.join(', ')}) = ${body}`,
        );
        scope.funs.push({ name: f, arity });
        break;
      }
      case 7: {
        // A tuple bound at once: a relation and a set.
        const [r, s] = [w.fresh('tr'), w.fresh('ts')];
        out.push(`let (${r}, ${s}) = (${w.exp(scope, 'rel', 2)}, ${w.exp(scope, 'set', 2)})`);
        scope.rels.push(r);
        scope.sets.push(s);
        break;
      }
      case 8: {
        // A procedure whose checks read its arguments, and a call of it.
        const p = w.fresh('p');
        const params = [w.fresh('a'), w.fresh('b')];
        const inner: Scope = { ...scope, rels: [...scope.rels, ...params, ...params] };
        const t = w.fresh('t');
        const body = [
          `  let ${t} = ${w.exp(inner, 'rel', 2)}`,
          `  ${check(w, rng, { ...inner, rels: [...inner.rels, t, t] }, w.fresh('pc'))}`,
        ];
        if (rng.chance(0.5)) body.push(`  ${check(w, rng, inner, w.fresh('pc'))}`);
        out.push(`procedure ${p}(${params.join(', ')}) =`, ...body, 'end');
        const args = `${w.exp(scope, 'rel', 2)}, ${w.exp(scope, 'rel', 2)}`;
        out.push(`call ${p}(${args})${rng.chance(0.5) ? ` as ${w.fresh('call')}` : ''}`);
        break;
      }
      case 9:
        fork();
        break;
      case 10:
        out.push(`show ${w.exp(scope, 'rel', 1)} as ${w.fresh('shown')}`);
        break;
      default:
        out.push(check(w, rng, scope, w.fresh('c')));
    }
  }
  // The checks that decide the answer: at least two, most reading what was defined.
  const defined: Scope = {
    ...scope,
    rels: [...scope.rels, ...scope.rels.filter((r) => r.startsWith('fz-'))],
    sets: [...scope.sets, ...scope.sets.filter((s) => s.startsWith('fz-'))],
  };
  for (let i = 2 + rng.below(3); i > 0; i--) out.push(check(w, rng, defined, w.fresh('c')));
  return out.join('\n') + '\n';
}
