import { InputError } from '../errors/kubectl-sa-error.js';
import { isRecord } from '../inventory/kube-object.js';
import { fileProblem, readUpTo } from './bounded-read.js';

/** A cluster publishes a handful of public keys; a megabyte is far beyond any real JWK Set. */
const maxJwksBytes = 1024 * 1024;

/**
 * Reads a JWK Set saved from a cluster (`kubectl get --raw /openid/v1/jwks > jwks.json`) for offline
 * verification. Only its shape is checked here; the JOSE library judges the keys.
 */
export async function readJwksFile(file: string): Promise<unknown> {
  let bytes: Buffer | undefined;
  try {
    bytes = await readUpTo(file, maxJwksBytes);
  } catch (error) {
    throw new InputError(`${file}: cannot read the JWK Set (${fileProblem(error)})`);
  }
  if (bytes === undefined) throw new InputError(`${file}: too large for a JWK Set (over ${maxJwksBytes} bytes)`);
  const text = bytes.toString('utf8');
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
