import { randomBytes } from 'node:crypto';
import { open, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import { InputError } from '../errors/kubectl-sa-error.js';
import path from 'node:path';

/** Reads manifest files as text for editing (the same bytes the reader parsed, decoded as UTF-8). */
export async function readTexts(files: Iterable<string>): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (const file of new Set(files)) texts.set(file, await readFile(file, 'utf8'));
  return texts;
}

/**
 * Replaces a file's content atomically: the new text goes to a temporary file beside it (same folder, so
 * the same filesystem), is flushed to disk, takes the original's permissions, and is renamed over it.
 * A reader sees the old file or the new one, never half of either; a failure leaves the original intact.
 * Through a symlink, the file it points at is replaced and the link kept.
 */
export async function writeFileAtomically(given: string, text: string): Promise<void> {
  // A symlinked manifest stays a symlink: the file it points at is the one replaced.
  const file = await realpath(given);
  const mode = (await stat(file)).mode & 0o7777;
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.kubectl-sa-${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', mode);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
    await handle.chmod(mode);
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** One file to replace: its text now (to put back) and the text to write. */
export interface FileReplacement {
  readonly file: string;
  readonly before: string;
  readonly after: string;
}

/**
 * Replaces several files, all or nothing: each is written atomically, and when one cannot be (a read-only
 * folder, a full disk), the files already written are put back as they were before the error is told, so a
 * run never leaves some files fixed and others not.
 */
export async function replaceFiles(
  replacements: readonly FileReplacement[],
  write: (file: string, text: string) => Promise<void> = writeFileAtomically,
): Promise<void> {
  const done: FileReplacement[] = [];
  for (const replacement of replacements) {
    try {
      await write(replacement.file, replacement.after);
    } catch (error) {
      const notPutBack: string[] = [];
      for (const written of done.reverse()) await write(written.file, written.before).catch(() => notPutBack.push(written.file));
      const reason = error instanceof Error ? error.message : String(error);
      throw new InputError(
        `cannot write ${replacement.file}: ${reason}; ${
          notPutBack.length === 0
            ? `${done.length > 0 ? `the ${done.length} file(s) written before it were put back: ` : ''}nothing was changed`
            : `${notPutBack.join(', ')} could not be put back: restore them from the backup`
        }`,
        { cause: error },
      );
    }
    done.push(replacement);
  }
}
