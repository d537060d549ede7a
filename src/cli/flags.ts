import { Args, Flags } from '@oclif/core';
import type { OutputFormat } from '../report/printers.js';

export type { OutputFormat };

/**
 * The flags kubectl users type by habit, defined once. Every command that reads resources spreads these
 * into its own flags, so `-n`, `--context` and friends mean the same everywhere, as in kubectl.
 *
 * A repeatable flag takes one value each time it is given (`multipleNonGreedy`), as kubectl's do: oclif's
 * plain `multiple` would swallow the arguments after it (`who-can -f dir/ get secrets`). A test holds
 * every command to this (test/cli/flag-order.test.ts).
 */
export const clusterFlags = {
  kubeconfig: Flags.string({ description: 'Path to the kubeconfig file to use for CLI requests.', helpGroup: 'CLUSTER' }),
  context: Flags.string({ description: 'The name of the kubeconfig context to use.', helpGroup: 'CLUSTER' }),
  namespace: Flags.string({
    char: 'n',
    description: 'The namespace scope for this request; also the namespace of manifest objects that name none.',
    helpGroup: 'CLUSTER',
  }),
  'all-namespaces': Flags.boolean({
    char: 'A',
    description: 'Look in every namespace, even if --namespace is given.',
    default: false,
    helpGroup: 'CLUSTER',
  }),
  as: Flags.string({ description: 'Username to impersonate for the operation.', helpGroup: 'CLUSTER' }),
  'as-group': Flags.string({
    description: 'Group to impersonate for the operation; repeat for several groups.',
    multiple: true,
    multipleNonGreedy: true,
    helpGroup: 'CLUSTER',
  }),
  'request-timeout': Flags.string({
    description:
      'How long the whole command may wait for the cluster (e.g. 1s, 2m, 3h; 0 waits forever). Without it, a request with no answer for 60s gives up.',
    helpGroup: 'CLUSTER',
  }),
};

/** `-f/--filename`: files, folders (read recursively) and `-` for stdin, repeatable as in kubectl. */
export const inputFlags = {
  filename: Flags.string({
    char: 'f',
    description: 'Manifest file, folder (read recursively) or - for stdin; repeatable. Without it, reads the cluster.',
    multiple: true,
    multipleNonGreedy: true,
    helpGroup: 'INPUT',
  }),
  'allow-empty': Flags.boolean({
    description: 'Accept manifests that hold no Kubernetes objects (exit 0 with nothing to report) instead of failing with exit 2.',
    default: false,
    helpGroup: 'INPUT',
  }),
};

/** `-o/--output` limited to the formats a command's printers render (`somePrinters.formats`); the first is the default. */
export function outputFlag(formats: readonly [OutputFormat, ...OutputFormat[]]) {
  return {
    output: Flags.string({
      char: 'o',
      description: `Output format: ${formats.join('|')}.`,
      options: [...formats],
      default: formats[0],
    }),
  };
}

/**
 * Positional manifest paths (`kubectl sa scan -`, `kubectl sa inventory dir/`), the same as -f.
 * `ignoreStdin` matters: without it oclif reads stdin into a missing argument, swallowing the manifests
 * that `-` was meant to read.
 */
export const manifestPathsArg = {
  paths: Args.string({ description: 'Manifest files or folders, or - for stdin (same as -f).', required: false, ignoreStdin: true }),
};

/** What every RBAC answer (can-i, who-can, permissions, matrix) shares: whether Kubernetes' default RBAC counts. */
export const rbacFlags = {
  'default-rbac': Flags.boolean({
    description: "Include Kubernetes' default (bootstrap) RBAC, as every cluster has it; --no-default-rbac answers from the input alone.",
    allowNo: true,
    default: true,
    helpGroup: 'RBAC',
  }),
};
