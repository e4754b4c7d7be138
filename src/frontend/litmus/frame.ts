// What every herd7 litmus test has around its program, whatever its architecture: the
// first line `ARCH name`, the header, the initial state `{ ... }`, and after the program
// the clauses (`locations`, `filter`, `exists`/`forall`). The assembly dialects (asm.ts)
// and BPF read their program rows each in their own way; this module reads the rest, with
// the state language's lexer, so that the frame is read one way for every architecture.

import { OrdoError } from '../../diagnostics.js';
import type { SourcePos, StateLoc } from '../../program/ir.js';
import { normaliseLineBreaks } from '../../source.js';
import { CParser } from '../c/cparser.js';
import { readLitmusHeader, type LitmusHeader } from '../c/header.js';
import { Lexer } from '../c/lexer.js';
import { parseClauses, parseInit, type Clauses, type ParsedInit } from '../c/state.js';

/** A dialect's program, read from the `P0 | P1 ;` row to where the clauses begin. */
export interface ProgramText {
  /** Offset in the text just after the program. */
  end: number;
}

export interface LitmusFrame<Program extends ProgramText> extends LitmusHeader, ParsedInit {
  /** The text, line breaks normalised and a byte-order mark dropped. */
  text: string;
  program: Program;
  clauses: Clauses;
  /**
   * Where a clause names thread `thread`'s register `name` (its first mention after the
   * program), for errors: clause atoms carry no position of their own.
   */
  clausePosition(l: { thread: number; name: string }): SourcePos;
}

/**
 * Reads a litmus test of architecture `arch`; `readProgram` reads the program from the
 * offset and position of its first token (the `P0` of its header row).
 */
export function readLitmusFrame<Program extends ProgramText>(
  source: string,
  file: string,
  arch: string,
  readProgram: (text: string, start: number, pos: SourcePos) => Program,
): LitmusFrame<Program> {
  let text = normaliseLineBreaks(source);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lx = new Lexer(text, file, 'top');
  const p = new CParser(lx);
  const first = lx.peek();
  if (first.kind !== 'ident' || first.text !== arch) {
    throw new OrdoError(
      first.kind === 'eof'
        ? `Empty litmus file: expected a first line \`${arch} name\`.`
        : `Unsupported architecture ${first.text}: this front-end reads ${arch} litmus tests.`,
      { file, line: first.pos.line, col: first.pos.col },
    );
  }
  const header = readLitmusHeader(lx, text, file, arch);
  let t = lx.peek();
  if (t.kind !== 'punct' || t.text !== '{')
    p.err(`Syntax error: expected the initial state '{ ... }' but found ${p.describe(t)}.`, t.pos);
  const init = parseInit(lx, p);
  t = lx.peek();
  if (t.kind === 'eof')
    p.err('Syntax error: missing program (a `P0 | P1 ;` header row and instructions).', t.pos);
  const program = readProgram(text, t.start, t.pos);

  // The clauses are lexed from where the program ended; blanking the text before it keeps
  // every position true to the file.
  const masked = text.slice(0, program.end).replace(/[^\n]/g, ' ') + text.slice(program.end);
  const clx = new Lexer(masked, file, 'top');
  // A clause naming a declared array means the whole array (`x={1,2}`).
  const clauses = parseClauses(clx, new CParser(clx), init.arrays);
  const clausePosition = (l: { thread: number; name: string }): SourcePos => {
    const m = new RegExp(`\\b${l.thread}\\s*:\\s*${l.name}\\b`).exec(masked.slice(program.end));
    const off = program.end + (m ? m.index : 0);
    const before = text.slice(0, off);
    return { file, line: before.split('\n').length, col: off - before.lastIndexOf('\n') };
  };
  return { ...header, ...init, text, program, clauses, clausePosition };
}

/** A clause location with its register named canonically by `register` (locations as they are). */
export function canonicalLocation(
  l: StateLoc,
  register: (name: string, pos: SourcePos) => string,
  frame: Pick<LitmusFrame<ProgramText>, 'clausePosition'>,
): StateLoc {
  return l.kind === 'reg' ? { ...l, name: register(l.name, frame.clausePosition(l)) } : l;
}
