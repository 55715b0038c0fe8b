#!/usr/bin/env bash
# bench/build.sh [REV]: how the code base builds, at REV (a commit) or, without one, the work tree.
#
# Prints: a clean debug build of every target of the workspace (wall and CPU seconds), the
# rebuild after touching one core file (scan/tree.rs: everything above the core recompiles),
# the number of test binaries `cargo test --workspace --all-targets` links and runs, and the
# lines of Rust. Each run uses a new target directory, so nothing is shared with other builds.
# CPU seconds (user + sys) are the figure to compare on a busy machine; wall seconds need a
# quiet one.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rev=${1:-}
work=$(mktemp -d /tmp/s3scope-build-bench.XXXXXX)
trap 'git -C "$root" worktree remove --force "$work/src" 2>/dev/null || true; rm -rf "$work"' EXIT

if [ -n "$rev" ]; then
  git -C "$root" worktree add --detach "$work/src" "$rev" >/dev/null 2>&1
  src=$work/src
else
  src=$root
fi
export CARGO_TARGET_DIR=$work/target
cd "$src"

timed() { # prints "N s wall, M s CPU" of the command; stops the script when it fails
  local out=$work/time.txt
  if ! /usr/bin/time -o "$out" -f "%e %U %S" "$@" >"$work/cmd.log" 2>&1; then
    echo "failed: $* (see below)" >&2
    tail -20 "$work/cmd.log" >&2
    exit 1
  fi
  awk '{ printf "%.0f s wall, %.0f s CPU", $1, $2 + $3 }' "$out"
}

cargo fetch --locked >/dev/null 2>&1
echo "clean debug build (cargo build --workspace --all-targets): $(timed cargo build --locked --workspace --all-targets)"
core_file=crates/core/src/scan/tree.rs
[ -f "$core_file" ] || core_file=src/scan/tree.rs
echo "// touched" >>"$core_file"
echo "rebuild after touching $core_file: $(timed cargo build --locked --workspace --all-targets)"
git checkout -- "$core_file" 2>/dev/null || sed -i '$ d' "$core_file"
binaries=$(cargo test --locked --workspace --all-targets --no-run 2>&1 | grep -c 'Executable ')
echo "test binaries: $binaries"
lines=$(git ls-files '*.rs' | xargs cat | wc -l)
echo "lines of Rust (tracked .rs files): $lines"
