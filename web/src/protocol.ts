// The messages between the page (main.ts, run-client.ts) and Ordo's Web Worker
// (worker.ts): plain data only, as structured cloning requires.

/** Which model a run uses. */
export type ModelChoice =
  /** The test's architecture's own model in Ordo (LKMM for C, Ordo's BPF model, ...). */
  | { kind: 'own' }
  /** One of Ordo's shipped models: a path under models/ (a .cfg or .cat file). */
  | { kind: 'shipped'; path: string }
  /** The user's own model, edited in the page; empty bell/def texts mean none. */
  | { kind: 'custom'; cat: string; bell: string; def: string };

export interface RunLimits {
  /** Seconds (elapsed, as in any worker); 0 for none. */
  timeoutSeconds: number;
  /** Candidate executions; 0 for none. */
  maxExecutions: number;
}

export interface RunRequest {
  kind: 'run';
  /** The test's file name, used in messages (`SB.litmus:3:5: ...`). */
  file: string;
  text: string;
  model: ModelChoice;
  limits: RunLimits;
  /** At most this many execution graphs. */
  maxGraphs: number;
}

export interface ExplainRequest {
  kind: 'explain';
  file: string;
  text: string;
  model: ModelChoice;
  limits: RunLimits;
  /** The outcome, as `0:r0=0; 1:r0=0;`; null for the test's condition. */
  state: string | null;
}

export type WorkerRequest = RunRequest | ExplainRequest;

/** Where an input error is: the file the page knows it as (the test, custom.cat, ...). */
export interface ErrorPlace {
  file: string;
  line: number;
  col: number;
}

/** One row of the table of final states. */
export interface StateRow {
  /** As herd7 prints it: `0:r0=0; 1:r0=0;`. */
  text: string;
  /** Executions the model allows that end in this state. */
  witnesses: number;
  /** The test's condition (its proposition) holds in this state. */
  conditionHolds: boolean;
}

export interface GraphItem {
  /** A caption for the list: which execution, its final state. */
  caption: string;
  dot: string;
  /** A witness of the condition (the proposition holds). */
  conditionHolds: boolean;
}

export interface RunReply {
  kind: 'run';
  /** herd7's report, exactly what `ordo TEST` prints; for a limit-stopped run, the CLI's `Limit` line. */
  report: string;
  observation: string;
  /** Set when a limit stopped the run: the figures are partial. */
  limit: string | null;
  states: StateRow[];
  graphs: GraphItem[];
  /** The run found more executions to draw than maxGraphs. */
  moreGraphs: boolean;
  seconds: number;
}

export interface ExplainReply {
  kind: 'explain';
  /** What `ordo explain` prints. */
  text: string;
  verdict: 'allowed' | 'forbidden' | 'impossible';
  /** Each listed execution with its rejecting cycles drawn in red. */
  graphs: GraphItem[];
  limit: string | null;
}

export interface ErrorReply {
  kind: 'error';
  /** `FILE:LINE:COL: message`, as the command line prints it. */
  message: string;
  where: ErrorPlace | null;
}

/** Sent once when the worker starts: the models it carries. */
export interface ReadyReply {
  kind: 'ready';
  /** Ordo's shipped models, paths under models/, with their architectures. */
  models: { path: string; label: string }[];
  version: string;
}

export type WorkerReply = RunReply | ExplainReply | ErrorReply | ReadyReply;

/** Where the custom model's files are in the worker's file system, as messages name them. */
export const CUSTOM_FILES = { cat: 'custom.cat', bell: 'custom.bell', def: 'custom.def' } as const;
