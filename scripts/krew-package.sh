#!/usr/bin/env bash
# Builds the release archive krew installs (kubectl-sa/{bin,dist,policies,data,node_modules,package.json})
# and writes .dist/krew-manifest.yaml with that archive's sha256. Usage: scripts/krew-package.sh [VERSION]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/node-env.sh
version=${1:-v$(node -p 'require("./package.json").version')}
out=$root/.dist
stage=$out/stage/kubectl-sa
rm -rf "$out" && mkdir -p "$stage"

npm run build >/dev/null
cp -R bin dist package.json package-lock.json README.md "$stage/"
for optional in policies data; do [ -d "$optional" ] && cp -R "$optional" "$stage/"; done
(cd "$stage" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund >/dev/null && rm package-lock.json)

archive=$out/kubectl-sa-$version.tar.gz
tar -C "$out/stage" -czf "$archive" kubectl-sa
sha=$(sha256sum "$archive" | cut -d' ' -f1)
sed -e "s|version: v[0-9.]*|version: $version|" \
    -e "s|download/v[0-9.]*/kubectl-sa-v[0-9.]*.tar.gz|download/$version/kubectl-sa-$version.tar.gz|" \
    -e "s|sha256: \"[0-9a-f]*\"|sha256: \"$sha\"|" krew-manifest.yaml > "$out/krew-manifest.yaml"
echo "archive:  $archive ($(du -h "$archive" | cut -f1))"
echo "manifest: $out/krew-manifest.yaml (sha256 $sha)"
echo "try it:   kubectl krew install --manifest=$out/krew-manifest.yaml --archive=$archive"
