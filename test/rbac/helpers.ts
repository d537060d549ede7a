import { corpusRoot } from '../helpers/corpus.js';
import { join } from 'node:path';
import type { Inventory } from '../../src/inventory/inventory.js';
import { inventoryFromPaths, inventoryFromYaml } from '../helpers/inventory.js';
import { buildRbacModel, type RbacModel } from '../../src/rbac/rbac-model.js';
import { loadDefaultRbac } from '../../src/sources/kube-data.js';
import { builtInRiskFacts } from '../helpers/risk-facts.js';

export const corpus = corpusRoot;

export const inventoryOf = (yaml: string): Inventory => inventoryFromYaml(yaml);

/** Reads corpus files or folders (test/fixtures/corpus), as -f reads them. */
export function corpusInventory(...paths: string[]): Promise<Inventory> {
  return inventoryFromPaths(...paths.map((part) => join(corpus, part)));
}

export function modelOf(yaml: string, options: { defaultRbac?: boolean } = {}): RbacModel {
  return buildRbacModel(inventoryOf(yaml), {
    defaultRbac: options.defaultRbac ? loadDefaultRbac() : undefined,
    riskFacts: builtInRiskFacts,
  });
}
