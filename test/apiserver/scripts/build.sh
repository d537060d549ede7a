#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager, etcd, pki and tether into .bin/.
# A no-op (well under a second) when .bin/ was built from the same go.mod, go.sum,
# our Go sources and this script; otherwise `go build`, whose cache makes
# rebuilds after small changes quick. The first build takes many minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH
BIN=.bin
STAMP=$BIN/.stamp

stamp=$(cat go.mod go.sum scripts/build.sh $(find cmd -name '*.go' | sort) | sha256sum | cut -d' ' -f1)
if [[ -f $STAMP && $(cat "$STAMP") == "$stamp" ]] &&
   [[ -x $BIN/kube-apiserver && -x $BIN/kube-controller-manager && -x $BIN/etcd && -x $BIN/pki && -x $BIN/tether ]]; then
  echo "test/apiserver/.bin is up to date"
  exit 0
fi

version=$(awk '$1=="k8s.io/kubernetes"{print $2; exit}' go.mod)
[[ $version =~ ^v([0-9]+)\.([0-9]+)\. ]] || { echo "no k8s.io/kubernetes version in go.mod" >&2; exit 1; }
# Without these -X, /version and --version report v0.0.0, which clients (kubectl's
# skew warning, our plugin) would see. The tag's time stands in for a build date
# so that the binaries are reproducible; the module proxy knows no commit hash.
info=$(go mod download -json "k8s.io/kubernetes@$version" | sed -n 's/^[[:space:]]*"Info": "\(.*\)",\{0,1\}$/\1/p')
date=$(sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "$info")
v=k8s.io/component-base/version
ldflags="-s -w -X $v.gitVersion=$version -X $v.gitMajor=${BASH_REMATCH[1]} -X $v.gitMinor=${BASH_REMATCH[2]}"
ldflags+=" -X $v.gitCommit= -X $v.gitTreeState=clean -X $v.buildDate=${date:-1970-01-01T00:00:00Z}"

mkdir -p "$BIN"
rm -f "$STAMP"
echo "building kube-apiserver, kube-controller-manager, etcd, pki, tether ($version) into test/apiserver/$BIN ..."
start=$SECONDS
CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$BIN/" \
  k8s.io/kubernetes/cmd/kube-apiserver \
  k8s.io/kubernetes/cmd/kube-controller-manager \
  ./cmd/etcd ./cmd/pki ./cmd/tether
echo "$stamp" > "$STAMP"
echo "built in $((SECONDS - start))s"
