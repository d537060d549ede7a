import type { Inventory, InventoryNote, SourceLocation } from '../inventory/inventory.js';
import { definePrinters } from './printers.js';
import { renderTable } from './table.js';

/**
 * The documented `kubectl sa inventory -o json` shape (docs/output-formats.md). Field order is fixed and
 * items keep input order, so the output diffs cleanly between runs.
 */
export interface InventoryReport {
  readonly apiVersion: 'kubectl-sa.dev/v1';
  readonly kind: 'Inventory';
  readonly origin: 'files' | 'cluster';
  readonly summary: {
    readonly objects: number;
    readonly byKind: Record<string, number>;
    readonly workloads: number;
    readonly notes: number;
  };
  readonly items: readonly {
    readonly apiVersion: string;
    readonly kind: string;
    readonly namespace: string | null;
    readonly name: string;
    readonly source: SourceLocation | null;
  }[];
  readonly notes: readonly { readonly level: string; readonly message: string; readonly source: SourceLocation | null }[];
}

export function inventoryReport(inventory: Inventory): InventoryReport {
  return {
    apiVersion: 'kubectl-sa.dev/v1',
    kind: 'Inventory',
    origin: inventory.origin,
    summary: {
      objects: inventory.entries.length,
      byKind: inventory.countsByKind(),
      workloads: inventory.workloads.length,
      notes: inventory.notes.length,
    },
    items: inventory.entries.map((entry) => ({
      apiVersion: entry.ref.apiVersion,
      kind: entry.ref.kind,
      namespace: entry.ref.namespace ?? null,
      name: entry.ref.name,
      source: entry.source ?? null,
    })),
    notes: inventory.notes.map((note: InventoryNote) => ({ level: note.level, message: note.message, source: note.source ?? null })),
  };
}

export const inventoryPrinters = definePrinters<Inventory>({ document: inventoryReport, table: renderInventoryTable });

function renderInventoryTable(inventory: Inventory): string {
  if (inventory.entries.length === 0) return 'No resources found.\n';
  const rows = inventory.entries.map((entry) => [
    entry.ref.kind,
    entry.ref.namespace ?? '',
    entry.ref.name,
    entry.source ? `${entry.source.file}:${entry.source.line}` : '',
    entry.source?.template ?? '',
  ]);
  const showTemplate = rows.some((row) => row[4] !== '');
  const headers = showTemplate ? ['kind', 'namespace', 'name', 'source', 'template'] : ['kind', 'namespace', 'name', 'source'];
  return renderTable(headers, showTemplate ? rows : rows.map((row) => row.slice(0, 4)));
}
