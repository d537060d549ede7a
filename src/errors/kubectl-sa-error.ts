/**
 * Every failure the user can cause or meet has a type here, and each type carries its exit code, so one
 * handler at the top (src/cli/handle-error.ts) turns any of them into a one-line message and the
 * documented exit code. Lower layers throw these; nothing below the CLI calls process.exit.
 */

export const ExitCode = {
  ok: 0,
  /** Findings at or above the --fail-on threshold, or `can-i` answered no. */
  findings: 1,
  /** Bad flags, bad arguments, unreadable or invalid input files or kubeconfig, invalid policy packs. */
  usage: 2,
  /** Cluster unreachable, unauthenticated, or nothing at all could be read. */
  cluster: 3,
  /**
   * The answer is unknown or incomplete: RBAC objects that could change it were not read (forbidden, not
   * served). can-i answered unknown; who-can, permissions, matrix and can-i --list printed what they could
   * prove, and more may be allowed. Distinct from 0 so that a script tells a complete "nobody" from a partial one.
   */
  unknown: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A place in an input file, 1-based as editors show it. */
export interface FilePosition {
  readonly file: string;
  readonly line: number;
  readonly column?: number;
}

export function formatPosition(position: FilePosition): string {
  return position.column === undefined ? `${position.file}:${position.line}` : `${position.file}:${position.line}:${position.column}`;
}

export abstract class KubectlSaError extends Error {
  abstract readonly exitCode: ExitCode;
  /** What the user can do about it, shown after the message when present. */
  readonly hint: string | undefined;

  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options?.hint;
  }
}

/** The command line itself is wrong: unknown flag values, missing arguments, conflicting flags. */
export class UsageError extends KubectlSaError {
  readonly exitCode = ExitCode.usage;
}

/** An input file, folder or stream cannot be read or is not valid. */
export class InputError extends KubectlSaError {
  readonly exitCode = ExitCode.usage;
  readonly position: FilePosition | undefined;

  constructor(message: string, options?: { cause?: unknown; hint?: string; position?: FilePosition }) {
    super(options?.position ? `${formatPosition(options.position)}: ${message}` : message, options);
    this.position = options?.position;
  }
}

/** Several input problems found in one pass: all are reported, not only the first. */
export class InputErrors extends KubectlSaError {
  readonly exitCode = ExitCode.usage;
  readonly errors: readonly InputError[];

  constructor(errors: readonly InputError[]) {
    super(errors.map((error) => error.message).join('\n'));
    this.errors = errors;
  }
}

/**
 * The kubeconfig cannot be used: none found, unreadable or not a kubeconfig, an unknown or missing context,
 * a context whose cluster it does not define, a certificate or key file it names that cannot be read. Like a
 * broken manifest, it is the user's input (exit 2): no cluster was asked anything.
 */
export class ConfigError extends KubectlSaError {
  readonly exitCode = ExitCode.usage;
}

/** No kubeconfig anywhere and not in a pod: a command that can work without a cluster may say how. */
export class NoClusterConfigError extends ConfigError {}

/** The cluster cannot be reached, refuses us, or nothing at all could be read from it. */
export class ClusterError extends KubectlSaError {
  readonly exitCode = ExitCode.cluster;
}

/**
 * A policy pack (or exemptions file, or pack test file) that does not validate or whose schemas do not
 * compile: names file:line, the JSON pointer inside the document and ajv's reason. Packs are untrusted
 * input, so this is a usage error (exit 2), never a crash.
 */
export class PolicyPackError extends InputError {
  readonly pointer: string;
  readonly reason: string;

  constructor(reason: string, options: { position: FilePosition; pointer: string; cause?: unknown; hint?: string }) {
    super(`${options.pointer === '' ? '(document root)' : options.pointer}: ${reason}`, options);
    this.pointer = options.pointer;
    this.reason = reason;
  }
}
