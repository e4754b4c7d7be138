// Ordo in a Web Worker: the page's runs go through the same pipeline as `ordo TEST`
// (src/api/run.ts) and `ordo explain`, and come back as plain data. The page cancels a
// run by terminating this worker: the pipeline never yields, so nothing else could stop it.

import './host/globals.js';
import { WORKING_DIR, writeFile } from './host/files.js';
import { runTestText, type ExecutionObserver, type ObservedExecution } from '../../src/api/run.js';
import type { RunOptions } from '../../src/api/run.js';
import { ARCHITECTURES } from '../../src/arch/index.js';
import { modelsDir } from '../../src/arch/paths.js';
import { OrdoError } from '../../src/diagnostics.js';
import { columnKey, formatStateValue } from '../../src/outcomes/final-state.js';
import {
  Explainer,
  describeSelector,
  parseStateSelector,
  type OutcomeSelector,
} from '../../src/outcomes/explain.js';
import { DEFAULT_SHOWN, defaultGraphSettings, executionDot } from '../../src/report/dot.js';
import { formatExplanation } from '../../src/report/explain-text.js';
import { GraphCollector } from '../../src/report/graph-collector.js';
import { formatHerdReport, formatLimitLine, formatStateRow } from '../../src/report/herd-text.js';
import { ordoVersion } from '../../src/version.js';
import {
  CUSTOM_FILES,
  type ExplainRequest,
  type GraphItem,
  type ModelChoice,
  type RunLimits,
  type RunRequest,
  type StateRow,
  type WorkerReply,
  type WorkerRequest,
} from './protocol.js';

interface WorkerScope {
  postMessage(message: WorkerReply): void;
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
}
const scope = self as unknown as WorkerScope;

/** The pipeline's options for a model choice and limits; a custom model is written to the worker's files first. */
function pipelineOptions(model: ModelChoice, limits: RunLimits): RunOptions {
  const opts: RunOptions = {
    timeout: limits.timeoutSeconds > 0 ? limits.timeoutSeconds : undefined,
    maxExecutions: limits.maxExecutions > 0 ? limits.maxExecutions : undefined,
  };
  switch (model.kind) {
    case 'own':
      return opts;
    case 'shipped': {
      const path = `${modelsDir}/${model.path}`;
      return path.endsWith('.cfg') ? { ...opts, conf: path } : { ...opts, model: path };
    }
    case 'custom': {
      writeFile(`${WORKING_DIR}/${CUSTOM_FILES.cat}`, model.cat);
      const custom: RunOptions = { ...opts, model: CUSTOM_FILES.cat };
      if (model.bell.trim()) {
        writeFile(`${WORKING_DIR}/${CUSTOM_FILES.bell}`, model.bell);
        custom.bell = CUSTOM_FILES.bell;
      }
      if (model.def.trim()) {
        writeFile(`${WORKING_DIR}/${CUSTOM_FILES.def}`, model.def);
        custom.macros = CUSTOM_FILES.def;
      }
      return custom;
    }
  }
}

/** Counts, per final state, the executions the model allows (the table's witness column). */
class StateCounter implements ExecutionObserver {
  readonly counts = new Map<string, { witnesses: number; conditionHolds: boolean }>();
  private columns: string[] = [];

  constructor(private readonly graphs: GraphCollector) {}

  capture(context: Parameters<NonNullable<ExecutionObserver['capture']>>[0]): string[] {
    this.columns = context.columns.map(columnKey);
    return this.graphs.capture(context);
  }

  observe(x: ObservedExecution): void {
    this.graphs.observe(x);
    if (!x.outcome.allowed) return;
    const key = JSON.stringify(this.columns.map((c) => formatStateValue(x.state.get(c) ?? 0)));
    const seen = this.counts.get(key);
    if (seen) seen.witnesses++;
    else this.counts.set(key, { witnesses: 1, conditionHolds: x.conditionHolds });
  }
}

function run(req: RunRequest): WorkerReply {
  const settings = {
    ...defaultGraphSettings(),
    show: 'all' as const,
    maxGraphs: req.maxGraphs + 1,
  };
  const graphs = new GraphCollector(settings, { doshow: [], unshow: [] });
  const counter = new StateCounter(graphs);
  const result = runTestText(req.file, req.text, pipelineOptions(req.model, req.limits), counter);
  const condition = result.conditionText;
  const states: StateRow[] = result.states.map((values) => {
    const key = JSON.stringify(values.map((v) => formatStateValue(v)));
    const seen = counter.counts.get(key);
    return {
      text: formatStateRow(result.columns, values),
      witnesses: seen?.witnesses ?? 0,
      conditionHolds: seen?.conditionHolds ?? false,
    };
  });
  const dots = graphs.dotGraphs();
  const items: GraphItem[] = graphs.records.slice(0, req.maxGraphs).map((r, i) => ({
    caption: `Execution ${i + 1}: ${formatStateRow(result.columns, r.state)}${r.conditionHolds ? ` (${condition} holds)` : ''}`,
    dot: dots[i]!,
    conditionHolds: r.conditionHolds,
  }));
  return {
    kind: 'run',
    report: result.limit ? formatLimitLine(result) : formatHerdReport(result),
    observation: result.limit ? 'Limit' : result.observation,
    limit: result.limit ?? null,
    states,
    graphs: items,
    moreGraphs: graphs.records.length > req.maxGraphs,
    seconds: result.seconds,
  };
}

function explain(req: ExplainRequest): WorkerReply {
  const selector: OutcomeSelector =
    req.state === null ? { kind: 'condition' } : parseStateSelector(req.state);
  const explainer = new Explainer(selector);
  const result = runTestText(req.file, req.text, pipelineOptions(req.model, req.limits), explainer);
  const explanation = explainer.result(
    describeSelector(selector, result.conditionText, result.columns),
  );
  const settings = { ...defaultGraphSettings(), relations: [...DEFAULT_SHOWN] };
  const graphs = explanation.executions.map((x, i): GraphItem => {
    const why = x.rejectedBy.map((c) => c.check).join(', ');
    const title = `${explanation.test}: ${explanation.outcome} ${why ? `rejected by ${why}` : 'allowed'} (execution ${i + 1})`;
    const highlight = x.rejectedBy.flatMap((c) => c.cycle);
    return {
      caption: `Execution ${i + 1}${why ? `: rejected by ${why}` : ': witness'}`,
      dot: executionDot(x.execution, settings, { title, highlight }),
      conditionHolds: x.execution.conditionHolds,
    };
  });
  return {
    kind: 'explain',
    text: formatExplanation(explanation),
    verdict: explanation.verdict,
    graphs,
    limit: result.limit ? formatLimitLine(result) : null,
  };
}

/** An error in the input, as the command line prints it, with file names as the page shows them. */
function errorReply(err: unknown): WorkerReply {
  if (err instanceof OrdoError) {
    const where = err.where
      ? { ...err.where, file: err.where.file.replace(`${WORKING_DIR}/`, '') }
      : null;
    const shown = where ? new OrdoError(err.message, where) : err;
    return { kind: 'error', message: shown.format(), where };
  }
  // Not the input's fault: say so, as the command line does for an internal error.
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'error', message: `internal error: ${message}`, where: null };
}

function handle(req: WorkerRequest): WorkerReply {
  try {
    switch (req.kind) {
      case 'run':
        return run(req);
      case 'explain':
        return explain(req);
    }
  } catch (err) {
    return errorReply(err);
  }
}

scope.onmessage = (event) => scope.postMessage(handle(event.data));

const prefix = `${modelsDir}/`;
scope.postMessage({
  kind: 'ready',
  models: [...new Set(ARCHITECTURES.map((a) => a.defaultModel))].map((path) => ({
    path: path.slice(prefix.length),
    label: `${path.slice(prefix.length)} (Ordo's, for ${ARCHITECTURES.filter(
      (a) => a.defaultModel === path,
    )
      .map((a) => a.name)
      .join(', ')})`,
  })),
  version: ordoVersion(),
});
