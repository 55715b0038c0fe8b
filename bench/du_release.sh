#!/usr/bin/env bash
# Size and `du` scan time of s3scope binaries, e.g. before and after a [profile.release] change
# (issue 17): one embedded server for all of them, so only the client differs.
#
#   bash bench/du_release.sh DATA_DIR BIN...
#
# DATA_DIR holds an embedded store seeded by examples/bench_server (`cargo build --example
# bench_server && target/debug/examples/bench_server DATA_DIR 19377 100000`, then Ctrl-C):
# bucket bench-nested has N objects over 200 prefixes. The server is `FIRST_BIN demo --serve
# --dir DATA_DIR`; each BIN then runs `du s3://bench-nested --depth 2` RUNS times (default 5),
# and the median wall time is printed with the binary's size.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 DATA_DIR BIN..." >&2; exit 2; }
data=$1
shift
runs=${RUNS:-5}
port=${PORT:-19378}
while IFS= read -r var; do unset "$var"; done < <(compgen -e | grep -E '^(AWS_|S3SCOPE_)' || true)
out=$(mktemp)
"$1" demo --serve --dir "$data" --port "$port" >"$out" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 600); do grep -q '^# serving' "$out" && break; sleep 0.1; done
grep -q '^# serving' "$out" || { echo "server did not start" >&2; exit 1; }
eval "$(grep '^export ' "$out")"
export AWS_EC2_METADATA_DISABLED=true HOME=${TMPDIR:-/tmp}
for bin in "$@"; do
  "$bin" du s3://bench-nested --depth 2 --format json >/dev/null # warm-up (page cache, server)
  times=()
  for _ in $(seq "$runs"); do
    t0=$(date +%s.%N)
    "$bin" du s3://bench-nested --depth 2 --format json >/dev/null
    times+=("$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')")
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  printf '%s: %s bytes, du median %ss of %s runs (%s)\n' "$bin" "$(stat -c %s "$bin")" "$median" "$runs" "${times[*]}"
done
