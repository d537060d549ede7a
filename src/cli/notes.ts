import type { Warning } from '../app/outcome.js';
import type { InventoryNote } from '../inventory/inventory.js';
import { formatPosition } from '../errors/kubectl-sa-error.js';

/**
 * Notes go to stderr so that stdout stays machine-readable in every output format. Warnings are
 * always shown; informational notes (a kustomize patch list skipped, say) are summarised unless
 * KUBECTL_SA_VERBOSE is set, so real charts do not drown the result in noise.
 */
export function writeNotes(notes: readonly InventoryNote[], stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): void {
  const verbose = Boolean(env.KUBECTL_SA_VERBOSE);
  const info = notes.filter((note) => note.level === 'info');
  for (const note of notes) {
    if (note.level === 'info' && !verbose) continue;
    const where = note.source ? `${formatPosition(note.source)}: ` : '';
    stream.write(`${note.level}: ${where}${note.message}\n`);
  }
  // Only the documents skipped are counted here (they have a file:line); other informational notes (a live
  // read's "judged N Pods through their controllers") are no skipped document.
  const skipped = info.filter((note) => note.source !== undefined);
  if (!verbose && skipped.length > 0) {
    const files = new Set(skipped.map((note) => note.source?.file));
    stream.write(
      `note: skipped ${skipped.length} document(s) that are not Kubernetes objects in ${files.size} file(s); set KUBECTL_SA_VERBOSE=1 to list them\n`,
    );
  }
}

/** A use case's warnings, one line each: kubectl's own as kubectl prints them (`Warning: …`), ours as `warning: …`. */
export function writeWarnings(warnings: readonly Warning[], stream: NodeJS.WritableStream): void {
  for (const warning of warnings) {
    const where = warning.source ? `${formatPosition(warning.source)}: ` : '';
    stream.write(`${warning.kubectl ? 'Warning' : 'warning'}: ${where}${warning.message}\n`);
    if (warning.hint) stream.write(`hint: ${warning.hint}\n`);
  }
}
