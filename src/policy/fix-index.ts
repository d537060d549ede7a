import type { CompiledFix, CompiledPack } from './compile-pack.js';

/** Every fix the loaded packs define, by id; the first definition of an id wins (built-in packs load first). */
export function fixesOf(packs: readonly CompiledPack[]): Map<string, CompiledFix> {
  const fixes = new Map<string, CompiledFix>();
  for (const pack of packs) for (const fix of pack.fixes) if (!fixes.has(fix.id)) fixes.set(fix.id, fix);
  return fixes;
}
