import { Flags } from '@oclif/core';
import { openSync } from 'node:fs';
import { Readable } from 'node:stream';
import { KubectlSaCommand } from '../cli/base-command.js';
import { clusterFlags, inputFlags, manifestPathsArg, rbacFlags } from '../cli/flags.js';
import { wantsColour } from '../cli/io.js';
import { loadOptionsFrom, policySelectionFlags } from '../cli/policy-flags.js';
import { UsageError } from '../errors/kubectl-sa-error.js';

export default class Tui extends KubectlSaCommand {
  static override summary =
    'Explore ServiceAccounts interactively: their risk, findings, permissions, escalation paths, workloads and tokens.';
  static override description =
    'What `kubectl sa` opens on a terminal when run without a command: namespaces → ServiceAccounts → details (Findings, ' +
    'Permissions, Escalation, Workloads, Tokens, YAML), with k9s-style keys (? lists them). Reads the live cluster of your ' +
    'kubeconfig (the context namespace unless -n or -A) or manifests with -f, exactly as scan does. Needs a terminal: for ' +
    'scripts and pipes use scan, permissions, who-can and token create.';
  static override examples = [
    '<%= config.bin %>',
    '<%= config.bin %> -A --context prod',
    '<%= config.bin %> tui -f examples/',
    'helm template my-release ./chart | <%= config.bin %> tui -f -',
  ];
  static override strict = false;
  static override args = manifestPathsArg;
  static override flags = {
    ...inputFlags,
    ...clusterFlags,
    ...policySelectionFlags,
    exemptions: Flags.string({ description: 'An Exemptions file: rule, object selector, reason, optional expiry.', helpGroup: 'POLICY' }),
    ...rbacFlags,
    now: Flags.string({ description: 'Evaluate as of this time (RFC 3339); for reproducible screens.', hidden: true }),
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(Tui);
    const { io } = this;
    if (!io.stdout.isTTY) {
      throw new UsageError('kubectl sa tui needs a terminal, and stdout is not one', {
        hint: 'for scripts and pipes use kubectl sa scan (-o json|yaml|sarif|junit|markdown), permissions, who-can or token create',
      });
    }
    const now = flags.now ? new Date(flags.now) : undefined;
    if (now && Number.isNaN(now.getTime())) throw new UsageError(`--now: not a date: ${flags.now}`);
    const input = this.inputFrom(flags, argv as string[]);
    const readsStdin = input.paths.includes('-');
    const keyboard = keyboardStream(io.stdin, readsStdin);
    // `-f -` is read once and kept: `r` judges it again without a second stdin to read.
    let stdinText: Buffer | undefined;
    const stdinFor = async (): Promise<Readable | undefined> => {
      if (!readsStdin) return undefined;
      stdinText ??= await bufferOf(io.stdin);
      return Readable.from([stdinText]);
    };
    const [
      { explore },
      { whoCanIn },
      { createToken },
      { planFindingFixes },
      fixApply,
      { defaultBackupRoot },
      { copyToClipboard },
      { runTui },
    ] = await Promise.all([
      import('../app/explore.js'),
      import('../app/who-can.js'),
      import('../app/token-create.js'),
      import('../app/fix.js'),
      import('../app/fix-apply.js'),
      import('../fixes/backup.js'),
      import('../tui/clipboard.js'),
      import('../tui/run-tui.js'),
    ]);
    try {
      const code = await runTui({
        streams: { stdin: keyboard.stream, stdout: io.stdout as NodeJS.WriteStream, stderr: io.stderr },
        reading: readingWhat(input.paths, flags),
        namespace: input.paths.length > 0 || flags['all-namespaces'] ? undefined : flags.namespace,
        colour: wantsColour(io),
        actions: {
          load: async (onStage) =>
            explore({
              input: { ...input, stdin: await stdinFor() },
              policies: loadOptionsFrom(flags),
              exemptionsFile: flags.exemptions,
              now: now ?? new Date(),
              defaultRbac: flags['default-rbac'],
              onStage,
            }),
          whoCan: (exploration, query) => whoCanIn(exploration, query),
          createToken: (exploration, request) => {
            if (!exploration.connection) throw new UsageError('tokens are created on a live cluster');
            return createToken(exploration.connection.client, {
              serviceAccount: { namespace: request.namespace, name: request.name },
              durationSeconds: request.durationSeconds,
              audiences: request.audiences,
              now: new Date(),
            });
          },
          copy: (text) => copyToClipboard(text, { env: io.env, terminal: io.stdout }),
          planFix: (exploration, findings) => planFindingFixes(exploration, findings),
          dryRunFix: (plan) => fixApply.dryRunFixPlan(plan),
          // The backup records what made it: this command line and the fix chosen in it.
          applyFix: (plan) =>
            fixApply.applyFixPlan(plan, {
              backupRoot: defaultBackupRoot(io.env),
              command: [
                'kubectl sa tui',
                ...this.argv,
                `(f: ${plan.plan.changes.flatMap((change) => change.reasons.map((reason) => reason.ruleId)).join(', ')})`,
              ].join(' '),
              now: new Date(),
            }),
        },
      });
      if (code !== 0) this.setExitCode(code);
    } finally {
      keyboard.close();
    }
  }
}

/** "the cluster of context prod, all namespaces", "examples/": what the loading screen says it reads. */
function readingWhat(
  paths: readonly string[],
  flags: { context?: string | undefined; namespace?: string | undefined; 'all-namespaces'?: boolean },
): string {
  if (paths.length > 0) return paths.map((path) => (path === '-' ? 'stdin' : path)).join(', ');
  const context = flags.context ? `context ${flags.context}` : 'the current context';
  const scope = flags['all-namespaces'] ? ', all namespaces' : flags.namespace ? `, namespace ${flags.namespace}` : '';
  return `the cluster of ${context}${scope}`;
}

/**
 * The keyboard: stdin when it is a terminal; else (manifests piped in with `-f -`, or stdin redirected) the
 * controlling terminal, /dev/tty, as less and fzf do.
 */
function keyboardStream(stdin: NodeJS.ReadableStream, readsStdin: boolean): { stream: NodeJS.ReadStream; close: () => void } {
  const candidate = stdin as NodeJS.ReadStream;
  if (!readsStdin && candidate.isTTY) return { stream: candidate, close: () => undefined };
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'r');
  } catch {
    throw new UsageError('kubectl sa tui needs a terminal to read keys from: stdin is not one and /dev/tty cannot be opened', {
      hint: 'run it from an interactive shell; for scripts use kubectl sa scan',
    });
  }
  // tty is a Node built-in; required here so that only this path loads it.
  const stream = new (requireTty().ReadStream)(fd);
  return { stream, close: () => stream.destroy() };
}

function requireTty(): typeof import('node:tty') {
  return process.getBuiltinModule('node:tty');
}

async function bufferOf(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}
