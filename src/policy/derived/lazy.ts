/**
 * A value computed the first time it is read, then kept. Derived documents expose costly parts (RBAC answers,
 * escalation) as enumerable getters over these, so that a scan computes only what its rules read, and
 * serialising a document (tests, `policy test`) still shows every part.
 */
export function lazy<T>(compute: () => T): () => T {
  let done = false;
  let value: T | undefined;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value as T;
  };
}
