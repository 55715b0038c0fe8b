#!/usr/bin/env bash
# `s3scope serve` (issue 7): requests/s of GET /metrics with N buckets cached, and memory.
# Starts the embedded S3 server (`s3scope demo --serve`), creates N buckets with 1-3 objects
# in 1-3 storage classes each (curl --aws-sigv4), starts `s3scope serve --source scan`, waits
# for the first refresh, then runs wrk (Debian package; installed when missing).
#
#   bash bench/serve_metrics.sh [N] [DURATION] [CONNECTIONS]   (default 1000 10s 32)
#   BIN=target/debug/s3scope bash bench/serve_metrics.sh      (another binary, no release build)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=${1:-1000}
DUR=${2:-10s}
CONNS=${3:-32}
S3PORT=${S3PORT:-19481}
PORT=${PORT:-19482}
command -v wrk >/dev/null || { apt-get update -qq >/dev/null; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
if [ -z "${BIN:-}" ]; then
  (cd "$root" && cargo build --release --quiet --bin s3scope)
  BIN=$root/target/release/s3scope
fi
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
while IFS= read -r var; do unset "$var"; done < <(compgen -e | grep -E '^(AWS_|S3SCOPE_)' || true)
export HOME=$work XDG_CONFIG_HOME=$work/config

"$BIN" demo --serve --port "$S3PORT" --dir "$work/s3" > "$work/demo.out" 2>&1 &
pids+=($!)
until grep -q '^export AWS_REGION' "$work/demo.out" 2>/dev/null; do sleep 0.2; done
# shellcheck disable=SC1090
source <(grep '^export' "$work/demo.out")
ep=$AWS_ENDPOINT_URL
sig=(--silent --show-error --fail --aws-sigv4 "aws:amz:us-east-1:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD")
classes=(STANDARD STANDARD_IA GLACIER)
echo "creating $N buckets..." >&2
printf 'x%.0s' $(seq 1 512) > "$work/obj"
for i in $(seq -f '%05g' 1 "$N"); do
  curl "${sig[@]}" -X PUT "$ep/bench-$i" -o /dev/null
  for c in $(seq 0 $((10#$i % 3))); do
    curl "${sig[@]}" -X PUT -H "x-amz-storage-class: ${classes[$c]}" \
      --data-binary @"$work/obj" "$ep/bench-$i/obj-$c" -o /dev/null
  done
done

openssl rand -hex 32 > "$work/token"; chmod 600 "$work/token"
"$BIN" serve --source scan --refresh 1h --listen "127.0.0.1:$PORT" --token-file "$work/token" 2> "$work/serve.err" &
spid=$!
pids+=($spid)
t0=$(date +%s.%N)
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do sleep 0.2; done
t1=$(date +%s.%N)
auth="Authorization: Bearer $(cat "$work/token")"
series=$(curl -sf -H "$auth" "http://127.0.0.1:$PORT/metrics" | grep -c '^s3scope_bucket_size_bytes{')
bytes=$(curl -sf -H "$auth" "http://127.0.0.1:$PORT/metrics" | wc -c)
rss() { awk '/^VmRSS/ {print $2}' "/proc/$spid/status"; }
awk -v a="$t0" -v b="$t1" -v n="$N" -v s="$series" -v by="$bytes" \
  'BEGIN { printf "first refresh (scan of %d buckets): %.1f s; /metrics: %d size series, %d bytes\n", n, b - a, s, by }'
echo "RSS after the first refresh: $(rss) KiB"
echo "wrk -t2 -c$CONNS -d$DUR -H 'Authorization: Bearer ...' http://127.0.0.1:$PORT/metrics"
wrk -t2 -c"$CONNS" -d"$DUR" --latency -H "$auth" "http://127.0.0.1:$PORT/metrics"
echo "RSS after wrk: $(rss) KiB; peak: $(awk '/^VmHWM/ {print $2}' "/proc/$spid/status") KiB"
