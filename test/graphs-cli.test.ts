// The drawing options on the command line: -show with -o writes herd7's DIR/TEST.dot,
// -svg and `-o FILE.svg` write pictures, and bad drawing options fail with one line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusPath } from './support/corpus.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'ordo.js');

function ordo(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
}

const SB = `C SB
{}
P0(int *x, int *y) { int r0; WRITE_ONCE(*x, 1); r0 = READ_ONCE(*y); }
P1(int *x, int *y) { int r1; WRITE_ONCE(*y, 1); r1 = READ_ONCE(*x); }
exists (0:r0=0 /\\ 1:r1=0)
`;

function sbFile(): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-graphs-'));
  const file = join(dir, 'sb.litmus');
  writeFileSync(file, SB);
  return { dir, file };
}

test('-show prop -o DIR -svg writes DIR/TEST.dot and DIR/TEST.svg for the witness', () => {
  const { dir, file } = sbFile();
  const out = join(dir, 'graphs');
  const r = ordo('-show', 'prop', '-o', out, '-svg', file);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Test SB Allowed/);
  const dot = readFileSync(join(out, 'sb.dot'), 'utf8');
  assert.equal(dot.match(/^digraph /gm)?.length, 1);
  assert.match(dot, /label="a: W\[once\] x=1"/);
  assert.match(dot, /label="b: R\[once\] y=0"/);
  assert.match(dot, /-> e\d+ \[label="fr"/);
  const svg = readFileSync(join(out, 'sb.svg'), 'utf8');
  assert.match(svg, /<svg[\s\S]*W\[once\] x=1[\s\S]*<\/svg>/);
});

test('-show neg draws the three other executions; -nshow caps them', () => {
  const { dir, file } = sbFile();
  assert.equal(ordo('-show', 'neg', '-o', dir, file).status, 0);
  assert.equal(readFileSync(join(dir, 'sb.dot'), 'utf8').match(/^digraph /gm)?.length, 3);
  assert.equal(ordo('-show', 'neg', '-nshow', '2', '-o', dir, file).status, 0);
  assert.equal(readFileSync(join(dir, 'sb.dot'), 'utf8').match(/^digraph /gm)?.length, 2);
});

test('-o FILE.svg writes one picture there; -doshow adds a relation', () => {
  const { dir, file } = sbFile();
  const svg = join(dir, 'picture.svg');
  const r = ordo('-show', 'prop', '-doshow', 'po', '-o', svg, file);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(svg));
  assert.match(readFileSync(svg, 'utf8'), /<svg/);
});

test('bad drawing options: one clear line, non-zero exit, no stack trace', () => {
  const { dir, file } = sbFile();
  const cases: Array<[string[], RegExp]> = [
    [['-show', 'bogus', '-o', dir], /-show takes prop, neg, cond, all, none, not bogus/],
    [['-show', 'prop'], /need -o DIR/],
    [['-show', 'prop', '-o', file], /not a directory/],
    [['-show', 'prop', '-o', join(file, 'sub')], /is not a directory/],
    [['-show', 'prop', '-o', join(dir, 'nowhere', 'x.svg')], /is not a directory/],
    [['-show', 'prop', '-doshow', 'nosuchrel', '-o', dir], /no relation named nosuchrel/],
    [['-graph', 'sideways'], /-graph takes/],
    [['-nshow', '-1'], /-nshow takes a whole number/],
  ];
  for (const [args, message] of cases) {
    const r = ordo(...args, file);
    assert.notEqual(r.status, 0, args.join(' '));
    assert.match(r.stderr, message, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test('ordo explain prints the rejecting check with its cycle and draws it highlighted with -o', () => {
  const { dir } = sbFile();
  const file = corpusPath('tests', 'kernel', 'SB+fencembonceonces.litmus');
  const r = ordo('explain', file, '-o', dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Explain SB\+fencembonceonces: exists/);
  assert.match(r.stdout, /rejected by propagation \(acyclic\): a cycle of \d+ edges/);
  assert.match(r.stdout, /To see this outcome, skip: propagation/);
  const dot = readFileSync(join(dir, 'SB+fencembonceonces.dot'), 'utf8');
  assert.match(dot, /color="crimson"/);
});

test('ordo explain: a bad --state or a missing test is one line and a non-zero exit', () => {
  const file = corpusPath('tests', 'kernel', 'SB+fencembonceonces.litmus');
  for (const args of [
    ['explain', file, '--state', '0:r0=='],
    ['explain', file, '--state'],
    ['explain', file, '--state', '5:r0=1'],
    ['explain'],
  ]) {
    const r = ordo(...args);
    assert.notEqual(r.status, 0, args.join(' '));
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});
