import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { releaseUrl, type KrewManifest } from '../../scripts/release/krew-manifest.js';
import { archiveName, TARGETS, targetName } from '../../scripts/release/targets.js';
import { repoRoot } from '../helpers/cli.js';

// The template npm run package fills in (test/dist/ checks what it writes, and installs it with krew).
describe('krew-manifest.yaml', () => {
  const manifest = load(readFileSync(path.join(repoRoot, 'krew-manifest.yaml'), 'utf8')) as KrewManifest & {
    spec: { shortDescription: string; description: string };
  };
  const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

  it('is a krew Plugin named sa with package.json’s version', () => {
    expect(manifest.apiVersion).toBe('krew.googlecontainertools.github.com/v1alpha2');
    expect(manifest.kind).toBe('Plugin');
    expect(manifest.metadata.name).toBe('sa');
    expect(manifest.spec.version).toBe(`v${version}`);
    // krew's index asks for a short description of at most 50 characters.
    expect(manifest.spec.shortDescription.length).toBeLessThanOrEqual(50);
  });

  it('has one platform per release archive, each with its download address, executable and files', () => {
    expect(manifest.spec.platforms.map((platform) => `${platform.selector.matchLabels.os}/${platform.selector.matchLabels.arch}`)).toEqual(
      TARGETS.map(targetName),
    );
    for (const target of TARGETS) {
      const platform = manifest.spec.platforms.find(
        (entry) => entry.selector.matchLabels.os === target.os && entry.selector.matchLabels.arch === target.arch,
      )!;
      expect(platform.uri).toBe(releaseUrl(version, archiveName(version, target)));
      expect(platform.bin).toBe(target.executable);
      expect(platform.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(platform.files).toEqual([
        { from: target.executable, to: '.' },
        { from: 'LICENSE', to: '.' },
        { from: 'THIRD-PARTY-NOTICES.txt', to: '.' },
      ]);
    }
  });

  it('says no Node is needed, and how Apple silicon installs (no darwin/arm64 Node 26 in the npm registry)', () => {
    expect(manifest.spec.description).toContain('no Node.js needed');
    expect(manifest.spec.description).toContain('npm install -g kubectl-sa');
    expect(TARGETS.some((target) => target.os === 'darwin' && target.arch === 'arm64')).toBe(false);
  });

  it('leaves bin/kubectl-sa executable for the npm route', () => {
    expect(statSync(path.join(repoRoot, 'bin', 'kubectl-sa')).mode & 0o111).not.toBe(0);
  });
});
