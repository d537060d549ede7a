/**
 * The flags of the commands that read audit logs (`usage`, `role generate --from-audit`, `scan
 * --audit-log`), the parsing of their values, and the progress bar shown while a large log is read.
 */
import { Flags } from '@oclif/core';
import { UsageError } from '../errors/kubectl-sa-error.js';
import type { AuditReadProgress } from '../sources/audit-log/read-audit-logs.js';
import { parseCidr, type Expectations, type ServiceAccountScope } from '../usage/expectations.js';
import { parseServiceAccountRef } from './service-account-ref.js';

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

/** `--expect-user-agent 'my-operator/*'`, `--expect-source-ip shop:cart=10.0.0.0/8,fd00::/8`. */
export function expectationsFrom(flags: {
  readonly 'expect-user-agent'?: string[] | undefined;
  readonly 'expect-source-ip'?: string[] | undefined;
}): Expectations {
  const userAgents = (flags['expect-user-agent'] ?? []).map((value) => {
    const { serviceAccount, rest } = scoped(value, '--expect-user-agent');
    if (rest === '') throw new UsageError(`--expect-user-agent ${JSON.stringify(value)}: empty pattern`);
    return { serviceAccount, pattern: rest };
  });
  const sourceIPs = (flags['expect-source-ip'] ?? []).flatMap((value) => {
    const { serviceAccount, rest } = scoped(value, '--expect-source-ip');
    return rest.split(',').map((cidr) => {
      const trimmed = cidr.trim();
      if (!parseCidr(trimmed))
        throw new UsageError(`--expect-source-ip ${JSON.stringify(value)}: ${JSON.stringify(trimmed)} is not an IP address or CIDR`, {
          hint: 'for example 10.0.0.0/8, 192.168.1.7 or fd00::/8',
        });
      return { serviceAccount, cidr: trimmed };
    });
  });
  return { userAgents, sourceIPs };
}

/** `NS:NAME=VALUE` scopes a value to one ServiceAccount; a value alone applies to all. */
function scoped(value: string, flag: string): { serviceAccount: ServiceAccountScope | undefined; rest: string } {
  const equals = value.indexOf('=');
  const head = equals === -1 ? '' : value.slice(0, equals);
  if (equals === -1 || !/^[^:=/\s]+:[^:=/\s]+$|^system:serviceaccount:[^:]+:[^:]+$/.test(head))
    return { serviceAccount: undefined, rest: value };
  try {
    return { serviceAccount: parseServiceAccountRef(head), rest: value.slice(equals + 1) };
  } catch {
    throw new UsageError(`${flag} ${JSON.stringify(value)}: expected [NAMESPACE:NAME=]VALUE`);
  }
}

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
