#!/usr/bin/env bash
# Builds the web/worker image academy-web:latest from the repository root (`make web-image`).
#   BASE_IMAGE=python:3.11-slim scripts/build-web-image.sh   # on machines that can pull
#   scripts/build-web-image.sh                               # else: academy-base:bookworm (debootstrap)
# Idempotent: the image carries a hash of its inputs (label academy.inputs) and is not rebuilt
# while they are unchanged. FORCE=1 rebuilds anyway. Python packages come from a wheelhouse
# that the host's pip downloads into var/wheelhouse-web (containers cannot reach registries).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/images.sh
source "$root/scripts/lib/images.sh"
image=${WEB_IMAGE:-academy-web:latest}
base=${BASE_IMAGE:-academy-base:bookworm}
# Debian bookworm's python3 is 3.11.2, and redis needs async-timeout below 3.11.3; pip download
# for "3.11" does not fetch it. Same pin as sandbox/requirements.txt.
extra_pins=(async-timeout==5.0.1)

require_docker
ensure_base "$base" "$root"  # the same base as the grading image

# Input hash: every file that .dockerignore lets into the context, plus the base image id.
# The prune list mirrors .dockerignore (the wheelhouse is covered by requirements.txt).
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
    sha256sum sandbox/runner/mssql_hazards.py sandbox/runner/project_files.py Dockerfile
  } | sha256sum | cut -d' ' -f1
)
build_unless_current "$image" "$base" "$inputs" "$root" \
  ensure_wheelhouse "$(pick_python "$root")" "$root/var/wheelhouse-web" "$root/requirements.txt" "${extra_pins[@]}"
