// herd7's command-line options, declared once: `ordo TEST...` and `ordo run` both parse
// them from this table, and the help text is made from it. An option added here is known
// to both commands at once. The drawing options (-show, -o, -graph, ...) are read by
// graph-options.ts into the run's GraphRequest.

import { OrdoError } from '../diagnostics.js';
import type { RunOptions } from '../api/run.js';
import {
  checkGraphRequest,
  emptyGraphRequest,
  readGraphOption,
  type GraphRequest,
} from './graph-options.js';
import {
  readBool,
  readList,
  readNonNegativeInt,
  readSeconds,
  readSpeedcheck,
  readThrough,
  readVariants,
} from '../config/settings.js';

export interface HerdOption {
  /** herd7's spelling, one dash; `--name` is accepted too. */
  name: string;
  /** The value's placeholder in the help, or null for an option without a value. */
  value: string | null;
  help: string;
  /** Record the option; throws OrdoError for a bad value. */
  apply(opts: RunOptions, value: string, graphs: GraphRequest): void;
}

/** A drawing option: graph-options.ts reads it into the GraphRequest. */
function graphOption(name: string, value: string | null, help: string): HerdOption {
  return {
    name,
    value,
    help,
    apply: (_o, v, graphs) => void readGraphOption(value ? [name, v] : [name], 0, graphs),
  };
}

const append = (list: string[] | undefined, more: string[]) => [...(list ?? []), ...more];

export const HERD_OPTIONS: readonly HerdOption[] = [
  {
    name: '-conf',
    value: 'FILE',
    help: 'herd configuration file (e.g. linux-kernel.cfg), found on the search path',
    apply: (o, v) => void (o.conf = v),
  },
  {
    name: '-model',
    value: 'FILE',
    help: 'cat model (overrides the cfg)',
    apply: (o, v) => void (o.model = v),
  },
  { name: '-cat', value: 'FILE', help: 'same as -model', apply: (o, v) => void (o.model = v) },
  {
    name: '-bell',
    value: 'FILE',
    help: 'bell file (overrides the cfg)',
    apply: (o, v) => void (o.bell = v),
  },
  {
    name: '-macros',
    value: 'FILE',
    help: 'macro (.def) file (overrides the cfg)',
    apply: (o, v) => void (o.macros = v),
  },
  {
    name: '-I',
    value: 'DIR',
    help: 'search DIR for cfg, model, bell, macro and included files (after the current directory)',
    apply: (o, v) => void (o.includeDirs = append(o.includeDirs, [v])),
  },
  {
    name: '-variant',
    value: 'TAG,...',
    help: "model variants (herd7's tags; others are refused)",
    apply: (o, v) => void (o.variants = append(o.variants, readVariants(v, '-variant', null))),
  },
  {
    name: '-skipchecks',
    value: 'NAME,...',
    help: 'do not apply the named checks of the model (cumulative)',
    apply: (o, v) => void (o.skipchecks = append(o.skipchecks, readList(v))),
  },
  {
    name: '-skipcheck',
    value: 'NAME',
    help: 'do not apply the named check (cumulative)',
    apply: (o, v) => void (o.skipchecks = append(o.skipchecks, [v])),
  },
  {
    name: '-through',
    value: 'none|invalid|all',
    help: "invalid, all: executions failing the model's checks are kept (flags still apply)",
    apply: (o, v) => void (o.through = readThrough(v, '-through', null)),
  },
  {
    name: '-unroll',
    value: 'N',
    help: 'run C loop bodies and BPF backward jumps at most N times per path (default 2)',
    apply: (o, v) => void (o.unroll = readNonNegativeInt(v, '-unroll', null)),
  },
  {
    name: '-initwrites',
    value: 'true|false',
    help: 'initial writes are events (Ordo supports only true, its one mode)',
    apply: (_o, v) => {
      if (!readBool(v, '-initwrites', null))
        throw new OrdoError(
          '-initwrites false is not supported: Ordo always represents initial writes as events',
        );
    },
  },
  {
    name: '-speedcheck',
    value: 'false|true|fast',
    help: 'only the executions deciding the condition; fast: stop at the first',
    apply: (o, v) => void (o.speedcheck = readSpeedcheck(v, '-speedcheck', null)),
  },
  {
    name: '-timeout',
    value: 'SECONDS',
    help: 'stop a test after this much CPU time, as herd7 (ordo run workers: elapsed time)',
    apply: (o, v) => void (o.timeout = readSeconds(v, '-timeout', null)),
  },
  {
    name: '-max-executions',
    value: 'N',
    help: 'stop a test after trying N candidate executions, resolved or not',
    apply: (o, v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0)
        throw new OrdoError('-max-executions takes a positive whole number');
      o.maxExecutions = n;
    },
  },
  {
    name: '-max-memory',
    value: 'MB',
    help: "stop a test when the whole process's resident memory exceeds MB MiB",
    apply: (o, v) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) throw new OrdoError('-max-memory takes a number of MiB');
      o.maxMemoryMb = n;
    },
  },
  {
    name: '-j',
    value: 'N',
    help: "Ordo's: split each test's candidates over N threads (same report; -timeout counts all threads' CPU time)",
    apply: (o, v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new OrdoError('-j takes a positive whole number');
      o.threads = n;
    },
  },
  {
    name: '-q',
    value: null,
    help: 'no diagnostics (only errors and Limit lines)',
    apply: (o) => void (o.verbose = -1),
  },
  {
    name: '-v',
    value: null,
    help: 'more diagnostics on stderr (repeat for more): the files each run reads',
    apply: (o) => void (o.verbose = Math.max(0, o.verbose ?? 0) + 1),
  },
  graphOption('-show', 'prop|neg|cond|wit|all|none', 'draw these executions (with -o)'),
  graphOption('-o', 'DIR', 'write the graphs to DIR/TEST.dot (-o FILE.svg: one picture)'),
  graphOption('-svg', null, 'also write DIR/TEST.svg'),
  graphOption('-graph', 'columns|cluster|free', 'graph layout'),
  graphOption('-showevents', 'all|mem|noregs', 'events drawn'),
  graphOption('-nshow', 'N', 'draw at most N executions'),
  graphOption('-doshow', 'REL,...', 'draw these relations too'),
  graphOption('-unshow', 'REL,...', 'do not draw these relations'),
];

const byName = new Map(HERD_OPTIONS.map((o) => [o.name, o]));

/** The option an argument names (`-x` or `--x`), if any. */
export function findHerdOption(arg: string): HerdOption | undefined {
  return byName.get(arg.replace(/^--/, '-'));
}

/** The herd options part of a usage text, one line per option. */
export function herdOptionsHelp(): string {
  return HERD_OPTIONS.map((o) => {
    const left = `  ${o.name}${o.value ? ` ${o.value}` : ''}`;
    return left.length < 30 ? left.padEnd(30) + o.help : `${left}\n${' '.repeat(30)}${o.help}`;
  }).join('\n');
}

export interface ParsedHerdArgs {
  opts: RunOptions;
  /** The drawing options: which executions to draw, how, and where. */
  graphs: GraphRequest;
  /** The arguments that are not options: tests (or, for `ordo run`, paths). */
  operands: string[];
}

/** Parse herd7 options and operands; an unknown option is an error (as in herd7). */
export function parseHerdArgs(args: readonly string[]): ParsedHerdArgs {
  const opts: RunOptions = {};
  const graphs = emptyGraphRequest();
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('-') || arg === '-') {
      operands.push(arg);
      continue;
    }
    const opt = findHerdOption(arg);
    if (!opt) throw new OrdoError(`unknown option ${arg}`);
    if (opt.value === null) {
      opt.apply(opts, '', graphs);
      continue;
    }
    const v = args[++i];
    if (v === undefined) throw new OrdoError(`option ${opt.name} needs a value (${opt.value})`);
    opt.apply(opts, v, graphs);
  }
  checkGraphRequest(graphs);
  return { opts, graphs, operands };
}
