#!/usr/bin/env bash
# build.sh VERSION OUTDIR [DOCKER_MACHINE_VERSION]
# Writes the stand-in binaries with their versions baked in, named like the real downloads,
# each with a sha256 file ("<hash>  <name>", as sha256sum prints it):
#   OUTDIR/gitlab-runner-linux-amd64(.sha256)   reports `Version: VERSION`
#   OUTDIR/docker-machine-Linux-x86_64(.sha256)  reports `docker-machine version DM_VERSION`
set -euo pipefail
if (($# < 2)); then
  echo "usage: $0 VERSION OUTDIR [DOCKER_MACHINE_VERSION]" >&2
  exit 2
fi
version="${1#v}" out="$2" dm_version="${3:-v0.16.2-gitlab.48}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$out"
build() { # SOURCE PLACEHOLDER VALUE NAME
  local tmp
  tmp="$(mktemp "$out/.build.XXXXXX")"
  sed "s|'$2'|'$3'|" "$here/$1" >"$tmp"
  chmod 0755 "$tmp"
  mv -f "$tmp" "$out/$4"
  (cd "$out" && sha256sum "$4" >"$4.sha256")
}
build gitlab-runner __VERSION__ "$version" gitlab-runner-linux-amd64
build docker-machine __DM_VERSION__ "$dm_version" docker-machine-Linux-x86_64
echo "stand-ins for gitlab-runner $version and docker-machine $dm_version written to $out"
