import { diffLines } from 'diff';
import { countLineBreaks } from '../sources/line-index.js';
import type { EditedDocuments } from './manifest-edit.js';

/**
 * How to take a fix back out of a file without a copy of the whole file: the lines the fix replaced, each at
 * its place in the text the fix left (0-based line and column), with the text it wrote there (`after`) and
 * the text that was there before (`before`). Only the documents the fix edited have edits, so undo leaves
 * every other document as it is on disk then — a Secret beside the workload keeps its current values, and
 * no value ever has to be kept in a backup.
 */
export interface UndoEdit {
  readonly line: number;
  readonly column: number;
  readonly after: string;
  readonly before: string;
}

/** The edits that turn the fixed text back into the original, from the file's documents before and after. */
export function undoEdits(documents: EditedDocuments): UndoEdit[] {
  const edits: UndoEdit[] = [];
  // Where the part being read starts in the fixed text: its line, and its column (0 but after a last line without its break).
  let line = 0;
  let column = 0;
  documents.before.forEach((part, index) => {
    const edited = documents.after[index] ?? part;
    if (edited !== part) {
      let at = 0;
      let pending: { at: number; after: string; before: string } | undefined;
      const flush = () => {
        if (!pending) return;
        const breaks = countLineBreaks(edited, 0, pending.at);
        const lineStart = edited.lastIndexOf('\n', pending.at - 1) + 1;
        edits.push({
          line: line + breaks,
          column: breaks === 0 ? column + pending.at : pending.at - lineStart,
          after: pending.after,
          before: pending.before,
        });
        pending = undefined;
      };
      for (const piece of diffLines(part, edited)) {
        if (!piece.added && !piece.removed) {
          flush();
          at += piece.value.length;
          continue;
        }
        pending ??= { at, after: '', before: '' };
        if (piece.added) {
          pending.after += piece.value;
          at += piece.value.length;
        } else pending.before += piece.value;
      }
      flush();
    }
    const breaks = countLineBreaks(edited, 0, edited.length);
    column = breaks === 0 ? column + edited.length : edited.length - (edited.lastIndexOf('\n') + 1);
    line += breaks;
  });
  return edits;
}

/**
 * The text with the edits taken back, or the reason it cannot be: an edit whose text is no longer at its
 * place means the file changed there since the fix.
 */
export function applyUndoEdits(text: string, edits: readonly UndoEdit[]): { text: string } | { problem: string } {
  const starts = [0];
  for (let offset = text.indexOf('\n'); offset !== -1; offset = text.indexOf('\n', offset + 1)) starts.push(offset + 1);
  const placed = edits.map((edit) => ({ edit, at: (starts[edit.line] ?? Number.NaN) + edit.column }));
  for (const { edit, at } of placed)
    if (Number.isNaN(at) || text.slice(at, at + edit.after.length) !== edit.after)
      return { problem: `line ${edit.line + 1} is no longer as the fix left it` };
  let out = text;
  // Bottom up, so that no edit moves the place of one still to make.
  for (const { edit, at } of [...placed].sort((a, b) => b.at - a.at))
    out = out.slice(0, at) + edit.before + out.slice(at + edit.after.length);
  return { text: out };
}
