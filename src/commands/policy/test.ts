import { Args } from '@oclif/core';
import { testPolicyPacks } from '../../app/policy-packs.js';
import { KubectlSaCommand } from '../../cli/base-command.js';
import { rbacFlags } from '../../cli/flags.js';
import { ExitCode } from '../../errors/kubectl-sa-error.js';

export default class PolicyTest extends KubectlSaCommand {
  static override summary = "Run policy packs' fixture cases (objects and the findings they must and must not produce).";
  static override description =
    'Loads packs and PolicyPackTest files under the given paths and runs every case, like `kyverno test`. ' +
    'A suite may name a built-in pack. Exit code 1 when a case fails, 2 when a pack or test file is invalid.';
  static override examples = ['<%= config.bin %> policy test policies/', '<%= config.bin %> policy test my-pack.yaml my-pack.test.yaml'];
  static override strict = false;
  static override args = { path: Args.string({ description: 'Pack and test files or folders.', required: true, ignoreStdin: true }) };
  static override flags = { ...rbacFlags };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(PolicyTest);
    const { data } = await testPolicyPacks(argv as string[], { defaultRbac: flags['default-rbac'] });
    for (const result of data.results) {
      const label = `${result.suite.pack}: ${result.testCase.name} (${result.suite.file}:${result.testCase.line})`;
      if (result.failures.length === 0) this.emit(`PASS ${label}\n`);
      else this.emit(`FAIL ${label}\n${result.failures.map((failure) => `     ${failure}\n`).join('')}`);
    }
    for (const result of data.fixCases) {
      const label = `${result.suite.pack}: ${result.testCase.name}: fix ${result.fixId} on ${result.object} (${result.suite.file}:${result.testCase.line})`;
      if (result.failures.length === 0) this.emit(`PASS ${label}\n`);
      else this.emit(`FAIL ${label}\n${result.failures.map((failure) => `     ${failure}\n`).join('')}`);
    }
    const total = data.results.length + data.fixCases.length;
    this.emit(`\n${total - data.failed} passed, ${data.failed} failed\n`);
    if (data.failed > 0) this.setExitCode(ExitCode.findings);
  }
}
