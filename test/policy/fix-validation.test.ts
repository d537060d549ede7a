import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/cli.js';

const pack = (fix: string, patch: string) => `apiVersion: kubectl-sa.dev/v1
kind: PolicyPack
metadata: {name: acme, version: 1.0.0}
rules:
  - id: ACME001
    title: ServiceAccounts say who owns them
    severity: low
    target: ServiceAccount
    assert:
      type: object
      required: [metadata]
      properties:
        metadata: {type: object, required: [labels], properties: {labels: {type: object, required: [owner]}}}
    message: "ServiceAccount {{metadata.name}} has no owner label"
    remediation: Add an owner label.
    fix: ${fix}
fixes:
  - id: owner-label
    title: label the ServiceAccount with its owner
    patch:
${patch}
`;
const tests = `apiVersion: kubectl-sa.dev/v1
kind: PolicyPackTest
pack: acme
cases:
  - name: no owner
    objects:
      - {apiVersion: v1, kind: ServiceAccount, metadata: {name: a, namespace: t}}
    expect: [{rule: ACME001, object: ServiceAccount/t/a}]
`;

function write(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kubectl-sa-pack-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('policy validate and policy test check fixes', () => {
  it('a fix that clears its rule on the fixture cases validates, and policy test runs it before → after', async () => {
    const dir = write({
      'acme.yaml': pack('owner-label', '      - {op: add, path: /metadata/labels, value: {owner: platform}}'),
      'acme.test.yaml': tests,
    });
    const validated = await runCliInProcess(['policy', 'validate', dir]);
    expect(validated.code).toBe(0);
    expect(validated.stdout).toContain('ok   fixes: 1 fix(es) applied to 1 fixture finding(s), each cleared and idempotent');
    const tested = await runCliInProcess(['policy', 'test', dir]);
    expect(tested.code).toBe(0);
    expect(tested.stdout).toContain('PASS acme: no owner: fix owner-label on ServiceAccount t/a');
  });
  it('a rule naming a fix nobody defines is invalid, with file:line', async () => {
    const dir = write({ 'acme.yaml': pack('owner-labels', '      - {op: add, path: /metadata/labels, value: {owner: platform}}') });
    const result = await runCliInProcess(['policy', 'validate', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^error: .*acme\.yaml:5: ACME001: fix owner-labels is not defined \(neither under fixes: in pack acme nor built in\)$/m,
    );
  });
  it('a fix that leaves its finding, or whose precondition fails on the fixtures, fails validate (exit 2) and test (exit 1)', async () => {
    const wrong = write({
      'acme.yaml': pack('owner-label', '      - {op: add, path: /metadata/annotations, value: {owner: platform}}'),
      'acme.test.yaml': tests,
    });
    const validated = await runCliInProcess(['policy', 'validate', wrong]);
    expect(validated.code).toBe(2);
    expect(validated.stderr).toMatch(/acme\.test\.yaml:5: no owner: after fix owner-label, ACME001 still fires on ServiceAccount t\/a/);
    const tested = await runCliInProcess(['policy', 'test', wrong]);
    expect(tested.code).toBe(1);
    expect(tested.stdout).toContain('FAIL acme: no owner: fix owner-label on ServiceAccount t/a');

    const guarded = write({
      'acme.yaml': pack(
        'owner-label',
        '      - {op: test, path: /metadata/namespace, value: prod}\n      - {op: add, path: /metadata/labels, value: {owner: platform}}',
      ),
      'acme.test.yaml': tests,
    });
    const refused = await runCliInProcess(['policy', 'validate', guarded]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'a precondition of the fix does not hold: operation 0 (test /metadata/namespace): expected "prod", found "t"',
    );
  });
  it('a fix that would change a Secret is refused: a fix never reads Secret data', async () => {
    const dir = write({
      'acme.yaml': `apiVersion: kubectl-sa.dev/v1
kind: PolicyPack
metadata: {name: acme, version: 1.0.0}
rules:
  - id: ACME002
    title: Secrets say who owns them
    severity: low
    target: Secret
    assert: {type: object, required: [metadata], properties: {metadata: {type: object, required: [labels]}}}
    message: "Secret {{metadata.name}} has no labels"
    remediation: Label it.
    fix: label-secret
fixes:
  - id: label-secret
    title: label the Secret
    patch:
      - {op: add, path: /metadata/labels, value: {owner: platform}}
`,
      'acme.test.yaml': `apiVersion: kubectl-sa.dev/v1
kind: PolicyPackTest
pack: acme
cases:
  - name: unlabelled
    objects:
      - {apiVersion: v1, kind: Secret, metadata: {name: s, namespace: t}, data: {password: c2VjcmV0}}
    expect: [{rule: ACME002, object: Secret/t/s}]
`,
    });
    const validated = await runCliInProcess(['policy', 'validate', dir]);
    expect(validated.code).toBe(2);
    expect(validated.stderr).toContain('fix label-secret does not apply: a fix never reads or changes a Secret');
    writeFileSync(
      path.join(dir, 'secret.yaml'),
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: t\ndata:\n  password: c2VjcmV0\n',
    );
    const fixed = await runCliInProcess([
      'fix',
      '-f',
      path.join(dir, 'secret.yaml'),
      '--policy',
      path.join(dir, 'acme.yaml'),
      '--write',
      '--yes',
    ]);
    expect(fixed.stdout).toContain('Secret t/s');
    expect(fixed.stdout).toContain('a fix never reads or changes a Secret');
    expect(fixed.stdout).not.toContain('c2VjcmV0');
    expect(readFileSync(path.join(dir, 'secret.yaml'), 'utf8')).not.toContain('labels');
  });
  it('the built-in packs validate with their fixes', async () => {
    const result = await runCliInProcess(['policy', 'validate', 'policies/']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/ok {3}fixes: \d+ fix\(es\) applied to \d+ fixture finding\(s\)/);
  });
});
