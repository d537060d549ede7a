import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { InputError } from '../errors/kubectl-sa-error.js';
import type { ObjectRef } from '../inventory/inventory.js';
import { isRecord, withoutLastApplied, type KubeObject } from '../inventory/kube-object.js';
import { withoutServerFields } from './cluster-writer.js';
import { fieldChanges, type FieldChange } from './field-undo.js';
import { applyUndoEdits, undoEdits, type UndoEdit } from './file-undo.js';
import type { EditedDocuments } from './manifest-edit.js';
import { redactSecretValues } from './secret-redaction.js';

/**
 * Backups taken before any change, so that `--undo BACKUP` can put things back. One format for every
 * command that changes files or cluster objects (`fix`, `token legacy --migrate`): a folder holding
 * `backup.json`, what was changed, where, and how to check nothing else changed it since. A backup keeps
 * what the change touched and nothing beside it, so never a token or password pasted next to the change:
 * for a file, the lines the fix replaced; for a live object, the fields the change made, each at its JSON
 * pointer with its value before and after; a deleted object whole, a Secret as its metadata and type.
 */

/**
 * A manifest file: how to take the fix back out (the lines it replaced), and hashes of the file before and
 * after the fix, with Secret values and tokens REDACTED (a hash of a text holding a weak password would let
 * anyone holding the backup try guesses), so undo tells later edits apart without ever keeping a value.
 * No copy of the file: it would hold every line beside the change, values no redaction recognises (a
 * password pasted into an env) included, and outlive the file they were removed from.
 */
export interface FileBackup {
  readonly path: string;
  /** Backups of kubectl-sa.dev/v1 kept a copy of the file (redacted) in the folder, relative to it. */
  readonly copy?: string;
  readonly sha256Before: string;
  readonly sha256After: string;
  readonly edits: readonly UndoEdit[];
  /** How many Secret values and tokens the hashes leave out. */
  readonly redactedValues: number;
}

/** A live object: what the change did to it, and what undo needs to check that nothing changed it since. */
export interface ObjectBackup {
  readonly action: 'patch' | 'create' | 'delete';
  readonly object: ObjectRef;
  /** The server it lives on and the kubeconfig context used, so undo refuses another cluster. */
  readonly server: string;
  readonly context: string | undefined;
  /** A patch: the fields it made, in the order that takes them back. */
  readonly fields?: readonly FieldChange[] | undefined;
  /**
   * A deleted object as it was (server-owned fields left out, a Secret as its metadata and type), to create
   * it again. Backups of kubectl-sa.dev/v1 held a patched object whole here; undo still reads them.
   */
  readonly before?: Readonly<Record<string, unknown>> | undefined;
  /** resourceVersion, generation and uid right after the change: undo's preconditions. */
  readonly resourceVersionAfter: string | undefined;
  /** Moves only when the spec does: controllers' status updates after the fix do not count as later changes. */
  readonly generationAfter?: number | undefined;
  readonly uidAfter: string | undefined;
}

/** Backups kubectl-sa writes; v1 (whole objects) is still read. */
export const backupVersion = 'kubectl-sa.dev/v2';
const readableVersions = new Set(['kubectl-sa.dev/v1', backupVersion]);

export interface BackupManifest {
  readonly apiVersion: 'kubectl-sa.dev/v1' | typeof backupVersion;
  readonly kind: 'Backup';
  readonly created: string;
  /** What made it, e.g. `kubectl sa fix -f k8s/ --write`. */
  readonly command: string;
  readonly files: readonly FileBackup[];
  readonly objects: readonly ObjectBackup[];
}

/**
 * The backup of a file about to be rewritten (`after`: the text to write). A fix that rewrote a line
 * holding a Secret value (a Secret inside a List the fix re-printed) could not be taken back without
 * keeping that value: it is refused before anything is written.
 */
export function fileBackupOf(change: {
  readonly file: string;
  readonly before: string;
  readonly after: string;
  readonly documents: EditedDocuments;
}): FileBackup {
  const before = redactSecretValues(change.before);
  const after = redactSecretValues(change.after).text;
  const edits = undoEdits(change.documents);
  const check = applyUndoEdits(after, edits);
  if (!('text' in check) || check.text !== before.text)
    throw new InputError(
      `${change.file}: the fix rewrites lines holding Secret values, which its backup would have to keep; nothing was written`,
      {
        hint: 'move the Secret to a file of its own (or out of the List) and run the fix again',
      },
    );
  return {
    path: path.resolve(change.file),
    sha256Before: sha256(before.text),
    sha256After: sha256(after),
    edits,
    redactedValues: before.values,
  };
}

/** $XDG_STATE_HOME/kubectl-sa/backups, else ~/.local/state/kubectl-sa/backups (the XDG default). */
export function defaultBackupRoot(env: NodeJS.ProcessEnv = process.env): string {
  const state =
    env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(env.HOME ?? homedir(), '.local', 'state');
  return path.join(state, 'kubectl-sa', 'backups');
}

/**
 * The record of one live change: before it is made, the fields the plan changes (`change.after`); once it
 * is made, the fields the server's answer (`served`) shows changed, and its resourceVersion, generation
 * and uid, undo's preconditions. Throws (before anything is written) for a change that rewrites a token.
 */
export function objectBackup(
  change: {
    readonly action: ObjectBackup['action'];
    readonly object: ObjectRef;
    readonly before: KubeObject | undefined;
    readonly after?: KubeObject | undefined;
  },
  where: { readonly server: string; readonly context: string | undefined },
  served?: KubeObject,
): ObjectBackup {
  const metadata = served?.metadata as { resourceVersion?: string; generation?: number; uid?: string } | undefined;
  const after = served ?? change.after;
  return {
    action: change.action,
    object: change.object,
    server: where.server,
    context: where.context,
    ...(change.action === 'patch' ? { fields: change.before && after ? fieldChanges(change.object, change.before, after) : [] } : {}),
    ...(change.action === 'delete' ? { before: withoutServerFields(change.before) } : {}),
    resourceVersionAfter: metadata?.resourceVersion,
    generationAfter: metadata?.generation,
    uidAfter: metadata?.uid,
  };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A backup being written: files are copied as they are added, the manifest is (re)written at each step. */
export class BackupWriter {
  readonly dir: string;
  private readonly files: FileBackup[] = [];
  private readonly objects: ObjectBackup[] = [];
  private readonly created: string;

  private constructor(
    dir: string,
    private readonly command: string,
    now: Date,
  ) {
    this.dir = dir;
    this.created = now.toISOString();
  }

  /** Creates `<root>/<UTC timestamp>-<random>/` (private to the user: backups may hold Secret metadata). */
  static async create(root: string, command: string, now: Date): Promise<BackupWriter> {
    const stamp = now
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    const dir = path.join(root, `${stamp}-${randomBytes(3).toString('hex')}`);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const writer = new BackupWriter(dir, command, now);
    await writer.save();
    return writer;
  }

  /** Records a file before it is rewritten (prepared by fileBackupOf, which refuses what cannot be undone). */
  async addFile(record: FileBackup): Promise<void> {
    this.files.push(record);
    await this.save();
  }

  /** Records a live object before (or, for its after-state, right after) it is changed. */
  async addObject(record: ObjectBackup): Promise<void> {
    const backup = record.before ? { ...record, before: withoutValues(record.before) } : record;
    const index = this.indexOf(record);
    if (index === -1) this.objects.push(backup);
    else this.objects[index] = backup;
    await this.save();
  }

  /** Forgets an object whose change was not made after all (refused, or already in effect): undo has nothing to take back. */
  async dropObject(record: ObjectBackup): Promise<void> {
    const index = this.indexOf(record);
    if (index === -1) return;
    this.objects.splice(index, 1);
    await this.save();
  }

  private indexOf(record: ObjectBackup): number {
    return this.objects.findIndex((known) => sameObject(known.object, record.object) && known.server === record.server);
  }

  manifest(): BackupManifest {
    return {
      apiVersion: backupVersion,
      kind: 'Backup',
      created: this.created,
      command: this.command,
      files: this.files,
      objects: this.objects,
    };
  }

  private async save(): Promise<void> {
    await writeFile(path.join(this.dir, 'backup.json'), `${JSON.stringify(this.manifest(), null, 2)}\n`, { mode: 0o600 });
  }
}

/** Reads a backup folder (or its backup.json); a missing or foreign folder is a usage error naming it. */
export async function readBackup(location: string): Promise<{ dir: string; manifest: BackupManifest }> {
  const file = location.endsWith('backup.json') ? location : path.join(location, 'backup.json');
  const dir = path.dirname(file);
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(await readFile(file, 'utf8')) as BackupManifest;
  } catch (error) {
    throw new InputError(`${location}: not a kubectl-sa backup (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {
      hint: 'pass the folder a fix printed ("backup: …"), or one under ~/.local/state/kubectl-sa/backups',
    });
  }
  if (manifest?.kind !== 'Backup' || typeof manifest.apiVersion !== 'string' || !manifest.apiVersion.startsWith('kubectl-sa.dev/'))
    throw new InputError(`${file}: not a kubectl-sa backup`);
  if (!readableVersions.has(manifest.apiVersion))
    throw new InputError(`${file}: a ${manifest.apiVersion} backup, made by a later kubectl-sa: undo it with that version`);
  if (!Array.isArray(manifest.files) || !Array.isArray(manifest.objects))
    throw new InputError(`${file}: not a kubectl-sa backup this version can read`);
  return { dir, manifest };
}

/** A Secret without its values: no data, and not kubectl apply's copy of what was applied (values included). */
function withoutValues(object: Readonly<Record<string, unknown>> | undefined): Readonly<Record<string, unknown>> | undefined {
  if (object?.kind !== 'Secret') return object;
  const { data: _data, stringData: _stringData, ...kept } = object;
  return { ...kept, metadata: withoutLastApplied(isRecord(kept.metadata) ? kept.metadata : {}) };
}

function sameObject(a: ObjectRef, b: ObjectRef): boolean {
  return a.apiVersion === b.apiVersion && a.kind === b.kind && a.namespace === b.namespace && a.name === b.name;
}
