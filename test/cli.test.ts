import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusPath } from './support/corpus.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'ordo.js');
const corpus = corpusPath();

function ordo(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
}

const comparable = (t: string) => t.split('\n').filter((l) => l && !/^(Time |Hash=|#wall)/.test(l));

test("a kernel litmus test prints exactly herd7's report (kernel model files)", () => {
  const rel = 'kernel/MP+pooncerelease+poacquireonce.litmus';
  const r = ordo(
    '-I',
    join(corpus, 'models', 'lkmm'),
    '-conf',
    join(corpus, 'models', 'lkmm', 'linux-kernel.cfg'),
    join(corpus, 'tests', rel),
  );
  assert.equal(r.status, 0);
  assert.deepEqual(
    comparable(r.stdout),
    comparable(readFileSync(join(corpus, 'expected', rel + '.out'), 'utf8')),
  );
});

test("without -conf Ordo's own LKMM gives the same report", () => {
  const rel = 'kernel/SB+fencembonceonces.litmus';
  const r = ordo(join(corpus, 'tests', rel));
  assert.equal(r.status, 0);
  assert.deepEqual(
    comparable(r.stdout),
    comparable(readFileSync(join(corpus, 'expected', rel + '.out'), 'utf8')),
  );
});

const dir = mkdtempSync(join(tmpdir(), 'ordo-cli-'));
const sb = join(dir, 'sb.litmus');
writeFileSync(
  sb,
  `C sb
{}
P0(int *x, int *y) { int r0; WRITE_ONCE(*x, 1); r0 = READ_ONCE(*y); }
P1(int *x, int *y) { int r0; WRITE_ONCE(*y, 1); r0 = READ_ONCE(*x); }
exists (0:r0=0 /\\ 1:r0=0)
`,
);

test('bad input: one line naming file, line and column, non-zero exit, no stack trace', () => {
  const bad = join(dir, 'bad.litmus');
  writeFileSync(bad, 'C bad\n{}\nP0(int *x) { WRITE_ONCE(*x, 1) }\nexists (x=1)\n');
  const r = ordo(bad);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bad\.litmus:3:\d+: /);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  const unknown = join(dir, 'unknown.litmus');
  writeFileSync(unknown, 'C u\n{}\nP0(int *x) { frobnicate(x); }\nexists (x=1)\n');
  const u = ordo(unknown);
  assert.equal(u.status, 1);
  assert.match(u.stderr, /unknown\.litmus:3:14: Unknown macro frobnicate/);
  assert.equal(ordo(join(dir, 'missing.litmus')).status, 1);
  assert.equal(ordo('-speedcheck', 'maybe', sb).status, 2);
});

test('-speedcheck keeps only the deciding executions and never claims Always for exists', () => {
  const full = ordo(sb);
  assert.match(full.stdout, /Positive: 1 Negative: 3/);
  for (const mode of ['true', 'fast']) {
    const r = ordo('-speedcheck', mode, sb);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^States 1\n0:r0=0; 1:r0=0;\nOk$/m);
    assert.match(r.stdout, /^Observation sb Sometimes 1 0$/m);
  }
});

test('a run stopped by a limit prints nothing on stdout, a Limit line on stderr, exits 124', () => {
  const r = ordo('-max-executions', '2', sb);
  assert.equal(r.status, 124);
  assert.equal(r.stdout, '');
  assert.match(
    r.stderr,
    /^Limit sb more than 2 candidate executions tried: no verdict; partial figures \d+ states?, positive \d+, negative \d+$/m,
  );
  assert.doesNotMatch(r.stderr, /Observation/);
});

test('input nested too deeply: a Limit line naming the file, exit status 5, no stack trace', () => {
  const deep = join(dir, 'deep.litmus');
  const n = 3000000;
  writeFileSync(
    deep,
    `C deep\n{}\nP0(int *x)\n{\nWRITE_ONCE(*x, ${'('.repeat(n)}1${')'.repeat(n)});\n}\nexists (x=1)\n`,
  );
  const r = ordo(deep);
  assert.equal(r.status, 5);
  assert.equal(r.stdout, '');
  assert.match(
    r.stderr,
    new RegExp(`^Limit deep depth limit reached: ${deep} nests too deeply`, 'm'),
  );
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('several tests: the exit status is the worst of theirs (error, then limit, then depth)', () => {
  const bad = join(dir, 'several-bad.litmus');
  writeFileSync(bad, 'C bad\n{}\nP0(int *x) { frob(x); }\nexists (x=1)\n');
  const deep = join(dir, 'several-deep.litmus');
  const n = 3000000; // beyond even the deep-stack retry
  writeFileSync(
    deep,
    `C deep\n{}\nP0(int *x)\n{\nWRITE_ONCE(*x, ${'('.repeat(n)}1${')'.repeat(n)});\n}\nexists (x=1)\n`,
  );
  assert.equal(ordo(bad, sb).status, 1);
  assert.equal(ordo('-max-executions', '2', sb, bad).status, 124);
  assert.equal(ordo('-max-executions', '2', bad, sb).status, 124);
  assert.equal(ordo('-max-executions', '2', deep, sb, bad).status, 5);
});

test('-max-memory stops a test whose relations outgrow it', () => {
  const big = join(dir, 'many-variables.litmus');
  const vars = Array.from({ length: 4000 }, (_, i) => ` v${i}=1;`).join('');
  writeFileSync(big, `C big\n{${vars}}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nexists (x=1)\n`);
  const r = ordo('-max-memory', '100', big);
  assert.equal(r.status, 124);
  assert.match(r.stderr, /^Limit big memory limit reached \(\d+ MiB resident, limit 100 MiB\)/m);
});

test('-version prints one parsable line: "ordo VERSION, herd7 7.58+1 compatible"', () => {
  for (const flag of ['-version', '--version']) {
    const r = ordo(flag);
    assert.equal(r.status, 0);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    assert.equal(r.stdout, `ordo ${pkg.version}, herd7 7.58+1 compatible\n`);
  }
});

test('--help lists the subcommands, the herd options and the exit statuses', () => {
  const r = ordo('--help');
  assert.equal(r.status, 0);
  for (const word of ['run PATH', 'compare', 'merge', 'c2bpf', 'judge', '-skipchecks', '-through'])
    assert.ok(r.stdout.includes(word), word);
  assert.match(
    r.stdout,
    /exit status: 0 .*; 1 .*\n.*2 usage error.*\n124 a test was stopped.*5 a test nests too deeply/s,
  );
});

test('usage errors exit 2: unknown option, unknown variant, a directory operand', () => {
  const unknown = ordo('-frobnicate', sb);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown option -frobnicate/);
  const variant = ordo('-variant', 'lkmmv2,bogus', sb);
  assert.equal(variant.status, 2);
  assert.match(variant.stderr, /tag bogus for -variant is wrong, allowed tags are .*lkmmv2/);
  assert.equal(variant.stdout, '');
  const directory = ordo(dir);
  assert.equal(directory.status, 2);
  assert.match(directory.stderr, /is a directory; to run every test under it, use: ordo run /);
  assert.equal(ordo('-through', 'most', sb).status, 2);
  assert.equal(ordo('-unroll', '-1', sb).status, 2);
  assert.equal(ordo('-initwrites', 'false', sb).status, 2);
  const missing = ordo('-conf', 'no-such.cfg', sb);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot find file "no-such\.cfg" named by -conf/);
});

test('-unroll N bounds C loops: a loop needing 3 iterations is seen only from -unroll 3', () => {
  const loop = join(dir, 'loop.litmus');
  writeFileSync(
    loop,
    `C loop
{}
P0(int *x) { int r0; int r1; r1 = 0; r0 = READ_ONCE(*x); while (r0 != 0) { r1 = r1 + 1; r0 = READ_ONCE(*x); } }
P1(int *x) { WRITE_ONCE(*x, 1); WRITE_ONCE(*x, 2); WRITE_ONCE(*x, 0); }
exists (0:r1=3)
`,
  );
  assert.match(ordo(loop).stdout, /^Observation loop Never /m);
  assert.match(ordo('-unroll', '3', loop).stdout, /^Observation loop Sometimes /m);
});

test('the kernel cfg is found in an -I directory from any directory, as with herd7', () => {
  const rel = 'kernel/SB+poonceonces.litmus';
  const r = spawnSync(
    process.execPath,
    [
      bin,
      '-I',
      join(corpus, 'models', 'lkmm'),
      '-conf',
      'linux-kernel.cfg',
      join(corpus, 'tests', rel),
    ],
    { encoding: 'utf8', cwd: dir },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(
    comparable(r.stdout),
    comparable(readFileSync(join(corpus, 'expected', rel + '.out'), 'utf8')),
  );
});

test("-skipchecks and -through give herd7's answers", () => {
  const rel = 'kernel/MP+pooncerelease+poacquireonce.litmus';
  const cfg = ['-I', join(corpus, 'models', 'lkmm'), '-conf', 'linux-kernel.cfg'];
  const expected = (mode: string) =>
    comparable(readFileSync(join(corpus, 'expected-options', mode, rel + '.out'), 'utf8')).filter(
      (l) => !l.startsWith('#rc'),
    );
  const skip = ordo(
    ...cfg,
    '-skipchecks',
    'happens-before,propagation',
    join(corpus, 'tests', rel),
  );
  assert.deepEqual(comparable(skip.stdout), expected('skipchecks-hb-pb'));
  const through = ordo(...cfg, '-through', 'invalid', join(corpus, 'tests', rel));
  assert.deepEqual(comparable(through.stdout), expected('through-invalid'));
});
