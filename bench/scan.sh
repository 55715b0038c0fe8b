#!/usr/bin/env bash
# Scan benchmark (issues 3, 12): s3scope du vs rclone size vs aws s3 ls --recursive --summarize,
# side by side on the same local S3 server, for (a) N objects over ~200 prefixes, (b) N objects
# in one flat prefix, (c) N objects Hive-partitioned over 8,760 leaf prefixes
# (events/dt=YYYY-MM-DD/hour=HH/part-N). Every tool talks to the server through the project's
# latency/fault proxy (crates/faultproxy), once at 0 ms and once at DELAYS ms per request, which
# also counts each tool's LIST calls. Prints seconds, objects/s and LIST calls of each tool,
# s3scope's ratios, and the LIST budget of issue 12 (1.1 x ceil(N/1000) + 2 x concurrency).
# FAULTS=1 also runs `s3scope du` of every set under the fault mix (5% 503 SlowDown, 5% 500
# after forwarding, 3% connection resets) and checks its totals are exact.
#
#   bash bench/scan.sh [N]        (default N=200000; data kept in .bench/scan-N for reruns)
#   DELAYS="30 100" REPEAT=1 SETS="bench-hive" bash bench/scan.sh 200000
#   BENCH_SERVER=ceph bash bench/scan.sh [N]
#       the same sets on the Ceph RGW of RGW_ENDPOINT/RGW_ACCESS_KEY/RGW_SECRET_KEY (e.g. a
#       bluestore one: OBJECTSTORE=bluestore bash scripts/ceph-rgw.sh start .bench/ceph-blue;
#       eval "$(bash scripts/ceph-rgw.sh env .bench/ceph-blue)"), filled once by
#       examples/bench_fill.rs (PUTs at concurrency 64; buckets that hold N are kept).
#
# Needs rclone and the AWS CLI (Debian packages rclone and awscli; installed when missing).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
N=${1:-200000}
PORT=${PORT:-19123}
DATA=$root/.bench/scan-$N
mkdir -p "$DATA"

need=()
command -v rclone >/dev/null || need+=(rclone)
[ -x /usr/bin/aws ] || need+=(awscli)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}" >&2
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
AWS=/usr/bin/aws

cargo build --release --quiet --bin s3scope --example bench_server -p s3scope
cargo build --release --quiet -p s3scope-faultproxy --bin faultproxy
PROXY_BIN=$root/target/release/faultproxy
S3SCOPE=$root/target/release/s3scope

# The tools must see only this server: no CA bundle or profile of the machine.
while IFS= read -r var; do unset "$var"; done < <(compgen -e | grep -E '^(AWS_|RCLONE_|S3SCOPE_)' || true)

SERVER=${BENCH_SERVER:-embedded}
if [ "$SERVER" = ceph ]; then
  : "${RGW_ENDPOINT:?BENCH_SERVER=ceph needs RGW_ENDPOINT (scripts/ceph-rgw.sh env DIR)}"
  cargo build --release --quiet --example bench_fill
  EP=$RGW_ENDPOINT
  AK=$RGW_ACCESS_KEY SK=$RGW_SECRET_KEY
  echo "filling the Ceph RGW at $EP with 2 x $N objects (skipped when present)..." >&2
  AWS_ENDPOINT_URL=$EP AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK \
    "$root/target/release/examples/bench_fill" "$N" 64
else
  AK=BENCHACCESSKEY SK=bench-secret-key
  echo "seeding/starting the embedded server with 2 x $N objects (first run takes a while)..." >&2
  "$root/target/release/examples/bench_server" "$DATA" "$PORT" "$N" > "$DATA/server.out" 2>&1 &
  server=$!
  trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
  for _ in $(seq 1800); do grep -q '^ready' "$DATA/server.out" 2>/dev/null && break; kill -0 $server 2>/dev/null || { cat "$DATA/server.out"; exit 1; }; sleep 0.5; done
  grep -q '^ready' "$DATA/server.out" || { echo "server did not start" >&2; exit 1; }
  EP=http://127.0.0.1:$PORT
fi

export AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK AWS_REGION=us-east-1
# Debian's AWS CLI 2.9 predates AWS_ENDPOINT_URL: it gets --endpoint-url below.
export AWS_ENDPOINT_URL=$EP AWS_EC2_METADATA_DISABLED=true
export RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_PROVIDER=Other RCLONE_CONFIG_BENCH_ENDPOINT=$EP
export RCLONE_CONFIG_BENCH_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY
export RCLONE_CONFIG_BENCH_REGION=us-east-1 RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE=true

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
rate() { awk -v n="$N" -v s="$1" 'BEGIN { printf "%.0f", n / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", b / a }'; }

REPEAT=${REPEAT:-3}
DELAYS=${DELAYS:-0 30}
SETS=${SETS:-bench-nested bench-flat bench-hive}
CONCURRENCY=32 # scan_concurrency default
FAULTS=${FAULTS:-0}
TOOLS=${TOOLS:-s3scope rclone aws}   # e.g. TOOLS=s3scope to rerun s3scope alone
has() { [[ " $TOOLS " == *" $1 "* ]]; }
UPSTREAM=$EP

# proxy ARGS...: (re)starts the fault proxy in front of the server; sets $PEP.
proxy_pid=""
proxy() {
  [ -n "$proxy_pid" ] && { kill "$proxy_pid" 2>/dev/null; wait "$proxy_pid" 2>/dev/null || true; }
  local out=$DATA/proxy.out
  "$PROXY_BIN" --upstream "$UPSTREAM" "$@" >"$out" 2>&1 &
  proxy_pid=$!
  for _ in $(seq 200); do grep -q '^listening' "$out" 2>/dev/null && break; sleep 0.05; done
  PEP=$(sed -n 's/^listening //p' "$out" | head -1)
  [ -n "$PEP" ] || { cat "$out" >&2; exit 1; }
}
stop_proxy() { [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null; wait "$proxy_pid" 2>/dev/null || true; }
trap 'stop_proxy; [ -n "${server:-}" ] && kill $server 2>/dev/null; wait 2>/dev/null || true' EXIT
# LIST calls the proxy saw since the last reset (ListObjectsV2 + ListObjects).
list_calls() {
  curl -s "$PEP/__faultproxy/counts" | python3 -c 'import json,sys; c=json.load(sys.stdin)["by_op"]; print(c.get("ListObjectsV2",0)+c.get("ListObjects",0))'
}
reset_counts() { curl -s -X POST "$PEP/__faultproxy/reset" >/dev/null; }

# best CMD...: runs CMD $REPEAT times, keeps the fastest wall time in $best, the last output
# in $out and the LIST calls of one run in $calls.
best() {
  local t0 t1 s i
  best=""
  for i in $(seq "$REPEAT"); do
    reset_counts
    t0=$(now); out=$("$@" 2>&1) || { echo "$* failed: $out" >&2; exit 1; }; t1=$(now)
    calls=$(list_calls)
    s=$(secs "$t0" "$t1")
    if [ -z "$best" ] || awk -v a="$s" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$s; fi
  done
}
s3scope_du() { "$S3SCOPE" --endpoint "$PEP" du "s3://$1" --format json; }
rclone_size() { RCLONE_CONFIG_BENCH_ENDPOINT=$PEP rclone size "bench:$1"; }
aws_ls() { "$AWS" --endpoint-url "$PEP" s3 ls "s3://$1" --recursive --summarize | tail -2; }
budget=$(awk -v n="$N" -v c="$CONCURRENCY" 'BEGIN { printf "%d", 1.1 * int((n + 999) / 1000) + 2 * c }')

echo "server: $SERVER ($EP) behind faultproxy; best of $REPEAT runs each; concurrency $CONCURRENCY; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "LIST budget (1.1 x ceil(N/1000) + 2 x concurrency): $budget"
printf '%-13s %6s %-12s %9s %11s %7s %s\n' set delay tool seconds objects/s LISTs check
for delay in $DELAYS; do
  proxy --delay-ms "$delay"
  for bucket in $SETS; do
    s3s=1 rcs=1 aws_s=1
    if has s3scope; then
    best s3scope_du "$bucket"
    s3s=$best; s3c=$calls; got=$(grep -m1 '"objects"' <<<"$out" | tr -dc 0-9)
    within=$([ "$s3c" -le "$budget" ] && echo "within budget" || echo "OVER budget")
    printf '%-13s %4sms %-12s %9s %11s %7s %s\n' "$bucket" "$delay" "s3scope du" "$s3s" "$(rate "$s3s")" "$s3c" "objects=$got, $within"
    fi
    if has rclone; then

    best rclone_size "$bucket"
    rcs=$best; got=$(grep -m1 'Total objects' <<<"$out" | sed 's/.*: *//; s/ .*//')
    printf '%-13s %4sms %-12s %9s %11s %7s %s\n' "$bucket" "$delay" "rclone size" "$rcs" "$(rate "$rcs")" "$calls" "objects=$got"
    fi

    if has aws; then
      best aws_ls "$bucket"
      aws_s=$best; got=$(grep -m1 'Total Objects' <<<"$out" | tr -dc 0-9)
      printf '%-13s %4sms %-12s %9s %11s %7s %s\n' "$bucket" "$delay" "aws s3 ls" "$aws_s" "$(rate "$aws_s")" "$calls" "objects=$got"
    fi
    if has s3scope && has rclone && has aws; then
      echo "  $bucket at ${delay}ms: s3scope is $(ratio "$s3s" "$rcs") rclone size, $(ratio "$s3s" "$aws_s") aws s3 ls"
    fi
  done
done

if [ "$FAULTS" = 1 ]; then
  echo "fault mix: 5% 503 SlowDown, 5% 500 after forwarding, 3% resets (seeded), 0 ms"
  proxy --slowdown 0.05 --error-after 0.05 --reset 0.03 --seed 12
  for bucket in $SETS; do
    reset_counts
    t0=$(now); out=$(s3scope_du "$bucket" 2>&1) || { echo "s3scope du $bucket failed under faults: $out" >&2; exit 1; }; t1=$(now)
    got=$(grep -m1 '"objects"' <<<"$out" | tr -dc 0-9)
    injected=$(curl -s "$PEP/__faultproxy/counts" | python3 -c 'import json,sys; c=json.load(sys.stdin); print("%d slowdowns, %d 500s after the work, %d resets" % (c["slowdowns"], c["errors_after"], c["resets"]))')
    verdict=$([ "$got" = "$N" ] && echo exact || echo "WRONG (expected $N)")
    printf '%-13s faults s3scope du %9s s  objects=%s %s; LISTs %s; injected %s\n' "$bucket" "$(secs "$t0" "$t1")" "$got" "$verdict" "$(list_calls)" "$injected"
  done
fi
