// Tokeniser for the cat model language (also used for bell files).

import { OrdoError } from '../diagnostics.js';
import { checkLimits } from '../limits.js';

export type TokKind = 'var' | 'tag' | 'string' | 'kw' | 'op' | 'eof';

export interface Token {
  kind: TokKind;
  /** Identifier/keyword text, tag name (without quote), string contents, or operator text. */
  text: string;
  line: number;
  col: number;
}

const KEYWORDS = new Set([
  'let',
  'rec',
  'and',
  'when',
  'acyclic',
  'irreflexive',
  'show',
  'unshow',
  'empty',
  'subset',
  'as',
  'fun',
  'in',
  'undefined_unless',
  'flag',
  'include',
  'begin',
  'end',
  'procedure',
  'call',
  'enum',
  'debug',
  'match',
  'with',
  'forall',
  'from',
  'do',
  'try',
  'if',
  'then',
  'else',
  'instructions',
  'default',
]);

function isAlpha(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}
function isNameChar(c: string): boolean {
  return isAlpha(c) || isDigit(c) || c === '_' || c === '.' || c === '-';
}

// Longest operators first so that `||` wins over `|`, `++` over `+`, `->` over `-1`.
const OPERATORS = [
  '||',
  '++',
  '->',
  '-1',
  '&&',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  '|',
  '&',
  '*',
  '~',
  '+',
  '^',
  '\\',
  '?',
  '=',
  ';',
  ',',
  '!',
];

export function tokenize(src: string, file: string): Token[] {
  const toks: Token[] = [];
  let i = 0,
    line = 1,
    col = 1;
  const n = src.length;
  const err = (msg: string, l = line, c = col): never => {
    throw new OrdoError(msg, { file, line: l, col: c });
  };
  const advance = (k: number) => {
    for (let q = 0; q < k; q++) {
      if (src[i] === '\n') {
        line++;
        col = 1;
      } else col++;
      i++;
    }
  };
  while (i < n) {
    checkLimits(); // a huge model takes long to read: the run's time limit holds here too
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\f') {
      advance(1);
      continue;
    }
    if ((c === '/' && src[i + 1] === '/') || c === '#') {
      while (i < n && src[i] !== '\n') advance(1);
      continue;
    }
    if (c === '(' && src[i + 1] === '*') {
      // Nested comments: track depth.
      const sl = line,
        sc = col;
      let depth = 0;
      while (true) {
        if (i >= n) err('unterminated comment', sl, sc);
        if (src[i] === '(' && src[i + 1] === '*') {
          depth++;
          advance(2);
          continue;
        }
        if (src[i] === '*' && src[i + 1] === ')') {
          depth--;
          advance(2);
          if (depth === 0) break;
          continue;
        }
        advance(1);
      }
      continue;
    }
    const sl = line,
      sc = col;
    if (c === '"') {
      let j = i + 1;
      while (j < n && src[j] !== '"') j++;
      if (j >= n) err('unterminated string', sl, sc);
      const text = src.slice(i + 1, j);
      advance(j + 1 - i);
      toks.push({ kind: 'string', text, line: sl, col: sc });
      continue;
    }
    const nameAt = (p: number): number => {
      // Returns the end index of a name starting at p, or -1.
      let j = p;
      if (src[j] === '_' && j + 1 < n && isAlpha(src[j + 1])) j++;
      if (!(j < n && isAlpha(src[j]))) return -1;
      j++;
      while (j < n && isNameChar(src[j])) j++;
      if (src[j] === "'") j++;
      return j;
    };
    if (c === "'") {
      const e = nameAt(i + 1);
      if (e < 0) err('bad tag literal');
      const text = src.slice(i + 1, e);
      advance(e - i);
      toks.push({ kind: 'tag', text, line: sl, col: sc });
      continue;
    }
    const e = nameAt(i);
    if (e >= 0) {
      const text = src.slice(i, e);
      advance(e - i);
      toks.push({ kind: KEYWORDS.has(text) ? 'kw' : 'var', text, line: sl, col: sc });
      continue;
    }
    if (c === '_') {
      advance(1);
      toks.push({ kind: 'op', text: '_', line: sl, col: sc });
      continue;
    }
    if (c === '0') {
      advance(1);
      toks.push({ kind: 'op', text: '0', line: sl, col: sc });
      continue;
    }
    let matched = false;
    for (const op of OPERATORS) {
      if (src.startsWith(op, i)) {
        advance(op.length);
        toks.push({ kind: 'op', text: op, line: sl, col: sc });
        matched = true;
        break;
      }
    }
    if (!matched) err(`unexpected character '${c}'`);
  }
  toks.push({ kind: 'eof', text: '', line, col });
  return toks;
}
