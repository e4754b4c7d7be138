// An explanation as text: the outcome, the verdict, each execution with the checks that
// reject it and their cycles (or the witness and its flags), and the checks to skip.

import type { CheckExplanation, Explanation, ExplainedExecution } from '../outcomes/explain.js';
import type { ExecutionEvent, ExecutionRecord } from '../outcomes/execution-record.js';
import { eventLabel } from './dot.js';

function eventOf(record: ExecutionRecord, id: number): ExecutionEvent {
  return record.events[id];
}

function threads(record: ExecutionRecord): string[] {
  const byThread = new Map<number, ExecutionEvent[]>();
  for (const e of record.events) {
    if (e.init) continue;
    if (!byThread.has(e.thread)) byThread.set(e.thread, []);
    byThread.get(e.thread)!.push(e);
  }
  return [...byThread]
    .sort((a, b) => a[0] - b[0])
    .map(([t, evs]) => `  Thread ${t}: ${evs.map(eventLabel).join('; ')}`);
}

function pairText(record: ExecutionRecord, [a, b]: [number, number]): string {
  const ea = eventLabel(eventOf(record, a));
  return a === b ? ea : `${ea} and ${eventLabel(eventOf(record, b))}`;
}

function checkText(record: ExecutionRecord, c: CheckExplanation): string[] {
  if (c.cycle.length > 0) {
    const steps = c.cycle.map((e) => `${eventLabel(eventOf(record, e.from))} -${e.relation}->`);
    return [
      `  rejected by ${c.check} (acyclic): a cycle of ${c.cycle.length} edge${c.cycle.length === 1 ? '' : 's'}`,
      `    ${steps.join(' ')} ${eventOf(record, c.cycle[0].from).name}`,
    ];
  }
  const shown = c.pairs.slice(0, 3).map((p) => pairText(record, p));
  const more = c.pairs.length > 3 ? ` (and ${c.pairs.length - 3} more)` : '';
  const what = c.test === 'irreflexive' ? 'related to itself' : 'not empty';
  return [`  rejected by ${c.check} (${c.test}): ${what}: ${shown.join('; ')}${more}`];
}

function executionText(x: ExplainedExecution, heading: string): string[] {
  const lines = [heading, ...threads(x.execution)];
  const r = x.execution;
  const edges = ['rf', 'co', 'fr']
    .flatMap((rel) =>
      (r.relations[rel] ?? [])
        .filter(([a, b]) => !r.events[a].init && !r.events[b].init)
        .map(([a, b]) => `${r.events[a].name} -${rel}-> ${r.events[b].name}`),
    )
    .join(', ');
  if (edges) lines.push(`  ${edges}`);
  for (const c of x.rejectedBy) lines.push(...checkText(r, c));
  for (const f of x.flags) {
    const shown = f.pairs.slice(0, 3).map((p) => pairText(r, p));
    const label = f.flag === 'data-race' ? 'racing pair' : 'flagged';
    lines.push(`  Flag ${f.flag}: ${label}: ${shown.join('; ')}`);
  }
  return lines;
}

export function formatExplanation(e: Explanation): string {
  const rejectedTotal = e.rejected;
  const lines: string[] = [];
  lines.push(`Explain ${e.test}: ${e.outcome}`);
  switch (e.verdict) {
    case 'impossible':
      lines.push('Impossible: no candidate execution gives this outcome, whatever the model says.');
      break;
    case 'allowed':
      lines.push(
        `Allowed: the model accepts an execution giving this outcome (${e.candidates} candidate execution${e.candidates === 1 ? '' : 's'} give${e.candidates === 1 ? 's' : ''} it).`,
      );
      lines.push(...executionText(e.executions[0], 'Witness:'));
      break;
    case 'forbidden': {
      lines.push(
        `Forbidden: ${e.candidates} candidate execution${e.candidates === 1 ? '' : 's'} give${e.candidates === 1 ? 's' : ''} this outcome; the model rejects ${e.candidates === 1 ? 'it' : 'each'}.`,
      );
      e.executions.forEach((x, i) =>
        lines.push(...executionText(x, `Execution ${i + 1} of ${rejectedTotal}:`)),
      );
      if (rejectedTotal > e.executions.length)
        lines.push(`(${rejectedTotal - e.executions.length} more executions not listed)`);
      const options = e.skipToAllow.map((s) => s.join(' + '));
      if (options.length)
        lines.push(`To see this outcome, skip: ${options.slice(0, 5).join(', or ')}`);
      break;
    }
  }
  return lines.join('\n') + '\n';
}
