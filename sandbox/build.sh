#!/usr/bin/env bash
# Builds the grading image academy-grader:latest (called by `make sandbox-image`).
#   BASE_IMAGE=python:3.11-slim sandbox/build.sh   # on machines that can pull
#   sandbox/build.sh                               # else: academy-base:bookworm (debootstrap)
# Idempotent: the image carries a hash of its inputs (label academy.inputs) and is not
# rebuilt while they are unchanged. FORCE=1 rebuilds anyway.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
image=${GRADER_IMAGE:-academy-grader:latest}
default_base=academy-base:bookworm
base=${BASE_IMAGE:-$default_base}
wheelhouse=$here/.wheelhouse
say() { printf '==> %s\n' "$*"; }

if [[ -n "${PYTHON:-}" ]]; then py=$PYTHON
elif [[ -x "$here/../.venv/bin/python" ]]; then py=$here/../.venv/bin/python
else py=python3
fi

command -v docker >/dev/null || { echo "docker is not installed" >&2; exit 1; }
docker info >/dev/null 2>&1 || { echo "cannot reach the docker daemon" >&2; exit 1; }

# 1. Base image.
if ! docker image inspect "$base" >/dev/null 2>&1; then
  if [[ -z "${BASE_IMAGE:-}" ]]; then
    say "base image $base missing: building it with build-base.sh"
    "$here/build-base.sh" "$base"
  else
    say "base image $base not present locally; docker build will try to pull it"
  fi
else
  say "base image $base present"
fi

# 2. Wheelhouse, downloaded by the host's pip for CPython 3.11 on x86_64 manylinux; only
#    needed when the image must be (re)built.
ensure_wheelhouse() {
  req_hash=$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)
  if [[ -f "$wheelhouse/.requirements.sha256" && "$(cat "$wheelhouse/.requirements.sha256")" == "$req_hash" ]]; then
    say "wheelhouse up to date ($(find "$wheelhouse" -name '*.whl' | wc -l) wheels)"
  else
    say "downloading the wheelhouse with $py -m pip"
    tmp=$(mktemp -d "$here/.wheelhouse.tmp.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    platforms=()
    for p in manylinux_2_36 manylinux_2_34 manylinux_2_28 manylinux_2_17 manylinux2014 manylinux_2_5 manylinux1; do
      platforms+=(--platform "${p}_x86_64")
    done
    "$py" -m pip download --quiet --disable-pip-version-check --no-cache-dir \
        -r "$here/requirements.txt" -d "$tmp" --only-binary=:all: \
        --python-version 3.11 --implementation cp --abi cp311 --abi abi3 --abi none \
        "${platforms[@]}" --platform any 2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2)
    echo "$req_hash" >"$tmp/.requirements.sha256"
    rm -rf "$wheelhouse"
    mv "$tmp" "$wheelhouse"
    trap - EXIT
    say "wheelhouse ready ($(find "$wheelhouse" -name '*.whl' | wc -l) wheels)"
  fi
}

# 3. Input hash: Dockerfile, .dockerignore, requirements, runner files, the base image id.
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
current=$(docker image inspect --format '{{index .Config.Labels "academy.inputs"}}' "$image" 2>/dev/null || true)
if [[ "$current" == "$inputs" && -z "${FORCE:-}" ]]; then
  say "$image is up to date (inputs $inputs)"
else
  old_id=$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
  ensure_wheelhouse
  say "building $image from $base"
  docker build --build-arg BASE_IMAGE="$base" --label academy.inputs="$inputs" \
      -t "$image" "$here" | sed -u 's/^/    /'
  say "built $image"
  new_id=$(docker image inspect --format '{{.Id}}' "$image")
  if [[ -n "$old_id" && "$old_id" != "$new_id" ]]; then
    # The previous build is now untagged; drop it unless a container still uses it.
    docker image rm "$old_id" >/dev/null 2>&1 && say "removed the previous image ${old_id:7:12}" || true
  fi
fi
say "image id $(docker image inspect --format '{{.Id}}' "$image")"
