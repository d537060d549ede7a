import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';

/**
 * Where the npm route keeps V8's code caches of the program (npm-main.ts), one folder per program and Node:
 * the user's cache folder (XDG_CACHE_HOME or ~/.cache, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows),
 * never a shared one such as /tmp: a code cache is code V8 runs without checking it, so only a folder of the
 * user's own will do (readCodeCache checks the owner too). Undefined, so no cache, when the user turned Node's
 * compile caches off (NODE_DISABLE_COMPILE_CACHE) or ours (KUBECTL_SA_NO_CODE_CACHE), or there is no home.
 */
export function codeCacheFolder(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  home: string | undefined,
  key: string,
): string | undefined {
  if (env.NODE_DISABLE_COMPILE_CACHE || env.KUBECTL_SA_NO_CODE_CACHE) return undefined;
  const paths = platform === 'win32' ? path.win32 : path.posix;
  const absolute = (folder: string | undefined) => (folder && paths.isAbsolute(folder) ? folder : undefined);
  const homeFolder = absolute(home);
  const base =
    platform === 'win32'
      ? absolute(env.LOCALAPPDATA)
      : platform === 'darwin'
        ? homeFolder && paths.join(homeFolder, 'Library', 'Caches')
        : (absolute(env.XDG_CACHE_HOME) ?? (homeFolder && paths.join(homeFolder, '.cache')));
  return base ? paths.join(base, 'kubectl-sa', 'code-cache', key) : undefined;
}

/**
 * The top-level words of kubectl sa's commands (src/commands/index.ts; a test keeps the two lists equal). Only
 * these name a cache file: the first free word of a line may be a flag's value (`-n shop scan`), and a cache per
 * namespace name would fill the user's cache folder with copies of the same code.
 */
export const commandWords: ReadonlySet<string> = new Set([
  'can-i',
  'fix',
  'help',
  'inventory',
  'matrix',
  'permissions',
  'policy',
  'role',
  'scan',
  'token',
  'tui',
  'usage',
  'version',
  'who-can',
]);

/**
 * The cache a run with these arguments loads and makes: one per command (its first word), since each command
 * compiles functions of its own (a scan's rules, who-can's walk) and V8 deserializes a cache whole at every
 * start; `version` and help share a small one, and a line naming no command (the TUI, a typo) `default`. A
 * guess that is wrong for some line costs time, never a different answer: V8 compiles what a cache lacks when
 * it first runs.
 */
export function codeCacheName(argv: readonly string[]): string {
  if (argv.some((arg) => arg === '--help' || arg === '-h') || argv[0] === '--version') return 'start';
  const word = argv.find((arg) => commandWords.has(arg));
  if (word === undefined) return 'default';
  return word === 'version' || word === 'help' ? 'start' : word;
}

/** How many programs' cache folders are kept: an upgrade, or a second install beside the first, keeps its own. */
const programsKept = 3;

/**
 * Removes the cache folders of other programs (an older kubectl-sa, another Node) beyond the newest few, so
 * upgrades do not pile up copies of code nobody runs any more. Called when a program makes its folder; any
 * failure is silent, like every other part of the cache.
 */
export function pruneOtherPrograms(folder: string): void {
  const parent = path.dirname(folder);
  try {
    const others = readdirSync(parent, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== path.basename(folder))
      .map((entry) => ({ name: entry.name, modified: statSync(path.join(parent, entry.name)).mtimeMs }))
      .sort((a, b) => b.modified - a.modified || a.name.localeCompare(b.name));
    for (const { name } of others.slice(programsKept - 1)) rmSync(path.join(parent, name), { recursive: true, force: true });
  } catch {
    // Another run pruning at the same time, or a folder we may not remove: the next new program tries again.
  }
}

/**
 * The cache file's bytes, or undefined when there is none or it is not the user's own (owner and mode checked on
 * the open file, POSIX only): a cache someone else could write is not loaded.
 */
export function readCodeCache(file: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    if (process.platform !== 'win32') {
      const stat = fstatSync(fd);
      const folder = statSync(path.dirname(file));
      const uid = process.getuid?.();
      const own = (entry: { uid: number; mode: number }) => entry.uid === uid && (entry.mode & 0o022) === 0;
      if (!own(stat) || !own(folder)) return undefined;
    }
    return readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes the cache whole or not at all (a temporary file renamed over it, so a start never reads half of one
 * that another run is writing), in a folder only the user can write. Any failure (a read-only home, a full disk)
 * leaves no file and is silent: the cache only saves time.
 */
export function writeCodeCache(file: string, data: Uint8Array): boolean {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    const folder = path.dirname(file);
    if (!existsSync(folder)) {
      mkdirSync(folder, { recursive: true, mode: 0o700 });
      pruneOtherPrograms(folder);
    }
    writeFileSync(temporary, data, { mode: 0o600 });
    renameSync(temporary, file);
    return true;
  } catch {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Nothing was written, or it cannot be removed either: the next write replaces it.
    }
    return false;
  }
}
