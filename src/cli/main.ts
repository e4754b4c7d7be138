// `ordo`: herd7-compatible command line. `ordo [options] TEST.litmus...` prints herd7's
// report for each test. Options use herd7's spelling (-conf, -model, -bell, -macros, -I,
// -variant, -speedcheck, -timeout) so existing scripts keep working.

import { statSync } from 'node:fs';
import { OrdoError, UsageError, limitExitStatus } from '../diagnostics.js';
import { runTest, setupFor } from '../api/run.js';
import { formatHerdReport, formatLimitLine, formatUnrollWarning } from '../report/herd-text.js';
import { HERD7_REFERENCE, ordoVersion } from '../version.js';
import { herdOptionsHelp, parseHerdArgs, type ParsedHerdArgs } from './herd-options.js';
import { wantsGraphs, writeGraphs } from './graph-options.js';
import { GraphCollector } from '../report/graph-collector.js';

/** Exit statuses of a single run (`ordo --help` lists them; limitExitStatus picks 124 or 5). */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;
export const EXIT_LIMIT = 124;
export const EXIT_INTERNAL = 4;
/** A depth limit: the input nests too deeply for Ordo (see limitExitStatus). */
export const EXIT_DEPTH_LIMIT = 5;

const USAGE = `usage: ordo [options] TEST.litmus...
       ordo COMMAND [options] ...
Prints herd7's report for each test. Without -conf or -model, Ordo's own Linux-kernel
memory model is used (Ordo's BPF model for BPF tests).

commands:
  run PATH...              run many tests (files, directories, @lists) on worker threads;
                           --judge, --save, --json, ... (ordo run --help)
  compare OLD_DIR NEW_DIR  compare two --save trees, as cmplitmushist.sh
  merge OUT.json IN.json...  join JSON reports of ordo run (e.g. shards)
  c2bpf TEST.litmus        translate a C litmus test into BPF
  judge C.litmus [BPF.litmus] | DIR   compare LKMM and BPF verdicts
  explain TEST.litmus      why the model allows or forbids the test's outcome (ordo explain --help)
  jit-check PATH...        lower BPF tests through the kernel JITs and compare (ordo jit-check --help)
  serve [--port N]         serve the playground (npm run build:web) on http://127.0.0.1:N/
  daemon start|status|stop the warm processes that answer bin/ordo quickly (ordo daemon --help)

options (herd7's spelling and meaning; also accepted by ordo run):
${herdOptionsHelp()}
  -version, --version         print "ordo VERSION, herd7 ${HERD7_REFERENCE} compatible" and exit
  -help, --help               print this help and exit

Files (cfg, model, bell, macros, cat includes) are looked up as herd7 does: a plain
relative name in the current directory, then each -I directory, then $HERDLIB, then
Ordo's own models; names starting with /, ./ or ../ as they are. Command-line options
override the cfg's settings.

exit status: ${EXIT_OK} every test ran; ${EXIT_ERROR} a test had an error (FILE:LINE:COL: message on
stderr); ${EXIT_USAGE} usage error (bad option, or a file named by an option not found);
${EXIT_LIMIT} a test was stopped by -timeout, -max-executions or memory (no report on stdout,
a "Limit" line on stderr; 124 as for coreutils' timeout); ${EXIT_DEPTH_LIMIT} a test nests too deeply;
${EXIT_INTERNAL} internal error.`;

/**
 * The status of a run of several tests is the worst of theirs: an error, then a limit,
 * then an internal error, then the depth limit. (The limit's status, 124, is chosen for
 * scripts, not for its rank, so the order is written out.)
 */
const STATUS_RANK = [EXIT_OK, EXIT_ERROR, EXIT_LIMIT, EXIT_INTERNAL, EXIT_DEPTH_LIMIT];

function worseStatus(a: number, b: number): number {
  return STATUS_RANK.indexOf(b) > STATUS_RANK.indexOf(a) ? b : a;
}

/** One line scripts can read: the second word is Ordo's version. */
export function versionLine(): string {
  return `ordo ${ordoVersion()}, herd7 ${HERD7_REFERENCE} compatible\n`;
}

// Subcommands are loaded only when used: a script that starts one `ordo TEST` per test
// should not pay for compiling the batch runner and the C-to-BPF translator each time.
const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  run: async (a) => (await import('./batch-commands.js')).runCommand(a),
  compare: async (a) => (await import('./batch-commands.js')).compareCommand(a),
  merge: async (a) => (await import('./batch-commands.js')).mergeCommand(a),
  c2bpf: async (a) => (await import('./bpf-commands.js')).c2bpfCommand(a),
  judge: async (a) => (await import('./bpf-commands.js')).judgeCommand(a),
  explain: async (a) => (await import('./explain-command.js')).explainCommand(a),
  strengthen: async (a) => (await import('./strengthen-command.js')).strengthenCommand(a),
  'jit-check': async (a) => (await import('./jit-command.js')).jitCheckCommand(a),
  serve: async (a) => (await import('./serve-command.js')).serveCommand(a),
  daemon: async (a) => (await import('./daemon-command.js')).daemonCommand(a),
};

/**
 * Whether a warm process (src/daemon) gives this command line exactly what a fresh
 * process would: the herd7-style run of single tests, -version and -help. Subcommands
 * (worker threads, signals, long runs) and a cap on the whole process's memory (which a
 * reused process would count differently) run in a process of their own.
 */
export function runsInWarmProcess(args: string[]): boolean {
  if (args.length > 0 && Object.hasOwn(COMMANDS, args[0])) return false;
  try {
    return parseHerdArgs(args).opts.maxMemoryMb === undefined;
  } catch {
    return true; // the warm process reports the usage error as a fresh one would
  }
}

export { warmUp } from './warm-up.js';

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export async function main(args: string[]): Promise<number> {
  if (args.length > 0 && Object.hasOwn(COMMANDS, args[0])) return COMMANDS[args[0]](args.slice(1));
  if (args.some((a) => a === '-version' || a === '--version')) {
    process.stdout.write(versionLine());
    return EXIT_OK;
  }
  if (args.some((a) => a === '-help' || a === '--help' || a === '-h')) {
    process.stdout.write(USAGE + '\n');
    return EXIT_OK;
  }
  let parsed: ParsedHerdArgs;
  try {
    parsed = parseHerdArgs(args);
  } catch (err) {
    process.stderr.write(`ordo: ${(err as Error).message} (ordo -help lists the options)\n`);
    return EXIT_USAGE;
  }
  if (parsed.operands.length === 0) {
    process.stderr.write(USAGE + '\n');
    return EXIT_USAGE;
  }
  const dir = parsed.operands.find(isDirectory);
  if (dir !== undefined) {
    process.stderr.write(
      `ordo: ${dir} is a directory; to run every test under it, use: ordo run ${dir}\n`,
    );
    return EXIT_USAGE;
  }
  let status = 0;
  for (const file of parsed.operands) {
    try {
      const collector = wantsGraphs(parsed.graphs)
        ? new GraphCollector(parsed.graphs.settings, parsed.graphs.shown)
        : undefined;
      const r = runTest(file, parsed.opts, collector);
      if (collector) await writeGraphs(parsed.graphs, file, collector.dot(), collector.dotGraphs());
      if ((parsed.opts.verbose ?? 0) > 0) process.stderr.write(filesLine(file, parsed));
      if (r.limit) {
        // As herd7: nothing on stdout, so no script reads a partial Observation as a verdict.
        process.stderr.write(formatLimitLine(r));
        status = worseStatus(status, limitExitStatus(r.limitKind ?? 'time'));
      } else {
        process.stdout.write(formatHerdReport(r));
        process.stderr.write(formatUnrollWarning(r));
      }
    } catch (err) {
      if (err instanceof UsageError) {
        process.stderr.write(`ordo: ${err.message}\n`);
        return EXIT_USAGE;
      }
      if (err instanceof OrdoError) {
        const where = err.where ? '' : `${file}: `;
        process.stderr.write(`ordo: ${where}${err.format()}\n`);
        status = worseStatus(status, EXIT_ERROR);
      } else if (err instanceof RangeError) {
        process.stderr.write(`ordo: ${file}: ran out of resources (${err.message})\n`);
        status = worseStatus(status, EXIT_LIMIT);
      } else {
        process.stderr.write(`ordo: ${file}: internal error: ${(err as Error).message}\n`);
        status = worseStatus(status, EXIT_INTERNAL);
      }
    }
  }
  return status;
}

/** -v: the files a run read, so a user sees which cfg and model were found where. */
function filesLine(file: string, parsed: ParsedHerdArgs): string {
  const setup = setupFor(file, parsed.opts);
  const { resolved, model } = setup;
  return `ordo: ${file}: cfg ${resolved.cfgFiles.join(', ') || '(none)'}; model files ${model.files.join(', ')}; macros ${resolved.macrosFile}\n`;
}
