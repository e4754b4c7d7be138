// The playground page: editors for the test and a custom model, the model picker, Run and
// Cancel, and what a run gives back (herd7's report, the final states with witness
// counts, execution graphs, the explanation of an outcome). Ordo itself runs in a Web
// Worker (worker.ts); nothing here evaluates what the user typed.

import './style.css';
import { Editor } from './editor/editor.js';
import { architectureWord, catLanguage, litmusLanguage } from './editor/languages.js';
import { GALLERY } from './gallery.js';
import { dotToSvgElement } from './graphs.js';
import {
  CUSTOM_FILES,
  type ErrorReply,
  type GraphItem,
  type ModelChoice,
  type RunLimits,
  type WorkerReply,
} from './protocol.js';
import { Cancelled, RunClient } from './run-client.js';
import { decodeShared, encodeShared, type SharedState } from './share.js';

/** How many executions a run draws at most. */
const MAX_GRAPHS = 50;
const OWN_MODEL = 'own';
const CUSTOM_MODEL = 'custom';

const DEFAULT_CAT = `"Sequential consistency"

(* The coherence orders, as herd's library builds them (in Ordo's models/lib). *)
include "cos-opt.cat"

(* Program order and communication form no cycle. *)
let com = rf | co | fr
acyclic po | com as sc
`;

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

function byId<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`page element #${id} missing`);
  return e as T;
}

document.querySelector('#app')!.innerHTML = `
<header>
  <h1>Ordo playground</h1>
  <span id="version"></span>
</header>
<main>
  <section id="left">
    <div class="toolbar">
      <label>Gallery <select id="gallery"><option value="">(choose a test)</option></select></label>
      <label>Model <select id="model"></select></label>
    </div>
    <div class="tabs" role="tablist">
      <button id="tab-test" class="tab active" role="tab">Test</button>
      <button id="tab-custom" class="tab" role="tab">Custom model</button>
    </div>
    <div id="pane-test" class="pane"><div id="test-editor" class="editor"></div></div>
    <div id="pane-custom" class="pane" hidden>
      <div class="subtabs">
        <button data-file="cat" class="subtab active">${CUSTOM_FILES.cat}</button>
        <button data-file="bell" class="subtab">${CUSTOM_FILES.bell}</button>
        <button data-file="def" class="subtab">${CUSTOM_FILES.def}</button>
        <span class="hint">Used when the model is "Custom model". Empty bell or def: none (C tests then use Ordo's LKMM macros).</span>
      </div>
      <div id="custom-cat" class="editor"></div>
      <div id="custom-bell" class="editor" hidden></div>
      <div id="custom-def" class="editor" hidden></div>
    </div>
    <div class="toolbar">
      <button id="run" class="primary" title="Ctrl+Enter">Run</button>
      <button id="cancel" disabled>Cancel</button>
      <label>Timeout (s) <input id="timeout" type="number" min="0" value="60" size="4" /></label>
      <label>Max executions <input id="max-executions" type="number" min="0" value="0" size="8" /></label>
      <button id="share">Share link</button>
    </div>
    <div id="status" role="status"></div>
  </section>
  <section id="right">
    <div id="error" class="error" hidden></div>
    <h2>Report</h2>
    <pre id="report" class="report"></pre>
    <h2>Final states</h2>
    <table id="states"><thead><tr><th>State</th><th>Witnesses</th><th>Condition</th></tr></thead><tbody></tbody></table>
    <h2>Executions</h2>
    <div id="graph-list" class="graph-list"></div>
    <div id="graph" class="graph"></div>
    <h2>Explanation</h2>
    <div class="toolbar">
      <label>Outcome <input id="explain-state" placeholder="the test's condition, or e.g. 0:r0=0; 1:r0=0;" size="36" /></label>
      <button id="explain" disabled>Explain</button>
    </div>
    <pre id="explanation" class="report"></pre>
    <div id="explain-graph-list" class="graph-list"></div>
    <div id="explain-graph" class="graph"></div>
  </section>
</main>`;

const client = new RunClient();

const status = byId<HTMLDivElement>('status');
const runButton = byId<HTMLButtonElement>('run');
const cancelButton = byId<HTMLButtonElement>('cancel');
const explainButton = byId<HTMLButtonElement>('explain');
const modelSelect = byId<HTMLSelectElement>('model');
const gallerySelect = byId<HTMLSelectElement>('gallery');
const errorBox = byId<HTMLDivElement>('error');
const report = byId<HTMLPreElement>('report');
const statesBody = byId<HTMLTableElement>('states').tBodies[0]!;

const first = GALLERY.find((g) => g.file === 'SB.litmus') ?? GALLERY[0]!;

/** The test's file name in messages: its name (the header's second word) plus `.litmus`. */
function testFile(): string {
  const name = /^\s*\S+[ \t]+([^\s(]+)/.exec(testEditor.text)?.[1] ?? 'test';
  return name.endsWith('.litmus') ? name : `${name}.litmus`;
}

const testEditor = new Editor(byId('test-editor'), first.text, litmusLanguage(first.text), () => {
  const word = architectureWord(testEditor.text);
  if (word !== shownArchitecture) {
    shownArchitecture = word;
    testEditor.setLanguage(litmusLanguage(testEditor.text));
  }
});
let shownArchitecture = architectureWord(first.text);
const customEditors = {
  cat: new Editor(byId('custom-cat'), DEFAULT_CAT, catLanguage),
  bell: new Editor(byId('custom-bell'), '', catLanguage),
  def: new Editor(byId('custom-def'), '', []),
};

// ------------------------------------------------------------------ tabs, gallery, model

function showTab(which: 'test' | 'custom'): void {
  byId('pane-test').hidden = which !== 'test';
  byId('pane-custom').hidden = which !== 'custom';
  byId('tab-test').classList.toggle('active', which === 'test');
  byId('tab-custom').classList.toggle('active', which === 'custom');
}
byId('tab-test').onclick = () => showTab('test');
byId('tab-custom').onclick = () => showTab('custom');
for (const button of document.querySelectorAll<HTMLButtonElement>('.subtab'))
  button.onclick = () => {
    for (const b of document.querySelectorAll('.subtab'))
      b.classList.toggle('active', b === button);
    for (const f of ['cat', 'bell', 'def']) byId(`custom-${f}`).hidden = f !== button.dataset.file;
  };

const groups = new Map<string, HTMLOptGroupElement>();
for (const [i, g] of GALLERY.entries()) {
  let group = groups.get(g.group);
  if (!group) {
    group = element('optgroup', { label: g.group });
    groups.set(g.group, group);
    gallerySelect.append(group);
  }
  group.append(element('option', { value: String(i) }, g.file.replace(/\.litmus$/, '')));
}
gallerySelect.onchange = () => {
  const entry = GALLERY[Number(gallerySelect.value)];
  if (!entry || gallerySelect.value === '') return;
  testEditor.text = entry.text;
  showTab('test');
  clearResults();
};

modelSelect.append(
  element('option', { value: OWN_MODEL }, "Ordo's model for the test's architecture"),
  element('option', { value: CUSTOM_MODEL }, 'Custom model (second tab)'),
);

function modelChoice(): ModelChoice {
  const value = modelSelect.value;
  if (value === OWN_MODEL) return { kind: 'own' };
  if (value === CUSTOM_MODEL)
    return {
      kind: 'custom',
      cat: customEditors.cat.text,
      bell: customEditors.bell.text,
      def: customEditors.def.text,
    };
  return { kind: 'shipped', path: value };
}

function limits(): RunLimits {
  const read = (id: string) => Math.max(0, Number(byId<HTMLInputElement>(id).value) || 0);
  return { timeoutSeconds: read('timeout'), maxExecutions: read('max-executions') };
}

// ------------------------------------------------------------------ results

function clearResults(): void {
  errorBox.hidden = true;
  errorBox.textContent = '';
  report.textContent = '';
  statesBody.replaceChildren();
  for (const id of ['graph-list', 'graph', 'explain-graph-list', 'explain-graph', 'explanation'])
    byId(id).replaceChildren();
  testEditor.clearError();
  for (const e of Object.values(customEditors)) e.clearError();
  explainButton.disabled = true;
}

function showError(reply: ErrorReply): void {
  errorBox.hidden = false;
  errorBox.textContent = reply.message;
  const where = reply.where;
  if (!where) return;
  const custom = Object.entries(CUSTOM_FILES).find(([, name]) => name === where.file);
  if (custom) {
    showTab('custom');
    const button = document.querySelector<HTMLButtonElement>(`.subtab[data-file="${custom[0]}"]`);
    button?.click();
    customEditors[custom[0] as keyof typeof customEditors].markError(
      where.line,
      where.col,
      reply.message,
    );
  } else if (where.file === testFile()) {
    showTab('test');
    testEditor.markError(where.line, where.col, reply.message);
  }
}

/** A list of executions, one button each; clicking draws its graph below. */
function showGraphs(listId: string, graphId: string, graphs: GraphItem[], more: string): void {
  const list = byId(listId);
  const target = byId(graphId);
  list.replaceChildren();
  target.replaceChildren();
  if (graphs.length === 0) {
    list.append(element('span', { class: 'hint' }, 'No execution to draw.'));
    return;
  }
  const buttons = graphs.map((g, i) => {
    const b = element(
      'button',
      { class: g.conditionHolds ? 'graph-button witness' : 'graph-button' },
      g.caption,
    );
    b.onclick = () => void draw(i);
    return b;
  });
  const draw = async (i: number) => {
    for (const [k, b] of buttons.entries()) b.classList.toggle('active', k === i);
    target.replaceChildren(element('span', { class: 'hint' }, 'Drawing…'));
    try {
      const svg = await dotToSvgElement(graphs[i]!.dot);
      target.replaceChildren(svg);
    } catch (err) {
      target.replaceChildren(
        element('span', { class: 'error' }, `Cannot draw: ${(err as Error).message}`),
      );
    }
  };
  list.append(...buttons);
  if (more) list.append(element('span', { class: 'hint' }, more));
  // The witness first, when there is one.
  void draw(
    Math.max(
      0,
      graphs.findIndex((g) => g.conditionHolds),
    ),
  );
}

function showRun(reply: Extract<WorkerReply, { kind: 'run' }>): void {
  report.textContent = reply.report;
  statesBody.replaceChildren(
    ...reply.states.map((s) =>
      element(
        'tr',
        { class: s.conditionHolds ? 'witness' : '' },
        element('td', {}, s.text),
        element('td', { class: 'count' }, String(s.witnesses)),
        element('td', {}, s.conditionHolds ? 'holds' : ''),
      ),
    ),
  );
  const more = reply.moreGraphs ? `Only the first ${MAX_GRAPHS} executions are listed.` : '';
  showGraphs('graph-list', 'graph', reply.graphs, more);
  explainButton.disabled = false;
}

// ------------------------------------------------------------------ running

let ticker: number | undefined;

function setBusy(what: string | null): void {
  runButton.disabled = what !== null;
  cancelButton.disabled = what === null;
  explainButton.disabled = what !== null || report.textContent === '';
  window.clearInterval(ticker);
  if (what === null) return;
  const started = performance.now();
  const tick = () => {
    status.textContent = `${what}… ${((performance.now() - started) / 1000).toFixed(1)} s`;
  };
  tick();
  ticker = window.setInterval(tick, 100);
}

async function perform(
  what: string,
  request: Parameters<RunClient['request']>[0],
): Promise<WorkerReply | null> {
  setBusy(what);
  try {
    const reply = await client.request(request);
    setBusy(null);
    return reply;
  } catch (err) {
    setBusy(null);
    status.textContent = err instanceof Cancelled ? 'Cancelled.' : (err as Error).message;
    return null;
  }
}

async function run(): Promise<void> {
  if (client.busy) return;
  clearResults();
  const reply = await perform('Running', {
    kind: 'run',
    file: testFile(),
    text: testEditor.text,
    model: modelChoice(),
    limits: limits(),
    maxGraphs: MAX_GRAPHS,
  });
  if (!reply) return;
  if (reply.kind === 'error') {
    showError(reply);
    status.textContent = 'Error.';
  } else if (reply.kind === 'run') {
    showRun(reply);
    status.textContent = reply.limit
      ? `Stopped by a limit after ${reply.seconds.toFixed(2)} s: no verdict.`
      : `${reply.observation} (${reply.seconds.toFixed(2)} s).`;
  }
}

async function explain(): Promise<void> {
  if (client.busy) return;
  const state = byId<HTMLInputElement>('explain-state').value.trim();
  const reply = await perform('Explaining', {
    kind: 'explain',
    file: testFile(),
    text: testEditor.text,
    model: modelChoice(),
    limits: limits(),
    state: state === '' ? null : state,
  });
  if (!reply) return;
  if (reply.kind === 'error') {
    showError(reply);
    status.textContent = 'Error.';
  } else if (reply.kind === 'explain') {
    byId('explanation').textContent = (reply.limit ?? '') + reply.text;
    showGraphs('explain-graph-list', 'explain-graph', reply.graphs, '');
    status.textContent = `Explained: ${reply.verdict}.`;
  }
}

runButton.onclick = () => void run();
// Ctrl+Enter (Cmd+Enter) runs from anywhere on the page, the editors included.
document.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    void run();
  }
});
explainButton.onclick = () => void explain();
cancelButton.onclick = () => client.cancel();

// ------------------------------------------------------------------ share links

function sharedState(): SharedState {
  const custom = modelSelect.value === CUSTOM_MODEL;
  return {
    test: testEditor.text,
    model: modelSelect.value,
    cat: custom ? customEditors.cat.text : '',
    bell: custom ? customEditors.bell.text : '',
    def: custom ? customEditors.def.text : '',
  };
}

byId('share').onclick = () => {
  const url = new URL(window.location.href);
  url.hash = encodeShared(sharedState());
  window.history.replaceState(null, '', url);
  void navigator.clipboard?.writeText(url.href).catch(() => undefined);
  status.textContent = 'Link to this test is in the address bar (and copied, where allowed).';
};

/** Load a shared test from the fragment and run it; false when the fragment has none. */
function loadShared(): boolean {
  const shared = decodeShared(window.location.hash.slice(1));
  if (!shared) return false;
  testEditor.text = shared.test;
  if (shared.model === CUSTOM_MODEL) {
    customEditors.cat.text = shared.cat;
    customEditors.bell.text = shared.bell;
    customEditors.def.text = shared.def;
  }
  pendingModel = shared.model;
  return true;
}

let pendingModel = OWN_MODEL;
window.addEventListener('hashchange', () => {
  if (loadShared()) {
    applyModel();
    void run();
  }
});

function applyModel(): void {
  if ([...modelSelect.options].some((o) => o.value === pendingModel))
    modelSelect.value = pendingModel;
}

// ------------------------------------------------------------------ start

const fromLink = loadShared();
status.textContent = 'Starting Ordo…';
client
  .start()
  .then((ready) => {
    byId('version').textContent = `Ordo ${ready.version}`;
    const custom = modelSelect.options[1]!;
    for (const m of ready.models)
      modelSelect.insertBefore(element('option', { value: m.path }, m.label), custom);
    applyModel();
    status.textContent = 'Ready.';
    document.body.dataset.ready = 'true';
    if (fromLink) void run();
  })
  .catch((err: Error) => {
    status.textContent = err.message;
  });
