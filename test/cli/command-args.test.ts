import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/commands/index.js';
import { repoRoot } from '../helpers/cli.js';

const commandsDir = path.join(repoRoot, 'src', 'commands');

/** Every command file under src/commands/ (not the list itself), with the id its path gives it. */
function commandFiles(folder: string): { id: string; file: string }[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(folder, entry.name);
    if (entry.isDirectory()) return commandFiles(file);
    if (!/\.tsx?$/.test(entry.name) || file === path.join(commandsDir, 'index.ts')) return [];
    return [
      {
        id: path
          .relative(commandsDir, file)
          .replace(/\.tsx?$/, '')
          .split(path.sep)
          .join(':'),
        file,
      },
    ];
  });
}

describe('the explicit command list (src/commands/index.ts)', () => {
  const files = commandFiles(commandsDir);

  it.each(files.map(({ id, file }) => [id, file]))('registers %s under the id its file path gives', async (id, file) => {
    const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
    expect(module.default, `${path.relative(repoRoot, file)} has no default export`).toBeTypeOf('function');
    const load = COMMANDS[id as keyof typeof COMMANDS] as (() => Promise<{ default: unknown }>) | undefined;
    expect(load, `add '${id}' to COMMANDS in src/commands/index.ts`).toBeTypeOf('function');
    expect((await load!()).default, `COMMANDS['${id}'] imports another file`).toBe(module.default);
  });

  it('names no command without a file', () => {
    expect(Object.keys(COMMANDS).sort()).toEqual(files.map(({ id }) => id).sort());
  });
});

/**
 * oclif reads stdin into any positional argument that was not given unless the argument says
 * `ignoreStdin`, which would swallow the manifests `-f -` is meant to read. Every command must opt out.
 */
describe('positional arguments of every command', () => {
  it.each(Object.entries(COMMANDS))('%s never reads stdin into an argument', async (_id, load) => {
    const command = (await load()).default;
    for (const [name, arg] of Object.entries((command.args ?? {}) as Record<string, { ignoreStdin?: boolean }>)) {
      expect(arg.ignoreStdin, `argument ${name}`).toBe(true);
    }
  });
});
