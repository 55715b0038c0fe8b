#!/usr/bin/env bash
# Usage benchmark (issue 4), RGW: time and peak memory of
#   s3scope usage collect --source rgw
# on one GET /admin/usage answer of ENTRIES entries (default 100,000; five categories each),
# served by bench/usage_rgw_server.py in the JSON shape of Ceph RGW 16. A real RGW cannot be
# made to hold 100,000 user x bucket x hour entries quickly; this measures s3scope's side
# (download, parse, aggregate, state, summary and backup writes). Prints wall time and peak RSS.
#
#   bash bench/usage-rgw.sh [ENTRIES]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
ENTRIES=${1:-100000}
HOURS=20
DATA=$root/.bench/usage-rgw-$ENTRIES
rm -rf "$DATA" && mkdir -p "$DATA"
while IFS= read -r var; do unset "$var"; done < <(compgen -e | grep -E '^(AWS_|S3SCOPE_)' || true)

cargo build --release --quiet --bin s3scope
S3SCOPE=$root/target/release/s3scope

until_epoch=$(( ($(date -u +%s) / 3600 - 1) * 3600 ))
since_epoch=$(( until_epoch - HOURS * 3600 ))
python3 bench/usage_rgw_server.py "$ENTRIES" "$since_epoch" "$HOURS" "$DATA/port" > "$DATA/server.out" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 600); do [ -s "$DATA/port" ] && break; sleep 0.2; done
cat "$DATA/server.out"
touch "$DATA/config.toml"
since=$(date -u -d "@$since_epoch" +%Y-%m-%dT%H:%M:%SZ)
until=$(date -u -d "@$until_epoch" +%Y-%m-%dT%H:%M:%SZ)
# The usage collector's own arguments, as a cron line would pass them.
cmd=("$S3SCOPE" --config "$DATA/config.toml" usage collect --since "$since" --until "$until" --settle-secs 0
  PUBLIC_S3_KEY=BENCHACCESSKEY SECRET_S3_KEY=bench-secret "S3_SERVERNOHTTPS=http://127.0.0.1:$(cat "$DATA/port")"
  "RESULTS_DIR=$DATA/out/results" "USAGE_BACKUP_DIR=$DATA/out/backups")
echo "+ ${cmd[*]}" >&2
/usr/bin/time -v "${cmd[@]}" > "$DATA/report.txt" 2> "$DATA/time.txt" || { cat "$DATA/report.txt" "$DATA/time.txt"; exit 1; }
cat "$DATA/report.txt"
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$DATA/time.txt")
rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$DATA/time.txt")
ls -l "$DATA/out/results" | awk 'NR > 1 { printf "  %s %s bytes\n", $9, $5 }'
echo "rgw: $ENTRIES usage entries: wall ${wall}, peak RSS $((rss / 1024)) MiB"
