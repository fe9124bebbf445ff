#!/usr/bin/env bash
# Installs and starts everything the tests need on a fresh Debian 12 machine (as root) that reaches only
# Debian's packages and the npm registry, except the Node dependencies (`npm ci`):
#   - Debian packages: pytest, pytest-xdist and pytest-cov for the host's /usr/bin/python3 (`runner: host`
#     tests), make (the generated Makefile targets), util-linux's setpriv (a step run as a non-root runner
#     user), dockerd and debootstrap;
#   - the Docker engine, started, and Compose v2 as a CLI plugin;
#   - the Python test image (python3, pytest, pytest-xdist, pytest-cov, coverage, PostgreSQL and psycopg2),
#     built by debootstrap because no container registry can be reached.
# Idempotent: each step is skipped when already done.
#
#   .ci/setup.sh [IMAGE_TAG]      (default: pytier-python:local)
#
# Containers of the tests use `network_mode: host`: all traffic stays on loopback.
set -euo pipefail
IMAGE="${1:-pytier-python:local}"
# Bump when the image's package list changes, so machines that have an older image rebuild it.
RECIPE=2
PACKAGES=python3,python-is-python3,python3-pytest,python3-pytest-xdist,python3-pytest-cov,python3-coverage,python3-psycopg2,postgresql,procps
export DEBIAN_FRONTEND=noninteractive

# The Debian mirror this machine already uses (never a hard-coded host).
MIRROR="$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
[ -n "$MIRROR" ] || MIRROR="$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)"
[ -n "$MIRROR" ] || { echo "no Debian mirror configured in /etc/apt" >&2; exit 1; }

need_apt=()
/usr/bin/python3 -c 'import pytest, xdist, pytest_cov' 2>/dev/null || need_apt+=(python3-pytest python3-pytest-xdist python3-pytest-cov)
command -v dockerd >/dev/null || need_apt+=(docker.io)
command -v debootstrap >/dev/null || need_apt+=(debootstrap)
command -v make >/dev/null || need_apt+=(make)
command -v setpriv >/dev/null || need_apt+=(util-linux)
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# 1. The engine: Debian's dockerd (the docker client on PATH may be newer; both speak the same API).
if ! docker info >/dev/null 2>&1; then
  setsid dockerd >/var/log/dockerd.log 2>&1 </dev/null &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "dockerd did not start; see /var/log/dockerd.log" >&2; tail -20 /var/log/dockerd.log >&2; exit 1; }
fi

# 2. Compose v2 as a CLI plugin, from Debian trixie's docker-compose package: bookworm ships only v1.
if ! docker compose version >/dev/null 2>&1; then
  t="$(mktemp -d)"; chmod 755 "$t"
  mkdir -p "$t/lists/partial" "$t/dl"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR trixie main" >"$t/sources.list"
  o=(-o "Dir::Etc::sourcelist=$t/sources.list" -o "Dir::Etc::sourceparts=-" -o "Dir::State::Lists=$t/lists")
  apt-get "${o[@]}" update -qq 2>/dev/null
  (cd "$t/dl" && apt-get "${o[@]}" download docker-compose >/dev/null 2>&1)
  dpkg -x "$t"/dl/docker-compose_*.deb "$t/x"
  mkdir -p /usr/local/lib/docker/cli-plugins
  install -m 0755 "$t/x/usr/libexec/docker/cli-plugins/docker-compose" /usr/local/lib/docker/cli-plugins/docker-compose
  rm -rf "$t"
fi

# 3. The test image, from a debootstrap root file system (no registry to pull python:3.x-slim from).
have="$(docker image inspect --format '{{index .Config.Labels "pytier.recipe"}}' "$IMAGE" 2>/dev/null || true)"
if [ "$have" != "$RECIPE" ]; then
  root="$(mktemp -d)"
  trap 'rm -rf "$root"' EXIT
  debootstrap --variant=minbase --include="$PACKAGES" bookworm "$root" "$MIRROR" >/dev/null
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import -c 'CMD ["python3"]' -c "LABEL pytier.recipe=$RECIPE" - "$IMAGE" >/dev/null
fi

docker compose version
docker image inspect --format '{{.RepoTags}} {{.Size}} recipe={{index .Config.Labels "pytier.recipe"}}' "$IMAGE"
