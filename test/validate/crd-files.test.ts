/**
 * The CRDs in imports/crds that only the validation gate reads carry no descriptions (test/tools/compact-crds.ts):
 * every synthesis loads them. The ones `cdk8s import` reads keep theirs for the bindings' doc comments.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CDK8S_IMPORT_SOURCES, CRDS_DIR, compactCrd, withoutDescriptions } from '../tools/compact-crds';

const files = fs.readdirSync(CRDS_DIR).filter((f) => f.endsWith('.json'));
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(CRDS_DIR, file), 'utf8'));

test.each(files.filter((f) => !CDK8S_IMPORT_SOURCES.includes(f)))('%s holds no description (run test/tools/compact-crds.ts)', (file) => {
  const crd = read(file);
  expect(compactCrd(crd)).toEqual(crd);
});

test("the CRDs kept whole are the ones cdk8s.yaml says `cdk8s import` reads, and they still carry descriptions", () => {
  const cdk8sYaml = fs.readFileSync(path.join(__dirname, '../../cdk8s.yaml'), 'utf8');
  for (const file of CDK8S_IMPORT_SOURCES) {
    expect(cdk8sYaml).toContain(`imports/crds/${file}`);
    expect(JSON.stringify(read(file))).toContain('"description"');
  }
});

test('withoutDescriptions drops the keyword at every schema node and keeps properties named description', () => {
  const schema = {
    description: 'root',
    type: 'object',
    properties: {
      description: { description: 'a field named description', type: 'string' },
      list: { type: 'array', items: { description: 'item', type: 'object', additionalProperties: { description: 'value', type: 'string' } } },
      either: { anyOf: [{ description: 'a', type: 'integer' }, { description: 'b', type: 'string' }] },
    },
  };
  expect(withoutDescriptions(schema)).toEqual({
    type: 'object',
    properties: {
      description: { type: 'string' },
      list: { type: 'array', items: { type: 'object', additionalProperties: { type: 'string' } } },
      either: { anyOf: [{ type: 'integer' }, { type: 'string' }] },
    },
  });
});
