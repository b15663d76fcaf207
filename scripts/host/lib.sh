#!/usr/bin/env bash
# Shared helpers for the cdktf-gitlab-runner host scripts.
#
# This file only defines functions (prefix glr_) and default values: it runs nothing.
# buildStepScript() puts it between the step's GLR_* header and the step body; a step run
# by hand sources it from the same directory. Every path a step touches has a GLR_ variable
# with the real default, so tests run the steps in a temporary root.
# shellcheck disable=SC2034  # defaults are used by the step scripts

: "${GLR_STEP:=${0##*/}}"
GLR_STEP="${GLR_STEP%.sh}"
: "${GLR_STATE_DIR:=/var/lib/cdktf-gitlab-runner}"
: "${GLR_SECRETS_DIR:=$GLR_STATE_DIR/secrets}"
: "${GLR_STAGE_DIR:=$GLR_STATE_DIR/stage}"
: "${GLR_UPLOAD_USER:=root}"
: "${GLR_SYSTEMD_DIR:=/etc/systemd/system}"
: "${GLR_BIN_DIR:=/usr/local/bin}"
: "${GLR_CONFIG_PATH:=/etc/gitlab-runner/config.toml}"
: "${GLR_OS_RELEASE:=/etc/os-release}"
: "${GLR_SERVICE_NAME:=gitlab-runner}"
: "${GLR_SERVICE_USER:=gitlab-runner}"
: "${GLR_WORKING_DIR:=/home/gitlab-runner}"
: "${GLR_SERVICE_HOME:=/root}"
: "${GLR_MACHINE_STORAGE_PATH:=$GLR_SERVICE_HOME/.docker/machine}"
: "${GLR_DOWNLOAD_RETRIES:=5}"
: "${GLR_PROGRESS_INTERVAL_SECONDS:=10}"

GLR_MARKER_PREFIX='@@GLR_SECRET:'

# One progress line on stdout: "[cdktf-gitlab-runner] <step>: <what>".
glr_log() {
  printf '[cdktf-gitlab-runner] %s: %s\n' "$GLR_STEP" "$*"
}

# A loud warning line on stderr (Terraform shows it in the deploy output).
glr_warn() {
  printf '[cdktf-gitlab-runner] %s: WARNING: %s\n' "$GLR_STEP" "$*" >&2
}

# One clear line on stderr naming the step and the cause, then exit non-zero.
glr_die() {
  printf '[cdktf-gitlab-runner] %s: error: %s\n' "$GLR_STEP" "$*" >&2
  exit 1
}

# glr_require NAME...: fail when a GLR_ input is unset or empty.
glr_require() {
  local name
  for name in "$@"; do
    if [[ -z "${!name:-}" ]]; then
      glr_die "$name is required but empty. Fix: set it in the construct props (it is a step input)."
    fi
  done
}

# glr_lines VAR: print the non-empty lines of a newline-separated input (CR stripped).
glr_lines() {
  local line
  while IFS= read -r line || [[ -n "$line" ]]; do
    line="${line%$'\r'}"
    [[ -n "${line//[[:space:]]/}" ]] && printf '%s\n' "$line"
  done <<<"${!1:-}"
}

glr_sha256() {
  sha256sum "$1" | cut -d' ' -f1
}

# glr_os_family: "debian" or "rhel" from os-release (ID and ID_LIKE).
glr_os_family() {
  local id="" like=""
  if [[ -r "$GLR_OS_RELEASE" ]]; then
    id="$(glr_os_field ID)"
    like="$(glr_os_field ID_LIKE)"
  fi
  case " $id $like " in
    *" debian "* | *" ubuntu "*) echo debian ;;
    *" rhel "* | *" fedora "* | *" centos "*) echo rhel ;;
    *) glr_die "unsupported OS (ID='$id' ID_LIKE='$like' in $GLR_OS_RELEASE): only Debian/Ubuntu and the RHEL family are supported." ;;
  esac
}

# glr_os_field NAME: one field of os-release (ID, VERSION_CODENAME, ...).
glr_os_field() {
  # shellcheck source=/dev/null
  (. "$GLR_OS_RELEASE" && printf '%s' "${!1:-}")
}

# glr_mkdir_private DIR: create DIR (and parents) and make it 0700.
glr_mkdir_private() {
  mkdir -p "$1"
  chmod 0700 "$1"
}

# glr_fetch URL SHA256 DEST_DIR: download URL with retries and backoff into a temp file in
# DEST_DIR, verify its sha256 (skipped when SHA256 is "-"), print the temp file's path.
# On failure the temp file is removed and nothing else is touched.
glr_fetch() {
  local url="$1" want="$2" dir="$3" tmp got attempt=1 delay=1
  mkdir -p "$dir"
  glr_clean_stale "$dir" '.glr-download.*'
  tmp="$(mktemp "$dir/.glr-download.XXXXXX")"
  while :; do
    if curl -fsSL --connect-timeout 10 --max-time 600 -o "$tmp" "$url"; then
      break
    fi
    if ((attempt >= GLR_DOWNLOAD_RETRIES)); then
      rm -f "$tmp"
      glr_die "download of $url failed after $attempt attempts (curl error above). Fix: check the URL and that the host can reach it."
    fi
    glr_log "download of $url failed (attempt $attempt/$GLR_DOWNLOAD_RETRIES), retrying in ${delay}s" >&2
    sleep "$delay"
    attempt=$((attempt + 1))
    delay=$((delay * 2))
  done
  if [[ "$want" != "-" ]]; then
    got="$(glr_sha256 "$tmp")"
    if [[ "${got,,}" != "${want,,}" ]]; then
      rm -f "$tmp"
      glr_die "sha256 mismatch for $url: expected $want, got $got. Nothing was installed. Fix: correct the sha256 (or the URL) in the construct props."
    fi
  fi
  printf '%s\n' "$tmp"
}

# glr_clean_stale DIR GLOB: remove temp files older than an hour that an interrupted run
# (SSH connection lost, deploy killed) left in DIR.
glr_clean_stale() {
  find "$1" -maxdepth 1 -type f -name "$2" -mmin +60 -delete 2>/dev/null || true
}

# glr_install_file TMP DEST MODE: chmod then atomically move TMP (same directory) to DEST.
glr_install_file() {
  chmod "$3" "$1"
  mv -f "$1" "$2"
}

# glr_download URL SHA256 DEST MODE: fetch + verify + atomic install.
glr_download() {
  local tmp
  tmp="$(glr_fetch "$1" "$2" "$(dirname "$3")")"
  glr_install_file "$tmp" "$3" "$4"
}

# glr_write_if_changed DEST MODE: write stdin to DEST atomically unless DEST already has
# exactly that content. Returns 0 when it wrote, 1 when DEST was unchanged.
glr_write_if_changed() {
  local dest="$1" mode="$2" dir tmp
  dir="$(dirname "$dest")"
  mkdir -p "$dir"
  glr_clean_stale "$dir" '.glr-write.*'
  tmp="$(mktemp "$dir/.glr-write.XXXXXX")"
  cat >"$tmp"
  if [[ -f "$dest" ]] && cmp -s "$tmp" "$dest"; then
    rm -f "$tmp"
    return 1
  fi
  glr_install_file "$tmp" "$dest" "$mode"
  return 0
}

# glr_secret_path NAME: path of a secret file (names are plain file names).
glr_secret_path() {
  if [[ ! "$1" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]]; then
    glr_die "secret name '$1' is not allowed: use letters, digits, '.', '_' and '-' only."
  fi
  printf '%s/%s\n' "$GLR_SECRETS_DIR" "$1"
}

# glr_read_secret NAME VAR: read a secret file into variable VAR (never printed), without
# its trailing newlines.
glr_read_secret() {
  local __glr_path __glr_value=""
  __glr_path="$(glr_secret_path "$1")"
  [[ -f "$__glr_path" ]] || glr_die "secret '$1' is missing: $__glr_path does not exist. Fix: make sure the step that stores it (put-secret) ran."
  IFS= read -r -d '' __glr_value <"$__glr_path" || true
  while [[ "$__glr_value" == *[$'\n\r'] ]]; do __glr_value="${__glr_value%[$'\n\r']}"; done
  printf -v "$2" '%s' "$__glr_value"
}

# glr_runner_version BIN: the version `BIN --version` reports (BIN: gitlab-runner or a path),
# or nothing when BIN is missing.
glr_runner_version() {
  local bin="$1"
  command -v "$bin" >/dev/null 2>&1 || return 0
  "$bin" --version 2>/dev/null | awk '/^Version:/ { sub(/^v/, "", $2); print $2; exit }' || true
}

glr_service_active() {
  systemctl is-active --quiet "$1.service" 2>/dev/null
}

glr_service_enabled() {
  systemctl is-enabled --quiet "$1.service" 2>/dev/null
}

# glr_graceful_stop SERVICE: `systemctl stop` (the drop-in makes it SIGQUIT: running jobs
# finish first) with a progress line every GLR_PROGRESS_INTERVAL_SECONDS while waiting. The
# wait is bounded by the unit's TimeoutStopSec (systemd enforces it).
glr_graceful_stop() {
  local svc="$1" pid rc=0 start=$SECONDS next=$GLR_PROGRESS_INTERVAL_SECONDS
  glr_service_active "$svc" || return 0
  glr_log "stopping $svc gracefully (SIGQUIT: running jobs finish first; systemd waits up to ${GLR_STOP_TIMEOUT_SECONDS:-its TimeoutStopSec}${GLR_STOP_TIMEOUT_SECONDS:+ s})"
  systemctl stop "$svc.service" &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 0.2
    if ((SECONDS - start >= next)) && kill -0 "$pid" 2>/dev/null; then
      glr_log "still waiting for $svc to finish its running jobs ($((SECONDS - start))s)"
      next=$((next + GLR_PROGRESS_INTERVAL_SECONDS))
    fi
  done
  wait "$pid" || rc=$?
  if ((rc != 0)); then
    glr_die "systemctl stop $svc failed (exit $rc). See: journalctl -u $svc"
  fi
  glr_log "$svc stopped after $((SECONDS - start))s"
}

# glr_start SERVICE: systemctl start, with one clear line when it fails; clears the marker of
# glr_stop_to_restart.
glr_start() {
  systemctl start "$1.service" || glr_die "systemctl start $1 failed (exit $?). See: systemctl status $1; journalctl -u $1"
  rm -f "$GLR_STATE_DIR/stopped-to-restart/$1"
}

# glr_stop_to_restart SERVICE: graceful stop for an upgrade or restart, leaving a marker until
# glr_start runs. When the run is interrupted in between (deploy killed, SSH lost), the next
# run sees the marker (glr_interrupted_restart) and starts the service again.
glr_stop_to_restart() {
  mkdir -p "$GLR_STATE_DIR/stopped-to-restart"
  : >"$GLR_STATE_DIR/stopped-to-restart/$1"
  glr_graceful_stop "$1"
}

# glr_interrupted_restart SERVICE: true when an earlier run stopped SERVICE to restart it and
# did not get to start it again.
glr_interrupted_restart() {
  [[ -e "$GLR_STATE_DIR/stopped-to-restart/$1" ]] && ! glr_service_active "$1"
}

# glr_wait_active SERVICE SECONDS: wait until the unit is active.
glr_wait_active() {
  local svc="$1" limit="$2" i
  for ((i = 0; i <= limit; i++)); do
    glr_service_active "$svc" && return 0
    sleep 1
  done
  glr_die "$svc did not become active within ${limit}s. See: systemctl status $svc; journalctl -u $svc"
}

# glr_lock FILE SECONDS: take an exclusive flock on FILE (fd 9) for the rest of the script.
glr_lock() {
  mkdir -p "$(dirname "$1")"
  exec 9>"$1"
  if ! flock -w "$2" 9; then
    glr_die "could not take the lock $1 within $2s (another run holds it)."
  fi
}

# glr_container_outdated WHAT NAME HASH [REASON]: 1 (nothing to do) when container NAME runs with
# config label HASH; else removes an existing NAME (REASON: what changed) and returns 0 (run it).
# Records NAME under $GLR_STATE_DIR/containers first, so that a teardown, or a later deploy that
# no longer configures it, removes it (even when this run is interrupted before it starts).
glr_container_outdated() {
  local what="$1" name="$2" hash="$3" reason="${4:-configuration changed}" current
  mkdir -p "$GLR_STATE_DIR/containers"
  : >"$GLR_STATE_DIR/containers/$name"
  current="$(docker inspect -f '{{ index .Config.Labels "cdktf-gitlab-runner.config" }}' "$name" 2>/dev/null || true)"
  if [[ "$current" == "$hash" ]]; then
    glr_log "$what $name already running with this configuration, nothing to do"
    return 1
  fi
  if [[ -n "$current" ]] || docker inspect "$name" >/dev/null 2>&1; then
    glr_log "replacing container $name ($reason)"
    docker rm -f "$name" >/dev/null
  fi
  return 0
}

# glr_remove_containers NAME...: removes the named containers this library started (those with
# its config label) and their records; others of the same name are left alone with a warning.
# Their data directories stay. Returns 1 when one could not be removed (its record stays).
glr_remove_containers() {
  local name label rc=0
  command -v docker >/dev/null 2>&1 || { glr_log "docker not installed, no containers to remove"; return 0; }
  for name in "$@"; do
    if ! docker inspect "$name" >/dev/null 2>&1; then
      glr_log "container $name not present"
    else
      label="$(docker inspect -f '{{ index .Config.Labels "cdktf-gitlab-runner.config" }}' "$name" 2>/dev/null || true)"
      if [[ -z "$label" ]]; then
        glr_warn "container $name was not started by cdktf-gitlab-runner (no config label); left alone."
      elif docker rm -f "$name" >/dev/null; then
        glr_log "removed container $name"
      else
        glr_warn "could not remove container $name"
        rc=1
        continue
      fi
    fi
    rm -f "$GLR_STATE_DIR/containers/$name"
  done
  return "$rc"
}

# glr_prune_containers KEEP: removes the containers this library recorded on this host (see
# glr_container_outdated) whose names are not in KEEP (space-separated, may be empty): services
# dropped from the props, or all of them at teardown. Returns 1 when one could not be removed.
glr_prune_containers() {
  local record name keep=() drop=()
  read -r -a keep <<<"$1"
  [[ -d "$GLR_STATE_DIR/containers" ]] || return 0
  for record in "$GLR_STATE_DIR/containers"/*; do
    [[ -e "$record" ]] || continue
    name="${record##*/}"
    [[ " ${keep[*]} " == *" $name "* ]] || drop+=("$name")
  done
  ((${#drop[@]})) || return 0
  glr_log "removing containers no longer configured: ${drop[*]}"
  glr_remove_containers "${drop[@]}"
}
