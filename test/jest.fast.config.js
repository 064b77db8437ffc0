// `npm test`'s jest configuration: package.json's, less the slow suites (files named `*.slow.test.ts`: real work such
// as child processes, whole-app syntheses, the long property run, generated-file freshness). `npm run test:all` runs
// them too, with package.json's configuration, as does a plain `npx jest [path]`.
const base = require('../package.json').jest;

module.exports = { ...base, rootDir: '..', testPathIgnorePatterns: [...base.testPathIgnorePatterns, '\\.slow\\.test\\.ts$'] };
