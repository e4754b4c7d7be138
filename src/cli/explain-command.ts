// `ordo explain [herd options] TEST [--state 'STATE'] [-o DIR [-svg]]`: why the model
// forbids (or allows) an outcome, in text, and with -o as graphs with each rejecting
// cycle highlighted.

import { basename, join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { OrdoError } from '../diagnostics.js';
import { runTest } from '../api/run.js';
import {
  Explainer,
  describeSelector,
  parseStateSelector,
  type OutcomeSelector,
} from '../outcomes/explain.js';
import { formatExplanation } from '../report/explain-text.js';
import { DEFAULT_SHOWN, executionDot, type GraphEdge } from '../report/dot.js';
import { dotToSvg } from '../report/svg.js';
import { parseHerdArgs } from './herd-options.js';

const USAGE = `usage: ordo explain [options] TEST.litmus [--state 'STATE'] [-o DIR [-svg]]
Explains the outcome STATE (e.g. '0:r0=0; 1:r0=0;'; default: the test's condition):
the checks of the model that reject each execution giving it, with a cycle, or a witness.`;

/** Exit statuses, as a single run uses them (cli/main.ts). */
const EXIT_ERROR = 1;
const EXIT_USAGE = 2;

function fail(message: string, status: number): number {
  process.stderr.write(`ordo: ${message}\n`);
  return status;
}

export async function explainCommand(args: string[]): Promise<number> {
  let stateText: string | null = null;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--state' || args[i] === '-state') {
      if (args[i + 1] === undefined) return fail('--state needs a value', EXIT_USAGE);
      stateText = args[++i];
    } else rest.push(args[i]);
  }
  let selector: OutcomeSelector = { kind: 'condition' };
  let parsed;
  try {
    parsed = parseHerdArgs(rest);
    if (stateText !== null) selector = parseStateSelector(stateText);
  } catch (err) {
    if (err instanceof OrdoError) return fail(err.format(), EXIT_USAGE);
    throw err;
  }
  if (parsed.operands.length !== 1) return fail(USAGE, EXIT_USAGE);
  const file = parsed.operands[0];
  try {
    const explainer = new Explainer(selector);
    const result = runTest(file, parsed.opts, explainer);
    const explanation = explainer.result(
      describeSelector(selector, result.conditionText, result.columns),
    );
    process.stdout.write(formatExplanation(explanation));
    const out = parsed.graphs.output;
    if (out !== null) {
      const settings = { ...parsed.graphs.settings, relations: [...DEFAULT_SHOWN] };
      const graphs = explanation.executions.map((x, i) => {
        const highlight: GraphEdge[] = x.rejectedBy.flatMap((c) => c.cycle);
        const why = x.rejectedBy.map((c) => c.check).join(', ');
        const title = `${explanation.test}: ${explanation.outcome} ${why ? `rejected by ${why}` : 'allowed'} (execution ${i + 1})`;
        return executionDot(x.execution, settings, { title, highlight });
      });
      const name = basename(file).replace(/\.litmus$/, '');
      try {
        if (out.endsWith('.svg')) {
          if (graphs.length) writeFileSync(out, await dotToSvg(graphs[0]));
        } else {
          mkdirSync(out, { recursive: true });
          writeFileSync(join(out, `${name}.dot`), graphs.join(''));
          if (parsed.graphs.svg)
            for (let k = 0; k < graphs.length; k++)
              writeFileSync(
                join(out, k === 0 ? `${name}.svg` : `${name}-${k + 1}.svg`),
                await dotToSvg(graphs[k]),
              );
        }
      } catch (e) {
        return fail(`cannot write the graphs to ${out}: ${(e as Error).message}`, EXIT_ERROR);
      }
    }
    return 0;
  } catch (err) {
    if (err instanceof OrdoError) {
      const where = err.where ? '' : `${file}: `;
      return fail(`${where}${err.format()}`, EXIT_ERROR);
    }
    throw err;
  }
}
