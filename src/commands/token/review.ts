import { Flags } from '@oclif/core';
import { KubectlSaCommand } from '../../cli/base-command.js';
import { clusterFlags, outputFlag } from '../../cli/flags.js';
import { refuseExtraArguments, tokenArg, tokenFileFlag } from '../../cli/token-flags.js';
import { ExitCode, UsageError } from '../../errors/kubectl-sa-error.js';
import { tokenReviewPrinters } from '../../report/token-review-report.js';
import { readTokenInput } from '../../sources/token-input.js';
import { maxTokenBytes } from '../../tokens/jwt.js';

export default class TokenReviewCommand extends KubectlSaCommand {
  static override summary = 'Ask the API server whether a token authenticates, and as whom (TokenReview).';
  static override description =
    'The API server checks the token as it would check a request bearing it: signature, expiry, audience, and ' +
    'that the ServiceAccount and any Pod, Secret or Node it is bound to still exist. Prints authenticated, user, ' +
    'groups, extra and audiences, or the reason it was refused. Exit 0 when authenticated, 1 when not. ' +
    'Needs permission to create tokenreviews (the system:auth-delegator ClusterRole grants it).';
  static override examples = [
    '<%= config.bin %> token create ci:deployer | <%= config.bin %> token review -',
    '<%= config.bin %> token review --token-file ./token --audience vault',
  ];
  static override strict = false;
  static override args = tokenArg;
  static override flags = {
    audience: Flags.string({
      description: 'An audience the token must be meant for; repeat for several. Default: the API server’s own.',
      multiple: true,
      multipleNonGreedy: true,
    }),
    ...tokenFileFlag,
    ...clusterFlags,
    ...outputFlag(tokenReviewPrinters.formats),
  };

  async run(): Promise<void> {
    const { args, argv, flags } = await this.parse(TokenReviewCommand);
    refuseExtraArguments(argv, 1);
    if (flags['all-namespaces']) throw new UsageError('-A does not apply: a TokenReview is not namespaced');
    const input = await readTokenInput({ argument: args.token, file: flags['token-file'], stdin: this.io.stdin, maxBytes: maxTokenBytes });
    const connection = await this.connect(flags);
    const { reviewTokenUseCase } = await import('../../app/token-review.js');
    const report = await reviewTokenUseCase(connection.client, { token: input.text, audiences: flags.audience ?? [] });
    await this.print(tokenReviewPrinters, report, flags.output);
    if (!report.authenticated) this.setExitCode(ExitCode.findings);
  }
}
