#!/usr/bin/env bash
# Step bootstrap-machine (F01): the one-time `docker-machine create` + `rm` the upstream
# procedure asks for before the runner first starts, so the runner's concurrent first creates
# do not clobber each other's certificates.
# Inputs: GLR_MACHINE_DRIVER, GLR_MACHINE_OPTIONS (newline-separated, no leading dashes, as in
#   MachineOptions), GLR_MACHINE_STORAGE_PATH, GLR_SERVICE_HOME (HOME of the service, /root),
#   GLR_BOOTSTRAP_MODE = full (real driver + options: validates them, costs one VM)
#                      | certs-only (--driver none: certificates only, options not validated),
#   GLR_BOOTSTRAP_MACHINE (machine name), GLR_BOOTSTRAP_HASH (hash of driver + options),
#   GLR_BOOTSTRAP_LOCK_TIMEOUT_SECONDS (default 1800).
# Runs as the service will (root, HOME and MACHINE_STORAGE_PATH exported), under flock, and
# removes the machine by a trap even when create fails. No-op while ca.pem/cert.pem/key.pem
# exist and the stored hash equals GLR_BOOTSTRAP_HASH.
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F glr_log >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

glr_require GLR_BOOTSTRAP_MACHINE GLR_MACHINE_STORAGE_PATH
: "${GLR_BOOTSTRAP_MODE:=full}"
: "${GLR_MACHINE_DRIVER:=}"
: "${GLR_MACHINE_OPTIONS:=}"
: "${GLR_BOOTSTRAP_HASH:=}"
: "${GLR_BOOTSTRAP_LOCK_TIMEOUT_SECONDS:=1800}"
case "$GLR_BOOTSTRAP_MODE" in
  full) glr_require GLR_MACHINE_DRIVER ;;
  certs-only) ;;
  *) glr_die "GLR_BOOTSTRAP_MODE: got '$GLR_BOOTSTRAP_MODE', expected full or certs-only." ;;
esac
[[ "$GLR_BOOTSTRAP_MACHINE" =~ ^[a-zA-Z0-9][a-zA-Z0-9.-]*$ ]] ||
  glr_die "GLR_BOOTSTRAP_MACHINE: got '$GLR_BOOTSTRAP_MACHINE', expected a machine name (letters, digits, '.', '-')."
command -v docker-machine >/dev/null 2>&1 || glr_die "docker-machine is not installed (the install-docker-machine step must run first)."

export HOME="$GLR_SERVICE_HOME" MACHINE_STORAGE_PATH="$GLR_MACHINE_STORAGE_PATH"
certs="$MACHINE_STORAGE_PATH/certs"
hash_file="$GLR_STATE_DIR/bootstrap/$GLR_BOOTSTRAP_MACHINE.hash"
machine="$GLR_BOOTSTRAP_MACHINE"

certs_present() { [[ -s "$certs/ca.pem" && -s "$certs/cert.pem" && -s "$certs/key.pem" ]]; }
stored_hash() { if [[ -f "$hash_file" ]]; then cat "$hash_file"; fi; }

glr_lock "$GLR_STATE_DIR/locks/bootstrap-machine.lock" "$GLR_BOOTSTRAP_LOCK_TIMEOUT_SECONDS"
if certs_present && [[ "$(stored_hash)" == "$GLR_BOOTSTRAP_HASH" ]]; then
  glr_log "docker-machine already bootstrapped (certificates in $certs, same driver options), nothing to do"
  exit 0
fi

machine_exists() { docker-machine ls -q 2>/dev/null | grep -qxF "$machine"; }
remove_machine() {
  if machine_exists; then
    glr_log "removing bootstrap machine $machine"
    docker-machine --bugsnag-api-token=no-report rm -f -y "$machine" >/dev/null ||
      glr_warn "could not remove bootstrap machine $machine: remove it by hand (docker-machine rm -f $machine)."
  fi
}
trap remove_machine EXIT
remove_machine # left over by an interrupted run

args=(--bugsnag-api-token=no-report create)
if [[ "$GLR_BOOTSTRAP_MODE" == full ]]; then
  args+=(--driver "$GLR_MACHINE_DRIVER")
  while IFS= read -r opt; do
    opt="${opt#"${opt%%[![:space:]]*}"}"
    [[ "$opt" != -* ]] || glr_die "GLR_MACHINE_OPTIONS entry '$opt' starts with '-': write MachineOptions without dashes (e.g. amazonec2-region=eu-central-1)."
    args+=("--$opt")
  done < <(glr_lines GLR_MACHINE_OPTIONS)
  glr_log "bootstrapping docker-machine: create $machine with driver $GLR_MACHINE_DRIVER and ${#args[@]} arguments (MACHINE_STORAGE_PATH=$MACHINE_STORAGE_PATH)"
else
  args+=(--driver none --url tcp://127.0.0.1:2376)
  glr_log "bootstrapping docker-machine certificates only: create $machine with driver none (MACHINE_STORAGE_PATH=$MACHINE_STORAGE_PATH)"
fi
args+=("$machine")

rc=0
docker-machine "${args[@]}" </dev/null || rc=$?
if ((rc != 0)); then
  glr_die "docker-machine create failed (exit $rc, driver ${GLR_MACHINE_DRIVER:-none}, mode $GLR_BOOTSTRAP_MODE): see its output above. The machine is removed; fix the driver options and deploy again."
fi
certs_present || glr_die "docker-machine create succeeded but $certs/{ca,cert,key}.pem are missing."
remove_machine
trap - EXIT
mkdir -p "$(dirname "$hash_file")"
printf '%s\n' "$GLR_BOOTSTRAP_HASH" | glr_write_if_changed "$hash_file" 0600 || true
glr_log "docker-machine bootstrapped: certificates in $certs"
