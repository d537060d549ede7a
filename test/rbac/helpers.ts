import { corpusRoot } from '../helpers/corpus.js';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildInventory, type Inventory } from '../../src/inventory/inventory.js';
import { buildRbacModel, type RbacModel } from '../../src/rbac/rbac-model.js';
import { loadDefaultRbac } from '../../src/sources/kube-data.js';
import { parseManifests } from '../../src/sources/parse-manifests.js';

export const corpus = corpusRoot;

export function inventoryOf(yaml: string): Inventory {
  const documents = parseManifests(yaml, 'test.yaml').map((document) => ({ value: document.value }));
  return buildInventory(documents, { defaultNamespace: 'default', origin: 'files' });
}

/** Reads corpus files in place (never copied into the repo): a file or every YAML file of a folder. */
export function corpusInventory(...paths: string[]): Inventory {
  const files = paths.flatMap((path) => {
    const full = join(corpus, path);
    return statSync(full).isDirectory()
      ? readdirSync(full).filter((file) => /\.ya?ml$/.test(file)).sort().map((file) => join(full, file))
      : [full];
  });
  const documents = files.flatMap((file) =>
    parseManifests(readFileSync(file, 'utf8'), file).map((document) => ({ value: document.value, source: { file, line: document.line } })),
  );
  return buildInventory(documents, { defaultNamespace: 'default', origin: 'files' });
}

export function modelOf(yaml: string, options: { defaultRbac?: boolean } = {}): RbacModel {
  return buildRbacModel(inventoryOf(yaml), { defaultRbac: options.defaultRbac ? loadDefaultRbac() : undefined });
}
