// An observer of a run that keeps the executions -show asks to draw, recorded with the
// relations the graph shows, and turns them into DOT (and SVG) text afterwards.

import { OrdoError } from '../diagnostics.js';
import type { ExecutionObserver, ObservedExecution, RunContext } from '../api/run.js';
import {
  recordExecution,
  type ExecutionRecord,
  type RecordedRelation,
} from '../outcomes/execution-record.js';
import { DEFAULT_SHOWN, executionDot, isShown, type GraphSettings } from './dot.js';

/** Relations every candidate execution has, whatever the model. */
export const PRIMITIVE_RELATIONS = [
  'po',
  'rf',
  'addr',
  'data',
  'ctrl',
  'rmw',
  'amo',
  'loc',
  'int',
  'ext',
  'id',
];

export interface ShowRequest {
  /** Relations added to the model's `show` list (herd7's -doshow), and removed (-unshow). */
  doshow: string[];
  unshow: string[];
}

/**
 * The relations a graph of this model draws, and where each is read from: the model's
 * `show` list (rf, co, fr when it shows nothing), plus -doshow, less -unshow. An unknown
 * relation name is an error.
 */
export function shownRelations(context: RunContext, request: ShowRequest): RecordedRelation[] {
  const program = context.model.program;
  const known = (name: string) =>
    PRIMITIVE_RELATIONS.includes(name) ||
    program.finalGlobals.has(name) ||
    program.shown.some((s) => s.name === name);
  for (const name of [...request.doshow, ...request.unshow])
    if (!known(name))
      throw new OrdoError(`-doshow/-unshow: the model defines no relation named ${name}`);
  const list: RecordedRelation[] = program.shown.length
    ? program.shown.map((s) => ({ name: s.name, source: s.global }))
    : DEFAULT_SHOWN.map((name) => ({ name, source: name }));
  for (const name of request.doshow)
    if (!list.some((r) => r.name === name)) list.push({ name, source: name });
  return list.filter((r) => !request.unshow.includes(r.name));
}

export class GraphCollector implements ExecutionObserver {
  readonly records: ExecutionRecord[] = [];
  private context: RunContext | null = null;
  private relations: RecordedRelation[] = [];

  constructor(
    private readonly settings: GraphSettings,
    private readonly request: ShowRequest,
  ) {}

  capture(context: RunContext): string[] {
    this.context = context;
    this.relations = shownRelations(context, this.request);
    this.settings.relations = this.relations.map((r) => r.name);
    return this.relations.map((r) => r.source);
  }

  observe(x: ObservedExecution): void {
    const context = this.context!;
    if (this.records.length >= this.settings.maxGraphs) return;
    const shown = isShown(this.settings.show, context.test.condition.quantifier, {
      allowed: x.outcome.allowed,
      conditionHolds: x.conditionHolds,
    });
    if (!shown) return;
    this.records.push(recordExecution(x, context.columns, this.relations));
  }

  /** herd7's DOT file: one digraph per drawn execution (empty when none). */
  dot(): string {
    const context = this.context;
    if (!context) return '';
    const title = `Test ${context.test.name}, ${context.model.title ?? 'model'}`;
    return this.records.map((r) => executionDot(r, this.settings, { title })).join('');
  }

  /** Each drawn execution as its own DOT graph (for SVG, one picture each). */
  dotGraphs(): string[] {
    const context = this.context;
    if (!context) return [];
    const title = `Test ${context.test.name}, ${context.model.title ?? 'model'}`;
    return this.records.map((r) => executionDot(r, this.settings, { title }));
  }
}
