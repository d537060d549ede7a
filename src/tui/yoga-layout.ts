/**
 * yoga-layout (Ink's layout engine) for the bundles. Its index loads the WebAssembly with a top-level await,
 * which the standalone binaries' CommonJS program cannot hold; so the build (scripts/build.ts) maps Ink's
 * `import Yoga from 'yoga-layout'` here: the same engine, loaded by loadLayoutEngine() before the TUI renders
 * (run-tui.tsx). Ink reads some constants (EDGE_TOP…) when its modules load, before that: they are served from
 * the enums. Running from the sources, Ink imports yoga-layout itself and this engine is simply unused.
 */
import * as enums from 'yoga-layout/load';
import { loadYoga } from 'yoga-layout/load';

type YogaEngine = Awaited<ReturnType<typeof loadYoga>>;

let engine: YogaEngine | undefined;

export async function loadLayoutEngine(): Promise<void> {
  engine ??= await loadYoga();
}

const upperSnake = (text: string) => text.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

/** The engine's constants: each enum member as ENUM_MEMBER (Edge.Top is EDGE_TOP), as yoga-layout names them. */
export const layoutConstants: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(enums).flatMap(([name, members]) =>
    members !== null && typeof members === 'object'
      ? Object.entries(members as Record<string, unknown>).flatMap(([member, value]) =>
          typeof value === 'number' && Number.isNaN(Number(member)) ? [[`${upperSnake(name)}_${upperSnake(member)}`, value]] : [],
        )
      : [],
  ),
);

const Yoga = new Proxy({} as YogaEngine, {
  get: (_target, key) => {
    if (engine) return Reflect.get(engine, key) as unknown;
    if (typeof key === 'string' && key in layoutConstants) return layoutConstants[key];
    throw new Error(`yoga-layout's ${String(key)} was used before loadLayoutEngine()`);
  },
});

export default Yoga;
export * from 'yoga-layout/load';
