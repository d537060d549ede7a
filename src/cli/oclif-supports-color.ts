/** supports-color's answers as oclif reads them: a colour level, or false. */
export interface ColourSupport {
  readonly stdout: unknown;
  readonly stderr: unknown;
}

/**
 * What oclif gets for `supports-color` in the bundle (scripts/lean-oclif.ts). oclif's help asks it whether to
 * colour (its section headers are bold), and loading it loads Node's tty, and with it net and the socket machinery:
 * about 9 M instructions of a `--help` whose output goes to a file or a pipe. supports-color answers "no colour"
 * for a stream that is not a terminal unless FORCE_COLOR, a --color flag or Azure Pipelines (TF_BUILD and
 * AGENT_NAME) says otherwise; in that case the answer is given here, and in every other case supports-color
 * itself is loaded and asked.
 */
export function colourOffTerminal(
  loadSupportsColor: () => ColourSupport,
  streams: { readonly stdout: { readonly isTTY?: boolean }; readonly stderr: { readonly isTTY?: boolean } } = process,
  env: NodeJS.ProcessEnv = process.env,
  argv: readonly string[] = process.argv,
): ColourSupport {
  const plainlyNot = (stream: { readonly isTTY?: boolean }) =>
    !stream.isTTY && !('FORCE_COLOR' in env) && !('TF_BUILD' in env && 'AGENT_NAME' in env) && !argv.some((arg) => arg.includes('color'));
  return {
    get stdout() {
      return plainlyNot(streams.stdout) ? false : loadSupportsColor().stdout;
    },
    get stderr() {
      return plainlyNot(streams.stderr) ? false : loadSupportsColor().stderr;
    },
  };
}
