#!/usr/bin/env bash
# Scan benchmark (issue 3): s3scope du vs rclone size vs aws s3 ls --recursive --summarize,
# side by side on the same local embedded S3 server, for (a) N objects over ~200 prefixes and
# (b) N objects in one flat prefix. Prints objects/s of each tool and s3scope's ratios.
#
#   bash bench/scan.sh [N]        (default N=200000; data kept in .bench/scan-N for reruns)
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

cargo build --release --quiet --bin s3scope --example bench_server
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
# best TOOL CMD...: runs CMD $REPEAT times, keeps the fastest wall time (the machine may be
# busy; the same rule applies to every tool) in $best and the last output in $out.
best() {
  local t0 t1 s i
  best=""
  for i in $(seq "$REPEAT"); do
    t0=$(now); out=$("$@" 2>&1) || { echo "$* failed: $out" >&2; exit 1; }; t1=$(now)
    s=$(secs "$t0" "$t1")
    if [ -z "$best" ] || awk -v a="$s" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$s; fi
  done
}
aws_ls() { "$AWS" --endpoint-url "$EP" s3 ls "s3://$1" --recursive --summarize | tail -2; }

echo "server: $SERVER ($EP); best of $REPEAT runs each; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-22s %-16s %10s %12s %s\n' set tool seconds objects/s check
for bucket in bench-nested bench-flat; do
  best "$S3SCOPE" --endpoint "$EP" du "s3://$bucket" --format json
  s3s=$best; got=$(grep -m1 '"objects"' <<<"$out" | tr -dc 0-9)
  printf '%-22s %-16s %10s %12s %s\n' "$bucket" "s3scope du" "$s3s" "$(rate "$s3s")" "objects=$got"

  best rclone size "bench:$bucket"
  rcs=$best; got=$(grep -m1 'Total objects' <<<"$out" | sed 's/.*: *//; s/ .*//')
  printf '%-22s %-16s %10s %12s %s\n' "$bucket" "rclone size" "$rcs" "$(rate "$rcs")" "objects=$got"

  best aws_ls "$bucket"
  aws_s=$best; got=$(grep -m1 'Total Objects' <<<"$out" | tr -dc 0-9)
  printf '%-22s %-16s %10s %12s %s\n' "$bucket" "aws s3 ls" "$aws_s" "$(rate "$aws_s")" "objects=$got"
  echo "  $bucket: s3scope is $(ratio "$s3s" "$rcs") rclone size, $(ratio "$s3s" "$aws_s") aws s3 ls"
done
