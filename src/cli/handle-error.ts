import { Errors } from '@oclif/core';
import { ExitCode, InputErrors, KubectlSaError } from '../errors/kubectl-sa-error.js';
import { withoutTokens } from '../tokens/jwt.js';

/**
 * The single place where a failure becomes a message and an exit code. Our typed errors print one line
 * each (kubectl's `error: …` style); oclif's own parse errors keep their text and become usage errors (2);
 * anything else is a bug and says so. A message may quote what was typed (an unknown command, a path): a
 * token pasted there is never printed back.
 */
export function exitCodeFor(error: unknown, output: NodeJS.WritableStream): number {
  const stderr = { write: (text: string) => output.write(withoutTokens(text)) };
  if (error instanceof InputErrors) {
    for (const inner of error.errors) stderr.write(`error: ${inner.message}\n`);
    for (const hint of new Set(error.errors.map((inner) => inner.hint))) if (hint) stderr.write(`hint: ${hint}\n`);
    return error.exitCode;
  }
  if (error instanceof KubectlSaError) {
    stderr.write(`error: ${error.message}\n`);
    if (error.hint) stderr.write(`hint: ${error.hint}\n`);
    return error.exitCode;
  }
  if (error instanceof Errors.ExitError) return error.oclif.exit ?? 0;
  if (error instanceof Errors.CLIError) {
    const firstLine = error.message.split('\n').find((line) => line.trim() !== '') ?? error.message;
    stderr.write(`error: ${firstLine.trim()}\n`);
    const rest = error.message.split('\n').slice(1).join('\n').trim();
    if (rest) stderr.write(`${rest}\n`);
    return ExitCode.usage;
  }
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  stderr.write(`error: unexpected failure (a bug in kubectl-sa; please report it):\n${text}\n`);
  return 70;
}
