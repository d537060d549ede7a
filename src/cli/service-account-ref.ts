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
