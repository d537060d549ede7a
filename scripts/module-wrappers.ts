/**
 * esbuild wraps each module it evaluates lazily in `__esm({"src/x.ts"() {…}})` or
 * `__commonJS({"node_modules/…"(exports, module) {…}})`: an object literal whose one method is named after the
 * module's path, for the function's name in stack traces and profiles. V8 gives each object literal with a new
 * property name a new hidden class, added to the transitions of Object's, and the bundle's 1,500 of them, made
 * at every start, cost an eighth of a `version` (callgrind: Runtime_CreateObjectLiteral, Map::CopyAddDescriptor).
 * Named alike, they share one hidden class; the runtime calls the literal's first method whatever its name.
 */
export const MODULE_WRAPPER_KEY = '__module';

const WRAPPER = /\b(__esm|__commonJS)\(\{"(?:[^"\\]|\\.)*"\(/g;

/** The bundle's text with every module wrapper's method named MODULE_WRAPPER_KEY, and how many there were. */
export function moduleWrappersNamedAlike(text: string): { text: string; wrappers: number } {
  let wrappers = 0;
  const renamed = text.replace(WRAPPER, (_, wrap: string) => {
    wrappers++;
    return `${wrap}({${MODULE_WRAPPER_KEY}(`;
  });
  return { text: renamed, wrappers };
}
