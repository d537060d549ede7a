import type { Inventory } from '../inventory/inventory.js';
import type { Outcome } from './outcome.js';
import { readInput, type InputOptions } from './read-input.js';

/** Exactly what the source layer read: `kubectl sa inventory`. */
export async function listInventory(options: { readonly input: InputOptions }): Promise<Outcome<Inventory>> {
  const { inventory } = await readInput(options.input);
  return { data: inventory, notes: inventory.notes, warnings: [] };
}
