#!/usr/bin/env bash
# TUI frame-time benchmark (issue 3): the Browse pane drawn at 160x48 into a TestBackend every
# 16 ms while a scan of N objects (default 200000) on the embedded server grows its tree.
# Prints p50/p99/max frame time (events applied + draw) during the scan, and for paging and
# sorting a prefix with N/20 children afterwards. Target: p99 <= 16 ms in a release build.
#
#   bash bench/tui_frame.sh [N]     (data kept in .bench/tui-frame-N for reruns)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
N=${1:-200000}
DATA=$root/.bench/tui-frame-$N
mkdir -p "$DATA"
cargo build --release --quiet --example tui_frame
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$root/target/release/examples/tui_frame" "$DATA" "$N"
