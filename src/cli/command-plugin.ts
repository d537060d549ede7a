import { Plugin, type Command, type Interfaces } from '@oclif/core';
import { COMMANDS } from '../commands/index.js';

type CommandId = keyof typeof COMMANDS;

/**
 * What oclif knows of the commands without loading them (their manifest: ids, summaries, flags and args for
 * help), computed by oclif itself from the command classes. The build embeds it in the bundle, so a start loads
 * only the command it runs; run from the sources (tests), it is computed on the spot.
 */
export async function commandManifest(pjson: Interfaces.PJSON, root: string): Promise<Interfaces.Manifest> {
  const classes = Object.fromEntries(await Promise.all(Object.entries(COMMANDS).map(async ([id, load]) => [id, (await load()).default])));
  // oclif's explicit strategy imports the command list from a file; the list is already in memory, so its
  // cache is filled instead (a guard below notices if oclif stops reading it).
  const plugin = new Plugin({ root, pjson, isRoot: true, ignoreManifest: true });
  Object.assign(plugin, { commandCache: classes });
  await plugin.load();
  if (plugin.commandIDs.length !== Object.keys(COMMANDS).length) {
    throw new Error(`oclif loaded ${plugin.commandIDs.length} of ${Object.keys(COMMANDS).length} commands: its explicit strategy changed`);
  }
  return plugin.manifest;
}

/**
 * kubectl-sa's commands as oclif's root plugin: their help metadata from the manifest, each class imported
 * only when oclif runs it (or shows its help). Nothing is read from disk.
 */
export class CommandListPlugin implements Interfaces.Plugin {
  readonly _base = 'kubectl-sa';
  readonly alias: string;
  readonly commandIDs: string[];
  commands: Command.Loadable[];
  readonly commandsDir = undefined;
  readonly hasManifest = true;
  hooks: Interfaces.Plugin['hooks'] = {};
  isRoot = true;
  readonly moduleType = 'module';
  readonly name: string;
  readonly options: Interfaces.Options;
  pjson: Interfaces.PJSON;
  readonly root: string;
  readonly topics: Interfaces.Topic[];
  type = 'core';
  valid = true;
  readonly version: string;

  constructor(pjson: Interfaces.PJSON, root: string, manifest: Interfaces.Manifest) {
    this.pjson = pjson;
    this.root = root;
    this.name = pjson.name;
    this.alias = pjson.name;
    this.version = pjson.version;
    this.options = { root, pjson, isRoot: true };
    this.commandIDs = Object.keys(manifest.commands);
    this.commands = Object.values(manifest.commands)
      .map((cached) => ({
        ...cached,
        pluginAlias: this.alias,
        pluginType: this.type,
        load: () => this.findCommand(cached.id, { must: true }),
      }))
      // By code unit, not localeCompare: the first localeCompare builds ICU's collator, about a fifth of a
      // `version` start (ids are lower-case ASCII, so both orders agree).
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.topics = Object.entries(pjson.oclif.topics ?? {}).map(([name, topic]) => ({ ...topic, name }));
  }

  findCommand(id: string, opts: { must: true }): Promise<Command.Class>;
  findCommand(id: string, opts?: { must: boolean }): Promise<Command.Class> | undefined;
  findCommand(id: string, opts?: { must: boolean }): Promise<Command.Class> | undefined {
    const load = (COMMANDS as Record<string, (typeof COMMANDS)[CommandId] | undefined>)[id];
    if (!load) return opts?.must ? Promise.reject(new Error(`command ${id} not found`)) : undefined;
    return load().then((module) => {
      const command = module.default as Command.Class;
      command.id = id;
      command.plugin = this;
      return command;
    });
  }

  async load(): Promise<void> {}
}
