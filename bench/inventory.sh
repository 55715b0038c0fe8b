#!/usr/bin/env bash
# Inventory benchmark (issue 13): `s3scope du --source inventory` of a generated S3 Inventory
# report of N rows (default 10,000,000), CSV.gz and Parquet, against the embedded server; then
# a bucket of SCAN_N real objects (default 1,000,000) read both ways through the fault proxy
# at DELAY ms per request (default 30): its report, and a LIST scan. Wall time, peak RSS (GNU
# time -v), rows per second and the requests each made. Release build.
#
#   bash bench/inventory.sh [N] [SCAN_N]     (server data kept in .bench/inventory-N-SCAN_N)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
N=${1:-10000000}
SCAN_N=${2:-1000000}
DELAY=${DELAY:-30}
PORT=${PORT:-19131}
DATA=$root/.bench/inventory-$N-$SCAN_N
WORK=$root/.bench/inventory-out
mkdir -p "$DATA"
rm -rf "$WORK" && mkdir -p "$WORK"
[ -x /usr/bin/time ] || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  cargo build --release --quiet --bin s3scope --example bench_inventory
  cargo build --release --quiet -p s3scope-faultproxy --bin faultproxy
fi
target=${CARGO_TARGET_DIR:-$root/target}
S3SCOPE=$target/release/s3scope
while IFS= read -r var; do unset "$var"; done < <(compgen -e | grep -E '^(AWS_|S3SCOPE_)' || true)

echo "generating/starting the embedded server ($N report rows, $SCAN_N objects; the first run takes minutes)..." >&2
"$target/release/examples/bench_inventory" "$DATA" "$PORT" "$N" "$SCAN_N" > "$DATA/server.out" 2>&1 &
server=$!
proxy=
trap 'kill $server $proxy 2>/dev/null; wait $server $proxy 2>/dev/null || true' EXIT
for _ in $(seq 14400); do grep -q '^ready' "$DATA/server.out" 2>/dev/null && break; kill -0 $server 2>/dev/null || { cat "$DATA/server.out"; exit 1; }; sleep 0.5; done
grep -q '^ready' "$DATA/server.out" || { echo "server did not start" >&2; exit 1; }
"$target/release/faultproxy" --upstream "http://127.0.0.1:$PORT" --listen 127.0.0.1:0 --delay-ms "$DELAY" > "$WORK/proxy.out" 2>&1 &
proxy=$!
for _ in $(seq 100); do grep -q 'listening' "$WORK/proxy.out" 2>/dev/null && break; sleep 0.1; done
PEP=$(grep -o 'http://127.0.0.1:[0-9]*' "$WORK/proxy.out" | head -1)
[ -n "$PEP" ] || { cat "$WORK/proxy.out"; exit 1; }
export AWS_ACCESS_KEY_ID=BENCHACCESSKEY AWS_SECRET_ACCESS_KEY=bench-secret-key AWS_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true XDG_CACHE_HOME=$WORK/cache

requests() { curl -s "$PEP/__faultproxy/counts" | python3 -c 'import json,sys; c=json.load(sys.stdin)["by_op"]; print(" ".join("%s=%d" % kv for kv in sorted(c.items())))'; }
# measure NAME ENDPOINT ROWS CMD...: GNU time of CMD; wall seconds, peak RSS, rows per second.
measure() {
  local name=$1 ep=$2 rows=$3
  shift 3
  curl -s -X POST "$PEP/__faultproxy/reset" >/dev/null
  /usr/bin/time -v -o "$WORK/$name.time" "$S3SCOPE" --endpoint "$ep" "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" || {
    cat "$WORK/$name.err" >&2
    exit 1
  }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.2f", s }' "$WORK/$name.time")
  rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$WORK/$name.time")
  local rate
  rate=$(awk -v r="$rows" -v w="$wall" 'BEGIN { printf "%.0f", (w > 0 ? r / w : 0) }')
  local reqs=""
  [ "$ep" = "$PEP" ] && reqs=$(requests)
  printf '%-26s %9s s %8s MiB %12s rows/s  %s\n' "$name" "$wall" "$rss" "$rate" "$reqs"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; proxy delay ${DELAY} ms"
printf '%-26s %11s %12s %19s\n' run wall "peak RSS" rate
EP=http://127.0.0.1:$PORT
measure "inventory csv ${N}" "$EP" "$N" du s3://inv-big --source inventory --inventory s3://inv-dest/inv-big/csv/ --format json
measure "inventory parquet ${N}" "$EP" "$N" du s3://inv-big --source inventory --inventory s3://inv-dest/inv-big/parquet/ --format json
measure "inventory parquet ${SCAN_N} (proxy)" "$PEP" "$SCAN_N" du s3://inv-scan --source inventory --inventory s3://inv-dest/inv-scan/parquet/ --format json
measure "LIST scan ${SCAN_N} (proxy)" "$PEP" "$SCAN_N" du s3://inv-scan --format json
inv=$(ls "$WORK"/inventory\ parquet\ *\(proxy\).out) scan=$(ls "$WORK"/LIST\ scan*.out)
python3 -c 'import json,sys; a,b=(json.load(open(p)) for p in sys.argv[1:]); k=("objects","bytes","storage_classes"); print("same totals and classes:", all(a[x]==b[x] for x in k), a["objects"], "objects")' "$inv" "$scan"
echo "commands: s3scope du s3://BUCKET --source inventory [--inventory s3://DEST/PREFIX/BUCKET/CONFIG-ID/]"
