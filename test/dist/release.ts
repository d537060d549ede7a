// What the dist tests share: where the release artifacts are and what they should be.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import type { KrewManifest } from '../../scripts/release/krew-manifest.js';
import { repoRoot } from '../helpers/cli.js';

export { repoRoot };
export const KREW_VERSION = 'v0.4.3';
export const krewBinary = path.join(repoRoot, '.tools', 'bin', 'krew');
export const releaseDir = path.join(repoRoot, '.dist');
export const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

export function releaseManifest(): KrewManifest {
  return load(readFileSync(path.join(releaseDir, 'krew-manifest.yaml'), 'utf8')) as KrewManifest;
}
