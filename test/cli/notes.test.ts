import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { writeNotes } from '../../src/cli/notes.js';
import type { InventoryNote } from '../../src/inventory/inventory.js';

function written(notes: InventoryNote[], env: NodeJS.ProcessEnv = {}): string {
  const stream = new PassThrough();
  writeNotes(notes, stream, env);
  return String(stream.read() ?? '');
}

describe('notes on stderr', () => {
  const skippedDocument: InventoryNote = {
    level: 'info',
    message: 'skipped a document that is not a Kubernetes object (a list of patches)',
    source: { file: 'k8s/patches.yaml', line: 1, column: 1 },
  };
  const folded: InventoryNote = { level: 'info', message: 'judged 6 Pods, ReplicaSets and Jobs through the controllers that own them' };

  it('counts only skipped documents in the summary: a live read says nothing of files it never read', () => {
    expect(written([folded])).toBe('');
    expect(written([folded, skippedDocument])).toBe(
      'note: skipped 1 document(s) that are not Kubernetes objects in 1 file(s); set KUBECTL_SA_VERBOSE=1 to list them\n',
    );
  });
  it('lists every note with KUBECTL_SA_VERBOSE', () => {
    expect(written([folded, skippedDocument], { KUBECTL_SA_VERBOSE: '1' })).toBe(
      'info: judged 6 Pods, ReplicaSets and Jobs through the controllers that own them\n' +
        'info: k8s/patches.yaml:1:1: skipped a document that is not a Kubernetes object (a list of patches)\n',
    );
  });
});
