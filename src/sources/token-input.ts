import type { Readable } from 'node:stream';
import { InputError, UsageError } from '../errors/kubectl-sa-error.js';
import { fileProblem, readUpTo } from './bounded-read.js';

export interface TokenInputOptions {
  /** The positional TOKEN: the token itself, or `-` for stdin. */
  readonly argument?: string | undefined;
  /** `--token-file PATH`: a token file, such as a pod's /var/run/secrets/kubernetes.io/serviceaccount/token. */
  readonly file?: string | undefined;
  /** Injected by tests; process.stdin otherwise. */
  readonly stdin?: Readable & { readonly isTTY?: boolean };
  /** At most this many bytes are read: the longest token there can be (`maxTokenBytes` of tokens/jwt.ts). */
  readonly maxBytes: number;
}

export interface TokenInput {
  /** Trimmed, without a pasted `Bearer ` prefix. */
  readonly text: string;
  /** Where it came from, for messages: "the argument", "stdin", or the file's name. Never the token. */
  readonly where: string;
}

/**
 * Reads a token from the argument, stdin (`-`, or piped input when no argument is given) or a file,
 * reading at most a token's worth of bytes: a wrong file or an endless stream is refused, not slurped.
 */
export async function readTokenInput(options: TokenInputOptions): Promise<TokenInput> {
  const input = await readRaw(options);
  if (Buffer.byteLength(input.text) > options.maxBytes) throw tooLarge(input.where, options.maxBytes);
  const text = input.text.trim().replace(/^bearer\s+/i, '');
  if (text === '') throw new InputError(`${input.where}: no token: the input is empty`);
  return { text, where: input.where };
}

async function readRaw(options: TokenInputOptions): Promise<TokenInput> {
  const stdin = options.stdin ?? process.stdin;
  if (options.argument !== undefined && options.file !== undefined) {
    throw new UsageError('give the token once: as the TOKEN argument (or - for stdin) or with --token-file, not both');
  }
  if (options.file !== undefined) return { text: await readBoundedFile(options.file, options.maxBytes), where: options.file };
  if (options.argument !== undefined && options.argument !== '-') return { text: options.argument, where: 'the argument' };
  if (options.argument === undefined && stdin.isTTY) {
    throw new UsageError('which token? pass it on stdin (-), with --token-file PATH, or as the TOKEN argument', {
      hint: 'for example: kubectl sa token create ns:name | kubectl sa token inspect -',
    });
  }
  return { text: (await readBoundedStream(stdin, options.maxBytes)).toString('utf8'), where: 'stdin' };
}

async function readBoundedFile(file: string, maxBytes: number): Promise<string> {
  let bytes: Buffer | undefined;
  try {
    bytes = await readUpTo(file, maxBytes);
  } catch (error) {
    throw new InputError(`${file}: cannot read the token file (${fileProblem(error)})`);
  }
  if (bytes === undefined) throw tooLarge(file, maxBytes);
  return bytes.toString('utf8');
}

async function readBoundedStream(stream: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += buffer.length;
    if (total > maxBytes) {
      stream.destroy();
      throw tooLarge('stdin', maxBytes);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function tooLarge(where: string, maxBytes: number): InputError {
  return new InputError(`${where}: not a JSON Web Token: it is larger than ${maxBytes} bytes`);
}
