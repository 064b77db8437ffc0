import Ajv from 'ajv';
import { isStructural, structuralValidator } from '../../lib/validate/_structural-schema';

describe('a schema with a keyword the walker does not know', () => {
  const schema = { type: 'object', properties: { a: { type: 'string', oneOf: [{ minLength: 2 }] }, b: { type: 'integer' } } };
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

  test('is not structural', () => {
    expect(isStructural(schema)).toBe(false);
    expect(isStructural(schema.properties.b)).toBe(true);
  });

  test('is walked until an object reaches that keyword; from then on the fallback (ajv) decides', () => {
    const fallbacks: unknown[] = [];
    const validate = structuralValidator(schema, (s) => {
      fallbacks.push(s);
      return ajv.compile(s);
    });
    // Objects that never reach the unknown keyword: walked.
    expect(validate({ b: 1 })).toBe(true);
    expect(validate({ b: 'x' })).toBe(false);
    expect(validate.errors?.map((e) => `${e.instancePath} ${e.keyword}`)).toEqual(['/b type']);
    expect(fallbacks).toEqual([]);
    // The first to reach it goes to the fallback, with ajv's verdict and errors.
    expect(validate({ a: 'x', b: 1 })).toBe(false);
    expect(validate.errors?.map((e) => `${e.instancePath} ${e.keyword}`)).toEqual(['/a minLength', '/a oneOf']);
    expect(fallbacks).toEqual([schema]);
    expect(validate({ a: 'xy' })).toBe(true);
    expect(validate.errors).toBeNull();
    expect(fallbacks).toHaveLength(1);
  });
});
