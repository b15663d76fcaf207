#!/usr/bin/env bash
# Step install-registry-mirror (facts section 7): a pull-through Docker registry mirror,
# `registry:2` with REGISTRY_PROXY_REMOTEURL, restarted always. Plain HTTP: bind it to a
# private address. Wire it into MachineOptions as engine-registry-mirror=http://<ip>:<port>.
# Inputs: GLR_MIRROR_PORT (6000), GLR_MIRROR_REMOTE_URL (https://registry-1.docker.io),
#   GLR_MIRROR_NAME (container name, registry), GLR_MIRROR_IMAGE (registry:2),
#   GLR_MIRROR_BIND_ADDRESS (optional, e.g. 10.0.0.5).
# Idempotent: a container with that name and the same configuration (label) is left alone;
# a different configuration replaces it.
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F glr_log >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

: "${GLR_MIRROR_PORT:=6000}"
: "${GLR_MIRROR_REMOTE_URL:=https://registry-1.docker.io}"
: "${GLR_MIRROR_NAME:=registry}"
: "${GLR_MIRROR_IMAGE:=registry:2}"
: "${GLR_MIRROR_BIND_ADDRESS:=}"
[[ "$GLR_MIRROR_PORT" =~ ^[0-9]+$ ]] || glr_die "GLR_MIRROR_PORT: got '$GLR_MIRROR_PORT', expected a port number."
command -v docker >/dev/null 2>&1 || glr_die "docker is not installed (the install-docker step must run first)."

publish="$GLR_MIRROR_PORT:5000"
[[ -z "$GLR_MIRROR_BIND_ADDRESS" ]] || publish="$GLR_MIRROR_BIND_ADDRESS:$publish"
config_hash="$(printf '%s\n' "$GLR_MIRROR_IMAGE" "$publish" "$GLR_MIRROR_REMOTE_URL" | sha256sum | cut -c1-16)"
glr_container_outdated "registry mirror" "$GLR_MIRROR_NAME" "$config_hash" || exit 0
glr_log "starting registry mirror $GLR_MIRROR_NAME ($GLR_MIRROR_IMAGE) on $publish -> $GLR_MIRROR_REMOTE_URL"
docker run -d --restart always --name "$GLR_MIRROR_NAME" -p "$publish" \
  --label "cdktf-gitlab-runner.config=$config_hash" \
  -e "REGISTRY_PROXY_REMOTEURL=$GLR_MIRROR_REMOTE_URL" "$GLR_MIRROR_IMAGE" >/dev/null
glr_log "registry mirror $GLR_MIRROR_NAME started"
