/**
 * The flags of the commands that read audit logs (`usage`, `role generate --from-audit`, `scan
 * --audit-log`) and the progress bar shown while a large log is read. Their values are parsed by the use
 * commands in run() (src/cli/usage-expectations.ts), never at start.
 */
import { Flags } from '@oclif/core';
import type { AuditReadProgress } from '../sources/audit-log/read-audit-logs.js';

export const auditLogFlag = {
  'audit-log': Flags.string({
    description: 'Kubernetes audit log: a file (JSON lines, plain or gzip), a folder of rotated logs, or - for stdin; repeatable.',
    multiple: true,
    multipleNonGreedy: true,
    helpGroup: 'AUDIT LOG',
  }),
};

export const expectationFlags = {
  'expect-user-agent': Flags.string({
    description:
      'Flag calls whose user agent matches none of these globs (* is any text); NS:NAME=GLOB for one ServiceAccount (replacing the general ones for it); repeatable.',
    multiple: true,
    multipleNonGreedy: true,
    helpGroup: 'AUDIT LOG',
  }),
  'expect-source-ip': Flags.string({
    description:
      'Flag calls from outside these addresses (IP or CIDR, comma-separated); NS:NAME=CIDRS for one ServiceAccount (replacing the general ones for it); repeatable.',
    multiple: true,
    multipleNonGreedy: true,
    helpGroup: 'AUDIT LOG',
  }),
};

/**
 * A one-line progress bar on stderr, only when stderr is a terminal (never in pipes, CI logs or tests):
 * bytes read of the total, percent and events per second, redrawn in place and erased at the end.
 */
export function progressBar(stream: NodeJS.WritableStream & { readonly isTTY?: boolean; readonly columns?: number }): {
  onProgress: ((progress: AuditReadProgress) => void) | undefined;
  done: () => void;
} {
  if (!stream.isTTY) return { onProgress: undefined, done: () => undefined };
  const started = Date.now();
  let drawn = false;
  return {
    onProgress: (progress) => {
      const seconds = Math.max((Date.now() - started) / 1000, 0.001);
      const rate = Math.round(progress.events / seconds).toLocaleString('en-US');
      const total = progress.totalBytes;
      const amount = total ? `${mebibytes(progress.bytesRead)} / ${mebibytes(total)} MiB` : `${mebibytes(progress.bytesRead)} MiB`;
      const width = 24;
      const filled = total ? Math.min(width, Math.round((progress.bytesRead / total) * width)) : 0;
      const bar = total ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.floor((progress.bytesRead / total) * 100)}% ` : '';
      const line = `reading ${progress.file}  ${bar}${amount}  ${progress.events.toLocaleString('en-US')} events, ${rate} events/s`;
      stream.write(`\r\u001b[2K${line.slice(0, (stream.columns || 120) - 1)}`);
      drawn = true;
    },
    done: () => {
      if (drawn) stream.write('\r\u001b[2K');
    },
  };
}

function mebibytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
