import { expect } from 'vitest';

/**
 * Anything that looks like a JWT: a base64url JSON header ("eyJ" is `{"`), a payload and a signature; or
 * one as a Secret's `data` holds it, base64 again ("ZXlK" is `eyJ`).
 */
export const jwtShaped = /eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*|ZXlK[A-Za-z0-9+/]{20,}/;

export function expectNoJwt(text: string, stream: string): void {
  const match = jwtShaped.exec(text);
  expect(match, `${stream} holds a JWT-shaped string at offset ${match?.index ?? -1}`).toBeNull();
}

/**
 * Every run of the CLI in every test goes through this: no output stream may carry a token, but the
 * stdout of `token create`, whose job it is (raw, -o json|yaml, -o kubeconfig).
 */
export function expectNoJwtInOutput(args: readonly string[], result: { readonly stdout: string; readonly stderr: string }): void {
  const command = args
    .filter((arg) => !arg.startsWith('-'))
    .slice(0, 2)
    .join(' ');
  expectNoJwt(result.stderr, `stderr of ${command}`);
  const token = args.indexOf('token');
  if (token === -1 || args[token + 1] !== 'create') expectNoJwt(result.stdout, `stdout of ${command}`);
}
