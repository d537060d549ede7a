import { Flags } from '@oclif/core';
import { createInterface } from 'node:readline/promises';
import { UsageError } from '../errors/kubectl-sa-error.js';
import type { IoContext } from './io.js';

/** The flags every fix command shares: how far to go (dry run, write, confirm), backups and scripts. */
export const fixActionFlags = {
  'dry-run': Flags.string({
    description:
      'kubectl\'s --dry-run. Cluster: "server" (default) sends the patches with dryRun=All and shows what the API server would store; "client" only plans; "none" changes the cluster. Files: "client" (default) prints the diff; "none" is --write.',
    options: ['none', 'client', 'server'],
    helpGroup: 'FIX',
  }),
  write: Flags.boolean({
    description: 'Files: rewrite the manifests in place (atomically, after a backup) instead of printing the diff.',
    default: false,
    helpGroup: 'FIX',
  }),
  yes: Flags.boolean({
    char: 'y',
    description: 'Do not ask for confirmation before changing anything (for scripts and runbooks).',
    default: false,
    helpGroup: 'FIX',
  }),
  'backup-dir': Flags.string({
    description: 'Where backups go (default $XDG_STATE_HOME/kubectl-sa/backups, else ~/.local/state/kubectl-sa/backups).',
    helpGroup: 'FIX',
  }),
  'emit-script': Flags.boolean({
    description: 'Print the equivalent plain kubectl (cluster) or patch (files) commands for a runbook instead of acting.',
    default: false,
    helpGroup: 'FIX',
  }),
};

export type DryRun = 'none' | 'client' | 'server';

export interface FixActionValues {
  readonly 'dry-run'?: string | undefined;
  readonly write: boolean;
  readonly yes: boolean;
  readonly 'backup-dir'?: string | undefined;
  readonly 'emit-script': boolean;
}

/** kubectl's default for a live cluster is to act; ours is a server dry run, and files print a diff unless --write. */
export function dryRunOf(flags: FixActionValues, origin: 'files' | 'cluster'): DryRun {
  const given = flags['dry-run'] as DryRun | undefined;
  if (origin === 'files') {
    if (given === 'server') throw new UsageError('--dry-run=server needs a live cluster: for files the default already prints the diff');
    if (flags.write && given === 'client') throw new UsageError('--write and --dry-run=client contradict each other');
    return flags.write || given === 'none' ? 'none' : 'client';
  }
  if (flags.write) throw new UsageError('--write rewrites manifest files (-f); to change the live cluster use --dry-run=none');
  return given ?? 'server';
}

/**
 * Nothing changes without --yes or a "yes" typed at the terminal (anything else: false, nothing changes). Without a terminal to ask on (a pipe,
 * a CI job, or stdin already holding manifests) the answer is a usage error that says to add --yes.
 */
export async function confirm(
  io: IoContext,
  question: string,
  options: { readonly yes: boolean; readonly stdinUsed: boolean },
): Promise<boolean> {
  if (options.yes) return true;
  const stdin = io.stdin as NodeJS.ReadStream;
  if (options.stdinUsed || !stdin.isTTY) {
    throw new UsageError('refusing to change anything without confirmation', { hint: 'add --yes (or run it on a terminal to be asked)' });
  }
  const reader = createInterface({ input: stdin, output: io.stderr as NodeJS.WritableStream });
  try {
    const answer = (await reader.question(`${question} [y/N] `)).trim().toLowerCase();
    return answer === 'y' || answer === 'yes';
  } finally {
    reader.close();
  }
}
