/** ejs as oclif uses it: `render(template, data)`. */
export interface TemplateEngine {
  render(template: string, data?: object, options?: object): string;
}

/**
 * What oclif gets for `ejs` in the bundle (scripts/lean-oclif.ts). oclif's help passes every summary, description,
 * flag and example through ejs.render, for the few that say `<%= config.bin %>`; ejs compiles each into a new
 * Function (which no code cache holds), about 40 of them for the root help alone. A text with no ejs tag renders as
 * itself, so it is given back as it is, and ejs itself is loaded and asked only for a text with one.
 */
export function tagsOnlyEjs(loadEjs: () => TemplateEngine): TemplateEngine {
  return {
    render(template, data, options) {
      if (typeof template === 'string' && !template.includes('<%') && !template.includes('%>')) return template;
      return loadEjs().render(template, data, options);
    },
  };
}
