// `ordo`: herd7-compatible command line. `ordo [options] TEST.litmus...` prints herd7's
// report for each test. Options use herd7's spelling (-conf, -model, -bell, -macros, -I,
// -variant, -speedcheck, -timeout) so existing scripts keep working.

import { OrdoError, limitExitStatus } from '../diagnostics.js';
import { runTest } from '../api/run.js';
import { formatHerdReport, formatLimitLine } from '../report/herd-text.js';
import { parseArgs, USAGE, type ParsedArgs } from './herd-options.js';
import { wantsGraphs, writeGraphs } from './graph-options.js';
import { GraphCollector } from '../report/graph-collector.js';

/** Exit statuses of a single run (`ordo --help` lists them; limitExitStatus picks 3 or 5). */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;
export const EXIT_LIMIT = 3;
export const EXIT_INTERNAL = 4;
/** A depth limit: the input nests too deeply for Ordo (see limitExitStatus). */
export const EXIT_DEPTH_LIMIT = 5;

export async function main(args: string[]): Promise<number> {
  // Subcommands are loaded only when used: a script that starts one `ordo TEST` per test
  // should not pay for compiling the batch runner and the C-to-BPF translator each time.
  if (args[0] === 'run') return (await import('./batch-commands.js')).runCommand(args.slice(1));
  if (args[0] === 'compare')
    return (await import('./batch-commands.js')).compareCommand(args.slice(1));
  if (args[0] === 'merge') return (await import('./batch-commands.js')).mergeCommand(args.slice(1));
  if (args[0] === 'c2bpf') return (await import('./bpf-commands.js')).c2bpfCommand(args.slice(1));
  if (args[0] === 'judge') return (await import('./bpf-commands.js')).judgeCommand(args.slice(1));
  if (args[0] === 'explain')
    return (await import('./explain-command.js')).explainCommand(args.slice(1));
  if (args[0] === 'strengthen')
    return (await import('./strengthen-command.js')).strengthenCommand(args.slice(1));
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
      const collector = wantsGraphs(parsed.graphs)
        ? new GraphCollector(parsed.graphs.settings, parsed.graphs.shown)
        : undefined;
      const r = runTest(file, parsed.opts, collector);
      if (collector) await writeGraphs(parsed.graphs, file, collector.dot(), collector.dotGraphs());
      if (r.limit) {
        // As herd7: nothing on stdout, so no script reads a partial Observation as a verdict.
        process.stderr.write(formatLimitLine(r));
        status = Math.max(status, limitExitStatus(r.limitKind ?? 'time'));
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
