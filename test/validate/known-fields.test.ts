import { types } from 'node:util';
import { CompiledValidator, validateStrictly } from '../../lib/validate/_known-fields';

/**
 * A validator shaped like the compiled ones: it reads every property its schema defines and enumerates the free-form
 * map `labels`. It records whether it was handed proxies (watched) or the object itself (checked from what it learnt).
 */
function schemaLikeValidator(): { validate: CompiledValidator; watched: boolean[] } {
  const watched: boolean[] = [];
  const validate: CompiledValidator = (data: unknown) => {
    watched.push(types.isProxy(data));
    const d = data as Record<string, any>;
    if (typeof d.name !== 'string') {
      validate.errors = [{ instancePath: '/name', schemaPath: '#/properties/name/type', keyword: 'type', params: { type: 'string' } }];
      return false;
    }
    if (d.spec !== undefined) void [d.spec.replicas, d.spec.paused];
    if (d.ports !== undefined) for (const p of d.ports) void [p.port, p.protocol];
    if (d.labels !== undefined) for (const key in d.labels) void d.labels[key];
    validate.errors = null;
    return true;
  };
  return { validate, watched };
}

describe('validateStrictly', () => {
  test('the first object is watched; the fields the validator never reads are unknown, map keys are not', () => {
    const { validate, watched } = schemaLikeValidator();
    const result = validateStrictly(validate, { name: 'a', spec: { replicas: 2, replica: 3 }, labels: { anything: 'x' }, extra: true });
    expect(result).toEqual({ valid: true, unknown: ['/spec/replica', '/extra'] });
    expect(watched).toEqual([true]);
  });

  test('an object whose every object sits at a learnt place is checked without proxies, with the same answer', () => {
    const { validate, watched } = schemaLikeValidator();
    validateStrictly(validate, { name: 'a', spec: { replicas: 2 }, labels: { a: 'b' } });
    const result = validateStrictly(validate, { name: 'b', spec: { paused: true, 'x/y~z': 1 }, labels: { other: 'y' }, status: {} });
    expect(result).toEqual({ valid: true, unknown: ['/spec/x~1y~0z', '/status'] });
    expect(watched).toEqual([true, false]);
  });

  test('an object at a place not learnt yet is watched again, and teaches it', () => {
    const { validate, watched } = schemaLikeValidator();
    validateStrictly(validate, { name: 'a' });
    expect(validateStrictly(validate, { name: 'b', ports: [{ port: 80, protcol: 'TCP' }] })).toEqual({ valid: true, unknown: ['/ports/0/protcol'] });
    expect(validateStrictly(validate, { name: 'c', ports: [{ port: 80 }, { port: 81, targetPort: 8080 }] })).toEqual({ valid: true, unknown: ['/ports/1/targetPort'] });
    expect(watched).toEqual([true, true, false]);
  });

  test('an invalid object gives the validator\'s errors and no unknown fields, watched or not', () => {
    const { validate } = schemaLikeValidator();
    expect(validateStrictly(validate, { name: 1, bogus: 1 })).toEqual({ valid: false, unknown: [] });
    validateStrictly(validate, { name: 'a' });
    expect(validateStrictly(validate, { name: 2, bogus: 1 })).toEqual({ valid: false, unknown: [] });
    expect(validate.errors?.[0].instancePath).toBe('/name');
  });

  test('an object shared between two places is judged at each place (the watched copy is a tree)', () => {
    const { validate } = schemaLikeValidator();
    const shared = { replicas: 1, port: 80 };
    // `shared` is read as spec (replicas, paused) and as a port (port, protocol): each place has one unknown key.
    expect(validateStrictly(validate, { name: 'a', spec: shared, ports: [shared] }).unknown).toEqual(['/spec/port', '/ports/0/replicas']);
  });
});
