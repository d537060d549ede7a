import { readFileSync } from 'node:fs';
import { load, loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { fileBackupOf } from '../../src/fixes/backup.js';
import { applyUndoEdits, undoEdits } from '../../src/fixes/file-undo.js';
import { redactSecretValues } from '../../src/fixes/secret-redaction.js';
import { corpusFiles, corpusPath } from '../helpers/corpus.js';
import { boundClaims, testSigner } from '../helpers/test-tokens.js';

const secret = [
  'apiVersion: v1',
  'data:',
  '  token: c2VjcmV0LXRva2Vu',
  '  ca.crt: |',
  '    -----BEGIN CERTIFICATE-----',
  '    MIIBszCCAVmgAwIBAgIU',
  '',
  '    -----END CERTIFICATE-----',
  '  empty: ""',
  'kind: Secret',
  'metadata:',
  '  name: tok',
  '  annotations:',
  `    kubectl.kubernetes.io/last-applied-configuration: '{"data":{"token":"c2VjcmV0LXRva2Vu"}}'`,
  '    kubernetes.io/service-account.name: deployer',
  "stringData: {password: 'hunter2', user: admin}",
  '',
].join('\n');

describe('Secret values taken out of manifest text', () => {
  it('every data/stringData value and the last-applied copy, line for line; the rest byte for byte; still YAML', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\ndata:\n  token: not-a-secret\n---\n${secret}`;
    const redacted = redactSecretValues(text);
    for (const value of ['c2VjcmV0LXRva2Vu', 'MIIBszCCAVmgAwIBAgIU', 'BEGIN CERTIFICATE', 'hunter2', 'admin'])
      expect(redacted.text).not.toContain(value);
    expect(redacted.text.split('\n').length).toBe(text.split('\n').length);
    expect(redacted.values).toBe(5); // token, ca.crt, last-applied, password, user; the empty value stays
    const [configMap, read] = loadAll(redacted.text) as Record<string, Record<string, unknown>>[];
    expect(configMap?.data).toEqual({ token: 'not-a-secret' });
    expect(read?.data).toEqual({ token: 'REDACTED', 'ca.crt': 'REDACTED\nREDACTED\n\nREDACTED\n', empty: '' });
    expect(read?.stringData).toEqual({ password: 'REDACTED', user: 'REDACTED' });
    expect(read?.metadata).toEqual({
      name: 'tok',
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'REDACTED', 'kubernetes.io/service-account.name': 'deployer' },
    });
    // Lines 7-14 of the file (0-based) held values: the token, the certificate's block, the annotation, stringData.
    expect([...redacted.lines]).toEqual([7, 8, 9, 10, 11, 12, 18, 20]);
  });

  it('JSON stays JSON; a Secret inside a List is found; a document that does not parse is redacted whole', () => {
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' }, data: { key: 'dmFsdWU=' } }, null, 2);
    expect(JSON.parse(redactSecretValues(json).text)).toMatchObject({ data: { key: 'REDACTED' }, metadata: { name: 'x' } });
    const list = `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  data:\n    key: dmFsdWU=\n`;
    expect(load(redactSecretValues(list).text)).toMatchObject({ items: [{ data: { key: 'REDACTED' } }] });
    const broken = `kind: Secret\ndata:\n  key: [dmFsdWU=\n`;
    expect(redactSecretValues(broken).text).not.toContain('dmFsdWU=');
  });

  it('takes out a token wherever it stands (an env value), raw or base64-encoded, on its line', async () => {
    const token = await (await testSigner()).sign(boundClaims(new Date()));
    const encoded = Buffer.from(token).toString('base64');
    const text = `kind: Deployment\nspec:\n  env:\n  - {name: T, value: "${token}"}\n  - name: E\n    value: ${encoded}\n`;
    const redacted = redactSecretValues(text);
    expect(redacted.text).toBe('kind: Deployment\nspec:\n  env:\n  - {name: T, value: "REDACTED"}\n  - name: E\n    value: REDACTED\n');
    expect([...redacted.lines]).toEqual([3, 5]);
  });

  it('leaves every corpus file without a Secret value as it is', () => {
    for (const file of corpusFiles()) {
      const text = readFileSync(file, 'utf8');
      const redacted = redactSecretValues(text);
      if (redacted.values === 0) expect(redacted.text, file).toBe(text);
      else expect(redacted.text.split('\n').length, file).toBe(text.split('\n').length);
    }
    // The dashboard's csrf Secret holds an empty value: nothing to take out.
    expect(redactSecretValues(readFileSync(corpusPath('dashboard', 'recommended.yaml'), 'utf8')).values).toBe(0);
  });
});

describe('undo edits: the lines a fix wrote, taken back', () => {
  it('put the documents back as they were, wherever the edits are (first line, no final line break, CRLF)', () => {
    const cases = [
      { before: ['a: 1\nb: 2\n', '---\nc: 3'], after: ['a: 1\nz: 0\nb: 2\n', '---\nc: 4\nd: 5'] },
      { before: ['x: 1\r\ny: 2\r\n'], after: ['w: 0\r\nx: 1\r\ny: 2\r\n---\r\nnew: doc\r\n'] },
      {
        before: ['keep: me\n', '---\nkind: Secret\ndata:\n  k: dg==\n', '---\nspec: {}\n'],
        after: ['keep: me\n', '---\nkind: Secret\ndata:\n  k: dg==\n', '---\nspec: {a: 1}\n'],
      },
    ];
    for (const documents of cases) {
      const restored = applyUndoEdits(documents.after.join(''), undoEdits(documents));
      expect(restored).toEqual({ text: documents.before.join('') });
    }
  });

  it('refuse a text that changed where the fix wrote', () => {
    const documents = { before: ['a: 1\n'], after: ['a: 2\n'] };
    expect(applyUndoEdits('a: 3\n', undoEdits(documents))).toEqual({ problem: 'line 1 is no longer as the fix left it' });
  });

  it('a fix that rewrote a line holding a Secret value cannot be backed up, so it is refused', () => {
    const list = 'kind: List\nitems:\n- kind: Secret\n  data: {k: dmFsdWU=}\n- kind: Pod\n  spec: {}\n';
    const rewritten =
      'kind: List\nitems:\n  - kind: Secret\n    data: {k: dmFsdWU=}\n  - kind: Pod\n    spec: {automountServiceAccountToken: false}\n';
    expect(() =>
      fileBackupOf({ file: 'list.yaml', before: list, after: rewritten, documents: { before: [list], after: [rewritten] } }),
    ).toThrow('list.yaml: the fix rewrites lines holding Secret values, which its backup would have to keep; nothing was written');
    const surgical = list.replace('spec: {}', 'spec: {automountServiceAccountToken: false}');
    const backup = fileBackupOf({ file: 'list.yaml', before: list, after: surgical, documents: { before: [list], after: [surgical] } });
    expect(JSON.stringify(backup)).not.toContain('dmFsdWU=');
  });
});
