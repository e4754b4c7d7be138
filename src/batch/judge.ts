// Judging a test's outcome against the `Result:` line of its first comment block, with the
// semantics of the kernel's tools/memory-model/scripts/judgelitmus.sh:
//
// - `Always` / `Sometimes` / `Never`: the Observation word must be that word;
// - `Maybe`: any outcome passes;
// - `DEADLOCK`: no execution at all (`Observation NAME Never 0 0`); conversely a test that
//   does not predict DEADLOCK fails when it has no execution at all;
// - `DATARACE` after the word: the model must flag `data-race`; a flagged data race that
//   the Result line does not predict is a failure. When a data race is modelled (and
//   predicted), a wrong Always/Sometimes/Never word is forgiven, as the script does;
// - `Flag NAME` (an Ordo extension seen in the lkmm-dev corpus): the model must raise NAME;
// - no Result line: the test is only run (judged `skip`).

export type ResultKind = 'Always' | 'Sometimes' | 'Never' | 'Maybe' | 'DEADLOCK' | 'Flag';

export interface ResultSpec {
  kind: ResultKind;
  /** The Result line says DATARACE. */
  datarace: boolean;
  /** For `Flag NAME`: the flag expected. */
  flag?: string;
  /** The text after `Result:`, trimmed (for messages). */
  text: string;
  /** 1-based line number of the Result line. */
  line: number;
}

/** What the judge needs from a run: the Observation line's word and counts and the flags. */
export interface ObservedOutcome {
  observation: 'Always' | 'Sometimes' | 'Never';
  positive: number;
  negative: number;
  flags: string[];
}

export interface Judgement {
  status: 'pass' | 'fail' | 'skip';
  /** Why it failed, or a note (e.g. "forgiven") for a pass. */
  message?: string;
}

/**
 * The first comment block of a litmus test: `(* ... *)` or `/* ... *\/`, whichever opens
 * first. Returns its text and the 1-based line where it starts, or null.
 */
export function firstCommentBlock(text: string): { body: string; line: number } | null {
  const candidates: Array<{ open: number; close: string }> = [];
  const a = text.indexOf('(*');
  if (a >= 0) candidates.push({ open: a, close: '*)' });
  const b = text.indexOf('/*');
  if (b >= 0) candidates.push({ open: b, close: '*/' });
  if (candidates.length === 0) return null;
  candidates.sort((x, y) => x.open - y.open);
  const { open, close } = candidates[0];
  const end = text.indexOf(close, open + 2);
  const body = text.slice(open + 2, end < 0 ? text.length : end);
  const line = text.slice(0, open).split('\n').length;
  return { body, line };
}

const KINDS: Record<string, ResultKind> = {
  always: 'Always',
  sometimes: 'Sometimes',
  never: 'Never',
  maybe: 'Maybe',
  deadlock: 'DEADLOCK',
  flag: 'Flag',
};

/**
 * The `Result:` line of a test (inside its first comment block), or null when there is
 * none. Tolerates leading `*`s and spaces (` * Result: Never`, ` *  * Result: Never`,
 * `(* Result: Never *)`), trailing words (`Never DATARACE`, `Maybe (compiler!)`) and
 * punctuation (`Maybe.`). An unknown word is reported as an error by `judgeOutcome`.
 */
export function extractResult(text: string): ResultSpec | null {
  const block = firstCommentBlock(text);
  if (!block) return null;
  const lines = block.body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^[\s(*]*Result:\s*(.*)$/.exec(lines[i]);
    if (!m) continue;
    const rest = m[1].replace(/\*\)\s*$/, '').trim();
    const word = /^[A-Za-z]+/.exec(rest)?.[0] ?? '';
    const kind = KINDS[word.toLowerCase()];
    const spec: ResultSpec = {
      kind: kind ?? (word as ResultKind),
      datarace: /\bDATARACE\b/.test(rest),
      text: rest,
      line: block.line + i,
    };
    if (kind === 'Flag') spec.flag = /^[A-Za-z]+\s+(\S+)/.exec(rest)?.[1];
    return spec;
  }
  return null;
}

/** Judge one outcome against its Result line (null: no Result line, the test is only run). */
export function judgeOutcome(spec: ResultSpec | null, out: ObservedOutcome): Judgement {
  if (!spec) return { status: 'skip', message: 'no Result line' };
  const obs = `${out.observation} ${out.positive} ${out.negative}`;
  const raced = out.flags.includes('data-race');
  if (!(spec.kind in KIND_SET)) {
    return { status: 'fail', message: `unknown Result "${spec.text}" (observed ${obs})` };
  }
  if (spec.kind === 'Flag') {
    if (!spec.flag) return { status: 'fail', message: `Result "${spec.text}" names no flag` };
    return out.flags.includes(spec.flag)
      ? { status: 'pass' }
      : { status: 'fail', message: `expected Flag ${spec.flag}, not raised (observed ${obs})` };
  }
  if (spec.datarace && !raced)
    return { status: 'fail', message: `predicted data race not modelled (observed ${obs})` };
  if (!spec.datarace && raced)
    return { status: 'fail', message: `unexpected data race modelled (observed ${obs})` };
  const deadlocked = out.observation === 'Never' && out.positive === 0 && out.negative === 0;
  if (spec.kind === 'DEADLOCK') {
    return deadlocked
      ? { status: 'pass' }
      : { status: 'fail', message: `expected DEADLOCK, observed ${obs}` };
  }
  if (deadlocked)
    return {
      status: 'fail',
      message: `unexpected deadlock (no execution) for Result ${spec.kind}`,
    };
  if (spec.kind === 'Maybe' || out.observation === spec.kind) return { status: 'pass' };
  if (raced)
    return {
      status: 'pass',
      message: `forgiven non-${spec.kind} verification (data race modelled), observed ${obs}`,
    };
  return { status: 'fail', message: `expected ${spec.kind}, observed ${obs}` };
}

const KIND_SET: Record<ResultKind, true> = {
  Always: true,
  Sometimes: true,
  Never: true,
  Maybe: true,
  DEADLOCK: true,
  Flag: true,
};
