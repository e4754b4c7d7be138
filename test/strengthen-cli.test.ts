// `ordo strengthen` on the command line: what it prints, what `-o` writes, and its exit
// statuses for a fixable, an already forbidden and an unsupported test.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusPath, repoRoot } from './support/corpus.js';

function ordo(...args: string[]) {
  return spawnSync(process.execPath, [join(repoRoot, 'bin', 'ordo.js'), 'strengthen', ...args], {
    encoding: 'utf8',
  });
}

test('-o writes the cheapest solution under a name saying what changed', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'ordo-strengthen-')), 'fixed.litmus');
  const r = ordo(
    '--cost',
    'x86_64',
    '-o',
    out,
    corpusPath('tests', 'kernel', 'MP+poonceonces.litmus'),
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Strengthen MP\+poonceonces: forbid exists/);
  assert.match(r.stdout, /Solution 1: cost 0 \(x86_64\), 2 changes\n/);
  assert.match(r.stdout, /Solution \d+ \[mutual exclusion\]: cost \d+/);
  const written = readFileSync(out, 'utf8');
  assert.match(written, /^C MP\+poonceonces\+release\+acquire\n/);
  assert.match(written, /smp_store_release\(flag, 1\);/);
});

test('a BPF test: the written test is BPF, renamed, and uses the BPF primitives', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'ordo-strengthen-')), 'fixed.litmus');
  const r = ordo('-o', out, corpusPath('tests', 'herd-bpf', 'MP+poonceonces.litmus'));
  assert.equal(r.status, 0, r.stderr);
  const written = readFileSync(out, 'utf8');
  assert.match(written, /^BPF MP\+poonceonces\+acquire\+release\n/);
  assert.match(written, /load_acquire\(\(u32 \*\)\(r1 \+ 0\)\)/);
});

test('an outcome already forbidden exits 0; a test of another architecture exits 2', () => {
  const forbidden = ordo(corpusPath('tests', 'kernel', 'SB+fencembonceonces.litmus'));
  assert.equal(forbidden.status, 0);
  assert.match(forbidden.stdout, /Already forbidden/);
  const x86 = ordo(corpusPath('tests', 'arch-x86', 'catalogue', 'x86', 'tests', 'SB.litmus'));
  assert.equal(x86.status, 2);
  assert.match(x86.stderr, /C \(LKMM\) and BPF tests only/);
});

test('a search stopped by its candidate limit says so and exits 124, as a run stopped by a limit', () => {
  const r = ordo('--max-candidates', '2', corpusPath('tests', 'kernel', 'SB+poonceonces.litmus'));
  assert.equal(r.status, 124);
  assert.match(
    r.stderr,
    /^Limit SB\+poonceonces max-candidates 2: search stopped after 2 edited tests/,
  );
});
