'use strict';
/**
 * Runs this repository's TypeScript in node without a TypeScript loader's start-up cost: `node -r ./apps/_ts-register.js
 * apps/k8s.ts` (what `npm run synth`, `cdk8s synth` and `cdk synth` run).
 *
 * Each `.ts` file node requires (outside node_modules) is read, hashed (SHA-1 of the transform's version and options
 * and the file's text) and its JavaScript taken from `.cache/ts/<hash>.js`; on a miss esbuild strips the types
 * (`transformSync`, loaded only then) and the result is written there. The key is the file's content, never its
 * time stamp, so a changed `.ts` file always runs as it now reads, and a file changed back hits its old entry.
 * Nothing is type-checked here: `npm test` runs `tsc --noEmit` first.
 *
 * Why not tsx: it costs about 0.5 s per run here (its own loader and esbuild's service start on every run); with a
 * warm cache this costs what reading and hashing the files costs (a few ms for the ~80 files of a synthesis).
 * `test/bench/run.ts` measures both against the module-load floor; `test/apps/ts-register.test.ts` checks that an
 * edited file is picked up.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const cacheDir = process.env.SCALING_TIERS_TS_CACHE || path.join(root, '.cache', 'ts');
// TypeScript's output for tsconfig.json's target (es2022: class fields with define semantics), as CommonJS.
const OPTIONS = { loader: 'ts', format: 'cjs', target: 'node20', tsconfigRaw: { compilerOptions: { target: 'es2022', useDefineForClassFields: true, esModuleInterop: true } } };
let keyPrefix;
let esbuild;

/** The transform's identity: esbuild's version and the options; part of every cache key. */
function prefix() {
  if (keyPrefix === undefined) {
    const { version } = JSON.parse(fs.readFileSync(require.resolve('esbuild/package.json', { paths: [root] }), 'utf8'));
    keyPrefix = `esbuild ${version} ${JSON.stringify(OPTIONS)}\n`;
  }
  return keyPrefix;
}

function javascriptOf(source, filename) {
  const key = crypto.createHash('sha1').update(prefix()).update(source).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    // A miss: transform and store. A temporary file renamed into place, so a concurrent run never reads half a file.
  }
  esbuild ??= require(require.resolve('esbuild', { paths: [root] }));
  const { code } = esbuild.transformSync(source, { ...OPTIONS, sourcefile: filename });
  fs.mkdirSync(cacheDir, { recursive: true });
  const tmp = `${cached}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, code);
  fs.renameSync(tmp, cached);
  return code;
}

Module._extensions['.ts'] = function loadTypeScript(module, filename) {
  if (filename.includes(`${path.sep}node_modules${path.sep}`) || filename.endsWith('.d.ts')) {
    throw new Error(`ts-register: will not run ${filename} (a declaration file, or TypeScript inside node_modules)`);
  }
  module._compile(javascriptOf(fs.readFileSync(filename, 'utf8'), filename), filename);
};
