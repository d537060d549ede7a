import { inspectToken } from '../../app/token-inspect.js';
import { KubectlSaCommand } from '../../cli/base-command.js';
import { outputFlag } from '../../cli/flags.js';
import { refuseExtraArguments, tokenArg, tokenFileFlag } from '../../cli/token-flags.js';
import { tokenInspectionPrinters } from '../../report/token-inspect-report.js';
import { readTokenInput } from '../../sources/token-input.js';
import { maxTokenBytes } from '../../tokens/jwt.js';

export default class TokenInspectCommand extends KubectlSaCommand {
  static override summary = 'Decode a ServiceAccount token (or any JWT) without verifying it, and say what it grants to whom until when.';
  static override description =
    'Shows the header (alg, kid), the standard claims (iss, sub, aud, iat, nbf, exp), the kubernetes.io claims ' +
    '(namespace, serviceaccount, pod, node, secret, warnafter) and the expiry in words. Legacy Secret-based tokens ' +
    '(no exp, a secret.name claim) are flagged. Nothing is verified: use `token verify` (signature, offline) or ' +
    '`token review` (the API server). The raw token and its signature are never printed.';
  static override examples = [
    'kubectl exec deploy/web -- cat /var/run/secrets/kubernetes.io/serviceaccount/token | <%= config.bin %> token inspect -',
    '<%= config.bin %> token inspect --token-file ./token -o json',
  ];
  static override strict = false;
  static override args = tokenArg;
  static override flags = { ...tokenFileFlag, ...outputFlag(tokenInspectionPrinters.formats) };

  async run(): Promise<void> {
    const { args, argv, flags } = await this.parse(TokenInspectCommand);
    refuseExtraArguments(argv, 1);
    const input = await readTokenInput({ argument: args.token, file: flags['token-file'], stdin: this.io.stdin, maxBytes: maxTokenBytes });
    const inspection = inspectToken({ token: input.text, where: input.where, now: new Date() });
    await this.print(tokenInspectionPrinters, inspection, flags.output);
  }
}
