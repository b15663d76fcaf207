#!/usr/bin/env bash
# Step install-docker-machine: GitLab's docker-machine fork and optional driver plugins,
# each downloaded with retries, verified against a sha256, then moved into place atomically.
# Inputs: GLR_DM_URL (full URL), GLR_DM_SHA256 or GLR_DM_SKIP_VERIFY=1 (loud warning),
#   GLR_DM_VERSION (optional: `docker-machine version` containing it means installed),
#   GLR_DM_DRIVERS (newline-separated "name url sha256" -> $GLR_BIN_DIR/docker-machine-driver-<name>),
#   GLR_BIN_DIR.
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F glr_log >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

glr_require GLR_DM_URL
: "${GLR_DM_SHA256:=}"
: "${GLR_DM_SKIP_VERIFY:=}"
: "${GLR_DM_VERSION:=}"
: "${GLR_DM_DRIVERS:=}"
bin="$GLR_BIN_DIR/docker-machine"
want_version="${GLR_DM_VERSION#v}"

sha="$GLR_DM_SHA256"
if [[ -z "$sha" ]]; then
  [[ "$GLR_DM_SKIP_VERIFY" == 1 ]] ||
    glr_die "no sha256 for docker-machine ($GLR_DM_URL). GitLab publishes none: compute it once from a trusted download and set it, or opt out explicitly with insecureSkipChecksum."
  sha=-
fi

# GitLab's binaries are named docker-machine-Linux-<uname -m>: refuse one built for another CPU.
: "${GLR_MACHINE_ARCH:=$(uname -m)}"
case "$GLR_DM_URL" in
  *-Linux-x86_64 | *-Linux-aarch64 | *-Linux-arm64 | *-Linux-armhf)
    [[ "$GLR_DM_URL" == *"-Linux-$GLR_MACHINE_ARCH" ]] ||
      glr_die "$GLR_DM_URL is built for ${GLR_DM_URL##*-Linux-}, but this host is $GLR_MACHINE_ARCH. Fix: set dockerMachine.url to the docker-machine-Linux-$GLR_MACHINE_ARCH binary (and its sha256)."
    ;;
esac

installed_version() {
  [[ -x "$bin" ]] || return 0
  "$bin" version 2>/dev/null || true
}

up_to_date=0
if [[ -n "$want_version" ]]; then
  [[ "$(installed_version)" == *"$want_version"* ]] && up_to_date=1
elif [[ "$sha" != - && -f "$bin" && "$(glr_sha256 "$bin")" == "${sha,,}" ]]; then
  up_to_date=1
fi

if ((up_to_date)); then
  glr_log "docker-machine ${want_version:-with sha256 $sha} already installed, nothing to do"
else
  [[ "$sha" == - ]] && glr_warn "sha256 verification of $GLR_DM_URL is SKIPPED (skipVerify opt-out): the binary that runs as root is not checked."
  glr_log "downloading docker-machine from $GLR_DM_URL"
  glr_download "$GLR_DM_URL" "$sha" "$bin" 0755
  if [[ -n "$want_version" && "$(installed_version)" != *"$want_version"* ]]; then
    glr_die "the downloaded docker-machine reports '$(installed_version)', expected $GLR_DM_VERSION. Fix: make the URL and the version match."
  fi
  glr_log "installed $bin ($(installed_version))"
fi

while read -r name url dsha extra; do
  [[ -z "$extra" ]] || glr_die "GLR_DM_DRIVERS line for '$name' has extra fields: expected 'name url sha256'."
  [[ "$name" =~ ^[A-Za-z0-9_-]+$ ]] || glr_die "driver name '$name' is not allowed (letters, digits, '_' and '-')."
  [[ -n "$url" && -n "$dsha" ]] || glr_die "GLR_DM_DRIVERS line for '$name': expected 'name url sha256'."
  dest="$GLR_BIN_DIR/docker-machine-driver-$name"
  if [[ -f "$dest" && "$(glr_sha256 "$dest")" == "${dsha,,}" ]]; then
    glr_log "driver $name already installed, nothing to do"
    continue
  fi
  glr_log "downloading driver $name from $url"
  glr_download "$url" "$dsha" "$dest" 0755
  glr_log "installed $dest"
done < <(glr_lines GLR_DM_DRIVERS)
