import { Flags } from '@oclif/core';
import { KubectlSaCommand } from '../../cli/base-command.js';
import { clusterFlags, outputFlag } from '../../cli/flags.js';
import { refuseExtraArguments, tokenArg, tokenFileFlag } from '../../cli/token-flags.js';
import { ExitCode, UsageError } from '../../errors/kubectl-sa-error.js';
import { tokenVerificationPrinters } from '../../report/token-verify-report.js';
import { readTokenInput } from '../../sources/token-input.js';
import { maxTokenBytes } from '../../tokens/jwt.js';

export default class TokenVerifyCommand extends KubectlSaCommand {
  static override summary =
    "Verify a token's signature offline against the cluster's OIDC keys (or a saved JWKS), and its issuer, expiry and audience.";
  static override description =
    "Reads the cluster's ServiceAccount issuer discovery (/.well-known/openid-configuration) and keys (/openid/v1/jwks) " +
    'through the API server, or takes --jwks FILE and needs no cluster at all (CI, air-gapped). The signature is checked ' +
    'with the jose library. Unlike `token review`, this cannot see whether the objects the token is bound to still exist: ' +
    'a token bound to a deleted pod still verifies offline until it expires. Exit 0 when valid, 1 when not.';
  static override examples = [
    '<%= config.bin %> token create ci:deployer | <%= config.bin %> token verify -',
    'kubectl get --raw /openid/v1/jwks > jwks.json   # once, where the cluster is reachable',
    '<%= config.bin %> token verify --token-file ./token --jwks jwks.json --issuer https://kubernetes.default.svc.cluster.local --audience vault',
  ];
  static override strict = false;
  static override args = tokenArg;
  static override flags = {
    jwks: Flags.string({
      description: 'Verify against this saved JWK Set instead of the cluster’s; no cluster is contacted.',
      helpGroup: 'TOKEN',
    }),
    issuer: Flags.string({
      description: 'The issuer the token must name. Default: the cluster’s; with --jwks, not checked unless given.',
      helpGroup: 'TOKEN',
    }),
    audience: Flags.string({
      description: 'An audience the token must be meant for; repeat for several (any one matches).',
      multiple: true,
      multipleNonGreedy: true,
      helpGroup: 'TOKEN',
    }),
    ...tokenFileFlag,
    ...clusterFlags,
    ...outputFlag(tokenVerificationPrinters.formats),
  };

  async run(): Promise<void> {
    const { args, argv, flags } = await this.parse(TokenVerifyCommand);
    refuseExtraArguments(argv, 1);
    if (flags['all-namespaces']) throw new UsageError('-A does not apply: verification is not namespaced');
    const input = await readTokenInput({ argument: args.token, file: flags['token-file'], stdin: this.io.stdin, maxBytes: maxTokenBytes });
    const keys =
      flags.jwks !== undefined
        ? ({ from: 'file', path: flags.jwks, issuer: flags.issuer } as const)
        : ({ from: 'cluster', client: (await this.connect(flags)).client } as const);
    const { verifyTokenUseCase } = await import('../../app/token-verify.js');
    const report = await verifyTokenUseCase({
      token: input.text,
      where: input.where,
      audiences: flags.audience ?? [],
      keys,
      issuer: flags.issuer,
      now: new Date(),
    });
    await this.print(tokenVerificationPrinters, report, flags.output);
    if (!report.valid) this.setExitCode(ExitCode.findings);
  }
}
