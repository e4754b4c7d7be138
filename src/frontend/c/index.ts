// C litmus front-end: parses a `C` litmus test into the program IR, expanding the
// kernel's .def macros (linux-kernel.def).

import { OrdoError } from '../../diagnostics.js';
import type { LitmusTest, Thread, ThreadParam } from '../../program/ir.js';
import { CParser } from './cparser.js';
import { Lexer } from './lexer.js';
import { Lowerer, parseMacros, type MacroDef, type MacroTable } from './macros.js';
import { parseClauses, parseInit, ppLoc, ppProp, ppValue } from './state.js';
import { readLitmusHeader } from './header.js';

export { parseMacros, ppProp, ppLoc, ppValue };
export type { MacroTable, MacroDef };

/** The architecture named by the first token of a litmus file: 'C', 'BPF', 'LISA', ... */
export function detectArch(text: string): string {
  const m = /^\s*(\S+)/.exec(text.replace(/^\uFEFF/, ''));
  return m ? m[1]! : '';
}

export function parseCLitmus(text: string, file: string, macros: MacroTable): LitmusTest {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const arch = detectArch(text);
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
  const { name, expectedResult } = readLitmusHeader(lx, text, file, 'C');

  const init = parseInit(lx, p);
  let t: ReturnType<typeof lx.peek>;

  const threads: Thread[] = [];
  const lowerer = new Lowerer(macros, file);
  for (;;) {
    t = lx.peek();
    if (t.kind !== 'ident' || !/^P\d+$/.test(t.text)) break;
    lx.next();
    const id = Number(t.text.slice(1));
    if (threads.some((th) => th.id === id)) p.err(`Process ${t.text} is defined twice.`, t.pos);
    p.expect('(', `after ${t.text}`);
    const params: ThreadParam[] = [];
    if (lx.peek().kind === 'ident' && lx.peek().text === 'void') {
      lx.next();
    } else if (!p.isPunct(')')) {
      for (;;) {
        const { base, stars } = p.parseType();
        const pn = p.expectIdent(`a parameter name of ${t.text}`);
        if (params.some((q) => q.name === pn.text))
          p.err(`Parameter ${pn.text} of ${t.text} appears twice.`, pn.pos);
        params.push({ name: pn.text, type: stars ? `${base} ${'*'.repeat(stars)}` : base });
        if (p.accept(',')) continue;
        break;
      }
    }
    p.expect(')', `to close the parameters of ${t.text}`);
    p.expect('{', `to open the body of ${t.text}`);
    lx.setMode('c');
    const surface = p.parseStmtsUntilBrace();
    p.expect('}');
    lx.setMode('top');
    const body = lowerer.lowerStmts(surface);
    threads.push({ id, params, body, pos: t.pos });
  }
  if (threads.length === 0) {
    p.err(
      `Syntax error: expected a process P0(...) { ... } but found ${p.describe(lx.peek())}.`,
      lx.peek().pos,
    );
  }
  threads.sort((a, b) => a.id - b.id);

  const { locations, filter, condition } = parseClauses(lx, p);
  const test: LitmusTest = { arch: 'C', name, file, init, threads, locations, filter, condition };
  if (expectedResult) test.expectedResult = expectedResult;
  return test;
}
