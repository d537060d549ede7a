import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The real manifests the tests run on, copied into this repository with their sources and licences
 * (test/fixtures/corpus/SOURCES.md), so a clone alone passes.
 */
export const corpusRoot = path.resolve(fileURLToPath(new URL('../fixtures/corpus', import.meta.url)));

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
