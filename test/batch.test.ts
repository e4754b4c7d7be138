import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  extractResult,
  judgeOutcome,
  type ObservedOutcome,
  type ResultSpec,
} from '../src/batch/judge.js';
import { expandInputs, parseShard, shardSlice } from '../src/batch/inputs.js';
import {
  formatJunitReport,
  makeReport,
  mergeReports,
  readJsonReport,
  summarize,
  summaryLine,
  writeJsonReport,
  writeJunitReport,
  type TestRecord,
} from '../src/batch/report.js';
import { compareDirs, formatComparison } from '../src/batch/compare.js';
import { runBatch, type BatchOptions } from '../src/batch/engine.js';
import { WorkerPool } from '../src/batch/pool.js';
import { InlineExecutor, type Executor } from '../src/batch/protocol.js';
import { Progress } from '../src/batch/progress.js';
import { runOne as fakeRunOne } from './support/fake-runner.js';
import { corpusPath } from './support/corpus.js';

const fakeRunner = new URL('./support/fake-runner.js', import.meta.url).href;
const corpus = corpusPath('tests');
const kernel = join(corpus, 'kernel');

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'ordo-batch-'));
}

function write(dir: string, rel: string, text: string): string {
  const p = join(dir, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
}

/** A litmus-looking file for the fake runner. */
function fake(name: string, directive = '', result = ''): string {
  return `C ${name}\n\n(*\n${result ? ` * Result: ${result}\n` : ''} *)\n\n{}\n\nP0(int *x)\n{\n\tWRITE_ONCE(*x, 1);\n}\n${directive ? `// Fake: ${directive}\n` : ''}exists (0:r0=1)\n`;
}

const obs = (
  observation: ObservedOutcome['observation'],
  positive: number,
  negative: number,
  flags: string[] = [],
): ObservedOutcome => ({
  observation,
  positive,
  negative,
  flags,
});

const spec = (text: string): ResultSpec => {
  const s = extractResult(`C t\n(*\n * Result: ${text}\n *)\n`);
  assert.ok(s, text);
  return s;
};

function collect(): {
  out: string[];
  err: string[];
  stdout: (s: string) => void;
  stderr: (s: string) => void;
} {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (s) => out.push(s), stderr: (s) => err.push(s) };
}

async function batch(dir: string, executor: Executor, extra: Partial<BatchOptions> = {}) {
  const { root, tests } = expandInputs([dir]);
  const io = collect();
  const outcome = await runBatch({
    tests,
    root,
    runOptions: {},
    executor,
    stdout: io.stdout,
    stderr: io.stderr,
    ...extra,
  });
  return { ...outcome, out: io.out.join(''), err: io.err.join('') };
}

// ---- Result lines ----

test('Result line: the kernel forms are extracted from the first comment block', () => {
  assert.deepEqual(
    { ...extractResult('C X\n\n(*\n * Result: Sometimes\n *\n * blah\n *)\n{}\n')! },
    { kind: 'Sometimes', datarace: false, text: 'Sometimes', line: 4 },
  );
  assert.equal(extractResult('C X\n/*\n * Result: Never DATARACE\n */\n')!.datarace, true);
  assert.equal(extractResult('C X\n/*\n * Result: Never DATARACE\n */\n')!.kind, 'Never');
  assert.equal(extractResult('BPF X\n(*\n *  * Result: Sometimes\n *)\n')!.kind, 'Sometimes');
  assert.equal(extractResult('C X\n(* Result: Never *)\n')!.kind, 'Never');
  assert.equal(extractResult('C X\n(* Result: Never DATARACE *)\n')!.datarace, true);
  assert.equal(extractResult('C X\n(*\n * Result: Maybe.\n *)\n')!.kind, 'Maybe');
  assert.equal(extractResult('C X\n(*\n * Result: Maybe (compiler!)\n *)\n')!.kind, 'Maybe');
  assert.equal(extractResult('C X\n(*\n * Result: DEADLOCK\n *)\n')!.kind, 'DEADLOCK');
  const flag = extractResult('C X\n(*\n * Result: Flag srcu-bad-nesting\n *)\n')!;
  assert.equal(flag.kind, 'Flag');
  assert.equal(flag.flag, 'srcu-bad-nesting');
});

test('Result line: none, or only outside the first comment block, means no Result', () => {
  assert.equal(extractResult('C X\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nexists (x=1)\n'), null);
  assert.equal(extractResult('C X\n(*\n * just a comment\n *)\n(*\n * Result: Never\n *)\n'), null);
  assert.equal(extractResult('C X\n(*\n * The Result of this is unclear\n *)\n'), null);
});

// ---- judging ----

test('judge: Always / Sometimes / Never need that Observation word', () => {
  assert.equal(judgeOutcome(spec('Never'), obs('Never', 0, 3)).status, 'pass');
  assert.equal(judgeOutcome(spec('Never'), obs('Sometimes', 1, 3)).status, 'fail');
  assert.equal(judgeOutcome(spec('Sometimes'), obs('Sometimes', 1, 3)).status, 'pass');
  assert.equal(judgeOutcome(spec('Sometimes'), obs('Always', 4, 0)).status, 'fail');
  assert.equal(judgeOutcome(spec('Always'), obs('Always', 4, 0)).status, 'pass');
  assert.equal(judgeOutcome(spec('Always'), obs('Sometimes', 3, 1)).status, 'fail');
  assert.match(
    judgeOutcome(spec('Never'), obs('Sometimes', 1, 3)).message!,
    /expected Never, observed Sometimes 1 3/,
  );
});

test('judge: Maybe accepts any outcome but a deadlock', () => {
  for (const o of [obs('Never', 0, 2), obs('Sometimes', 1, 1), obs('Always', 2, 0)]) {
    assert.equal(judgeOutcome(spec('Maybe'), o).status, 'pass');
  }
  assert.equal(judgeOutcome(spec('Maybe.'), obs('Always', 2, 0)).status, 'pass');
  assert.equal(judgeOutcome(spec('Maybe'), obs('Never', 0, 0)).status, 'fail');
});

test('judge: DEADLOCK means no execution at all', () => {
  assert.equal(judgeOutcome(spec('DEADLOCK'), obs('Never', 0, 0)).status, 'pass');
  assert.equal(judgeOutcome(spec('DEADLOCK'), obs('Never', 0, 1)).status, 'fail');
  // ...and no execution at all is a failure for any other prediction
  assert.equal(judgeOutcome(spec('Never'), obs('Never', 0, 0)).status, 'fail');
  assert.match(judgeOutcome(spec('Never'), obs('Never', 0, 0)).message!, /deadlock/);
});

test('judge: DATARACE must be modelled, and a modelled race must be predicted', () => {
  const race = ['data-race'];
  assert.equal(
    judgeOutcome(spec('Sometimes DATARACE'), obs('Sometimes', 1, 3, race)).status,
    'pass',
  );
  assert.equal(judgeOutcome(spec('Never DATARACE'), obs('Never', 0, 3, race)).status, 'pass');
  const missing = judgeOutcome(spec('Sometimes DATARACE'), obs('Sometimes', 1, 3));
  assert.equal(missing.status, 'fail');
  assert.match(missing.message!, /predicted data race not modelled/);
  const unexpected = judgeOutcome(spec('Sometimes'), obs('Sometimes', 1, 3, race));
  assert.equal(unexpected.status, 'fail');
  assert.match(unexpected.message!, /unexpected data race/);
  // With the race modelled (and predicted), a wrong word is forgiven, as judgelitmus.sh does.
  const forgiven = judgeOutcome(spec('Never DATARACE'), obs('Sometimes', 1, 3, race));
  assert.equal(forgiven.status, 'pass');
  assert.match(forgiven.message!, /forgiven/);
});

test('judge: no Result line only runs the test; Flag NAME needs that flag; unknown words fail', () => {
  assert.equal(judgeOutcome(null, obs('Sometimes', 1, 3)).status, 'skip');
  assert.equal(
    judgeOutcome(spec('Flag srcu-bad-nesting'), obs('Never', 0, 1, ['srcu-bad-nesting'])).status,
    'pass',
  );
  assert.equal(judgeOutcome(spec('Flag srcu-bad-nesting'), obs('Never', 0, 1)).status, 'fail');
  assert.equal(judgeOutcome(spec('Perhaps'), obs('Never', 0, 1)).status, 'fail');
});

// ---- sharding ----

test('shards are disjoint, cover the list and are deterministic', () => {
  const list = Array.from({ length: 23 }, (_, i) => `t${String(i).padStart(2, '0')}`);
  for (const n of [1, 2, 3, 5, 23, 30]) {
    const slices = Array.from({ length: n }, (_, k) => shardSlice(list, k + 1, n));
    const all = slices.flat();
    assert.equal(all.length, list.length, `n=${n}`);
    assert.deepEqual([...all].sort(), list);
    assert.equal(new Set(all).size, list.length);
    assert.deepEqual(
      slices,
      Array.from({ length: n }, (_, k) => shardSlice([...list], k + 1, n)),
    );
    const sizes = slices.map((s) => s.length);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, 'balanced');
  }
  assert.deepEqual(parseShard('2/4'), { k: 2, n: 4 });
  assert.throws(() => parseShard('0/4'));
  assert.throws(() => parseShard('5/4'));
  assert.throws(() => parseShard('1-4'));
});

// ---- inputs ----

test('directories are searched recursively for *.litmus, sorted by path', () => {
  const d = tmp();
  try {
    write(d, 'suite/b.litmus', fake('b'));
    write(d, 'suite/a.litmus', fake('a'));
    write(d, 'suite/sub/c.litmus', fake('c'));
    write(d, 'suite/notes.txt', 'x');
    const { root, tests } = expandInputs([join(d, 'suite')]);
    assert.equal(root, d);
    assert.deepEqual(
      tests.map((t) => t.path),
      ['suite/a.litmus', 'suite/b.litmus', 'suite/sub/c.litmus'],
    );
    assert.equal(tests[0].file, join(d, 'suite', 'a.litmus'));
    // a file and its directory: no duplicates
    assert.equal(expandInputs([join(d, 'suite'), join(d, 'suite', 'a.litmus')]).tests.length, 3);
    assert.throws(() => expandInputs([join(d, 'missing')]), /no such file/);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test('@LIST files name paths relative to the list file, and may nest', () => {
  const d = tmp();
  try {
    write(d, 'tests/x/one.litmus', fake('one'));
    write(d, 'tests/y/two.litmus', fake('two'));
    write(d, 'tests/y/three.litmus', fake('three'));
    write(d, 'lists/main.list', '# a comment\n../tests/x/one.litmus\n\n@more.list\n');
    write(d, 'lists/more.list', '../tests/y\n');
    const { root, tests } = expandInputs([`@${join(d, 'lists', 'main.list')}`]);
    assert.equal(root, join(d, 'tests'));
    assert.deepEqual(
      tests.map((t) => t.path),
      ['x/one.litmus', 'y/three.litmus', 'y/two.litmus'],
    );
    write(d, 'lists/bad.list', 'nowhere.litmus\n');
    assert.throws(() => expandInputs([`@${join(d, 'lists', 'bad.list')}`]), /bad\.list:1/);
    write(d, 'lists/loop.list', '@loop.list\n');
    assert.throws(() => expandInputs([`@${join(d, 'lists', 'loop.list')}`]), /includes itself/);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

// ---- reports ----

const recs: TestRecord[] = [
  {
    path: 'b/y.litmus',
    status: 'ok',
    name: 'y',
    verdict: 'Never',
    ok: false,
    states: ['0:r0=0;'],
    positive: 0,
    negative: 1,
    flags: [],
    time: 0.5,
    judgement: { status: 'fail', message: 'expected Sometimes, observed Never 0 1 <&>' },
  },
  {
    path: 'a/x.litmus',
    status: 'ok',
    name: 'x',
    verdict: 'Sometimes',
    ok: true,
    states: ['0:r0=0;', '0:r0=1;'],
    positive: 1,
    negative: 1,
    flags: ['data-race'],
    time: 0.25,
    judgement: { status: 'pass' },
  },
  {
    path: 'c/"q".litmus',
    status: 'error',
    time: 0.01,
    error: 'c/"q".litmus:3:4: syntax error near <',
  },
  { path: 'd/z.litmus', status: 'timeout', time: 12, error: 'd/z.litmus: timed out' },
  {
    path: 'e/s.litmus',
    status: 'ok',
    name: 's',
    verdict: 'Always',
    positive: 1,
    negative: 0,
    flags: [],
    time: 0.1,
    judgement: { status: 'skip', message: 'no Result line' },
  },
];

/** Minimal XML well-formedness check: one root, tags balanced, attributes quoted, entities known. */
function assertWellFormedXml(xml: string): void {
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n'));
  const body = xml.slice(xml.indexOf('?>') + 2);
  const stack: string[] = [];
  let roots = 0;
  const re =
    /<(\/?)([A-Za-z][\w-]*)((?:\s+[\w-]+="[^"<]*")*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|apos);)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(body))) {
    assert.ok(m[2], `stray markup at ${m.index}: ${body.slice(m.index, m.index + 40)}`);
    if (m[1]) assert.equal(stack.pop(), m[2]);
    else if (!m[4]) {
      if (stack.length === 0) roots++;
      stack.push(m[2]);
    }
  }
  assert.deepEqual(stack, []);
  assert.equal(roots, 1);
}

test('summary counts and the N passed, M failed line', () => {
  const s = summarize(recs);
  assert.deepEqual(s, {
    total: 5,
    passed: 1,
    failed: 2,
    skipped: 1,
    timedOut: 1,
    limited: 0,
    outOfMemory: 0,
    errors: 1,
  });
  assert.equal(summaryLine(s), '1 passed, 2 failed, 1 skipped, 1 timed out');
  assert.equal(summaryLine(summarize(recs.slice(0, 2))), '1 passed, 1 failed');
});

test('JSON and JUnit reports are written atomically and well formed', () => {
  const d = tmp();
  try {
    const report = makeReport('/root', recs, {
      judged: true,
      shard: '1/2',
      interrupted: false,
      notRun: 0,
    });
    assert.deepEqual(
      report.tests.map((t) => t.path),
      ['a/x.litmus', 'b/y.litmus', 'c/"q".litmus', 'd/z.litmus', 'e/s.litmus'],
    );
    const json = join(d, 'deep', 'r.json');
    writeJsonReport(json, report);
    writeFileSync(join(d, 'r.xml'), 'old contents');
    writeJunitReport(join(d, 'r.xml'), report);
    assert.deepEqual(readdirSync(d).sort(), ['deep', 'r.xml'], 'no temporary files left');
    assert.deepEqual(readdirSync(join(d, 'deep')), ['r.json']);
    const back = readJsonReport(json);
    assert.deepEqual(back, JSON.parse(JSON.stringify(report)));
    assert.equal(back.tests[0].verdict, 'Sometimes');
    assert.deepEqual(back.tests[0].flags, ['data-race']);
    const xml = readFileSync(join(d, 'r.xml'), 'utf8');
    assertWellFormedXml(xml);
    assert.equal(xml, formatJunitReport(report));
    assert.match(xml, /<testsuites name="ordo" tests="5" failures="1" errors="2" skipped="1"/);
    assert.match(
      xml,
      /<failure type="judge" message="expected Sometimes, observed Never 0 1 &lt;&amp;&gt;"\/>/,
    );
    assert.match(xml, /name="c\/&quot;q&quot;.litmus"/);
    assert.match(xml, /<error type="timeout"/);
    // A writer that fails midway leaves the previous file intact.
    assert.throws(() => writeJsonReport(join(d, 'r.xml', 'impossible.json'), report));
    assert.equal(readFileSync(join(d, 'r.xml'), 'utf8'), xml);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test('merge joins reports sorted by path; a duplicate test is an error', () => {
  const a = makeReport('/r', [recs[1], recs[3]], {
    judged: true,
    shard: '1/2',
    interrupted: false,
    notRun: 0,
  });
  const b = makeReport('/r', [recs[0], recs[2], recs[4]], {
    judged: true,
    shard: '2/2',
    interrupted: false,
    notRun: 0,
  });
  const m = mergeReports([
    { file: 'a.json', report: a },
    { file: 'b.json', report: b },
  ]);
  assert.deepEqual(
    m.tests.map((t) => t.path),
    makeReport('/r', recs, { judged: true, shard: null, interrupted: false, notRun: 0 }).tests.map(
      (t) => t.path,
    ),
  );
  assert.deepEqual(m.summary, summarize(recs));
  assert.equal(m.shard, null);
  assert.throws(
    () =>
      mergeReports([
        { file: 'a.json', report: a },
        { file: 'a2.json', report: a },
      ]),
    /duplicate test a\/x\.litmus in a\.json and a2\.json/,
  );
});

// ---- compare ----

test('compare lists changed Observation lines and one-sided tests', () => {
  const d = tmp();
  try {
    const out = (name: string, o: string, extra = '') =>
      `Test ${name} Allowed\nStates 1\n${extra}Observation ${name} ${o}\nTime ${name} 0.01\n`;
    write(d, 'old/k/same.litmus.out', out('same', 'Never 0 3'));
    write(d, 'new/k/same.litmus.out', out('same', 'Never 0 3', 'x=1;\n'));
    write(d, 'old/k/word.litmus.out', out('word', 'Never 0 3'));
    write(d, 'new/k/word.litmus.out', out('word', 'Sometimes 1 2'));
    write(d, 'old/k/counts.litmus.out', out('counts', 'Sometimes 1 3'));
    write(d, 'new/k/counts.litmus.out', out('counts', 'Sometimes 1 2'));
    write(d, 'old/k/lost.litmus.out', out('lost', 'Never 0 3'));
    write(d, 'new/k/lost.litmus.out', 'ordo: timed out\n');
    write(d, 'old/gone.litmus.out', out('gone', 'Never 0 1'));
    write(d, 'new/added.litmus.out', out('added', 'Never 0 1'));
    const c = compareDirs(join(d, 'old'), join(d, 'new'));
    assert.equal(c.same, 1);
    assert.deepEqual(
      c.changes.map((x) => [x.path, x.kind]),
      [
        ['added.litmus.out', 'onlyNew'],
        ['gone.litmus.out', 'onlyOld'],
        ['k/counts.litmus.out', 'counts'],
        ['k/lost.litmus.out', 'result'],
        ['k/word.litmus.out', 'result'],
      ],
    );
    const text = formatComparison(c, 'old', 'new');
    assert.match(
      text,
      /Result changed: k\/word\.litmus: Observation word Never 0 3 -> Observation word Sometimes 1 2/,
    );
    assert.match(text, /Only in old: gone\.litmus/);
    assert.match(
      text,
      /1 unchanged, 2 results changed, 1 counts changed, 1 only in old, 1 only in new\n$/,
    );
    const same = compareDirs(join(d, 'old', 'k'), join(d, 'old', 'k'));
    assert.equal(same.changes.length, 0);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

// ---- the engine ----

test('batch with a fake runner: ordered output, judging, --save layout', async () => {
  const d = tmp();
  try {
    // a finishes last, c first: output must still come in path order
    write(d, 'lt/a.litmus', fake('a', 'sleep 300 Sometimes 1 3', 'Sometimes'));
    write(d, 'lt/b.litmus', fake('b', 'sleep 100 Sometimes 1 3', 'Never'));
    write(d, 'lt/c.litmus', fake('c', 'Never 0 2'));
    write(d, 'lt/sub/d.litmus', fake('d', 'Never 0 0', 'DEADLOCK'));
    const pool = new WorkerPool({ jobs: 3, runnerModule: fakeRunner });
    const save = join(d, 'saved');
    const r = await batch(join(d, 'lt'), pool, { judge: true, save });
    const names = [...r.out.matchAll(/^Test (\S+)/gm)].map((m) => m[1]);
    assert.deepEqual(names, ['a', 'b', 'c', 'd']);
    assert.match(
      r.out,
      /^FAIL lt\/b\.litmus: expected Never, observed Sometimes 1 3 \(Result: Never\)$/m,
    );
    assert.match(r.out, /\n2 passed, 1 failed, 1 skipped\n$/);
    assert.equal(r.exitCode, 1);
    assert.equal(
      readFileSync(join(save, 'lt', 'sub', 'd.litmus.out'), 'utf8').split('\n')[0],
      'Test d Allowed',
    );
    assert.match(
      readFileSync(join(save, 'lt', 'a.litmus.out'), 'utf8'),
      /^Observation a Sometimes 1 3$/m,
    );
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test('a broken test is reported as an error with file:line:col; the others run', async () => {
  const d = tmp();
  try {
    write(d, 't/a.litmus', fake('a', 'Never 0 1', 'Never'));
    write(d, 't/b.litmus', fake('b', 'error', 'Never'));
    write(d, 't/c.litmus', fake('c', 'Never 0 1', 'Never'));
    const r = await batch(join(d, 't'), new InlineExecutor(fakeRunOne), { judge: true });
    assert.deepEqual(
      [...r.out.matchAll(/^Test (\S+)/gm)].map((m) => m[1]),
      ['a', 'c'],
    );
    assert.match(
      r.err,
      new RegExp(`^ordo: ${join(d, 't', 'b.litmus')}:\\d+:\\d+: fake syntax error$`, 'm'),
    );
    const bad = r.records.find((x) => x.path === 't/b.litmus')!;
    assert.equal(bad.status, 'error');
    assert.match(r.out, /^FAIL .*b\.litmus:\d+:\d+: fake syntax error$/m);
    assert.match(r.out, /\n2 passed, 1 failed\n$/);
    assert.equal(r.exitCode, 1);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test('with the real runner: a broken test is reported, the others still run', async () => {
  const top = tmp();
  const d = join(top, 't');
  mkdirSync(d);
  try {
    copyFileSync(join(kernel, 'SB+poonceonces.litmus'), join(d, 'SB+poonceonces.litmus'));
    copyFileSync(join(kernel, 'MP+poonceonces.litmus'), join(d, 'MP+poonceonces.litmus'));
    write(
      d,
      'Broken.litmus',
      'C Broken\n\n{}\n\nP0(int *x)\n{\n\tWRITE_ONCE(*x 1);\n}\n\nexists (x=1)\n',
    );
    const r = await batch(d, new WorkerPool({ jobs: 2 }), { judge: true });
    const byPath = new Map(r.records.map((x) => [x.path, x]));
    assert.equal(byPath.get('t/Broken.litmus')!.status, 'error');
    assert.match(byPath.get('t/Broken.litmus')!.error!, /Broken\.litmus:\d+:\d+: /);
    assert.equal(byPath.get('t/SB+poonceonces.litmus')!.verdict, 'Sometimes');
    assert.equal(byPath.get('t/MP+poonceonces.litmus')!.judgement!.status, 'pass');
    assert.match(r.out, /^Observation SB\+poonceonces Sometimes 1 3$/m);
    assert.match(r.out, /\n2 passed, 1 failed\n$/);
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
});

test('a worker overrunning its time is terminated and replaced; the batch goes on', async () => {
  const top = tmp();
  const d = join(top, 't');
  mkdirSync(d);
  try {
    write(d, 'a-hang.litmus', fake('a', 'hang', 'Never'));
    write(d, 'b.litmus', fake('b', 'Never 0 1', 'Never'));
    write(d, 'c.litmus', fake('c', 'Never 0 1', 'Never'));
    const pool = new WorkerPool({ jobs: 1, runnerModule: fakeRunner, hardTimeoutMs: () => 500 });
    const started = Date.now();
    const r = await batch(d, pool, { judge: true, save: join(d, 'saved') });
    assert.ok(Date.now() - started < 10_000);
    const hang = r.records.find((x) => x.path === 't/a-hang.litmus')!;
    assert.equal(hang.status, 'timeout');
    assert.match(r.out, /^TIMEOUT t\/a-hang\.litmus: /m);
    assert.match(r.out, /\n2 passed, 0 failed, 1 timed out\n$/);
    assert.equal(r.exitCode, 1);
    assert.match(
      readFileSync(join(d, 'saved', 't', 'a-hang.litmus.out'), 'utf8'),
      /non-zero status 124/,
    );
    assert.equal(pool.size, 0, 'closed');
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
});

test('a worker running out of memory is replaced; its test is reported out of memory', async () => {
  const top = tmp();
  const d = join(top, 't');
  mkdirSync(d);
  try {
    write(d, 'a.litmus', fake('a', 'oom'));
    write(d, 'b.litmus', fake('b', 'range'));
    write(d, 'c.litmus', fake('c', 'Sometimes 1 1'));
    const pool = new WorkerPool({ jobs: 1, runnerModule: fakeRunner, maxMemoryMb: 32 });
    const r = await batch(d, pool);
    assert.deepEqual(
      r.records.map((x) => x.status),
      ['oom', 'oom', 'ok'],
    );
    assert.match(r.err, /out of memory/);
    assert.match(r.err, /ran out of resources \(Invalid array length\)/);
    assert.equal(r.report.summary.outOfMemory, 2);
    assert.equal(r.exitCode, 1);
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
});

test('aborting (Ctrl-C) stops the workers, prints the results so far and saves the reports', async () => {
  const top = tmp();
  const d = join(top, 't');
  mkdirSync(d);
  try {
    write(d, 'a.litmus', fake('a', 'Never 0 1'));
    write(d, 'b.litmus', fake('b', 'hang'));
    write(d, 'c.litmus', fake('c', 'Sometimes 1 1'));
    write(d, 'd.litmus', fake('d', 'hang'));
    const pool = new WorkerPool({ jobs: 2, runnerModule: fakeRunner });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 1500);
    const json = join(d, 'out', 'r.json');
    const r = await batch(d, pool, { signal: ac.signal, json, judge: true });
    assert.equal(r.interrupted, true);
    assert.equal(r.exitCode, 130);
    assert.deepEqual(
      [...r.out.matchAll(/^Test (\S+)/gm)].map((m) => m[1]),
      ['a', 'c'],
    );
    const rep = readJsonReport(json);
    assert.equal(rep.interrupted, true);
    assert.deepEqual(
      rep.tests.map((t) => t.path),
      ['t/a.litmus', 't/c.litmus'],
    );
    assert.equal(rep.notRun, 2);
    assert.equal(pool.size, 0);
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
});

test('a test stopped by a limit: no report on stdout, a Limit line, the timeout marker in --save and JSON', async () => {
  const top = tmp();
  const d = join(top, 't');
  mkdirSync(d);
  try {
    write(
      d,
      'sb.litmus',
      `C sb\n{}\nP0(int *x, int *y) { int r0; WRITE_ONCE(*x, 1); r0 = READ_ONCE(*y); }\nP1(int *x, int *y) { int r0; WRITE_ONCE(*y, 1); r0 = READ_ONCE(*x); }\nexists (0:r0=0 /\\ 1:r0=0)\n`,
    );
    const { runTest } = await import('../src/api/run.js');
    const r = await batch(d, new InlineExecutor(runTest), {
      runOptions: { maxExecutions: 1 },
      save: join(d, 'saved'),
      judge: true,
    });
    const rec = r.records[0];
    assert.equal(rec.status, 'limit');
    assert.equal(rec.verdict, undefined, 'a stopped run has no verdict');
    assert.equal(rec.exitStatus, 124);
    assert.doesNotMatch(r.out, /Observation/);
    assert.match(r.err, /^Limit sb .*no verdict/m);
    const saved = readFileSync(join(d, 'saved', 't', 'sb.litmus.out'), 'utf8');
    assert.doesNotMatch(saved, /Observation/);
    assert.match(saved, /\nCommand exited with non-zero status 124\n$/);
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
});

// ---- progress and provenance ----

test('the progress bar counts skipped tests apart from passed and failed ones', () => {
  const drawn: string[] = [];
  const p = new Progress(4, { write: (s: string) => drawn.push(s), columns: 200 });
  p.tick('passed');
  p.tick('skipped');
  p.tick('skipped');
  p.tick('failed');
  p.stop();
  assert.match(p.line(), / 4\/4 {2}1 passed {2}1 failed {2}2 skipped /);
});

test('merge refuses reports made with other model files or options, and keeps the common ones', () => {
  const provenance = (digest: string, timeout: number) => ({
    ordoVersion: '1.2.3',
    options: { conf: 'linux-kernel.cfg', timeout },
    models: [{ path: '/m/linux-kernel.cat', sha256: digest }],
  });
  const report = (recsOf: TestRecord[], p: ReturnType<typeof provenance>) =>
    makeReport('/r', recsOf, {
      judged: false,
      shard: null,
      interrupted: false,
      notRun: 0,
      provenance: p,
    });
  const a = report([recs[0]], provenance('aa', 5));
  const merged = mergeReports([
    { file: 'a.json', report: a },
    { file: 'b.json', report: report([recs[1]], provenance('aa', 5)) },
  ]);
  assert.deepEqual(merged.models, a.models);
  assert.deepEqual(merged.options, a.options);
  assert.equal(merged.ordoVersion, '1.2.3');
  assert.throws(
    () =>
      mergeReports([
        { file: 'a.json', report: a },
        { file: 'c.json', report: report([recs[1]], provenance('bb', 5)) },
      ]),
    /c\.json and a\.json were made with different model files/,
  );
  assert.throws(
    () =>
      mergeReports([
        { file: 'a.json', report: a },
        { file: 'd.json', report: report([recs[1]], provenance('aa', 9)) },
      ]),
    /d\.json and a\.json were made with different options/,
  );
});
