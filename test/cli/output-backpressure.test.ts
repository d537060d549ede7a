import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { dump } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { generateObjects } from '../../bench/generate.js';
import { repoRoot } from '../helpers/cli.js';

/**
 * A reader slower than kubectl-sa, as a pipe to `less` or a slow network is: it takes 16 KiB, then the next
 * only a turn of the event loop later. What waits in the stream is what the writer did not hold back.
 */
class SlowReader extends Writable {
  text = '';
  mostWaiting = 0;

  constructor() {
    super({ highWaterMark: 16 * 1024, decodeStrings: false });
  }

  override write(chunk: unknown, ...rest: unknown[]): boolean {
    const accepted = super.write(chunk, ...(rest as [BufferEncoding, () => void]));
    this.mostWaiting = Math.max(this.mostWaiting, this.writableLength);
    return accepted;
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    setImmediate(done);
  }
}

class Collector extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function run(args: readonly string[], stdout: Writable): Promise<number> {
  const { main } = await import('../../src/cli/main.js');
  return main(args, {
    root: repoRoot,
    displayName: 'kubectl-sa',
    streams: { stdin: Readable.from(['']), stdout, stderr: new SlowReader(), env: { ...process.env, NO_COLOR: '1' } },
  });
}

describe('a large answer to a slow reader', () => {
  // The dense shape: 400 ServiceAccounts give over a thousand findings, a few MB of JSON or YAML.
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'kubectl-sa-backpressure-')), 'dense.yaml');
  writeFileSync(
    file,
    generateObjects('dense', 400)
      .map((object) => dump(object))
      .join('---\n'),
  );

  for (const format of ['json', 'yaml', 'table']) {
    it(`is written as the reader takes it, not queued whole (-o ${format})`, async () => {
      const slow = new SlowReader();
      const code = await run(['scan', '-f', file, '-o', format], slow);
      await new Promise<void>((resolve) => slow.end(resolve));
      expect(code).toBe(1);
      expect(slow.text.length).toBeGreaterThan(300_000);
      // Waiting at most a piece (a finding, or a table's 64 KiB), never the whole text.
      expect(slow.mostWaiting).toBeLessThan(100 * 1024);
      // All of it, as a reader that keeps up gets it.
      const fast = new Collector();
      await run(['scan', '-f', file, '-o', format], fast);
      expect(slow.text).toBe(fast.text);
    });
  }
});
