/**
 * Runs in every test file before its tests (jest `setupFiles`): turns off aws-cdk-lib's built-in "CloudFormation
 * Validate" plugin, a WASM engine that costs about 4 s to start in each test file that synthesises an App (jest gives
 * every file its own module registry, so the engine's singleton does not outlive the file) and then checks templates
 * that the unit tests only read. It stays on where it matters: `test/cloud/cloudformation-validate.slow.test.ts`
 * (`npm run test:all`) turns it back on and synthesises the whole cloud app, and `npx cdk synth` (CI) runs it over the
 * real app.
 *
 * The switch is aws-cdk-lib's own (`CDK_VALIDATION=false`, as `cdk synth --no-validation` sets); jest gives each test
 * file its own copy of `process.env`, so this and the test that undoes it affect only their own file.
 */
process.env.CDK_VALIDATION = 'false';
