// The run settings herd7 takes both as command-line options and as `.cfg` keys, with one
// reader per setting so both spellings mean the same thing and refuse the same values.

import { OrdoError, type Location } from '../diagnostics.js';

export type Speedcheck = 'false' | 'true' | 'fast';
/** herd7's -through: which executions failing the model's checks are let through. */
export type Through = 'none' | 'invalid' | 'all';

/** Settings a cfg file and the command line share (the command line wins). */
export interface HerdSettings {
  variants?: string[];
  skipchecks?: string[];
  through?: Through;
  /** How many times a loop body (C) or backward jump (BPF) may run; herd7's default is 2. */
  unroll?: number;
  speedcheck?: Speedcheck;
  /** Seconds of CPU time. */
  timeout?: number;
  /** herd7's verbosity: -1 for -q, 0 by default, +1 for each -v. */
  verbose?: number;
}

/** herd7's own default for -unroll (herdtools7 opts.ml). */
export const DEFAULT_UNROLL = 2;

function bad(message: string, where: Location | null): never {
  throw new OrdoError(message, where);
}

export function readSpeedcheck(v: string, key: string, where: Location | null): Speedcheck {
  if (v === 'false' || v === 'true' || v === 'fast') return v;
  return bad(`${key} takes true, false or fast, not ${v}`, where);
}

export function readThrough(v: string, key: string, where: Location | null): Through {
  const t = v.toLowerCase();
  if (t === 'none' || t === 'invalid' || t === 'all') return t;
  return bad(`${key} takes none, invalid or all, not ${v}`, where);
}

export function readBool(v: string, key: string, where: Location | null): boolean {
  if (v === 'true') return true;
  if (v === 'false') return false;
  return bad(`${key} takes true or false, not ${v}`, where);
}

export function readNonNegativeInt(v: string, key: string, where: Location | null): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n))
    return bad(`${key} takes a whole number, not ${v}`, where);
  return n;
}

export function readSeconds(v: string, key: string, where: Location | null): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0)
    return bad(`${key} takes a number of seconds, not ${v}`, where);
  return n;
}

/** A comma-separated list, as herd7 splits it; empty items are dropped. */
export function readList(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

// herd7 7.58's variant tags (herdtools7 herd/variant.ml). Ordo's models read the ones
// they test with `if "tag"`; herd7 refuses any other word, and so does Ordo.
const VARIANT_WORDS = new Set([
  'success',
  'instr',
  'specialx0',
  'amox0',
  'x0',
  'normw',
  'acqrelasfence',
  'backcompat',
  'back',
  'fullscdepend',
  'scdepend',
  'splittedrmw',
  'switchdepscwrite',
  'switchdepscresult',
  'lrscdiffok',
  'mixed',
  'unaligned',
  'dontcheckmixed',
  'notweakpredicated',
  'notweakpred',
  'lkmmv1',
  'lkmmv2',
  'tagmem',
  'memtag',
  'mte',
  'cutoff',
  'morello',
  'neon',
  'sve',
  'sme',
  'deps',
  'instances',
  'instance',
  'kvm',
  'vmsa',
  'ets',
  'ets2',
  'ets3',
  'exs',
  'eis',
  'eos',
  'noptebranch',
  'nobranch',
  'pte2',
  'pte-squared',
  'phantomonload',
  'optrfrmw',
  'constrainedunpredictable',
  'cu',
  'exp',
  'ifetch',
  'self',
  'cos-opt',
  'test',
  'asl',
  'asl_aarch64',
  'aslaarch64',
  'asl+aarch64',
  'aslv0',
  'asl0',
  'asl_0',
  'aslv1',
  'asl1',
  'asl_1',
  'asltype+warn',
  'asltype+silence',
  'asltype+check',
  'asl+aarch64+udf',
  's128',
  'strict',
  'warn',
  'telechat',
  'nv2',
  'oldsolver',
  'oota',
  'pac',
  'fpac',
  'const-pac-field',
  'd128',
  // MTE precision and fault handling
  'sync',
  'synchronous',
  'async',
  'asynchronous',
  'asym',
  'asymmetric',
  'fatal',
  'skip',
  'handled',
]);

/** The tags herd7 lists when it refuses one. */
export const VARIANT_TAGS =
  'success,instr,specialx0,normw,acqrelasfence,backcompat,fullscdepend,splittedrmw,' +
  'switchdepscwrite,switchdepscresult,lrscdiffok,mixed,dontcheckmixed,weakpredicated,' +
  'lkmmv1,lkmmv2,memtag,vmsa,kvm,sync,async,asym,fatal,skip,handled,CutOff,deps,morello,' +
  'instances,noptebranch,pte2,pte-squared,PhantomOnLoad,OptRfRMW,ConstrainedUnpredictable,' +
  'exp,self,cos-opt,test,T[0-9][0-9],asl,strict,warn,S128,ASLType+Warn,ASLType+Silence,' +
  'ASLType+Check,ASL+AArch64+UDF,telechat,OldSolver,oota,pac,fpac,const-pac-field,d128';

export function isVariantTag(tag: string): boolean {
  const t = tag.toLowerCase();
  return VARIANT_WORDS.has(t) || /^t\d\d$/.test(t) || /^s[vm]e:\d+$/.test(t);
}

/** A variant list, each tag checked as herd7 checks it. */
export function readVariants(v: string, key: string, where: Location | null): string[] {
  const tags = readList(v);
  for (const t of tags)
    if (!isVariantTag(t))
      bad(`tag ${t} for ${key} is wrong, allowed tags are ${VARIANT_TAGS}`, where);
  return tags;
}
