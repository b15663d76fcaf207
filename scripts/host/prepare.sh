#!/usr/bin/env bash
# Step "prepare": the folders every later step uses. Runs first, as root. The construct appends
# the stack's copy of the host scripts, which installs them in $GLR_STATE_DIR/scripts.
#   GLR_STATE_DIR   our state on the host (0755, root)
#   GLR_STAGE_DIR   where Terraform's file provisioner uploads (0700, owned by the SSH user)
#   GLR_SECRETS_DIR root-only secret files (0700)
#   GLR_UPLOAD_USER the SSH login user
#   GLR_SERVICE_CONTAINERS  the registry mirror / cache server containers the stack configures on
#                   this host (space-separated, may be empty): containers this library started
#                   earlier and that are no longer configured are removed here
set -euo pipefail
if ! declare -F glr_log >/dev/null; then
  # shellcheck source=lib.sh
  . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
fi
glr_require GLR_STATE_DIR GLR_STAGE_DIR GLR_SECRETS_DIR GLR_UPLOAD_USER

glr_log "creating ${GLR_STATE_DIR}, its staging and secrets folders"
install -d -m 0755 "${GLR_STATE_DIR}"
install -d -m 0700 "${GLR_SECRETS_DIR}"
install -d -m 0700 -o "${GLR_UPLOAD_USER}" "${GLR_STAGE_DIR}"

glr_prune_containers "${GLR_SERVICE_CONTAINERS:-}" || glr_die "could not remove the containers no longer configured (see above); fix the host's Docker and deploy again."
