// Ordo's execution graphs against herd7's: for every kernel/ and herd-linux/ test of the
// corpus, `-show prop` must draw the same executions, each with the same events (per
// thread, in program order, with the same kind, annotation, location and value) and the
// same labelled edges as herd7's DOT file. Layout, colours and event letters may differ.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runTest } from '../src/api/run.js';
import { GraphCollector } from '../src/report/graph-collector.js';
import { defaultGraphSettings } from '../src/report/dot.js';
import { corpusPath, kernelCfg } from './support/corpus.js';

/** herd7's event labels in Ordo's words, e.g. `W[ONCE][x]=1` -> `W[once] x=1`. */
function herdEventInOrdoWords(label: string): string {
  const body = label.replace(/^[a-z0-9]+: /, '');
  let m: RegExpExecArray | null;
  if ((m = /^(R|W)\[([^\]]*)\]\[([^\]]*)\]=(.*)$/.exec(body)))
    return `${m[1]}[${m[2].toLowerCase()}] ${m[3]}=${m[4]}`;
  if ((m = /^(R|W)\[([^\]]*)\]=(.*)$/.exec(body))) return `${m[1]} ${m[2]}=${m[3]}`;
  if ((m = /^F\[([^\]]*)\]$/.exec(body))) return `F[${m[1].toLowerCase()}]`;
  if ((m = /^Lock\(\[(\w+)\],(R|W)\)$/.exec(body))) return `Lock-${m[2]} ${m[1]}`;
  if ((m = /^Unlock\(\[(\w+)\]\)$/.exec(body))) return `Unlock ${m[1]}`;
  if ((m = /^ReadLock\(\[(\w+)\],(\d)\)$/.exec(body))) return `IsLocked ${m[1]}=${m[2]}`;
  return `unknown herd7 label ${body}`;
}

function ordoEvent(label: string): string {
  return label.replace(/^[a-z0-9]+: /, '');
}

/**
 * The executions of a DOT file (herd7's or Ordo's) in a comparable form: one string per
 * digraph listing its events thread by thread and its edges, sorted, between events
 * named by thread and position.
 */
function canonicalGraphs(dot: string, event: (label: string) => string): string[] {
  const graphs: string[] = [];
  for (const part of dot.split(/^digraph /m).slice(1)) {
    let thread = -1;
    const key = new Map<string, string>();
    const perThread = new Map<number, string[]>();
    const edges: string[] = [];
    for (const line of part.split('\n')) {
      let m: RegExpExecArray | null;
      if (
        (m = /^\s*proc(\d+)_label_node /.exec(line)) ||
        (m = /subgraph cluster_t(\d+)/.exec(line))
      ) {
        thread = Number(m[1]);
        continue;
      }
      if ((m = /^\s*(\w+) -> (\w+) \[(?:label|taillabel|headlabel)="([^"]*)"/.exec(line))) {
        // herd7 draws some edges against their direction (`dir="back"`) for its layout.
        const [from, to] = /dir="back"/.test(line) ? [m[2], m[1]] : [m[1], m[2]];
        edges.push(`${from} -${m[3].trim()}-> ${to}`);
        continue;
      }
      if ((m = /^\s*(\w+) \[label="([^"]*)"/.exec(line))) {
        const list = perThread.get(thread) ?? [];
        perThread.set(thread, list);
        key.set(m[1], `T${thread}.${list.length}`);
        list.push(event(m[2]));
      }
    }
    const events = [...perThread]
      .sort((a, b) => a[0] - b[0])
      .map(([t, l]) => `T${t}: ${l.join(' | ')}`);
    const named = edges
      .map((e) =>
        e
          .replace(/^(\w+)/, (id) => key.get(id) ?? `?${id}`)
          .replace(/(\w+)$/, (id) => key.get(id) ?? `?${id}`),
      )
      .sort();
    graphs.push([...events, ...named].join('\n'));
  }
  return graphs.sort();
}

for (const set of ['kernel', 'herd-linux']) {
  test(`-show prop draws herd7's events and edges for every ${set}/ test`, () => {
    const expectedDir = corpusPath('expected-options', 'show-prop');
    const dots = readdirSync(join(expectedDir, set)).filter((f) => f.endsWith('.dot'));
    assert.ok(dots.length > 20, `too few herd7 DOT files in ${set}`);
    let drawn = 0;
    for (const f of dots) {
      const name = f.replace(/\.dot$/, '');
      // herd7 names the file after the litmus file, not the test.
      const litmus = corpusPath('tests', set, `${name}.litmus`);
      const settings = defaultGraphSettings();
      settings.show = 'prop';
      const collector = new GraphCollector(settings, { doshow: [], unshow: [] });
      runTest(litmus, { conf: kernelCfg(), includeDirs: [dirname(kernelCfg())] }, collector);
      const herd = canonicalGraphs(
        readFileSync(join(expectedDir, set, f), 'utf8'),
        herdEventInOrdoWords,
      );
      const ours = canonicalGraphs(collector.dot(), ordoEvent);
      assert.deepEqual(ours, herd, `${set}/${name}`);
      drawn += herd.length;
    }
    assert.ok(drawn > 0, 'no graph compared');
  });
}
