// From what the user asked for (a cfg file, -model/-bell/-macros, -I, settings) to the
// files and settings a run uses: the cfg is read, then every file it or the command line
// names is found on herd7's search path; command-line settings override the cfg's.

import type { ModelConfig } from '../cat/index.js';
import { OrdoError } from '../diagnostics.js';
import { readHerdConfig, type DisplaySetting, type HerdConfig } from './cfg-file.js';
import { ordoModelDir, requireHerdFile } from './search-path.js';
import type { HerdSettings } from './settings.js';
import { join } from 'node:path';

export type { HerdSettings, Speedcheck, Through } from './settings.js';
export type { DisplaySetting } from './cfg-file.js';

/** What a run was asked to use: file names as typed, and command-line settings. */
export interface ConfigRequest extends HerdSettings {
  conf?: string;
  model?: string;
  bell?: string;
  macros?: string;
  includeDirs?: string[];
}

export interface ResolvedConfig {
  model: ModelConfig;
  /** The macro (.def) file for C tests. */
  macrosFile: string;
  /** The cfg's settings overridden by the command line's. */
  settings: HerdSettings;
  /** The cfg's graph settings, as written (for the graph output). */
  display: DisplaySetting[];
  /** The cfg files read. */
  cfgFiles: string[];
}

/** Ordo's own Linux-kernel memory model: the default configuration. */
export const ORDO_LKMM_CONFIG = join(ordoModelDir('lkmm'), 'lkmm.cfg');
/** Ordo's own BPF memory model: the default for BPF tests. */
export const ORDO_BPF_CONFIG = join(ordoModelDir('bpf'), 'bpf.cfg');

const EMPTY_CONFIG: HerdConfig = { files: [], includeDirs: [], settings: {}, display: [] };

/**
 * Resolve a request: with neither a cfg nor a model, `defaultConf` (Ordo's own model) is
 * read. Search-path directories: the command line's -I, then the cfg's `include` lines.
 */
export function resolveConfig(
  req: ConfigRequest,
  defaultConf: string = ORDO_LKMM_CONFIG,
): ResolvedConfig {
  const cliDirs = req.includeDirs ?? [];
  const confName = req.conf ?? (req.model ? null : defaultConf);
  const cfg = confName
    ? readHerdConfig(requireHerdFile(confName, cliDirs, '-conf'), cliDirs)
    : EMPTY_CONFIG;
  const dirs = [...cliDirs, ...cfg.includeDirs];
  const find = (typed: string | undefined, option: string, fromCfg: HerdConfig['model']) => {
    if (typed !== undefined) return requireHerdFile(typed, dirs, option);
    if (fromCfg) return requireHerdFile(fromCfg.name, dirs, fromCfg.where);
    return undefined;
  };
  const catFile = find(req.model, '-model', cfg.model);
  if (!catFile)
    throw new OrdoError('configuration does not name a model (`model FILE`)', {
      file: cfg.files[0] ?? '-conf',
      line: 0,
      col: 0,
    });
  const settings = mergeSettings(cfg.settings, req);
  const model: ModelConfig = {
    catFile,
    bellFile: find(req.bell, '-bell', cfg.bell),
    variants: settings.variants ?? [],
    includeDirs: dirs,
    skipchecks: settings.skipchecks ?? [],
    through: settings.through ?? 'none',
  };
  // Without a macro file (e.g. -model alone) C tests use Ordo's own LKMM macros.
  const macrosFile =
    find(req.macros, '-macros', cfg.macros) ?? join(ordoModelDir('lkmm'), 'lkmm.def');
  return { model, macrosFile, settings, display: cfg.display, cfgFiles: cfg.files };
}

/** The cfg's settings, overridden by the command line's; lists (variants, skipchecks) add up. */
function mergeSettings(fromCfg: HerdSettings, cli: HerdSettings): HerdSettings {
  const union = (a?: string[], b?: string[]) =>
    a || b ? [...new Set([...(a ?? []), ...(b ?? [])])] : undefined;
  return {
    variants: union(fromCfg.variants, cli.variants),
    skipchecks: union(fromCfg.skipchecks, cli.skipchecks),
    through: cli.through ?? fromCfg.through,
    unroll: cli.unroll ?? fromCfg.unroll,
    speedcheck: cli.speedcheck ?? fromCfg.speedcheck,
    timeout: cli.timeout ?? fromCfg.timeout,
    verbose: cli.verbose ?? fromCfg.verbose,
  };
}

/** The model a cfg file names, found as `-conf cfgPath -I includeDirs...` would find it. */
export function modelConfigOf(cfgPath: string, includeDirs: string[] = []): ModelConfig {
  return resolveConfig({ conf: cfgPath, includeDirs }).model;
}
