// Random cat models for the fuzzer: made from nothing rather than mutated from a shipped
// model, so that every construct of the language the interpreter compiles reaches it in
// many combinations, the rarely used ones included: difference `\`, complement `~`,
// inverse `^-1`, closures, `domain`/`range`, `[S]`, cartesian products, `fencerel`, sets
// beside relations, `let rec ... and ...` (relations and sets), functions and closures,
// tuples, local `let ... in`, procedures and `call`, `with` forks over sets of relations,
// cross products, linearisations and classes, checks, flags and `undefined_unless`; and
// enums and their tags, `match` over tags (expressions and instructions), `match` over sets
// (a recursive fold), `++`, `if` over comparisons (`=`, `subset`, `in`) and variants, `try
// ... with` (its body now and then an error it catches), `forall` over enums, sets of
// relations and sets of events, `classes`, `classes-loc` and `linearisations`; and local
// scopes nested two deep (forall, procedure, match clause and `if` bodies holding local
// let, let rec, enum, procedure and call, fork, forall, match and if), each compiled and
// run its own way. Half the cases run with `-variant T42`, the variant the `if`s test
// (cases.ts).
// Expressions are typed (a set or a relation) so the model mostly runs; a few models hold
// one deliberate mistake (a set where a relation belongs, or the reverse, an unbound name,
// a function given an argument too many, a relation applied, a match on a relation or on a
// tag it does not cover, a tag no enum declares, a built-in given the wrong argument, a
// `forall` over a tuple, an instruction-level `if` that tests no variant), whose error and
// its location must not change either. Each model includes Ordo's cos-opt.cat (co, fr)
// and is meant to run with `-model` on a C test; the same seed gives the same text.

import type { Rng } from './mutate.js';

type Kind = 'set' | 'rel';

/** The names a generated expression may read: built-in, defined, or bound locally. */
interface Scope {
  sets: string[];
  rels: string[];
  /** Functions of the model, with how many relation arguments they take. */
  funs: Array<{ name: string; arity: number }>;
  /** Tag-valued expressions: the enums' tags, and names bound to one of them. */
  tags: string[];
  /** The model's enums (a name and its tags). */
  enums: Array<{ name: string; tags: string[] }>;
  /** Functions of a tag and a relation, each a match over one enum's tags. */
  tagFuns: string[];
  /** Functions folding a set (of relations, or of event sets) into the union of its elements. */
  folds: string[];
}

/** An empty scope but for the built-in names. */
function baseScope(): Scope {
  return {
    sets: [...BASE_SETS],
    rels: [...BASE_RELS],
    funs: [],
    tags: [],
    enums: [],
    tagFuns: [],
    folds: [],
  };
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

/** Sets of events the C architecture defines, never the universe. */
const CONCRETE_SETS = ['R', 'W', 'M', 'F', 'IW', 'FW'];

/**
 * Event sets small enough that their linearisations are few: a write or two per location,
 * or the writes read from another thread.
 */
const SMALL_SETS = ['FW', 'IW', '(FW & domain(rf))', '(domain(rfe) \\ IW)', '(FW \\ IW)'];

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
  mistake(): boolean {
    if (this.mistakes === 0 || !this.rng.chance(0.08)) return false;
    this.mistakes--;
    return true;
  }

  /** An expression of `kind` over `scope`, nested at most `depth` deep. */
  exp(scope: Scope, kind: Kind, depth: number): string {
    const rng = this.rng;
    if (this.mistake()) return this.wrong(scope, kind, depth);
    if (depth <= 0 || rng.chance(0.25)) return this.atom(scope, kind);
    const sub = (k: Kind) => this.exp(scope, k, depth - 1);
    // One in six: a construct both kinds have (a branch, a handler, a match, a fold).
    if (rng.chance(1 / 6)) return this.either(scope, kind, depth);
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

  /**
   * The mistake: the other kind, a name never bound, a function given one argument too
   * many, a relation applied as if it were a function, a match on a relation, a tag no
   * enum declares, a built-in given the wrong argument, a fold's set of event sets where a
   * relation belongs.
   */
  private wrong(scope: Scope, kind: Kind, depth: number): string {
    const rng = this.rng;
    const fun = scope.funs.length > 0 ? rng.pick(scope.funs) : undefined;
    const rel = () => this.atom(scope, 'rel');
    switch (rng.below(11)) {
      case 0:
        return 'fz-unbound';
      case 1:
        return fun
          ? `${fun.name}(${Array.from({ length: fun.arity + 1 }, rel).join(', ')})`
          : 'fz-unbound';
      case 2:
        return `${rel()}(${rel()})`;
      case 3:
        return `(match ${rel()} with ${this.tagOf(scope)} -> ${this.atom(scope, kind)} || _ -> ${this.atom(scope, kind)} end)`;
      case 4:
        return `(match 'fz-undeclared with _ -> ${this.atom(scope, kind)} end)`;
      case 5:
        return rng.pick([
          `linearisations(${this.atom(scope, 'set')})`,
          `classes(${this.atom(scope, 'set')})`,
          `domain(linearisations(${rng.pick(SMALL_SETS)}, ${rel()}))`,
        ]);
      case 6:
        return scope.folds.length > 0 && kind === 'rel'
          ? `${rng.pick(scope.folds)}(classes-loc(${this.atom(scope, 'set')}))`
          : 'fz-unbound';
      default:
        return this.exp(scope, kind === 'set' ? 'rel' : 'set', Math.min(depth, 1));
    }
  }

  /**
   * Constructs a relation and a set both have: an `if` over a comparison (or a variant,
   * decided when the model loads), a `try` (now and then over an error it catches), a
   * match over a tag (a tag function's call, or a match in place), a fold over a set.
   */
  private either(scope: Scope, kind: Kind, depth: number): string {
    const rng = this.rng;
    const sub = (k: Kind) => this.exp(scope, k, depth - 1);
    switch (rng.below(5)) {
      case 0:
        return `(if ${this.cond(scope, depth - 1)} then ${sub(kind)} else ${sub(kind)})`;
      case 1:
        return `(try ${rng.chance(0.3) ? this.caught(scope, kind) : sub(kind)} with ${sub(kind)})`;
      case 2: {
        if (kind === 'rel' && scope.tagFuns.length > 0 && rng.chance(0.6))
          return `${rng.pick(scope.tagFuns)}(${this.tagOf(scope)}, ${sub('rel')})`;
        const e = scope.enums.length > 0 ? rng.pick(scope.enums) : undefined;
        if (!e) return sub(kind);
        const clauses = e.tags.filter(() => rng.chance(0.6)).map((t) => `'${t} -> ${sub(kind)}`);
        return `(match ${this.tagOf(scope)} with ${[...clauses, `_ -> ${sub(kind)}`].join(' || ')} end)`;
      }
      case 3:
        if (scope.folds.length === 0) return sub(kind);
        return `${rng.pick(scope.folds)}(${kind === 'rel' ? this.relSet(scope, depth - 1) : this.setSet(scope, depth - 1)})`;
      default:
        // A set built with `++` and matched at once: its first element, or the fallback.
        return kind === 'rel'
          ? `(match ${sub(kind)} ++ ${this.relSet(scope, depth - 1)} with {} -> ${sub(kind)} || x ++ _ -> x end)`
          : `(match ${this.setElement(scope)} ++ ${this.setSet(scope, depth - 1)} with {} -> ${sub(kind)} || x ++ _ -> x end)`;
    }
  }

  /** An expression whose evaluation fails (of the kind asked in appearance), for `try`. */
  private caught(scope: Scope, kind: Kind): string {
    const rng = this.rng;
    const other: Kind = kind === 'set' ? 'rel' : 'set';
    return rng.pick([
      `(${this.atom(scope, kind)} | fz-unbound-caught)`,
      `${this.relName(scope)}(${this.atom(scope, 'rel')})`,
      `(${this.atom(scope, kind)} ${kind === 'rel' ? ';' : '|'} ${this.atom(scope, other)})`,
      `fail(${this.atom(scope, kind)})`,
      `(match ${this.atom(scope, 'rel')} with _ -> ${this.atom(scope, kind)} end)`,
    ]);
  }

  /** A condition of `if`: comparisons evaluated on each candidate, or variants. */
  cond(scope: Scope, depth: number): string {
    const rng = this.rng;
    const d = Math.max(depth, 0);
    // Compound conditions only while depth lasts.
    switch (rng.below(depth > 0 ? 8 : 6)) {
      case 0:
      case 1: {
        const k: Kind = rng.chance(0.6) ? 'rel' : 'set';
        return `${this.exp(scope, k, d)} subset ${this.exp(scope, k, d)}`;
      }
      case 2: {
        const k: Kind = rng.chance(0.6) ? 'rel' : 'set';
        return `${this.exp(scope, k, d)} = ${this.exp(scope, k, d)}`;
      }
      case 3:
        if (scope.enums.length > 0)
          return rng.chance(0.5)
            ? `${this.tagOf(scope)} = ${this.tagOf(scope)}`
            : `${this.tagOf(scope)} in ${rng.pick(scope.enums).name}`;
        return `${this.exp(scope, 'rel', d)} subset ${this.exp(scope, 'rel', d)}`;
      case 4:
        // A relation in a set of relations (a fork's alternatives, say).
        return `${this.exp(scope, 'rel', d)} in ${this.relSet(scope, d)}`;
      case 5:
        return rng.pick(['"T42"', 'not "T42"', '~"T42"']);
      case 6:
        return `${this.cond(scope, d - 1)} && ${this.cond(scope, d - 1)}`;
      default:
        return `${this.cond(scope, d - 1)} || ${rng.pick(['"T42"', 'not "T42"'])}`;
    }
  }

  /** A tag: one of an enum's, or a name bound to one. */
  tagOf(scope: Scope): string {
    return scope.tags.length > 0 ? this.rng.pick(scope.tags) : "'fz-undeclared";
  }

  /** A set of relations: listed, grown by `++`, a product's unions, linearisations. */
  relSet(scope: Scope, depth: number): string {
    const rng = this.rng;
    const rel = () => this.exp(scope, 'rel', Math.min(depth, 1));
    switch (rng.below(4)) {
      case 0:
        return `{${Array.from({ length: 1 + rng.below(3) }, rel).join(', ')}}`;
      case 1:
        return `(${rel()} ++ ${rng.chance(0.3) ? '{}' : `{${rel()}}`})`;
      case 2:
        return `linearisations(${rng.pick(SMALL_SETS)}, ${rel()})`;
      default:
        return `cross({{${rel()}, ${rel()}}, {${rel()}}})`;
    }
  }

  /** A set of event sets: classes of a relation, of a set by location, or listed. */
  setSet(scope: Scope, depth: number): string {
    const rng = this.rng;
    switch (rng.below(3)) {
      case 0:
        return `classes(${this.exp(scope, 'rel', Math.min(depth, 1))})`;
      case 1:
        return `classes-loc(${this.exp(scope, 'set', Math.min(depth, 1))})`;
      default:
        return `{${this.setElement(scope)}, ${this.setElement(scope)}}`;
    }
  }

  /**
   * An event set that may stand in a set of sets: never the universe (which a set of
   * values refuses), so a shipped set or the domain or range of a relation.
   */
  setElement(scope: Scope): string {
    const rng = this.rng;
    return rng.chance(0.5)
      ? rng.pick(CONCRETE_SETS)
      : `${rng.pick(['domain', 'range'])}(${this.exp(scope, 'rel', 1)})`;
  }

  /** A relation's name (not `0`, which cannot be applied). */
  relName(scope: Scope): string {
    const names = scope.rels.filter((r) => r !== '0');
    return this.rng.pick(names);
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
  const scope = baseScope();
  const out: string[] = [`"${name}"`, '', 'include "cos-opt.cat"', ''];
  const define = (kind: Kind): void => {
    const n = w.fresh(kind === 'set' ? 's' : 'r');
    out.push(`let ${n} = ${w.exp(scope, kind, 2 + rng.below(3))}`);
    (kind === 'set' ? scope.sets : scope.rels).push(n);
  };
  // Enums first (their tags are read by matches, conditions and `forall`), a fold over sets
  // (a recursive function matching its argument), functions of a tag.
  for (let i = rng.chance(0.4) ? 1 + rng.below(2) : 0; i > 0; i--) {
    const e = {
      name: w.fresh('e'),
      tags: Array.from({ length: 2 + rng.below(3) }, () => w.fresh('t')),
    };
    out.push(
      `enum ${e.name} = ${rng.chance(0.5) ? '|| ' : ''}${e.tags.map((t) => `'${t}`).join(' || ')}`,
    );
    scope.enums.push(e);
    scope.tags.push(...e.tags.map((t) => `'${t}`));
  }
  if (rng.chance(0.5)) {
    const f = w.fresh('u');
    const [x, rest, pre] = [w.fresh('x'), w.fresh('rest'), w.fresh('pre')];
    const clauses = [
      '{} -> {}',
      rng.chance(0.3)
        ? `${pre} | ${x} ++ ${rest} -> ${f}(${pre}) | ${x} | ${f}(${rest})`
        : `${x} ++ ${rest} -> ${x} | ${f}(${rest})`,
    ];
    if (rng.chance(0.5)) clauses.reverse();
    out.push(`let rec ${f}(s) = match s with ${clauses.join(' || ')} end`);
    scope.folds.push(f);
  }
  if (scope.enums.length > 0 && rng.chance(0.7)) {
    const f = w.fresh('g');
    const [t, r] = [w.fresh('tg'), w.fresh('x')];
    const e = rng.pick(scope.enums);
    const inner: Scope = { ...scope, rels: [...scope.rels, r, r, r] };
    const clauses = e.tags
      .filter(() => rng.chance(0.7))
      .map((tag) => `'${tag} -> ${w.exp(inner, 'rel', 2)}`);
    // Without a default, a tag of the enum the clauses leave out fails the match: the
    // mistake of a mistaken model.
    if (!w.mistake()) clauses.push(`_ -> ${w.exp(inner, 'rel', 2)}`);
    if (clauses.length === 0) clauses.push(`_ -> ${r}`);
    out.push(`let ${f}(${t}, ${r}) =\n  match ${t} with\n  || ${clauses.join('\n  || ')}\n  end`);
    scope.tagFuns.push(f);
  }
  // A fork: a set of relations, a cross product of groups of them, linearisations, or
  // (binding a set) classes. What follows it runs once per alternative, reading the fork's
  // name often: the evaluator keeps the values of operations whose operands did not change
  // from one alternative to the next.
  const fork = (): void => {
    const f = w.fresh('w');
    const rel = () => w.exp(scope, 'rel', 1);
    const roll = rng.next();
    if (roll < 0.1) {
      out.push(`with ${f} from ${w.setSet(scope, 1)}`);
      scope.sets.push(f, f, f);
      return;
    }
    const set =
      roll < 0.25
        ? `linearisations(${rng.pick(SMALL_SETS)}, ${rel()})`
        : roll < 0.6
          ? `{${Array.from({ length: 1 + rng.below(3) }, rel).join(', ')}}`
          : `cross({${Array.from(
              { length: 1 + rng.below(3) },
              () => `{${Array.from({ length: 1 + rng.below(2) }, rel).join(', ')}}`,
            ).join(', ')}})`;
    out.push(`with ${f} from ${set}`);
    scope.rels.push(f, f, f, f);
  };
  // Instructions in a local scope (the body of a forall, a procedure, a match clause, an
  // `if` branch): checks, local definitions (let, let rec, enum, a procedure and its call,
  // a fork where `forks`: not under forall, whose every element would fork again), and
  // forall, match and if nested `depth` levels more. What a local definition binds is read
  // by the instructions after it (each kind of scope is compiled and run its own way).
  const block = (sc: Scope, depth: number, indent: string, forks: boolean): string[] => {
    const lines: string[] = [];
    let checks = 0;
    for (let n = 1 + rng.below(3); n > 0; n--) {
      // No nesting at the last level: checks and definitions only.
      const roll = depth > 0 ? rng.next() : rng.next() * 0.62;
      if (roll < 0.4) {
        lines.push(indent + check(w, rng, sc, w.fresh('bc')));
        checks++;
      } else if (roll < 0.55) {
        const k: Kind = rng.chance(0.7) ? 'rel' : 'set';
        const l = w.fresh('bl');
        lines.push(`${indent}let ${l} = ${w.exp(sc, k, 2)}`);
        sc =
          k === 'rel' ? { ...sc, rels: [...sc.rels, l, l] } : { ...sc, sets: [...sc.sets, l, l] };
      } else if (roll < 0.62) {
        const l = w.fresh('brec');
        const inner: Scope = { ...sc, rels: [...sc.rels, l] };
        lines.push(
          `${indent}let rec ${l} = ${w.exp(sc, 'rel', 2)} | (${l} ; ${w.exp(inner, 'rel', 1)})`,
        );
        sc = { ...sc, rels: [...sc.rels, l, l] };
      } else if (roll < 0.72) {
        lines.push(...forall(sc, depth - 1, indent));
      } else if (roll < 0.8 && sc.tags.length > 0) {
        lines.push(...tagMatch(sc, w.tagOf(sc), depth - 1, indent, forks));
      } else if (roll < 0.85) {
        lines.push(...variantIf(sc, depth - 1, indent, forks));
      } else if (roll < 0.91) {
        const p = w.fresh('lp');
        const a = w.fresh('a');
        const inner: Scope = { ...sc, rels: [...sc.rels, a, a, a] };
        lines.push(
          `${indent}procedure ${p}(${a}) =`,
          ...block(inner, depth - 1, `${indent}  `, forks),
          `${indent}end`,
          `${indent}call ${p}(${w.exp(sc, 'rel', 2)})`,
        );
      } else if (roll < 0.95 || !forks) {
        const e = { name: w.fresh('le'), tags: [w.fresh('lt'), w.fresh('lt')] };
        lines.push(`${indent}enum ${e.name} = ${e.tags.map((t) => `'${t}`).join(' || ')}`);
        sc = { ...sc, enums: [...sc.enums, e], tags: [...sc.tags, ...e.tags.map((t) => `'${t}`)] };
      } else {
        const f = w.fresh('lw');
        lines.push(`${indent}with ${f} from {${w.exp(sc, 'rel', 1)}, ${w.exp(sc, 'rel', 1)}}`);
        sc = { ...sc, rels: [...sc.rels, f, f, f] };
      }
    }
    // At least one check; and never an enum last, whose `||` would take a match's next
    // clause for one more tag.
    if (checks === 0 || lines[lines.length - 1]!.startsWith(`${indent}enum `))
      lines.push(indent + check(w, rng, sc, w.fresh('bc')));
    return lines;
  };
  // Checks run for each element of a set: an enum's tags, relations, event sets, events.
  const forall = (sc: Scope, depth: number, indent: string): string[] => {
    const v = w.fresh('v');
    const roll = rng.next();
    let over: string;
    let inner: Scope;
    if (w.mistake()) {
      over = `(${w.atom(sc, 'rel')}, ${w.atom(sc, 'set')})`;
      inner = { ...sc, rels: [...sc.rels, v, v] };
    } else if (roll < 0.3 && sc.enums.length > 0) {
      over = rng.pick(sc.enums).name;
      inner = { ...sc, tags: [...sc.tags, v, v, v] };
    } else if (roll < 0.55) {
      over = w.relSet(sc, 1);
      inner = { ...sc, rels: [...sc.rels, v, v, v] };
    } else if (roll < 0.8) {
      over = w.setSet(sc, 1);
      inner = { ...sc, sets: [...sc.sets, v, v, v] };
    } else {
      // The events of a set: an event is no set (a union refuses it), its identity is.
      over = rng.pick(SMALL_SETS);
      const one = w.fresh('ev');
      inner = { ...sc, sets: [...sc.sets, one, one, one] };
      return [
        `${indent}forall ${v} in ${over} do`,
        `${indent}  let ${one} = domain([${v}])`,
        ...block(inner, depth, `${indent}  `, false),
        `${indent}end`,
      ];
    }
    const body =
      inner.tags.includes(v) && rng.chance(0.5)
        ? tagMatch(inner, v, depth, `${indent}  `, false)
        : block(inner, depth, `${indent}  `, false);
    return [`${indent}forall ${v} in ${over} do`, ...body, `${indent}end`];
  };
  // An instruction-level match over a tag: instructions in each branch.
  const tagMatch = (
    sc: Scope,
    tag: string,
    depth: number,
    indent: string,
    forks: boolean,
  ): string[] => {
    const e = rng.pick(sc.enums);
    const clauses = [...e.tags.filter(() => rng.chance(0.6)).map((t) => `'${t}`), '_'];
    return [
      `${indent}match ${tag} with`,
      ...clauses.flatMap((c) => [`${indent}|| ${c} ->`, ...block(sc, depth, `${indent}  `, forks)]),
      `${indent}end`,
    ];
  };
  // Instructions under a variant (decided when the model loads: runs give the variant or
  // not); the mistake: a condition that is no variant's (refused at load).
  const variantIf = (sc: Scope, depth: number, indent: string, forks: boolean): string[] => {
    const c = w.mistake()
      ? `${w.atom(sc, 'rel')} subset ${w.atom(sc, 'rel')}`
      : rng.pick(['"T42"', 'not "T42"', '"T42" || ~"fz-other"']);
    const lines = [`${indent}if ${c} then`, ...block(sc, depth, `${indent}  `, forks)];
    if (rng.chance(0.6)) lines.push(`${indent}else`, ...block(sc, depth, `${indent}  `, forks));
    lines.push(`${indent}end`);
    return lines;
  };
  // Most models fork early, on a few definitions of their own.
  if (rng.chance(0.6)) {
    for (let i = rng.below(3); i > 0; i--) define(rng.chance(0.7) ? 'rel' : 'set');
    fork();
  }
  const steps = 6 + rng.below(8);
  for (let i = 0; i < steps; i++) {
    switch (rng.below(16)) {
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
        // A tuple bound at once: a relation and a set (and now and then a tag).
        const [r, s] = [w.fresh('tr'), w.fresh('ts')];
        const tagged = scope.tags.length > 0 && rng.chance(0.3);
        const t = tagged ? w.fresh('tt') : '';
        out.push(
          tagged
            ? `let (${r}, ${s}, ${t}) = (${w.exp(scope, 'rel', 2)}, ${w.exp(scope, 'set', 2)}, ${w.tagOf(scope)})`
            : `let (${r}, ${s}) = (${w.exp(scope, 'rel', 2)}, ${w.exp(scope, 'set', 2)})`,
        );
        scope.rels.push(r);
        scope.sets.push(s);
        if (tagged) scope.tags.push(t);
        break;
      }
      case 8: {
        // A procedure whose instructions read its arguments, and a call of it.
        const p = w.fresh('p');
        const params = [w.fresh('a'), w.fresh('b')];
        const inner: Scope = { ...scope, rels: [...scope.rels, ...params, ...params] };
        const t = w.fresh('t');
        const body = [
          `  let ${t} = ${w.exp(inner, 'rel', 2)}`,
          ...block({ ...inner, rels: [...inner.rels, t, t] }, 1, '  ', true),
        ];
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
      case 11:
        out.push(...forall(scope, 1, ''));
        break;
      case 12:
        // Instructions under a variant, or in the branches of a match over a tag.
        if (scope.enums.length > 0 && rng.chance(0.5))
          out.push(...tagMatch(scope, w.tagOf(scope), 1, '', true));
        else out.push(...variantIf(scope, 1, '', true));
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
