/**
 * `--expect-user-agent` and `--expect-source-ip` values as expectations: a glob or addresses, for every
 * ServiceAccount or (`NS:NAME=…`) one. Imported inside run(): the address checks load node:net.
 */
import { parseServiceAccountRef } from './service-account-ref.js';
import { UsageError } from '../errors/kubectl-sa-error.js';
import { parseCidr, type Expectations, type ServiceAccountScope } from '../usage/expectations.js';

/** `--expect-user-agent 'my-operator/*'`, `--expect-source-ip shop:cart=10.0.0.0/8,fd00::/8`. */
export function expectationsFrom(flags: {
  readonly 'expect-user-agent'?: string[] | undefined;
  readonly 'expect-source-ip'?: string[] | undefined;
}): Expectations {
  const userAgents = (flags['expect-user-agent'] ?? []).map((value) => {
    const { serviceAccount, rest } = scoped(value, '--expect-user-agent');
    if (rest === '') throw new UsageError(`--expect-user-agent ${JSON.stringify(value)}: empty pattern`);
    return { serviceAccount, pattern: rest };
  });
  const sourceIPs = (flags['expect-source-ip'] ?? []).flatMap((value) => {
    const { serviceAccount, rest } = scoped(value, '--expect-source-ip');
    return rest.split(',').map((cidr) => {
      const trimmed = cidr.trim();
      if (!parseCidr(trimmed))
        throw new UsageError(`--expect-source-ip ${JSON.stringify(value)}: ${JSON.stringify(trimmed)} is not an IP address or CIDR`, {
          hint: 'for example 10.0.0.0/8, 192.168.1.7 or fd00::/8',
        });
      return { serviceAccount, cidr: trimmed };
    });
  });
  return { userAgents, sourceIPs };
}

/** `NS:NAME=VALUE` scopes a value to one ServiceAccount; a value alone applies to all. */
function scoped(value: string, flag: string): { serviceAccount: ServiceAccountScope | undefined; rest: string } {
  const equals = value.indexOf('=');
  const head = equals === -1 ? '' : value.slice(0, equals);
  if (equals === -1 || !/^[^:=/\s]+:[^:=/\s]+$|^system:serviceaccount:[^:]+:[^:]+$/.test(head))
    return { serviceAccount: undefined, rest: value };
  try {
    return { serviceAccount: parseServiceAccountRef(head), rest: value.slice(equals + 1) };
  } catch {
    throw new UsageError(`${flag} ${JSON.stringify(value)}: expected [NAMESPACE:NAME=]VALUE`);
  }
}
