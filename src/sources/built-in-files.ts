import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The files kubectl-sa carries inside itself: the built-in policy packs (`policies/`) and the Kubernetes
 * data (`data/`). The build (scripts/build.ts) puts their text into the bundle as
 * KUBECTL_SA_EMBEDDED_FILES, so the npm package and the standalone binaries read nothing from disk;
 * run from the sources (tests, scripts), they are read from the repository.
 */
declare const KUBECTL_SA_EMBEDDED_FILES: string | undefined;

/** The folders (relative to the repository) whose files are built in, and which of their files count. */
export const BUILT_IN_FOLDERS = { policies: /\.(ya?ml|json)$/i, data: /\.json$/i } as const;
export type BuiltInFolder = keyof typeof BUILT_IN_FOLDERS;

/**
 * Subfolders left out: the built-in packs' fixture cases, which `kubectl sa policy test policies/` runs from a
 * checkout (and CI). No command reads them from the program, and every scan parsed and compiled them.
 */
const NOT_BUILT_IN: ReadonlySet<string> = new Set(['policies/tests']);

export interface BuiltInFile {
  /** Repository-relative, with forward slashes: `policies/rbac.yaml`. */
  readonly name: string;
  readonly text: string;
}

let files: Readonly<Record<string, string>> | undefined;

/** Every built-in file of a folder, sorted by name (subfolders included). */
export function builtInFiles(folder: BuiltInFolder): BuiltInFile[] {
  files ??=
    typeof KUBECTL_SA_EMBEDDED_FILES === 'undefined'
      ? readBuiltInFiles(repositoryRoot())
      : (JSON.parse(KUBECTL_SA_EMBEDDED_FILES) as Record<string, string>);
  return Object.keys(files)
    .filter((name) => name.startsWith(`${folder}/`))
    .sort()
    .map((name) => ({ name, text: files![name]! }));
}

/** One built-in file's text, by repository-relative name (`data/default-rbac.json`). */
export function builtInFile(name: string): string {
  const folder = name.split('/', 1)[0] as BuiltInFolder;
  const found = builtInFiles(folder).find((file) => file.name === name);
  if (!found) throw new Error(`${name} is not built into kubectl-sa`);
  return found.text;
}

/** Reads the built-in folders from a checkout: what the build embeds, and what sources use unbuilt. */
export function readBuiltInFiles(root: string): Record<string, string> {
  const found: Record<string, string> = {};
  const walk = (relative: string, pattern: RegExp) => {
    for (const entry of readdirSync(path.join(root, relative), { withFileTypes: true })) {
      const name = `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!NOT_BUILT_IN.has(name)) walk(name, pattern);
      } else if (pattern.test(entry.name)) found[name] = readFileSync(path.join(root, name), 'utf8');
    }
  };
  for (const [folder, pattern] of Object.entries(BUILT_IN_FOLDERS)) walk(folder, pattern);
  return found;
}

/** The repository, two levels up from `src/sources/`. */
function repositoryRoot(): string {
  return fileURLToPath(new URL('../../', import.meta.url));
}
