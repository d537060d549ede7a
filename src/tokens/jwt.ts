import { InputError } from '../errors/kubectl-sa-error.js';

/**
 * A JSON Web Token taken apart without checking its signature. The signature itself is never kept:
 * nothing downstream can print it, and nothing here pretends to verify it (src/tokens/verify-token.ts
 * does that with a JOSE library).
 */
export interface DecodedJwt {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
  /** Bytes in the signature part: 0 for an unsigned (`alg: none`) token. */
  readonly signatureBytes: number;
}

/** Kubernetes tokens are 1–2 KB; anything beyond this is not a token we should hold in memory. */
export const maxTokenBytes = 64 * 1024;

const base64url = /^[A-Za-z0-9_-]*$/;

/** A JWT (a base64url JSON header, `eyJ` being `{"`), or one base64-encoded again as a Secret's data holds it (`ZXlK`). */
export const tokenShaped = /eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*|ZXlK[A-Za-z0-9+/]{20,}={0,2}/g;

/**
 * Text with anything shaped like a token taken out: for messages that quote what the user typed (an
 * unknown command, a path), where a token pasted in the wrong place would otherwise be printed back.
 */
export function withoutTokens(text: string): string {
  return text.replace(tokenShaped, '<token not shown>');
}

/**
 * Errors name what is wrong with the input, never any part of it: the input may be a live credential.
 * `where` says where the token came from (`the argument`, `stdin`, a file name).
 */
export function decodeJwt(input: string, where: string): DecodedJwt {
  const text = input.trim();
  const fail = (reason: string) => new InputError(`${where}: not a JSON Web Token: ${reason}`);
  if (text === '') throw fail('it is empty');
  if (Buffer.byteLength(text) > maxTokenBytes) throw fail(`it is larger than ${maxTokenBytes} bytes`);
  const parts = text.split('.');
  if (parts.length === 5) throw fail('it has five parts: an encrypted token (JWE), which cannot be read without its key');
  if (parts.length !== 3) throw fail(`expected three dot-separated parts (header.payload.signature), found ${parts.length}`);
  const [header, payload, signature] = parts as [string, string, string];
  return {
    header: jsonPart(header, 'header', fail),
    payload: jsonPart(payload, 'payload', fail),
    signatureBytes: decodePart(signature, 'signature', fail).length,
  };
}

function decodePart(part: string, name: string, fail: (reason: string) => InputError): Buffer {
  // Node's decoder skips characters it does not know; a strict check first keeps garbage from passing as data.
  if (!base64url.test(part.replace(/=+$/, ''))) throw fail(`the ${name} is not base64url`);
  return Buffer.from(part, 'base64url');
}

function jsonPart(part: string, name: string, fail: (reason: string) => InputError): Record<string, unknown> {
  if (part === '') throw fail(`the ${name} is empty`);
  const bytes = decodePart(part, name, fail);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw fail(`the ${name} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail(`the ${name} is not a JSON object`);
  return value as Record<string, unknown>;
}
