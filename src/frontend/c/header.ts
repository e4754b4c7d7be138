// The header every herd7 litmus file starts with, whatever its architecture:
// `ARCH name` (an optional comment may follow the name), optional key=value / doc lines,
// and comments that may carry the kernel's `Result:` line. Shared by the C and BPF
// front-ends, which both tokenise with the C lexer.

import { OrdoError } from '../../diagnostics.js';
import type { Lexer } from './lexer.js';

export interface LitmusHeader {
  /** The name herd7 prints on its `Test` line (a trailing `.litmus` dropped, as herd7 does). */
  name: string;
  /** First word after `Result:` in the header comments, if any. */
  expectedResult?: string;
  /** The text between the first line and the initial state (comments, `key=value` lines). */
  header: string;
}

/**
 * Read the header; the lexer must stand on the architecture keyword `arch`, and is left
 * on the first token after the header (the initial-state block).
 */
export function readLitmusHeader(
  lx: Lexer,
  text: string,
  file: string,
  arch: string,
): LitmusHeader {
  const first = lx.next();
  const nameLine = lx.restOfLine();
  let name = nameLine.trim();
  if (name === '') {
    throw new OrdoError(`Syntax error: missing test name after \`${arch}\`.`, {
      file,
      line: first.pos.line,
      col: first.pos.col + arch.length,
    });
  }
  if (/\s/.test(name)) {
    // A name is one word; anything after it on the line is an error unless it is a comment
    // or a parenthesised alias (`PPC co7 (PPCCoSeven)`, as herd7's catalogue writes).
    const m = /^(\S+)\s*(.*)$/.exec(name)!;
    const rest = m[2]!;
    if (
      !/^\(\*.*\*\)$/.test(rest) &&
      !/^\(\w+\)$/.test(rest) &&
      !/^\/\/.*/.test(rest) &&
      !/^\/\*.*\*\/$/.test(rest)
    ) {
      throw new OrdoError(`Syntax error: unexpected text after the test name: ${rest}`, {
        file,
        line: first.pos.line,
        col: first.pos.col + arch.length + nameLine.indexOf(rest),
      });
    }
    name = m[1]!;
  }
  name = name.replace(/\.litmus$/, '');
  // Optional "doc string" lines, then the init block; the header comments lie before it.
  lx.skipHeaderLines();
  const header = text.slice(text.indexOf('\n') + 1, lx.peek().start);
  const res = /Result:\s*([A-Za-z][\w-]*)/.exec(header);
  return res ? { name, expectedResult: res[1]!, header } : { name, header };
}
