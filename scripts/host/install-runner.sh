#!/usr/bin/env bash
# Step install-runner: install GitLab Runner at a pinned version, or upgrade it without killing
# jobs (F13), and never leave a fresh install running before config.toml is final (F04).
# Inputs: GLR_RUNNER_VERSION (e.g. 19.3.0), GLR_RUNNER_SOURCE = repository | binary | preinstalled,
#   binary: GLR_RUNNER_URL + GLR_RUNNER_SHA256; repository: GLR_RUNNER_REPO_SCRIPT_BASE (optional),
#   GLR_SERVICE_NAME, GLR_SERVICE_USER, GLR_WORKING_DIR, GLR_CONFIG_PATH, GLR_BIN_DIR.
# Already at the version -> no-op (but an upgrade an interrupted run left stopped is started). Service active (upgrade): everything is downloaded and
# verified first, then graceful stop (SIGQUIT drop-in, progress line while jobs finish) ->
# install -> start -> `gitlab-runner --version` must report the version.
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F glr_log >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

glr_require GLR_RUNNER_VERSION
: "${GLR_RUNNER_SOURCE:=repository}"
: "${GLR_POLICY_RC_D:=/usr/sbin/policy-rc.d}"
: "${GLR_YUM_REPOS_DIR:=/etc/yum.repos.d}"
: "${GLR_RUNNER_REPO_SCRIPT_BASE:=https://packages.gitlab.com/install/repositories/runner/gitlab-runner}"
want="${GLR_RUNNER_VERSION#v}"
svc="$GLR_SERVICE_NAME"

case "$GLR_RUNNER_SOURCE" in
  repository | binary | preinstalled) ;;
  *) glr_die "GLR_RUNNER_SOURCE: got '$GLR_RUNNER_SOURCE', expected repository, binary or preinstalled." ;;
esac

runner_bin=gitlab-runner
[[ "$GLR_RUNNER_SOURCE" == binary ]] && runner_bin="$GLR_BIN_DIR/gitlab-runner"
unit="$GLR_SYSTEMD_DIR/$svc.service"

# binary source: the service user and the systemd unit (not started). Also run when the binary
# is already at the version: a run killed after installing the binary left them missing.
ensure_user_and_unit() {
  if ! id -u "$GLR_SERVICE_USER" >/dev/null 2>&1; then
    glr_log "creating user $GLR_SERVICE_USER (home $GLR_WORKING_DIR)"
    useradd --comment 'GitLab Runner' --create-home --home-dir "$GLR_WORKING_DIR" --shell /bin/bash "$GLR_SERVICE_USER"
  fi
  if [[ ! -e "$unit" ]]; then
    glr_log "installing the $svc systemd unit (not started)"
    "$GLR_BIN_DIR/gitlab-runner" install --user "$GLR_SERVICE_USER" --working-directory "$GLR_WORKING_DIR" \
      --config "$GLR_CONFIG_PATH" --service "$svc"
    # `install` enables the unit: undone, so a reboot cannot start it before config.toml is final
    systemctl disable "$svc.service" >/dev/null 2>&1 || true
  fi
}

have="$(glr_runner_version "$runner_bin")"
resume=0
glr_interrupted_restart "$svc" && resume=1
if [[ "$have" == "$want" ]]; then
  [[ "$GLR_RUNNER_SOURCE" != binary ]] || ensure_user_and_unit
  if ((resume)); then
    glr_log "gitlab-runner $want already installed; starting $svc, which an interrupted upgrade left stopped"
    glr_start "$svc"
    exit 0
  fi
  glr_log "gitlab-runner $want already installed, nothing to do"
  exit 0
fi
if [[ "$GLR_RUNNER_SOURCE" == preinstalled ]]; then
  glr_die "gitlab-runner reports '${have:-not installed}', expected $want (source 'preinstalled' installs nothing). Fix: install $want on the host, or change the version in the construct props."
fi
glr_log "gitlab-runner ${have:-not installed} -> $want (source: $GLR_RUNNER_SOURCE)"

# A unit that runs another binary (e.g. left by a package install) would keep running the old
# version after this step: refuse before touching anything.
if [[ "$GLR_RUNNER_SOURCE" == binary && -f "$unit" ]]; then
  exec_bin="$(sed -n 's/^ExecStart=[-@+!]*"\{0,1\}\([^" ]*\).*/\1/p' "$unit" | head -n1)"
  if [[ -n "$exec_bin" && "$(readlink -f "$exec_bin")" != "$(readlink -f "$GLR_BIN_DIR/gitlab-runner")" ]]; then
    glr_die "$unit runs $exec_bin, not $GLR_BIN_DIR/gitlab-runner (the binary this step installs). Fix: uninstall the gitlab-runner package (or remove the unit), or use the 'repository' source."
  fi
fi

# apt/yum version string of a release: 19.3.0 -> 19.3.0-1
pkg_version="$want-1"
helper_images_split() { # gitlab-runner-helper-images is a separate package since 17.7
  local major minor
  IFS=. read -r major minor _ <<<"$want"
  ((major > 17 || (major == 17 && minor >= 7)))
}
yum_cmd() { if command -v dnf >/dev/null 2>&1; then dnf "$@"; else yum "$@"; fi; }
pkgs=()
# Repository source, step 1: the repository, the package index and the packages' download.
prepare_repository() {
  local script
  family="$(glr_os_family)"
  if [[ "$family" == debian ]]; then
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-cache policy gitlab-runner 2>/dev/null | grep -q packages.gitlab.com; then
      glr_log "adding the packages.gitlab.com apt repository"
      script="$(glr_fetch "$GLR_RUNNER_REPO_SCRIPT_BASE/script.deb.sh" - "$GLR_STATE_DIR")"
      bash "$script"
      rm -f "$script"
    fi
    pkgs=("gitlab-runner=$pkg_version")
    helper_images_split && pkgs+=("gitlab-runner-helper-images=$pkg_version")
    apt-get update -q
    glr_log "downloading ${pkgs[*]}"
    apt-get install -y -q --allow-downgrades --download-only "${pkgs[@]}" ||
      glr_die "apt-get could not download ${pkgs[*]}. Nothing was changed. Fix: check that version $want exists (apt-cache madison gitlab-runner)."
  else
    if [[ ! -e "$GLR_YUM_REPOS_DIR/runner_gitlab-runner.repo" ]]; then
      glr_log "adding the packages.gitlab.com yum repository"
      script="$(glr_fetch "$GLR_RUNNER_REPO_SCRIPT_BASE/script.rpm.sh" - "$GLR_STATE_DIR")"
      bash "$script"
      rm -f "$script"
    fi
    pkgs=("gitlab-runner-$pkg_version")
    glr_log "downloading ${pkgs[*]}"
    yum_cmd install -y --downloadonly "${pkgs[@]}" ||
      glr_die "could not download ${pkgs[*]}. Nothing was changed. Fix: check that version $want exists (yum --showduplicates list gitlab-runner)."
  fi
}
# Repository source, step 2 (service stopped): install what was downloaded.
install_repository() {
  if [[ "$family" == debian ]]; then
    # Keep the package scripts from starting the service with no config (F04).
    local own_policy=0 rc=0
    if [[ ! -e "$GLR_POLICY_RC_D" ]]; then
      printf '#!/bin/sh\n# cdktf-gitlab-runner: no service starts during package installs\nexit 101\n' >"$GLR_POLICY_RC_D"
      chmod 0755 "$GLR_POLICY_RC_D"
      own_policy=1
    fi
    glr_log "apt-get install ${pkgs[*]}"
    apt-get install -y -q --allow-downgrades "${pkgs[@]}" || rc=$?
    ((own_policy)) && rm -f "$GLR_POLICY_RC_D"
    ((rc == 0)) || glr_die "apt-get install ${pkgs[*]} failed (exit $rc): see its output above."
  else
    glr_log "installing ${pkgs[*]}"
    yum_cmd install -y "${pkgs[@]}" || glr_die "installing ${pkgs[*]} failed: see the output above."
  fi
}

# 1. Fetch and verify before touching the running service: a bad download changes nothing.
staged=""
cleanup() { [[ -z "$staged" ]] || rm -f "$staged"; }
trap cleanup EXIT
if [[ "$GLR_RUNNER_SOURCE" == binary ]]; then
  glr_require GLR_RUNNER_URL GLR_RUNNER_SHA256
  glr_log "downloading $GLR_RUNNER_URL"
  staged="$(glr_fetch "$GLR_RUNNER_URL" "$GLR_RUNNER_SHA256" "$GLR_BIN_DIR")"
  glr_log "sha256 verified ($GLR_RUNNER_SHA256)"
else
  prepare_repository
fi

# 2. Remember the service's state, stop it gracefully for an upgrade.
was_active=$resume was_enabled=0
glr_service_active "$svc" && was_active=1
glr_service_enabled "$svc" && was_enabled=1
if glr_service_active "$svc"; then glr_stop_to_restart "$svc"; fi

# 3. Install.
install_binary() {
  glr_install_file "$staged" "$GLR_BIN_DIR/gitlab-runner" 0755
  staged=""
  glr_log "installed $GLR_BIN_DIR/gitlab-runner"
  ensure_user_and_unit
}
if [[ "$GLR_RUNNER_SOURCE" == binary ]]; then install_binary; else install_repository; fi

# 4. A fresh install leaves the service as it was (not running, not enabled): enable-service
#    starts it once config.toml is final. An upgrade starts it again.
if ((was_active)); then
  glr_log "starting $svc"
  glr_start "$svc"
else
  if glr_service_active "$svc"; then
    glr_log "stopping $svc (started by the install; it starts only once config.toml is final)"
    systemctl stop "$svc.service"
  fi
  if ((!was_enabled)) && glr_service_enabled "$svc"; then
    systemctl disable "$svc.service" >/dev/null 2>&1 || true
  fi
fi

now="$(glr_runner_version "$runner_bin")"
[[ "$now" == "$want" ]] || glr_die "after installing, gitlab-runner --version reports '${now:-nothing}', expected $want."
if ((was_active)); then glr_log "gitlab-runner $want installed and running again"; else glr_log "gitlab-runner $want installed (service not started)"; fi
