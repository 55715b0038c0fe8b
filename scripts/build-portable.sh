#!/usr/bin/env bash
# One s3scope binary that starts on any x86_64 Linux with glibc >= 2.17 (CentOS 7, Amazon
# Linux 2, RHEL/Rocky/Alma 8, Ubuntu 20.04, Debian 11 and everything newer):
#
#   bash scripts/build-portable.sh            build dist/s3scope-<version>-x86_64-linux and its .sha256,
#                                             plus dist/completions/ and dist/s3scope.1
#   bash scripts/build-portable.sh check      check the built file: highest GLIBC symbol version
#                                             <= 2.17, it starts and prints its version
#
# What it needs it installs itself: a Python virtualenv .venv-zig/ with ziglang (the Zig C
# toolchain, linking against glibc 2.17's symbols) and cargo-zigbuild, both from PyPI, pinned in
# scripts/requirements-portable.txt. Zig's and cargo-zigbuild's caches live in
# <target dir>/zig-cache, not in $HOME. Then
#   cargo zigbuild --release --target x86_64-unknown-linux-gnu.2.17 --bin s3scope
# which cargo makes a no-op (seconds) when nothing changed since the last run.
# No extra Rust target is needed (the host's x86_64-unknown-linux-gnu standard library is it).
# CARGO_TARGET_DIR is honoured; SOURCE_DATE_EPOCH fixes the build date of `--version`.
# shellcheck disable=SC2317 # cmd_* run through the dispatch at the end
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
S3SCOPE_LOG_NAME=build-portable
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"
cd "$root"

requirements=$root/scripts/requirements-portable.txt
GLIBC=2.17
triple=x86_64-unknown-linux-gnu
venv=$root/.venv-zig
dist=$root/dist
target_dir=${CARGO_TARGET_DIR:-$root/target}
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
[ -n "$version" ] || die "cannot read the package version from Cargo.toml"
artifact=$dist/s3scope-$version-x86_64-linux

usage() { echo "usage: $0 [build|check]" >&2; exit 2; }

# The venv is rebuilt only when the pins or the Python change.
ensure_venv() {
  local python=${PYTHON:-python3} want stamp=$venv/.s3scope-zig.pins
  command -v "$python" >/dev/null || die "$python not found; install python3 and python3-venv"
  want="$("$python" --version 2>&1) $(sha256sum <"$requirements" | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && [ -x "$venv/bin/cargo-zigbuild" ]; then
    return 0
  fi
  "$python" -c 'import venv, ensurepip' 2>/dev/null ||
    die "$python cannot create virtualenvs; install python3-venv (apt-get install python3-venv)"
  log "creating $venv ($want)"
  rm -rf "$venv"
  "$python" -m venv "$venv" || die "$python -m venv $venv failed"
  timeout 900 "$venv/bin/pip" install --disable-pip-version-check -q -r "$requirements" ||
    die "pip install -r $requirements into $venv failed"
  echo "$want" >"$stamp"
}

cmd_build() {
  ensure_venv
  command -v cargo >/dev/null || die "cargo not found; install Rust (rustup) first"
  log "cargo zigbuild --release --target $triple.$GLIBC --bin s3scope"
  # cargo-zigbuild finds zig through `python3 -m ziglang` of the venv first on PATH.
  local commit
  commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
  if [ "$commit" != unknown ] && ! git diff --quiet HEAD -- 2>/dev/null; then commit=$commit-dirty; fi
  local cache=$target_dir/zig-cache
  mkdir -p "$cache"
  PATH=$venv/bin:$PATH XDG_CACHE_HOME=$cache ZIG_GLOBAL_CACHE_DIR=$cache/zig ZIG_LOCAL_CACHE_DIR=$cache/zig \
    S3SCOPE_BUILD_TARGET=$triple.$GLIBC S3SCOPE_GIT_COMMIT=$commit \
    cargo zigbuild --release --locked --target "$triple.$GLIBC" --bin s3scope ||
    die "cargo zigbuild failed"
  local built=$target_dir/$triple/release/s3scope
  [ -x "$built" ] || die "cargo zigbuild did not produce $built"
  mkdir -p "$dist/completions"
  cp "$built" "$artifact.tmp" && mv "$artifact.tmp" "$artifact"
  (cd "$dist" && sha256sum "$(basename "$artifact")" >"$(basename "$artifact").sha256")
  "$artifact" completions bash >"$dist/completions/s3scope.bash"
  "$artifact" completions zsh >"$dist/completions/_s3scope"
  "$artifact" completions fish >"$dist/completions/s3scope.fish"
  "$artifact" man >"$dist/s3scope.1"
  log "wrote $artifact ($(du -h "$artifact" | cut -f1)), $(basename "$artifact").sha256, completions/ and s3scope.1"
  cmd_check
}

# highest_glibc FILE: the highest GLIBC_x.y version among the symbols FILE needs.
highest_glibc() {
  objdump -T "$1" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -n 1
}

cmd_check() {
  [ -x "$artifact" ] || die "$artifact is missing; run: bash scripts/build-portable.sh"
  command -v objdump >/dev/null || die "objdump not found; install binutils"
  (cd "$dist" && sha256sum --quiet -c "$(basename "$artifact").sha256") || die "checksum mismatch"
  local glibc
  glibc=$(highest_glibc "$artifact")
  [ -n "$glibc" ] || die "no GLIBC symbol versions found in $artifact (not a glibc binary?)"
  [ "$(printf '%s\n%s\n' "$glibc" "$GLIBC" | sort -V | tail -n 1)" = "$GLIBC" ] ||
    die "$artifact needs GLIBC_$glibc, more than $GLIBC"
  log "highest GLIBC symbol version: $glibc (<= $GLIBC)"
  log "$("$artifact" --version)"
}

case "${1:-build}" in
  build) cmd_build ;;
  check) cmd_check ;;
  *) usage ;;
esac
