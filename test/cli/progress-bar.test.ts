import { describe, expect, it } from 'vitest';
import { progressBar } from '../../src/cli/audit-log-flags.js';

function stream(isTTY: boolean) {
  const written: string[] = [];
  return {
    written,
    target: { isTTY, columns: 200, write: (chunk: string) => written.push(chunk) > 0 } as unknown as NodeJS.WritableStream & {
      isTTY: boolean;
      columns: number;
    },
  };
}

describe('the audit log progress bar', () => {
  it('draws bytes read of the total, percent and events per second on a terminal, redrawn in place, erased at the end', () => {
    const { written, target } = stream(true);
    const bar = progressBar(target);
    bar.onProgress?.({ file: 'audit.log', bytesRead: 512 * 1024 * 1024, totalBytes: 1024 * 1024 * 1024, events: 480_000 });
    bar.done();
    expect(written[0]).toMatch(
      /^\r\u001b\[2Kreading audit\.log {2}\[#{12}\.{12}\] 50% 512\.0 \/ 1024\.0 MiB {2}480,000 events, [\d,]+ events\/s$/,
    );
    expect(written[1]).toBe('\r\u001b[2K');
  });

  it('says nothing when stderr is not a terminal (pipes, CI logs, tests)', () => {
    const { written, target } = stream(false);
    const bar = progressBar(target);
    expect(bar.onProgress).toBeUndefined();
    bar.done();
    expect(written).toEqual([]);
  });
});
