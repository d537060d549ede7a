import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

/**
 * oclif reads stdin into any positional argument that was not given unless the argument says
 * `ignoreStdin`, which would swallow the manifests `-f -` is meant to read. Every command must opt out.
 */
function commandFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? commandFiles(path.join(folder, entry.name)) : entry.name.endsWith('.js') ? [path.join(folder, entry.name)] : [],
  );
}

describe('positional arguments of every command', () => {
  const files = commandFiles(path.join(repoRoot, 'dist', 'commands'));

  it('finds the built commands', () => {
    expect(files.length).toBeGreaterThan(8);
  });

  it.each(files.map((file) => [path.relative(repoRoot, file), file]))('%s never reads stdin into an argument', async (_name, file) => {
    const command = (await import(pathToFileURL(file).href)) as { default: { args?: Record<string, { ignoreStdin?: boolean }> } };
    for (const [name, arg] of Object.entries(command.default.args ?? {})) {
      expect(arg.ignoreStdin, `argument ${name}`).toBe(true);
    }
  });
});
