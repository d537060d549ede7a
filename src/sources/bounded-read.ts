import { open } from 'node:fs/promises';

/**
 * Reads a file, a pipe (`--token-file <(vault read …)`) or a device up to `maxBytes`, in as many reads as it
 * takes (a pipe gives what its writer wrote so far): the bytes, or `undefined` when there are more (a wrong
 * file, an endless device), which is then not read any further. Errors are the file system's (ENOENT, EISDIR).
 */
export async function readUpTo(file: string, maxBytes: number): Promise<Buffer | undefined> {
  const handle = await open(file, 'r');
  try {
    if ((await handle.stat()).isDirectory()) throw Object.assign(new Error(`${file} is a folder`), { code: 'EISDIR' });
    const buffer = Buffer.alloc(maxBytes + 1);
    let total = 0;
    while (total <= maxBytes) {
      const { bytesRead } = await handle.read(buffer, total, buffer.length - total, null);
      if (bytesRead === 0) break;
      total += bytesRead;
    }
    return total > maxBytes ? undefined : buffer.subarray(0, total);
  } finally {
    await handle.close();
  }
}

/** What went wrong reading a file, in words, from its error code. */
export function fileProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder' : (code ?? 'unknown error');
}
