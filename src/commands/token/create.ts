import { Args, Flags } from '@oclif/core';
import { KubectlSaCommand } from '../../cli/base-command.js';
import { clusterFlags } from '../../cli/flags.js';
import { parseTokenDuration, serviceAccountToken } from '../../cli/token-flags.js';
import { UsageError } from '../../errors/kubectl-sa-error.js';
import { toJson, toYaml } from '../../report/serialize.js';
import { boundObjectKinds, type BoundObjectKind } from '../../sources/cluster/token-bound-objects.js';

export default class TokenCreateCommand extends KubectlSaCommand {
  static override summary = 'Create a short-lived, bound ServiceAccount token through the TokenRequest API (like kubectl create token).';
  static override description =
    'Prints the token, and only the token, to stdout. -o json|yaml prints the TokenRequest the API server returned ' +
    '(the token is in .status.token); -o kubeconfig prints a kubeconfig that uses the token for the current cluster. ' +
    'A token bound to a Pod, Secret or Node stops working when that object is deleted.';
  static override examples = [
    '<%= config.bin %> token create ci:deployer --duration 30m',
    '<%= config.bin %> token create deployer -n ci --audience vault --audience https://kubernetes.default.svc',
    '<%= config.bin %> token create prod:web --bound-object-kind Pod --bound-object-name web-7d9c-x2x4q',
    '(umask 077; <%= config.bin %> token create ci:deployer -o kubeconfig > deployer.kubeconfig)',
  ];
  static override args = {
    serviceAccount: Args.string({
      description: 'The ServiceAccount: NAMESPACE:NAME, or NAME in the namespace of -n.',
      required: true,
      ignoreStdin: true,
    }),
  };
  static override flags = {
    duration: Flags.string({
      description: 'How long the token lives (at least 10m, the API minimum); the API server may cap it.',
      default: '1h',
    }),
    audience: Flags.string({
      description: 'An audience of the token; repeat for several. Default: the API server’s own.',
      multiple: true,
      multipleNonGreedy: true,
    }),
    'bound-object-kind': Flags.string({
      description: 'Bind the token to an object: it stops working when that object is deleted.',
      options: [...boundObjectKinds],
    }),
    'bound-object-name': Flags.string({
      description: 'The name of the object to bind to (in the ServiceAccount’s namespace, except Nodes).',
    }),
    'bound-object-uid': Flags.string({
      description: 'The UID of the object to bind to; the API server refuses the request if it does not match.',
    }),
    output: Flags.string({
      char: 'o',
      description: 'Output: the token alone (default), json or yaml (the TokenRequest), or kubeconfig.',
      options: ['json', 'yaml', 'kubeconfig'],
    }),
    ...clusterFlags,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(TokenCreateCommand);
    if (flags['all-namespaces']) throw new UsageError('-A does not apply: a token is for one ServiceAccount');
    const durationSeconds = parseTokenDuration(flags.duration);
    const boundObject = boundObjectOf(flags);
    const named = serviceAccountToken(args.serviceAccount, flags.namespace);
    const connection = await this.connect(flags);
    const serviceAccount = { name: named.name, namespace: named.namespace ?? connection.defaultNamespace };
    // The use case and the cluster client under it load only when this command runs (src/commands/index.ts).
    const { createToken } = await import('../../app/token-create.js');
    const created = await createToken(connection.client, {
      serviceAccount,
      durationSeconds,
      audiences: flags.audience ?? [],
      boundObject,
      now: new Date(),
    });
    for (const warning of created.warnings) this.io.stderr.write(`warning: ${warning}\n`);
    const { tokenRequest } = created;
    if (flags.output === 'json') this.emit(toJson(tokenRequest));
    else if (flags.output === 'yaml') this.emit(toYaml(tokenRequest));
    else if (flags.output === 'kubeconfig') {
      const { serviceAccountKubeconfig } = await import('../../sources/cluster/token-kubeconfig.js');
      this.emit(toYaml(await serviceAccountKubeconfig(connection.kubeConfig, { ...serviceAccount, token: tokenRequest.status.token })));
    } else this.emit(`${tokenRequest.status.token}\n`);
  }
}

function boundObjectOf(flags: {
  'bound-object-kind'?: string | undefined;
  'bound-object-name'?: string | undefined;
  'bound-object-uid'?: string | undefined;
}) {
  const kind = flags['bound-object-kind'] as BoundObjectKind | undefined;
  const name = flags['bound-object-name'];
  const uid = flags['bound-object-uid'];
  if (kind === undefined) {
    if (name !== undefined) throw new UsageError('--bound-object-name needs --bound-object-kind (Pod, Secret or Node)');
    if (uid !== undefined) throw new UsageError('--bound-object-uid needs --bound-object-kind (Pod, Secret or Node)');
    return undefined;
  }
  if (name === undefined || name === '') throw new UsageError(`--bound-object-kind ${kind} needs --bound-object-name`);
  return { kind, name, uid };
}
