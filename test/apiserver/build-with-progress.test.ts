import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildWithProgress, requireGo } from './build-with-progress.js';

class Lines extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.lines.push(...chunk.toString().split('\n').filter(Boolean));
    callback();
  }
}

describe('the harness build says it is at work', () => {
  it('prints a progress line while a silent build runs, and stops when it ends', async () => {
    const out = new Lines();
    await buildWithProgress('bash', ['-c', 'sleep 1.1'], { out, intervalMs: 250 });
    expect(out.lines.length).toBeGreaterThanOrEqual(3);
    expect(out.lines[0]).toMatch(/^test\/apiserver: still building \(\d+s; a first build takes 6–12 minutes, later ones are no-ops\)$/);
    const printed = out.lines.length;
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(out.lines).toHaveLength(printed);
  });

  it('fails with the command and its exit code', async () => {
    await expect(buildWithProgress('bash', ['-c', 'exit 3'], { out: new Lines() })).rejects.toThrow('bash -c exit 3 failed (exit code 3)');
  });

  it('says what to do when Go is missing, and finds it on PATH', () => {
    expect(() => requireGo({ PATH: '/nonexistent-folder' }, [])).toThrow(/no `go` is on PATH.*npx vitest run --project unit/);
    const folder = mkdtempSync(path.join(tmpdir(), 'kubectl-sa-go-'));
    writeFileSync(path.join(folder, 'go'), '#!/bin/sh\n', { mode: 0o755 });
    expect(() => requireGo({ PATH: `/nonexistent-folder${path.delimiter}${folder}` }, [])).not.toThrow();
  });
});
