import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { InputError } from '../errors/kubectl-sa-error.js';
import { isRecord } from '../inventory/kube-object.js';

/**
 * Backups of the objects a fix changes or deletes, written before the change, so that `--undo DIR` can put
 * them back. One folder per run; a manifest (backup.json) lists each object, what was done to it and the
 * resourceVersion it had afterwards (undo refuses to overwrite a later change). Small and general: any fix
 * that writes to a cluster can use it. Secret values are never written: a Secret is kept as metadata only.
 */
export interface BackupEntry {
  readonly action: 'patched' | 'deleted';
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** File of the object as it was, relative to the backup folder. */
  readonly file: string;
  /** The object's resourceVersion after our change; null until the change was made (or for a deletion). */
  readonly resourceVersionAfter: string | null;
  /**
   * Its metadata.generation after our change: it moves only when the spec does, so undo can tell a later
   * change by someone else from the status updates controllers keep making.
   */
  readonly generationAfter: number | null;
  /** False when the change was planned (backed up) but not made. */
  readonly applied: boolean;
}

export interface BackupManifest {
  readonly apiVersion: 'kubectl-sa.dev/v1';
  readonly kind: 'Backup';
  readonly createdAt: string;
  /** What made it, e.g. "token legacy --migrate". */
  readonly reason: string;
  /** The API server the objects came from; undo refuses another. */
  readonly server: string;
  readonly entries: readonly BackupEntry[];
}

export interface BackedUpObject {
  readonly entry: BackupEntry;
  readonly object: Record<string, unknown>;
}

const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

/** $XDG_STATE_HOME/kubectl-sa/backups, else ~/.local/state/kubectl-sa/backups (the XDG default). */
export function defaultBackupRoot(env: NodeJS.ProcessEnv = process.env): string {
  const state =
    env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(env.HOME ?? homedir(), '.local', 'state');
  return path.join(state, 'kubectl-sa', 'backups');
}

export class ObjectBackup {
  readonly dir: string;
  private readonly manifest: { -readonly [K in keyof BackupManifest]: BackupManifest[K] } & { entries: BackupEntry[] };

  private constructor(dir: string, manifest: BackupManifest) {
    this.dir = dir;
    this.manifest = { ...manifest, entries: [...manifest.entries] };
  }

  /** A new backup folder `<root>/<UTC time>-<label>`, private to the user (0700). */
  static async create(root: string, options: { label: string; reason: string; server: string; now: Date }): Promise<ObjectBackup> {
    const stamp = options.now
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    const dir = path.join(root, `${stamp}-${options.label}`);
    await mkdir(path.join(dir, 'objects'), { recursive: true, mode: 0o700 });
    const backup = new ObjectBackup(dir, {
      apiVersion: 'kubectl-sa.dev/v1',
      kind: 'Backup',
      createdAt: options.now.toISOString(),
      reason: options.reason,
      server: options.server,
      entries: [],
    });
    await backup.writeManifest();
    return backup;
  }

  /** Saves the object as it is now, before `action` is done to it; returns its entry's index. */
  async save(object: Record<string, unknown>, action: BackupEntry['action']): Promise<number> {
    const kept = backupCopy(object);
    const metadata = isRecord(kept.metadata) ? kept.metadata : {};
    const index = this.manifest.entries.length;
    const entry: BackupEntry = {
      action,
      apiVersion: String(kept.apiVersion ?? ''),
      kind: String(kept.kind ?? ''),
      namespace: String(metadata.namespace ?? ''),
      name: String(metadata.name ?? ''),
      file: path.join(
        'objects',
        `${String(index + 1).padStart(3, '0')}-${String(kept.kind ?? 'object').toLowerCase()}-${String(metadata.name ?? '')}.json`,
      ),
      resourceVersionAfter: null,
      generationAfter: null,
      applied: false,
    };
    await writeFile(path.join(this.dir, entry.file), JSON.stringify(kept, null, 2) + '\n', { mode: 0o600 });
    this.manifest.entries.push(entry);
    await this.writeManifest();
    return index;
  }

  /** Records that the change was made, and the object it left (undefined for a deletion). */
  async applied(index: number, after: Record<string, unknown> | undefined): Promise<void> {
    const entry = this.manifest.entries[index];
    if (!entry) return;
    const metadata = isRecord(after?.metadata) ? after.metadata : {};
    this.manifest.entries[index] = {
      ...entry,
      applied: true,
      resourceVersionAfter: typeof metadata.resourceVersion === 'string' ? metadata.resourceVersion : null,
      generationAfter: typeof metadata.generation === 'number' ? metadata.generation : null,
    };
    await this.writeManifest();
  }

  private async writeManifest(): Promise<void> {
    await writeFile(path.join(this.dir, 'backup.json'), JSON.stringify(this.manifest, null, 2) + '\n', { mode: 0o600 });
  }
}

/** The object without what the server owns (managedFields, status) and never a Secret's values. */
function backupCopy(object: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = structuredClone(object);
  delete copy.status;
  if (isRecord(copy.metadata)) delete copy.metadata.managedFields;
  if (copy.kind === 'Secret') {
    delete copy.data;
    delete copy.stringData;
    // kubectl apply keeps the applied manifest here, values included.
    if (isRecord(copy.metadata) && isRecord(copy.metadata.annotations)) delete copy.metadata.annotations[lastAppliedAnnotation];
  }
  return copy;
}

/** Reads a backup folder written by ObjectBackup. */
export async function readBackup(dir: string): Promise<{ manifest: BackupManifest; objects: BackedUpObject[] }> {
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(await readFile(path.join(dir, 'backup.json'), 'utf8')) as BackupManifest;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${dir}: not a kubectl-sa backup (${code === 'ENOENT' ? 'no backup.json' : 'backup.json is not valid JSON'})`);
  }
  if (manifest.kind !== 'Backup' || !Array.isArray(manifest.entries))
    throw new InputError(`${dir}/backup.json: not a kubectl-sa backup manifest`);
  const objects: BackedUpObject[] = [];
  for (const entry of manifest.entries) {
    try {
      objects.push({ entry, object: JSON.parse(await readFile(path.join(dir, entry.file), 'utf8')) as Record<string, unknown> });
    } catch {
      throw new InputError(`${path.join(dir, entry.file)}: missing or not JSON: the backup is incomplete`);
    }
  }
  return { manifest, objects };
}
