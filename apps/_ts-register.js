'use strict';
/**
 * Runs this repository's TypeScript in node without a TypeScript loader's start-up cost: `node -r ./apps/_ts-register.js
 * apps/k8s.ts` (what `npm run synth`, `cdk8s synth` and `cdk synth` run). Nothing is type-checked here: `npm test`
 * runs `tsc --noEmit` first.
 *
 * - **The entry file** runs as one bundle of its whole TypeScript graph (`_ts-bundle.js`: esbuild, packages left to
 *   node_modules), checked against every file it was built from on each run, and rebuilt when one changed. Loading
 *   one file instead of about 150 saves most of the library's load time.
 * - **Any other `.ts` file** (an entry that cannot be bundled, a file a bundle does not hold, or every file with
 *   `SCALING_TIERS_TS_BUNDLE=0`, e.g. for stack traces that point into the sources) is read, hashed (SHA-1 of the
 *   transform's identity and the file's text) and its JavaScript taken from `.cache/ts/<hash>.js`; on a miss esbuild
 *   strips the types (`transformSync`) and the result is written there. The key is the file's content, never its time
 *   stamp, so a changed file always runs as it now reads, and a file changed back hits its old entry.
 *
 * Both run their JavaScript with V8's code cache (`_ts-cache.js`).
 *
 * Why not tsx: it costs about 0.5 s per run here (its own loader and esbuild's service start on every run).
 * `test/bench/run.ts` measures both against the module-load floor; `test/apps/ts-register.slow.test.ts` checks that edited,
 * added and removed files are picked up in both modes.
 */
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { cacheDir, OPTIONS, esbuild, readIfAny, runModule, sha1, store, transformIdentity } = require('./_ts-cache');
const { entryBundle } = require('./_ts-bundle');

/** The JavaScript of one TypeScript file, and the hash it is stored under. */
function javascriptOf(source, filename) {
  const key = sha1(transformIdentity() + source);
  const cached = path.join(cacheDir, `${key}.js`);
  const hit = readIfAny(cached, 'utf8');
  if (hit !== undefined) return { key, code: hit };
  const { code } = esbuild().transformSync(source, { ...OPTIONS, loader: 'ts', sourcefile: filename });
  store(cached, code);
  return { key, code };
}

Module._extensions['.ts'] = function loadTypeScript(module, filename) {
  if (filename.includes(`${path.sep}node_modules${path.sep}`) || filename.endsWith('.d.ts')) {
    throw new Error(`ts-register: will not run ${filename} (a declaration file, or TypeScript inside node_modules)`);
  }
  if (module.id === '.' && process.env.SCALING_TIERS_TS_BUNDLE !== '0') {
    const bundle = entryBundle(filename);
    if (bundle) return runModule(module, bundle.code, filename, bundle.key);
  }
  const { key, code } = javascriptOf(fs.readFileSync(filename, 'utf8'), filename);
  return runModule(module, code, filename, key);
};
