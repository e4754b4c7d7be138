// The test's verdict: from how many accepted executions satisfy the condition and how many
// do not, whether the condition's claim holds (herd7's Ok/No) and the Observation word.

import type { Quantifier } from '../program/ir.js';

export type Observation = 'Always' | 'Sometimes' | 'Never';

export interface Verdict {
  /** herd7's `Ok` (true) or `No`: the quantified condition holds. */
  ok: boolean;
  observation: Observation;
}

export function conditionVerdict(
  quantifier: Quantifier,
  speedcheck: 'false' | 'true' | 'fast',
  positive: number,
  negative: number,
): Verdict {
  const ok =
    quantifier === 'exists'
      ? positive > 0
      : quantifier === 'notExists'
        ? positive === 0
        : negative === 0;
  return { ok, observation: observationWord(quantifier, speedcheck, positive, negative) };
}

/**
 * herd7's Observation word. Under -speedcheck only the deciding executions were looked
 * at, so herd7 never claims what it could not see: no `Always` for exists/~exists (the
 * negative cases were skipped), no `Never` for forall (the positive ones were).
 */
function observationWord(
  q: Quantifier,
  speed: 'false' | 'true' | 'fast',
  positive: number,
  negative: number,
): Observation {
  if (speed === 'false') return positive === 0 ? 'Never' : negative === 0 ? 'Always' : 'Sometimes';
  if (q === 'forall') return negative === 0 ? 'Always' : 'Sometimes';
  return positive === 0 ? 'Never' : 'Sometimes';
}
