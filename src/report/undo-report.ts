import type { ObjectRef } from '../inventory/inventory.js';
import { definePrinters } from './printers.js';

/** What `kubectl sa fix --undo` did or would do with one file or object of the backup. */
export interface UndoItem {
  /** A file's path, for a backup of files. */
  readonly file: string | null;
  /** The object, for a backup of cluster objects. */
  readonly object: ObjectRef | null;
  /**
   * How it is put back: a file's text or an object's fields restored, an object the fix created deleted, or
   * one it deleted (a migrated legacy token Secret) created again.
   */
  readonly action: 'restore' | 'delete' | 'create';
  /** already-restored: it is as before the fix, nothing to do. */
  readonly state: 'restore' | 'already-restored';
  readonly outcome: 'planned' | 'dry-run' | 'restored' | 'not-confirmed';
  /** The unified diff from now to the backup (empty for a deletion or what is already restored). */
  readonly diff: string;
}

/** The documented `kubectl sa fix --undo BACKUP -o json|yaml` shape (docs/fixes.md). */
export interface UndoReport {
  readonly apiVersion: 'kubectl-sa.dev/v1';
  readonly kind: 'FixUndo';
  readonly backup: string;
  /** The command whose changes the backup holds (fix …, token legacy --migrate). */
  readonly madeBy: string;
  readonly origin: 'files' | 'cluster';
  readonly dryRun: 'client' | 'server' | 'none';
  readonly summary: { readonly restore: number; readonly alreadyRestored: number };
  readonly items: readonly UndoItem[];
}

export function undoReport(options: Omit<UndoReport, 'apiVersion' | 'kind' | 'summary'>): UndoReport {
  return {
    apiVersion: 'kubectl-sa.dev/v1',
    kind: 'FixUndo',
    backup: options.backup,
    madeBy: options.madeBy,
    origin: options.origin,
    dryRun: options.dryRun,
    summary: {
      restore: options.items.filter((item) => item.state === 'restore').length,
      alreadyRestored: options.items.filter((item) => item.state === 'already-restored').length,
    },
    items: options.items,
  };
}

const label = (object: ObjectRef) => `${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}`;

/** The table view is the diffs (and the deletions) a reviewer reads; what is already restored is said on stderr. */
function renderUndo(report: UndoReport): string {
  return report.items
    .filter((item) => item.state === 'restore')
    .map((item) =>
      item.action === 'delete' && item.object
        ? `delete ${label(item.object)} (created by the fix)\n`
        : item.action === 'create' && item.object
          ? `create ${label(item.object)} again (deleted by ${report.madeBy})\n`
          : item.diff,
    )
    .join('');
}

export const undoPrinters = definePrinters<UndoReport>({ document: (report) => report, table: renderUndo });
