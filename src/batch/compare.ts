// `ordo compare OLD_DIR NEW_DIR`: compare two trees of saved `.out` files (from
// `ordo run --save`, or the kernel scripts' herd7 output) by their Observation lines, as
// tools/memory-model/scripts/cmplitmushist.sh does.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { assertNever, OrdoError } from '../diagnostics.js';
import { comparePaths } from './inputs.js';

export type ChangeKind =
  | 'same' // identical Observation line (or both without one)
  | 'result' // the Always/Sometimes/Never word changed, or one side lost its Observation line
  | 'counts' // same word, different witness counts
  | 'onlyOld'
  | 'onlyNew';

export interface Change {
  path: string;
  kind: ChangeKind;
  old?: string | null;
  new?: string | null;
}

export interface Comparison {
  changes: Change[];
  same: number;
  /** Tests without an Observation line on both sides (e.g. both timed out). */
  bothMissing: number;
}

function listOut(dir: string): string[] {
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new OrdoError(`no such directory: ${dir}`);
  }
  if (!st.isDirectory()) throw new OrdoError(`not a directory: ${dir}`);
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const s = statSync(p);
      if (s.isDirectory()) walk(p, r);
      else if (name.endsWith('.out')) out.push(r);
    }
  };
  walk(dir, '');
  return out.sort(comparePaths);
}

/** The first `Observation` line of an output, or null. */
export function observationLine(text: string): string | null {
  for (const line of text.split('\n')) if (line.startsWith('Observation')) return line.trimEnd();
  return null;
}

function word(obs: string): string {
  return obs.split(/\s+/)[2] ?? '';
}

export function compareDirs(oldDir: string, newDir: string): Comparison {
  const olds = listOut(oldDir);
  const news = new Set(listOut(newDir));
  const changes: Change[] = [];
  let same = 0;
  let bothMissing = 0;
  for (const p of olds) {
    if (!news.has(p)) {
      changes.push({ path: p, kind: 'onlyOld' });
      continue;
    }
    news.delete(p);
    const a = observationLine(readFileSync(join(oldDir, p), 'utf8'));
    const b = observationLine(readFileSync(join(newDir, p), 'utf8'));
    if (a === b) {
      if (a === null) bothMissing++;
      else same++;
    } else if (a !== null && b !== null && word(a) === word(b)) {
      changes.push({ path: p, kind: 'counts', old: a, new: b });
    } else {
      changes.push({ path: p, kind: 'result', old: a, new: b });
    }
  }
  for (const p of news) changes.push({ path: p, kind: 'onlyNew' });
  changes.sort((x, y) => comparePaths(x.path, y.path));
  return { changes, same, bothMissing };
}

/** Human-readable listing; ends with a summary line. */
export function formatComparison(c: Comparison, oldDir: string, newDir: string): string {
  const lines: string[] = [];
  const strip = (p: string) => p.replace(/\.out$/, '');
  const show = (s: string | null | undefined) => s ?? '(no Observation line)';
  for (const ch of c.changes) {
    switch (ch.kind) {
      case 'result':
        lines.push(` !!! Result changed: ${strip(ch.path)}: ${show(ch.old)} -> ${show(ch.new)}`);
        break;
      case 'counts':
        lines.push(` --- Counts changed: ${strip(ch.path)}: ${show(ch.old)} -> ${show(ch.new)}`);
        break;
      case 'onlyOld':
        lines.push(` !!! Only in ${oldDir}: ${strip(ch.path)}`);
        break;
      case 'onlyNew':
        lines.push(` !!! Only in ${newDir}: ${strip(ch.path)}`);
        break;
      case 'same':
        break;
      default:
        assertNever(ch.kind);
    }
  }
  const count = (k: ChangeKind) => c.changes.filter((x) => x.kind === k).length;
  let summary = `${c.same} unchanged, ${count('result')} results changed, ${count('counts')} counts changed`;
  summary += `, ${count('onlyOld')} only in old, ${count('onlyNew')} only in new`;
  if (c.bothMissing) summary += `, ${c.bothMissing} without Observation on both sides`;
  lines.push(summary);
  return lines.join('\n') + '\n';
}
