import { describe, expect, it } from 'vitest';
import { runCli, runCliInProcess } from '../helpers/cli.js';

describe('kubectl sa without a terminal', () => {
  it('prints help for no arguments when stdout is not a terminal, as before the TUI', async () => {
    const result = await runCli([]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('COMMANDS');
    expect(result.stdout).toMatch(/\n\s+tui\s+Explore ServiceAccounts interactively/);
  });

  it('refuses tui with a hint when stdout is not a terminal (exit 2), reading nothing', async () => {
    const result = await runCliInProcess(['tui', '-f', 'examples/']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: kubectl sa tui needs a terminal, and stdout is not one\n' +
        'hint: for scripts and pipes use kubectl sa scan (-o json|yaml|sarif|junit|markdown), permissions, who-can or token create\n',
    );
    expect(result.stdout).toBe('');
  });

  it('keeps flags without a command an error off a terminal, as kubectl does', async () => {
    const result = await runCli(['-n', 'shop']);
    expect(result.code).toBe(2);
  });
});
