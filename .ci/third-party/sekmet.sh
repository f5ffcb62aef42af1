#!/usr/bin/env bash
# Run the third-party FHIR R4 server `sekmet-fhir` (a Python package) on 127.0.0.1 for tests.
#
#   sekmet.sh install        create the venv and install the pinned version (idempotent)
#   sekmet.sh start          start the server with an empty temporary data folder; wait for /metadata
#   sekmet.sh load FILE      POST a transaction/batch Bundle to the base; fail on any non-2xx
#   sekmet.sh token          print a bearer token (SEKMET_AUTH=smart or bearer only)
#   sekmet.sh status         say whether it runs, and where
#   sekmet.sh url            print the FHIR base URL of the running server
#   sekmet.sh stop           stop it and delete its data folder
#
# Environment (all optional):
#   SEKMET_VENV           venv folder                        (default: <repo>/.ci/.venv-sekmet)
#   SEKMET_STATE          state folder: pid, base URL, log   (default: <repo>/.ci/.sekmet)
#   SEKMET_PORT           port on 127.0.0.1, 0 = any free one (default: 8088)
#   SEKMET_PYTHON         Python >= 3.11 used to create the venv (default: python3)
#   SEKMET_CONSTRAINTS    pip constraints file, "none" to let pip resolve freely
#                         (default: sekmet-constraints.txt beside this script)
#   SEKMET_AUTH           none | bearer | smart               (default: none)
#   SEKMET_START_TIMEOUT  seconds to wait for /metadata       (default: 60)
#
# Docs: docs/third-party.md
set -euo pipefail

SEKMET_VERSION="0.1.1"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${SEKMET_VENV:-$repo/.ci/.venv-sekmet}"
state="${SEKMET_STATE:-$repo/.ci/.sekmet}"
port_wanted="${SEKMET_PORT:-8088}"
python="${SEKMET_PYTHON:-python3}"
constraints="${SEKMET_CONSTRAINTS:-$here/sekmet-constraints.txt}"
auth="${SEKMET_AUTH:-none}"
start_timeout="${SEKMET_START_TIMEOUT:-60}"

die() { echo "sekmet.sh: error: $*" >&2; exit 1; }
say() { echo "sekmet.sh: $*" >&2; }

# A folder of run-time files that git should not see: it ignores itself.
make_private_dir() {
  mkdir -p "$1"
  [[ -f "$1/.gitignore" ]] || printf '*\n' > "$1/.gitignore"
}

need_curl() { command -v curl > /dev/null || die "curl is not installed (apt-get install curl)"; }

installed_version() {
  [[ -x "$venv/bin/sekmet" ]] || return 1
  "$venv/bin/sekmet" --version 2> /dev/null | awk '{print $2}'
}

cmd_install() {
  if [[ "$(installed_version || true)" == "$SEKMET_VERSION" ]]; then
    say "sekmet-fhir $SEKMET_VERSION already installed in $venv"
    return 0
  fi
  command -v "$python" > /dev/null || die "'$python' not found; set SEKMET_PYTHON to a Python 3.11+ interpreter"
  "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
    || die "sekmet-fhir needs Python >= 3.11; '$python' is $("$python" -V 2>&1)"
  if [[ ! -x "$venv/bin/python" ]]; then
    say "creating venv $venv"
    "$python" -m venv "$venv" || die "could not create a venv at $venv (is the venv module installed? apt-get install python3-venv)"
  fi
  [[ -f "$venv/.gitignore" ]] || printf '*\n' > "$venv/.gitignore"
  local pip_args=(--disable-pip-version-check --no-input --quiet)
  if [[ "$constraints" != "none" ]]; then
    [[ -f "$constraints" ]] || die "constraints file $constraints not found (SEKMET_CONSTRAINTS=none to skip)"
    pip_args+=(--constraint "$constraints")
  fi
  say "installing sekmet-fhir==$SEKMET_VERSION into $venv"
  "$venv/bin/python" -m pip install "${pip_args[@]}" "sekmet-fhir==$SEKMET_VERSION" \
    || die "pip install sekmet-fhir==$SEKMET_VERSION failed"
  local got
  got="$(installed_version || true)"
  [[ "$got" == "$SEKMET_VERSION" ]] || die "after install, 'sekmet --version' says '${got:-nothing}', not $SEKMET_VERSION"
  say "installed sekmet-fhir $got"
}

# True while process $1 exists and is not a zombie (an orphan whose parent never reaps it).
alive() {
  kill -0 "$1" 2> /dev/null || return 1
  if [[ -r "/proc/$1/stat" ]]; then
    local stat
    stat="$(cat "/proc/$1/stat" 2> /dev/null)" || return 1
    stat="${stat##*) }"
    [[ "${stat%% *}" != Z ]]
  fi
}

pid_alive() { [[ -f "$state/pid" ]] && alive "$(cat "$state/pid")"; }

base_url() {
  [[ -f "$state/base_url" ]] || die "no server state in $state (run: sekmet.sh start)"
  cat "$state/base_url"
}

free_port() {
  "$venv/bin/python" - << 'EOF'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF
}

# True when nothing may bind the port (bound the way uvicorn binds, with SO_REUSEADDR).
port_taken() {
  "$venv/bin/python" - "$1" << 'EOF'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(0)
finally:
    s.close()
sys.exit(1)
EOF
}

# True when something accepts connections on the port.
port_listening() {
  "$venv/bin/python" - "$1" << 'EOF'
import socket, sys
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2).close()
except OSError:
    sys.exit(1)
sys.exit(0)
EOF
}

random_secret() { "$venv/bin/python" -c 'import secrets; print(secrets.token_urlsafe(32))'; }

write_settings() {
  local port="$1" data="$2" base="http://127.0.0.1:$1/fhir"
  {
    echo "# written by .ci/third-party/sekmet.sh start"
    echo "base_url: $base"
    echo "host: 127.0.0.1"
    echo "port: $port"
    echo "data_dir: $data"
    echo "own_private_key_path: $data/keys/sekmet_private.pem"
    echo "simulator: {enabled: false}       # no lab/pharmacy/payer resources created behind our back"
    echo "validation: {inbound: strict}"
    case "$auth" in
      none)
        echo "server_auth: {types: [none]}"
        ;;
      bearer)
        local token
        token="$(random_secret)"
        printf '%s\n' "$token" > "$state/token"
        echo "server_auth: {types: [bearer], tokens: [\"$token\"]}"
        ;;
      smart)
        local secret
        secret="$(random_secret)"
        printf '%s\n' "$secret" > "$state/client_secret"
        printf 'assure\n' > "$state/client_id"
        echo "server_auth:"
        echo "  types: [smart]"
        echo "  token_lifetime: 3600"
        echo "  smart_clients:"
        echo "    - {client_id: assure, client_secret: \"$secret\", scopes: \"system/*.read system/*.write\"}"
        ;;
      *) die "SEKMET_AUTH must be none, bearer or smart (got '$auth')" ;;
    esac
  } > "$state/settings.yaml"
  chmod 600 "$state/settings.yaml"
}

cmd_start() {
  need_curl
  case "$auth" in
    none | bearer | smart) ;;
    *) die "SEKMET_AUTH must be none, bearer or smart (got '$auth')" ;;
  esac
  [[ "$(installed_version || true)" == "$SEKMET_VERSION" ]] \
    || die "sekmet-fhir $SEKMET_VERSION is not installed in $venv (run: sekmet.sh install)"
  if pid_alive; then
    local base
    base="$(base_url)"
    if curl -fsS -o /dev/null --max-time 5 "$base/metadata"; then
      say "already running (pid $(cat "$state/pid")) at $base"
      echo "$base"
      return 0
    fi
    die "pid $(cat "$state/pid") is alive but $base/metadata does not answer; run: sekmet.sh stop"
  fi
  make_private_dir "$state"
  rm -f "$state/pid" "$state/base_url" "$state/port" "$state/data_dir" "$state/token" \
    "$state/client_id" "$state/client_secret"
  : > "$state/server.log"

  local port="$port_wanted"
  [[ "$port" =~ ^[0-9]+$ ]] || die "SEKMET_PORT must be a number (0 for any free port), got '$port'"
  if [[ "$port" == 0 ]]; then
    port="$(free_port)"
  elif port_taken "$port"; then
    die "port $port on 127.0.0.1 is in use; set SEKMET_PORT to another port, or SEKMET_PORT=0 for a free one"
  fi

  local data
  data="$(mktemp -d "${TMPDIR:-/tmp}/sekmet-data.XXXXXX")"
  printf '%s\n' "$data" > "$state/data_dir"
  write_settings "$port" "$data"
  local base="http://127.0.0.1:$port/fhir"

  # Started in a session of its own, so that `stop` can end exactly this process group. Its
  # working folder is the data folder (sekmet looks for ./scenarios and ./settings.yaml there).
  # The SEKMET_* variables sekmet reads itself are set or cleared so that settings.yaml rules.
  local pid
  pid="$(cd "$data" && env -u SEKMET_BASE_URL -u SEKMET_DB -u SEKMET_PUBLIC_URL \
    SEKMET_CONFIG="$state/settings.yaml" SEKMET_PORT="$port" \
    "$venv/bin/python" - "$state/server.log" "$venv/bin/sekmet" serve --config "$state/settings.yaml" \
    --host 127.0.0.1 --port "$port" << 'EOF'
import subprocess, sys
log = open(sys.argv[1], "ab")
p = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                     start_new_session=True)
print(p.pid)
EOF
)" || die "could not launch $venv/bin/sekmet"
  printf '%s\n' "$pid" > "$state/pid"

  local waited=0
  until curl -fsS -o /dev/null --max-time 2 "$base/metadata" 2> /dev/null; do
    if ! alive "$pid"; then
      echo "---- $state/server.log (last 40 lines) ----" >&2
      tail -n 40 "$state/server.log" >&2 || true
      rm -f "$state/pid"
      rm -rf "$data"
      die "sekmet exited before answering $base/metadata"
    fi
    if (( waited >= start_timeout )); then
      echo "---- $state/server.log (last 40 lines) ----" >&2
      tail -n 40 "$state/server.log" >&2 || true
      cmd_stop > /dev/null 2>&1 || true
      die "no answer from $base/metadata within ${start_timeout}s"
    fi
    sleep 1
    waited=$((waited + 1))
  done
  printf '%s\n' "$base" > "$state/base_url"
  printf '%s\n' "$port" > "$state/port"
  say "sekmet-fhir $SEKMET_VERSION running (pid $pid, auth $auth, data $data, log $state/server.log)"
  echo "$base"
}

# Authorization header for requests to the running server, if it wants one.
auth_header() {
  if [[ -f "$state/token" ]]; then
    echo "Authorization: Bearer $(cat "$state/token")"
  elif [[ -f "$state/client_secret" ]]; then
    echo "Authorization: Bearer $(cmd_token)"
  fi
}

cmd_token() {
  need_curl
  pid_alive || die "sekmet is not running (run: sekmet.sh start)"
  if [[ -f "$state/token" ]]; then
    cat "$state/token"
    return 0
  fi
  [[ -f "$state/client_secret" ]] || die "the server runs without auth (start it with SEKMET_AUTH=smart or bearer)"
  local base root out status
  base="$(base_url)"
  root="${base%/fhir}"
  out="$(mktemp)"
  status="$(curl -sS -o "$out" -w '%{http_code}' --max-time 30 \
    -u "$(cat "$state/client_id"):$(cat "$state/client_secret")" \
    -d grant_type=client_credentials --data-urlencode 'scope=system/*.read system/*.write' \
    "$root/auth/token")" || { rm -f "$out"; die "POST $root/auth/token failed"; }
  if [[ "$status" != 200 ]]; then
    cat "$out" >&2
    echo >&2
    rm -f "$out"
    die "POST $root/auth/token answered HTTP $status"
  fi
  "$venv/bin/python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["access_token"])' "$out"
  rm -f "$out"
}

cmd_load() {
  need_curl
  local file="${1:-}"
  [[ -n "$file" ]] || die "usage: sekmet.sh load FILE (a transaction or batch Bundle, JSON)"
  [[ -f "$file" ]] || die "no such file: $file"
  pid_alive || die "sekmet is not running (run: sekmet.sh start)"
  local base out status header
  base="$(base_url)"
  header="$(auth_header)"
  out="$(mktemp)"
  local args=(-sS -o "$out" -w '%{http_code}' --max-time 120 -X POST
    -H 'Content-Type: application/fhir+json' -H 'Accept: application/fhir+json')
  [[ -n "$header" ]] && args+=(-H "$header")
  status="$(curl "${args[@]}" --data-binary "@$file" "$base")" \
    || { rm -f "$out"; die "POST $base failed (connection)"; }
  if [[ ! "$status" =~ ^2 ]]; then
    echo "---- response (HTTP $status) ----" >&2
    cat "$out" >&2
    echo >&2
    rm -f "$out"
    die "loading $file: POST $base answered HTTP $status"
  fi
  # A batch answers 200 even when entries fail: every entry must be 2xx too.
  if ! "$venv/bin/python" - "$out" "$file" << 'EOF'
import json, sys
resp = json.load(open(sys.argv[1], encoding="utf-8"))
entries = resp.get("entry", []) or []
bad = [(i, e.get("response", {})) for i, e in enumerate(entries)
       if not str(e.get("response", {}).get("status", "")).startswith("2")]
counts = {}
for e in entries:
    s = str(e.get("response", {}).get("status", "?"))
    counts[s] = counts.get(s, 0) + 1
print(f"sekmet.sh: {sys.argv[2]}: {resp.get('type')} with {len(entries)} entries: "
      + ", ".join(f"{n} x {s}" for s, n in sorted(counts.items())), file=sys.stderr)
for i, r in bad:
    print(f"  entry {i}: {r.get('status')} {json.dumps(r.get('outcome', {}))[:500]}", file=sys.stderr)
sys.exit(1 if bad or resp.get("resourceType") != "Bundle" else 0)
EOF
  then
    rm -f "$out"
    die "loading $file: some entries failed (above)"
  fi
  rm -f "$out"
}

cmd_status() {
  if pid_alive; then
    echo "running: pid $(cat "$state/pid"), base $(cat "$state/base_url" 2> /dev/null || echo '?')"
  else
    echo "not running"
    return 1
  fi
}

cmd_url() { pid_alive || die "sekmet is not running (run: sekmet.sh start)"; base_url; }

cmd_stop() {
  if [[ -f "$state/pid" ]]; then
    local pid
    pid="$(cat "$state/pid")"
    if alive "$pid"; then
      # The process leads its own session and group: end that group (it and any children).
      kill -TERM -- "-$pid" 2> /dev/null || kill -TERM "$pid" 2> /dev/null || true
      local _
      for _ in $(seq 1 50); do
        alive "$pid" || break
        sleep 0.2
      done
      if alive "$pid"; then
        say "pid $pid did not stop on TERM within 10 s; sending KILL"
        kill -KILL -- "-$pid" 2> /dev/null || kill -KILL "$pid" 2> /dev/null || true
        sleep 0.5
      fi
      alive "$pid" && die "could not stop pid $pid"
      say "stopped pid $pid"
    else
      say "pid $pid was not running"
    fi
  else
    say "not running (no $state/pid)"
  fi
  if [[ -f "$state/data_dir" ]]; then
    local data
    data="$(cat "$state/data_dir")"
    case "$data" in
      */sekmet-data.*) rm -rf "$data" ;;
      *) say "not deleting unexpected data folder '$data'" ;;
    esac
  fi
  if [[ -f "$state/port" ]]; then
    local port
    port="$(cat "$state/port")"
    if [[ -x "$venv/bin/python" ]] && port_listening "$port"; then
      die "something still listens on 127.0.0.1:$port after stop"
    fi
  fi
  rm -f "$state/pid" "$state/base_url" "$state/port" "$state/data_dir" "$state/token" \
    "$state/client_id" "$state/client_secret" "$state/settings.yaml"
}

usage() {
  sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  load) shift; cmd_load "$@" ;;
  token) cmd_token ;;
  status) cmd_status ;;
  url) cmd_url ;;
  stop) cmd_stop ;;
  -h | --help | help) usage ;;
  "") usage >&2; exit 2 ;;
  *) echo "sekmet.sh: unknown command '$1'" >&2; usage >&2; exit 2 ;;
esac
