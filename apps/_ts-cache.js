'use strict';
/**
 * What the TypeScript runner (`_ts-register.js`) shares between running files one by one and running an entry's
 * bundle (`_ts-bundle.js`): the cache folder, the transform's identity, esbuild (loaded only on a miss) and
 * compiling JavaScript with V8's code cache.
 *
 * The code cache: the bytecode V8 produced for a script (including the functions it compiled lazily while the
 * process ran) is stored at exit beside its JavaScript, `<hash>.<node version>-<arch>-<flags hash>.v8`, and handed
 * back to V8 on the next run, which then skips parsing and compiling what it covers, as node 22's module compile
 * cache does. V8 checks that a cache belongs to the source and the flags it is given and rejects it otherwise; a
 * rejected or missing cache is rewritten at exit.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const root = path.resolve(__dirname, '..');
const cacheDir = process.env.SCALING_TIERS_TS_CACHE || path.join(root, '.cache', 'ts');
// TypeScript's output for tsconfig.json's target (es2022: class fields with define semantics), as CommonJS.
const TSCONFIG_RAW = { compilerOptions: { target: 'es2022', useDefineForClassFields: true, esModuleInterop: true } };
const OPTIONS = { format: 'cjs', target: 'node20', tsconfigRaw: TSCONFIG_RAW };

const sha1 = (data) => crypto.createHash('sha1').update(data).digest('hex');

let esbuildModule;
/** esbuild, loaded on a miss only (about 20 ms). */
function esbuild() {
  esbuildModule ??= require(require.resolve('esbuild', { paths: [root] }));
  return esbuildModule;
}

let identity;
/** The transform's identity: esbuild's version and the options; part of every cache key. */
function transformIdentity() {
  if (identity === undefined) {
    const { version } = JSON.parse(fs.readFileSync(require.resolve('esbuild/package.json', { paths: [root] }), 'utf8'));
    identity = `esbuild ${version} ${JSON.stringify(OPTIONS)}\n`;
  }
  return identity;
}

/** Writes `data` to `file` through a temporary file renamed into place, so a concurrent run never reads half a file. */
function store(file, data) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/** The file's text, or undefined when there is none. */
function readIfAny(file, encoding) {
  try {
    return fs.readFileSync(file, encoding);
  } catch {
    return undefined;
  }
}

// V8 rejects a cache made under other flags: runs with different flags (a profiler, a heap size) keep their own.
const flags = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
const V8_TAG = `${process.version}-${process.arch}-${sha1(flags).slice(0, 8)}`;
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

/**
 * Runs `code` (CommonJS) as `module`, from `filename`, with the code cache of `key` (the hash its JavaScript is
 * stored under).
 */
function runModule(module, code, filename, key) {
  // A script V8 restores from a code cache loses node's callback for `import()` (node 20 throws "A dynamic import
  // callback was not specified"), so code that may import dynamically (vega's ES modules) is compiled by node.
  if (code.includes('import(')) return module._compile(code, filename);
  const cacheFile = path.join(cacheDir, `${key}.${V8_TAG}.v8`);
  const cachedData = readIfAny(cacheFile);
  // A hashbang is only allowed at the very start of a script: inside the wrapper it becomes a comment (as node does).
  const body = code.startsWith('#!') ? `//${code.slice(2)}` : code;
  const script = new vm.Script(Module.wrap(body), { filename, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) uncached.push({ script, file: cacheFile });
  const wrapper = script.runInThisContext({ displayErrors: true });
  return wrapper.call(module.exports, module.exports, makeRequire(module), module, filename, path.dirname(filename));
}

module.exports = { root, cacheDir, OPTIONS, sha1, esbuild, transformIdentity, store, readIfAny, runModule };
