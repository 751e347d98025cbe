// YAML configuration read with positions, so every error names file:line:column.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar, type Node } from 'yaml';
import type { z } from 'zod';

export interface LocatedError {
  file: string;
  line: number;
  column: number;
  message: string;
}

export const formatPosition = (e: LocatedError): string => `${e.file}:${e.line}:${e.column}`;

export const formatError = (e: LocatedError): string => `${formatPosition(e)}: ${e.message}`;

/** Errors in reading order: by file, line, column. */
export const byPosition = (a: LocatedError, b: LocatedError): number =>
  a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column;

export class YamlFile {
  private readonly lines = new LineCounter();
  readonly doc;
  readonly syntaxErrors: LocatedError[];

  constructor(
    readonly file: string,
    text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, uniqueKeys: true, prettyErrors: false });
    this.syntaxErrors = [...this.doc.errors, ...this.doc.warnings].map((e) => {
      const pos = this.lines.linePos(e.pos[0]);
      return { file, line: pos.line, column: pos.col, message: e.message.split('\n')[0]! };
    });
  }

  /**
   * The error at a path of the document: at the node itself, at its key when `onKey`, or at the
   * deepest existing parent (a missing field is reported where it should have been).
   * `offset` moves into a scalar's text (for errors inside an expression).
   */
  error(path: readonly PropertyKey[], message: string, options: { onKey?: boolean; offset?: number } = {}): LocatedError {
    let node: unknown = this.doc.contents;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        next = pair && (options.onKey && i === path.length - 1 ? pair.key : pair.value);
      } else if (isSeq(node) && typeof seg === 'number') {
        next = node.items[seg];
      }
      if (!next) break;
      node = next;
    }
    let at = (node as Node | null)?.range?.[0] ?? 0;
    if (options.offset !== undefined && isScalar(node)) {
      const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
      at += options.offset + (quoted ? 1 : 0);
    }
    const pos = this.lines.linePos(at);
    return { file: this.file, line: pos.line, column: pos.col, message };
  }

  /** Validate the document with a zod schema; every issue becomes a located error. */
  validate<S extends z.ZodType>(schema: S): { value?: z.output<S>; errors: LocatedError[] } {
    if (this.syntaxErrors.length) return { errors: this.syntaxErrors };
    const parsed = schema.safeParse(this.doc.toJS());
    return parsed.success ? { value: parsed.data, errors: [] } : { errors: this.issues(parsed.error) };
  }

  /** Zod issues of the value found at `base` in this document, as located errors. */
  issues(error: z.ZodError, base: readonly PropertyKey[] = []): LocatedError[] {
    return error.issues.flatMap((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((k) => this.error([...base, ...issue.path, k], `unknown field "${k}"`, { onKey: true }));
      }
      const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
      const message = issue.code === 'invalid_type' && issue.message.endsWith('received undefined') ? 'is required' : issue.message;
      return [this.error([...base, ...issue.path], `${where}${message}`)];
    });
  }
}
