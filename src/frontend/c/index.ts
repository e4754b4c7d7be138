// C litmus front-end: parses a `C` litmus test into the program IR, expanding the
// kernel's .def macros (linux-kernel.def).

import { OrdoError } from '../../diagnostics.js';
import { normaliseLineBreaks } from '../../source.js';
import type { LitmusTest, Thread, ThreadParam } from '../../program/ir.js';
import { CParser } from './cparser.js';
import { Lexer } from './lexer.js';
import { Lowerer, parseMacros, type MacroDef, type MacroTable } from './macros.js';
import { parseClauses, parseInit, ppLoc, ppProp, ppValue } from './state.js';
import { readLitmusHeader } from './header.js';
import { herdHash, propLocations } from '../herd-hash.js';
import {
  codeDigest,
  decodeGraph,
  encodeGraph,
  readCache,
  sha256,
  writeCache,
} from '../../disk-cache.js';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export { parseMacros, ppProp, ppLoc, ppValue };
export type { MacroTable, MacroDef };

/** Macros are plain data: nothing in them needs storing by name. */
const noOpaque = {
  nameOf: () => undefined,
  byName: (name: string): never => {
    throw new Error(`unexpected ${name}`);
  },
};

/**
 * `parseMacros`, through the cache on disk (src/disk-cache.ts): a macro file's table
 * depends only on its text and on this front-end's code.
 */
export function loadMacros(text: string, file: string): MacroTable {
  const key = JSON.stringify({
    code: codeDigest(dirname(fileURLToPath(import.meta.url))),
    file,
    text: sha256(text),
  });
  const cached = readCache('macros', key);
  if (cached !== undefined) {
    try {
      return decodeGraph(cached, noOpaque) as MacroTable;
    } catch {
      // a malformed entry: parse again below, and overwrite it
    }
  }
  const table = parseMacros(text, file);
  try {
    writeCache('macros', key, encodeGraph(table, noOpaque));
  } catch {
    // not plain data: nothing cached
  }
  return table;
}

/** The first word of a litmus file, which names its architecture. */
function firstWord(text: string): string {
  const m = /^\s*(\S+)/.exec(text);
  return m ? m[1]! : '';
}

export function parseCLitmus(text: string, file: string, macros: MacroTable): LitmusTest {
  text = normaliseLineBreaks(text);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const arch = firstWord(text);
  if (arch !== 'C') {
    throw new OrdoError(
      arch === ''
        ? 'Empty litmus file: expected a first line `C name`.'
        : `Unsupported architecture ${arch}: this front-end reads C litmus tests.`,
      { file, line: 1, col: 1 },
    );
  }
  const lx = new Lexer(text, file, 'top');
  const p = new CParser(lx);
  const { name, expectedResult, header } = readLitmusHeader(lx, text, file, 'C');

  const { entries: init, hashEntries } = parseInit(lx, p);
  let t: ReturnType<typeof lx.peek>;

  const threads: Thread[] = [];
  /** Each thread's code as herd7 writes it for its digest, in source order. */
  const hashCode: string[][] = [];
  const lowerer = new Lowerer(macros, file);
  for (;;) {
    t = lx.peek();
    if (t.kind !== 'ident' || !/^P\d+$/.test(t.text)) break;
    lx.next();
    const id = Number(t.text.slice(1));
    if (threads.some((th) => th.id === id)) p.err(`Process ${t.text} is defined twice.`, t.pos);
    p.expect('(', `after ${t.text}`);
    const params: ThreadParam[] = [];
    const hashParams: string[] = [];
    if (lx.peek().kind === 'ident' && lx.peek().text === 'void') {
      lx.next();
    } else if (!p.isPunct(')')) {
      for (;;) {
        const typeStart = lx.peek().start;
        const { base, stars } = p.parseType();
        const pn = p.expectIdent(`a parameter name of ${t.text}`);
        hashParams.push(`${herdParamType(text.slice(typeStart, pn.start))} ${pn.text}`);
        if (params.some((q) => q.name === pn.text))
          p.err(`Parameter ${pn.text} of ${t.text} appears twice.`, pn.pos);
        params.push({ name: pn.text, type: stars ? `${base} ${'*'.repeat(stars)}` : base });
        if (p.accept(',')) continue;
        break;
      }
    }
    p.expect(')', `to close the parameters of ${t.text}`);
    const open = p.expect('{', `to open the body of ${t.text}`);
    lx.setMode('c');
    const surface = p.parseStmtsUntilBrace();
    const close = p.expect('}');
    const body = text.slice(open.end, close.start);
    hashCode.push([`P${id}(${hashParams.join(', ')}) {\n${body}\n}\n`]);
    lx.setMode('top');
    threads.push({ id, params, body: lowerer.lowerStmts(surface), pos: t.pos });
  }
  if (threads.length === 0) {
    p.err(
      `Syntax error: expected a process P0(...) { ... } but found ${p.describe(lx.peek())}.`,
      lx.peek().pos,
    );
  }
  threads.sort((a, b) => a.id - b.id);

  const { locations, filter, condition } = parseClauses(lx, p);
  const hash = herdHash({
    header,
    init: hashEntries,
    code: hashCode,
    observed: [...locations, ...propLocations(condition.prop)],
  });
  const test: LitmusTest = {
    arch: 'C',
    name,
    file,
    init,
    threads,
    locations,
    filter,
    condition,
    hash,
  };
  if (expectedResult) test.expectedResult = expectedResult;
  return test;
}

/** herd7's C types: what its parser keeps of a type written in a test. */
type HerdCType =
  | { kind: 'base'; name: string }
  | { kind: 'volatile' | 'atomic' | 'const' | 'pointer'; of: HerdCType };

/**
 * A parameter's type as herd7 writes it in its digest: the pointed-to type in herd7's
 * spelling (`volatile int`, `struct srcu_struct`, `int*` for a pointer), then `*`.
 */
function herdParamType(written: string): string {
  const words = written.split(/\s+|(?=\*)|(?<=\*)/).filter(Boolean);
  let k = 0;
  const baseType = (): HerdCType => {
    const w = words[k++] ?? '';
    if (w === 'struct') return { kind: 'base', name: `struct ${words[k++] ?? ''}` };
    if (w === 'atomic_int') return { kind: 'atomic', of: { kind: 'base', name: 'int' } };
    return { kind: 'base', name: w };
  };
  let type: HerdCType;
  if (words[k] === 'volatile' || words[k] === '_Atomic') {
    const kind = words[k++] === 'volatile' ? 'volatile' : 'atomic';
    type = { kind, of: baseType() };
  } else type = baseType();
  for (; k < words.length; k++) {
    if (words[k] === '*') type = { kind: 'pointer', of: type };
    else if (words[k] === 'volatile') type = { kind: 'volatile', of: type };
    else if (words[k] === 'const') type = { kind: 'const', of: type };
  }
  // herd7 strips the outermost pointer, then prints the rest followed by `*`.
  const pointee = type.kind === 'pointer' ? type.of : type;
  return `${dumpHerdCType(pointee)}*`;
}

function dumpHerdCType(t: HerdCType): string {
  switch (t.kind) {
    case 'base':
      return t.name;
    case 'volatile':
      return t.of.kind === 'base' ? `volatile ${t.of.name}` : `${dumpHerdCType(t.of)} volatile`;
    case 'atomic':
      return t.of.kind === 'base' ? `_Atomic ${t.of.name}` : `_Atomic (${dumpHerdCType(t.of)})`;
    case 'const':
      return `${dumpHerdCType(t.of)} const`;
    case 'pointer':
      return `${dumpHerdCType(t.of)}*`;
  }
}
