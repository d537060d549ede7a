import type { InventoryNote, SourceLocation } from '../inventory/inventory.js';

/**
 * Something the user should know that does not change the answer: a kind we may not list, an expired
 * exemption, kubectl's "resource 'nodes' is not namespace scoped". Views show warnings on stderr (or
 * in a TUI pane); they never go into the data, so -o json stays machine-readable.
 */
export interface Warning {
  readonly message: string;
  /** What the user can do about it. */
  readonly hint?: string | undefined;
  readonly source?: SourceLocation | undefined;
  /** One of kubectl's own warnings, shown in kubectl's words and capitalisation (`Warning: …`). */
  readonly kubectl?: boolean | undefined;
}

/** What every use case returns: its data, the inventory's notes (documents skipped, kinds not read) and warnings. */
export interface Outcome<T> {
  readonly data: T;
  readonly notes: readonly InventoryNote[];
  readonly warnings: readonly Warning[];
}
