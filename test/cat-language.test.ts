import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadModel, evaluateModel, type CatOutcome } from '../src/cat/index.js';
import { OrdoError } from '../src/diagnostics.js';
import { runTestText } from '../src/api/run.js';
import { EventSet, Relation } from '../src/relations/index.js';
import { catFolder, mkInput } from './support/cat-models.js';

const { dir, write, load } = catFolder('cat');

// Message passing shape: P0: W x=1; W y=1   P1: R y=1; R x=0
const MP = mkInput(
  [
    { kind: 'W', thread: -1, loc: 'x', value: 0 }, // 0
    { kind: 'W', thread: -1, loc: 'y', value: 0 }, // 1
    { kind: 'W', thread: 0, loc: 'x', value: 1, annot: ['ONCE'] }, // 2
    { kind: 'W', thread: 0, loc: 'y', value: 1, annot: ['ONCE'] }, // 3
    { kind: 'R', thread: 1, loc: 'y', value: 1, annot: ['ONCE'] }, // 4
    { kind: 'R', thread: 1, loc: 'x', value: 0, annot: ['ONCE'] }, // 5
  ],
  [
    [3, 4],
    [0, 5],
  ],
  {
    co: [
      [0, 2],
      [1, 3],
    ],
  },
);

function run(
  src: string,
  opts: { variants?: string[]; input?: typeof MP; capture?: string[] } = {},
): CatOutcome[] {
  const m = load(src, { variants: opts.variants ?? [], includeDirs: [dir] });
  return evaluateModel(m, opts.input ?? MP, { capture: opts.capture });
}

/** Evaluate `let result = <exp>` and return the captured value's pairs or elements. */
function value(exp: string, prelude = ''): number[] | Array<[number, number]> {
  const out = run(`"t"\n${prelude}\nlet result = ${exp}\n`, { capture: ['result'] });
  assert.equal(out.length, 1);
  const v = out[0].values!.get('result');
  assert.ok(v, `no value for ${exp}`);
  return v instanceof Relation ? v.pairs() : v.toArray();
}

function els(v: EventSet | Relation): number[] {
  assert.ok(v instanceof EventSet, 'expected an event set');
  return v.toArray();
}
function prs(v: EventSet | Relation): Array<[number, number]> {
  assert.ok(v instanceof Relation, 'expected a relation');
  return v.pairs();
}

function errorOf(fn: () => unknown): OrdoError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof OrdoError, `not an OrdoError: ${e}`);
    return e;
  }
  assert.fail('no error');
}

test('set and relation operators', () => {
  assert.deepEqual(value('W'), [0, 1, 2, 3]);
  assert.deepEqual(value('W \\ IW'), [2, 3]);
  assert.deepEqual(value('R | IW'), [0, 1, 4, 5]);
  assert.deepEqual(value('M & ~W'), [4, 5]);
  assert.deepEqual(value('po'), [
    [2, 3],
    [4, 5],
  ]);
  assert.deepEqual(value('po ; po^-1'), [
    [2, 2],
    [4, 4],
  ]);
  assert.deepEqual(value('[W] ; po ; [W]'), [[2, 3]]);
  assert.deepEqual(value('rf ; po^-1'), [[0, 4]]);
  assert.deepEqual(value('(po | rf)+'), [
    [0, 5],
    [2, 3],
    [2, 4],
    [2, 5],
    [3, 4],
    [3, 5],
    [4, 5],
  ]);
  assert.deepEqual(value('(po | rf)* & id & (R * R)'), [
    [4, 4],
    [5, 5],
  ]);
  assert.deepEqual(value('rf?').length, 8);
  assert.deepEqual(value('IW * (W \\ IW)'), [
    [0, 2],
    [0, 3],
    [1, 2],
    [1, 3],
  ]);
  assert.deepEqual(value('loc & (IW * (W \\ IW))'), [
    [0, 2],
    [1, 3],
  ]);
  assert.deepEqual(value('co0'), [
    [0, 2],
    [1, 3],
  ]);
  assert.deepEqual(value('domain(rf)'), [0, 3]);
  assert.deepEqual(value('range(rf)'), [4, 5]);
  assert.deepEqual(value('domain rf'), [0, 3]);
  assert.deepEqual(value('0'), []);
  assert.deepEqual(value('_ \\ M'), []);
  assert.deepEqual(value('~po & (W * W) & int & ~id'), [
    [0, 1],
    [1, 0],
    [3, 2],
  ]);
  assert.deepEqual(value('{}'), []);
  assert.deepEqual(value('fencerel(W)'), []);
  assert.deepEqual(value('po-loc'), []);
  assert.deepEqual(value('rfe'), [
    [0, 5],
    [3, 4],
  ]);
  // precedence: | loosest, then ;, then \, then &
  assert.deepEqual(value('rf | po ; po'), [
    [0, 5],
    [3, 4],
  ]);
  assert.deepEqual(value('W \\ IW & W'), [2, 3]);
});

test('functions, tuples, let-in and application forms', () => {
  assert.deepEqual(value('f(W)', 'let f(s) = s \\ IW'), [2, 3]);
  assert.deepEqual(value('f W', 'let f s = s \\ IW'), [2, 3]);
  assert.deepEqual(value('g(W, IW)', 'let g(a, b) = a \\ b'), [2, 3]);
  assert.deepEqual(value('let g = fun x -> x & R in g(M)'), [4, 5]);
  assert.deepEqual(value('h R', 'let h = fun (x) -> x | IW'), [0, 1, 4, 5]);
  assert.deepEqual(value('let a = R and b = IW in a | b'), [0, 1, 4, 5]);
  assert.deepEqual(value('let (a, b) = (R, IW) in b'), [0, 1]);
  assert.deepEqual(value('k', 'let (j, k) = (R, W)'), [0, 1, 2, 3]);
  // closures see the definitions in force where they were written
  assert.deepEqual(value('f(0)', 'let X = R\nlet f(z) = X\nlet X = W'), [4, 5]);
  assert.deepEqual(
    value('p ++ 0', 'let p = let pairs = rf in match pairs with || {} -> 0 || q ++ rest -> q end'),
    [[0, 5]],
  );
  assert.deepEqual(value('{e}', 'let e = match R with || {} -> 0 || x ++ rest -> x end'), [4]);
  const sets = run(
    '"t"\nlet result = map (fun e -> {e} | IW) W\nlet n = match result with || {} -> 0 || s ++ rest -> [s] end\n',
    { capture: ['n'] },
  );
  assert.deepEqual(prs(sets[0].values!.get('n')!), [
    [0, 0],
    [1, 1],
  ]);
});

test('let rec: fixpoints of sets and relations, mutual recursion, recursive functions', () => {
  assert.deepEqual(value('t', 'let rec t = po | rf | (t ; t)'), value('(po | rf)+'));
  assert.deepEqual(value('a', 'let rec a = rf | (b ; po) and b = rf | (a ; rf)'), [
    [0, 5],
    [3, 4],
    [3, 5],
  ]);
  assert.deepEqual(value('let rec s = IW | range(rf & (s * _)) in s'), [0, 1, 5]);
  const out = run(
    `"t"
let rec count s = match s with || {} -> {} || x ++ rest -> {x} | count(rest) end
let result = count(W)
`,
    { capture: ['result'] },
  );
  assert.deepEqual(els(out[0].values!.get('result')!), [0, 1, 2, 3]);
});

test('match on tags and value sets; enums and tag sets', () => {
  const src = `"t"
enum Colours = 'red || 'green || 'blue
let pick(c) = match c with || 'red -> R || 'green -> W || _ -> 0 end
let result = pick('green)
let others = ~('red)
let n = match others with || {} -> 0 || c ++ rest -> pick(c) end
`;
  const out = run(src, { capture: ['result', 'n', 'Red'] });
  assert.deepEqual(els(out[0].values!.get('result')!), [0, 1, 2, 3]);
  assert.deepEqual(prs(out[0].values!.get('n')!), []); // 'blue sorts first
  assert.deepEqual(els(out[0].values!.get('Red')!), []); // declared tag, absent from input
});

test('tag sets bind both the tag name and its capitalised form', () => {
  const out = run('"t"\nenum A = \'ONCE || \'my-tag\nlet a = ONCE\nlet b = My-tag | my-tag\n', {
    capture: ['a', 'b'],
  });
  assert.deepEqual(els(out[0].values!.get('a')!), [2, 3, 4, 5]);
  assert.deepEqual(els(out[0].values!.get('b')!), []);
});

test('checks: acyclic, irreflexive, empty, negation, names', () => {
  assert.equal(run('"t"\nacyclic po | rf as ok\n')[0].allowed, true);
  const bad = run('"t"\nacyclic po | rf | rf^-1 as cyc\nlet x = 0\n');
  assert.equal(bad.length, 1);
  assert.equal(bad[0].allowed, false);
  assert.equal(bad[0].failedCheck, 'cyc');
  assert.equal(run('"t"\nirreflexive po\n')[0].allowed, true);
  assert.equal(run('"t"\nempty rf & int\n')[0].allowed, true);
  assert.equal(run('"t"\n~empty rf\n')[0].allowed, true);
  assert.equal(run('"t"\n~acyclic po\n')[0].allowed, false);
  assert.equal(run('"t"\nempty R \\ M as sets-ok\n')[0].allowed, true);
  const fr = run('"t"\nlet fr = (rf^-1 ; co) \\ id\nacyclic po | rf | co | fr as sc\n');
  assert.equal(fr[0].allowed, false);
  assert.equal(fr[0].failedCheck, 'sc');
});

test('flags fire when their test holds and never reject; ignored on rejected paths', () => {
  const out = run(
    '"t"\nflag ~empty rf as has-rf\nflag ~empty rf & int as rfi\nflag ~empty W as has-rf\n',
  );
  assert.deepEqual(out, [{ allowed: true, flags: ['has-rf'] }]);
  const rej = run('"t"\nflag ~empty rf as has-rf\nempty rf as no-rf\n');
  assert.deepEqual(
    rej.map((o) => [o.allowed, o.flags]),
    [[false, []]],
  );
});

test('with x from S forks the rest of the model', () => {
  const out = run(
    '"t"\nwith s from {R, W, IW}\nflag ~empty s & IW as init\nempty s & R as noreads\n',
  );
  assert.equal(out.length, 3);
  assert.equal(out.filter((o) => o.allowed).length, 2);
  assert.deepEqual(
    out
      .filter((o) => o.allowed)
      .map((o) => o.flags)
      .sort(),
    [['init'], ['init']],
  );
  // nested forks multiply; an empty choice yields one rejected path
  assert.equal(
    run('"t"\nwith a from {R, W}\nwith b from {R, W, M}\n').filter((o) => o.allowed).length,
    6,
  );
  // The definitions after a fork are evaluated anew on each path (they are lazy: `u`
  // only where read; reading it on the first path would be an error).
  const lets = run(
    '"t"\nwith s from {R, W, IW}\nlet t = s & IW\nlet u = t ; R\nlet v = t | (R & W)\nflag ~empty v as init\n',
  );
  assert.deepEqual(lets.map((o) => o.flags.join()).sort(), ['', 'init', 'init']);
  // A `let` binding a name and a tuple together: the name is read like any other.
  const mixed = run(
    '"t"\nlet a = po and (b, c) = (rf, W)\nlet d = a | b\nflag ~empty d as some\nacyclic a as po-acyclic\n',
  );
  assert.deepEqual(
    mixed.map((o) => [o.allowed, o.flags]),
    [[true, ['some']]],
  );
  const none = run('"t"\nwith a from {}\n');
  assert.equal(none.length, 1);
  assert.equal(none[0].allowed, false);
});

test('coherence orders generated by cos-opt.cat', () => {
  // Two writes to x besides the initial one, no constraints: two coherence orders.
  const input = mkInput(
    [
      { kind: 'W', thread: -1, loc: 'x', value: 0 },
      { kind: 'W', thread: 0, loc: 'x', value: 1 },
      { kind: 'W', thread: 1, loc: 'x', value: 2 },
      { kind: 'W', thread: 2, loc: 'x', value: 3 },
    ],
    [],
  );
  // FW is event 3 in the fixture: 0 first, 3 last, 1 and 2 in either order.
  const out = run('"t"\ninclude "cos-opt.cat"\n', { input, capture: ['co', 'fr'] });
  assert.equal(out.length, 2);
  const cos = out.map((o) => JSON.stringify(prs(o.values!.get('co')!))).sort();
  assert.deepEqual(cos, [
    JSON.stringify([
      [0, 1],
      [0, 2],
      [0, 3],
      [1, 2],
      [1, 3],
      [2, 3],
    ]),
    JSON.stringify([
      [0, 1],
      [0, 2],
      [0, 3],
      [1, 3],
      [2, 1],
      [2, 3],
    ]),
  ]);
  // cross of per-location choices
  assert.equal(
    run('"t"\ninclude "cross.cat"\nwith c from cross({{R * R, W * W}, {0, po, rf}})\n').length,
    6,
  );
});

test('procedures, call, forall, try', () => {
  const out = run(
    `"t"
procedure must-be-empty(r) =
  let local = r
  empty local
end
call must-be-empty(rf & int)
forall s in {R, W} do
  flag ~empty s as nonempty
end
let safe = try undefined-thing with R
let result = safe
`,
    { capture: ['result'] },
  );
  assert.equal(out.length, 1);
  assert.equal(out[0].allowed, true);
  assert.deepEqual(out[0].flags, ['nonempty']);
  assert.deepEqual(els(out[0].values!.get('result')!), [4, 5]);
  assert.equal(run('"t"\ncall subseteq(W, R)\n')[0].allowed, false);
});

test('an instruction-level match reads the names of the procedure or forall around it', () => {
  // Its clauses run one frame below the match wherever it is (fuzz --cat-share, seed 2002,
  // case 71: inside a procedure or forall they read names one frame off: an internal
  // error, or the wrong name's value and a flag lost).
  const flagsOf = (src: string) => run(`"t"\nenum e = 'a || 'b\n${src}\n`)[0].flags;
  assert.deepEqual(
    flagsOf(`procedure p(r) =
  let q = 0
  match 'a with
  || 'a -> flag ~empty r as sees-argument
  end
end
call p(po)`),
    ['sees-argument'],
  );
  assert.deepEqual(
    flagsOf(`forall v in e do
  let r = po
  match v with
  || 'a -> flag ~empty r as a-sees-po
  || _ -> flag ~empty r as other-sees-po
  end
end`),
    ['a-sees-po', 'other-sees-po'],
  );
  assert.deepEqual(
    flagsOf(`let r = po
match 'b with
|| 'a -> flag ~empty r as a-sees-po
|| _ -> let s = r flag ~empty s as other-sees-po
end`),
    ['other-sees-po'],
  );
});

test('variants: expression and instruction level', () => {
  const src =
    '"t"\nlet v = if "fast" then R else W\nif "fast" then flag ~empty v as fast-on else flag ~empty v as fast-off end\n';
  assert.deepEqual(
    run(src, { variants: ['fast'], capture: ['v'] }).map((o) => [
      o.flags,
      els(o.values!.get('v')!),
    ]),
    [[['fast-on'], [4, 5]]],
  );
  assert.deepEqual(
    run(src, { capture: ['v'] }).map((o) => [o.flags, els(o.values!.get('v')!)]),
    [[['fast-off'], [0, 1, 2, 3]]],
  );
});

test("variant conditions as herd's aarch64 files write them: not, &&, ||", () => {
  const v = (cond: string, variants: string[] = []) =>
    els(
      run(`"t"\nlet v = if ${cond} then R else W\n`, { variants, capture: ['v'] })[0]!.values!.get(
        'v',
      )!,
    );
  const reads = [4, 5];
  assert.deepEqual(v('not "fast"'), reads);
  assert.deepEqual(v('not "fast"', ['fast']), [0, 1, 2, 3]);
  assert.deepEqual(v('not "fast" && not "mixed"'), reads);
  assert.deepEqual(v('"fast" || "mixed"', ['mixed']), reads);
  assert.deepEqual(v('not "fast" || "mixed"', ['fast']), [0, 1, 2, 3]);
});

test('assert: a check that holds passes; one that fails is an error at its line', () => {
  // The line before ends in a name: `assert` is not read as an argument to it.
  assert.deepEqual(
    run('"t"\nlet v = W\nassert empty v & R as no-read-writes\n').map((o) => o.allowed),
    [true],
  );
  const err = errorOf(() => run('"t"\nlet v = W\nassert empty v as no-writes\n'));
  assert.match(err.message, /assertion no-writes failed/);
  assert.match(err.format(), /:3:1/);
});

test('include resolves relative to the including file; header options recorded', () => {
  write('lib "a library" withinit\nlet from-lib = R\n', 'inc-lib.cat');
  const p = write(
    'main "main model"\ninclude "inc-lib.cat"\nlet result = from-lib\n',
    'inc-main.cat',
  );
  const m = loadModel({ catFile: p, variants: [], includeDirs: [dir] });
  assert.deepEqual(m.options, ['withinit']);
  assert.equal(m.withoutCo, false);
  assert.equal(m.title, 'main model');
  assert.deepEqual(
    els(evaluateModel(m, MP, { capture: ['result'] })[0].values!.get('result')!),
    [4, 5],
  );
});

test('comments: nested block comments and line comments', () => {
  assert.deepEqual(
    value('R // trailing\n', '(* outer (* inner *) still comment *)\n// line\n'),
    [4, 5],
  );
});

test('errors carry file:line:col', () => {
  const e1 = errorOf(() => run('"t"\nlet x = (R | W\n'));
  assert.match(e1.format(), /m\d+\.cat:3:1: syntax error/);
  const e2 = errorOf(() => run('"t"\nlet x = R\nacyclic nothing-here as c\n'));
  assert.match(e2.format(), /m\d+\.cat:3:9: unbound var: nothing-here/);
  const e3 = errorOf(() => run('"t"\nlet x = R ; W\nempty x\n'));
  assert.match(e3.format(), /m\d+\.cat:2:9: type relation expected/);
  const e4 = errorOf(() => run('"t"\ninclude "no-such-file.cat"\n'));
  assert.match(e4.format(), /m\d+\.cat:2:1: cannot find file "no-such-file.cat"/);
  const e5 = errorOf(() => run('"t"\nlet x = \'nope\n'));
  assert.match(e5.format(), /m\d+\.cat:2:9: tag 'nope is undefined/);
  const e6 = errorOf(() => run('"t"\nlet x = R $ W\n'));
  assert.match(e6.format(), /m\d+\.cat:2:11: unexpected character/);
  // unused definitions are not evaluated (herd's lazy let)
  assert.equal(run('"t"\nlet unused = nothing-here\n')[0].allowed, true);
});

// Sizes the cat parser, compiler and interpreter must follow (issue 10); beyond the main
// thread's stack a run is retried on the deep stack (api/deep-stack.ts). Each model
// below defines r as po (so every execution is forbidden) or as the empty relation.

const sizesTest = write(
  `C sb
{}
P0(int *x, int *y) { int r0; WRITE_ONCE(*x, 1); r0 = READ_ONCE(*y); }
P1(int *x, int *y) { int r0; WRITE_ONCE(*y, 1); r0 = READ_ONCE(*x); }
exists (0:r0=0 /\\ 1:r0=0)
`,
  'sb-sizes.litmus',
);

/** The observation of sb under a model defining r by `definitions`, requiring r empty. */
function underModel(name: string, definitions: string): string {
  const model = write(`"${name}"\n${definitions}\nempty r as x\n`, `${name}.cat`);
  const r = runTestText(sizesTest, readFileSync(sizesTest, 'utf8'), { model });
  assert.equal(r.limit, undefined, `${name}: ${r.limit}`);
  return r.observation;
}

const terms = (op: string, t: string) => Array.from({ length: 100000 }, () => t).join(op);

test('cat expressions of 100,000 terms: ; | & \\', () => {
  assert.equal(underModel('seq', `let r = ${terms(' ; ', 'po')}`), 'Sometimes'); // po;po is empty
  assert.equal(underModel('union', `let r = ${terms(' | ', 'po')}`), 'Never');
  assert.equal(underModel('inter', `let r = ${terms(' & ', 'po')}`), 'Never');
  assert.equal(underModel('diff', `let r = po${' \\ rf'.repeat(100000)}`), 'Never');
});

test('cat expressions nested 10,000 deep: parentheses, let ... in', () => {
  const parens = `${'('.repeat(10000)}po${')'.repeat(10000)}`;
  assert.equal(underModel('parentheses', `let r = ${parens}`), 'Never');
  assert.equal(underModel('let-in', `let r = ${'let a = po in '.repeat(10000)}a`), 'Never');
});

test('20,000 cat definitions, each built on the last', () => {
  const n = 20000;
  const lets = Array.from({ length: n }, (_, i) => `let r${i + 1} = r${i} | po`).join('\n');
  assert.equal(underModel('lets', `let r0 = po\n${lets}\nlet r = r${n}`), 'Never');
});

test('union: {} skipped, one relation kept, a set after a relation reported after the rest', () => {
  assert.deepEqual(value('{} | rf | {}'), [
    [0, 5],
    [3, 4],
  ]);
  assert.deepEqual(value('rf | {} | (rf ; 0)'), [
    [0, 5],
    [3, 4],
  ]);
  assert.deepEqual(value('R | {} | IW'), [0, 1, 4, 5]);
  const mixed = errorOf(() => run('"t"\nlet x = rf | R\nflag ~empty x as x\n'));
  assert.match(mixed.format(), /type relation expected, event set found/);
  // Every operand is evaluated before the union checks kinds: the sequence's own error
  // (at its R, column 24) comes first.
  const later = errorOf(() => run('"t"\nlet x = rf | R | (rf ; R)\nflag ~empty x as x\n'));
  assert.match(later.format(), /:2:24: type relation expected, event set found/);
});
