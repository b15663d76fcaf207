#!/usr/bin/env bash
# Step teardown-services (destroy time): removes the registry mirror / cache server containers
# this library started on a support-services host, their credential files, and the library's
# state dir. The cache's data directory (the bucket contents) stays.
# Inputs: GLR_SERVICE_CONTAINERS (space-separated container names), GLR_STATE_DIR.
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F glr_log >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

glr_require GLR_SERVICE_CONTAINERS
read -r -a containers <<<"$GLR_SERVICE_CONTAINERS"
if ! glr_remove_containers "${containers[@]}"; then
  glr_die "teardown incomplete, state kept for a retry; could not remove every container of: ${containers[*]}"
fi
rm -rf "$GLR_STATE_DIR"
glr_log "teardown done: containers ${containers[*]} and $GLR_STATE_DIR removed"
