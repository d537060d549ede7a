import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

describe('krew-manifest.yaml', () => {
  it('is a krew Plugin named sa whose bin is the executable plugin entry', () => {
    const manifest = load(readFileSync(path.join(repoRoot, 'krew-manifest.yaml'), 'utf8')) as {
      apiVersion: string;
      kind: string;
      metadata: { name: string };
      spec: { version: string; shortDescription: string; platforms: { bin: string; uri: string; sha256: string }[] };
    };
    expect(manifest.apiVersion).toBe('krew.googlecontainertools.github.com/v1alpha2');
    expect(manifest.kind).toBe('Plugin');
    expect(manifest.metadata.name).toBe('sa');
    const packageVersion = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
    expect(manifest.spec.version).toBe(`v${packageVersion}`);
    expect(manifest.spec.shortDescription.length).toBeLessThanOrEqual(50);
    for (const platform of manifest.spec.platforms) {
      expect(platform.bin).toBe('bin/kubectl-sa');
      expect(platform.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(platform.uri).toContain(`/v${packageVersion}/`);
    }
    expect(statSync(path.join(repoRoot, 'bin', 'kubectl-sa')).mode & 0o111).not.toBe(0);
  });
});
