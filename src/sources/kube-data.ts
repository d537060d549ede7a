import { readFileSync } from 'node:fs';
import { parseDefaultRbac, type DefaultRbacData } from '../rbac/default-rbac.js';
import { parseApiResources, type ApiResourceTable } from '../rbac/resource-table.js';

/**
 * Reads the Kubernetes data shipped in `data/` (beside `src/` and `dist/`, so the same relative URL works
 * from sources and from the build). Read once per process: the files do not change while we run.
 */
const dataUrl = (file: string) => new URL(`../../data/${file}`, import.meta.url);

let defaultRbac: DefaultRbacData | undefined;
let apiResources: ApiResourceTable | undefined;

export function loadDefaultRbac(): DefaultRbacData {
  defaultRbac ??= parseDefaultRbac(JSON.parse(readFileSync(dataUrl('default-rbac.json'), 'utf8')));
  return defaultRbac;
}

export function loadApiResources(): ApiResourceTable {
  apiResources ??= parseApiResources(JSON.parse(readFileSync(dataUrl('api-resources.json'), 'utf8')));
  return apiResources;
}
