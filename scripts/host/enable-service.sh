#!/usr/bin/env bash
# Step enable-service (F04): enable and start the runner service, only once config.toml is
# final (exists, no secret marker left). Idempotent: an active service is left as it is.
# Inputs: GLR_SERVICE_NAME, GLR_CONFIG_PATH, GLR_START_TIMEOUT_SECONDS (default 60).
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F glr_log >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

glr_require GLR_SERVICE_NAME GLR_CONFIG_PATH
: "${GLR_START_TIMEOUT_SECONDS:=60}"
svc="$GLR_SERVICE_NAME"

[[ -f "$GLR_CONFIG_PATH" ]] ||
  glr_die "refusing to start $svc: $GLR_CONFIG_PATH does not exist (the apply-config step must run first)."
if grep -q "$GLR_MARKER_PREFIX" "$GLR_CONFIG_PATH"; then
  glr_die "refusing to start $svc: $GLR_CONFIG_PATH still contains a $GLR_MARKER_PREFIX...@@ placeholder (a secret was not substituted)."
fi

systemctl daemon-reload
if ! glr_service_enabled "$svc"; then
  systemctl enable "$svc.service" >/dev/null 2>&1 || systemctl enable "$svc.service"
  glr_log "enabled $svc"
fi
if glr_service_active "$svc"; then
  glr_log "$svc already running"
else
  glr_log "starting $svc"
  glr_start "$svc"
  glr_wait_active "$svc" "$GLR_START_TIMEOUT_SECONDS"
  glr_log "$svc is active"
fi
glr_log "$(gitlab-runner --version 2>/dev/null | head -n1 || echo 'gitlab-runner --version failed')"
