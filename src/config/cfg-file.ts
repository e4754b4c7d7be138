// herd7's configuration files (`-conf FILE`, e.g. the kernel's linux-kernel.cfg): one
// `key value` (or `key = value`) per line, `#` comment lines. Every key herd7 knows is
// either applied as herd7 applies it, kept for the graph output (display keys), or refused
// with an error naming the key and the line; an unknown key is an error, as in herd7
// (herdtools7 herd/lexConf_herd.mll). File names are resolved later, on the search path
// (search-path.ts), once every -I and `include` is known, as herd7 does.

import { readSourceFile } from '../source.js';
import { OrdoError, type Location } from '../diagnostics.js';
import { requireHerdFile } from './search-path.js';
import {
  readBool,
  readList,
  readNonNegativeInt,
  readSeconds,
  readSpeedcheck,
  readThrough,
  readVariants,
  type HerdSettings,
} from './settings.js';

/** A file a cfg names, with the line that named it (for a missing-file error). */
export interface NamedFile {
  name: string;
  where: Location;
}

/** A display (graph) setting, kept as written for the graph output. */
export interface DisplaySetting {
  key: string;
  value: string;
  where: Location;
}

export interface HerdConfig {
  /** The cfg files read, the named one first (a cfg may read another with `conf`). */
  files: string[];
  model?: NamedFile;
  bell?: NamedFile;
  macros?: NamedFile;
  /** `include DIR` lines: more search-path directories, after the command line's -I. */
  includeDirs: string[];
  settings: HerdSettings;
  display: DisplaySetting[];
}

type KeyReader = (cfg: HerdConfig, value: string, where: Location, key: string) => void;

const named =
  (slot: 'model' | 'bell' | 'macros'): KeyReader =>
  (cfg, name, where) => {
    cfg[slot] = { name, where };
  };

const bool: KeyReader = (_cfg, v, where, key) => void readBool(v, key, where);
const num: KeyReader = (_cfg, v, where, key) => {
  if (v !== 'none' && !Number.isFinite(Number(v)))
    throw new OrdoError(`${key} takes a number, not ${v}`, where);
};
const text: KeyReader = () => {};
const tag =
  (...tags: string[]): KeyReader =>
  (_cfg, v, where, key) => {
    if (!tags.includes(v.toLowerCase()))
      throw new OrdoError(`${key} takes ${tags.join(', ')}, not ${v}`, where);
  };

/** Keys that only shape the graphs herd7 draws: checked, then kept in `display`. */
const DISPLAY_KEYS: Record<string, KeyReader> = {
  show: tag('none', 'all', 'prop', 'neg', 'cond', 'wit'),
  showflag: text,
  nshow: num,
  showkind: bool,
  shortlegend: bool,
  texmacros: bool,
  dotmode: tag('plain', 'fig'),
  dotcom: tag('dot', 'neato', 'circo'),
  view: tag('gv', 'evince', 'preview'),
  showevents: tag('all', 'mem', 'noregs', 'memory', 'memfence', 'memfences', 'nonregs'),
  graph: tag('free', 'cluster', 'columns'),
  mono: bool,
  fontname: text,
  fontsize: num,
  edgefontsizedelta: num,
  penwidth: num,
  arrowsize: num,
  splines: tag('spline', 'true', 'false', 'line', 'polyline', 'ortho', 'curved', 'none'),
  overlap: text,
  sep: text,
  margin: num,
  pad: num,
  scale: num,
  xscale: num,
  yscale: num,
  dsiy: num,
  siwidth: num,
  boxscale: num,
  ptscale: num,
  squished: bool,
  showpo: bool,
  relabel: bool,
  withbox: bool,
  labelbox: bool,
  showfinalrf: bool,
  showinitrf: bool,
  finalrfpos: text,
  initrfpos: text,
  oneinit: bool,
  labelinit: bool,
  initpos: text,
  threadposy: num,
  showinitwrites: bool,
  showthread: bool,
  showlegend: bool,
  brackets: bool,
  showobserved: bool,
  movelabel: bool,
  fixedsize: bool,
  extrachars: num,
  dotheader: text,
  doshow: text,
  unshow: text,
  noid: text,
  symetric: text,
  classes: text,
  showraw: text,
  edgeattr: (_cfg, v, where, key) => {
    if (v.split(',').length !== 3)
      throw new OrdoError(`${key} takes LABEL,ATTRIBUTE,VALUE, not ${v}`, where);
  },
  shift: text,
  edgemerge: bool,
  suffix: text,
  cycles: text,
};

/** Keys that change what herd7 computes or reads, applied as herd7 applies them. */
const RUN_KEYS: Record<string, KeyReader> = {
  model: named('model'),
  cat: named('model'),
  bell: named('bell'),
  macros: named('macros'),
  include: (cfg, dir) => {
    cfg.includeDirs.push(dir);
  },
  variant: (cfg, v, where, key) => {
    const s = cfg.settings;
    s.variants = [...(s.variants ?? []), ...readVariants(v, key, where)];
  },
  skipchecks: (cfg, v) => {
    const s = cfg.settings;
    s.skipchecks = [...(s.skipchecks ?? []), ...readList(v)];
  },
  through: (cfg, v, where, key) => {
    cfg.settings.through = readThrough(v, key, where);
  },
  unroll: (cfg, v, where, key) => {
    if (v === 'none') delete cfg.settings.unroll;
    else cfg.settings.unroll = readNonNegativeInt(v, key, where);
  },
  speedcheck: (cfg, v, where, key) => {
    cfg.settings.speedcheck = readSpeedcheck(v, key, where);
  },
  timeout: (cfg, v, where, key) => {
    if (v === 'none') delete cfg.settings.timeout;
    else cfg.settings.timeout = readSeconds(v, key, where);
  },
  verbose: (cfg, v, where, key) => {
    const n = Number(v);
    if (!Number.isInteger(n)) throw new OrdoError(`${key} takes a whole number, not ${v}`, where);
    cfg.settings.verbose = n;
  },
  // Ordo always gives the model the initial writes as events (herd7's `initwrites true`).
  initwrites: (_cfg, v, where, key) => {
    if (!readBool(v, key, where))
      throw new OrdoError(
        'initwrites false is not supported: Ordo always represents initial writes as events',
        where,
      );
  },
  // herd7's defaults, the only values Ordo implements.
  hexa: (_cfg, v, where, key) => refuseUnless(v, 'false', key, where),
  badexecs: (_cfg, v, where, key) => refuseUnless(v, 'true', key, where),
  strictskip: (_cfg, v, where, key) => refuseUnless(v, 'false', key, where),
  outcomereads: (_cfg, v, where, key) => refuseUnless(v, 'false', key, where),
  dumpallfaults: (_cfg, v, where, key) => refuseUnless(v, 'false', key, where),
  restrict: (_cfg, v, where, key) => refuseUnless(v, 'none', key, where),
};

function refuseUnless(v: string, only: string, key: string, where: Location): void {
  if (v.toLowerCase() !== only)
    throw new OrdoError(`${key} ${v} is not supported by Ordo (only ${key} ${only})`, where);
}

/** Keys herd7 knows whose effect Ordo does not implement. */
const UNSUPPORTED_KEYS = new Set([
  'debug',
  'names',
  'oknames',
  'excl',
  'nonames',
  'rename',
  'kinds',
  'conds',
  'machsize',
  'endian',
  'optace',
  'archcheck',
  'badflag',
]);

const LINE = /^([A-Za-z]+)(?:[ \t\r]*=[ \t\r]*|[ \t\r]+)(\S.*?)[ \t\r]*$/;

/** Read a cfg file (already found on the search path) and the cfg files it reads. */
export function readHerdConfig(path: string, includeDirs: readonly string[] = []): HerdConfig {
  const cfg: HerdConfig = { files: [], includeDirs: [], settings: {}, display: [] };
  readInto(cfg, path, includeDirs, 0);
  return cfg;
}

function readInto(
  cfg: HerdConfig,
  path: string,
  includeDirs: readonly string[],
  depth: number,
): void {
  if (depth > 16)
    throw new OrdoError('configuration files read each other too deeply', {
      file: path,
      line: 0,
      col: 0,
    });
  cfg.files.push(path);
  const lines = readSourceFile(path).split('\n');
  lines.forEach((raw, idx) => {
    if (raw.startsWith('#') || raw.trim() === '') return;
    const where: Location = { file: path, line: idx + 1, col: 1 };
    const m = LINE.exec(raw);
    if (!m) {
      const key = /^[A-Za-z]+/.exec(raw);
      throw new OrdoError(
        key ? `key '${key[0]}' needs a value` : 'Unknown key in configuration file',
        where,
      );
    }
    const [, key, value] = m;
    const at: Location = { ...where, col: raw.indexOf(value, key.length) + 1 };
    if (key === 'conf') {
      const nested = requireHerdFile(value, [...includeDirs, ...cfg.includeDirs], at);
      readInto(cfg, nested, includeDirs, depth + 1);
      return;
    }
    const run = RUN_KEYS[key];
    if (run) return run(cfg, value, at, key);
    const display = DISPLAY_KEYS[key];
    if (display) {
      display(cfg, value, at, key);
      cfg.display.push({ key, value, where: at });
      return;
    }
    if (UNSUPPORTED_KEYS.has(key))
      throw new OrdoError(`configuration key '${key}' is not supported by Ordo`, where);
    throw new OrdoError(`Unknown key '${key}' in configuration file`, where);
  });
}
