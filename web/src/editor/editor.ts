// One CodeMirror 6 editor of the page, with its language switchable and with the
// pipeline's error for its file shown beside the offending line: the line is marked,
// and `FILE:LINE:COL: message` is written at its end (and as a lint diagnostic).

import { basicSetup } from 'codemirror';
import {
  Compartment,
  EditorState,
  StateEffect,
  StateField,
  type Extension,
} from '@codemirror/state';
import { Decoration, EditorView, WidgetType, type DecorationSet } from '@codemirror/view';
import { lintGutter, setDiagnostics } from '@codemirror/lint';

class ErrorWidget extends WidgetType {
  constructor(private readonly message: string) {
    super();
  }
  override eq(other: ErrorWidget): boolean {
    return other.message === this.message;
  }
  toDOM(): HTMLElement {
    const span = document.createElement('span');
    span.className = 'ordo-error-message';
    span.textContent = this.message;
    return span;
  }
}

const showError = StateEffect.define<{ line: number; message: string } | null>();

const errorField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, tr) {
    marks = marks.map(tr.changes);
    for (const effect of tr.effects) {
      if (!effect.is(showError)) continue;
      const error = effect.value;
      if (error === null) return Decoration.none;
      const line = tr.state.doc.line(Math.min(Math.max(error.line, 1), tr.state.doc.lines));
      return Decoration.set([
        Decoration.line({ class: 'ordo-error-line' }).range(line.from),
        Decoration.widget({ widget: new ErrorWidget(error.message), side: 1 }).range(line.to),
      ]);
    }
    // An edit makes the message stale: it goes once the text changes.
    return tr.docChanged ? Decoration.none : marks;
  },
  provide: (field) => EditorView.decorations.from(field),
});

export class Editor {
  readonly view: EditorView;
  private readonly language = new Compartment();

  constructor(parent: HTMLElement, text: string, language: Extension, onChange?: () => void) {
    this.view = new EditorView({
      parent,
      state: EditorState.create({
        doc: text,
        extensions: [
          basicSetup,
          this.language.of(language),
          errorField,
          lintGutter(),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) onChange?.();
          }),
        ],
      }),
    });
  }

  get text(): string {
    return this.view.state.doc.toString();
  }

  set text(value: string) {
    this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: value } });
  }

  setLanguage(language: Extension): void {
    this.view.dispatch({ effects: this.language.reconfigure(language) });
  }

  /** Mark line:col with the message (`FILE:LINE:COL: message`); line 0 marks the first line. */
  markError(line: number, col: number, message: string): void {
    const doc = this.view.state.doc;
    const at = doc.line(Math.min(Math.max(line, 1), doc.lines));
    const from = Math.min(at.from + Math.max(col - 1, 0), at.to);
    this.view.dispatch(
      setDiagnostics(this.view.state, [
        { from, to: Math.max(from, at.to), severity: 'error', message },
      ]),
      {
        effects: [
          showError.of({ line, message }),
          EditorView.scrollIntoView(at.from, { y: 'center' }),
        ],
      },
    );
  }

  clearError(): void {
    this.view.dispatch(setDiagnostics(this.view.state, []), { effects: showError.of(null) });
  }
}
