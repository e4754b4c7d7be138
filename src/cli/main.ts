// `ordo`: herd7-compatible command line. `ordo [options] TEST.litmus...` prints herd7's
// report for each test. Options use herd7's spelling (-conf, -model, -bell, -macros, -I,
// -variant, -speedcheck, -timeout) so existing scripts keep working.

import { OrdoError } from '../diagnostics.js';
import { runTest, type RunOptions } from '../api/run.js';
import { formatHerdReport, formatLimitLine } from '../report/herd-text.js';
import { runCommand, compareCommand, mergeCommand } from './batch-commands.js';
import { c2bpfCommand, judgeCommand } from './bpf-commands.js';

const USAGE = `usage: ordo [options] TEST.litmus...
options (herd7 spelling):
  -conf FILE         herd configuration file (e.g. linux-kernel.cfg)
  -model FILE        cat model (overrides the cfg)
  -bell FILE         bell file (overrides the cfg)
  -macros FILE       macro (.def) file (overrides the cfg)
  -I DIR             add DIR to the search path for model files
  -variant NAME,...  enable model variants
  -speedcheck true|false|fast   stop as soon as the condition's verdict is known
  -timeout SECONDS   stop a test after this long, reporting partial results
  -max-executions N  stop a test after N candidate executions
Without -conf or -model, Ordo's own Linux-kernel memory model is used.`;

/** Exit statuses of a single run (`ordo --help` lists them). */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;
export const EXIT_LIMIT = 3;
export const EXIT_INTERNAL = 4;

interface ParsedArgs {
  opts: RunOptions;
  files: string[];
}

export function parseArgs(args: string[]): ParsedArgs {
  const opts: RunOptions = {};
  const files: string[] = [];
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
      case '-h':
      case '-help':
        process.stdout.write(USAGE + '\n');
        process.exit(0);
        break;
      default:
        if (a.startsWith('-')) throw new OrdoError(`unknown option ${args[i]} (try -help)`);
        files.push(args[i]);
    }
  }
  return { opts, files };
}

export async function main(args: string[]): Promise<number> {
  if (args[0] === 'run') return runCommand(args.slice(1));
  if (args[0] === 'compare') return compareCommand(args.slice(1));
  if (args[0] === 'merge') return mergeCommand(args.slice(1));
  if (args[0] === 'c2bpf') return c2bpfCommand(args.slice(1));
  if (args[0] === 'judge') return judgeCommand(args.slice(1));
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs(args);
  } catch (err) {
    process.stderr.write(`ordo: ${(err as Error).message}\n`);
    return 2;
  }
  if (parsed.files.length === 0) {
    process.stderr.write(USAGE + '\n');
    return 2;
  }
  let status = 0;
  for (const file of parsed.files) {
    try {
      const r = runTest(file, parsed.opts);
      if (r.limit) {
        // As herd7: nothing on stdout, so no script reads a partial Observation as a verdict.
        process.stderr.write(formatLimitLine(r));
        status = Math.max(status, EXIT_LIMIT);
      } else process.stdout.write(formatHerdReport(r));
    } catch (err) {
      if (err instanceof OrdoError) {
        const where = err.where ? '' : `${file}: `;
        process.stderr.write(`ordo: ${where}${err.format()}\n`);
        status = Math.max(status, 1);
      } else if (err instanceof RangeError) {
        process.stderr.write(`ordo: ${file}: ran out of resources (${err.message})\n`);
        status = Math.max(status, 3);
      } else {
        process.stderr.write(`ordo: ${file}: internal error: ${(err as Error).message}\n`);
        status = Math.max(status, 4);
      }
    }
  }
  return status;
}
