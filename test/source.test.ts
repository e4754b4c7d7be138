// The shared source reader: every kind of line break reads the same in every reader, and
// only regular files are read.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { normaliseLineBreaks, readSourceFile } from '../src/source.js';
import { runTest } from '../src/api/run.js';
import { loadModel } from '../src/cat/index.js';
import { resolveConfig } from '../src/config/index.js';
import { parseCat } from '../src/cat/parser.js';
import { parseMacros } from '../src/frontend/c/index.js';
import { OrdoError } from '../src/diagnostics.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'ordo-source-'));

const BREAKS: Array<[string, string]> = [
  ['CR LF', '\r\n'],
  ['CR', '\r'],
  ['U+2028', '\u2028'],
  ['U+2029', '\u2029'],
  ['NEL', '\u0085'],
];

const write = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

test('normaliseLineBreaks turns every line break into LF and leaves other text alone', () => {
  assert.equal(normaliseLineBreaks('a\r\nb\rc\u2028d\u2029e\u0085f\ng'), 'a\nb\nc\nd\ne\nf\ng');
  assert.equal(normaliseLineBreaks('a\r\r\nb'), 'a\n\nb');
  assert.equal(normaliseLineBreaks('x\ty'), 'x\ty');
});

const sb = `C SB
(* Result: Sometimes *)
{}
P0(int *x, int *y)
{
  int r0;
  WRITE_ONCE(*x, 1); // a comment
  r0 = READ_ONCE(*y);
}
P1(int *x, int *y)
{
  int r0;
  WRITE_ONCE(*y, 1);
  r0 = READ_ONCE(*x);
}
exists (0:r0=0 /\\ 1:r0=0)
`;

test('a C litmus test gives the same result whatever its line breaks', () => {
  const reference = runTest(write('sb.litmus', sb));
  assert.equal(reference.observation, 'Sometimes');
  for (const [label, br] of BREAKS) {
    const r = runTest(write(`sb-${label.replace(/\W/g, '')}.litmus`, sb.replace(/\n/g, br)));
    assert.deepEqual(
      [r.name, r.states, r.positive, r.negative, r.observation],
      [reference.name, reference.states, reference.positive, reference.negative, 'Sometimes'],
      label,
    );
  }
});

test('a line separator right after the test name ends the header line (was a crash)', () => {
  const r = runTest(write('sb-2028-header.litmus', sb.replace('\n', '\u2028')));
  assert.equal(r.name, 'SB');
  assert.equal(r.observation, 'Sometimes');
});

const bpfMp = `BPF MP
{ 0:r2=x; 0:r4=y; 1:r2=y; 1:r4=x; }
 P0                   | P1                   ;
 r1 = 1               | r1 = *(u32 *)(r2 + 0) ;
 *(u32 *)(r2 + 0) = r1 | r3 = *(u32 *)(r4 + 0) ;
 *(u32 *)(r4 + 0) = r1 |                      ;
exists (1:r1=1 /\\ 1:r3=0)
`;

test('a BPF litmus test gives the same result whatever its line breaks', () => {
  const reference = runTest(write('mp.litmus', bpfMp));
  for (const [label, br] of BREAKS) {
    const r = runTest(write(`mp-${label.replace(/\W/g, '')}.litmus`, bpfMp.replace(/\n/g, br)));
    assert.deepEqual(r.states, reference.states, label);
    assert.equal(r.observation, reference.observation, label);
  }
});

// A `//` comment must end at the line break: if it ran on, the check below it would vanish
// and the model would allow everything.
const strictModel = `"strict"
// no execution at all is allowed
empty rf as everything
`;

test('a cat model reads the same whatever its line breaks (a // comment ends at the line)', () => {
  const reference = parseCat(strictModel, 'm.cat');
  assert.equal(reference.body.length, 1);
  for (const [label, br] of BREAKS) {
    const cat = parseCat(strictModel.replace(/\n/g, br), 'm.cat');
    assert.deepEqual(cat, reference, label);
  }
  // And end to end: SB is forbidden under the CR-only model as under the LF one.
  for (const [label, br] of [['LF', '\n'], ...BREAKS]) {
    const model = write(`strict-${label.replace(/\W/g, '')}.cat`, strictModel.replace(/\n/g, br));
    const r = runTest(write('sb-strict.litmus', sb), { model });
    assert.deepEqual([r.observation, r.positive, r.negative], ['Never', 0, 0], label);
  }
});

test('macro (.def) and configuration (.cfg) files read the same whatever their line breaks', () => {
  const def = 'WRITE_ONCE(X,V) { __store{once}(X,V); }\nREAD_ONCE(X) __load{once}(X)\n';
  const reference = parseMacros(def, 'm.def');
  for (const [label, br] of BREAKS) {
    const table = parseMacros(def.replace(/\n/g, br), 'm.def');
    assert.deepEqual([...table.macros.keys()], [...reference.macros.keys()], label);
  }
  const lkmm = join(root, 'models', 'lkmm');
  const cfgText = `model ${join(lkmm, 'lkmm.cat')}\nbell ${join(lkmm, 'lkmm.bell')}\nmacros ${join(lkmm, 'lkmm.def')}\n`;
  for (const [label, br] of BREAKS) {
    const cfg = resolveConfig({
      conf: write(`c-${label.replace(/\W/g, '')}.cfg`, cfgText.replace(/\n/g, br)),
    });
    assert.equal(cfg.model.catFile, join(lkmm, 'lkmm.cat'), label);
    assert.equal(cfg.model.bellFile, join(lkmm, 'lkmm.bell'), label);
    assert.equal(cfg.macrosFile, join(lkmm, 'lkmm.def'), label);
  }
});

const messageOf = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    assert.ok(err instanceof OrdoError, `not an OrdoError: ${String(err)}`);
    return err.format();
  }
  assert.fail('no error');
};

test('only regular files are read: a directory, a FIFO or a device is a clear error', () => {
  const sub = join(dir, 'a-directory.litmus');
  mkdirSync(sub);
  assert.equal(
    messageOf(() => readSourceFile(sub)),
    `${sub}: cannot read this file (it is a directory)`,
  );
  assert.equal(
    messageOf(() => readSourceFile('/dev/zero')),
    '/dev/zero: cannot read this file (not a regular file)',
  );
  const fifo = join(dir, 'pipe.litmus');
  execFileSync('mkfifo', [fifo]);
  // Opening a FIFO for a blocking read would hang here forever.
  assert.equal(
    messageOf(() => readSourceFile(fifo)),
    `${fifo}: cannot read this file (not a regular file)`,
  );
  const dangling = join(dir, 'dangling.litmus');
  symlinkSync(join(dir, 'nowhere'), dangling);
  assert.equal(
    messageOf(() => readSourceFile(dangling)),
    `${dangling}: cannot read this file (no such file)`,
  );
});

test('a model including a directory, a device or a FIFO names the include line', () => {
  const fifo = join(dir, 'model-pipe.cat');
  execFileSync('mkfifo', [fifo]);
  for (const target of [dir, '/dev/zero', fifo]) {
    const model = write('includes.cat', `"includes"\n\ninclude "${target}"\n`);
    const message = messageOf(() => loadModel({ catFile: model, variants: [], includeDirs: [] }));
    assert.match(message, new RegExp(`^${model}:3:1: "${target}": cannot read this file \\(`));
  }
});

test('a configuration file that is a directory is a clear error naming it', () => {
  assert.equal(
    messageOf(() => resolveConfig({ conf: dir })),
    `${dir}: cannot read this file (it is a directory)`,
  );
  assert.ok(readFileSync(join(root, 'models', 'lkmm', 'lkmm.cfg'), 'utf8').length > 0);
});
