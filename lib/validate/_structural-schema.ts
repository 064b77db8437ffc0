import type { ErrorObject } from 'ajv';
import type { CompiledValidator } from './_known-fields';
import type { JsonSchema } from './crd-types';

/**
 * A validator for a CRD's structural schema that walks the object against the schema instead of compiling it, for
 * large CRDs (Argo CD's Application schema is 360 KiB: ajv takes about 0.6 s to compile it, and its precompiled code,
 * 1.4 MB, about 0.2 s to load and run once — more than a whole synthesis). Walking costs what the object's own
 * fields cost.
 *
 * It gives ajv's verdict, with ajv's error keywords and instance paths (options `allErrors`, `validateFormats: false`,
 * as the gate compiles CRDs), for the keywords a structural schema uses: type, properties, additionalProperties,
 * items, required, enum, anyOf, pattern, minLength, maxLength, minimum, maximum, and the Kubernetes extensions
 * (`x-kubernetes-int-or-string`, `x-kubernetes-preserve-unknown-fields`); `format`, `default`, `description` and
 * `x-kubernetes-validations` do not constrain, as with ajv. `test/validate/structural-schema.slow.test.ts` compares
 * verdicts and errors with ajv's.
 *
 * The keywords are checked where the walk goes, not over the whole schema first: a verdict depends only on the
 * schema nodes the object reaches, and checking all of a large CRD (the Pooler's and the Cluster's hold a whole pod
 * template) cost more than walking the tiers' objects. The first node the walk reaches with any other keyword hands
 * this and every later object to `fallback(schema)` (the gate compiles the schema with ajv).
 */
export function structuralValidator(schema: JsonSchema, fallback: (schema: JsonSchema) => CompiledValidator): CompiledValidator {
  let delegate: CompiledValidator | undefined;
  const validate: CompiledValidator = (data: unknown) => {
    if (!delegate) {
      const errors: ErrorObject[] = [];
      try {
        check(data, schema, '', '#', errors);
        validate.errors = errors.length > 0 ? errors : null;
        return errors.length === 0;
      } catch (e) {
        if (e !== UNSUPPORTED) throw e;
        delegate = fallback(schema);
      }
    }
    const valid = delegate(data);
    validate.errors = delegate.errors;
    return valid;
  };
  return validate;
}

/** Whether the walker supports every node of `schema` (so that it never hands an object to the fallback). */
export function isStructural(schema: unknown): boolean {
  if (!isSupportedNode(schema)) return false;
  const node = schema as JsonSchema;
  const children = [
    ...Object.values(node.properties ?? {}),
    ...(typeof node.items === 'object' ? [node.items] : []),
    ...(typeof node.additionalProperties === 'object' ? [node.additionalProperties] : []),
    ...((node.anyOf as unknown[] | undefined) ?? []),
  ];
  return children.every(isStructural);
}

const CONSTRAINTS = new Set(['type', 'properties', 'additionalProperties', 'items', 'required', 'enum', 'anyOf', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum']);
const NO_CONSTRAINT = new Set(['description', 'format', 'default', 'x-kubernetes-validations', 'x-kubernetes-int-or-string', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type', 'nullable', 'title', 'example']);
/** Thrown by the walk at a node with a keyword it does not support. */
const UNSUPPORTED = new Error('unsupported schema keyword');
const supportedNodes = new WeakMap<object, boolean>();

/** Whether one schema node (not its children) uses only keywords the walker supports; remembered per node. */
function isSupportedNode(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return false;
  let supported = supportedNodes.get(schema);
  if (supported === undefined) {
    supported = Object.keys(schema).every((keyword) => NO_CONSTRAINT.has(keyword) || CONSTRAINTS.has(keyword));
    supportedNodes.set(schema, supported);
  }
  return supported;
}

const patterns = new Map<string, RegExp>();

function typeOk(data: unknown, type: string): boolean {
  switch (type) {
    case 'object': return typeof data === 'object' && data !== null && !Array.isArray(data);
    case 'array': return Array.isArray(data);
    case 'string': return typeof data === 'string';
    case 'integer': return typeof data === 'number' && Number.isInteger(data);
    case 'number': return typeof data === 'number' && Number.isFinite(data);
    case 'boolean': return typeof data === 'boolean';
    case 'null': return data === null;
    default: return false;
  }
}

const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Checks `data` against `schema` as ajv does with allErrors: every keyword, each applying to the data's own type. */
function check(data: unknown, schema: JsonSchema, path: string, schemaPath: string, errors: ErrorObject[]): void {
  if (!isSupportedNode(schema)) throw UNSUPPORTED;
  const err = (keyword: string, params: Record<string, unknown>, message: string) =>
    errors.push({ instancePath: path, schemaPath: `${schemaPath}/${keyword}`, keyword, params, message });
  if (typeof schema.type === 'string' && !typeOk(data, schema.type)) {
    err('type', { type: schema.type }, `must be ${schema.type}`);
  }
  if (Array.isArray(schema.anyOf)) {
    const before = errors.length;
    const alternatives = schema.anyOf as JsonSchema[];
    const passed = alternatives.some((alt, i) => {
      const own: ErrorObject[] = [];
      check(data, alt, path, `${schemaPath}/anyOf/${i}`, own);
      errors.push(...own);
      return own.length === 0;
    });
    if (passed) errors.length = before;
    else err('anyOf', {}, 'must match a schema in anyOf');
  }
  if (typeof data === 'string') {
    if (typeof schema.maxLength === 'number' && [...data].length > schema.maxLength) err('maxLength', { limit: schema.maxLength }, `must NOT have more than ${schema.maxLength} characters`);
    if (typeof schema.minLength === 'number' && [...data].length < schema.minLength) err('minLength', { limit: schema.minLength }, `must NOT have fewer than ${schema.minLength} characters`);
    if (typeof schema.pattern === 'string') {
      let re = patterns.get(schema.pattern);
      if (!re) patterns.set(schema.pattern, (re = new RegExp(schema.pattern, 'u')));
      if (!re.test(data)) err('pattern', { pattern: schema.pattern }, `must match pattern "${schema.pattern}"`);
    }
  }
  if (typeof data === 'number') {
    if (typeof schema.maximum === 'number' && data > schema.maximum) err('maximum', { comparison: '<=', limit: schema.maximum }, `must be <= ${schema.maximum}`);
    if (typeof schema.minimum === 'number' && data < schema.minimum) err('minimum', { comparison: '>=', limit: schema.minimum }, `must be >= ${schema.minimum}`);
  }
  if (Array.isArray(data) && typeof schema.items === 'object') {
    // Every index, holes included (as ajv does; forEach would skip them).
    for (let i = 0; i < data.length; i++) check(data[i], schema.items, `${path}/${i}`, `${schemaPath}/items`, errors);
  }
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    const record = data as Record<string, unknown>;
    for (const name of (schema.required as string[] | undefined) ?? []) {
      if (record[name] === undefined) err('required', { missingProperty: name }, `must have required property '${name}'`);
    }
    const properties = schema.properties ?? {};
    for (const [key, value] of Object.entries(record)) {
      const sub = Object.prototype.hasOwnProperty.call(properties, key) ? properties[key] : undefined;
      if (sub) check(value, sub, `${path}/${escape(key)}`, `${schemaPath}/properties/${escape(key)}`, errors);
      else if (schema.additionalProperties === false) err('additionalProperties', { additionalProperty: key }, 'must NOT have additional properties');
      else if (typeof schema.additionalProperties === 'object') check(value, schema.additionalProperties, `${path}/${escape(key)}`, `${schemaPath}/additionalProperties`, errors);
    }
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((v) => v === data)) err('enum', { allowedValues: schema.enum }, 'must be equal to one of the allowed values');
}
