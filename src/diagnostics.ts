// User-facing errors. Every problem caused by the input (a litmus test, a cat file, a
// macro file, a command-line flag) is an OrdoError carrying where it happened, so the CLI
// can print one line `FILE:LINE:COL: message` and exit non-zero, never a stack trace.

export interface Location {
  file: string;
  line: number;
  col: number;
}

export class OrdoError extends Error {
  readonly where: Location | null;
  constructor(message: string, where: Location | null = null) {
    super(message);
    this.name = 'OrdoError';
    this.where = where;
  }

  /**
   * `file:line:col: message`; `file: message` when the problem concerns the whole file
   * (line 0); just the message when no place is known.
   */
  format(): string {
    if (!this.where) return this.message;
    if (this.where.line === 0) return `${this.where.file}: ${this.message}`;
    return `${this.where.file}:${this.where.line}:${this.where.col}: ${this.message}`;
  }
}

/**
 * The limits a run can hit: the user's -timeout, -max-executions and -max-memory, and
 * `depth`, Ordo's own bound on how deeply an input may nest (statements, expressions,
 * model recursion), set by the JavaScript call stack.
 */
export type LimitKind = 'time' | 'executions' | 'memory' | 'depth';

/**
 * Exit status of a run stopped by a limit. 124 is what coreutils' `timeout` gives, so the
 * kernel's scripts (runlitmushist.sh, and judgelitmus.sh through /usr/bin/time's
 * "Command exited with non-zero status 124") report such a run as timed out, as they do
 * when `timeout` stops herd7; `ordo run` marks these tests with the same 124. The depth
 * limit has a code of its own: it is a property of the input, not of the settings, so
 * retrying with a longer -timeout is pointless.
 */
export function limitExitStatus(kind: LimitKind): number {
  return kind === 'depth' ? 5 : 124;
}

/** Raised when a run hits a limit (see LimitKind). */
export class LimitError extends OrdoError {
  readonly limit: LimitKind;
  constructor(limit: LimitKind, message: string) {
    super(message);
    this.name = 'LimitError';
    this.limit = limit;
  }
}

/**
 * The default branch of a switch over a union of kinds: the argument has type `never` when
 * every kind is handled, so adding a kind without handling it is a compile-time error; at
 * run time (a value from outside the type system) it fails loudly instead of ignoring it.
 */
export function assertNever(value: never, what = 'kind'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}

/** True for V8's error when the call stack is exhausted. */
export function isStackOverflow(err: unknown): boolean {
  return err instanceof RangeError && /call stack/i.test(err.message);
}

/**
 * Run `work`, turning an exhausted call stack into the depth limit, blamed on `file`
 * (the input whose nesting the stage was following).
 */
export function withinDepthLimit<T>(file: string, work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (!isStackOverflow(err)) throw err;
    throw new LimitError(
      'depth',
      `depth limit reached: ${file} nests too deeply for Ordo (statements, expressions or recursion)`,
    );
  }
}

/**
 * A problem with how Ordo was asked to run (an option's value, a file named on the command
 * line that cannot be found), not with a test: the CLI reports it once, exit status 2.
 */
export class UsageError extends OrdoError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
