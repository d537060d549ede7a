import { Args } from '@oclif/core';
import { validatePolicyPacks } from '../../app/policy-packs.js';
import { KubectlSaCommand } from '../../cli/base-command.js';

export default class PolicyValidate extends KubectlSaCommand {
  static override summary =
    'Check policy packs: format, ajv strict compilation, RE2 patterns, and that every fix exists and applies to the fixture cases.';
  static override description =
    'Validates every pack (and pack test file) under the given files or folders against policies/pack.schema.json ' +
    'and compiles every match/assert schema in ajv strict mode. Problems are printed as file:line, JSON pointer and ' +
    "ajv's reason; the exit code is 2 when any pack is invalid.";
  static override examples = ['<%= config.bin %> policy validate my-pack.yaml', '<%= config.bin %> policy validate policies/'];
  static override strict = false;
  static override args = { path: Args.string({ description: 'Pack files or folders.', required: true, ignoreStdin: true }) };

  async run(): Promise<void> {
    const { argv } = await this.parse(PolicyValidate);
    const { data } = await validatePolicyPacks(argv as string[]);
    for (const pack of data.packs) this.emit(`ok   ${pack.source.file}: pack ${pack.name} ${pack.version}, ${pack.rules.length} rule(s)\n`);
    for (const suite of data.tests) this.emit(`ok   ${suite.file}: tests for pack ${suite.pack}, ${suite.cases.length} case(s)\n`);
    const fixed = data.fixCases.length;
    if (fixed > 0)
      this.emit(
        `ok   fixes: ${new Set(data.fixCases.map((result) => result.fixId)).size} fix(es) applied to ${fixed} fixture finding(s), each cleared and idempotent\n`,
      );
  }
}
