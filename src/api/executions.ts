// The executions a library call returns on request (RunOptions.executions): an observer
// keeping the selected executions as plain records with their events, relations, the
// model's verdict and, for rejected ones, every check that rejects them.

import type { ExecutionObserver, ObservedExecution, RunContext } from './run.js';
import {
  recordExecution,
  type ExecutionRecord,
  type RecordedRelation,
} from '../outcomes/execution-record.js';
import { isShown, type ShowWhich } from '../report/dot.js';
import { shownRelations } from '../report/graph-collector.js';

export interface ExecutionRequest {
  /**
   * Which executions: those the model allows, chosen as herd7's -show chooses them
   * (prop, neg, cond, all); `rejected`: those the model rejects; `every`: both.
   */
  which: Exclude<ShowWhich, 'none'> | 'rejected' | 'every';
  /** At most this many (default 100). */
  max?: number;
}

/** Relations every returned execution carries, besides what the model shows. */
const ALWAYS = ['po', 'rf', 'co', 'fr', 'addr', 'data', 'ctrl', 'rmw'];

export class ExecutionCollector implements ExecutionObserver {
  readonly records: ExecutionRecord[] = [];
  readonly allChecks: boolean;
  private context: RunContext | null = null;
  private relations: RecordedRelation[] = [];

  constructor(private readonly request: ExecutionRequest) {
    this.allChecks = request.which === 'rejected' || request.which === 'every';
  }

  capture(context: RunContext): string[] {
    this.context = context;
    const shown = shownRelations(context, { doshow: [], unshow: [] });
    const names = new Set(shown.map((r) => r.name));
    this.relations = [
      ...ALWAYS.filter((n) => !names.has(n)).map((name) => ({ name, source: name })),
      ...shown,
    ];
    return this.relations.map((r) => r.source);
  }

  private wanted(x: ObservedExecution): boolean {
    const which = this.request.which;
    const allowed = x.outcome.allowed;
    if (which === 'every') return true;
    if (which === 'rejected') return !allowed;
    const q = this.context!.test.condition.quantifier;
    return isShown(which, q, { allowed, conditionHolds: x.conditionHolds });
  }

  observe(x: ObservedExecution): void {
    if (this.records.length >= (this.request.max ?? 100) || !this.wanted(x)) return;
    this.records.push(recordExecution(x, this.context!.columns, this.relations));
  }
}
