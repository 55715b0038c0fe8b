# shellcheck shell=bash
# Helpers shared by the project's scripts: timed log lines, fatal errors, bounded waits,
# port probes and the apt install of missing Debian packages. Source it, don't run it.

# Seconds since the sourcing script started, for the "[name  12.3s]" log prefix.
S3SCOPE_T0=${S3SCOPE_T0:-$(date +%s.%N)}
S3SCOPE_LOG_NAME=${S3SCOPE_LOG_NAME:-$(basename "$0" .sh)}

elapsed() { awk -v t0="$S3SCOPE_T0" -v now="$(date +%s.%N)" 'BEGIN { printf "%.1f", now - t0 }'; }
log() { printf '[%s %6ss] %s\n' "$S3SCOPE_LOG_NAME" "$(elapsed)" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$S3SCOPE_LOG_NAME" "$*" >&2; exit 1; }

# wait_for SECONDS WHAT CMD...: run CMD every 0.2 s until it succeeds; fail after SECONDS.
wait_for() {
  local deadline=$(($(date +%s) + $1)) what=$2
  shift 2
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.2
  done
  log "$what: ok"
}

# port_open PORT: something accepts TCP connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port FIRST: the first port >= FIRST (up to FIRST+99) that nothing listens on.
free_port() {
  local p
  for ((p = $1; p < $1 + 100; p++)); do
    port_open "$p" || { echo "$p"; return 0; }
  done
  return 1
}

# running PID: the process exists and is not a zombie (an exited daemon that nobody reaped
# yet still answers `kill -0`, and some container inits never reap orphans).
running() {
  kill -0 "$1" 2>/dev/null || return 1
  [ "$(sed -E 's/^.*\) ([A-Za-z]).*$/\1/' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

# pid_alive PIDFILE: print the pid recorded in PIDFILE if that process is still running.
pid_alive() {
  local p
  p=$(cat "$1" 2>/dev/null) && [ -n "$p" ] && running "$p" && echo "$p"
}

# stop_pid NAME PIDFILE PATTERN [GRACE]: SIGTERM the process of PIDFILE if its command line
# matches PATTERN (a recycled pid is left alone), SIGKILL it after GRACE seconds (10).
stop_pid() {
  local name=$1 file=$2 pattern=$3 grace=${4:-10} p i
  if p=$(pid_alive "$file") && grep -qaE "$pattern" "/proc/$p/cmdline" 2>/dev/null; then
    kill -TERM "$p" 2>/dev/null || true
    for ((i = 0; i < grace * 10; i++)); do
      running "$p" || break
      sleep 0.1
    done
    if running "$p"; then
      log "$name (pid $p) ignored SIGTERM for ${grace}s: SIGKILL"
      kill -KILL "$p" 2>/dev/null || true
    fi
    log "stopped $name (pid $p)"
  fi
  rm -f "$file"
}

# ensure_apt_packages PKG...: install the Debian packages that are not installed yet,
# with a single `apt-get update` first, and only when something is missing.
ensure_apt_packages() {
  local pkg missing=()
  for pkg in "$@"; do
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" = installed ] || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "missing packages: ${missing[*]}; install them with your package manager"
  [ "$(id -u)" = 0 ] || die "missing packages: ${missing[*]}; run: sudo apt-get install ${missing[*]}"
  log "apt-get install ${missing[*]}"
  local apt=(timeout 900 apt-get -q -o DPkg::Lock::Timeout=120 -o Dpkg::Use-Pty=0) out
  out=$(mktemp)
  # shellcheck disable=SC2064 # expand $out now: the trap outlives this function's locals
  trap "rm -f '$out'" RETURN
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" update >"$out" 2>&1 ||
    { tail -n 20 "$out" >&2; die "apt-get update failed (is the Debian mirror reachable?)"; }
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends "${missing[@]}" >"$out" 2>&1 ||
    { tail -n 20 "$out" >&2; die "apt-get install ${missing[*]} failed"; }
  log "installed ${missing[*]}"
}
