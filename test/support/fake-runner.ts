// A stand-in runner for testing the batch machinery without the pipeline (select it with
// `ordo run --runner dist/test/support/fake-runner.js`, or hand `runOne` to an
// InlineExecutor). It reads the test's first line (`C NAME`) and obeys one directive
// line, `Fake: ...`, anywhere in the file:
//
//   Fake: Sometimes 2 3 data-race      outcome word, positive, negative, flags...
//   Fake: sleep 200 Never 0 4          wait 200 ms first (busy wait), then that outcome
//   Fake: error                        bad input: OrdoError at the directive's line
//   Fake: hang                         loop forever (for hard time limits)
//   Fake: oom                          allocate until the heap is exhausted
//   Fake: range                        throw a RangeError
//   Fake: limit Sometimes 1 1          a partial result stopped by the time limit
//
// Without a directive the outcome is `Never 0 1`. A file not starting with `C ` is an
// error at 1:1, like an unsupported architecture.

import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { OrdoError } from '../../src/diagnostics.js';
import type { RunOptions, TestResult } from '../../src/api/run.js';

export function runOne(file: string, _opts: RunOptions): TestResult {
  const started = performance.now();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new OrdoError(`cannot read file ${file}`, { file, line: 0, col: 0 });
  }
  const lines = text.split('\n');
  const head = /^C\s+(\S+)/.exec(lines[0] ?? '');
  if (!head) throw new OrdoError(`unsupported litmus architecture`, { file, line: 1, col: 1 });
  const name = head[1];
  let words: string[] = ['Never', '0', '1'];
  let limit: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const m = /Fake:\s*(.*)$/.exec(lines[i]);
    if (!m) continue;
    words = m[1].trim().split(/\s+/);
    const col = lines[i].indexOf('Fake:') + 1;
    for (;;) {
      const w = words[0];
      if (w === 'error') throw new OrdoError('fake syntax error', { file, line: i + 1, col });
      if (w === 'hang')
        for (;;) {
          /* spin */
        }
      if (w === 'oom') {
        const hog: unknown[] = [];
        for (;;) hog.push(new Array(1 << 16).fill(hog.length));
      }
      if (w === 'range') throw new RangeError('Invalid array length');
      if (w === 'sleep') {
        const until = Date.now() + Number(words[1]);
        while (Date.now() < until) {
          /* busy wait: a running test occupies its thread */
        }
        words = words.slice(2);
        continue;
      }
      if (w === 'limit') {
        limit = 'time limit reached';
        words = words.slice(1);
        continue;
      }
      break;
    }
    break;
  }
  const observation = words[0] as TestResult['observation'];
  const positive = Number(words[1] ?? 0);
  const negative = Number(words[2] ?? 0);
  const flags = words.slice(3).sort();
  const quantifier = /^\s*~\s*exists/m.test(text)
    ? 'notExists'
    : /^\s*forall/m.test(text)
      ? 'forall'
      : 'exists';
  const states: number[][] = [];
  for (let k = 0; k < positive + negative && k < 4; k++) states.push([k]);
  return {
    name,
    file,
    quantifier,
    columns: [{ kind: 'reg', thread: 0, name: 'r0' }],
    states,
    ok:
      quantifier === 'exists'
        ? positive > 0
        : quantifier === 'notExists'
          ? positive === 0
          : negative === 0,
    positive,
    negative,
    flags,
    conditionText: 'exists (0:r0=1)',
    observation,
    seconds: (performance.now() - started) / 1000,
    hash: createHash('md5').update(text).digest('hex'),
    limit,
  };
}

/**
 * The one answer of the fuzzer's planted runners (test/fuzz-planted-*-runner.ts) and of
 * fuzz.test's canned outcomes: `Always 1 0`, no state, no flag, changed by `fields`.
 */
export function cannedResult(file: string, fields: Partial<TestResult> = {}): TestResult {
  return {
    name: 'planted',
    file,
    quantifier: 'exists',
    columns: [],
    states: [],
    ok: true,
    positive: 1,
    negative: 0,
    flags: [],
    conditionText: '',
    observation: 'Always',
    seconds: 0,
    hash: '',
    ...fields,
  };
}
