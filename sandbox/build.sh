#!/usr/bin/env bash
# Builds the grading image academy-grader:latest (called by `make sandbox-image`).
#   BASE_IMAGE=python:3.11-slim sandbox/build.sh   # on machines that can pull
#   sandbox/build.sh                               # else: academy-base:bookworm (debootstrap)
# Idempotent: the image carries a hash of its inputs (label academy.inputs) and is not
# rebuilt while they are unchanged. FORCE=1 rebuilds anyway.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
# shellcheck source=../scripts/lib/images.sh
source "$root/scripts/lib/images.sh"
image=${GRADER_IMAGE:-academy-grader:latest}
base=${BASE_IMAGE:-academy-base:bookworm}

require_docker
ensure_base "$base" "$root"

# Input hash: Dockerfile, .dockerignore, requirements, runner files, the base image id.
base_id=$(docker image inspect --format '{{.Id}}' "$base" 2>/dev/null || echo "$base")
inputs=$(
  cd "$here"
  {
    echo "base $base $base_id"
    find Dockerfile .dockerignore requirements.txt runner -type f \
        -not -path '*/__pycache__/*' -not -path '*/.ruff_cache/*' -not -path '*/.pytest_cache/*' \
        -not -name '*.pyc' -print0 | sort -z | xargs -0 sha256sum
  } | sha256sum | cut -d' ' -f1
)
build_unless_current "$image" "$base" "$inputs" "$here" \
  ensure_wheelhouse "$(pick_python "$root")" "$here/.wheelhouse" "$here/requirements.txt"
