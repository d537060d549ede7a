import { Args, Flags } from '@oclif/core';
import { UsageError } from '../errors/kubectl-sa-error.js';

export interface ServiceAccountName {
  readonly namespace: string;
  readonly name: string;
}

const usernamePrefix = 'system:serviceaccount:';

/**
 * `--sa` accepts `NS:NAME` and the SA's username `system:serviceaccount:NS:NAME`, as rakkess does; anything
 * else fails with a message that shows the accepted forms.
 */
export function parseServiceAccountRef(value: string): ServiceAccountName {
  const rest = value.startsWith(usernamePrefix) ? value.slice(usernamePrefix.length) : value;
  const parts = rest.split(':');
  const [namespace, name] = parts;
  if (parts.length !== 2 || !namespace || !name) {
    throw new UsageError(`invalid ServiceAccount ${JSON.stringify(value)}: expected NAMESPACE:NAME`, {
      hint: 'for example --sa kube-system:coredns or --sa system:serviceaccount:kube-system:coredns',
    });
  }
  return { namespace, name };
}

/** `--sa NS:NAME`, the same flag in every command that asks about one ServiceAccount. */
export const serviceAccountFlag = {
  sa: Flags.string({ description: 'The ServiceAccount, as NAMESPACE:NAME or system:serviceaccount:NAMESPACE:NAME.' }),
};

/** `permissions NS:NAME` and `matrix NS:NAME` also take the ServiceAccount as their argument. */
export const serviceAccountArg = {
  serviceAccount: Args.string({ description: 'The ServiceAccount, as NAMESPACE:NAME (or use --sa).', required: false, ignoreStdin: true }),
};

/** The ServiceAccount named by the argument or --sa; a usage error with an example when neither is given. */
export function requireServiceAccount(argument: string | undefined, flag: string | undefined, example: string): ServiceAccountName {
  const ref = argument ?? flag;
  if (!ref) throw new UsageError('which ServiceAccount? pass NAMESPACE:NAME', { hint: `for example: ${example}` });
  return parseServiceAccountRef(ref);
}
