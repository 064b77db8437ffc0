'use strict';
/**
 * An entry file's whole TypeScript graph as one CommonJS bundle (esbuild `buildSync`; packages stay `require()`s that
 * node resolves from the entry's folder), so that a run loads one file instead of about 150.
 *
 * A manifest per entry (`.cache/ts/entry-<hash>.json`) lists every file the bundle was built from and every folder
 * holding one, with its stat (inode, size, modification and change times) and the SHA-1 of its text. A run checks
 * each: an equal stat means an unchanged file, because the change time moves on every write and cannot be set back
 * (utimes sets it too); a different stat means hashing the file, and a different text means rebuilding. A folder's
 * times move when a file is added to or removed from it, which is how a new file that an import would now resolve
 * to (a `x.ts` beside a `x/index.ts`) is noticed. A file changed less than `RACY_MS` before a build may have been
 * read by esbuild before or after the change, so it is recorded as unknown and the next run rebuilds (git's "racy
 * clean" rule, for the same reason).
 *
 * An entry cannot be bundled when another file of its graph asks where it is (`__dirname`, `__filename`,
 * `require.main`, `import.meta`): in a bundle the answer would be the entry's. The manifest then says so, and the
 * register runs the entry's files one by one.
 */
const fs = require('node:fs');
const path = require('node:path');
const { cacheDir, OPTIONS, esbuild, readIfAny, root, sha1, store, transformIdentity } = require('./_ts-cache');

const RACY_MS = 1000;
const STALE_DAYS = 30;
const FILE_SCOPED = /\b(?:__dirname|__filename|require\.main|import\.meta)\b/;
const MANIFEST_VERSION = 2;

const statOf = (st) => `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;

/**
 * The bundle of the entry `filename`: `{ key, code }` (its JavaScript and the hash it is stored under), or
 * undefined when the entry is not bundled (see above) or esbuild cannot bundle it (the register's file-by-file
 * mode then reports what node or esbuild reports for the failing file).
 */
function entryBundle(filename) {
  const manifestFile = path.join(cacheDir, `entry-${sha1(`${transformIdentity()}${filename}`)}.json`);
  const manifest = parse(readIfAny(manifestFile, 'utf8'));
  if (manifest && isUpToDate(manifest, manifestFile)) {
    if (manifest.bundle === null) return undefined;
    const code = readIfAny(path.join(cacheDir, `${manifest.bundle}.js`), 'utf8');
    if (code !== undefined) return { key: manifest.bundle, code };
  }
  const built = build(filename, manifestFile);
  prune(manifest?.bundle !== built?.key ? manifest?.bundle : undefined);
  return built;
}

/**
 * Keeps the cache from growing without bound, when a bundle was just built (rare, and slow anyway): removes the
 * entry's previous bundle with its code caches, and every cache file not written for `STALE_DAYS` (one still in use
 * is made again on its next use).
 */
function prune(previousBundle) {
  const staleBefore = Date.now() - STALE_DAYS * 86_400_000;
  let files;
  try {
    files = fs.readdirSync(cacheDir);
  } catch {
    return;
  }
  for (const file of files) {
    const full = path.join(cacheDir, file);
    try {
      if ((previousBundle && file.startsWith(`${previousBundle}.`)) || fs.statSync(full).mtimeMs < staleBefore) fs.rmSync(full, { force: true });
    } catch {
      // removed by a concurrent run
    }
  }
}

function parse(text) {
  try {
    const manifest = text === undefined ? undefined : JSON.parse(text);
    return manifest?.version === MANIFEST_VERSION ? manifest : undefined;
  } catch {
    return undefined; // a damaged manifest is rebuilt
  }
}

/** Whether every recorded file and folder is as it was; records new stats of files whose text is unchanged. */
function isUpToDate(manifest, manifestFile) {
  let restated = false;
  for (const input of manifest.inputs) {
    let st;
    try {
      st = fs.statSync(input.path);
    } catch {
      return false;
    }
    if (input.stat !== null && input.stat === statOf(st)) continue;
    if (input.sha1 === null || !st.isFile()) return false;
    const text = readIfAny(input.path);
    if (text === undefined || sha1(text) !== input.sha1) return false;
    // Touched or checked out again with the same text: remember the new stat once it can no longer be racy.
    if (st.ctimeMs < Date.now() - RACY_MS) {
      input.stat = statOf(st);
      restated = true;
    }
  }
  if (restated) store(manifestFile, JSON.stringify(manifest));
  return true;
}

function build(filename, manifestFile) {
  const buildStart = Date.now();
  let result;
  try {
    result = esbuild().buildSync({
      ...OPTIONS,
      entryPoints: [filename],
      absWorkingDir: root,
      bundle: true,
      packages: 'external',
      platform: 'node',
      write: false,
      metafile: true,
      outfile: path.join(cacheDir, 'bundle.js'),
      // A third less to read and scan on every run (names are kept); line numbers point into the bundle anyway.
      minifyWhitespace: true,
      logLevel: 'silent',
    });
  } catch {
    return undefined;
  }
  const files = Object.keys(result.metafile.inputs).map((f) => path.resolve(root, f));
  const folders = [...new Set(files.map((f) => path.dirname(f)))];
  const inputs = [];
  let bundleable = true;
  for (const file of [...files, ...folders]) {
    let st;
    try {
      st = fs.statSync(file);
    } catch {
      return undefined; // removed while bundling: run file by file
    }
    const text = st.isFile() ? fs.readFileSync(file) : undefined;
    if (text !== undefined && file !== filename && FILE_SCOPED.test(text.toString('utf8'))) bundleable = false;
    const racy = st.ctimeMs >= buildStart - RACY_MS;
    inputs.push({ path: file, stat: racy ? null : statOf(st), sha1: racy || text === undefined ? null : sha1(text) });
  }
  const code = result.outputFiles[0].text;
  const key = sha1(code);
  if (bundleable) store(path.join(cacheDir, `${key}.js`), code);
  store(manifestFile, JSON.stringify({ version: MANIFEST_VERSION, entry: filename, bundle: bundleable ? key : null, inputs }));
  return bundleable ? { key, code } : undefined;
}

module.exports = { entryBundle };
