#!/usr/bin/env bash
# Time from `s3scope demo` (fresh temporary directory: seeding included) to the first frame
# that shows the demo buckets, in a real terminal (tmux). Prints seconds for each of N runs.
#   bash bench/first_frame.sh [N] [BINARY]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=${1:-3}
BIN=${2:-$root/target/release/s3scope}
command -v tmux >/dev/null || { apt-get update -qq >/dev/null; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux >/dev/null; }
[ -x "$BIN" ] || (cd "$root" && cargo build --release --quiet --bin s3scope)
for i in $(seq "$N"); do
  session=s3scope-ff-$$-$i
  t0=$(date +%s.%N)
  tmux new-session -d -s "$session" -x 100 -y 30 "env -u AWS_CA_BUNDLE $BIN demo"
  until tmux capture-pane -p -t "$session" 2>/dev/null | grep -q demo-versioned; do
    sleep 0.02
    awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { exit !(b - a > 60) }' && { echo "no frame after 60 s" >&2; break; }
  done
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" -v i="$i" 'BEGIN { printf "run %d: first frame with the buckets after %.2f s\n", i, b - a }'
  tmux send-keys -t "$session" q
  sleep 0.5
  tmux kill-session -t "$session" 2>/dev/null || true
done
