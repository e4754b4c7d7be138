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

/** Raised when a run hits a user-set limit (time, executions, memory). */
export class LimitError extends OrdoError {
  readonly limit: 'time' | 'executions' | 'memory';
  constructor(limit: 'time' | 'executions' | 'memory', message: string) {
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
