import { KubectlSaCommand } from '../cli/base-command.js';
import { outputFlag } from '../cli/flags.js';
import { versionPrinters } from '../report/version-report.js';

export default class Version extends KubectlSaCommand {
  static override summary = 'Print the kubectl-sa version.';
  static override examples = ['<%= config.bin %> version', '<%= config.bin %> version -o json'];
  static override flags = { ...outputFlag(versionPrinters.formats) };

  async run(): Promise<void> {
    const { flags } = await this.parse(Version);
    const info = { kubectlSa: this.config.version, node: process.versions.node, platform: `${process.platform}/${process.arch}` };
    await this.print(versionPrinters, info, flags.output);
  }
}
