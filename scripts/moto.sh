#!/usr/bin/env bash
# moto's server on 127.0.0.1, the CloudWatch that s3scope's tests talk to.
#
#   scripts/moto.sh venv         create or update the project virtualenv .venv/ (test Python packages)
#   scripts/moto.sh start DIR    start moto_server (idempotent) and write DIR/moto.env (MOTO_ENDPOINT)
#   scripts/moto.sh stop  DIR    stop it by its pid file
#   scripts/moto.sh env   DIR    print `export MOTO_ENDPOINT=...`
#
# Knobs: MOTO_PORT (default: the first free port from 15000), PYTHON (python3).
# The packages come from scripts/requirements-test.txt, pinned by scripts/constraints-test.txt;
# after changing the requirements, regenerate the constraints with
#   rm -rf .venv && python3 -m venv .venv && .venv/bin/pip install -r scripts/requirements-test.txt
#   (head -n 2 scripts/constraints-test.txt; .venv/bin/pip freeze) > c.txt && mv c.txt scripts/constraints-test.txt
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
S3SCOPE_LOG_NAME=moto
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

venv=$root/.venv
requirements=$here/requirements-test.txt
constraints=$here/constraints-test.txt

usage() { echo "usage: $0 venv | start|stop|env DIR" >&2; exit 2; }

# The venv is rebuilt only when the requirements, the constraints or the Python change.
cmd_venv() {
  local python=${PYTHON:-python3} stamp want
  command -v "$python" >/dev/null || die "$python not found; install python3 and python3-venv"
  want=$({ "$python" --version 2>&1; cat "$requirements" "$constraints"; } | sha256sum | cut -d' ' -f1)
  stamp=$venv/.s3scope-requirements.sha256
  # The stamp is written only after a complete install, so it is proof enough.
  if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && [ -x "$venv/bin/moto_server" ]; then
    return 0
  fi
  "$python" -c 'import venv, ensurepip' 2>/dev/null ||
    die "$python cannot create virtualenvs; install python3-venv (apt-get install python3-venv)"
  if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import sys' 2>/dev/null; then
    log "creating $venv"
    rm -rf "$venv"
    "$python" -m venv "$venv" || die "$python -m venv $venv failed"
  fi
  rm -f "$stamp"
  log "pip install -r $(basename "$requirements") (pinned by $(basename "$constraints"))"
  timeout 900 "$venv/bin/pip" install --disable-pip-version-check -q \
    -r "$requirements" -c "$constraints" || die "pip install into $venv failed"
  echo "$want" >"$stamp"
  log "venv ready: $("$venv/bin/python" -c 'import moto; print("moto", moto.__version__)')"
}

moto_answers() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1/moto-api/")" = 200 ]; }

cmd_start() {
  command -v curl >/dev/null || die "curl not found; install curl"
  cmd_venv
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  local pidfile=$dir/moto.pid endpoint pid port
  if pid=$(pid_alive "$pidfile") && [ -f "$dir/moto.env" ]; then
    endpoint=$(sed -n 's/^MOTO_ENDPOINT=//p' "$dir/moto.env")
    if moto_answers "$endpoint"; then
      log "already running (pid $pid) at $endpoint"
      return 0
    fi
    stop_pid moto "$pidfile" moto_server
  fi
  if [ -n "${MOTO_PORT:-}" ]; then
    port=$MOTO_PORT
    port_open "$port" && die "MOTO_PORT=$port: 127.0.0.1:$port is already in use"
  else
    port=$(free_port 15000) || die "no free port in 15000-15099; set MOTO_PORT"
  fi
  endpoint=http://127.0.0.1:$port
  nohup "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >>"$dir/moto.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$pidfile"
  log "started moto_server (pid $pid) on 127.0.0.1:$port"
  local deadline=$(($(date +%s) + 30))
  until moto_answers "$endpoint"; do
    running "$pid" || { tail -n 20 "$dir/moto.log" >&2; die "moto_server exited; log: $dir/moto.log"; }
    [ "$(date +%s)" -lt "$deadline" ] || { tail -n 20 "$dir/moto.log" >&2; stop_pid moto "$pidfile" moto_server; die "moto_server did not answer within 30 s"; }
    sleep 0.1
  done
  echo "MOTO_ENDPOINT=$endpoint" >"$dir/moto.env.tmp"
  mv "$dir/moto.env.tmp" "$dir/moto.env"
  log "ready: MOTO_ENDPOINT=$endpoint"
}

cmd_stop() {
  [ -d "$dir" ] || return 0
  stop_pid moto "$dir/moto.pid" moto_server
}

cmd_env() {
  [ -f "$dir/moto.env" ] || die "$dir/moto.env not found; run: $0 start $dir"
  sed 's/^/export /' "$dir/moto.env"
}

cmd=${1:-}
case "$cmd" in
  venv) cmd_venv ;;
  start | stop | env)
    [ $# -ge 2 ] || usage
    dir=$2
    "cmd_$cmd"
    ;;
  *) usage ;;
esac
