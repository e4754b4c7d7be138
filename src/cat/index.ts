// Public API of the cat component: read a herd configuration, load a model (stdlib,
// bell file, cat file and their includes) and evaluate it on candidate executions.

import { statSync } from 'node:fs';
import { readSourceFile } from '../source.js';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ORDO_LIBRARY, requireHerdFile } from '../config/search-path.js';
import { OrdoError, withinDepthLimit, type Location } from '../diagnostics.js';
import type { CatFile } from './ast.js';
import { Compiler } from './compile.js';
import type { CompiledProgram, V } from './resolved.js';
import type { ModelInput } from './input.js';
import { evaluateProgram, type CatOutcome, type EvalOptions } from './interp.js';
import { parseCat } from './parser.js';
import { PRIMITIVES } from './primitives.js';
import { EMPTY, UNV, freshId } from './values.js';
import {
  codeDigest,
  decodeGraph,
  encodeGraph,
  readCache,
  sha256,
  writeCache,
  type Opaque,
} from '../disk-cache.js';

export type { CatOutcome, EvalOptions, FailedCheck } from './interp.js';
export { CatError } from './values.js';

export interface ModelConfig {
  /** Absolute paths, found on the search path (src/config). */
  catFile: string;
  bellFile?: string;
  variants: string[];
  /** -I directories (and a cfg's `include` lines): where includes are looked up. */
  includeDirs: string[];
  /** Names of checks not to apply (herd7's -skipchecks). */
  skipchecks?: string[];
  /** herd7's -through: `invalid` and `all` let executions failing a check through. */
  through?: 'none' | 'invalid' | 'all';
}

export interface CompiledModel {
  /** True when a loaded file's header says `withoutco`: the model generates co itself. */
  withoutCo: boolean;
  /** Every tag declared by `enum` in the loaded files, in declaration order. */
  declaredTags: string[];
  /** Header options seen in any loaded file (withoutco, withinit, ...). */
  options: string[];
  /** Title of the main cat file. */
  title: string | null;
  /** Absolute paths of all files read (stdlib, bell, cat, includes). */
  files: string[];
  config: ModelConfig;
  program: CompiledProgram;
}

const parseCache = new Map<string, { mtimeMs: number; file: CatFile }>();

/** Parse a model file; `where` is the `include` that asked for it, if any. */
function parseFile(path: string, where: Location | null): CatFile {
  const mtimeMs = safeMtime(path);
  const hit = parseCache.get(path);
  if (hit && hit.mtimeMs === mtimeMs) return hit.file;
  let src: string;
  try {
    src = readSourceFile(path);
  } catch (err) {
    // Blame the include line when there is one: that is what the user has to change.
    if (err instanceof OrdoError && where) throw new OrdoError(`"${path}": ${err.message}`, where);
    throw err;
  }
  const file = withinDepthLimit(path, () => parseCat(src, path));
  parseCache.set(path, { mtimeMs, file });
  return file;
}

const modelCache = new Map<string, CompiledModel>();

/**
 * Parse and resolve a model: herd's stdlib.cat first, then the bell file, then the cat
 * file, all in one environment. `include "f"` and stdlib.cat are looked up on herd7's
 * search path (current directory, cfg.includeDirs, $HERDLIB, Ordo's models).
 */
export function loadModel(cfg: ModelConfig): CompiledModel {
  const skipped = [...new Set(cfg.skipchecks ?? [])].sort();
  const through = cfg.through ?? 'none';
  const key = JSON.stringify([
    cfg.catFile,
    cfg.bellFile ?? '',
    cfg.variants,
    cfg.includeDirs,
    skipped,
    through,
  ]);
  const files: string[] = [];
  const fresh = (): CompiledModel => {
    const load = (name: string, askedBy: Location | string): CatFile => {
      const p = requireHerdFile(name, cfg.includeDirs, askedBy);
      if (!files.includes(p)) files.push(p);
      return parseFile(p, typeof askedBy === 'string' ? null : askedBy);
    };
    // Ordo's own prelude, always: it defines what Ordo's interpreter gives every model, and
    // herd7's stdlib.cat (found first with -I herd-lib) relies on herd7's built-ins.
    const stdlib = load(join(ORDO_LIBRARY[0], 'stdlib.cat'), 'the cat interpreter');
    const parts: CatFile[] = [stdlib];
    if (cfg.bellFile) parts.push(load(resolve(cfg.bellFile), 'the configuration'));
    const main = load(resolve(cfg.catFile), 'the configuration');
    parts.push(main);
    const compiler = new Compiler(
      new Set(cfg.variants),
      (name, _fromFile, loc) => load(name, loc),
      { skipped: new Set(skipped), letFailedChecksThrough: through !== 'none' },
    );
    const program = withinDepthLimit(cfg.catFile, () => compiler.compileFiles(parts));
    return {
      withoutCo: program.withoutCo,
      declaredTags: program.declaredTags,
      options: program.options,
      title: main.title ?? main.ident,
      files,
      config: cfg,
      program,
    };
  };
  const hit = modelCache.get(key);
  if (hit && hit.files.every((f) => parseCache.get(f)?.mtimeMs === safeMtime(f))) return hit;
  const diskKey = JSON.stringify({
    code: codeDigest(dirname(fileURLToPath(import.meta.url))),
    // Includes are found on herd7's search path: what it starts from is part of the key.
    library: ORDO_LIBRARY,
    cwd: process.cwd(),
    herdlib: process.env.HERDLIB ?? '',
    catFile: resolve(cfg.catFile),
    bellFile: cfg.bellFile ? resolve(cfg.bellFile) : null,
    variants: cfg.variants,
    includeDirs: cfg.includeDirs,
    skipped,
    through,
  });
  let m = readCachedModel(diskKey, cfg);
  if (!m) {
    m = fresh();
    writeCachedModel(diskKey, m);
  }
  modelCache.set(key, m);
  return m;
}

// ------------------------------------------------------------------ the cache on disk

interface CachedModel {
  /** Every file the model was made from, with the digest of its contents then. */
  files: { path: string; digest: string }[];
  model: unknown;
}

/** Primitives hold functions, and `{}` and `_` are shared constants: stored by name. */
function modelOpaque(): Opaque {
  const prims = new Map<string, V>();
  return {
    nameOf: (v) => {
      if (v === EMPTY) return 'empty';
      if (v === UNV) return 'unv';
      const p = v as V;
      return 'k' in p && p.k === 'prim' ? `prim:${p.name}` : undefined;
    },
    byName: (name) => {
      if (name === 'empty') return EMPTY;
      if (name === 'unv') return UNV;
      let p = prims.get(name);
      if (!p) {
        const prim = name.slice('prim:'.length);
        const fn = PRIMITIVES.find(([n]) => n === prim)?.[1];
        if (!fn) throw new Error(`unknown primitive ${prim}`);
        p = { k: 'prim', id: freshId(), name: prim, fn };
        prims.set(name, p);
      }
      return p;
    },
  };
}

function fileDigest(path: string): string | null {
  try {
    return sha256(readSourceFile(path));
  } catch {
    return null;
  }
}

function readCachedModel(diskKey: string, cfg: ModelConfig): CompiledModel | undefined {
  const entry = readCache('model', diskKey) as CachedModel | undefined;
  if (!entry || !Array.isArray(entry.files)) return undefined;
  if (!entry.files.every((f) => fileDigest(f.path) === f.digest)) return undefined;
  try {
    const m = decodeGraph(entry.model, modelOpaque()) as Omit<CompiledModel, 'files' | 'config'>;
    return { ...m, files: entry.files.map((f) => f.path), config: cfg };
  } catch {
    return undefined;
  }
}

function writeCachedModel(diskKey: string, m: CompiledModel): void {
  const files: CachedModel['files'] = [];
  for (const path of m.files) {
    const digest = fileDigest(path);
    if (digest === null) return;
    files.push({ path, digest });
  }
  const { withoutCo, declaredTags, options, title, program } = m;
  let model: unknown;
  try {
    model = encodeGraph({ withoutCo, declaredTags, options, title, program }, modelOpaque());
  } catch {
    return; // something in the model is not plain data: run without the cache
  }
  writeCache('model', diskKey, { files, model } satisfies CachedModel);
}

function safeMtime(p: string): number {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return -1;
  }
}

/**
 * Run the model on one candidate execution. Returns one outcome per complete path of
 * the model (paths fork at `with x from S`). Rejected paths ARE included, with
 * allowed=false, flags=[] (flags of rejected paths do not count) and failedCheck set;
 * a `with x from S` over an empty S also yields one rejected outcome. An execution is
 * allowed by the model when some outcome has allowed=true.
 */
export function evaluateModel(
  model: CompiledModel,
  input: ModelInput,
  opts?: EvalOptions,
): CatOutcome[] {
  return evaluateProgram(model.program, input, opts);
}
