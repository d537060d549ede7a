import * as oclif from '@oclif/core';
import { describe, expect, it } from 'vitest';
import * as lean from '../../src/cli/oclif-core.js';

// The bundle gets src/cli/oclif-core.ts for '@oclif/core' (scripts/build.ts): it must offer what the package does.
describe('src/cli/oclif-core.ts', () => {
  it("exports what @oclif/core's index does, the same objects, but Constraints and ModuleLoader (not entry points)", () => {
    const names = (module: object) => Object.keys(module).filter((name) => name !== 'default' && name !== '__esModule');
    expect(names(lean).sort()).toEqual(
      names(oclif)
        .filter((name) => name !== 'Constraints' && name !== 'ModuleLoader')
        .sort(),
    );
    expect(lean.Command).toBe(oclif.Command);
    expect(lean.Config).toBe(oclif.Config);
    expect(lean.Flags.string).toBe(oclif.Flags.string);
  });
});
