import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/cli.js';
import { corpusPath } from '../helpers/corpus.js';

// A team's own pack: pods in monitoring say which team runs them, and its fix labels the pod template.
const pack = `apiVersion: kubectl-sa.dev/v1
kind: PolicyPack
metadata: {name: acme, version: 1.0.0}
rules:
  - id: ACME010
    title: Pods in monitoring carry the team label
    severity: low
    target: Workload
    match:
      type: object
      properties:
        object: {type: object, properties: {namespace: {const: monitoring}}}
    assert:
      type: object
      required: [podMetadata]
      properties:
        podMetadata: {type: object, required: [labels], properties: {labels: {type: object, required: [acme.example/team]}}}
    message: "{{object.kind}} {{object.namespace}}/{{object.name}} runs pods without an acme.example/team label"
    remediation: Label the pod template with the owning team.
    fix: acme-team-label
fixes:
  - id: acme-team-label
    title: label the pods with the team that owns the namespace
    patch:
      - {op: add, path: "{{podMetadataPointer}}/labels/acme.example~1team", value: "{{object.namespace}}"}
`;
const tests = `apiVersion: kubectl-sa.dev/v1
kind: PolicyPackTest
pack: acme
cases:
  - name: a CronJob's pods without the label
    objects:
      - apiVersion: batch/v1
        kind: CronJob
        metadata: {name: sweep, namespace: monitoring}
        spec: {schedule: "@daily", jobTemplate: {spec: {template: {metadata: {labels: {app: sweep}}, spec: {containers: []}}}}}
    expect: [{rule: ACME010, object: CronJob/monitoring/sweep}]
`;

let dir: string;
const env = () => ({ XDG_STATE_HOME: path.join(dir, 'state') });

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kubectl-sa-custom-fix-'));
  writeFileSync(path.join(dir, 'acme.yaml'), pack);
  writeFileSync(path.join(dir, 'acme.test.yaml'), tests);
});

describe("a custom pack's fix, end to end", () => {
  it('validates on its fixture case, rewrites a real manifest by one line, and a second run finds it in effect', async () => {
    const validated = await runCliInProcess(['policy', 'validate', dir]);
    expect(validated.code).toBe(0);
    expect(validated.stdout).toContain('ok   fixes: 1 fix(es) applied to 1 fixture finding(s), each cleared and idempotent');

    const file = path.join(dir, 'blackboxExporter-deployment.yaml');
    cpSync(corpusPath('kube-prometheus', 'blackboxExporter-deployment.yaml'), file);
    const before = readFileSync(file, 'utf8');
    const args = ['fix', '-f', file, '--policy', path.join(dir, 'acme.yaml'), '--only-pack', 'acme'];
    const written = await runCliInProcess([...args, '--write', '--yes'], { env: env() });
    expect(written.code).toBe(0);
    expect(written.stdout).toContain('ACME010 → label the pods with the team that owns the namespace');
    expect(readFileSync(file, 'utf8')).toBe(
      before.replace(
        '        app.kubernetes.io/version: 0.28.0\n    spec:\n',
        '        app.kubernetes.io/version: 0.28.0\n        acme.example/team: monitoring\n    spec:\n',
      ),
    );

    const again = await runCliInProcess(args, { env: env() });
    expect(again.stdout).toContain('Nothing to change: already compliant');
    const scanned = await runCliInProcess(['scan', '-f', file, '--policy', path.join(dir, 'acme.yaml'), '--only-pack', 'acme']);
    expect(scanned.stdout).not.toContain('ACME010');
  });
});
