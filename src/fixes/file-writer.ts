import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
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
 */
export async function writeFileAtomically(file: string, text: string): Promise<void> {
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
