import { toJsonPieces, toYamlPieces } from './serialize.js';

/** Every -o value any command knows; each command offers the subset its printer set renders. */
export type OutputFormat = 'table' | 'json' | 'yaml' | 'sarif' | 'junit' | 'markdown';

/** What a printer may need beyond the value, all decided by the view: like kubectl's PrintFlags. */
export interface PrintContext {
  /** ANSI colour in tables (a terminal, no NO_COLOR). */
  readonly colour: boolean;
  /** kubectl's --no-headers for tables. */
  readonly noHeaders: boolean;
  /** The kubectl-sa version, for formats that name their tool (SARIF). */
  readonly toolVersion: string;
  /** Where relative paths start (SARIF artifact URIs). */
  readonly cwd: string;
  /** A printer that must leave something out says so here (the view writes it to stderr). */
  readonly warn: (message: string) => void;
}

/**
 * A printer's text: one string, or pieces of it in order, for an output too large to hold whole beside the
 * data it is made from (the table of a 200,000-finding scan is 85 MiB); the view writes each piece as it comes.
 */
export type Printed = string | Iterable<string>;

export type Render<T> = (value: T, context: PrintContext) => Printed;

export interface PrinterSpec<T> {
  /** What -o json and -o yaml print: the documented report shape (docs/output-formats.md). */
  readonly document: (value: T) => unknown;
  /** The human-readable default. */
  readonly table: Render<T>;
  readonly sarif?: Render<T>;
  readonly junit?: Render<T>;
  readonly markdown?: Render<T>;
}

/** A result kind's printers; `formats` is what its command's -o accepts, the default first. */
export interface Printers<T> {
  readonly formats: readonly [OutputFormat, ...OutputFormat[]];
  /** The whole text. */
  print(value: T, format: string, context: PrintContext): string;
  /** The same text piece by piece, for the view to write as the reader takes it (printers without it are printed whole). */
  pieces?(value: T, format: string, context: PrintContext): Iterable<string>;
}

/**
 * The one place where -o becomes a printer (kubectl's PrintFlags.ToPrinter): json and yaml serialise the
 * result's document for every kind alike, the table and the report formats are the kind's own. Commands
 * hand their result to `print` and never switch on formats themselves.
 */
export function definePrinters<T>(spec: PrinterSpec<T>): Printers<T> {
  const extra = (['sarif', 'junit', 'markdown'] as const).filter((format) => spec[format] !== undefined);
  const formats: [OutputFormat, ...OutputFormat[]] = ['table', 'json', 'yaml', ...extra];
  const printed = (value: T, format: string, context: PrintContext): Printed => {
    switch (format) {
      case 'json':
        return toJsonPieces(spec.document(value));
      case 'yaml':
        return toYamlPieces(spec.document(value));
      case 'table':
        return spec.table(value, context);
      default: {
        const render = spec[format as 'sarif' | 'junit' | 'markdown'];
        if (!render) throw new Error(`no ${format} printer for this result (offered: ${formats.join(', ')})`);
        return render(value, context);
      }
    }
  };
  return {
    formats,
    print(value, format, context) {
      const text = printed(value, format, context);
      return typeof text === 'string' ? text : [...text].join('');
    },
    pieces(value, format, context) {
      const text = printed(value, format, context);
      return typeof text === 'string' ? [text] : text;
    },
  };
}
