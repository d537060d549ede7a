import { spawn } from 'node:child_process';

/** A clipboard program and the environment it works in. */
interface Copier {
  readonly command: string;
  readonly args: readonly string[];
  readonly applies: (env: NodeJS.ProcessEnv) => boolean;
}

const copiers: readonly Copier[] = [
  { command: 'wl-copy', args: [], applies: (env) => Boolean(env.WAYLAND_DISPLAY) },
  { command: 'xclip', args: ['-selection', 'clipboard'], applies: (env) => Boolean(env.DISPLAY) },
  { command: 'xsel', args: ['--clipboard', '--input'], applies: (env) => Boolean(env.DISPLAY) },
  { command: 'pbcopy', args: [], applies: () => process.platform === 'darwin' },
  { command: 'clip.exe', args: [], applies: (env) => Boolean(env.WSL_DISTRO_NAME) },
];

/**
 * Copies text the way the desktop does (wl-copy, xclip, xsel, pbcopy, clip.exe, whichever applies and
 * exists), else through the terminal with OSC 52, which also works over SSH where the terminal allows it
 * (inside tmux, `set -g set-clipboard on`). Says which way it went, since OSC 52 cannot tell if it worked.
 */
export async function copyToClipboard(
  text: string,
  options: { readonly env: NodeJS.ProcessEnv; readonly terminal: NodeJS.WritableStream },
): Promise<string> {
  for (const copier of copiers) {
    if (!copier.applies(options.env)) continue;
    if (await runCopier(copier, text, options.env)) return `copied to the clipboard with ${copier.command}`;
  }
  const sequence = `\u001b]52;c;${Buffer.from(text).toString('base64')}\u0007`;
  options.terminal.write(options.env.TMUX ? `\u001bPtmux;${sequence.replaceAll('\u001b', '\u001b\u001b')}\u001b\\` : sequence);
  return 'sent to the terminal clipboard (OSC 52): if nothing was copied, your terminal does not allow it';
}

function runCopier(copier: Copier, text: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(copier.command, [...copier.args], { stdio: ['pipe', 'ignore', 'ignore'], env });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
    child.stdin.end(text);
  });
}
