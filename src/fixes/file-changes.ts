import { createTwoFilesPatch } from 'diff';
import { labelOf, type FixPlan, type PlannedChange, type SkippedFix } from './plan.js';
import { editManifest, ManifestEditError, type ObjectInsertion, type ObjectPatch } from './manifest-edit.js';
import { STDIN_NAME } from '../sources/manifest-files.js';

/** One manifest file as it is and as the plan leaves it, with the unified diff between them. */
export interface FileChange {
  readonly file: string;
  readonly before: string;
  readonly after: string;
  readonly diff: string;
  readonly changes: readonly PlannedChange[];
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
    try {
      const after = editManifest(before, file, patches, insertions);
      files.push({ file, before, after, diff: unifiedDiff(file, before, after), changes });
    } catch (error) {
      if (!(error instanceof ManifestEditError)) throw error;
      for (const change of changes)
        refused.push({ object: change.object, source: change.source, reasons: change.reasons, reason: error.message });
    }
  }
  return { files, refused };
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
