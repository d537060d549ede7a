import { RE2JS } from 're2js';

/**
 * ajv's hook for pattern and patternProperties. Packs are untrusted input, so their regexes run on RE2
 * (linear time, no backreferences or lookaround) instead of V8's backtracking engine: a hostile
 * `(a+)+$` cannot stall a scan. RE2 syntax errors surface as schema compile errors.
 */
export function re2RegExp(pattern: string): { test: (input: string) => boolean; toString: () => string } {
  const compiled = RE2JS.compile(pattern);
  // RE2JS runs in JavaScript, about a microsecond a test; rules test the same few strings over and over (a
  // `patternProperties` over each ServiceAccount's fact ids: 50,000 tests of a dozen keys in a dense 10k scan).
  // Answers to short strings are remembered, up to a bound, so a file of distinct values cannot grow it without end.
  const answers = new Map<string, boolean>();
  const test = (input: string): boolean => {
    const known = answers.get(input);
    if (known !== undefined) return known;
    const answer = compiled.test(input);
    if (input.length <= rememberedLength && answers.size < rememberedAnswers) answers.set(input, answer);
    return answer;
  };
  // ajv caches compiled patterns under `String(regExp)`: without a distinct toString every pattern of a
  // schema would share the first one's matcher.
  return { test, toString: () => `/${pattern}/` };
}

const rememberedLength = 256;
const rememberedAnswers = 4096;
/**
 * What ajv's standalone code calls instead (`func0(pattern, "u")`): a placeholder module the validator
 * generator (scripts/validators-module.ts) replaces with a static import of this file.
 */
re2RegExp.code = 'require("#re2-regexp").re2RegExp';

/** Whether RE2 accepts a pattern. */
export function re2Compiles(pattern: string): boolean {
  try {
    RE2JS.compile(pattern);
    return true;
  } catch {
    return false;
  }
}
