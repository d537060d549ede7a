import { createTwoFilesPatch, diffLines } from 'diff';
import { labelOf, type FixPlan, type PlannedChange, type SkippedFix } from './plan.js';
import { editManifestDocuments, type EditedDocuments, type ObjectInsertion, type ObjectPatch } from './manifest-edit.js';
import { STDIN_NAME } from '../inventory/inventory.js';
import { redactSecretValues } from './secret-redaction.js';

/**
 * One manifest file as it is and as the plan leaves it, with the unified diff between them. The diff is
 * shown and reported, so Secret values in it (a Secret in the file beside the object changed, in a context
 * line) are REDACTED; before and after are the real texts, to write.
 */
export interface FileChange {
  readonly file: string;
  readonly before: string;
  readonly after: string;
  readonly diff: string;
  readonly changes: readonly PlannedChange[];
  /** The file's documents before and after: what undo needs to put back only the documents the fix edited. */
  readonly documents: EditedDocuments;
}

export interface FileChangeSet {
  readonly files: readonly FileChange[];
  /** Changes that cannot be written to a file: Helm-rendered, stdin, or a file whose edit did not read back as planned. */
  readonly refused: readonly SkippedFix[];
}

/**
 * The plan's changes per file, edited and diffed. Pure: file texts in, texts and diffs out; nothing is
 * written here. A change to an object rendered from a Helm template is refused with a hint, since the next
 * `helm template` would undo it; so is a change to stdin, which has no file to write.
 */
export function fileChangesFor(plan: FixPlan, texts: ReadonlyMap<string, string>): FileChangeSet {
  const refused: SkippedFix[] = [];
  const byFile = new Map<string, PlannedChange[]>();
  for (const change of plan.changes) {
    const source = change.source;
    const entry = { object: change.object, source, reasons: change.reasons };
    if (!source) continue;
    if (source.template !== undefined) {
      refused.push({
        ...entry,
        reason: `${labelOf(change.object)} was rendered by Helm from ${source.template}: fix the chart's values (or template) instead, since the next helm template would undo an edit here`,
      });
      continue;
    }
    if (source.file === STDIN_NAME) {
      refused.push({
        ...entry,
        reason: `${labelOf(change.object)} came from stdin, which cannot be rewritten: pass the file with -f instead`,
      });
      continue;
    }
    byFile.set(source.file, [...(byFile.get(source.file) ?? []), change]);
  }
  const files: FileChange[] = [];
  for (const [file, changes] of byFile) {
    const before = texts.get(file);
    if (before === undefined) throw new Error(`no text for ${file}`);
    const patches: ObjectPatch[] = changes
      .filter((change) => change.action === 'patch')
      .map((change) => ({ line: change.source?.line ?? 0, patch: change.patch }));
    const insertions: ObjectInsertion[] = changes
      .filter((change) => change.action === 'create')
      .map((change) => ({ afterLine: change.source?.line ?? 0, object: change.after }));
    // An edit that cannot be made refuses its own object's change only; the caller plans again without it
    // (and without what depended on it), so one anchored object does not hold back a whole file.
    const failed = new Set<PlannedChange>();
    const documents = editManifestDocuments(before, file, patches, insertions, (failure) => {
      const action = failure.edit === 'patch' ? 'patch' : 'create';
      for (const change of changes) {
        if (change.action !== action || change.source?.line !== failure.line || failed.has(change)) continue;
        failed.add(change);
        refused.push({ object: change.object, source: change.source, reasons: change.reasons, reason: failure.error.message });
      }
    });
    const kept = changes.filter((change) => !failed.has(change));
    if (kept.length === 0) continue;
    files.push({
      file,
      before,
      after: documents.after.join(''),
      diff: documentsDiff(file, withoutSecretValues(documents)),
      changes: kept,
      documents,
    });
  }
  return { files, refused };
}

/** The documents with their Secret values REDACTED, line for line (so the diff's hunks stay where they are). */
function withoutSecretValues(documents: EditedDocuments): EditedDocuments {
  const redact = (part: string) => redactSecretValues(part).text;
  return { before: documents.before.map(redact), after: documents.after.map(redact) };
}

/** A unified diff between two texts with their Secret values and tokens REDACTED, for display (undo's, a live object's). */
export function redactedDiff(
  file: string,
  before: string,
  after: string,
  labels: { readonly from?: string; readonly to?: string } = {},
): string {
  return unifiedDiff(file, redactSecretValues(before).text, redactSecretValues(after).text, labels);
}

/** `diff -u` as git and kubectl diff print it: a/ and b/ paths, three lines of context. */
export function unifiedDiff(
  file: string,
  before: string,
  after: string,
  labels: { readonly from?: string; readonly to?: string } = {},
): string {
  if (before === after) return '';
  const shown = file.replace(/^\/+/, '');
  const patch = createTwoFilesPatch(labels.from ?? `a/${shown}`, labels.to ?? `b/${shown}`, before, after, undefined, undefined, {
    context: 3,
  });
  // jsdiff starts with `Index:` and `===` lines; keep only what diff -u prints.
  return patch
    .split('\n')
    .filter((line) => !line.startsWith('===') && !line.startsWith('Index: '))
    .join('\n');
}

/**
 * The same unified diff as unifiedDiff, computed per edited document: a line diff of a 5 MB file with
 * thousands of changes is quadratic-ish (Myers' O(N·D)), while the edited documents are small. The changes
 * found per document are placed at their lines in the whole file, then grouped into hunks with three lines
 * of context, as diff -u does.
 */
export function documentsDiff(file: string, documents: EditedDocuments): string {
  const before = documents.before.join('');
  const after = documents.after.join('');
  if (before === after) return '';
  // A last line without its newline needs diff -u's marker: rare enough to leave to the full diff.
  if (!before.endsWith('\n') || !after.endsWith('\n')) return unifiedDiff(file, before, after);
  const changes: { oldStart: number; oldLines: string[]; newLines: string[] }[] = [];
  let oldLine = 0;
  documents.before.forEach((part, index) => {
    const edited = documents.after[index] ?? part;
    if (edited !== part) {
      let oldAt = oldLine;
      for (const piece of diffLines(part, edited)) {
        const lines = splitLines(piece.value);
        if (piece.added) {
          // Lines added right where lines were removed replace them: one change.
          const last = changes[changes.length - 1];
          if (last !== undefined && last.oldStart + last.oldLines.length === oldAt) last.newLines.push(...lines);
          else changes.push({ oldStart: oldAt, oldLines: [], newLines: lines });
        } else if (piece.removed) {
          changes.push({ oldStart: oldAt, oldLines: lines, newLines: [] });
          oldAt += lines.length;
        } else oldAt += lines.length;
      }
    }
    oldLine += splitLines(part).length;
  });
  return formatHunks(file, splitLines(before), changes);
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** diff -u hunks from changes (old line index, lines removed, lines added), three lines of context. */
function formatHunks(
  file: string,
  oldLines: readonly string[],
  changes: readonly { oldStart: number; oldLines: readonly string[]; newLines: readonly string[] }[],
): string {
  const context = 3;
  const shown = file.replace(/^\/+/, '');
  const out = [`--- a/${shown}`, `+++ b/${shown}`];
  let shift = 0; // new line index minus old line index, before the hunk being written
  for (let index = 0; index < changes.length;) {
    const group = [changes[index]];
    for (index += 1; index < changes.length; index += 1) {
      const previous = group[group.length - 1];
      const next = changes[index];
      if (!previous || !next || next.oldStart - (previous.oldStart + previous.oldLines.length) > 2 * context) break;
      group.push(next);
    }
    const first = group[0];
    const last = group[group.length - 1];
    if (!first || !last) break;
    const oldFrom = Math.max(0, first.oldStart - context);
    const oldTo = Math.min(oldLines.length, last.oldStart + last.oldLines.length + context);
    const body: string[] = [];
    let at = oldFrom;
    let added = 0;
    for (const change of group) {
      if (!change) continue;
      for (; at < change.oldStart; at++) body.push(` ${oldLines[at]}`);
      body.push(...change.oldLines.map((line) => `-${line}`), ...change.newLines.map((line) => `+${line}`));
      at += change.oldLines.length;
      added += change.newLines.length - change.oldLines.length;
    }
    for (; at < oldTo; at++) body.push(` ${oldLines[at]}`);
    const oldCount = oldTo - oldFrom;
    const newCount = oldCount + added;
    const newFrom = oldFrom + shift;
    shift += added;
    out.push(
      `@@ -${oldCount === 0 ? oldFrom : oldFrom + 1},${oldCount} +${newCount === 0 ? newFrom : newFrom + 1},${newCount} @@`,
      ...body,
    );
  }
  return `${out.join('\n')}\n`;
}
