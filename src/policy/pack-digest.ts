import { createHash } from 'node:crypto';

/**
 * What the build records of each built-in pack document, and compares at load: the same parsed value gives
 * the same digest, whatever the file's comments or layout, so an edited pack is never judged by stale code.
 */
export function packDigest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}
