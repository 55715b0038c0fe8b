#!/usr/bin/env bash
# Size and `du` times of s3scope binaries side by side, e.g. the portable binary before and after
# a [profile.release] change (issue 17): one embedded server and the same data for all of them,
# so only the client differs.
#
#   bash bench/du_release.sh BIN...
#
# Cases (each the median wall time of RUNS runs, default 3, after one warm-up):
#   list@0ms    du s3://inv-scan --depth 2: SCAN_N objects (default 100,000) listed through the
#               fault/latency proxy (crates/faultproxy) at 0 ms per request
#   list@30ms   the same through a proxy adding 30 ms per request (DELAY)
#   inv-csv     du --source inventory of an S3 Inventory report of N rows (default 1,000,000),
#               CSV.gz, straight from the server: CPU-bound in the client (gunzip, parse, tree)
#   inv-parquet the same report as Parquet
# The data (examples/bench_inventory, generated once by its debug build; minutes the first time)
# stays in .bench/du-release-N-SCAN_N. The server is `FIRST_BIN demo --serve --dir DATA`.
# Every binary must give the same totals; the script stops when one does not.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 BIN..." >&2; exit 2; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=${N:-1000000}
SCAN_N=${SCAN_N:-100000}
DELAY=${DELAY:-30}
runs=${RUNS:-3}
port=${PORT:-19378}
target=${CARGO_TARGET_DIR:-$root/target}
data=$root/.bench/du-release-$N-$SCAN_N
work=$(mktemp -d)
bins=()
for b in "$@"; do bins+=("$(cd "$(dirname "$b")" && pwd)/$(basename "$b")"); done
while IFS= read -r var; do unset "$var"; done < <(compgen -e | grep -E '^(AWS_|S3SCOPE_)' || true)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$work"' EXIT

# wait_for FILE PATTERN PID: until FILE has a line matching PATTERN (PID still alive).
wait_for() {
  for _ in $(seq 36000); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || { cat "$1" >&2; return 1; }
    sleep 0.1
  done
  return 1
}

(cd "$root" && cargo build --quiet --example bench_inventory && cargo build --quiet -p s3scope-faultproxy --bin faultproxy)
mkdir -p "$data"
if [ ! -f "$data/.generated" ]; then
  echo "generating $N inventory rows and $SCAN_N objects in $data (once)..." >&2
  "$target/debug/examples/bench_inventory" "$data" "$port" "$N" "$SCAN_N" >"$work/gen.out" 2>&1 &
  gen=$!
  wait_for "$work/gen.out" '^ready' "$gen" || { echo "generation failed" >&2; exit 1; }
  kill "$gen"; wait "$gen" 2>/dev/null || true
  touch "$data/.generated"
fi

"${bins[0]}" demo --serve --dir "$data" --port "$port" >"$work/server.out" 2>/dev/null &
pids+=($!)
wait_for "$work/server.out" '^# serving' "${pids[-1]}" || { echo "server did not start" >&2; exit 1; }
eval "$(grep '^export ' "$work/server.out")"
endpoint=$AWS_ENDPOINT_URL
unset AWS_ENDPOINT_URL
export AWS_EC2_METADATA_DISABLED=true HOME=$work/home XDG_CACHE_HOME=$work/home/.cache
mkdir -p "$HOME"
proxy() { # proxy DELAY_MS: a new fault proxy adding DELAY_MS per request; its endpoint in $proxied
  "$target/debug/faultproxy" --upstream "$endpoint" --delay-ms "$1" >"$work/proxy$1.out" 2>&1 &
  pids+=($!)
  wait_for "$work/proxy$1.out" 'listening' "${pids[-1]}" || { echo "faultproxy did not start" >&2; exit 1; }
  proxied=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/proxy$1.out" | head -n 1)
}
proxy 0
p0=$proxied
proxy "$DELAY"
pd=$proxied

cases=(list@0ms "list@${DELAY}ms" inv-csv inv-parquet)
args_of() { # args_of CASE: the s3scope arguments of CASE
  case $1 in
    list@0ms) echo "--endpoint $p0 du s3://inv-scan --depth 2" ;;
    list@*) echo "--endpoint $pd du s3://inv-scan --depth 2" ;;
    inv-csv) echo "--endpoint $endpoint du s3://inv-big --source inventory --inventory s3://inv-dest/inv-big/csv/" ;;
    inv-parquet) echo "--endpoint $endpoint du s3://inv-big --source inventory --inventory s3://inv-dest/inv-big/parquet/" ;;
  esac
}

echo "load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores; median of $runs runs (s)"
printf '%-58s %10s' binary bytes
for c in "${cases[@]}"; do printf ' %11s' "$c"; done
echo
for bin in "${bins[@]}"; do
  printf '%-58s %10s' "$bin" "$(stat -c %s "$bin")"
  for c in "${cases[@]}"; do
    # shellcheck disable=SC2046 # args_of prints words without spaces inside
    "$bin" $(args_of "$c") --format json >"$work/out.json" 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
    totals=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["objects"], d["bytes"])' "$work/out.json")
    if [ -f "$work/$c.totals" ]; then
      [ "$(cat "$work/$c.totals")" = "$totals" ] || { echo "$bin: $c totals $totals differ from $(cat "$work/$c.totals")" >&2; exit 1; }
    else
      echo "$totals" >"$work/$c.totals"
    fi
    times=()
    for _ in $(seq "$runs"); do
      t0=$(date +%s.%N)
      # shellcheck disable=SC2046
      "$bin" $(args_of "$c") --format json >/dev/null 2>&1
      times+=("$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')")
    done
    printf ' %11s' "$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')"
  done
  echo
done
for c in "${cases[@]}"; do echo "$c totals (objects bytes): $(cat "$work/$c.totals")"; done
