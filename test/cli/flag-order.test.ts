import { Parser, type Command } from '@oclif/core';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { harnessLogPath } from '../helpers/audit-fixture.js';
import { allCommands } from '../helpers/commands.js';

/**
 * kubectl takes flags anywhere on the line: `who-can -f dir/ get secrets -n shop` means
 * `who-can get secrets -f dir/ -n shop`. For every command (from the command list, so new ones are covered
 * without being named here) and every flag it has, the flag is moved to each gap between the arguments,
 * all flags are put first, interleaved, reversed, written as --name=value and as -c value, and every
 * arrangement must parse to what the plain `ARGS… FLAGS…` order parses to.
 */

interface FlagDefinition {
  /** The key it is defined under (oclif fills the definition's own `name` only when it parses). */
  readonly name: string;
  readonly char?: string;
  readonly type: 'boolean' | 'option';
  readonly multiple?: boolean;
  readonly multipleNonGreedy?: boolean;
  readonly options?: readonly string[];
  readonly hidden?: boolean;
}

interface ArgDefinition {
  readonly options?: readonly string[];
  readonly multiple?: boolean;
}

type Tokens = readonly string[];

interface Invocation {
  readonly args: Tokens;
  /** One entry per flag occurrence: the tokens that give it (a repeatable flag occurs twice). */
  readonly groups: readonly { readonly flag: FlagDefinition; readonly long: Tokens; readonly equals: Tokens; readonly short?: Tokens }[];
}

function flagsOf(command: Command.Class): FlagDefinition[] {
  const definitions = { ...(command.baseFlags ?? {}), ...(command.flags ?? {}) } as unknown as Record<string, Omit<FlagDefinition, 'name'>>;
  return Object.entries(definitions).map(([name, flag]) => ({ ...flag, name }));
}

async function parse(command: Command.Class, argv: Tokens) {
  const output = await Parser.parse([...argv], {
    flags: command.flags ?? {},
    baseFlags: command.baseFlags ?? {},
    args: command.args ?? {},
    strict: command.strict !== false,
  } as Parameters<typeof Parser.parse>[1]);
  // A repeated flag's values may come in another order when one of them moves; the set is what counts.
  const flags = Object.fromEntries(
    Object.entries(output.flags as Record<string, unknown>).map(([name, value]) => [
      name,
      Array.isArray(value) ? [...value].sort() : value,
    ]),
  );
  return { args: output.args, argv: output.argv, flags };
}

/** A value the flag or argument accepts: one of its options, else a plain word (or a number or duration if it parses them). */
async function sampleValue(
  command: Command.Class,
  options: readonly string[] | undefined,
  fallback: string,
  tryIt: (value: string) => Tokens,
) {
  const candidates = [...(options?.slice(0, 1) ?? []), fallback, '1', '1s'];
  for (const candidate of candidates) {
    try {
      await parse(command, tryIt(candidate));
      return candidate;
    } catch {
      // not a value this one accepts; try the next
    }
  }
  throw new Error(`no sample value parses for ${fallback}: add one to this test`);
}

async function invocationFor(command: Command.Class): Promise<Invocation> {
  const argEntries = Object.entries((command.args ?? {}) as Record<string, ArgDefinition>);
  const args: string[] = [];
  for (const [name, arg] of argEntries) {
    const value = await sampleValue(command, arg.options, `arg-${name}`, (candidate) => [...args, candidate]).catch(() => `arg-${name}`);
    args.push(value);
    if (arg.multiple) args.push(`${value}-2`);
  }
  const groups: Invocation['groups'][number][] = [];
  for (const flag of flagsOf(command)) {
    const occurrences = flag.multiple ? [`${flag.name}-1`, `${flag.name}-2`] : [`v-${flag.name}`];
    for (const fallback of occurrences) {
      if (flag.type === 'boolean') {
        groups.push({ flag, long: [`--${flag.name}`], equals: [`--${flag.name}`], ...(flag.char ? { short: [`-${flag.char}`] } : {}) });
        continue;
      }
      const value = await sampleValue(command, flag.options, fallback, (candidate) => [...args, `--${flag.name}`, candidate]);
      groups.push({
        flag,
        long: [`--${flag.name}`, value],
        equals: [`--${flag.name}=${value}`],
        ...(flag.char ? { short: [`-${flag.char}`, value] } : {}),
      });
    }
  }
  return { args, groups };
}

/** Every arrangement of one invocation, named for the test title. */
function arrangements({ args, groups }: Invocation): [string, Tokens][] {
  const long = groups.map((group) => group.long);
  const insert = (position: number, group: Tokens, rest: Tokens): Tokens => [
    ...args.slice(0, position),
    ...group,
    ...args.slice(position),
    ...rest,
  ];
  const result: [string, Tokens][] = [
    ['all flags first', [...long.flat(), ...args]],
    ['all flags first, reversed', [...[...long].reverse().flat(), ...args]],
    ['flags as --name=value first', [...groups.flatMap((group) => group.equals), ...args]],
    ['short flags first', [...groups.flatMap((group) => group.short ?? group.long), ...args]],
    // Round robin: a flag before each argument, the rest at the end.
    ['interleaved', [...args.flatMap((arg, index) => [...(long[index] ?? []), arg]), ...long.slice(args.length).flat()]],
  ];
  groups.forEach((group, index) => {
    const rest = long.filter((_, other) => other !== index).flat();
    for (let position = 0; position < args.length; position += 1) {
      result.push([`${group.long.join(' ')} before argument ${position + 1}`, insert(position, group.long, rest)]);
      if (group.short) result.push([`${group.short.join(' ')} before argument ${position + 1}`, insert(position, group.short, rest)]);
    }
  });
  return result;
}

const commands = await allCommands();

describe('flags go anywhere on the line', () => {
  it('finds the commands', () => {
    expect(commands.map((entry) => entry.id)).toEqual(expect.arrayContaining(['scan', 'who-can', 'permissions', 'policy list']));
  });

  it.each(commands.map((entry) => [entry.id, entry.command]))('%s: every repeatable flag takes one value per use', (_id, command) => {
    for (const flag of flagsOf(command)) {
      if (flag.multiple) expect(flag.multipleNonGreedy, `--${flag.name} is greedy: it would swallow the arguments after it`).toBe(true);
    }
  });

  describe.each(commands.map((entry) => [entry.id, entry.command] as const))('%s', (_id, command) => {
    it('parses every arrangement of its flags and arguments as ARGS… FLAGS…', async () => {
      const invocation = await invocationFor(command);
      const canonicalTokens = [...invocation.args, ...invocation.groups.flatMap((group) => group.long)];
      const canonical = await parse(command, canonicalTokens);
      // The plain order itself binds every argument and flag to the value given.
      expect(
        Object.values(canonical.args)
          .flat()
          .filter((value) => value !== undefined),
      ).toEqual(invocation.args);
      for (const group of invocation.groups) {
        if (group.flag.type === 'option') expect([canonical.flags[group.flag.name]].flat()).toContain(group.long[1]);
      }
      for (const [name, tokens] of arrangements(invocation)) {
        const parsed = await parse(command, tokens).catch((error: Error) => ({ error: error.message }));
        expect(parsed, `${name}: ${tokens.join(' ')}`).toEqual(canonical);
      }
    });
  });
});

describe('flags anywhere, through the built CLI', () => {
  it.each([
    [
      ['who-can', '-f', 'examples/', 'get', 'secrets', '-n', 'shop'],
      ['who-can', 'get', 'secrets', '-n', 'shop', '-f', 'examples/'],
    ],
    [
      ['permissions', '-f', 'examples/', 'shop:reporting'],
      ['permissions', 'shop:reporting', '-f', 'examples/'],
    ],
    [
      ['scan', '--skip-rule', 'SA001', 'examples/insecure', '-f', 'examples/hardened', '-o', 'json'],
      ['scan', 'examples/insecure', '-f', 'examples/hardened', '-o', 'json', '--skip-rule', 'SA001'],
    ],
    // Before the command's words too, as kubectl takes `kubectl -n shop get pods`.
    [
      ['-n', 'shop', '-f', 'examples/', 'who-can', 'get', 'secrets'],
      ['who-can', 'get', 'secrets', '-n', 'shop', '-f', 'examples/'],
    ],
    [
      ['-o', 'json', 'usage', '--log-only', '--audit-log', harnessLogPath],
      ['usage', '--log-only', '--audit-log', harnessLogPath, '-o', 'json'],
    ],
    // Between a topic and its command: oclif printed the topic's help, exit 0, where a Role was expected.
    [
      ['role', '--sa', 'shop:cart', 'generate', '--from-audit', harnessLogPath],
      ['role', 'generate', '--sa', 'shop:cart', '--from-audit', harnessLogPath],
    ],
    [
      ['--names', '--sa=shop:cart', 'role', '--from-audit', harnessLogPath, 'generate'],
      ['role', 'generate', '--names', '--sa=shop:cart', '--from-audit', harnessLogPath],
    ],
  ])('%j answers as %j', async (moved, plain) => {
    const [movedResult, plainResult] = await Promise.all([runCli(moved), runCli(plain)]);
    expect(plainResult.stdout).not.toBe('');
    expect(movedResult).toEqual(plainResult);
  });

  it('a flag no command before it has is left for oclif to refuse', async () => {
    const result = await runCli(['--no-such-flag', 'usage', '--audit-log', harnessLogPath]);
    expect(result.code).toBe(2);
  });
});
