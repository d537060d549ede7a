import { Args, Flags } from '@oclif/core';
import { UsageError } from '../errors/kubectl-sa-error.js';
import { parseDuration } from '../sources/cluster/duration.js';
import { parseServiceAccountRef, type ServiceAccountName } from './service-account-ref.js';

/** The TokenRequest API refuses shorter tokens (validation of spec.expirationSeconds). */
export const minimumTokenSeconds = 600;

/**
 * The TOKEN argument of `token inspect|review|verify`. A token on the command line lands in shell history
 * and `ps`; stdin or --token-file keep it out of both, so the help text says so.
 */
export const tokenArg = {
  token: Args.string({
    description:
      'The token, or - to read it from stdin (safer than the command line: no shell history, not visible in ps). Read from piped stdin when omitted.',
    required: false,
    ignoreStdin: true,
  }),
};

export const tokenFileFlag = {
  'token-file': Flags.string({
    description: "Read the token from this file, e.g. a pod's /var/run/secrets/kubernetes.io/serviceaccount/token.",
    helpGroup: 'TOKEN',
  }),
};

/**
 * Token commands parse non-strictly, so that oclif never puts a stray argument in its error message: the
 * stray argument could be a token pasted in the wrong place. We refuse extras here without echoing them.
 */
export function refuseExtraArguments(argv: readonly unknown[], allowed: number): void {
  if (argv.length > allowed) {
    throw new UsageError(
      `unexpected ${argv.length - allowed === 1 ? 'argument' : 'arguments'} after TOKEN (not shown: ${argv.length - allowed === 1 ? 'it' : 'they'} may hold a credential)`,
      {
        hint: 'unknown flags land here too; see --help',
      },
    );
  }
}

/**
 * `--duration` in kubectl's syntax (`10m`, `1h30m`, `3600s`; a bare number is seconds), as whole seconds.
 * What the API would refuse is refused here, with the API's rule, before anything is sent.
 */
export function parseTokenDuration(value: string): number {
  const milliseconds = parseDuration(value);
  if (milliseconds === undefined || Number.isNaN(milliseconds)) {
    throw new UsageError(`invalid --duration "${value}": use a duration such as 10m, 1h or 24h`);
  }
  if (milliseconds % 1000 !== 0) throw new UsageError(`invalid --duration "${value}": it must be a whole number of seconds`);
  const seconds = milliseconds / 1000;
  if (seconds < minimumTokenSeconds) {
    throw new UsageError(
      `--duration ${value} is too short: the TokenRequest API requires at least 10 minutes (expirationSeconds >= ${minimumTokenSeconds})`,
    );
  }
  return seconds;
}

/**
 * `token create` takes `NS:NAME` (as the other commands do) or, as `kubectl create token` does, a bare NAME
 * in the namespace of -n or (undefined here) the context's. Both at once must agree. Checked before any
 * cluster is contacted.
 */
export function serviceAccountToken(
  value: string,
  namespaceFlag: string | undefined,
): Omit<ServiceAccountName, 'namespace'> & { readonly namespace: string | undefined } {
  if (!value.includes(':')) return { namespace: namespaceFlag, name: validName(value) };
  const named = parseServiceAccountRef(value);
  validName(named.name);
  if (namespaceFlag !== undefined && namespaceFlag !== named.namespace) {
    throw new UsageError(`the ServiceAccount ${value} is in namespace ${named.namespace}, but -n says ${namespaceFlag}`, {
      hint: 'drop -n, or pass just the NAME',
    });
  }
  return named;
}

/** A ServiceAccount's name is a DNS subdomain (RFC 1123): lowercase letters, digits, '-' and '.', at most 253. */
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Refuses what cannot be a ServiceAccount's name before it reaches the API server, whose error would quote
 * it: a token pasted where the name goes must not come back on stderr.
 */
function validName(name: string): string {
  if (name.length <= 253 && dnsSubdomain.test(name)) return name;
  throw new UsageError('invalid ServiceAccount name (not shown: it may hold a credential): expected NAME or NAMESPACE:NAME', {
    hint: "a name is lowercase letters, digits, '-' and '.'; to look at a token, use kubectl sa token inspect",
  });
}
