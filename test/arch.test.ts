import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { OrdoError } from '../src/diagnostics.js';
import { architectureName, architectureOf, findArchitecture } from '../src/arch/index.js';

test('architectureName reads the first word, past a byte-order mark', () => {
  assert.equal(architectureName('\uFEFFX86_64 t\n{}'), 'X86_64');
  assert.equal(architectureName('  C foo'), 'C');
  assert.equal(architectureName(''), '');
});

test('every architecture has a shipped default model', () => {
  for (const name of ['C', 'BPF', 'X86', 'X86_64', 'PPC', 'RISCV', 'AArch64']) {
    const arch = findArchitecture(name);
    assert.ok(arch, name);
    assert.ok(existsSync(arch.defaultModel), arch.defaultModel);
  }
});

test('tag sets are scoped per architecture: RL is a C lock set and a BPF release tag', () => {
  assert.deepEqual(findArchitecture('C')!.kindSets.RL, ['RL']);
  assert.ok(findArchitecture('BPF')!.sets.includes('RL'));
  assert.ok(!findArchitecture('X86_64')!.sets.includes('RL'));
  assert.ok(findArchitecture('X86_64')!.sets.includes('MFENCE'));
});

test('an unsupported architecture is an error at the start of the file', () => {
  try {
    architectureOf('LISA t\n{}\n', 'l.litmus');
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(e instanceof OrdoError);
    assert.equal(e.format(), 'l.litmus:1:1: unsupported litmus architecture LISA');
  }
});
