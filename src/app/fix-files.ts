import { readFile } from 'node:fs/promises';
import { InputError, InputErrors } from '../errors/kubectl-sa-error.js';
import { BackupWriter, fileBackupOf, readBackup, sha256, type BackupManifest } from '../fixes/backup.js';
import { redactedDiff, type FileChange } from '../fixes/file-changes.js';
import { applyUndoEdits } from '../fixes/file-undo.js';
import { redactSecretValues } from '../fixes/secret-redaction.js';
import { replaceFiles } from '../fixes/file-writer.js';

export interface WriteFilesOptions {
  readonly backupRoot: string;
  /** The command line, recorded in the backup. */
  readonly command: string;
  readonly now: Date;
  /** How one file is replaced (atomically, by default); a test makes it fail. */
  readonly write?: (file: string, text: string) => Promise<void>;
}

export interface WrittenFiles {
  readonly backupDir: string;
  readonly files: readonly string[];
}

/**
 * Writes planned file changes: first checks that no file changed since it was planned (all or nothing),
 * then backs every file up, then replaces them all or none (replaceFiles). A file edited meanwhile stops
 * the run before anything is written.
 */
export async function writeFileChanges(changes: readonly FileChange[], options: WriteFilesOptions): Promise<WrittenFiles> {
  const stale: InputError[] = [];
  for (const change of changes) {
    const current = await readFile(change.file, 'utf8');
    if (current !== change.before)
      stale.push(new InputError(`${change.file}: changed since the plan was made; nothing was written, run the fix again`));
  }
  if (stale.length > 0) throw new InputErrors(stale);
  const prepared = changes.map((change) => fileBackupOf(change));
  const backup = await BackupWriter.create(options.backupRoot, options.command, options.now);
  for (const file of prepared) await backup.addFile(file);
  await replaceFiles(changes, options.write);
  return { backupDir: backup.dir, files: changes.map((change) => change.file) };
}

/** One file of a backup: what undo would do to it. */
export interface FileRestore {
  readonly file: string;
  readonly state: 'restore' | 'already-restored';
  readonly before: string;
  readonly after: string;
  readonly diff: string;
}

/**
 * What `fix --undo` would do to a backup's files: the lines each fix wrote are taken back, and only where
 * the file is as the fix left it; one edited since is an error for all (nothing is restored over someone's
 * later work). Secret values are no part of that comparison (the backup never holds them): a Secret whose
 * value changed since the fix keeps its new value, as every document the fix did not edit stays as it is.
 */
export async function planFileRestores(manifest: BackupManifest): Promise<FileRestore[]> {
  const restores: FileRestore[] = [];
  const problems: InputError[] = [];
  for (const backup of manifest.files) {
    let current: string;
    try {
      current = await readFile(backup.path, 'utf8');
    } catch {
      problems.push(new InputError(`${backup.path}: no longer exists; restore it from the backup by hand`));
      continue;
    }
    const changedSince = () =>
      problems.push(
        new InputError(
          `${backup.path}: changed since the fix; not restoring over later edits (backup.json lists the lines the fix changed, to take back by hand)`,
        ),
      );
    if (!Array.isArray(backup.edits)) {
      problems.push(
        new InputError(
          `${backup.path}: its backup was made by an earlier version of kubectl-sa; restore it from the backup's copy by hand`,
        ),
      );
      continue;
    }
    const hash = sha256(redactSecretValues(current).text);
    if (hash === backup.sha256Before) {
      restores.push({ file: backup.path, state: 'already-restored', before: current, after: current, diff: '' });
      continue;
    }
    if (hash !== backup.sha256After) {
      changedSince();
      continue;
    }
    const restored = applyUndoEdits(current, backup.edits);
    if (!('text' in restored) || sha256(redactSecretValues(restored.text).text) !== backup.sha256Before) {
      changedSince();
      continue;
    }
    restores.push({
      file: backup.path,
      state: 'restore',
      before: current,
      after: restored.text,
      diff: redactedDiff(backup.path, current, restored.text),
    });
  }
  if (problems.length > 0) throw new InputErrors(problems);
  return restores;
}

export async function restoreFiles(restores: readonly FileRestore[]): Promise<void> {
  const pending = restores.filter((restore) => restore.state === 'restore');
  for (const restore of pending) {
    const current = await readFile(restore.file, 'utf8');
    if (current !== restore.before) throw new InputError(`${restore.file}: changed while undoing; nothing was restored`);
  }
  await replaceFiles(pending);
}

export { readBackup };
