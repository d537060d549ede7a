import type { Command } from '@oclif/core';

/**
 * kubectl takes flags before the command as well as after it (`kubectl -n shop get pods`), so
 * `kubectl sa -n shop usage …` means `kubectl sa usage -n shop …`, and `kubectl sa role --sa shop:cart
 * generate …` means `kubectl sa role generate --sa shop:cart …`. oclif looks for the command in the first
 * words only: it answered the first with "command -n not found" and the second with the topic's help
 * (exit 0, on stdout, where a script expected a Role). The command's words move to the front; every
 * other token keeps its order. A flag is stepped over with its value when the command's own definition
 * says it takes one; a token that is not one of the command's flags leaves the line as it was, for oclif
 * to judge.
 */
export function commandWordsFirst(argv: readonly string[], commands: readonly Command.Loadable[]): string[] {
  if (argv.length === 0 || !argv.some((token) => isFlag(token))) return [...argv];
  const byLength = [...commands].sort((a, b) => b.id.split(':').length - a.id.split(':').length);
  for (const command of byLength) {
    const words = command.id.split(':');
    const positions = wordPositions(argv, words, command);
    if (positions && positions.some((position, index) => position !== index)) {
      return [...words, ...argv.filter((_, index) => !positions.includes(index))];
    }
  }
  return [...argv];
}

/** Where `words` stand in `argv` when only the command's flags (and their values) come before or between them. */
function wordPositions(argv: readonly string[], words: readonly string[], command: Command.Loadable): number[] | undefined {
  const positions: number[] = [];
  let index = 0;
  while (positions.length < words.length && index < argv.length) {
    const token = argv[index] ?? '';
    if (token === '--') return undefined;
    if (isFlag(token)) {
      const takes = takesValue(token, command);
      if (takes === undefined) return undefined;
      index += takes ? 2 : 1;
    } else if (token === words[positions.length]) {
      positions.push(index);
      index++;
    } else {
      return undefined;
    }
  }
  return positions.length === words.length ? positions : undefined;
}

function isFlag(token: string): boolean {
  return token.startsWith('-') && token !== '-';
}

/** Whether the flag takes the next token as its value; undefined when the command has no such flag. */
function takesValue(token: string, command: Command.Loadable): boolean | undefined {
  if (token === '-h' || token === '--help') return false;
  const flags = Object.values(command.flags ?? {});
  if (token.startsWith('--')) {
    const [name = '', value] = token.slice(2).split('=', 2);
    const flag = flags.find((candidate) => candidate.name === name);
    if (!flag) return undefined;
    return flag.type === 'option' && value === undefined;
  }
  const flag = flags.find((candidate) => candidate.char === token[1]);
  if (!flag) return undefined;
  // `-nshop` carries its value.
  return flag.type === 'option' && token.length === 2;
}
