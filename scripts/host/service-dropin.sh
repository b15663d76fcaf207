#!/usr/bin/env bash
# Step service-dropin: systemd drop-ins for the runner service, written before its first start.
#   <svc>.service.d/kill.conf: KillSignal=SIGQUIT (stop = finish running jobs) and
#                              TimeoutStopSec=N (covers the longest job; F13)
#   <svc>.service.d/env.conf:  Environment=MACHINE_STORAGE_PATH=... (what docker-machine uses)
# Inputs: GLR_SERVICE_NAME, GLR_STOP_TIMEOUT_SECONDS (whole seconds or "infinity"),
#   GLR_MACHINE_STORAGE_PATH, GLR_SYSTEMD_DIR. Files are rewritten only when their content
# differs; `systemctl daemon-reload` runs only then.
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F glr_log >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

glr_require GLR_SERVICE_NAME GLR_STOP_TIMEOUT_SECONDS GLR_MACHINE_STORAGE_PATH
[[ "$GLR_STOP_TIMEOUT_SECONDS" =~ ^([0-9]+|infinity)$ ]] ||
  glr_die "GLR_STOP_TIMEOUT_SECONDS: got '$GLR_STOP_TIMEOUT_SECONDS', expected whole seconds or 'infinity'."
[[ "$GLR_MACHINE_STORAGE_PATH" == /* && "$GLR_MACHINE_STORAGE_PATH" != *[[:space:]\"\\]* ]] ||
  glr_die "GLR_MACHINE_STORAGE_PATH: got '$GLR_MACHINE_STORAGE_PATH', expected an absolute path without spaces, quotes or backslashes."

dir="$GLR_SYSTEMD_DIR/$GLR_SERVICE_NAME.service.d"
changed=0
if printf '# Managed by cdktf-gitlab-runner: stop = SIGQUIT, running jobs finish first.\n[Service]\nKillSignal=SIGQUIT\nTimeoutStopSec=%s\n' \
  "$GLR_STOP_TIMEOUT_SECONDS" | glr_write_if_changed "$dir/kill.conf" 0644; then
  glr_log "wrote $dir/kill.conf (KillSignal=SIGQUIT, TimeoutStopSec=$GLR_STOP_TIMEOUT_SECONDS)"
  changed=1
fi
if printf '# Managed by cdktf-gitlab-runner.\n[Service]\nEnvironment="MACHINE_STORAGE_PATH=%s"\n' \
  "$GLR_MACHINE_STORAGE_PATH" | glr_write_if_changed "$dir/env.conf" 0644; then
  glr_log "wrote $dir/env.conf (MACHINE_STORAGE_PATH=$GLR_MACHINE_STORAGE_PATH)"
  changed=1
  if glr_service_active "$GLR_SERVICE_NAME"; then
    glr_warn "$GLR_SERVICE_NAME is running: the new MACHINE_STORAGE_PATH applies at its next restart."
  fi
fi
if ((changed)); then
  systemctl daemon-reload
  glr_log "systemctl daemon-reload done"
else
  glr_log "drop-ins unchanged, nothing to do"
fi
