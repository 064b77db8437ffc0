/**
 * A small YAML emitter for synthesised Kubernetes objects that writes, byte for byte, what the `yaml` package's
 * `stringify(value, { keepUndefined: true, lineWidth: 0, version: '1.1', aliasDuplicateObjects: false })` writes —
 * for the subset of values it knows: plain objects and arrays of strings, booleans, null and safe integers, keys
 * that fit on one line, strings without control characters. For anything else it returns `undefined` and the
 * caller uses the `yaml` package itself.
 *
 * Why: `yaml` builds a node tree and runs a general, configurable printer over it. In a short-lived synthesis
 * process (one `npm run synth`, one CI job) that printer runs cold — most of its cost is compiling and optimising
 * code that runs once — and writing the four tiers took about 50 ms, more than building the constructs. This
 * emitter is a few straight loops and takes a fraction of that; `test/chart/manifest-yaml.test.ts` compares it with
 * the `yaml` package on every tier and on strings chosen to hit each quoting rule.
 *
 * Each rule below cites the function of yaml 2.x's `dist/stringify/` it reproduces (lineWidth 0 disables folding,
 * so `foldFlowLines` never changes a line).
 */

/** Thrown (and caught in `emitDocument`) when a value is outside the subset this emitter reproduces exactly. */
const UNSUPPORTED = new Error('outside the subset the manifest YAML emitter reproduces');

// stringifyString: control characters and lone surrogates force a double-quoted, escaped string.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\uD800-\uDFFF]/;
// plainString: what a plain scalar cannot start with, contain or end with.
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
// containsDocumentMarker: a line starting like a directive or a document marker.
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
// The `test` of every default tag of the YAML 1.1 schema other than str (yaml/dist/schema/yaml-1.1 and common):
// a plain scalar matching one of them would read back as a null, bool, number or timestamp, so it is quoted. (The
// merge key `<<` is not among them: the schema only has it with the `merge` option, which cdk8s does not set.)
const NOT_A_STRING = [
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/,
  /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/,
  /^[-+]?0b[0-1_]+$/,
  /^[-+]?0[0-7_]+$/,
  /^[-+]?[0-9][0-9_]*$/,
  /^[-+]?0x[0-9a-fA-F_]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/,
  /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/,
  /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:t|T|[ \t]+)([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}(\.[0-9]+)?)(?:[ \t]*(Z|[-+][012]?[0-9](?::[0-9]{2})?))?)?$/,
];
// blockString: newlines before the end of a block scalar that take the indentation.
const BLOCK_END_NEWLINES = /(^|(?<!\n))\n+(?!\n|$)/g;
const INDENT_STEP = '  ';

/** One-line scalars print the same wherever they stand (no folding), so each distinct string is worked out once. */
const oneLineCache = new Map<string, string>();

/**
 * One YAML document (with its trailing newline) for a plain object, or `undefined` if `value` holds anything this
 * emitter does not reproduce exactly.
 */
export function emitDocument(value: unknown): string | undefined {
  if (!isPlainObject(value)) return undefined; // top-level scalars and sequences: leave them to the yaml package
  try {
    return `${emitMap(value, '')}\n`;
  } catch (e) {
    if (e === UNSUPPORTED) return undefined;
    throw e;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/** stringifyBlockCollection for a map: items at `indent`, the first one without it (the caller places it). */
function emitMap(map: Record<string, unknown>, indent: string): string {
  const keys = Object.keys(map);
  if (keys.length === 0) return '{}';
  const inner = indent + INDENT_STEP;
  let out = '';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const value = map[key];
    if (value === undefined) throw UNSUPPORTED; // keepUndefined writes a null pair; not needed for manifests
    // stringifyPair: an implicit key longer than 1024 characters becomes an explicit `? key` pair.
    if (key.length > 1024 || key.includes('\n')) throw UNSUPPORTED;
    const k = oneLine(key);
    if (i > 0) out += `\n${indent}`;
    out += `${k}:${pairValue(value, inner)}`;
  }
  return out;
}

/** stringifyBlockCollection for a sequence: `- ` items, their continuation lines at `indent` + 2. */
function emitSeq(seq: readonly unknown[], indent: string): string {
  if (seq.length === 0) return '[]';
  const inner = indent + INDENT_STEP;
  let out = '';
  for (let i = 0; i < seq.length; i++) {
    if (i > 0) out += `\n${indent}`;
    out += `- ${emitNode(seq[i], inner)}`;
  }
  return out;
}

/** stringifyPair's value part: ` scalar`, ` []`/` {}`, or a block collection on the next lines. */
function pairValue(value: unknown, indent: string): string {
  if (Array.isArray(value)) return value.length === 0 ? ' []' : `\n${indent}${emitSeq(value, indent)}`;
  if (typeof value === 'object' && value !== null) {
    if (!isPlainObject(value)) throw UNSUPPORTED;
    const keys = Object.keys(value);
    return keys.length === 0 ? ' {}' : `\n${indent}${emitMap(value, indent)}`;
  }
  return ` ${emitScalar(value, indent)}`;
}

/** A sequence item: collections start on the `- ` line. */
function emitNode(value: unknown, indent: string): string {
  if (Array.isArray(value)) return emitSeq(value, indent);
  if (typeof value === 'object' && value !== null) {
    if (!isPlainObject(value)) throw UNSUPPORTED;
    return emitMap(value, indent);
  }
  return emitScalar(value, indent);
}

function emitScalar(value: unknown, indent: string): string {
  switch (typeof value) {
    case 'string':
      return value.includes('\n') ? multiLine(value, indent) : oneLine(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      // stringifyNumber writes JSON.stringify(value) for a finite number; keep to integers, where that is certain.
      if (!Number.isSafeInteger(value) || Object.is(value, -0)) throw UNSUPPORTED;
      return String(value);
    case 'object':
      if (value === null) return 'null';
      throw UNSUPPORTED;
    default:
      throw UNSUPPORTED;
  }
}

/**
 * plainString / quotedString for a string without a newline, as a key or as a value: without a newline and without
 * folding, both print the same at any depth, except a document marker (left to the yaml package).
 */
function oneLine(value: string): string {
  const cached = oneLineCache.get(value);
  if (cached !== undefined) return cached;
  if (CONTROL.test(value)) throw UNSUPPORTED;
  let out: string;
  if (NOT_PLAIN.test(value)) out = quoted(value);
  else if (DOCUMENT_MARKER.test(value)) throw UNSUPPORTED; // plainString quotes it as a first-level key only
  else if (NOT_A_STRING.some((re) => re.test(value))) out = quoted(value);
  else out = value;
  oneLineCache.set(value, out);
  return out;
}

/** quotedString for one line: single quotes when the string has double quotes only, else JSON's double quotes. */
function quoted(value: string): string {
  const hasDouble = value.includes('"');
  const hasSingle = value.includes("'");
  if (hasDouble && !hasSingle) return `'${value}'`;
  return JSON.stringify(value); // doubleQuotedString: no newline and no control character leaves JSON's text as is
}

/** blockString, literal style (lineWidth 0 never folds), for a value with a newline. */
function multiLine(input: string, indent: string): string {
  if (CONTROL.test(input)) throw UNSUPPORTED;
  if (/\n[\t ]+$/.test(input)) throw UNSUPPORTED; // a multi-line quoted string; the yaml package folds those
  let value = input;
  let endStart: number;
  for (endStart = value.length; endStart > 0; --endStart) {
    const ch = value[endStart - 1];
    if (ch !== '\n' && ch !== '\t' && ch !== ' ') break;
  }
  let end = value.substring(endStart);
  const endNlPos = end.indexOf('\n');
  const chomp = endNlPos === -1 ? '-' : value === end || endNlPos !== end.length - 1 ? '+' : '';
  if (end) {
    value = value.slice(0, -end.length);
    if (end[end.length - 1] === '\n') end = end.slice(0, -1);
    end = end.replace(BLOCK_END_NEWLINES, `$&${indent}`);
  }
  let startWithSpace = false;
  let startEnd: number;
  let startNlPos = -1;
  for (startEnd = 0; startEnd < value.length; ++startEnd) {
    const ch = value[startEnd];
    if (ch === ' ') startWithSpace = true;
    else if (ch === '\n') startNlPos = startEnd;
    else break;
  }
  let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
  if (start) {
    value = value.substring(start.length);
    start = start.replace(/\n+/g, `$&${indent}`);
  }
  const header = (startWithSpace ? '2' : '') + chomp; // indent is never empty here: the document is a map
  value = value.replace(/\n+/g, `$&${indent}`);
  return `|${header}\n${indent}${start}${value}${end}`;
}
