import { Args, Command, loadHelpClass } from '@oclif/core';

/** `kubectl sa help scan`, as kubectl users expect alongside `--help`. */
export default class Help extends Command {
  static override summary = 'Show help for kubectl sa or one of its commands.';
  static override strict = false;
  static override args = { command: Args.string({ description: 'The command to show help for.', required: false, ignoreStdin: true }) };
  static override examples = ['<%= config.bin %> help inventory'];

  async run(): Promise<void> {
    const { argv } = await this.parse(Help);
    const HelpClass = await loadHelpClass(this.config);
    await new HelpClass(this.config, this.config.pjson.oclif.helpOptions ?? this.config.pjson.helpOptions).showHelp(argv as string[]);
  }
}
