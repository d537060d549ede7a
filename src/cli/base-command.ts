import { Command } from '@oclif/core';
import { UsageError } from '../errors/kubectl-sa-error.js';
import { buildInventory, type Inventory } from '../inventory/inventory.js';
import { readManifests } from '../sources/manifest-files.js';
import { writeNotes } from './notes.js';

/** What every resource-reading command gets from its flags, whatever else it adds. */
export interface InputFlagValues {
  readonly filename?: string[] | undefined;
  readonly namespace?: string | undefined;
  readonly 'all-namespaces'?: boolean | undefined;
}

/**
 * The one place that turns input flags into an Inventory. Commands stay thin: parse flags, call
 * loadInventory, hand the inventory to an engine, render.
 */
export abstract class KubectlSaCommand extends Command {
  protected async loadInventory(flags: InputFlagValues, positionalPaths: readonly string[] = []): Promise<Inventory> {
    const paths = [...(flags.filename ?? []), ...positionalPaths];
    if (paths.length === 0) {
      throw new UsageError('no input given: pass manifests with -f PATH (a file, a folder, or - for stdin)', {
        hint: 'for example: kubectl sa inventory -f manifests/',
      });
    }
    const documents = await readManifests(paths);
    const inventory = buildInventory(documents, { defaultNamespace: flags.namespace ?? 'default', origin: 'files' });
    writeNotes(inventory.notes, process.stderr);
    return inventory;
  }

  /** Writes a rendered result to stdout exactly as given (renderers end their text with a newline). */
  protected emit(text: string): void {
    process.stdout.write(text);
  }
}
