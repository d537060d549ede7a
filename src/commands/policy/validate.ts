import { Args, Command } from '@oclif/core';
import { loadPolicies } from '../../policy/pack-loader.js';

export default class PolicyValidate extends Command {
  static override summary = 'Check policy packs: format, ajv strict compilation and RE2 patterns.';
  static override description =
    'Validates every pack (and pack test file) under the given files or folders against policies/pack.schema.json ' +
    'and compiles every match/assert schema in ajv strict mode. Problems are printed as file:line, JSON pointer and ' +
    "ajv's reason; the exit code is 2 when any pack is invalid.";
  static override examples = ['<%= config.bin %> policy validate my-pack.yaml', '<%= config.bin %> policy validate policies/'];
  static override strict = false;
  static override args = { path: Args.string({ description: 'Pack files or folders.', required: true, ignoreStdin: true }) };

  async run(): Promise<void> {
    const { argv } = await this.parse(PolicyValidate);
    const { packs, tests } = await loadPolicies({ paths: argv as string[], includeBuiltIn: false });
    for (const pack of packs) {
      process.stdout.write(`ok   ${pack.source.file}: pack ${pack.name} ${pack.version}, ${pack.rules.length} rule(s)\n`);
    }
    for (const suite of tests) process.stdout.write(`ok   ${suite.file}: tests for pack ${suite.pack}, ${suite.cases.length} case(s)\n`);
  }
}
