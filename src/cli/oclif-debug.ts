/** A `debug` logger: called with a format and arguments, it writes them to stderr when its namespace is enabled. */
export interface DebugLogger {
  (formatter: unknown, ...args: unknown[]): void;
  readonly namespace: string;
  enabled: boolean;
  extend(namespace: string, delimiter?: string): DebugLogger;
}
/** The `debug` package's main export as oclif's logger uses it: a factory of loggers by namespace. */
export type DebugFactory = (namespace: string) => DebugLogger;

/**
 * What oclif's logger gets for the `debug` package in the bundle (scripts/lean-oclif.ts). Loading `debug` loads
 * Node's tty (and with it net and the stream machinery) and probes the terminal's colours: a tenth of a `version`
 * start, for output that appears only when DEBUG names what to log. The package reads DEBUG once, when it loads,
 * and enables nothing when it is unset or empty; so with DEBUG unset or empty, every logger is one that writes
 * nothing, and otherwise the package itself is loaded and answers, as it would have.
 */
export function quietDebug(loadDebug: () => DebugFactory, env: NodeJS.ProcessEnv = process.env): DebugFactory {
  if (env.DEBUG) return loadDebug();
  return silentLogger;
}

function silentLogger(namespace: string): DebugLogger {
  const logger = Object.assign((): void => undefined, {
    namespace,
    enabled: false,
    extend: (child: string, delimiter = ':') => silentLogger(`${namespace}${delimiter}${child}`),
  });
  return logger;
}
