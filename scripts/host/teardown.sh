#!/usr/bin/env bash
# Step teardown (destroy time; F04/F14): undo what this library did on the host.
#  1. graceful stop (SIGQUIT: running jobs finish) and disable the runner service;
#  2. remove the docker machines this manager owns (never others), GLR_TEARDOWN_CONCURRENCY at
#     a time: the runner names its machines runner-<short token>-<MachineName>, and every
#     MachineName starts with GLR_MACHINE_PREFIX; the bootstrap machine is <prefix>bootstrap...;
#  3. unregister only the runners recorded under $GLR_STATE_DIR/registered/ (registered by the
#     register step), token via the CI_SERVER_TOKEN environment variable. Runners using an
#     authentication token are never recorded: a token we did not create is never revoked;
#  4. remove the registry mirror / cache server containers it started (recorded under
#     $GLR_STATE_DIR/containers/ when they were started);
#  5. remove config.toml and the state dir (secrets included).
# Tolerates a half-installed host (missing binaries, unit, files). When a machine or a runner
# cannot be removed, it says which, keeps the state needed to retry, and exits non-zero.
# Inputs: GLR_SERVICE_NAME, GLR_MACHINE_PREFIX, GLR_MACHINE_STORAGE_PATH, GLR_SERVICE_HOME,
#   GLR_TEARDOWN_CONCURRENCY (default 4), GLR_CONFIG_PATH, GLR_STATE_DIR.
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F glr_log >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

glr_require GLR_SERVICE_NAME GLR_MACHINE_PREFIX
: "${GLR_TEARDOWN_CONCURRENCY:=4}"
[[ "$GLR_TEARDOWN_CONCURRENCY" =~ ^[1-9][0-9]*$ ]] || glr_die "GLR_TEARDOWN_CONCURRENCY: got '$GLR_TEARDOWN_CONCURRENCY', expected a whole number >= 1."
svc="$GLR_SERVICE_NAME"
failed=()

# 1. Service.
if command -v systemctl >/dev/null 2>&1; then
  glr_graceful_stop "$svc" || true
  if glr_service_enabled "$svc"; then
    systemctl disable "$svc.service" >/dev/null 2>&1 || true
    glr_log "disabled $svc"
  fi
fi

# 2. Owned machines.
# glr_owned NAME: true for this manager's machines (see the header).
# The runner's short token is 8 characters, 9 for glrt-/glrtr- tokens, 17 for GR... ones, or a
# shorter token whole (gitlab-runner helpers.ShortenToken). Only those lengths are tried: a wildcard
# would take runner-abcd1234-prod-ci-1 for a machine of prefix ci-.
glr_owned() {
  local rest n
  [[ "$1" == "$GLR_MACHINE_PREFIX"* ]] && return 0
  [[ "$1" == runner-* ]] || return 1
  rest="${1#runner-}"
  for n in 1 2 3 4 5 6 7 8 9 17; do
    [[ "${rest:n}" == "-$GLR_MACHINE_PREFIX"* ]] && return 0
  done
  return 1
}
export HOME="$GLR_SERVICE_HOME" MACHINE_STORAGE_PATH="$GLR_MACHINE_STORAGE_PATH"
if command -v docker-machine >/dev/null 2>&1; then
  owned=()
  while IFS= read -r name; do
    [[ -n "$name" ]] && glr_owned "$name" && owned+=("$name")
  done < <(docker-machine ls -q 2>/dev/null || true)
  if ((${#owned[@]})); then
    glr_log "removing ${#owned[@]} machine(s) owned by this manager (prefix $GLR_MACHINE_PREFIX), $GLR_TEARDOWN_CONCURRENCY at a time"
    printf '%s\0' "${owned[@]}" |
      xargs -0 -r -n1 -P "$GLR_TEARDOWN_CONCURRENCY" docker-machine --bugsnag-api-token=no-report rm -f -y >/dev/null || true
    while IFS= read -r name; do
      glr_owned "$name" && failed+=("machine $name")
    done < <(docker-machine ls -q 2>/dev/null || true)
  else
    glr_log "no machines with prefix $GLR_MACHINE_PREFIX"
  fi
else
  glr_log "docker-machine not installed, no machines to remove"
fi

# 3. Runners this library registered.
registered_dir="$GLR_STATE_DIR/registered"
if [[ -d "$registered_dir" ]]; then
  for record in "$registered_dir"/*; do
    [[ -f "$record" ]] || continue
    name="$(sed -n 's/^name=//p' "$record")"
    url="$(sed -n 's/^url=//p' "$record")"
    secret="$(sed -n 's/^token_secret=//p' "$record")"
    token_path="$(glr_secret_path "$secret")"
    if [[ ! -s "$token_path" ]]; then
      glr_warn "runner $name: its token ($token_path) is gone, cannot unregister it; remove it in GitLab by hand."
      rm -f "$record"
      continue
    fi
    if ! command -v gitlab-runner >/dev/null 2>&1; then
      failed+=("runner $name (gitlab-runner not installed)")
      continue
    fi
    token=""
    glr_read_secret "$secret" token
    glr_log "unregistering runner $name from $url"
    if CI_SERVER_URL="$url" CI_SERVER_TOKEN="$token" gitlab-runner unregister --config "$GLR_CONFIG_PATH" </dev/null; then
      rm -f "$record"
    else
      failed+=("runner $name")
      glr_warn "runner $name: unregister failed (output above). If it is already deleted in GitLab, remove $record and run the destroy again."
    fi
    unset token
  done
fi

# 4. Support containers (registry mirror, cache server) this library started on this host.
glr_prune_containers "" || failed+=("containers listed in $GLR_STATE_DIR/containers")

if ((${#failed[@]})); then
  # Terraform goes on with the destroy (a host that is gone must not block it), so the retry is
  # left on the host: the same inputs and scripts, runnable by hand once the cause is fixed.
  retry="$GLR_STATE_DIR/teardown-retry.sh"
  scripts_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  [[ -f "$scripts_dir/lib.sh" ]] || scripts_dir="$GLR_STATE_DIR/scripts"
  {
    printf '#!/usr/bin/env bash\n# written by a teardown that could not finish; run it as root to finish it\nset -euo pipefail\n'
    for v in GLR_SERVICE_NAME GLR_MACHINE_PREFIX GLR_MACHINE_STORAGE_PATH GLR_SERVICE_HOME GLR_TEARDOWN_CONCURRENCY GLR_CONFIG_PATH GLR_STATE_DIR; do
      [[ -z "${!v+set}" ]] || printf 'export %s=%q\n' "$v" "${!v}"
    done
    printf '. %q\n. %q\n' "$scripts_dir/lib.sh" "$scripts_dir/teardown.sh"
  } >"$retry"
  chmod 0700 "$retry"
  glr_die "teardown incomplete, state kept for a retry; could not remove: ${failed[*]}. Terraform still completes the destroy. Fix the cause, then finish on the host: sudo bash $retry"
fi

# 5. Files (with the temp copies an interrupted apply-config may have left: they hold tokens).
rm -f "$GLR_CONFIG_PATH"
find "$(dirname "$GLR_CONFIG_PATH")" -maxdepth 1 -name '.config.toml.*' -type f -delete 2>/dev/null || true
rm -rf "$GLR_STATE_DIR"
glr_log "teardown done: $svc stopped and disabled, config.toml and $GLR_STATE_DIR removed"
