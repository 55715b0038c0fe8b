#!/usr/bin/env bash
# Extract/process benchmark (issue 6): `s3scope extract` of 2 x N objects (default N=500000,
# so 1,000,000 objects) from the embedded S3 server into a local data dir, then `s3scope
# process` of that package; wall time and peak RSS of each (GNU time -v), release build.
#
#   bash bench/extract.sh [N]     (server data kept in .bench/extract-N for reruns)
#
# Buckets (examples/bench_server.rs): bench-nested (N objects over 200 prefixes, 2 levels) and
# bench-flat (N objects in one prefix), storage classes STANDARD / STANDARD_IA / GLACIER.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
N=${1:-500000}
PORT=${PORT:-19124}
DATA=$root/.bench/extract-$N
WORK=$root/.bench/extract-out-$N
mkdir -p "$DATA"
rm -rf "$WORK" && mkdir -p "$WORK"
[ -x /usr/bin/time ] || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }

# SKIP_BUILD=1 reuses target/release as it is (e.g. right after a release build).
[ "${SKIP_BUILD:-0}" = 1 ] || cargo build --release --quiet --bin s3scope --example bench_server
S3SCOPE=$root/target/release/s3scope
while IFS= read -r var; do unset "$var"; done < <(compgen -e | grep -E '^(AWS_|S3SCOPE_)' || true)

echo "seeding/starting the embedded server with 2 x $N objects (first run takes a while)..." >&2
"$root/target/release/examples/bench_server" "$DATA" "$PORT" "$N" > "$DATA/server.out" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 7200); do grep -q '^ready' "$DATA/server.out" 2>/dev/null && break; kill -0 $server 2>/dev/null || { cat "$DATA/server.out"; exit 1; }; sleep 0.5; done
grep -q '^ready' "$DATA/server.out" || { echo "server did not start" >&2; exit 1; }
export AWS_ACCESS_KEY_ID=BENCHACCESSKEY AWS_SECRET_ACCESS_KEY=bench-secret-key AWS_REGION=us-east-1
export AWS_ENDPOINT_URL=http://127.0.0.1:$PORT AWS_EC2_METADATA_DISABLED=true

# measure NAME CMD...: runs CMD under GNU time; prints wall seconds and peak RSS.
measure() {
  local name=$1
  shift
  /usr/bin/time -v -o "$WORK/$name.time" "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" || {
    cat "$WORK/$name.err" >&2
    exit 1
  }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.1f", s }' "$WORK/$name.time")
  rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$WORK/$name.time")
  printf '%-10s %10s s %10s MiB\n' "$name" "$wall" "$rss"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
printf '%-10s %12s %14s\n' step wall "peak RSS"
# Baseline: the same listing with nothing written (du of both buckets, one after the other).
measure du bash -c "'$S3SCOPE' du s3://bench-nested --format json >/dev/null && '$S3SCOPE' du s3://bench-flat --format json"
measure extract "$S3SCOPE" extract --since 2026-01-01 --until 2026-01-02 --sources listing \
  --data-dir "$WORK/data" --format json
measure process "$S3SCOPE" process --since 2026-01-01 --until 2026-01-02 \
  --data-dir "$WORK/data" --output "$WORK/out" --format json
rows=$(grep -m1 '"rows": [0-9]' "$WORK/extract.out" | tr -dc 0-9)
size=$(du -sh "$WORK/data" | cut -f1)
echo "listed rows: $rows; package size: $size; rollups: $(grep -A6 '"rows": {' "$WORK/process.out" | tr -d ' \n')"
echo "commands:"
echo "  s3scope extract --since 2026-01-01 --until 2026-01-02 --sources listing --data-dir $WORK/data"
echo "  s3scope process --since 2026-01-01 --until 2026-01-02 --data-dir $WORK/data --output $WORK/out"
