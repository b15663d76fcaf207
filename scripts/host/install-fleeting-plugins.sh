#!/usr/bin/env bash
# Step install-fleeting-plugins: docker-autoscaler / instance runners need their fleeting plugin
# (`plugin = "aws:1.2"` in [runners.autoscaler]) installed on the manager before the runner
# starts using it: `gitlab-runner fleeting install` reads config.toml and installs every plugin
# it names (GitLab Runner 16.11+). Runs after config.toml is written.
# Inputs: GLR_CONFIG_PATH, GLR_FLEETING_PLUGINS (newline-separated plugin references, for the
#   progress line and the trigger), GLR_FLEETING_UPGRADE (1: pass --upgrade).
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F glr_log >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

glr_require GLR_CONFIG_PATH GLR_FLEETING_PLUGINS
: "${GLR_FLEETING_UPGRADE:=}"
[[ -f "$GLR_CONFIG_PATH" ]] || glr_die "$GLR_CONFIG_PATH does not exist (the apply-config step must run first)."
command -v gitlab-runner >/dev/null 2>&1 || glr_die "gitlab-runner is not installed (the install-runner step must run first)."

plugins="$(glr_lines GLR_FLEETING_PLUGINS | paste -sd, -)"
args=(fleeting install --config "$GLR_CONFIG_PATH")
[[ "$GLR_FLEETING_UPGRADE" != 1 ]] || args+=(--upgrade)
glr_log "installing fleeting plugins: $plugins"
attempt=1
until gitlab-runner "${args[@]}"; do
  ((attempt < 3)) || glr_die "gitlab-runner fleeting install failed $attempt times (plugins: $plugins). Fix: check the plugin references and that the host reaches the plugin registry."
  glr_log "fleeting install failed (attempt $attempt/3), retrying in $((attempt * 5))s"
  sleep $((attempt * 5))
  attempt=$((attempt + 1))
done
glr_log "fleeting plugins installed: $plugins"
