// herd7's command-line options, as `ordo TEST` and `ordo run` both read them.

import { OrdoError } from '../diagnostics.js';
import type { RunOptions } from '../api/run.js';
import {
  checkGraphRequest,
  emptyGraphRequest,
  readGraphOption,
  type GraphRequest,
} from './graph-options.js';

export const USAGE = `usage: ordo [options] TEST.litmus...
options (herd7 spelling):
  -conf FILE         herd configuration file (e.g. linux-kernel.cfg)
  -model FILE        cat model (overrides the cfg)
  -bell FILE         bell file (overrides the cfg)
  -macros FILE       macro (.def) file (overrides the cfg)
  -I DIR             add DIR to the search path for model files
  -variant NAME,...  enable model variants
  -speedcheck true|false|fast   stop as soon as the condition's verdict is known
  -timeout SECONDS   stop a test after this long, reporting partial results
  -max-executions N  stop a test after trying N candidate executions
  -max-memory MB     stop a test when the process's resident memory exceeds MB MiB
  -show prop|neg|cond|all|none  draw these executions (with -o)
  -o DIR             write DIR/TEST.dot (-o FILE.svg: one picture)
  -svg               also write DIR/TEST.svg
  -graph columns|cluster|free, -showevents all|mem|noregs, -nshow N,
  -doshow REL,...  -unshow REL,...   how graphs are drawn
Without -conf or -model, Ordo's own Linux-kernel memory model is used.`;

export interface ParsedArgs {
  opts: RunOptions;
  files: string[];
  graphs: GraphRequest;
}

export function parseArgs(args: string[]): ParsedArgs {
  const opts: RunOptions = {};
  const files: string[] = [];
  const graphs = emptyGraphRequest();
  const need = (i: number, flag: string): string => {
    const v = args[i + 1];
    if (v === undefined) throw new OrdoError(`option ${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i].replace(/^--/, '-');
    switch (a) {
      case '-conf':
        opts.conf = need(i, a);
        i++;
        break;
      case '-model':
        opts.model = need(i, a);
        i++;
        break;
      case '-bell':
        opts.bell = need(i, a);
        i++;
        break;
      case '-macros':
        opts.macros = need(i, a);
        i++;
        break;
      case '-I':
        (opts.includeDirs ??= []).push(need(i, a));
        i++;
        break;
      case '-variant':
        (opts.variants ??= []).push(
          ...need(i, a)
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        );
        i++;
        break;
      case '-speedcheck': {
        const v = need(i, a);
        i++;
        if (v !== 'true' && v !== 'false' && v !== 'fast')
          throw new OrdoError(`-speedcheck takes true, false or fast, not ${v}`);
        opts.speedcheck = v;
        break;
      }
      case '-timeout': {
        const v = Number(need(i, a));
        i++;
        if (!Number.isFinite(v) || v < 0) throw new OrdoError(`-timeout takes a number of seconds`);
        opts.timeout = v;
        break;
      }
      case '-max-executions': {
        const v = Number(need(i, a));
        i++;
        if (!Number.isInteger(v) || v <= 0)
          throw new OrdoError(`-max-executions takes a positive whole number`);
        opts.maxExecutions = v;
        break;
      }
      case '-max-memory': {
        const v = Number(need(i, a));
        i++;
        if (!Number.isFinite(v) || v <= 0) throw new OrdoError(`-max-memory takes a number of MiB`);
        opts.maxMemoryMb = v;
        break;
      }
      case '-h':
      case '-help':
        process.stdout.write(USAGE + '\n');
        process.exit(0);
        break;
      default: {
        const used = readGraphOption(args, i, graphs);
        if (used > 0) {
          i += used - 1;
          break;
        }
        if (a.startsWith('-')) throw new OrdoError(`unknown option ${args[i]} (try -help)`);
        files.push(args[i]);
      }
    }
  }
  checkGraphRequest(graphs);
  return { opts, files, graphs };
}
