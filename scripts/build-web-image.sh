#!/usr/bin/env bash
# Builds the web/worker image academy-web:latest from the repository root (`make web-image`).
#   BASE_IMAGE=python:3.11-slim scripts/build-web-image.sh   # on machines that can pull
#   scripts/build-web-image.sh                               # else: academy-base:bookworm (debootstrap)
# Idempotent: the image carries a hash of its inputs (label academy.inputs) and is not rebuilt
# while they are unchanged. FORCE=1 rebuilds anyway. Python packages come from a wheelhouse
# that the host's pip downloads into var/wheelhouse-web (containers cannot reach registries).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
image=${WEB_IMAGE:-academy-web:latest}
default_base=academy-base:bookworm
base=${BASE_IMAGE:-$default_base}
wheelhouse=$root/var/wheelhouse-web
# Debian bookworm's python3 is 3.11.2, and redis needs async-timeout below 3.11.3; pip download
# for "3.11" does not fetch it. Same pin as sandbox/requirements.txt.
extra_pins=(async-timeout==5.0.1)
say() { printf '==> %s\n' "$*"; }

if [[ -n "${PYTHON:-}" ]]; then py=$PYTHON
elif [[ -x "$root/.venv/bin/python" ]]; then py=$root/.venv/bin/python
else py=python3
fi

command -v docker >/dev/null || { echo "docker is not installed" >&2; exit 1; }
docker info >/dev/null 2>&1 || { echo "cannot reach the docker daemon" >&2; exit 1; }

# 1. Base image (the same one the grading image uses).
if ! docker image inspect "$base" >/dev/null 2>&1; then
  if [[ -z "${BASE_IMAGE:-}" ]]; then
    say "base image $base missing: building it with sandbox/build-base.sh"
    "$root/sandbox/build-base.sh" "$base"
  else
    say "base image $base not present locally; docker build will try to pull it"
  fi
fi

# 2. Wheelhouse for CPython 3.11 on x86_64 manylinux, refreshed when requirements.txt changes.
ensure_wheelhouse() {
  req_hash=$( { cat "$root/requirements.txt"; printf '%s\n' "${extra_pins[@]}"; } | sha256sum | cut -d' ' -f1)
  if [[ -f "$wheelhouse/.requirements.sha256" && "$(cat "$wheelhouse/.requirements.sha256")" == "$req_hash" ]]; then
    say "wheelhouse up to date ($(find "$wheelhouse" -name '*.whl' | wc -l) wheels)"
    return
  fi
  say "downloading the wheelhouse with $py -m pip"
  mkdir -p "$root/var"
  tmp=$(mktemp -d "$root/var/wheelhouse-web.tmp.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  platforms=()
  for p in manylinux_2_36 manylinux_2_34 manylinux_2_28 manylinux_2_17 manylinux2014 manylinux_2_5 manylinux1; do
    platforms+=(--platform "${p}_x86_64")
  done
  "$py" -m pip download --quiet --disable-pip-version-check --no-cache-dir \
      -r "$root/requirements.txt" "${extra_pins[@]}" -d "$tmp" --only-binary=:all: \
      --python-version 3.11 --implementation cp --abi cp311 --abi abi3 --abi none \
      "${platforms[@]}" --platform any
  echo "$req_hash" >"$tmp/.requirements.sha256"
  rm -rf "$wheelhouse"
  mv "$tmp" "$wheelhouse"
  trap - EXIT
  say "wheelhouse ready ($(find "$wheelhouse" -name '*.whl' | wc -l) wheels)"
}

# 3. Input hash: every file that .dockerignore lets into the context, plus the base image id.
#    The prune list mirrors .dockerignore (the wheelhouse is covered by requirements.txt).
base_id=$(docker image inspect --format '{{.Id}}' "$base" 2>/dev/null || echo "$base")
inputs=$(
  cd "$root"
  {
    echo "base $base $base_id"
    find . \( -path ./.git -o -path ./.ci -o -path ./.venv -o -path ./var -o -path ./bench -o -path ./cli \
              -o -path ./docs -o -path ./tests -o -path ./sandbox -o -name __pycache__ -o -name .ruff_cache \
              -o -name .pytest_cache \) -prune -o -type f \
         -not -name '*.pyc' -not -name '.env' -not -name '.env.*' -not -name 'docker-compose*.yml' -print0 \
      | sort -z | xargs -0 sha256sum
    sha256sum sandbox/runner/mssql_hazards.py Dockerfile
  } | sha256sum | cut -d' ' -f1
)
current=$(docker image inspect --format '{{index .Config.Labels "academy.inputs"}}' "$image" 2>/dev/null || true)
if [[ "$current" == "$inputs" && -z "${FORCE:-}" ]]; then
  say "$image is up to date (inputs $inputs)"
else
  old_id=$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
  ensure_wheelhouse
  say "building $image from $base"
  docker build --build-arg BASE_IMAGE="$base" --label academy.inputs="$inputs" -t "$image" "$root" \
    | sed -u 's/^/    /'
  say "built $image"
  new_id=$(docker image inspect --format '{{.Id}}' "$image")
  if [[ -n "$old_id" && "$old_id" != "$new_id" ]]; then
    docker image rm "$old_id" >/dev/null 2>&1 && say "removed the previous image ${old_id:7:12}" || true
  fi
fi
say "image id $(docker image inspect --format '{{.Id}}' "$image")"
