#!/usr/bin/env bash
# Step teardown-services (destroy time): removes the registry mirror / cache server containers
# this library started on a support-services host (recorded under $GLR_STATE_DIR/containers/
# when they were started, so services dropped from the props earlier are covered too), their
# credential files, and the library's state dir. The cache's data directory (the bucket
# contents) stays.
# Inputs: GLR_STATE_DIR.
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F glr_log >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

if ! glr_prune_containers ""; then
  glr_die "teardown incomplete, state kept for a retry; could not remove every container listed in $GLR_STATE_DIR/containers"
fi
rm -rf "$GLR_STATE_DIR"
glr_log "teardown done: support containers and $GLR_STATE_DIR removed"
