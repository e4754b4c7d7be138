// Cost models of strengthening edits: data in models/costs/*.json, one file per model.
// `changes` counts edits; an architecture's model weighs each edit by what the kernel
// lowers the primitive to there. `all` prices a solution at its worst architecture.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OrdoError } from '../diagnostics.js';
import { modelsDir } from '../arch/paths.js';
import { EDIT_KINDS, type Edit, type EditKind } from './edits.js';

export interface CostModel {
  name: string;
  description: string;
  /** Whether this model is one architecture's lowering (the models `all` takes the worst of). */
  architecture: boolean;
  costs: Record<EditKind, number>;
}

/** A priced solution's cost: the models' name and the figure. */
export interface CostFunction {
  name: string;
  price(edits: readonly Edit[]): number;
}

export const costsDir = join(modelsDir, 'costs');

/** Read and check one cost model file. */
export function parseCostModel(text: string, file: string): CostModel {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new OrdoError(`${file}: not JSON (${(err as Error).message})`);
  }
  const record = data as Partial<CostModel> | null;
  if (!record || typeof record.name !== 'string' || typeof record.costs !== 'object')
    throw new OrdoError(`${file}: a cost model needs "name" and "costs"`);
  const costs = record.costs as Record<string, unknown>;
  for (const kind of EDIT_KINDS) {
    const c = costs[kind];
    if (typeof c !== 'number' || !(c >= 0))
      throw new OrdoError(`${file}: "costs" needs a non-negative number for "${kind}"`);
  }
  return {
    name: record.name,
    description: typeof record.description === 'string' ? record.description : '',
    architecture: record.architecture === true,
    costs: costs as Record<EditKind, number>,
  };
}

/** Every shipped cost model, by file name order. */
export function shippedCostModels(): CostModel[] {
  return readdirSync(costsDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => parseCostModel(readFileSync(join(costsDir, f), 'utf8'), join(costsDir, f)));
}

export function priceUnder(model: CostModel, edits: readonly Edit[]): number {
  let total = 0;
  for (const e of edits) total += model.costs[e.kind];
  return total;
}

/**
 * The cost function named on the command line: a shipped model's name, `all` (the worst
 * architecture), or a path to a cost model file.
 */
export function costFunction(name: string): CostFunction {
  if (name === 'all') {
    const archs = shippedCostModels().filter((m) => m.architecture);
    return {
      name: `all (worst of ${archs.map((m) => m.name).join(', ')})`,
      price: (edits) => Math.max(...archs.map((m) => priceUnder(m, edits))),
    };
  }
  const shipped = shippedCostModels().find((m) => m.name === name);
  let model = shipped;
  if (!model) {
    if (!existsSync(name))
      throw new OrdoError(
        `--cost: no cost model ${name} (shipped: ${shippedCostModels()
          .map((m) => m.name)
          .join(', ')}, all, or a .json file)`,
      );
    model = parseCostModel(readFileSync(name, 'utf8'), name);
  }
  const chosen = model;
  return { name: chosen.name, price: (edits) => priceUnder(chosen, edits) };
}
