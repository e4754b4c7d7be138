// C-to-BPF translation and judging: `ordo c2bpf` and `ordo judge` are thin shells over
// these functions.

import { readSourceFile } from '../source.js';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OrdoError } from '../diagnostics.js';
import { parseCLitmus, parseMacros, type MacroTable } from '../frontend/c/index.js';
import { architectureName } from '../arch/index.js';
import { runTest, runTestText, type TestResult } from '../api/run.js';
import { translateCToBpf, Untranslatable, type Translation } from './translate.js';
import { formatStates } from '../report/herd-text.js';

export { translateCToBpf, Untranslatable, type Translation };

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Ordo's LKMM macro file, used to read C tests unless another is given. */
export const defaultMacrosFile = join(packageRoot, 'models', 'lkmm', 'lkmm.def');

const macroCache = new Map<string, MacroTable>();

function macros(file: string): MacroTable {
  let m = macroCache.get(file);
  if (!m) macroCache.set(file, (m = parseMacros(readSourceFile(file), file)));
  return m;
}

/** Parses a C litmus file and translates it (Untranslatable when BPF cannot express it). */
export function convertCText(
  text: string,
  file: string,
  macrosFile = defaultMacrosFile,
): Translation {
  return translateCToBpf(parseCLitmus(text, file, macros(macrosFile)));
}

export function convertCFile(file: string, macrosFile = defaultMacrosFile): Translation {
  return convertCText(readSourceFile(file), file, macrosFile);
}

export type JudgeVerdict = 'same' | 'tighter' | 'fail';

export interface JudgeOutcome {
  name: string;
  verdict: JudgeVerdict;
  lkmm: TestResult;
  bpf: TestResult;
  /** Final states (in the C test's names) BPF allows and LKMM does not. */
  bpfOnly: string[];
  /** One line describing the result. */
  message: string;
}

export interface JudgeOptions {
  /** Seconds per run (0: none). */
  timeout?: number;
  macrosFile?: string;
}

/** `0:r1=1; [x]=2;` -> pairs, with registers renamed through `rename`. */
function parseStateText(
  state: string,
  rename: (loc: string) => string,
): { key: string; text: string } {
  const pairs: Array<[string, string]> = [];
  for (const m of state.matchAll(/([^\s;=]+)=([^;]*);/g)) pairs.push([rename(m[1]!), m[2]!.trim()]);
  const text = pairs.map(([l, v]) => `${l}=${v};`).join(' ');
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { key: pairs.map(([l, v]) => `${l}=${v}`).join(';'), text };
}

/**
 * Runs the C test under Ordo's LKMM and its BPF translation (or `bpfText`) under Ordo's
 * BPF model, and compares their verdicts.
 */
export function judgeC(
  cFile: string,
  opts: JudgeOptions = {},
  bpf?: { file: string; text: string; registerMap?: Map<string, string> },
): JudgeOutcome {
  const cText = readSourceFile(cFile);
  if (architectureName(cText) !== 'C')
    throw new OrdoError(`${cFile} is not a C litmus test`, { file: cFile, line: 1, col: 1 });
  let target = bpf;
  if (!target) {
    const t = convertCText(cText, cFile, opts.macrosFile);
    target = {
      file: cFile.replace(/\.litmus$/, '') + '-BPF.litmus',
      text: t.text,
      registerMap: t.registerMap,
    };
  }
  const runOpts = {
    timeout: opts.timeout ?? 0,
    ...(opts.macrosFile ? { macros: opts.macrosFile } : {}),
  };
  const lkmm = runTest(cFile, runOpts);
  const bpfRes = runTestText(target.file, target.text, { timeout: opts.timeout ?? 0 });
  const inverse = new Map<string, string>();
  for (const [c, b] of target.registerMap ?? []) inverse.set(b, c);
  const fromBpf = (loc: string) => inverse.get(loc) ?? loc;
  const cKeys = new Set(formatStates(lkmm).map((s) => parseStateText(s, (l) => l).key));
  const bpfOnly = formatStates(bpfRes)
    .map((s) => parseStateText(s, fromBpf))
    .filter((s) => !cKeys.has(s.key))
    .map((s) => s.text);
  const c = lkmm.observation;
  const b = bpfRes.observation;
  let verdict: JudgeVerdict;
  let message: string;
  if (c === b) {
    verdict = 'same';
    message = `same verdict: ${c}`;
  } else if (c === 'Sometimes' && b === 'Never') {
    verdict = 'tighter';
    message = `BPF is tighter: LKMM Sometimes, BPF Never`;
  } else {
    verdict = 'fail';
    const outcome = bpfOnly.length
      ? `BPF allows ${bpfOnly.slice(0, 3).join(' | ')}${bpfOnly.length > 3 ? ` (and ${bpfOnly.length - 3} more)` : ''} which LKMM forbids`
      : 'no final state differs (the verdicts differ in which states satisfy the condition)';
    message = `LKMM ${c}, BPF ${b}: ${outcome}`;
  }
  return { name: lkmm.name, verdict, lkmm, bpf: bpfRes, bpfOnly, message };
}

export function isUntranslatable(err: unknown): err is Untranslatable {
  return err instanceof Untranslatable;
}
