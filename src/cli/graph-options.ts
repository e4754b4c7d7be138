// herd7's drawing options (-show, -o, -graph, -showevents, -nshow, -doshow, -unshow) and
// Ordo's -svg, and writing the graphs a run collected: DIR/TEST.dot as herd7 writes it,
// DIR/TEST.svg with -svg, or one SVG file when -o names a `.svg` file.

import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { OrdoError } from '../diagnostics.js';
import {
  defaultGraphSettings,
  GRAPH_LAYOUTS,
  SHOW_CHOICES,
  SHOWN_EVENTS,
  type GraphSettings,
} from '../report/dot.js';
import type { ShowRequest } from '../report/graph-collector.js';
import { dotToSvg } from '../report/svg.js';

export interface GraphRequest {
  settings: GraphSettings;
  shown: ShowRequest;
  /** -o: a directory, or a `.svg` file. */
  output: string | null;
  svg: boolean;
}

export function emptyGraphRequest(): GraphRequest {
  return {
    settings: defaultGraphSettings(),
    shown: { doshow: [], unshow: [] },
    output: null,
    svg: false,
  };
}

function oneOf<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value))
    throw new OrdoError(`${flag} takes ${choices.join(', ')}, not ${value}`);
  return value as T;
}

function names(value: string): string[] {
  return value
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Read a drawing option at args[i] into `request`; returns how many arguments it used
 * (0 when args[i] is not one).
 */
export function readGraphOption(args: string[], i: number, request: GraphRequest): number {
  const flag = args[i].replace(/^--/, '-');
  const value = (): string => {
    const v = args[i + 1];
    if (v === undefined) throw new OrdoError(`option ${flag} needs a value`);
    return v;
  };
  switch (flag) {
    case '-show':
      request.settings.show = oneOf(flag, value(), SHOW_CHOICES);
      return 2;
    case '-graph':
      request.settings.layout = oneOf(flag, value(), GRAPH_LAYOUTS);
      return 2;
    case '-showevents':
      request.settings.events = oneOf(flag, value(), SHOWN_EVENTS);
      return 2;
    case '-nshow': {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0) throw new OrdoError(`-nshow takes a whole number`);
      request.settings.maxGraphs = n;
      return 2;
    }
    case '-doshow':
      request.shown.doshow.push(...names(value()));
      return 2;
    case '-unshow':
      request.shown.unshow.push(...names(value()));
      return 2;
    case '-o':
      request.output = checkOutput(value());
      return 2;
    case '-svg':
      request.svg = true;
      return 1;
    default:
      return 0;
  }
}

function checkOutput(path: string): string {
  if (path.endsWith('.svg')) {
    const dir = dirname(path);
    if (!existsSync(dir) || !statSync(dir).isDirectory())
      throw new OrdoError(`-o ${path}: ${dir} is not a directory`);
    if (existsSync(path) && statSync(path).isDirectory())
      throw new OrdoError(`-o ${path}: is a directory`);
    return path;
  }
  if (existsSync(path) && !statSync(path).isDirectory())
    throw new OrdoError(`-o ${path}: not a directory (graphs go to DIR/TEST.dot)`);
  // A folder that does not exist yet is created, unless a file is in the way.
  let above = dirname(path);
  while (!existsSync(above) && dirname(above) !== above) above = dirname(above);
  if (!statSync(above).isDirectory())
    throw new OrdoError(`-o ${path}: cannot create it, ${above} is not a directory`);
  return path;
}

/** Whether the run must collect graphs: -show something, or -o given. */
export function wantsGraphs(request: GraphRequest): boolean {
  return request.settings.show !== 'none';
}

/** Check that graphs have somewhere to go. */
export function checkGraphRequest(request: GraphRequest): void {
  if (request.output === null && (request.settings.show !== 'none' || request.svg))
    throw new OrdoError('-show and -svg need -o DIR (or -o FILE.svg) to write the graphs to');
}

function write(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    throw new OrdoError(`cannot write ${path}: ${(e as Error).message}`);
  }
}

/**
 * Write one test's graphs: DIR/TEST.dot (TEST: the litmus file's name) (herd7's file: every drawn execution, empty when
 * none), and with -svg DIR/TEST.svg (DIR/TEST-2.svg ... for further executions); or,
 * when -o names a .svg file, the first execution's picture there.
 */
export async function writeGraphs(
  request: GraphRequest,
  testFile: string,
  dot: string,
  graphs: string[],
): Promise<void> {
  const out = request.output;
  if (out === null) return;
  // herd7 names the graph file after the litmus file.
  const testName = basename(testFile).replace(/\.litmus$/, '');
  if (out.endsWith('.svg')) {
    if (graphs.length > 0) write(out, await dotToSvg(graphs[0]));
    return;
  }
  try {
    mkdirSync(out, { recursive: true });
  } catch (e) {
    throw new OrdoError(`-o ${out}: cannot create the directory: ${(e as Error).message}`);
  }
  write(join(out, `${testName}.dot`), dot);
  if (request.svg)
    for (let k = 0; k < graphs.length; k++)
      write(
        join(out, k === 0 ? `${testName}.svg` : `${testName}-${k + 1}.svg`),
        await dotToSvg(graphs[k]),
      );
}
