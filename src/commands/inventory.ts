import { KubectlSaCommand } from '../cli/base-command.js';
import { clusterFlags, inputFlags, manifestPathsArg, outputFlag } from '../cli/flags.js';
import { listInventory } from '../app/inventory.js';
import { inventoryPrinters } from '../report/inventory-report.js';

export default class InventoryCommand extends KubectlSaCommand {
  static override summary = 'List the objects kubectl-sa read, with kind, namespace, name and file:line.';
  static override description =
    'Shows exactly what the source layer read from files, folders or stdin: every Kubernetes object with its ' +
    'position, plus notes on documents that were skipped. Use it to check what a scan will judge.';
  static override examples = [
    '<%= config.bin %> inventory -f manifests/',
    'helm template my-release ./chart | <%= config.bin %> inventory -f -',
    '<%= config.bin %> inventory -f install.yaml -o json',
  ];
  static override strict = false;
  static override args = manifestPathsArg;
  static override flags = { ...inputFlags, ...clusterFlags, ...outputFlag(inventoryPrinters.formats) };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(InventoryCommand);
    const outcome = await listInventory({ input: this.inputFrom(flags, argv as string[]) });
    this.report(outcome);
    await this.print(inventoryPrinters, outcome.data, flags.output);
  }
}
