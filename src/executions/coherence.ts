// Coherence edges a candidate execution already forces, for models that enumerate
// coherence orders themselves from them (herd's cos-opt.cat reads them as `pco`, which
// herd7 computes in its engine rather than in cat).

import type { ModelInput } from '../cat/input.js';
import { EventSet, Relation } from '../relations/index.js';

/**
 * herd7's `pco`: the coherence edges observed through program order and reads-from on
 * each location (write-write, read-write, write-read, read-read, as uniproc requires),
 * plus `co0`: initial writes first, the chosen final write last.
 */
export function forcedCoherence(input: ModelInput): Relation {
  const n = input.events.length;
  const rel = (name: string) => input.relations.get(name) ?? new Relation(n);
  const set = (name: string) => input.sets.get(name) ?? new EventSet(n);
  const W = set('W');
  const R = set('R');
  const initial = set('IW');
  const finals = set('FW');
  const loc = rel('loc');
  const sameLocPo = rel('po').inter(loc);
  const rf = rel('rf');
  const rfInverse = rf.inverse();
  const id = Relation.identity(n);
  const writeWrite = sameLocPo.restrict(W, W);
  const readWrite = rf.seq(sameLocPo.restrict(R, W));
  const writeRead = sameLocPo.restrict(W, R).seq(rfInverse).diff(id);
  const readRead = rf.seq(sameLocPo.restrict(R, R)).seq(rfInverse).diff(id);
  const initialFirst = Relation.cartesian(initial, W.diff(initial));
  const finalLast = Relation.cartesian(W.diff(finals), finals);
  const co0 = initialFirst.union(finalLast).inter(loc);
  return writeWrite.union(readWrite).union(writeRead).union(readRead).union(co0);
}
