// Execution graphs in Graphviz DOT, as herd7 draws them with `-show ... -o DIR`: the
// events of each thread in program order, joined by po (immediate successors only), rf,
// co (its transitive reduction), fr and whatever else the model or the user shows. The
// events and edges are herd7's; the layout (one column per thread) and colours are ours.

import type { ExecutionEvent, ExecutionRecord, Pairs } from '../outcomes/execution-record.js';
import { formatValue } from '../events/symbolic.js';

/** Which executions herd7's -show draws. */
export type ShowWhich = 'prop' | 'neg' | 'cond' | 'all' | 'none';
export const SHOW_CHOICES: readonly ShowWhich[] = ['prop', 'neg', 'cond', 'all', 'none'];

export type GraphLayout = 'columns' | 'cluster' | 'free';
export const GRAPH_LAYOUTS: readonly GraphLayout[] = ['columns', 'cluster', 'free'];

/** herd7's -showevents: Ordo has no register events, so `noregs` and `all` agree. */
export type ShownEvents = 'all' | 'mem' | 'noregs';
export const SHOWN_EVENTS: readonly ShownEvents[] = ['all', 'mem', 'noregs'];

export interface GraphSettings {
  show: ShowWhich;
  layout: GraphLayout;
  events: ShownEvents;
  /** At most this many graphs per test (herd7's -nshow); Infinity for all. */
  maxGraphs: number;
  showInitWrites: boolean;
  /** Relations drawn besides po: the model's `show` list, then -doshow, less -unshow. */
  relations: string[];
  /** Per relation, DOT attributes (the cfg's `edgeattr REL,ATTR,VALUE`). */
  edgeAttributes: Map<string, Map<string, string>>;
}

/** Herd7's display defaults, as the kernel's linux-kernel.cfg sets them. */
export function defaultGraphSettings(): GraphSettings {
  return {
    show: 'none',
    layout: 'columns',
    events: 'noregs',
    maxGraphs: Infinity,
    showInitWrites: false,
    relations: [],
    edgeAttributes: new Map(),
  };
}

/** Relations drawn when the model shows nothing itself. */
export const DEFAULT_SHOWN = ['rf', 'co', 'fr'];

/** Does -show WHICH draw this execution? Only executions the model allows are drawn. */
export function isShown(
  which: ShowWhich,
  quantifier: 'exists' | 'notExists' | 'forall',
  x: { allowed: boolean; conditionHolds: boolean },
): boolean {
  if (!x.allowed) return false;
  switch (which) {
    case 'none':
      return false;
    case 'all':
      return true;
    case 'prop':
      return x.conditionHolds;
    case 'neg':
      return !x.conditionHolds;
    case 'cond':
      // The executions that decide the condition: witnesses of exists / ~exists,
      // counter-examples of forall.
      return quantifier === 'forall' ? !x.conditionHolds : x.conditionHolds;
  }
}

const EDGE_COLOURS: Record<string, string> = {
  po: 'black',
  rf: 'red',
  fr: '#ffa040',
  co: 'blue',
  iico_ctrl: 'grey',
  addr: 'darkgreen',
  data: 'darkgreen',
  ctrl: 'darkgreen',
  rmw: 'purple',
};
const OTHER_COLOURS = ['indigo', 'brown', 'darkcyan', 'magenta', 'olive', 'steelblue'];

/** The event as kernel developers read it: `W[once] x=1`, `F[mb]`, `Lock lo`. */
export function describeEvent(e: ExecutionEvent): string {
  const tags = e.annotations.length
    ? `[${e.annotations.map((a) => a.toLowerCase()).join(',')}]`
    : '';
  const at = (v: string | null) =>
    e.location === null ? '' : v === null ? ` ${e.location}` : ` ${e.location}=${v}`;
  const value = e.value === null ? null : formatValue(e.value);
  switch (e.kind) {
    case 'R':
    case 'W':
    case 'RW':
      return `${e.kind}${tags}${at(value)}`;
    case 'F':
      return `F${tags}`;
    case 'LKR':
      return `Lock-R${tags}${at(null)}`;
    case 'LKW':
      return `Lock-W${tags}${at(null)}`;
    case 'UL':
      return `Unlock${tags}${at(null)}`;
    case 'LF':
      return `Lock-failed${tags}${at(null)}`;
    case 'RU':
      return `IsLocked${tags}${at('0')}`;
    case 'RL':
      return `IsLocked${tags}${at('1')}`;
    case 'SRCU':
      return `SRCU${tags}${at(value)}`;
  }
}

export function eventLabel(e: ExecutionEvent): string {
  return `${e.name}: ${describeEvent(e)}`;
}

/** A labelled edge of a drawn graph. */
export interface GraphEdge {
  from: number;
  to: number;
  relation: string;
}

/** The transitive reduction of an acyclic relation given as pairs. */
function reduce(pairs: Pairs): Pairs {
  const succ = new Map<number, Set<number>>();
  for (const [a, b] of pairs) {
    if (!succ.has(a)) succ.set(a, new Set());
    succ.get(a)!.add(b);
  }
  return pairs.filter(([a, b]) => {
    for (const m of succ.get(a) ?? []) if (m !== b && succ.get(m)?.has(b)) return false;
    return true;
  });
}

/** The events a graph draws. */
export function drawnEvents(record: ExecutionRecord, settings: GraphSettings): ExecutionEvent[] {
  return record.events.filter(
    (e) =>
      (settings.showInitWrites || !e.init) && (settings.events !== 'mem' || e.location !== null),
  );
}

/**
 * The edges a graph draws: po between consecutive drawn events of a thread (a spinlock's
 * read and write are one instruction, joined by iico_ctrl as herd7 draws them), then
 * each shown relation, co reduced to immediate successors, edges to undrawn events left out.
 */
export function drawnEdges(record: ExecutionRecord, settings: GraphSettings): GraphEdge[] {
  const drawn = new Set(drawnEvents(record, settings).map((e) => e.id));
  const edges: GraphEdge[] = [];
  const byThread = new Map<number, ExecutionEvent[]>();
  for (const e of record.events) {
    if (!drawn.has(e.id) || e.init) continue;
    if (!byThread.has(e.thread)) byThread.set(e.thread, []);
    byThread.get(e.thread)!.push(e);
  }
  for (const evs of byThread.values()) {
    evs.sort((a, b) => a.index - b.index);
    for (let i = 0; i + 1 < evs.length; i++) {
      const [a, b] = [evs[i], evs[i + 1]];
      const oneLock = a.kind === 'LKR' && b.kind === 'LKW' && a.location === b.location;
      edges.push({ from: a.id, to: b.id, relation: oneLock ? 'iico_ctrl' : 'po' });
    }
  }
  const related = new Set<string>();
  for (const name of settings.relations) {
    const pairs = record.relations[name];
    if (!pairs) continue;
    for (const [a, b] of name === 'co' ? reduce(pairs) : pairs)
      if (drawn.has(a) && drawn.has(b)) {
        edges.push({ from: a, to: b, relation: name });
        related.add(`${a} ${b}`);
      }
  }
  // As herd7 does, a po edge is left out where a shown relation joins the same events.
  return edges.filter((e) => e.relation !== 'po' || !related.has(`${e.from} ${e.to}`));
}

function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function edgeColour(relation: string, settings: GraphSettings): string {
  const fixed = EDGE_COLOURS[relation];
  if (fixed) return fixed;
  const i = settings.relations.indexOf(relation);
  return OTHER_COLOURS[(i < 0 ? 0 : i) % OTHER_COLOURS.length];
}

export interface DotOptions {
  /** The graph's caption, e.g. `Test SB: forbidden by happens-before`. */
  title: string;
  /** Edges drawn thick and red (an explanation's cycle); drawn even if not otherwise shown. */
  highlight?: GraphEdge[];
}

/** One execution as a DOT digraph. */
export function executionDot(
  record: ExecutionRecord,
  settings: GraphSettings,
  options: DotOptions,
): string {
  const events = drawnEvents(record, settings);
  const edges = drawnEdges(record, settings);
  const highlighted = new Set(
    (options.highlight ?? []).map((h) => `${h.from} ${h.to} ${h.relation}`),
  );
  for (const h of options.highlight ?? [])
    if (!edges.some((e) => e.from === h.from && e.to === h.to && e.relation === h.relation))
      edges.push(h);
  const out: string[] = [];
  out.push('digraph G {');
  out.push(`  label=${quote(options.title)};`);
  out.push('  labelloc=t; fontsize=10; newrank=true; splines=spline;');
  out.push('  node [shape=none, fontsize=10, margin=0.05];');
  out.push('  edge [fontsize=9, arrowsize=0.8];');
  const threads = [...new Set(events.map((e) => e.thread))].sort((a, b) => a - b);
  const clusters = settings.layout !== 'free';
  for (const t of threads) {
    const mine = events.filter((e) => e.thread === t).sort((a, b) => a.index - b.index);
    const indent = clusters ? '    ' : '  ';
    if (clusters) {
      const name = t < 0 ? 'init' : `t${t}`;
      out.push(`  subgraph cluster_${name} {`);
      out.push(`    label=${quote(t < 0 ? 'Initial writes' : `Thread ${t}`)}; style=dotted;`);
    }
    for (const e of mine) out.push(`${indent}e${e.id} [label=${quote(eventLabel(e))}];`);
    if (clusters) out.push('  }');
  }
  for (const e of edges) {
    const key = `${e.from} ${e.to} ${e.relation}`;
    const colour = highlighted.has(key) ? 'crimson' : edgeColour(e.relation, settings);
    const attrs = new Map<string, string>([
      ['label', e.relation],
      ['color', colour],
      ['fontcolor', colour],
    ]);
    for (const [k, v] of settings.edgeAttributes.get(e.relation) ?? []) attrs.set(k, v);
    if (highlighted.has(key)) {
      attrs.set('penwidth', '3');
      attrs.set('color', 'crimson');
      attrs.set('fontcolor', 'crimson');
    }
    // po keeps each thread's column upright; other edges must not pull events out of it.
    if (e.relation !== 'po' && e.relation !== 'iico_ctrl') attrs.set('constraint', 'false');
    const list = [...attrs].map(([k, v]) => `${k}=${quote(v)}`).join(', ');
    out.push(`  e${e.from} -> e${e.to} [${list}];`);
  }
  out.push('}');
  return out.join('\n') + '\n';
}
