// `ordo jit-check`: lower BPF tests through the kernel JITs' mappings (models/jit) and
// compare what each architecture allows with what the BPF model allows.

import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { expandInputs } from '../batch/inputs.js';
import { OrdoError } from '../diagnostics.js';
import {
  checkTest,
  loadMapping,
  runBpf,
  shippedMappings,
  type JitCheckResult,
} from '../jit/check.js';
import { weakenings, type Weakening } from '../jit/minimal.js';
import type { Mapping } from '../jit/mapping.js';

const USAGE = `usage: ordo jit-check PATH... [--arch ARCH,...] [--mapping NAME|FILE,...]
                      [--save DIR] [--json] [--minimal] [--hardware-model FILE [-I DIR]] [-timeout S]
       ordo jit-check --list-mappings
Lowers each BPF test (files, directories) with each JIT mapping into that architecture's
litmus test, runs it under the architecture's model and the BPF test under Ordo's BPF
model, and compares the final states: sound (the hardware allows nothing BPF forbids),
stronger (sound, and the hardware forbids states BPF allows), UNSOUND (the hardware
allows states BPF forbids: listed), no execution (the lowered code never
completes). Ends with "N sound, M unsound".
  --arch ARCH,...         the current mapping of each: x86_64, arm64, riscv64, ppc64
                          (default: every architecture with a shipped mapping)
  --mapping NAME|FILE     a shipped mapping by name (--list-mappings) or a mapping file
  --save DIR              write each lowered test to DIR/MAPPING/TEST.litmus
  --json                  print the results as JSON instead of the table
  --minimal               also report which barrier and acquire/release lowerings could
                          be weakened without making any of the tests unsound
  --hardware-model FILE   run the lowered tests under this cat model (e.g. herd's)
  -I DIR                  look up the model's included files in DIR too
  -timeout S              CPU seconds per run (default 60)
Exit status: 0 all sound, 1 a test is UNSOUND or could not be lowered or decided, 2 usage.`;

function usage(problem: string): number {
  process.stderr.write(`ordo jit-check: ${problem}\n${USAGE}\n`);
  return 2;
}

export function jitCheckCommand(args: string[]): number {
  const paths: string[] = [];
  const archs: string[] = [];
  const mappingArgs: string[] = [];
  let save: string | undefined;
  let json = false;
  let list = false;
  let minimal = false;
  let hardwareModel: string | undefined;
  let timeout = 60;
  const includeDirs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (): string | undefined => args[++i];
    if (a === '--arch') {
      const v = value();
      if (v === undefined) return usage('--arch needs a list of architectures');
      archs.push(...v.split(',').filter((x) => x !== ''));
    } else if (a === '--mapping') {
      const v = value();
      if (v === undefined) return usage('--mapping needs a name or a file');
      mappingArgs.push(...v.split(',').filter((x) => x !== ''));
    } else if (a === '--save') {
      save = value();
      if (save === undefined) return usage('--save needs a directory');
    } else if (a === '--hardware-model') {
      hardwareModel = value();
      if (hardwareModel === undefined) return usage('--hardware-model needs a file');
    } else if (a === '-I') {
      const v = value();
      if (v === undefined) return usage('-I needs a directory');
      includeDirs.push(v);
    } else if (a === '-timeout' || a === '--timeout') {
      const v = value();
      if (v === undefined || !/^\d+(\.\d+)?$/.test(v))
        return usage(`${a} needs a number of seconds`);
      timeout = Number(v);
    } else if (a === '--json') json = true;
    else if (a === '--list-mappings') list = true;
    else if (a === '--minimal') minimal = true;
    else if (a === '-h' || a === '--help' || a === '-help') {
      process.stdout.write(USAGE + '\n');
      return 0;
    } else if (a.startsWith('-')) return usage(`unknown option ${a}`);
    else paths.push(a);
  }

  let shipped: Mapping[];
  try {
    shipped = shippedMappings();
  } catch (err) {
    return fail(err);
  }
  if (list) {
    const width = Math.max(...shipped.map((m) => m.name.length));
    for (const m of shipped) process.stdout.write(`${m.name.padEnd(width)}  ${m.summary}\n`);
    return 0;
  }
  if (paths.length === 0) return usage('missing PATH (BPF litmus tests or directories)');

  // Which mappings: named ones, else the current mapping (named like its architecture)
  // of each architecture asked for, else of every architecture.
  const knownArchs = [...new Set(shipped.map((m) => m.arch))];
  for (const a of archs)
    if (!knownArchs.includes(a))
      return usage(`unknown architecture '${a}'; known: ${knownArchs.join(', ')}`);
  const mappings: Mapping[] = [];
  try {
    for (const name of mappingArgs) {
      if (name.includes('/') || name.endsWith('.jit')) mappings.push(loadMapping(name));
      else {
        const m = shipped.find((s) => s.name === name);
        if (!m)
          return usage(
            `unknown mapping '${name}'; shipped: ${shipped.map((s) => s.name).join(', ')}`,
          );
        mappings.push(m);
      }
    }
  } catch (err) {
    return fail(err);
  }
  if (mappings.length === 0)
    for (const a of archs.length ? archs : knownArchs)
      mappings.push(...shipped.filter((m) => m.name === a));
  const selected = archs.length ? mappings.filter((m) => archs.includes(m.arch)) : mappings;

  let files: string[];
  try {
    files = expandInputs(paths).tests.map((t) => t.file);
  } catch (err) {
    return fail(err);
  }
  if (files.length === 0) return usage('no .litmus files under the given paths');

  const results: JitCheckResult[] = [];
  const failures: string[] = [];
  const bpfRuns = new Map<string, ReturnType<typeof runBpf>>();
  for (const file of files) {
    let bpf;
    try {
      bpf = runBpf(file, { timeout });
    } catch (err) {
      failures.push(describe(err));
      continue;
    }
    bpfRuns.set(file, bpf);
    for (const m of selected) {
      const r = checkTest(file, bpf, m, {
        hardware: { timeout, includeDirs, ...(hardwareModel ? { model: hardwareModel } : {}) },
      });
      results.push(r);
      if (save && r.lowered) {
        const out = join(save, m.name, basename(file));
        mkdirSync(dirname(out), { recursive: true });
        writeFileSync(out, r.lowered);
      }
    }
  }
  let minimalReport: Weakening[] = [];
  if (minimal)
    minimalReport = weakenings(selected, bpfRuns, {
      hardware: { timeout, includeDirs, ...(hardwareModel ? { model: hardwareModel } : {}) },
    });

  const sound = results.filter((r) => r.verdict === 'sound' || r.verdict === 'stronger').length;
  const unsound = results.filter((r) => r.verdict === 'UNSOUND').length;
  const undecided = results.filter(
    (r) => r.verdict === 'not lowered' || r.verdict === 'limit' || r.verdict === 'no execution',
  );
  if (json) {
    const report = {
      mappings: selected.map((m) => ({
        name: m.name,
        arch: m.arch,
        file: m.file,
        kernel: m.kernel,
        source: m.source,
      })),
      results: results.map(({ lowered: _lowered, ...r }) => r),
      ...(minimal ? { minimal: minimalReport } : {}),
      errors: failures,
      sound,
      unsound,
    };
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } else {
    process.stdout.write(formatTable(files, selected, results));
    for (const r of results.filter((x) => x.verdict === 'UNSOUND')) {
      process.stdout.write(`UNSOUND ${r.test} on ${r.mapping}: the hardware allows\n`);
      for (const s of r.unsound) process.stdout.write(`    ${s}\n`);
      process.stdout.write('  which BPF forbids\n');
    }
    for (const r of undecided)
      process.stdout.write(`${r.verdict} ${r.test} on ${r.mapping}: ${r.reason}\n`);
    for (const f of failures) process.stdout.write(`error ${f}\n`);
    if (minimal) process.stdout.write(formatMinimal(minimalReport));
    const extra = undecided.length + failures.length;
    process.stdout.write(
      `${sound} sound, ${unsound} unsound${extra ? `, ${extra} not lowered or undecided` : ''}\n`,
    );
  }
  return unsound > 0 || undecided.length > 0 || failures.length > 0 ? 1 : 0;
}

function formatTable(files: string[], mappings: Mapping[], results: JitCheckResult[]): string {
  const byKey = new Map(results.map((r) => [`${r.file}\u0000${r.mapping}`, r]));
  const names = files.map((f) => basename(f).replace(/\.litmus$/, ''));
  const first = Math.max(4, ...names.map((n) => n.length));
  const widths = mappings.map((m) => Math.max(m.name.length, 11));
  const row = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(i === 0 ? first : widths[i - 1]!))
      .join('  ')
      .trimEnd() + '\n';
  let out = row(['test', ...mappings.map((m) => m.name)]);
  files.forEach((f, k) => {
    out += row([
      names[k]!,
      ...mappings.map((m) => byKey.get(`${f}\u0000${m.name}`)?.verdict ?? '-'),
    ]);
  });
  return out;
}

function formatMinimal(report: Weakening[]): string {
  let out = 'Weakenings, each alone, checked against the tests that use the instruction:\n';
  for (const w of report.filter((x) => x.tested > 0)) {
    const tests = `${w.tested} test${w.tested === 1 ? '' : 's'}`;
    const shown = w.breaks.slice(0, 4).join(', ');
    const more = w.breaks.length > 4 ? `, and ${w.breaks.length - 4} more` : '';
    const status = w.safe
      ? `safe (${tests})`
      : `UNSOUND on ${w.breaks.length} of ${tests}: ${shown}${more}`;
    out += `  ${w.mapping}: ${w.entry} -> ${w.weakened}: ${status}\n`;
  }
  const unused = new Map<string, string[]>();
  for (const w of report.filter((x) => x.tested === 0))
    unused.set(w.mapping, [...(unused.get(w.mapping) ?? []), w.entry]);
  for (const [m, entries] of unused) out += `  ${m}: no test uses ${entries.join('; ')}\n`;
  return out;
}

function describe(err: unknown): string {
  if (err instanceof OrdoError) return err.format();
  return `internal error: ${(err as Error).message}`;
}

function fail(err: unknown): number {
  process.stderr.write(`ordo jit-check: ${describe(err)}\n`);
  return err instanceof OrdoError ? 1 : 4;
}
