/**
 * The shell scripts the constructs ship are `.sh` files under lib/ (`lib/<component>/scripts/`), read at synthesis
 * and filled in by a small template step, so that each script reads, diffs and lints (shellcheck) as the shell it
 * is. The template syntax is made of things sh and shellcheck read as ordinary words and comments:
 *
 * - `@NAME@` (upper-case letters, digits and `_`, starting with a letter) is replaced by the value `NAME` (a string
 *   or a number, inserted as given: a value is never scanned for placeholders itself). Quoting is the caller's:
 *   a value that sh must read as one word comes already quoted.
 * - A line `. ./PATH # @include` is replaced by the fragment PATH (relative to the including file's folder), every
 *   non-empty line indented as the directive is: the script gets the fragment's text, as if sourced, and sources
 *   nothing at run time. Written as sh's `.`, the include is followed by shellcheck (lib/.shellcheckrc), which then
 *   checks the script with its fragments. A fragment is a file that starts with `# shellcheck shell=sh`: the comment
 *   lines up to its first blank line document it and are not inserted, the rest is. Fragments hold what several
 *   scripts share (a function, a few lines); they may use placeholders and conditions too, filled from the
 *   including script's values.
 * - Lines `# @if NAME`, `# @else` and `# @end` keep the lines between them only when the value `NAME` is `true`
 *   (the lines after `# @else` only when it is `false`); the directive lines are never in the output.
 *
 * Strict both ways, so that a template and its caller cannot drift apart: a placeholder or condition with no value
 * where it is used fails, a value no placeholder or condition of the template (with its fragments) names fails,
 * and so does any other line starting with `# @`. Every script and fragment ends with a newline.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';

/** The values of a template's placeholders (strings, numbers) and conditions (booleans). */
export type ShellTemplateValues = Readonly<Record<string, string | number | boolean | undefined>>;

/**
 * The script `file` (a path under lib/, e.g. `redis/scripts/redis-startup.sh`) with its fragments included and its
 * placeholders and conditions filled from `values`. A script without any template syntax comes back unchanged.
 * Throws an `Error` naming the file and line when the template and the values do not match.
 */
export function shellScript(file: string, values: ShellTemplateValues = {}): string {
  let template = TEMPLATES.get(file);
  if (template === undefined) {
    template = parse(file, (path) => readFileSync(join(libDirectory(), path), 'utf8'), []);
    TEMPLATES.set(file, template);
  }
  return fill(file, template, values);
}

/**
 * {@link shellScript} over any set of files: `read(path)` returns the text of `path` (a `/`-separated path
 * relative to the same root as `file`).
 */
export function expandShellTemplate(file: string, values: ShellTemplateValues, read: (path: string) => string): string {
  return fill(file, parse(file, read, []), values);
}

/**
 * `value` single-quoted for sh, as a script's value usually comes (`NAME=@NAME@`): the values are validated to need no
 * quoting, this is a second fence.
 */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A parsed template line. A text line alternates text and placeholder names: `['X=', 'X', '']` is `X=@X@`. */
type Line =
  | { readonly kind: 'text'; readonly at: string; readonly parts: readonly string[] }
  | { readonly kind: 'include'; readonly indent: string; readonly lines: readonly Line[] }
  | { readonly kind: 'if'; readonly at: string; readonly name: string; readonly then: readonly Line[]; readonly otherwise: readonly Line[] };

interface Template {
  readonly lines: readonly Line[];
  /** Every placeholder and condition name the template and its fragments use. */
  readonly names: Set<string>;
}

const PLACEHOLDER = /@([A-Z][A-Z0-9_]*)@/;
const INCLUDE = /^([ \t]*)\. (\S+) # @include$/;
const DIRECTIVE = /^([ \t]*)# @(\S*)(?: (.*))?$/;
const FRAGMENT_FIRST_LINE = '# shellcheck shell=sh';

/** The scripts under lib/, read and parsed once per process. */
const TEMPLATES = new Map<string, Template>();
let LIB_DIRECTORY: string | undefined;

function parse(file: string, read: (path: string) => string, including: readonly string[]): Template {
  if (including.includes(file)) throw new Error(`${file}: includes itself (${[...including, file].join(' -> ')})`);
  const text = read(file);
  if (!text.endsWith('\n')) throw new Error(`${file}: must end with a newline`);
  let lines = text.slice(0, -1).split('\n');
  let first = 1;
  if (including.length > 0) {
    if (lines[0] !== FRAGMENT_FIRST_LINE) throw new Error(`${file}: an included fragment must start with '${FRAGMENT_FIRST_LINE}'`);
    const blank = lines.indexOf('');
    if (blank < 0 || !lines.slice(0, blank).every((l) => l.startsWith('#'))) {
      throw new Error(`${file}: a fragment starts with comment lines (its documentation), then a blank line, then its text`);
    }
    first = blank + 2;
    lines = lines.slice(blank + 1);
  }
  const names = new Set<string>();
  // The blocks being read: the outermost is the file; each open `# @if` adds one.
  const stack: Array<{ lines: Line[]; open?: { at: string; name: string; then?: Line[] } }> = [{ lines: [] }];
  lines.forEach((line, i) => {
    const at = `${file}:${first + i}`;
    const top = stack[stack.length - 1];
    const include = INCLUDE.exec(line);
    if (include !== null) {
      const fragment = parse(posix.normalize(posix.join(posix.dirname(file), include[2])), read, [...including, file]);
      fragment.names.forEach((n) => names.add(n));
      top.lines.push({ kind: 'include', indent: include[1], lines: fragment.lines });
      return;
    }
    const d = DIRECTIVE.exec(line);
    if (d === null) {
      const parts = line.split(PLACEHOLDER);
      parts.forEach((part, p) => p % 2 === 1 && names.add(part));
      top.lines.push({ kind: 'text', at, parts });
      return;
    }
    const [, , keyword, argument = ''] = d;
    if (keyword === 'if' && /^[A-Z][A-Z0-9_]*$/.test(argument)) {
      names.add(argument);
      stack.push({ lines: [], open: { at, name: argument } });
    } else if (keyword === 'else' && argument === '' && top.open !== undefined && top.open.then === undefined) {
      top.open.then = top.lines;
      top.lines = [];
    } else if (keyword === 'end' && argument === '' && top.open !== undefined) {
      stack.pop();
      const { at: ifAt, name, then } = top.open;
      stack[stack.length - 1].lines.push({ kind: 'if', at: ifAt, name, then: then ?? top.lines, otherwise: then ? top.lines : [] });
    } else {
      throw new Error(`${at}: not a template directive: '${line.trim()}' (# @if NAME, # @else, # @end; an include is '. ./PATH # @include')`);
    }
  });
  const unclosed = stack[stack.length - 1].open;
  if (unclosed !== undefined) throw new Error(`${unclosed.at}: '# @if ${unclosed.name}' has no '# @end'`);
  return { lines: stack[0].lines, names };
}

function fill(file: string, template: Template, values: ShellTemplateValues): string {
  for (const name of Object.keys(values)) {
    if (!template.names.has(name)) throw new Error(`${file}: the value '${name}' is given but the template has no @${name}@ nor '# @if ${name}'`);
  }
  const out: string[] = [];
  render(template.lines, values, '', out);
  return out.join('');
}

function render(lines: readonly Line[], values: ShellTemplateValues, indent: string, out: string[]): void {
  for (const line of lines) {
    if (line.kind === 'include') {
      render(line.lines, values, indent + line.indent, out);
    } else if (line.kind === 'if') {
      const value = values[line.name];
      if (typeof value !== 'boolean') throw new Error(`${line.at}: '# @if ${line.name}' needs a boolean value, got: ${String(value)}`);
      render(value ? line.then : line.otherwise, values, indent, out);
    } else {
      let text = line.parts[0];
      for (let p = 1; p < line.parts.length; p += 2) {
        const value = values[line.parts[p]];
        if (typeof value !== 'string' && typeof value !== 'number') {
          throw new Error(`${line.at}: @${line.parts[p]}@ needs a string or number value, got: ${String(value)}`);
        }
        text += String(value) + line.parts[p + 1];
      }
      out.push(text === '' ? '\n' : `${indent}${text}\n`);
    }
  }
}

/**
 * Where the .sh files are: lib/ in a checkout of this repository (the sources run by jest and `npm run synth`), else
 * build/lib/ (the published package, which holds only build/; the build copies them there). The package finds its
 * own root through its name (Node resolves a package's own name from inside it when package.json has `exports`),
 * which works the same in a file-by-file run, a bundle and the compiled build, where asking the module for its
 * own location would not.
 */
function libDirectory(): string {
  if (LIB_DIRECTORY === undefined) {
    const root = dirname(require.resolve('scaling-tiers/package.json'));
    const source = join(root, 'lib');
    LIB_DIRECTORY = existsSync(join(source, 'core', 'shell.ts')) ? source : join(root, 'build', 'lib');
  }
  return LIB_DIRECTORY;
}
