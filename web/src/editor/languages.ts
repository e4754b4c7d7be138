// Syntax highlighting for the page's editors: C litmus tests, the assembly litmus
// dialects (BPF, x86, Power, RISC-V) and cat models, as small stream tokenizers that
// know herd's `(* ... *)` comments (which a C grammar would read as code). Highlighting
// only: nothing here checks syntax (the pipeline does, and the page marks its errors).

import { StreamLanguage, type StreamParser } from '@codemirror/language';
import type { Extension } from '@codemirror/state';

/** Comments can span lines: the state remembers being inside one, and how it ends. */
interface CommentState {
  /** The closing delimiter of the comment the line starts in (`*)` or `*` `/`), or null. */
  inComment: string | null;
}

type Stream = Parameters<StreamParser<CommentState>['token']>[0];

function comment(stream: Stream, state: CommentState): string {
  const close = state.inComment ?? '*)';
  while (!stream.eol()) {
    if (stream.match(close)) {
      state.inComment = null;
      return 'comment';
    }
    stream.next();
  }
  return 'comment';
}

/** A comment opening here: herd's `(*`, and in C and assembly also `/*` and `//`. */
function openComment(stream: Stream, state: CommentState, cStyle: boolean): string | null {
  if (stream.match('(*')) {
    state.inComment = '*)';
    return comment(stream, state);
  }
  if (!cStyle) return null;
  if (stream.match('/*')) {
    state.inComment = '*/';
    return comment(stream, state);
  }
  if (stream.match('//')) {
    stream.skipToEnd();
    return 'comment';
  }
  return null;
}

/**
 * A tokenizer for one of the page's languages: what they all share (comments that may span
 * lines, spaces, `"strings"`) comes first, then the language's own `rest` of a token.
 */
function tokenizer(
  name: string,
  cStyleComments: boolean,
  /** The token's style, or undefined for a character of no token (it is skipped). */
  rest: (stream: Stream) => string | undefined,
  languageData: StreamParser<CommentState>['languageData'],
): StreamParser<CommentState> {
  return {
    name,
    startState: () => ({ inComment: null }),
    token(stream, state) {
      if (state.inComment) return comment(stream, state);
      if (stream.eatSpace()) return null;
      const opened = openComment(stream, state, cStyleComments);
      if (opened) return opened;
      if (stream.match(/^"[^"]*"?/)) return 'string';
      const style = rest(stream);
      if (style !== undefined) return style;
      stream.next();
      return null;
    },
    languageData,
  };
}

const HERD_COMMENTS = { commentTokens: { block: { open: '(*', close: '*)' } } };

const CAT_KEYWORDS = new Set(
  'let rec and in as acyclic irreflexive empty flag show unshow include procedure call enum forall do end if then else match with begin fun try instructions default from'.split(
    ' ',
  ),
);
const CAT_BUILTINS = new Set(
  'po rf co fr rmw addr data ctrl loc int ext id amo IW FW M R W F B RMW domain range fencerel classes linearisations unions-of-choices'.split(
    ' ',
  ),
);

const catParser = tokenizer(
  'cat',
  false,
  (stream) => {
    if (stream.match(/^[0-9]+/)) return 'number';
    if (stream.match(/^[A-Za-z_][A-Za-z0-9_.-]*/)) {
      const word = stream.current();
      if (CAT_KEYWORDS.has(word)) return 'keyword';
      if (CAT_BUILTINS.has(word)) return 'builtin';
      return 'variableName';
    }
    if (stream.match(/^(\|\||[|&;\\*+?^~]|\^-1|-1)/)) return 'operator';
    return undefined;
  },
  HERD_COMMENTS,
);

const ASM_KEYWORDS = new Set(
  'exists forall filter locations goto if lock load_acquire store_release atomic_fetch_add atomic_fetch_and atomic_fetch_or atomic_fetch_xor xchg_64 xchg_32_32 cmpxchg_64 cmpxchg32_32 u8 u16 u32 u64 int'.split(
    ' ',
  ),
);

/** The assembly litmus dialects: `P0 | P1 ;` columns of instructions, herd's clauses. */
const asmLitmusParser = tokenizer(
  'litmus-asm',
  true,
  (stream) => {
    if (stream.match(/^P[0-9]+\b/)) return 'heading';
    if (stream.match(/^[0-9]+:/)) return 'labelName';
    if (stream.match(/^(0x[0-9a-fA-F]+|-?[0-9]+)\b/)) return 'number';
    if (stream.match(/^(r[0-9]+|%?[a-z]{1,3}[0-9]+|fp)\b/)) return 'variableName.special';
    if (stream.match(/^[A-Za-z_][A-Za-z0-9_.]*/)) {
      const word = stream.current();
      if (stream.sol() || /^(X86|X86_64|BPF|PPC|RISCV|AArch64|C)$/.test(word)) return 'keyword';
      if (ASM_KEYWORDS.has(word)) return 'keyword';
      return 'variableName';
    }
    if (stream.match(/^(\/\\|\\\/|[|;=~*+&^<>!-])/)) return 'operator';
    return undefined;
  },
  HERD_COMMENTS,
);

const C_KEYWORDS = new Set(
  'int long short char unsigned signed void if else while for do return break continue goto switch case default const volatile struct union sizeof exists forall filter locations intptr_t uintptr_t spinlock_t atomic_t'.split(
    ' ',
  ),
);

/** C litmus tests: C threads `P0(int *x) { ... }`, herd's header, init block and clauses. */
const cLitmusParser = tokenizer(
  'litmus-c',
  true,
  (stream) => {
    if (stream.match(/^P[0-9]+\b/)) return 'heading';
    if (stream.match(/^(0x[0-9a-fA-F]+|[0-9]+)\b/)) return 'number';
    if (stream.match(/^[A-Za-z_][A-Za-z0-9_]*/)) {
      const word = stream.current();
      if (C_KEYWORDS.has(word)) return 'keyword';
      if (stream.column() === 0 && word === 'C') return 'keyword';
      // Kernel primitives: READ_ONCE, smp_mb, atomic_xchg_relaxed, rcu_read_lock, ...
      if (/^[A-Z][A-Z0-9_]+$|^(smp|atomic|rcu|srcu|spin|xchg|cmpxchg|synchronize)_?/.test(word))
        return 'function(variableName)';
      return 'variableName';
    }
    if (stream.match(/^(\/\\|\\\/|[=~*+&|^<>!%-])/)) return 'operator';
    return undefined;
  },
  { commentTokens: { ...HERD_COMMENTS.commentTokens, line: '//' } },
);

export const catLanguage: Extension = StreamLanguage.define(catParser);
const asmLitmusLanguage = StreamLanguage.define(asmLitmusParser);
const cLitmusLanguage = StreamLanguage.define(cLitmusParser);

/** The first word of a litmus test: its architecture. */
export function architectureWord(text: string): string {
  return /^\s*(\S+)/.exec(text)?.[1] ?? '';
}

/** Highlighting for a test: C for C litmus tests, the assembly dialects otherwise. */
export function litmusLanguage(text: string): Extension {
  return architectureWord(text) === 'C' ? cLitmusLanguage : asmLitmusLanguage;
}
