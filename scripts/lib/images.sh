# Shared steps of sandbox/build.sh (the grading image) and scripts/build-web-image.sh (the web
# image). Sourced, not run. Containers here cannot reach a package registry, so Python packages
# go into images from a wheelhouse that the host's pip downloads; base images come from
# debootstrap (sandbox/build-base.sh) unless BASE_IMAGE names one that docker can pull.

say() { printf '==> %s\n' "$*"; }

# The Python whose pip downloads the wheelhouse: $PYTHON, else the project's venv, else python3.
pick_python() {  # <repository root>
  if [[ -n "${PYTHON:-}" ]]; then echo "$PYTHON"
  elif [[ -x "$1/.venv/bin/python" ]]; then echo "$1/.venv/bin/python"
  else echo python3
  fi
}

require_docker() {
  command -v docker >/dev/null || { echo "docker is not installed" >&2; exit 1; }
  docker info >/dev/null 2>&1 || { echo "cannot reach the docker daemon" >&2; exit 1; }
}

ensure_base() {  # <base image> <repository root>
  if docker image inspect "$1" >/dev/null 2>&1; then
    say "base image $1 present"
  elif [[ -z "${BASE_IMAGE:-}" ]]; then
    say "base image $1 missing: building it with sandbox/build-base.sh"
    "$2/sandbox/build-base.sh" "$1"
  else
    say "base image $1 not present locally; docker build will try to pull it"
  fi
}

# Wheels for CPython 3.11 on x86_64 manylinux, downloaded again only when the requirements
# (and extra pins) change. Written to a temporary sibling and moved into place when complete.
ensure_wheelhouse() {  # <python> <wheelhouse dir> <requirements.txt> [extra pins…]
  local py=$1 wheelhouse=$2 requirements=$3
  shift 3
  local req_hash tmp platforms=()
  req_hash=$( { cat "$requirements"; if (( $# )); then printf '%s\n' "$@"; fi; } | sha256sum | cut -d' ' -f1)
  if [[ -f "$wheelhouse/.requirements.sha256" && "$(cat "$wheelhouse/.requirements.sha256")" == "$req_hash" ]]; then
    say "wheelhouse up to date ($(find "$wheelhouse" -name '*.whl' | wc -l) wheels)"
    return
  fi
  say "downloading the wheelhouse with $py -m pip"
  mkdir -p "$(dirname "$wheelhouse")"
  tmp=$(mktemp -d "$wheelhouse.tmp.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  for p in manylinux_2_36 manylinux_2_34 manylinux_2_28 manylinux_2_17 manylinux2014 manylinux_2_5 manylinux1; do
    platforms+=(--platform "${p}_x86_64")
  done
  "$py" -m pip download --quiet --disable-pip-version-check --no-cache-dir \
      -r "$requirements" "$@" -d "$tmp" --only-binary=:all: \
      --python-version 3.11 --implementation cp --abi cp311 --abi abi3 --abi none \
      "${platforms[@]}" --platform any 2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2)
  echo "$req_hash" >"$tmp/.requirements.sha256"
  rm -rf "$wheelhouse"
  mv "$tmp" "$wheelhouse"
  trap - EXIT
  say "wheelhouse ready ($(find "$wheelhouse" -name '*.whl' | wc -l) wheels)"
}

# Build <image> from <context> unless it already carries the label academy.inputs=<inputs>
# (FORCE=1 builds anyway). <prepare> runs first, only when a build is needed. The previous
# image, now untagged, is removed unless a container still uses it.
build_unless_current() {  # <image> <base> <inputs> <context> <prepare command…>
  local image=$1 base=$2 inputs=$3 context=$4 current old_id new_id
  shift 4
  current=$(docker image inspect --format '{{index .Config.Labels "academy.inputs"}}' "$image" 2>/dev/null || true)
  if [[ "$current" == "$inputs" && -z "${FORCE:-}" ]]; then
    say "$image is up to date (inputs $inputs)"
  else
    old_id=$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
    "$@"
    say "building $image from $base"
    docker build --build-arg BASE_IMAGE="$base" --label academy.inputs="$inputs" -t "$image" "$context" \
      | sed -u 's/^/    /'
    say "built $image"
    new_id=$(docker image inspect --format '{{.Id}}' "$image")
    if [[ -n "$old_id" && "$old_id" != "$new_id" ]]; then
      docker image rm "$old_id" >/dev/null 2>&1 && say "removed the previous image ${old_id:7:12}" || true
    fi
  fi
  say "image id $(docker image inspect --format '{{.Id}}' "$image")"
}
