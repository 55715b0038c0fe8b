#!/usr/bin/env bash
# Usage benchmark (issue 4), access logs: time and peak memory of
#   s3scope usage collect --source access-logs
# over LINES access-log lines (default 1,000,000) in OBJECTS log objects (default 1000),
# served by `s3scope demo --serve` on 127.0.0.1 (its own process: the collector's figures
# are the collector's alone). Prints wall time, peak RSS (max resident set size) and lines/s.
#
#   bash bench/usage-access-logs.sh [LINES] [OBJECTS]   (data kept in .bench/usage-logs-LINES)
#
# Needs the AWS CLI to upload the generated objects (Debian package awscli; installed when missing).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
LINES=${1:-1000000}
OBJECTS=${2:-1000}
HOURS=24
DATA=$root/.bench/usage-logs-$LINES
mkdir -p "$DATA"
[ -x /usr/bin/aws ] || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli >/dev/null; }
while IFS= read -r var; do unset "$var"; done < <(compgen -e | grep -E '^(AWS_|S3SCOPE_)' || true)

cargo build --release --quiet --bin s3scope
S3SCOPE=$root/target/release/s3scope

"$S3SCOPE" demo --serve --dir "$DATA/store" > "$DATA/serve.out" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 600); do grep -q '^export AWS_REGION' "$DATA/serve.out" 2>/dev/null && break; sleep 0.5; done
eval "$(grep '^export' "$DATA/serve.out")"
EP=$AWS_ENDPOINT_URL
unset AWS_ENDPOINT_URL
export AWS_EC2_METADATA_DISABLED=true

# The window: the HOURS hours ending 2 hours ago (whole hours, in the past).
until_epoch=$(( ($(date -u +%s) / 3600 - 2) * 3600 ))
since_epoch=$(( until_epoch - HOURS * 3600 ))
if ! [ -f "$DATA/uploaded-$since_epoch" ]; then
  rm -rf "$DATA/logs" "$DATA"/uploaded-*
  python3 bench/usage_gen_logs.py "$DATA/logs" "$LINES" "$OBJECTS" "$since_epoch" "$HOURS"
  /usr/bin/aws --endpoint-url "$EP" s3 mb s3://bench-logs >/dev/null 2>&1 || true
  echo "uploading $(du -sh "$DATA/logs" | cut -f1) of log objects..." >&2
  /usr/bin/aws --endpoint-url "$EP" s3 cp --recursive --quiet "$DATA/logs" s3://bench-logs/logs/
  touch "$DATA/uploaded-$since_epoch"
fi

cat > "$DATA/config.toml" <<TOML
[profiles.bench]
endpoint = "$EP"
region = "us-east-1"
path_style = true
access_key_id = "$AWS_ACCESS_KEY_ID"
secret_access_key = "$AWS_SECRET_ACCESS_KEY"
TOML
since=$(date -u -d "@$since_epoch" +%Y-%m-%dT%H:%M:%SZ)
until=$(date -u -d "@$until_epoch" +%Y-%m-%dT%H:%M:%SZ)
rm -rf "$DATA/out"
cmd=("$S3SCOPE" --config "$DATA/config.toml" --profile bench usage collect --source access-logs
  --log-bucket bench-logs --log-prefix logs/ --since "$since" --until "$until" --log-lag-hours 1
  --results-dir "$DATA/out/results" --backup-dir "$DATA/out/backups")
echo "+ ${cmd[*]}" >&2
/usr/bin/time -v "${cmd[@]}" > "$DATA/report.txt" 2> "$DATA/time.txt" || { cat "$DATA/report.txt" "$DATA/time.txt"; exit 1; }
cat "$DATA/report.txt"
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$DATA/time.txt")
rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$DATA/time.txt")
secs=$(echo "$wall" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
echo "access logs: $LINES lines in $OBJECTS objects: wall ${wall} (${secs} s), peak RSS $((rss / 1024)) MiB, $(awk -v l="$LINES" -v s="$secs" 'BEGIN { printf "%.0f", l / s }') lines/s"
