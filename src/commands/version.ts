import { Command } from '@oclif/core';
import { outputFlag } from '../cli/flags.js';
import { toJson, toYaml } from '../report/serialize.js';

export default class Version extends Command {
  static override summary = 'Print the kubectl-sa version.';
  static override examples = ['<%= config.bin %> version', '<%= config.bin %> version -o json'];
  static override flags = { ...outputFlag(['table', 'json', 'yaml']) };

  async run(): Promise<void> {
    const { flags } = await this.parse(Version);
    const info = { kubectlSa: this.config.version, node: process.versions.node, platform: `${process.platform}/${process.arch}` };
    if (flags.output === 'json') process.stdout.write(toJson(info));
    else if (flags.output === 'yaml') process.stdout.write(toYaml(info));
    else process.stdout.write(`kubectl-sa v${info.kubectlSa} (node ${info.node}, ${info.platform})\n`);
  }
}
