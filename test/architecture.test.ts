// The shape of the code base: rules that keep the pipeline readable in one direction.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import madge from 'madge';
import { repoRoot } from './support/corpus.js';

test('src/ has no import circles (type-only imports included)', async () => {
  const graph = await madge(join(repoRoot, 'src'), {
    fileExtensions: ['ts'],
    tsConfig: join(repoRoot, 'tsconfig.json'),
    detectiveOptions: { ts: { skipTypeImports: false } },
  });
  assert.ok(Object.keys(graph.obj()).length > 40, 'madge found the source files');
  assert.deepEqual(graph.circular(), []);
});

test('test doubles and fixtures live in test/support, not in the shipped package', async () => {
  const graph = await madge(join(repoRoot, 'src'), {
    fileExtensions: ['ts'],
    tsConfig: join(repoRoot, 'tsconfig.json'),
  });
  const doubles = Object.keys(graph.obj()).filter((f) => /fake|fixture|mock/i.test(f));
  assert.deepEqual(doubles, []);
});
