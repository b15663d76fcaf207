#!/usr/bin/env bash
# Step register (legacy registration-token flow; F02/F03): register a runner ONCE, keep only
# the runner token it obtains. A changed URL or changed registration settings register it again
# (the old runner unregistered first): GitLab applies them only at registration. config.toml is never touched: `gitlab-runner register` writes to
# a scratch file in a 0700 temp dir; the token goes to a 0600 secret that apply-config merges
# into the fully rendered config.toml.
# Inputs: GLR_URL, GLR_RUNNER_NAME, GLR_REGISTRATION_TOKEN_SECRET (secret file name holding the
#   registration token), GLR_RUNNER_TOKEN_SECRET (secret file name to write the runner token
#   to), GLR_REGISTER_ARGS (newline-separated registration-only flags, e.g. --tag-list=a,b).
# The registration token reaches gitlab-runner only through the REGISTRATION_TOKEN environment
# variable, never argv. The runner is recorded under $GLR_STATE_DIR/registered/ for teardown.
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F glr_log >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

glr_require GLR_URL GLR_RUNNER_NAME GLR_REGISTRATION_TOKEN_SECRET GLR_RUNNER_TOKEN_SECRET
: "${GLR_REGISTER_ARGS:=}"
token_file="$(glr_secret_path "$GLR_RUNNER_TOKEN_SECRET")"
record_name="$(printf '%s' "$GLR_RUNNER_NAME" | tr -c 'A-Za-z0-9_.-' '_')"
record="$GLR_STATE_DIR/registered/$record_name"

args_sha256="$(printf '%s' "$GLR_REGISTER_ARGS" | sha256sum | cut -d' ' -f1)"
if [[ -s "$token_file" ]]; then
  rec_url="" rec_args=""
  if [[ -f "$record" ]]; then
    rec_url="$(sed -n 's/^url=//p' "$record")"
    rec_args="$(sed -n 's/^args_sha256=//p' "$record")"
  fi
  # (a record written before args_sha256 was recorded counts as the same settings)
  if [[ ! -f "$record" || ("$rec_url" == "$GLR_URL" && (-z "$rec_args" || "$rec_args" == "$args_sha256")) ]]; then
    glr_log "runner $GLR_RUNNER_NAME already registered (token in secret $GLR_RUNNER_TOKEN_SECRET), nothing to do"
    exit 0
  fi
  # Registration settings apply only at registration: the runner is registered again, and the
  # old one unregistered first so GitLab does not keep two.
  changed="registration settings"
  [[ "$rec_url" == "$GLR_URL" ]] || changed="URL ($rec_url -> $GLR_URL)"
  glr_log "runner $GLR_RUNNER_NAME was registered with other $changed: unregistering it, then registering again"
  command -v gitlab-runner >/dev/null 2>&1 || glr_die "gitlab-runner is not installed (the install-runner step must run first)."
  old_token=""
  glr_read_secret "$GLR_RUNNER_TOKEN_SECRET" old_token
  unregister_dir="$(mktemp -d)"
  if CI_SERVER_URL="$rec_url" CI_SERVER_TOKEN="$old_token" gitlab-runner unregister --config "$unregister_dir/config.toml" </dev/null; then
    glr_log "unregistered the old runner $GLR_RUNNER_NAME from $rec_url"
  else
    glr_warn "could not unregister the old runner $GLR_RUNNER_NAME (id $(sed -n 's/^id=//p' "$record")) from $rec_url (output above); remove it in GitLab by hand."
  fi
  rm -rf "$unregister_dir"
  unset old_token
  rm -f "$token_file" "$record"
fi

args=()
while IFS= read -r arg; do
  case "$arg" in
    --registration-token* | -r | -r=* | --token* | -t | -t=* | --config* | -c | -c=* | --url* | -u | -u=* | --name* | --description* | --executor* | --non-interactive* | -n)
      glr_die "GLR_REGISTER_ARGS: '${arg%%=*}' is set by the register step itself; remove it." ;;
    --?*) args+=("$arg") ;;
    *) glr_die "GLR_REGISTER_ARGS: got '$arg', expected one --flag=value per line (e.g. --tag-list=docker,linux)." ;;
  esac
done < <(glr_lines GLR_REGISTER_ARGS)

glr_read_secret "$GLR_REGISTRATION_TOKEN_SECRET" registration_token
[[ -n "$registration_token" ]] || glr_die "secret '$GLR_REGISTRATION_TOKEN_SECRET' (registration token) is empty."
if [[ "$registration_token" == glrt-* ]]; then
  glr_die "secret '$GLR_REGISTRATION_TOKEN_SECRET' holds an authentication token (glrt-...), not a registration token. Fix: use the authentication-token flow for runner $GLR_RUNNER_NAME (the token goes into config.toml directly)."
fi
command -v gitlab-runner >/dev/null 2>&1 || glr_die "gitlab-runner is not installed (the install-runner step must run first)."

# The scratch dir has a fixed name per runner and is removed only once the token is stored: a
# run interrupted after GitLab created the runner leaves it behind, and the next run uses it
# instead of registering a second runner.
mkdir -p "$GLR_STATE_DIR/register" # not chmod GLR_STATE_DIR: the SSH user's staging dir is inside it
scratch_dir="$GLR_STATE_DIR/register/$record_name"
scratch="$scratch_dir/config.toml"
scratch_url=""
[[ -s "$scratch" ]] && scratch_url="$(awk -F'"' '/^[[:space:]]*url[[:space:]]*=/ { print $2; exit }' "$scratch")"
if [[ -n "$scratch_url" && "$scratch_url" == "$GLR_URL" ]] && grep -q '^[[:space:]]*token[[:space:]]*=' "$scratch"; then
  glr_log "an interrupted earlier run registered $GLR_RUNNER_NAME already: keeping that runner (no second registration)"
else
  if [[ -n "$scratch_url" ]]; then
    glr_warn "discarding an interrupted registration of $GLR_RUNNER_NAME with $scratch_url (the URL is now $GLR_URL); that runner may remain in GitLab."
  fi
  rm -rf "$scratch_dir"
  mkdir -p "$scratch_dir"
  chmod 0700 "$scratch_dir"
  glr_log "registering runner $GLR_RUNNER_NAME with $GLR_URL (registration token from secret $GLR_REGISTRATION_TOKEN_SECRET)"
  rc=0
  REGISTRATION_TOKEN="$registration_token" gitlab-runner register --non-interactive --config "$scratch" \
    --url "$GLR_URL" --name "$GLR_RUNNER_NAME" --executor shell "${args[@]}" </dev/null || rc=$?
  if ((rc != 0)); then
    rm -rf "$scratch_dir"
    glr_die "gitlab-runner register failed for runner $GLR_RUNNER_NAME (exit $rc): see its output above (410 = registration tokens are disabled on this GitLab; 403 = wrong token)."
  fi
fi
unset registration_token

runner_token="$(awk -F'"' '/^[[:space:]]*token[[:space:]]*=/ { print $2; exit }' "$scratch")"
runner_id="$(awk -F'= *' '/^[[:space:]]*id[[:space:]]*=/ { print $2; exit }' "$scratch")"
[[ -n "$runner_token" ]] || glr_die "gitlab-runner register succeeded but wrote no token to its scratch config."

# The record first: once the token exists this step is a no-op, and teardown needs the record.
mkdir -p "$(dirname "$record")"
printf 'name=%s\nurl=%s\nid=%s\ntoken_secret=%s\nargs_sha256=%s\n' "$GLR_RUNNER_NAME" "$GLR_URL" "${runner_id:-}" "$GLR_RUNNER_TOKEN_SECRET" "$args_sha256" |
  glr_write_if_changed "$record" 0600 || true
glr_mkdir_private "$GLR_SECRETS_DIR"
(umask 077 && printf '%s' "$runner_token" | glr_write_if_changed "$token_file" 0600) || true
unset runner_token
rm -rf "$scratch_dir"
glr_log "runner $GLR_RUNNER_NAME registered (id ${runner_id:-unknown}); token stored in secret $GLR_RUNNER_TOKEN_SECRET"
