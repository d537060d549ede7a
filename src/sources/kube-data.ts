import type { DefaultRbacData } from '../rbac/default-rbac.js';
import type { ApiResourceTable } from '../rbac/resource-table.js';
import { builtInFile } from './built-in-files.js';
import { parseApiResources, parseDefaultRbac } from './kube-data-format.js';

// The Kubernetes data shipped in `data/`, built into kubectl-sa (built-in-files.ts): parsed once per
// process, and only by the commands that need it.
let defaultRbac: DefaultRbacData | undefined;
let apiResources: ApiResourceTable | undefined;

export function loadDefaultRbac(): DefaultRbacData {
  defaultRbac ??= parseDefaultRbac(JSON.parse(builtInFile('data/default-rbac.json')));
  return defaultRbac;
}

export function loadApiResources(): ApiResourceTable {
  apiResources ??= parseApiResources(JSON.parse(builtInFile('data/api-resources.json')));
  return apiResources;
}
