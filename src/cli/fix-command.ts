import type { FixPlanResult } from '../app/fix.js';
import { KubectlSaCommand } from './base-command.js';
import type { FixActionValues } from './fix-flags.js';
import type { ClusterFlagValues } from '../sources/cluster/connect.js';
import type { FixView } from './fix-runner.js';
import type { InputFlagValues } from './base-command.js';

type TargetedFixFlagValues = InputFlagValues & { readonly policy?: string[] | undefined; readonly 'default-rbac': boolean };

/**
 * The base of the fix commands: they build a plan with a use case, and hand it to the fix runner, which
 * prints it, and applies it only when asked. The runner (and the cluster client and writers under it) is
 * imported when a fix command runs, never at start.
 */
export abstract class FixCommand extends KubectlSaCommand {
  protected async carryOut(
    result: FixPlanResult,
    flags: FixActionValues & { readonly output: string; readonly filename?: string[] | undefined },
    argv: readonly string[],
  ): Promise<void> {
    const { FixRunner } = await import('./fix-runner.js');
    await new FixRunner(this.view()).carryOut(result, flags, argv);
  }

  protected async undo(location: string, flags: FixActionValues & ClusterFlagValues & { readonly output: string }): Promise<void> {
    const { FixRunner } = await import('./fix-runner.js');
    await new FixRunner(this.view()).undo(location, flags);
  }

  /** What every targeted fix command passes to its use case: the input, the packs that define fixes, RBAC, now. */
  protected targetedOptions(flags: TargetedFixFlagValues) {
    return {
      input: this.inputFrom(flags),
      policies: { paths: flags.policy ?? [], includeBuiltIn: true },
      defaultRbac: flags['default-rbac'],
      now: new Date(),
    };
  }

  private view(): FixView {
    return {
      io: this.io,
      print: (printers, value, format) => this.print(printers, value, format),
      emit: (text) => this.emit(text),
      setExitCode: (code) => this.setExitCode(code),
      words: () => ['kubectl', 'sa', ...(this.id?.split(':') ?? ['fix']), ...this.argv],
    };
  }
}
