import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { allCommands } from '../helpers/commands.js';

// -h is help, as in kubectl: for every command, anywhere on the line, and it is never taken by a flag.
const commands = await allCommands();

describe('-h is --help', () => {
  it.each(commands.map((entry) => [entry.id, entry.command]))('%s has no flag of its own called -h', (_id, command) => {
    const chars = Object.values({ ...(command.baseFlags ?? {}), ...(command.flags ?? {}) }).map((flag) => flag.char);
    expect(chars).not.toContain('h');
  });

  it.each(commands.map((entry) => [entry.id]))('%s -h prints what --help prints', async (id) => {
    const words = id.split(' ');
    const [short, long] = await Promise.all([runCli([...words, '-h']), runCli([...words, '--help'])]);
    expect(long.code).toBe(0);
    expect(long.stdout).toContain('USAGE');
    expect(short).toEqual(long);
  });

  it.each([
    [['-h'], ['--help']],
    [
      ['policy', '-h'],
      ['policy', '--help'],
    ],
    [
      ['who-can', 'get', 'secrets', '-f', 'examples/', '-h'],
      ['who-can', '--help'],
    ],
    [
      ['scan', '-h', '-f', 'examples/'],
      ['scan', '--help'],
    ],
  ])('%j prints what %j prints', async (short, long) => {
    const [shortResult, longResult] = await Promise.all([runCli(short), runCli(long)]);
    expect(longResult.stdout).toContain('USAGE');
    expect(shortResult).toEqual(longResult);
  });
});
