import { open } from 'node:fs/promises';
import { InputError } from '../errors/kubectl-sa-error.js';
import { isRecord } from '../inventory/kube-object.js';

/** A cluster publishes a handful of public keys; a megabyte is far beyond any real JWK Set. */
const maxJwksBytes = 1024 * 1024;

/**
 * Reads a JWK Set saved from a cluster (`kubectl get --raw /openid/v1/jwks > jwks.json`) for offline
 * verification. Only its shape is checked here; the JOSE library judges the keys.
 */
export async function readJwksFile(file: string): Promise<unknown> {
  let text: string;
  try {
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(maxJwksBytes + 1);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      if (bytesRead > maxJwksBytes) throw new InputError(`${file}: too large for a JWK Set (over ${maxJwksBytes} bytes)`);
      text = buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      `${file}: cannot read the JWK Set (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder' : (code ?? 'unknown error')})`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: not a JWK Set: invalid JSON (${(error as Error).message})`);
  }
  if (!isRecord(value) || !Array.isArray(value.keys))
    throw new InputError(`${file}: not a JWK Set: expected a JSON object with a "keys" array`);
  if (value.keys.length === 0) throw new InputError(`${file}: the JWK Set has no keys`);
  return value;
}
