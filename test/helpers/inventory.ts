import { buildInventory, type Inventory } from '../../src/inventory/inventory.js';
import { readManifests } from '../../src/sources/manifest-files.js';
import { parseManifests } from '../../src/sources/parse-manifests.js';

/** An inventory from YAML written in a test, positions as if read from `test.yaml`. */
export function inventoryFromYaml(yaml: string, defaultNamespace = 'default'): Inventory {
  const documents = parseManifests(yaml, 'test.yaml').map((document) => ({
    value: document.value,
    source: { file: 'test.yaml', line: document.line },
  }));
  return buildInventory(documents, { defaultNamespace, origin: 'files' });
}

/** An inventory read from files and folders exactly as `-f` reads them. */
export async function inventoryFromPaths(...paths: string[]): Promise<Inventory> {
  return buildInventory(await readManifests(paths), { defaultNamespace: 'default', origin: 'files' });
}
