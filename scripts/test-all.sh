#!/usr/bin/env bash
# The project's test command: `bash scripts/test-all.sh` (also what CI runs, via .ci/run).
#
# 1. installs the Debian packages the tests need when missing (Ceph, curl, promtool, python3-venv),
# 2. creates/updates the Python virtualenv .venv/ (moto),
# 3. starts a fresh Ceph RGW and moto under .test-servers/ and exports their endpoints and keys,
# 4. runs cargo fmt --check, cargo clippy (warnings are errors), builds the portable release
#    binary (scripts/build-portable.sh: cargo zigbuild for glibc 2.17, the longest step; quick
#    when nothing changed) and cargo test, all targets of the whole workspace (the root crate and
#    crates/faultproxy); tests/cli/portable.rs then checks that binary and FAILS when it is missing
#    (S3SCOPE_PORTABLE_REQUIRED=1). PORTABLE=0 skips the build and those checks: for a quick local
#    run only, CI never sets it,
# 5. stops the servers on every exit path, prints the time of each step and exits non-zero
#    when any check failed (with cargo test's own status when the tests failed).
#
# Ports are picked automatically (the first free ones from 18080, 13300 and 15000).
# KEEP_SERVERS=1 leaves the servers running afterwards, for `cargo test` by hand; then
#   eval "$(scripts/ceph-rgw.sh env .test-servers/ceph)"; eval "$(scripts/moto.sh env .test-servers/moto)"
# shellcheck disable=SC2317 # the functions below run through `trap` and `step "$@"`
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
S3SCOPE_LOG_NAME=test-all
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

keep_servers=${KEEP_SERVERS:-0}
servers=$root/.test-servers
# The tests see only the servers started here: nothing of this machine's AWS setup
# (AWS_CA_BUNDLE, AWS_PROFILE, keys...), s3scope settings or stale server variables.
while IFS= read -r var; do
  unset "$var"
done < <(compgen -e | grep -E '^(AWS_|S3SCOPE_|RGW_|MOTO_|CEPH_)' || true)

summary=()
started_servers=0

# step NAME CMD...: run CMD, record its duration and status for the summary; returns CMD's status.
step() {
  local name=$1 t0 rc=0 secs
  shift
  t0=$(date +%s.%N)
  log "---- $name"
  "$@" || rc=$?
  secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  summary+=("$(printf '%-40s %7ss  %s' "$name" "$secs" "$([ "$rc" = 0 ] && echo ok || echo "FAILED (exit $rc)")")")
  log "---- $name: ${secs}s, exit $rc"
  return "$rc"
}

print_summary() {
  local line
  echo "==== test-all summary ($(elapsed)s in all)" >&2
  for line in "${summary[@]}"; do echo "  $line" >&2; done
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ "$started_servers" = 1 ] && [ "$keep_servers" != 1 ]; then
    step "stop moto" bash scripts/moto.sh stop "$servers/moto" || true
    step "stop Ceph RGW" bash scripts/ceph-rgw.sh stop "$servers/ceph" || true
  elif [ "$started_servers" = 1 ]; then
    log "KEEP_SERVERS=1: leaving Ceph RGW and moto running; stop them with scripts/ceph-rgw.sh stop $servers/ceph and scripts/moto.sh stop $servers/moto"
  fi
  print_summary
  exit "$rc"
}
install_packages() {
  # prometheus: its promtool validates the /metrics exposition of `s3scope serve`.
  # tinyproxy: the forward proxy of tests/cli/proxy.rs; openssl: its TLS endpoint's certificate;
  # binutils: objdump, for the glibc symbol versions of the portable binary.
  # ncdu, gdu: tests open `du --format ncdu` exports in the real programs.
  local pkgs=(ceph-mon ceph-osd radosgw ceph-common uuid-runtime curl prometheus tinyproxy openssl binutils ncdu gdu)
  if ! command -v python3 >/dev/null; then
    pkgs+=(python3 python3-venv)
  elif ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    pkgs+=(python3-venv)
  fi
  ensure_apt_packages "${pkgs[@]}"
}

start_servers() {
  started_servers=1
  mkdir -p "$servers"
  step "start Ceph RGW (fresh)" env FRESH=1 bash scripts/ceph-rgw.sh start "$servers/ceph" ||
    die "Ceph RGW did not start; its logs are in $servers/ceph/log"
  step "start moto" bash scripts/moto.sh start "$servers/moto" ||
    die "moto did not start; its log is $servers/moto/moto.log"
  set -a
  # shellcheck source=/dev/null
  . "$servers/ceph/rgw.env"
  # shellcheck source=/dev/null
  . "$servers/moto/moto.env"
  set +a
  log "RGW_ENDPOINT=$RGW_ENDPOINT MOTO_ENDPOINT=$MOTO_ENDPOINT"
}

on_signal() {
  log "interrupted"
  exit 130
}
trap cleanup EXIT
trap on_signal INT TERM

step "apt packages" install_packages || die "cannot install the Debian packages the tests need"
step "python venv (.venv, moto)" bash scripts/moto.sh venv || die "cannot set up the Python virtualenv .venv"
start_servers

failed=0
test_rc=0
step "cargo fmt --check" cargo fmt --all -- --check || failed=1
step "cargo clippy -D warnings" cargo clippy --locked --workspace --all-targets -- -D warnings || failed=1
# The portable binary (release, glibc 2.17) that tests/cli/portable.rs checks, built before
# cargo test so a failure there still leaves the tests to run. The tests are told it is required:
# when the build failed they fail too, they do not skip. PORTABLE=0 (local runs only, never CI)
# leaves it out, and says so in the summary.
if [ "${PORTABLE:-1}" = 0 ]; then
  log "PORTABLE=0: not building or checking the portable binary (CI always does)"
  summary+=("$(printf '%-40s %7s   %s' "portable binary (cargo zigbuild)" - "SKIPPED (PORTABLE=0)")")
else
  step "portable binary (cargo zigbuild)" bash scripts/build-portable.sh || failed=1
  S3SCOPE_PORTABLE_BIN=$root/dist/s3scope-$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)-x86_64-linux
  S3SCOPE_PORTABLE_REQUIRED=1
  export S3SCOPE_PORTABLE_BIN S3SCOPE_PORTABLE_REQUIRED
fi
step "cargo test" cargo test --locked --workspace --no-fail-fast --all-targets || test_rc=$?

if [ "$test_rc" != 0 ]; then
  exit "$test_rc"
fi
exit "$failed"
