import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared corpus of real manifests, read in place (never copied into this repository). */
export const corpusRoot = path.resolve(fileURLToPath(new URL('../../../shared/corpus', import.meta.url)));

export function corpusPath(...parts: string[]): string {
  return path.join(corpusRoot, ...parts);
}

/** Every manifest file of the corpus, sorted. */
export function corpusFiles(): string[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      const full = path.join(folder, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(ya?ml|json)$/.test(name)) found.push(full);
    }
  };
  walk(corpusRoot);
  return found;
}
