#!/usr/bin/env bash
# Segregate benchmark (issue 5). Prints figures; asserts nothing.
#
# 1. Moves N objects (default 20000, CDR names over 14 days, 5% that do not match) on one S3
#    server three times, from identical buckets, at equal concurrency W (default 16):
#      s3scope segregate plan --out + segregate apply --plan   (into date prefixes)
#      rclone move bench:B/incoming bench:B/moved --transfers W --checkers W
#      aws s3 mv s3://B/incoming/ s3://B/moved/ --recursive    (s3.max_concurrent_requests W)
#    and prints seconds, objects/s and the ratio of each tool to s3scope (plan and apply
#    together, as the others list too), for each of s3scope's --verify modes. Each run is
#    checked: N objects moved, none left.
# 2. Runs the preview benchmark: 100,000 listed keys computed and drawn by the TUI's own code.
#
#   bash bench/segregate.sh [N] [W]
#   BENCH_SERVER=ceph bash bench/segregate.sh    # the Ceph RGW of RGW_ENDPOINT/RGW_ACCESS_KEY/
#                                                # RGW_SECRET_KEY (scripts/ceph-rgw.sh env DIR)
# Default server: the embedded one (`s3scope demo --serve`, release build), data in .bench/.
# Needs rclone (Debian: apt-get install rclone) and the AWS CLI v2 (/usr/bin/aws).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
N=${1:-20000}
W=${2:-16}
SERVER=${BENCH_SERVER:-embedded}
DATA=$root/.bench/segregate-$N
AWS=${AWS_CLI:-/usr/bin/aws}
mkdir -p "$DATA"
command -v rclone >/dev/null || { echo "rclone is missing: apt-get install rclone" >&2; exit 2; }
[ -x "$AWS" ] || { echo "the AWS CLI is missing at $AWS (set AWS_CLI)" >&2; exit 2; }

# This machine's AWS settings (AWS_CA_BUNDLE breaks rclone 1.60) stay out of every tool.
while IFS= read -r var; do unset "$var"; done < <(compgen -e | grep -E '^(AWS_|S3SCOPE_)' || true)

cargo build --release --quiet --bin s3scope --example segregate_preview
bin=$root/target/release/s3scope

server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true; }
trap cleanup EXIT

if [ "$SERVER" = ceph ]; then
  : "${RGW_ENDPOINT:?run: eval \"\$(scripts/ceph-rgw.sh env DIR)\"}"
  endpoint=$RGW_ENDPOINT access=$RGW_ACCESS_KEY secret=$RGW_SECRET_KEY
else
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  rm -rf "$DATA/server"
  "$bin" demo --serve --port "$port" --dir "$DATA/server" >"$DATA/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 120); do grep -q "serving until" "$DATA/server.log" && break; sleep 0.5; done
  grep -q "serving until" "$DATA/server.log" || { cat "$DATA/server.log" >&2; exit 1; }
  endpoint=http://127.0.0.1:$port
  access=$(sed -n 's/^export AWS_ACCESS_KEY_ID=//p' "$DATA/server.log")
  secret=$(sed -n 's/^export AWS_SECRET_ACCESS_KEY=//p' "$DATA/server.log")
fi
export AWS_ACCESS_KEY_ID=$access AWS_SECRET_ACCESS_KEY=$secret AWS_REGION=us-east-1
export AWS_CONFIG_FILE=$DATA/aws-config AWS_SHARED_CREDENTIALS_FILE=/dev/null
printf '[default]\nregion = us-east-1\ns3 =\n  max_concurrent_requests = %s\n' "$W" >"$AWS_CONFIG_FILE"
export RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_PROVIDER=Other
export RCLONE_CONFIG_BENCH_ENDPOINT=$endpoint RCLONE_CONFIG_BENCH_REGION=us-east-1
export RCLONE_CONFIG_BENCH_ACCESS_KEY_ID=$access RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY=$secret
: >"$DATA/s3scope.toml"
s3scope() { "$bin" --config "$DATA/s3scope.toml" --endpoint "$endpoint" --log-file "$DATA/s3scope.log" "$@"; }

# The same N files for every tool: 200 B to 4 KiB, named like the seed's CDRs.
if [ ! -f "$DATA/files/.complete" ]; then
  rm -rf "$DATA/files"
  python3 - "$DATA/files" "$N" <<'EOF'
import os, random, sys
out, n = sys.argv[1], int(sys.argv[2])
os.makedirs(out)
rng = random.Random(5)
for i in range(n):
    day = 24 + i % 14
    y, m, d = (2023, 1, day - 31) if day > 31 else (2022, 12, day)
    stamp = f"{y}{m:02}{d:02}-{rng.randrange(24):02}{rng.randrange(60):02}{rng.randrange(60):02}"
    name = (f"manifest-{y}{m:02}{d:02}-{i}.json" if i % 20 == 7 else
            f"CHARGINGCDR_4008-BRCCNH-CCNCDR44-01-Blk0Blk-{i:06}-{stamp}-{i % 100:02}.ccn")
    with open(os.path.join(out, name), "wb") as f:
        f.write(rng.randbytes(rng.randrange(200, 4096)))
open(os.path.join(out, ".complete"), "w").close()
EOF
fi

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
rate() { awk -v n="$N" -v s="$1" 'BEGIN { printf "%.0f", n / s }'; }
count() { rclone lsf -R --files-only "bench:$1/$2" 2>/dev/null | wc -l; }

# fill BUCKET: a fresh bucket holding the N files under incoming/.
fill() {
  local b=$1
  rclone mkdir "bench:$b"
  rclone copy "$DATA/files" "bench:$b/incoming" --exclude .complete --transfers 32 --checkers 32 --s3-no-check-bucket -q
  local have
  have=$(count "$b" incoming)
  [ "$have" = "$N" ] || { echo "upload to $b: $have of $N objects" >&2; exit 1; }
}

# check BUCKET DEST: N objects under DEST, none left under incoming/.
check() {
  local left moved
  left=$(count "$1" incoming)
  moved=$(count "$1" "$2")
  [ "$left" = 0 ] && [ "$moved" = "$N" ] || { echo "$1: $moved moved to $2/, $left left in incoming/" >&2; exit 1; }
}

stamp=$(date +%s)
echo "server: $SERVER ($endpoint); $N objects; concurrency $W; machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "uploading 5 x $N objects…"
fill "seg-s3scope-$stamp"
fill "seg-s3scope2-$stamp"
fill "seg-s3scope3-$stamp"
fill "seg-rclone-$stamp"
fill "seg-aws-$stamp"

# s3scope: plan, then apply the plan, with each --verify: list (default), head, copy-etag.
run_s3scope() {
  local b=$1 verify=$2 t0 t1 t2 moved
  local rule=(--bucket "$b" --source-prefix incoming/ --match-pattern '^CHARGINGCDR_.*-(\d{8})-?(\d{2}).*'
    --datetime-format %Y%m%d%H --target 'segregated/%Y/%m/%d/' --error-prefix errors/ --workers "$W")
  t0=$(now)
  s3scope segregate plan "${rule[@]}" --out "$DATA/plan-$verify.json" >/dev/null 2>"$DATA/plan.err"
  t1=$(now)
  s3scope segregate apply --plan "$DATA/plan-$verify.json" --journal "$DATA/journal-$verify.$stamp" \
    --workers "$W" --verify "$verify" --format json >"$DATA/report-$verify.json" 2>"$DATA/apply.err"
  t2=$(now)
  moved=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["moved"]["objects"]+r["moved_to_errors"]["objects"])' "$DATA/report-$verify.json")
  [ "$moved" = "$N" ] || { echo "s3scope moved $moved of $N" >&2; exit 1; }
  [ "$(count "$b" incoming)" = 0 ] || { echo "s3scope left objects in $b/incoming/" >&2; exit 1; }
  echo "$(secs "$t0" "$t1") $(secs "$t1" "$t2") $(secs "$t0" "$t2")"
}
read -r plan_s apply_s s3scope_s < <(run_s3scope "seg-s3scope-$stamp" list)
read -r _ _ head_s < <(run_s3scope "seg-s3scope2-$stamp" head)
read -r _ _ etag_s < <(run_s3scope "seg-s3scope3-$stamp" copy-etag)

t0=$(now)
rclone move "bench:seg-rclone-$stamp/incoming" "bench:seg-rclone-$stamp/moved" \
  --transfers "$W" --checkers "$W" --s3-no-check-bucket -q
t1=$(now)
check "seg-rclone-$stamp" moved
rclone_s=$(secs "$t0" "$t1")

t0=$(now)
"$AWS" --endpoint-url "$endpoint" s3 mv "s3://seg-aws-$stamp/incoming/" "s3://seg-aws-$stamp/moved/" \
  --recursive --only-show-errors
t1=$(now)
check "seg-aws-$stamp" moved
aws_s=$(secs "$t0" "$t1")

ratio() { awk -v a="$1" -v b="$s3scope_s" 'BEGIN { printf "%.2fx", a / b }'; }
echo
printf '%-44s %8s %10s %18s\n' "tool ($N objects, concurrency $W)" seconds objects/s "time vs s3scope"
printf '%-44s %8s %10s %18s\n' "s3scope segregate plan" "$plan_s" "$(rate "$plan_s")" ""
printf '%-44s %8s %10s %18s\n' "s3scope segregate apply --plan" "$apply_s" "$(rate "$apply_s")" ""
printf '%-44s %8s %10s %18s\n' "s3scope plan + apply (--verify list, default)" "$s3scope_s" "$(rate "$s3scope_s")" "1.00x"
printf '%-44s %8s %10s %18s\n' "s3scope plan + apply (--verify head)" "$head_s" "$(rate "$head_s")" "$(ratio "$head_s")"
printf '%-44s %8s %10s %18s\n' "s3scope plan + apply (--verify copy-etag)" "$etag_s" "$(rate "$etag_s")" "$(ratio "$etag_s")"
printf '%-44s %8s %10s %18s\n' "rclone move (--transfers/--checkers $W)" "$rclone_s" "$(rate "$rclone_s")" "$(ratio "$rclone_s")"
printf '%-44s %8s %10s %18s\n' "aws s3 mv --recursive (max_concurrent $W)" "$aws_s" "$(rate "$aws_s")" "$(ratio "$aws_s")"
faster=$(awk -v a="$rclone_s" -v b="$aws_s" 'BEGIN { print (a < b) ? a : b }')
target() { awk -v f="$faster" -v s="$1" 'BEGIN { printf "%.2fx (%s)", f / s, (f / s >= 2) ? "met" : "NOT met" }'; }
echo "target: s3scope >= 2x the faster of rclone and aws: $(target "$s3scope_s") with the default --verify list; --verify head $(target "$head_s"), --verify copy-etag $(target "$etag_s")"
echo
"$root/target/release/examples/segregate_preview"
