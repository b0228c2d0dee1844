#!/usr/bin/env bash
# Installs and starts what the site and its tests need on a fresh Debian machine, and does
# nothing slow when everything is already there.
#   scripts/system-deps.sh run    docker (dockerd) and debootstrap: enough for `make run`
#   scripts/system-deps.sh test   the above plus redis-server, chromium and unixodbc
set -euo pipefail
mode=${1:-test}
var_dir=${ACADEMY_VAR_DIR:-$(pwd)/var}
mkdir -p "$var_dir"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

packages=()
command -v dockerd >/dev/null || packages+=(docker.io)
command -v debootstrap >/dev/null || packages+=(debootstrap)
if [ "$mode" = test ]; then
  command -v redis-server >/dev/null || packages+=(redis-server)
  command -v chromium >/dev/null || packages+=(chromium)
  # mssql-django imports pyodbc, which needs the unixODBC driver manager.
  dpkg -s libodbc2 >/dev/null 2>&1 || packages+=(unixodbc libodbc2)
fi
if [ ${#packages[@]} -gt 0 ]; then
  echo "==> apt-get install ${packages[*]}"
  as_root apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q "${packages[@]}" >"$var_dir/apt.log" 2>&1 \
    || { tail -30 "$var_dir/apt.log"; exit 1; }
fi

if ! docker info >/dev/null 2>&1; then
  echo "==> starting dockerd (log: $var_dir/dockerd.log)"
  # There is no systemd on these machines; dockerd runs in the background.
  as_root nohup dockerd >"$var_dir/dockerd.log" 2>&1 &
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { echo "dockerd did not start:"; tail -20 "$var_dir/dockerd.log"; exit 1; }
fi

if [ "$mode" = test ] && ! redis-cli -p 6379 ping >/dev/null 2>&1; then
  echo "==> starting redis-server on 127.0.0.1:6379"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 40); do redis-cli -p 6379 ping >/dev/null 2>&1 && break; sleep 0.25; done
fi
exit 0
