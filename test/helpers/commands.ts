import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from '@oclif/core';
import { repoRoot } from './cli.js';

const commandsDir = path.join(repoRoot, 'src', 'commands');

export interface CommandEntry {
  /** As typed after `kubectl sa`: `who-can`, `policy list`. */
  readonly id: string;
  readonly command: Command.Class;
}

function commandFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(folder, entry.name);
    if (entry.isDirectory()) return commandFiles(file);
    return /\.tsx?$/.test(entry.name) && !/\.d\.ts$/.test(entry.name) ? [file] : [];
  });
}

/**
 * Every command of the CLI, from its source files (a file's path under src/commands is its id), so a test
 * over this list covers a new command without being told about it. Modules without a default export (a
 * list of commands, say) are not commands.
 */
export async function allCommands(): Promise<CommandEntry[]> {
  const entries: CommandEntry[] = [];
  for (const file of commandFiles(commandsDir).sort()) {
    const module = (await import(pathToFileURL(file).href)) as { default?: Command.Class };
    if (typeof module.default !== 'function') continue;
    const id = path
      .relative(commandsDir, file)
      .replace(/\.tsx?$/, '')
      .split(path.sep)
      .join(' ');
    entries.push({ id, command: module.default });
  }
  return entries;
}
