// The package registry this project's machines reach mirrors only some platform builds of packages such as
// @swc/core, esbuild and unrs-resolver. `npm install` then leaves those optional platform packages out of
// package-lock.json but keeps them listed as optional dependencies, and `npm ci` rejects the lockfile as out of
// sync. This drops the optional dependencies that have no entry of their own, so the lockfile records exactly what
// can be installed. Run it after every `npm install` that changes the lockfile: `node .ci/prune-lockfile.mjs`.
import fs from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
let dropped = 0;
for (const [location, entry] of Object.entries(lock.packages)) {
  if (!entry.optionalDependencies) continue;
  for (const name of Object.keys(entry.optionalDependencies)) {
    // Resolution as node does it: the package's own node_modules, then each ancestor's, then the root.
    const parts = location === '' ? [] : location.split('/node_modules/').map((p, i) => (i === 0 ? p.replace(/^node_modules\//, '') : p));
    let found = false;
    for (let i = parts.length; i >= 0 && !found; i--) {
      const prefix = parts.slice(0, i).map((p) => `node_modules/${p}`).join('/');
      found = `${prefix ? `${prefix}/` : ''}node_modules/${name}` in lock.packages;
    }
    if (!found) {
      delete entry.optionalDependencies[name];
      dropped++;
    }
  }
  if (Object.keys(entry.optionalDependencies).length === 0) delete entry.optionalDependencies;
}
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`prune-lockfile: dropped ${dropped} optional dependencies the registry does not serve`);
