// `ordo strengthen [herd options] TEST [--cost MODEL] [--max-changes N] [--forbid 'STATE']
// [--max-candidates N] [-o OUT.litmus]`: the cheapest fences and annotations that forbid
// an outcome, each minimal solution printed as a diff with its cost.

import { writeFileSync } from 'node:fs';
import { OrdoError, limitExitStatus } from '../diagnostics.js';
import { readSourceFile } from '../source.js';
import { architectureOf } from '../arch/index.js';
import { parseStateSelector, type OutcomeSelector } from '../outcomes/explain.js';
import { costFunction } from '../strengthen/costs.js';
import { describeEdit, formatEditDiff, isLockEdit, renameTest } from '../strengthen/edits.js';
import { strengthen, type StrengthenResult } from '../strengthen/search.js';
import { parseHerdArgs } from './herd-options.js';

const USAGE = `usage: ordo strengthen [options] TEST.litmus [--cost MODEL] [--max-changes N]
       [--forbid 'STATE'] [--max-candidates N] [--exhaustive] [-o OUT.litmus]
Finds every minimal set of strengthening edits that forbids the test's condition (or
STATE), cheapest first. C: acquire/release annotations, smp_mb, smp_rmb, smp_wmb,
ordered RMWs, rcu_dereference, and critical sections as a separate kind of fix. BPF:
load_acquire/store_release, fetching atomics, barrier instructions. MODEL: changes
(default), x86_64, arm64, all (the worst architecture) or a .json. --exhaustive tries
edits off the witnesses' cycles too.`;

const EXIT_OK = 0;
const EXIT_NO_SOLUTION = 1;
const EXIT_USAGE = 2;
/** A search stopped by a limit exits as a single run stopped by one (coreutils' timeout's 124). */
const EXIT_LIMIT = limitExitStatus('time');

function fail(message: string, status: number): number {
  process.stderr.write(`ordo: ${message}\n`);
  return status;
}

function positiveInteger(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < 1)
    throw new OrdoError(`${flag} needs a positive integer`);
  return n;
}

export function formatStrengthenResult(r: StrengthenResult, costName: string): string {
  const head = `Strengthen ${r.test}: forbid ${r.outcome}\n`;
  if (r.alreadyForbidden) return `${head}Already forbidden: the test as written never gives it.\n`;
  const lines = [head];
  r.solutions.forEach((s, i) => {
    const n = s.edits.length;
    const kind = s.edits.some(isLockEdit) ? ' [mutual exclusion]' : '';
    lines.push(
      `Solution ${i + 1}${kind}: cost ${s.cost} (${costName}), ${n} change${n === 1 ? '' : 's'}\n`,
    );
    lines.push(formatEditDiff(r.sourceText, s.edits));
  });
  for (const { edit, message } of r.refused)
    lines.push(
      `Left out (the model cannot run it): P${edit.thread}, line ${edit.line + 1}: ${describeEdit(edit)}: ${message}\n`,
    );
  if (r.limit)
    lines.push(`Search stopped by a limit after ${r.tried} edited tests: solutions above only\n`);
  else if (r.solutions.length === 0) {
    lines.push(`No solution within the edits below (${r.tried} edited tests run):\n`);
    for (const e of r.edits) {
      const off = r.onCycles.includes(e) || isLockEdit(e) ? '' : " (off the witnesses' cycles)";
      lines.push(`  P${e.thread}, line ${e.line + 1}: ${describeEdit(e)}${off}\n`);
    }
  } else lines.push(`${r.solutions.length} minimal solutions, ${r.tried} edited tests run\n`);
  return lines.join('');
}

export async function strengthenCommand(args: string[]): Promise<number> {
  let costName = 'changes';
  let maxChanges = 3;
  let maxCandidates = 5000;
  let output: string | null = null;
  let prune = true;
  let outcome: OutcomeSelector = { kind: 'condition' };
  const rest: string[] = [];
  try {
    for (let i = 0; i < args.length; i++) {
      const flag = args[i];
      const value = (): string => {
        if (args[i + 1] === undefined) throw new OrdoError(`${flag} needs a value`);
        return args[++i];
      };
      if (flag === '--cost') costName = value();
      else if (flag === '--max-changes') maxChanges = positiveInteger(flag, value());
      else if (flag === '--max-candidates') maxCandidates = positiveInteger(flag, value());
      else if (flag === '--forbid') outcome = parseStateSelector(value());
      else if (flag === '-o') output = value();
      else if (flag === '--exhaustive') prune = false;
      else rest.push(flag);
    }
  } catch (err) {
    if (err instanceof OrdoError) return fail(err.format(), EXIT_USAGE);
    throw err;
  }
  let parsed;
  let cost;
  try {
    parsed = parseHerdArgs(rest);
    cost = costFunction(costName);
  } catch (err) {
    if (err instanceof OrdoError) return fail(err.format(), EXIT_USAGE);
    throw err;
  }
  if (parsed.operands.length !== 1) return fail(USAGE, EXIT_USAGE);
  const file = parsed.operands[0];
  try {
    const source = readSourceFile(file);
    const arch = architectureOf(source, file).name;
    if (arch !== 'C' && arch !== 'BPF')
      return fail(`${file}: strengthen handles C (LKMM) and BPF tests only`, EXIT_USAGE);
    const result = strengthen(file, source, {
      cost,
      maxChanges,
      maxCandidates,
      outcome,
      run: parsed.opts,
      prune,
    });
    if (
      result.limit &&
      result.solutions.length === 0 &&
      result.tried === 0 &&
      !result.alreadyForbidden
    ) {
      process.stderr.write(
        `Limit ${result.test} ${result.limit}: no verdict on the test as written\n`,
      );
      return EXIT_LIMIT;
    }
    process.stdout.write(formatStrengthenResult(result, cost.name));
    if (output !== null && result.solutions.length > 0)
      writeFileSync(output, renameTest(result.solutions[0].text, result.solutions[0].edits));
    if (result.limit) {
      process.stderr.write(
        `Limit ${result.test} ${result.limit}: search stopped after ${result.tried} edited tests; the solutions above may not be all\n`,
      );
      return EXIT_LIMIT;
    }
    return result.alreadyForbidden || result.solutions.length > 0 ? EXIT_OK : EXIT_NO_SOLUTION;
  } catch (err) {
    if (err instanceof OrdoError) {
      const where = err.where ? '' : `${file}: `;
      return fail(`${where}${err.format()}`, EXIT_NO_SOLUTION);
    }
    throw err;
  }
}
