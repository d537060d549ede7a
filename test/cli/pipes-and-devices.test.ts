import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli, runProgram } from '../helpers/cli.js';

// kubectl reads `-f /dev/stdin` and `-f <(helm template …)`: pipes and devices are streams, read under the size limit.
const payments = path.join('examples', 'hardened', 'payments.yaml');

describe('-f with pipes and devices', () => {
  it('-f /dev/stdin reads what is piped in, as -f - does', async () => {
    const input = readFileSync(path.join(repoRoot, payments), 'utf8');
    const [devStdin, dash] = await Promise.all([
      runCli(['inventory', '-f', '/dev/stdin', '-o', 'json'], { input }),
      runCli(['inventory', '-f', '-', '-o', 'json'], { input }),
    ]);
    expect(devStdin.code).toBe(0);
    expect(JSON.parse(devStdin.stdout).items.length).toBeGreaterThan(0);
    expect(devStdin.stdout.replaceAll('/dev/stdin', '<stdin>')).toBe(dash.stdout);
  });

  it('-f <(…) reads a process substitution, named /dev/fd/N', async () => {
    const result = await runProgram('bash', ['-c', `"${process.execPath}" bin/run.js inventory -f <(cat ${payments}) -o json`]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const items = JSON.parse(result.stdout).items as { source: { file: string } }[];
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((item) => /^\/dev\/fd\/\d+$/.test(item.source.file))).toBe(true);
  });

  it('a stream over KUBECTL_SA_MAX_FILE_MB is exit 2, with the hint', async () => {
    const result = await runProgram('bash', [
      '-c',
      `yes 'a: b' | KUBECTL_SA_MAX_FILE_MB=1 "${process.execPath}" bin/run.js inventory -f /dev/stdin`,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: /dev/stdin: too large to read (more than 1.0 MiB, the limit)\n' +
        'hint: split it, or raise the limit in MiB with KUBECTL_SA_MAX_FILE_MB (default 128)\n',
    );
  });
});
