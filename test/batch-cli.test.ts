import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseRunFlags } from '../src/cli/batch-commands.js';
import { readJsonReport } from '../src/batch/report.js';
import { corpusPath } from './support/corpus.js';

const here = dirname(fileURLToPath(import.meta.url));
const bin = resolve(here, '..', '..', 'bin', 'ordo.js');
const fakeRunner = fileURLToPath(new URL('./support/fake-runner.js', import.meta.url));
const corpus = corpusPath('tests');
const kernel = join(corpus, 'kernel');

function ordo(args: string[], cwd?: string) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 600_000,
  });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'ordo-batch-cli-'));
}

function countLitmus(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) n += countLitmus(join(dir, e.name));
    else if (e.name.endsWith('.litmus')) n++;
  }
  return n;
}

test('run flags: batch options are taken, herd options and their values passed on', () => {
  const f = parseRunFlags([
    '-j',
    '3',
    '--judge',
    '-timeout',
    '5',
    '--save=out',
    '-conf',
    'x.cfg',
    'dir',
    '--shard',
    '2/3',
    '-q',
  ]);
  assert.equal(f.jobs, 3);
  assert.equal(f.judge, true);
  assert.equal(f.save, 'out');
  assert.equal(f.shard, '2/3');
  assert.equal(f.quiet, true);
  assert.deepEqual(f.rest, ['-timeout', '5', '-conf', 'x.cfg', 'dir']);
  assert.equal(parseRunFlags(['-j4']).jobs, 4);
  assert.throws(() => parseRunFlags(['-j', '0']));
  assert.throws(() => parseRunFlags(['--shard', '3/2']));
});

test('acceptance: ordo run --judge over the kernel corpus passes every test', () => {
  const r = ordo(['run', '--judge', kernel]);
  const n = countLitmus(kernel);
  assert.equal(r.err, '', 'no progress bar or errors when stderr is not a terminal');
  assert.match(r.out, new RegExp(`\\n${n} passed, 0 failed\\n$`));
  assert.equal((r.out.match(/^Observation /gm) ?? []).length, n);
  assert.doesNotMatch(r.out, /^(FAIL|TIMEOUT) /m);
  assert.equal(r.status, 0);
});

test('output per test is exactly the single-test output, in path order', () => {
  const d = tmp();
  try {
    for (const t of ['SB+poonceonces', 'MP+poonceonces', 'LB+poonceonces'])
      copyFileSync(join(kernel, `${t}.litmus`), join(d, `${t}.litmus`));
    const batch = ordo(['run', '-j', '2', d]);
    const single = ordo([
      join(d, 'LB+poonceonces.litmus'),
      join(d, 'MP+poonceonces.litmus'),
      join(d, 'SB+poonceonces.litmus'),
    ]);
    const strip = (s: string) => s.replace(/^Time .*$/gm, 'Time');
    assert.equal(batch.status, 0);
    assert.equal(strip(batch.out), strip(single.out));
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test('shards merged give the whole run; --save and compare; merge refuses duplicates', () => {
  const d = tmp();
  try {
    const lst = join(d, 'some.list');
    writeFileSync(
      lst,
      readdirSync(kernel)
        .filter((f) => f.endsWith('.litmus'))
        .slice(0, 7)
        .map((f) => join(kernel, f))
        .join('\n') + '\n',
    );
    const whole = ordo([
      'run',
      '-q',
      '--judge',
      `@${lst}`,
      '--json',
      join(d, 'all.json'),
      '--save',
      join(d, 'old'),
    ]);
    assert.equal(whole.status, 0, whole.err);
    const s1 = ordo([
      'run',
      '-q',
      '--judge',
      `@${lst}`,
      '--shard',
      '1/2',
      '--json',
      join(d, 's1.json'),
      '--save',
      join(d, 'new'),
    ]);
    const s2 = ordo([
      'run',
      '-q',
      '--judge',
      `@${lst}`,
      '--shard',
      '2/2',
      '--json',
      join(d, 's2.json'),
      '--save',
      join(d, 'new'),
      '--junit',
      join(d, 's2.xml'),
    ]);
    assert.equal(s1.status, 0);
    assert.equal(s2.status, 0);
    const all = readJsonReport(join(d, 'all.json'));
    const a = readJsonReport(join(d, 's1.json'));
    const b = readJsonReport(join(d, 's2.json'));
    assert.equal(a.tests.length + b.tests.length, all.tests.length);
    assert.equal(
      ordo(['merge', join(d, 'merged.json'), join(d, 's1.json'), join(d, 's2.json')]).status,
      0,
    );
    const merged = readJsonReport(join(d, 'merged.json'));
    assert.deepEqual(
      merged.tests.map((t) => [t.path, t.verdict, t.positive, t.negative]),
      all.tests.map((t) => [t.path, t.verdict, t.positive, t.negative]),
    );
    const dup = ordo(['merge', join(d, 'dup.json'), join(d, 's1.json'), join(d, 'all.json')]);
    assert.equal(dup.status, 1);
    assert.match(dup.err, /duplicate test/);
    assert.equal(existsSync(join(d, 'dup.json')), false);
    // saved layout: <dir>/<path relative to the common root>.out
    const first = all.tests[0].path;
    assert.ok(existsSync(join(d, 'old', `${first}.out`)));
    const same = ordo(['compare', join(d, 'old'), join(d, 'new')]);
    assert.equal(same.status, 0, same.out);
    writeFileSync(
      join(d, 'new', `${first}.out`),
      readFileSync(join(d, 'new', `${first}.out`), 'utf8').replace(
        /^(Observation \S+) \w+/m,
        '$1 Always',
      ),
    );
    const changed = ordo(['compare', join(d, 'old'), join(d, 'new')]);
    assert.equal(changed.status, 1);
    assert.match(changed.out, /Result changed: /);
    assert.match(readFileSync(join(d, 's2.xml'), 'utf8'), /^<\?xml/);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test('saved layout keeps the directory operand: litmus-tests/X.litmus -> DIR/litmus-tests/X.litmus.out', () => {
  const d = tmp();
  try {
    mkdirSync(join(d, 'litmus-tests'));
    writeFileSync(
      join(d, 'litmus-tests', 'X.litmus'),
      'C X\n\n{}\n\nP0(int *x)\n{\n\tWRITE_ONCE(*x, 1);\n}\n\nexists (x=1)\n',
    );
    const r = ordo(['run', '--runner', fakeRunner, 'litmus-tests', '--save', 'DIR'], d);
    assert.equal(r.status, 0, r.err);
    assert.ok(existsSync(join(d, 'DIR', 'litmus-tests', 'X.litmus.out')));
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

for (const [signal, status] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const) {
  test(`${signal} stops the run: results so far printed, reports saved, exit status ${status}`, async () => {
    const d = tmp();
    try {
      const t = (name: string, directive: string) =>
        `C ${name}\n\n{}\n// Fake: ${directive}\nexists (0:r0=1)\n`;
      writeFileSync(join(d, 'a.litmus'), t('a', 'Never 0 1'));
      writeFileSync(join(d, 'b.litmus'), t('b', 'hang'));
      writeFileSync(join(d, 'c.litmus'), t('c', 'hang'));
      const json = join(d, 'r.json');
      const junit = join(d, 'r.xml');
      const child = spawn(
        process.execPath,
        [bin, 'run', '-j', '2', '--runner', fakeRunner, '--json', json, '--junit', junit, d],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (s: string) => {
        out += s;
        if (out.includes('Hash=')) child.kill(signal);
      });
      const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
      assert.equal(code, status);
      assert.match(out, /^Test a Allowed$/m);
      const rep = readJsonReport(json);
      assert.equal(rep.interrupted, true);
      assert.deepEqual(
        rep.tests.map((x) => x.path),
        [`${basename(d)}/a.litmus`],
      );
      assert.match(readFileSync(junit, 'utf8'), /tests="1"/);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
}

test('usage errors exit 2; compare of identical trees exits 0', () => {
  assert.equal(ordo(['run']).status, 2);
  assert.equal(ordo(['run', '--shard', '9/2', 'x']).status, 2);
  assert.equal(ordo(['run', '/nonexistent/dir']).status, 2);
  assert.equal(ordo(['compare', 'only-one']).status, 2);
  assert.equal(ordo(['merge', 'out.json']).status, 2);
});

test('a JSON report records Ordo version, the options and the model files with digests', () => {
  const d = tmp();
  try {
    copyFileSync(join(kernel, 'SB+poonceonces.litmus'), join(d, 'SB+poonceonces.litmus'));
    const json = join(d, 'r.json');
    const r = ordo(['run', '-q', '--json', json, '-timeout', '60', d]);
    assert.equal(r.status, 0, r.err);
    const report = readJsonReport(json);
    const pkg = JSON.parse(readFileSync(resolve(here, '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    assert.equal(report.ordoVersion, pkg.version);
    assert.deepEqual(report.options, { timeout: 60 });
    const models = report.models ?? [];
    assert.ok(models.some((m) => basename(m.path) === 'lkmm.cat'));
    assert.ok(models.some((m) => basename(m.path) === 'lkmm.def'));
    for (const m of models)
      assert.equal(
        m.sha256,
        createHash('sha256').update(readFileSync(m.path, 'latin1'), 'latin1').digest('hex'),
      );
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test('entries named *.litmus that are not regular files are errors for their path, never blocking', () => {
  const d = tmp();
  try {
    copyFileSync(join(kernel, 'SB+poonceonces.litmus'), join(d, 'a.litmus'));
    spawnSync('mkfifo', [join(d, 'fifo.litmus')]);
    mkdirSync(join(d, 'dir.litmus'));
    writeFileSync(join(d, 'dir.litmus', 'inner.litmus'), 'C never-read\n');
    symlinkSync(join(d, 'nowhere'), join(d, 'dangling.litmus'));
    const json = join(d, 'r.json');
    const r = ordo(['run', '-j', '2', '--json', json, d]);
    assert.equal(r.status, 1);
    assert.match(r.out, /^Observation SB\+poonceonces Sometimes/m);
    assert.match(r.err, /fifo\.litmus: cannot read this file \(not a regular file\)/);
    assert.match(r.err, /dir\.litmus: cannot read this file \(it is a directory\)/);
    assert.match(r.err, /dangling\.litmus: cannot read this file \(no such file\)/);
    const rep = readJsonReport(json);
    assert.deepEqual(
      rep.tests.map((t) => [basename(t.path), t.status]),
      [
        ['a.litmus', 'ok'],
        ['dangling.litmus', 'error'],
        ['dir.litmus', 'error'],
        ['fifo.litmus', 'error'],
      ],
    );
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test('run with no tests found fails', () => {
  const d = tmp();
  try {
    const r = ordo(['run', d]);
    assert.equal(r.status, 1);
    assert.match(r.err, /no \*\.litmus tests/);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test('a requested report that cannot be written makes the run fail, naming the path', () => {
  const d = tmp();
  try {
    const sb = join(kernel, 'SB+poonceonces.litmus');
    const blocker = join(d, 'a-file');
    writeFileSync(blocker, 'not a directory\n');
    const json = join(blocker, 'r.json');
    const j = ordo(['run', '--json', json, sb]);
    assert.equal(j.status, 1);
    assert.match(j.err, new RegExp(`cannot write --json report ${json}`));
    const junit = join(blocker, 'r.xml');
    const u = ordo(['run', '--junit', junit, sb]);
    assert.equal(u.status, 1);
    assert.match(u.err, new RegExp(`cannot write --junit report ${junit}`));
    const s = ordo(['run', '--save', blocker, sb]);
    assert.equal(s.status, 1);
    assert.match(s.err, new RegExp(`cannot write --save directory ${blocker}: not a directory`));
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});
