/**
 * What the build records of each built-in pack document, and compares at load: the same parsed value gives
 * the same digest, whatever the file's comments or layout, so an edited pack is never judged by stale code.
 * Two 32-bit FNV-1a lanes over the value's JSON (64 bits): a check against accidents, not adversaries (whoever
 * can edit the installed packs can edit the code beside them), and no crypto module to load at every start.
 */
export function packDigest(value: unknown): string {
  const text = JSON.stringify(value);
  let low = 0x811c9dc5;
  let high = 0x01000193 ^ text.length;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    low = Math.imul(low ^ code, 0x01000193);
    high = Math.imul(high ^ code, 0x0100019d) ^ (low >>> 15);
  }
  return `${(high >>> 0).toString(16).padStart(8, '0')}${(low >>> 0).toString(16).padStart(8, '0')}`;
}
