#!/usr/bin/env bash
# Consumer check: pack the library as npm would publish it, install the tarball into an empty folder beside a tiny
# platform app (test/consumer/platform-app.js), synthesise that app and validate what it wrote. Proves the package
# ships compiled JavaScript and declarations and needs no TypeScript at the consumer's runtime.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$root"
npm run -s build
tarball="$(npm pack --silent --pack-destination "$work" | tail -n 1)"
contents="$(tar -tzf "$work/$tarball")"
echo "packed $tarball: $(wc -l <<<"$contents") files"
grep -qx 'package/build/lib/index.d.ts' <<<"$contents" || { echo 'declarations missing from the package'; exit 1; }
grep -qx 'package/build/lib/index.js' <<<"$contents" || { echo 'compiled JavaScript missing from the package'; exit 1; }
if grep -E '\.ts$' <<<"$contents" | grep -vq '\.d\.ts$'; then echo 'TypeScript sources leaked into the package'; exit 1; fi
# The shell scripts the constructs ship are read at synthesis from build/lib (the build copies lib/**/*.sh there).
while read -r script; do
  grep -qx "package/build/$script" <<<"$contents" || { echo "$script missing from the package"; exit 1; }
done < <(find lib -name '*.sh' | sort)
mkdir -p "$work/platform"
cp test/consumer/platform-app.js "$work/platform/"
cd "$work/platform"
echo '{ "name": "platform", "private": true }' > package.json
# The construct libraries are peer dependencies: the platform repo installs them beside the package, as a user would
# (at the versions this repo develops against), and every package then shares one copy of each.
read -ra peers <<<"$(node -p "const p = require('$root/package.json'); Object.keys(p.peerDependencies).map((n) => n + '@' + p.devDependencies[n]).join(' ')")"
npm install --no-audit --no-fund --silent "$work/$tarball" "${peers[@]}"
[ ! -e node_modules/typescript ] || { echo 'typescript was installed as a runtime dependency'; exit 1; }
node -e "
  const path = require('node:path');
  const from = (pkg) => require.resolve('constructs', { paths: [path.resolve('node_modules', pkg)] });
  const files = new Set(['scaling-tiers', 'cdk8s', 'cdk8s-plus-28', 'aws-cdk-lib'].map(from));
  if (files.size !== 1) { console.error([...files].join(' ')); process.exit(1); }
" || { echo 'scaling-tiers, cdk8s, cdk8s-plus-28 and aws-cdk-lib do not share one copy of constructs'; exit 1; }
[ "$(npm ls constructs --all --parseable | sort -u | wc -l)" = 1 ] || { npm ls constructs --all; echo 'npm ls finds more than one constructs'; exit 1; }
node platform-app.js "$work/platform/dist"
test -f dist/shop/base/worker.yaml && test -f dist/shop/base/app.yaml && test -f dist/shop/base/Kustomization && test -f dist/shop/Kustomization
grep -q 'maxReplicas: 6' dist/shop/base/app.yaml || { echo 'the derived tier did not reach the output'; exit 1; }
# The scripts reached the ConfigMaps from the package's .sh files, fragments included and placeholders filled.
grep -q '^  sentinel-startup.sh: |' dist/shop/base/redis.yaml && grep -q '^    rcli() {$' dist/shop/base/redis.yaml \
  || { echo 'the Redis scripts did not reach the output'; exit 1; }
if grep -Eq '@[A-Z][A-Z0-9_]*@|# @(include|if|else|end)' dist/shop/base/redis.yaml; then echo 'a script template was left unfilled'; exit 1; fi
# The cloud constructs are their own entry point, and the root entry (the Kubernetes side) never loads aws-cdk-lib.
node -e "if (typeof require('scaling-tiers/cloud').RegionalIngress !== 'function') process.exit(1)" || { echo 'scaling-tiers/cloud does not export RegionalIngress'; exit 1; }
node -e "require('scaling-tiers'); process.exit(Object.keys(require.cache).some((f) => f.includes('aws-cdk-lib')) ? 1 : 0)" || { echo 'the root entry loaded aws-cdk-lib'; exit 1; }
# The validation gate as a pipeline calls it: the package's bin, on what the platform app wrote.
npx --no-install scaling-tiers-validate dist
printf 'apiVersion: v1\nkind: Secret\nmetadata: {name: leaked, namespace: shop}\nstringData: {password: hunter2}\n' > dist/shop/leaked.yaml
if npx --no-install scaling-tiers-validate dist > gate.out 2>&1; then echo 'the gate passed an inline Secret'; exit 1; fi
grep -q '\[secret-inline\]' gate.out || { cat gate.out; echo 'the gate did not name the rule'; exit 1; }
rm dist/shop/leaked.yaml
# The planner and the charts as a platform team runs them: the package's `scaling-tiers` bin.
npx --no-install scaling-tiers plan --users 600 | grep -q '^600 users -> department$' || { echo 'plan did not pick department for 600 users'; exit 1; }
npx --no-install scaling-tiers plan --users 600 --json > plan.json
node -e "const p = require('./plan.json'); if (p.tier !== 'department' || p.figures.pods.value !== 24) process.exit(1)" || { cat plan.json; echo 'plan --json is not as expected'; exit 1; }
if npx --no-install scaling-tiers plan --users -5 2> plan.err; then echo 'plan accepted negative users'; exit 1; fi
grep -q -- '--users must be a whole number' plan.err || { cat plan.err; echo 'plan did not name the bad flag'; exit 1; }
npx --no-install scaling-tiers plan --users 600 --name sized --out sized-tier.js > /dev/null
node -e "
  const { App } = require('cdk8s');
  const { TierChart, writeTierManifests } = require('scaling-tiers');
  const { tier } = require('./sized-tier.js');
  writeTierManifests(new TierChart(new App(), tier.name, tier), 'dist-sized/' + tier.name);
"
npx --no-install scaling-tiers-validate dist-sized
npx --no-install scaling-tiers simulate --tier enterprise --load step:2x --out chart.svg
head -c 5 chart.svg | grep -q '<svg' || { echo 'simulate did not write an SVG'; exit 1; }
grep -q 'scale-up promise' chart.svg || { echo 'the chart has no promise deadline'; exit 1; }
validate="$root/../shared/tools/kube-validate/validate"
if [ -x "$validate" ]; then "$validate" dist; else echo "kube-validate not found beside the project; skipped schema validation"; fi
echo "consumer check: OK"
