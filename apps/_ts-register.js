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
 *
 * The JavaScript is compiled with V8's code cache, as node 22's module compile cache does for every module: the
 * bytecode V8 produced for a file (including the functions it compiled lazily while the process ran) is stored at
 * exit beside its JavaScript, `<hash>.<node version>-<arch>-<flags hash>.v8`, and handed back to V8 on the next run, which skips
 * parsing and compiling what it covers. V8 checks that the cache belongs to the source and the flags it is given and
 * rejects it otherwise; a rejected or missing cache is rewritten at exit. The library's own code is about 2 MB of
 * JavaScript (a third of it the precompiled Kubernetes schema validators), and compiling it was about a tenth of a
 * synthesis.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

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

/** Writes `data` to `file` through a temporary file renamed into place, so a concurrent run never reads half a file. */
function store(file, data) {
  fs.mkdirSync(cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/** The cache key of a source file and its JavaScript. */
function javascriptOf(source, filename) {
  const key = crypto.createHash('sha1').update(prefix()).update(source).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  try {
    return { key, code: fs.readFileSync(cached, 'utf8') };
  } catch {
    // A miss: transform and store.
  }
  esbuild ??= require(require.resolve('esbuild', { paths: [root] }));
  const { code } = esbuild.transformSync(source, { ...OPTIONS, sourcefile: filename });
  store(cached, code);
  return { key, code };
}

// V8 rejects a cache made under other flags: runs with different flags (a profiler, a heap size) keep their own.
const flags = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
const V8_TAG = `${process.version}-${process.arch}-${crypto.createHash('sha1').update(flags).digest('hex').slice(0, 8)}`;
/** Scripts whose code cache was missing or rejected: their cache is written at exit, when it covers the most. */
const uncached = [];
process.once('exit', () => {
  for (const { script, file } of uncached) {
    try {
      store(file, script.createCachedData());
    } catch {
      // A cache that cannot be written (a read-only checkout) only costs the next run its compile time.
    }
  }
});

/** `require` for a module, as node makes it (resolve, resolve.paths, main, extensions, cache). */
function makeRequire(module) {
  const require = (id) => module.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, module, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, module);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

Module._extensions['.ts'] = function loadTypeScript(module, filename) {
  if (filename.includes(`${path.sep}node_modules${path.sep}`) || filename.endsWith('.d.ts')) {
    throw new Error(`ts-register: will not run ${filename} (a declaration file, or TypeScript inside node_modules)`);
  }
  const { key, code } = javascriptOf(fs.readFileSync(filename, 'utf8'), filename);
  // A script V8 restores from a code cache loses node's callback for `import()` (node 20 throws "A dynamic import
  // callback was not specified"), so a file that may import dynamically (vega's ES modules) is compiled by node.
  if (code.includes('import(')) return module._compile(code, filename);
  const cacheFile = path.join(cacheDir, `${key}.${V8_TAG}.v8`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // No code cache yet.
  }
  // A hashbang is only allowed at the very start of a script: inside the wrapper it becomes a comment (as node does).
  const body = code.startsWith('#!') ? `//${code.slice(2)}` : code;
  const script = new vm.Script(Module.wrap(body), { filename, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) uncached.push({ script, file: cacheFile });
  const wrapper = script.runInThisContext({ displayErrors: true });
  wrapper.call(module.exports, module.exports, makeRequire(module), module, filename, path.dirname(filename));
};
