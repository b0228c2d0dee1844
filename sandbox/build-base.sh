#!/usr/bin/env bash
# Builds a minimal Debian base image without pulling from any registry:
# debootstrap from Debian's own mirror (its default), then `docker import`.
# Machines that can pull skip this and use BASE_IMAGE=python:3.11-slim instead.
set -euo pipefail
name=${1:-academy-base:bookworm}
root=$(mktemp -d /tmp/academy-base.XXXXXX)
trap 'rm -rf "$root"' EXIT
echo "==> debootstrap bookworm into $root (about a minute)"
debootstrap --variant=minbase \
  --include=python3,python3-venv,ca-certificates,libodbc2,unixodbc \
  bookworm "$root" >"$root.log" 2>&1 || { tail -20 "$root.log"; exit 1; }
rm -f "$root.log"
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
tar -C "$root" -c . | docker import - "$name" >/dev/null
echo "==> imported $name"
