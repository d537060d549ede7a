import { Args, Command } from '@oclif/core';
import { rbacFlags } from '../../cli/flags.js';
import { rbacForInventory } from '../../cli/rbac-input.js';
import { UsageError } from '../../errors/kubectl-sa-error.js';
import type { CompiledPack } from '../../policy/compile-pack.js';
import { loadPolicies } from '../../policy/pack-loader.js';
import { runPackTests } from '../../policy/pack-tests.js';

export default class PolicyTest extends Command {
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
    const local = await loadPolicies({ paths: argv as string[], includeBuiltIn: false });
    if (local.tests.length === 0) throw new UsageError(`no PolicyPackTest documents under ${(argv as string[]).join(', ')}`);
    const packs: CompiledPack[] = [...local.packs];
    if (local.tests.some((suite) => !packs.some((pack) => pack.name === suite.pack))) {
      const builtIn = await loadPolicies({ includeBuiltIn: true });
      packs.push(...builtIn.packs.filter((pack) => !packs.some((known) => known.name === pack.name)));
    }
    const results = runPackTests(packs, local.tests, {
      rbacFor: (inventory) => rbacForInventory(inventory, { defaultRbac: flags['default-rbac'] }),
    });
    let failed = 0;
    for (const result of results) {
      const label = `${result.suite.pack}: ${result.testCase.name} (${result.suite.file}:${result.testCase.line})`;
      if (result.failures.length === 0) {
        process.stdout.write(`PASS ${label}\n`);
        continue;
      }
      failed += 1;
      process.stdout.write(`FAIL ${label}\n${result.failures.map((failure) => `     ${failure}\n`).join('')}`);
    }
    process.stdout.write(`\n${results.length - failed} passed, ${failed} failed\n`);
    if (failed > 0) process.exitCode = 1;
  }
}
