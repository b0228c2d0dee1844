#!/usr/bin/env bash
# Installs and starts what the site and its tests need on a fresh Debian machine, and does
# nothing slow when everything is already there.
#   scripts/system-deps.sh run    docker (dockerd, gVisor's runsc) and debootstrap: enough for `make run`
#   scripts/system-deps.sh test   the above plus docker-compose, redis-server, chromium and unixodbc
#
# The `need` lines below are the one list of external programs the project starts, with the
# Debian package that provides each and the mode that needs it. tests/test_system_deps.py
# fails when a script or test starts a program that is not listed here.
set -euo pipefail
mode=${1:-test}
case "$mode" in run|test) ;; *) echo "usage: $0 run|test" >&2; exit 2 ;; esac
var_dir=${ACADEMY_VAR_DIR:-$(pwd)/var}
mkdir -p "$var_dir"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

packages=()
need() {  # <program> <debian package…> <mode: run|test>
  local program=$1 want=${*: -1}
  local debs=("${@:2:$#-2}")
  [ "$want" = run ] || [ "$mode" = test ] || return 0
  command -v "$program" >/dev/null 2>&1 || packages+=("${debs[@]}")
}
need dockerd docker.io run
need docker docker.io run
need runsc runsc run
need debootstrap debootstrap run
need docker-compose docker-compose test
need redis-server redis-server test
need redis-cli redis-tools test
need chromium chromium test
# mssql-django imports pyodbc, which needs the unixODBC driver manager (libodbc2).
need isql unixodbc libodbc2 test

if [ ${#packages[@]} -gt 0 ]; then
  mapfile -t packages < <(printf '%s\n' "${packages[@]}" | sort -u)
  echo "==> apt-get install ${packages[*]} (first run on a bare machine: about 2-4 minutes; log: $var_dir/apt.log)"
  as_root apt-get update -q >"$var_dir/apt.log" 2>&1
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q "${packages[@]}" >>"$var_dir/apt.log" 2>&1 \
    || { tail -30 "$var_dir/apt.log"; exit 1; }
fi

# gVisor's runsc as a dockerd runtime. Here it must run with --network=none, or containers
# fail to start ("cannot run with network enabled in root network namespace").
daemon_json=/etc/docker/daemon.json
if ! grep -q '"runsc"' "$daemon_json" 2>/dev/null; then
  echo "==> registering runsc in $daemon_json"
  as_root mkdir -p /etc/docker
  as_root python3 - "$daemon_json" <<'EOF'
import json, sys, pathlib
path = pathlib.Path(sys.argv[1])
config = json.loads(path.read_text()) if path.exists() and path.read_text().strip() else {}
config.setdefault("runtimes", {})["runsc"] = {"path": "/usr/bin/runsc", "runtimeArgs": ["--network=none"]}
path.write_text(json.dumps(config, indent=2) + "\n")
EOF
  # A running dockerd reloads its runtimes on SIGHUP.
  pkill -HUP -x dockerd 2>/dev/null || true
fi

if ! docker info >/dev/null 2>&1; then
  echo "==> starting dockerd (log: $var_dir/dockerd.log)"
  # There is no systemd on these machines; dockerd runs in the background.
  as_root nohup dockerd >"$var_dir/dockerd.log" 2>&1 &
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { echo "dockerd did not start:"; tail -20 "$var_dir/dockerd.log"; exit 1; }
fi
for _ in $(seq 20); do docker info --format '{{json .Runtimes}}' | grep -q runsc && break; sleep 0.25; done

if [ "$mode" = test ] && ! redis-cli -p 6379 ping >/dev/null 2>&1; then
  echo "==> starting redis-server on 127.0.0.1:6379"
  # Persistence on: a restart must not lose queued gradings.
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --appendonly yes --dir "$var_dir" >/dev/null
  for _ in $(seq 40); do redis-cli -p 6379 ping >/dev/null 2>&1 && break; sleep 0.25; done
  redis-cli -p 6379 ping >/dev/null 2>&1 || { echo "redis-server did not start"; exit 1; }
fi
exit 0
