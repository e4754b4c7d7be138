// herd7's text report, line for line, so the kernel's scripts can read Ordo's output.

import type { TestResult, StateValue } from '../api/run.js';
import type { StateLoc } from '../program/ir.js';
import { formatStateValue } from '../outcomes/final-state.js';
import { assertNever } from '../diagnostics.js';

/** What precedes a column's value in a state: `0:r0=`, `[x]=`, `v[1]=`, `v=`. */
function columnLabel(c: StateLoc): string {
  switch (c.kind) {
    case 'reg':
      return `${c.thread}:${c.name}=`;
    case 'array':
      return `${c.name}=`;
    case 'mem':
      // herd7 prints an array element bare: `v[1]=2;`.
      return c.name.endsWith(']') ? `${c.name}=` : `[${c.name}]=`;
    default:
      return assertNever(c);
  }
}

/** One column's final value as herd7 prints it: `0:r0=1;`, `[x]=2;`, `v[1]=2;`, `v={1,2};`. */
export function formatStateEntry(c: StateLoc, v: StateValue | string): string {
  return `${columnLabel(c)}${typeof v === 'string' ? v : formatStateValue(v)};`;
}

/** One final state as herd7 prints it: `0:r0=1; [x]=2;`. */
export function formatStateRow(columns: StateLoc[], values: StateValue[]): string {
  return columns.map((c, i) => formatStateEntry(c, values[i]!)).join(' ');
}

/**
 * Every state of a result, as formatStateRow prints each. A large run has hundreds of
 * thousands of states of a few distinct values per column (RCU-19: 524,288 states of 19
 * columns, 84 MB of text, which took 1.6-2.1 s of a 12 s run entry by entry): each column's
 * label is made once, and each of its distinct plain values (numbers, addresses) is
 * formatted once.
 */
export function formatStates(r: Pick<TestResult, 'columns' | 'states'>): string[] {
  const entries = r.columns.map((c, i) => {
    const label = columnLabel(c);
    const lead = i === 0 ? label : ` ${label}`;
    const known = new Map<StateValue, string>();
    return (v: StateValue): string => {
      // Arrays and undetermined values are objects made per state: formatted each time.
      if (typeof v === 'object') return `${lead}${formatStateValue(v)};`;
      let text = known.get(v);
      if (text === undefined) known.set(v, (text = `${lead}${formatStateValue(v)};`));
      return text;
    };
  });
  const parts = new Array<string>(entries.length);
  return r.states.map((row) => {
    for (let i = 0; i < entries.length; i++) parts[i] = entries[i]!(row[i]!);
    return parts.join('');
  });
}

export function verdictWord(q: TestResult['quantifier']): string {
  return q === 'forall' ? 'Required' : q === 'notExists' ? 'Forbidden' : 'Allowed';
}

export function formatHerdReport(r: TestResult): string {
  const lines: string[] = [];
  lines.push(`Test ${r.name} ${verdictWord(r.quantifier)}`);
  lines.push(`States ${r.states.length}`);
  for (const s of formatStates(r)) lines.push(s);
  // A loop cut at the unrolling limit: herd7 marks the verdict (outcomes may be missing).
  lines.push(`${r.unrollLimitAt !== undefined ? 'Loop ' : ''}${r.ok ? 'Ok' : 'No'}`);
  lines.push('Witnesses');
  // herd7 counts witnesses of the test's claim: for ~exists those are the executions
  // where the proposition fails, so the two figures swap places.
  const [witnesses, counter] =
    r.quantifier === 'notExists' ? [r.negative, r.positive] : [r.positive, r.negative];
  lines.push(`Positive: ${witnesses} Negative: ${counter}`);
  for (const f of r.flags) lines.push(`Flag ${f}`);
  lines.push(`Condition ${r.conditionText}`);
  lines.push(`Observation ${r.name} ${r.observation} ${r.positive} ${r.negative}`);
  lines.push(`Time ${r.name} ${r.seconds.toFixed(2)}`);
  lines.push(`Hash=${r.hash}`);
  lines.push('');
  return lines.join('\n') + '\n';
}

/**
 * herd7's warning, on stderr after the report, for a test whose loop ran into the
 * unrolling limit (see TestResult.unrollLimitAt); empty otherwise.
 */
export function formatUnrollWarning(r: Pick<TestResult, 'file' | 'unrollLimitAt'>): string {
  if (r.unrollLimitAt === undefined) return '';
  return `Warning: File "${r.file}": unrolling limit exceeded at ${r.unrollLimitAt}, legal outcomes may be missing.\n`;
}

/**
 * The one line a test stopped by a limit gets, on stderr: herd7 prints nothing at all for
 * such a test, so no partial Observation can be read as a verdict; this says which limit
 * and how far the run got.
 */
export function formatLimitLine(r: TestResult): string {
  const states = `${r.states.length} state${r.states.length === 1 ? '' : 's'}`;
  return `Limit ${r.name} ${r.limit ?? 'limit reached'}: no verdict; partial figures ${states}, positive ${r.positive}, negative ${r.negative}\n`;
}

/**
 * What the kernel's scripts find in a test's output when timeout(1) stopped herd7:
 * time(1)'s line for exit status 124, which judgelitmus.sh reports as a timeout.
 */
export const TIMEOUT_MARKER = 'Command exited with non-zero status 124';
