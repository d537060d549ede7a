import { access, readFile, stat, type PathLike, type Stats } from 'node:fs';

/** A promise of what a node:fs call gives its callback. */
const settled = <T>(call: (done: (error: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> =>
  new Promise((resolve, reject) => call((error, value) => (error ? reject(error) : resolve(value))));

/** What oclif calls of node:fs/promises at every start (its theme file) and in its file and directory flags. */
export const OCLIF_FS_PROMISES_BY_CALLBACK = {
  access: (path: PathLike, mode?: number) => settled<void>((done) => access(path, mode, done)),
  readFile: (path: PathLike, encoding: BufferEncoding) => settled<string>((done) => readFile(path, encoding, done)),
  stat: (path: PathLike) => settled<Stats>((done) => stat(path, done)),
};

/**
 * What oclif gets for `node:fs/promises` in the bundle (scripts/lean-oclif.ts). oclif reads the user's theme file
 * (~/.config/kubectl-sa/theme.json, which it honours if it is there) at every start through node:fs/promises, and
 * loading that module loads Node's readline, REPL history and file watchers with it. The same calls through
 * node:fs's callbacks, which every start has loaded, answer alike (values and errors); anything else oclif may ask
 * of the module is read from the module itself, loaded then. With process.stdin made only when read (io.ts), a
 * `version` of the linux/amd64 binary fell from 199 to 192 M instructions and from 7,200 to 6,200 page faults.
 */
export function fsPromisesByCallback(loadFsPromises: () => object): object {
  let loaded: Record<string | symbol, unknown> | undefined;
  return new Proxy(
    {},
    {
      get: (_, key) =>
        Object.hasOwn(OCLIF_FS_PROMISES_BY_CALLBACK, key)
          ? OCLIF_FS_PROMISES_BY_CALLBACK[key as keyof typeof OCLIF_FS_PROMISES_BY_CALLBACK]
          : (loaded ??= loadFsPromises() as Record<string | symbol, unknown>)[key],
    },
  );
}
