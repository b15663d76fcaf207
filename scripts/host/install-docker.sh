#!/usr/bin/env bash
# Step install-docker: make sure Docker is on the bastion (the seed needs it next to the runner).
# Inputs: GLR_DOCKER_SOURCE = distro (docker.io / docker from the distribution, default)
#         | docker-repo (Docker's apt/yum repository at GLR_DOCKER_REPO_URL)
#         | skip (Docker must already be installed).
# Docker already installed -> one line, nothing else.
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F glr_log >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

: "${GLR_DOCKER_SOURCE:=distro}"
: "${GLR_DOCKER_REPO_URL:=https://download.docker.com}"
: "${GLR_APT_KEYRINGS_DIR:=/etc/apt/keyrings}"
: "${GLR_APT_SOURCES_DIR:=/etc/apt/sources.list.d}"
: "${GLR_YUM_REPOS_DIR:=/etc/yum.repos.d}"

case "$GLR_DOCKER_SOURCE" in
  distro | docker-repo | skip) ;;
  *) glr_die "GLR_DOCKER_SOURCE: got '$GLR_DOCKER_SOURCE', expected distro, docker-repo or skip." ;;
esac

if command -v docker >/dev/null 2>&1; then
  glr_log "docker already installed ($(docker --version 2>/dev/null || echo 'version unknown')), nothing to do"
  exit 0
fi
if [[ "$GLR_DOCKER_SOURCE" == skip ]]; then
  glr_die "docker is not installed and the Docker source is 'skip'. Fix: install Docker on the host first, or use the 'distro' or 'docker-repo' source."
fi

family="$(glr_os_family)"
yum_cmd() { if command -v dnf >/dev/null 2>&1; then dnf "$@"; else yum "$@"; fi; }

if [[ "$family" == debian ]]; then
  export DEBIAN_FRONTEND=noninteractive
  if [[ "$GLR_DOCKER_SOURCE" == distro ]]; then
    glr_log "installing docker.io from the distribution (apt-get)"
    apt-get update -q
    apt-get install -y -q docker.io
  else
    id="$(glr_os_field ID)" codename="$(glr_os_field VERSION_CODENAME)"
    [[ -n "$codename" ]] || glr_die "VERSION_CODENAME missing in $GLR_OS_RELEASE: cannot pick Docker's apt suite."
    glr_log "adding Docker's apt repository ($GLR_DOCKER_REPO_URL/linux/$id $codename)"
    apt-get update -q
    apt-get install -y -q ca-certificates curl
    mkdir -p "$GLR_APT_KEYRINGS_DIR"
    glr_download "$GLR_DOCKER_REPO_URL/linux/$id/gpg" - "$GLR_APT_KEYRINGS_DIR/docker.asc" 0644
    printf 'deb [arch=%s signed-by=%s/docker.asc] %s/linux/%s %s stable\n' \
      "$(dpkg --print-architecture)" "$GLR_APT_KEYRINGS_DIR" "$GLR_DOCKER_REPO_URL" "$id" "$codename" |
      glr_write_if_changed "$GLR_APT_SOURCES_DIR/docker.list" 0644 || true
    glr_log "installing docker-ce from Docker's repository"
    apt-get update -q
    apt-get install -y -q docker-ce docker-ce-cli containerd.io
  fi
else
  if [[ "$GLR_DOCKER_SOURCE" == distro ]]; then
    glr_log "installing docker from the distribution (yum/dnf; RHEL 8+ ships podman-docker instead: use docker-repo there)"
    yum_cmd install -y docker
  else
    id="$(glr_os_field ID)"
    [[ "$id" == rhel || "$id" == fedora ]] || id=centos
    glr_log "adding Docker's yum repository ($GLR_DOCKER_REPO_URL/linux/$id)"
    glr_download "$GLR_DOCKER_REPO_URL/linux/$id/docker-ce.repo" - "$GLR_YUM_REPOS_DIR/docker-ce.repo" 0644
    glr_log "installing docker-ce from Docker's repository"
    yum_cmd install -y docker-ce docker-ce-cli containerd.io
  fi
fi

glr_log "enabling and starting docker"
systemctl enable --now docker.service
command -v docker >/dev/null 2>&1 || glr_die "docker is still not on the PATH after the install."
glr_log "docker installed: $(docker --version)"
