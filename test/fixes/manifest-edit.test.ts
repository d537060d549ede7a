import { readFileSync } from 'node:fs';
import { applyPatch as applyUnifiedDiff } from 'diff';
import { describe, expect, it } from 'vitest';
import { editManifest, editManifestDocuments, ManifestEditError, type ObjectPatch } from '../../src/fixes/manifest-edit.js';
import { applyPatch, formatPointer, valueAt, type PatchOperation } from '../../src/fixes/json-patch.js';
import { documentsDiff, unifiedDiff } from '../../src/fixes/file-changes.js';
import { podTemplateOf } from '../../src/inventory/workloads.js';
import type { KubeObject } from '../../src/inventory/kube-object.js';
import { parseManifests } from '../../src/sources/parse-manifests.js';
import { corpusFiles, corpusPath, corpusRoot } from '../helpers/corpus.js';

/** Diff lines that add or remove text (headers aside). */
function changedLines(diff: string): string[] {
  return diff.split('\n').filter((line) => /^[-+](?![-+]{2} )/.test(line));
}

describe('manifest edits on real manifests change only the intended lines', () => {
  for (const file of corpusFiles()) {
    const text = readFileSync(file, 'utf8');
    const documents = parseManifests(text, file);
    const targets = documents.flatMap((document) => {
      const object = document.value as KubeObject;
      const template = podTemplateOf(object);
      if (template) return [{ document, pointer: `${formatPointer(template.podSpecPath)}/automountServiceAccountToken`, value: false }];
      if (object?.kind === 'ServiceAccount') return [{ document, pointer: '/automountServiceAccountToken', value: false }];
      return [];
    });
    if (targets.length === 0) continue;
    it(`${file.slice(corpusRoot.length + 1)}: automountServiceAccountToken on ${targets.length} object(s)`, () => {
      for (const { document, pointer, value } of targets) {
        const patch: PatchOperation[] = [{ op: 'add', path: pointer, value }];
        const edited = editManifest(text, file, [{ line: document.line, patch }]);
        const already = valueAt(document.value, pointer) === value;
        const diff = changedLines(unifiedDiff(file, text, edited));
        if (already) expect(diff).toEqual([]);
        else if (valueAt(document.value, pointer) === undefined)
          expect(diff).toEqual([expect.stringMatching(/^\+\s*automountServiceAccountToken: false$/)]);
        else
          expect(diff).toEqual([
            expect.stringMatching(/^-\s*automountServiceAccountToken: true$/),
            expect.stringMatching(/^\+\s*automountServiceAccountToken: false$/),
          ]);
        // Read back by the reader every command uses: the edited object is exactly the patched one, every other one untouched.
        const after = parseManifests(edited, file);
        expect(after.map((item) => item.value)).toEqual(
          documents.map((item) => (item === document ? applyPatch(document.value, patch) : item.value)),
        );
      }
    });
  }
});

describe('manifest edits', () => {
  const file = 'test.yaml';
  it('keeps comments, quoting, blank lines and other documents; inserts at the end of the map, at its indentation', () => {
    const text = [
      '# leading comment',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      "  name: 'web' # quoted on purpose",
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '      - name: web',
      '        image: "nginx"',
      '',
      '      # volumes follow',
      '      volumes: []',
      '---',
      'apiVersion: v1',
      'kind: ServiceAccount',
      'metadata: {name: web}',
      '',
    ].join('\n');
    const edited = editManifest(text, file, [
      { line: 2, patch: [{ op: 'add', path: '/spec/template/spec/serviceAccountName', value: 'web' }] },
    ]);
    expect(edited).toBe(text.replace('      volumes: []\n', '      volumes: []\n      serviceAccountName: web\n'));
  });
  it('replaces a scalar in place and removes a pair with its line', () => {
    const text =
      'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\nautomountServiceAccountToken: true # was on\nsecrets:\n- name: x\n';
    expect(editManifest(text, file, [{ line: 1, patch: [{ op: 'replace', path: '/automountServiceAccountToken', value: false }] }])).toBe(
      text.replace('true # was on', 'false # was on'),
    );
    expect(editManifest(text, file, [{ line: 1, patch: [{ op: 'remove', path: '/secrets' }] }])).toBe(
      text.replace('secrets:\n- name: x\n', ''),
    );
  });
  it('quotes strings YAML 1.1 would read as something else', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  a: b\n';
    const edited = editManifest(text, file, [{ line: 1, patch: [{ op: 'add', path: '/data/enabled', value: 'no' }] }]);
    expect(edited).toContain('  enabled: "no"\n');
    expect(parseManifests(edited, file)[0]?.value).toMatchObject({ data: { enabled: 'no' } });
  });
  it('keeps CRLF line endings', () => {
    const text = 'apiVersion: v1\r\nkind: ServiceAccount\r\nmetadata:\r\n  name: a\r\n';
    expect(editManifest(text, file, [{ line: 1, patch: [{ op: 'add', path: '/automountServiceAccountToken', value: false }] }])).toBe(
      `${text}automountServiceAccountToken: false\r\n`,
    );
  });
  it('edits JSON as JSON: only the intended lines change, and the file stays JSON', () => {
    const text = '{\n  "apiVersion": "v1",\n  "kind": "ServiceAccount",\n  "metadata": {\n    "name": "a"\n  }\n}\n';
    const added = editManifest(text, 'sa.json', [{ line: 1, patch: [{ op: 'add', path: '/automountServiceAccountToken', value: false }] }]);
    expect(added).toBe(text.replace('  }\n}\n', '  },\n  "automountServiceAccountToken": false\n}\n'));
    const oneLine = '{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "a", "labels": {"team": "x"}}}\n';
    expect(
      editManifest(oneLine, 'sa.json', [{ line: 1, patch: [{ op: 'add', path: '/metadata/labels/owner', value: 'pay ments' }] }]),
    ).toBe(oneLine.replace('"team": "x"}', '"team": "x", "owner": "pay ments"}'));
    // What no surgical edit does (a removal in JSON) is printed again as JSON, in the file's indentation.
    const removed = editManifest(added, 'sa.json', [{ line: 1, patch: [{ op: 'remove', path: '/metadata/name' }] }]);
    expect(JSON.parse(removed)).toEqual({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: {}, automountServiceAccountToken: false });
    expect(removed).toBe(`${JSON.stringify(JSON.parse(removed), null, 2)}\n`);
    expect(() =>
      editManifest(text, 'sa.json', [], [{ afterLine: 1, object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'b' } } }]),
    ).toThrowError('sa.json:1: a JSON file holds one object: create ServiceAccount b in a file of its own');
  });
  it('adds to YAML flow collections in place, in their style, keeping the rest of the line', () => {
    const text = [
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: RoleBinding',
      'metadata: {name: view, namespace: shop}',
      'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}',
      'subjects: [{kind: ServiceAccount, name: default, namespace: shop}]  # who',
      '',
    ].join('\n');
    const edited = editManifest(text, file, [
      {
        line: 1,
        patch: [
          { op: 'add', path: '/subjects/-', value: { kind: 'ServiceAccount', name: 'cart', namespace: 'shop' } },
          { op: 'add', path: '/metadata/labels', value: { 'app.kubernetes.io/part-of': 'shop', enabled: 'yes' } },
        ],
      },
    ]);
    expect(edited).toBe(
      text
        .replace(
          'subjects: [{kind: ServiceAccount, name: default, namespace: shop}]  # who',
          'subjects: [{kind: ServiceAccount, name: default, namespace: shop}, {kind: ServiceAccount, name: cart, namespace: shop}]  # who',
        )
        .replace('namespace: shop}\nroleRef', 'namespace: shop, labels: {app.kubernetes.io/part-of: shop, enabled: "yes"}}\nroleRef'),
    );
  });
  it('refuses to edit through an alias or a merge key (the anchor is shared)', () => {
    const text = [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '- apiVersion: v1',
      '  kind: Pod',
      '  metadata: {name: a}',
      '  spec: &pod',
      '    containers: [{name: a}]',
      '- apiVersion: v1',
      '  kind: Pod',
      '  metadata: {name: b}',
      '  spec: *pod',
      '- apiVersion: v1',
      '  kind: Pod',
      '  metadata: {name: c}',
      '  spec:',
      '    <<: *pod',
      '    nodeName: x',
      '',
    ].join('\n');
    const automount = [{ op: 'add' as const, path: '/spec/automountServiceAccountToken', value: false }];
    expect(() => editManifest(text, file, [{ line: 9, patch: automount }])).toThrowError(/alias of an anchored node/);
    expect(() =>
      editManifest(text, file, [{ line: 13, patch: [{ op: 'replace', path: '/spec/containers/0/name', value: 'b' }] }]),
    ).toThrowError(/merge key/);
    expect(() => editManifest(text, file, [{ line: 13, patch: automount }])).not.toThrowError(ManifestEditError);
  });
  it('inserts a created object as a document of its own right after the one it belongs to', () => {
    const text = readFileSync(corpusPath('external-dns', 'external-dns-deployment.yaml'), 'utf8');
    const edited = editManifest(
      text,
      file,
      [],
      [{ afterLine: 1, object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'external-dns' } } }],
    );
    expect(edited).toBe(`${text}---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: external-dns\n`);
  });
});

describe('the per-document diff', () => {
  it('is a correct diff -u of the whole file on real manifests with edits in many documents (it applies, and changes as many lines)', () => {
    for (const file of corpusFiles()) {
      const text = readFileSync(file, 'utf8');
      const documents = parseManifests(text, file);
      const patches = documents.flatMap((document): ObjectPatch[] => {
        const object = document.value as KubeObject;
        const template = podTemplateOf(object);
        if (template)
          return [
            {
              line: document.line,
              patch: [{ op: 'add' as const, path: `${formatPointer(template.podSpecPath)}/serviceAccountName`, value: 'fixed' }],
            },
          ];
        if (object?.kind === 'ServiceAccount')
          return [{ line: document.line, patch: [{ op: 'add' as const, path: '/automountServiceAccountToken', value: false }] }];
        return [];
      });
      if (patches.length === 0) continue;
      const insertions = patches
        .slice(0, 2)
        .map((patch) => ({ afterLine: patch.line, object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'new' } } }));
      const edited = editManifestDocuments(text, file, patches, insertions);
      const after = edited.after.join('');
      const diff = documentsDiff(file, edited);
      // A hunk may align an inserted document differently from a whole-file Myers diff; both apply the same.
      expect(applyUnifiedDiff(text, diff), file).toBe(after);
      const count = (patch: string) => changedLines(patch).length;
      expect(count(diff), file).toBe(count(unifiedDiff(file, text, after)));
    }
  });
});
