import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCliInProcess } from '../helpers/cli.js';

describe('findings carry the field of the source object they are about, with its file:line', () => {
  it('scan -o json: the pointer of the field the fix changes, at its line', async () => {
    const result = await runCliInProcess(['scan', '-f', 'examples/insecure', '-o', 'json', '--now', '2026-06-01T00:00:00Z']);
    const findings = JSON.parse(result.stdout).findings as {
      ruleId: string;
      object: { name: string };
      field?: { pointer: string; line: number | null };
    }[];
    const field = (rule: string, name: string) =>
      findings.find((finding) => finding.ruleId === rule && finding.object.name === name)?.field;
    const shop = readFileSync(path.join(repoRoot, 'examples', 'insecure', 'shop-namespace.yaml'), 'utf8').split('\n');
    const cart = field('SA002', 'cart');
    expect(cart?.pointer).toBe('/spec/template/spec/serviceAccountName');
    expect(shop[(cart?.line ?? 0) - 1]).toBe('      serviceAccountName: default');
    // Absent from the manifest: the line of the map the fix adds it to.
    const storefront = field('SA002', 'storefront');
    expect(storefront?.pointer).toBe('/spec/template/spec/serviceAccountName');
    expect(shop[(storefront?.line ?? 0) - 1]).toBe('    spec:');
    const reporting = readFileSync(path.join(repoRoot, 'examples', 'insecure', 'reporting.yaml'), 'utf8').split('\n');
    const nightly = field('SA007', 'nightly-report');
    expect(nightly?.pointer).toMatch(
      /^\/spec\/jobTemplate\/spec\/template\/spec\/volumes\/\d+\/projected\/sources\/\d+\/serviceAccountToken\/expirationSeconds$/,
    );
    expect(reporting[(nightly?.line ?? 0) - 1]?.trim()).toBe('expirationSeconds: 86400');
  });
  it('stdin too: the line in the text that was piped in, read once', async () => {
    const file = path.join(repoRoot, 'examples', 'insecure', 'shop-namespace.yaml');
    const text = readFileSync(file, 'utf8');
    const result = await runCliInProcess(['scan', '-', '-o', 'json', '--now', '2026-06-01T00:00:00Z'], { input: text });
    const findings = JSON.parse(result.stdout).findings as {
      ruleId: string;
      object: { name: string };
      source?: { file: string };
      field?: { pointer: string; line: number | null };
    }[];
    const cart = findings.find((finding) => finding.ruleId === 'SA002' && finding.object.name === 'cart');
    expect(cart?.source?.file).toBe('<stdin>');
    expect(text.split('\n')[(cart?.field?.line ?? 0) - 1]).toBe('      serviceAccountName: default');
  });

  it('the table does not print fields', async () => {
    const result = await runCliInProcess(['scan', '-f', 'examples/insecure']);
    expect(result.stdout).not.toContain('pointer');
  });
});
