#!/usr/bin/env bash
# Step apply-config (F02/F04/F13): put the fully rendered config.toml in place.
# Inputs: GLR_CONFIG_TEMPLATE (uploaded template: the rendered config.toml with each secret
#   value replaced by @@GLR_SECRET:<name>@@ inside its TOML string quotes), GLR_CONFIG_PATH,
#   GLR_RESTART_HASH (hash of the keys the runner cannot reload), GLR_SERVICE_NAME.
# Each marker is replaced by the secret file's content (trailing newlines dropped) escaped as a
# TOML basic string. The result is written to a 0600 temp file in the config dir (0700),
# checked, and moved over config.toml only when it differs (an unchanged file keeps its mtime).
# The running runner reloads config.toml by itself (mtime check every 3 s): no restart, except
# when GLR_RESTART_HASH changed and the service is active (graceful restart). A stopped
# service is never started here (enable-service does that).
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F glr_log >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

glr_require GLR_CONFIG_TEMPLATE GLR_CONFIG_PATH GLR_SERVICE_NAME
: "${GLR_RESTART_HASH:=}"
[[ -f "$GLR_CONFIG_TEMPLATE" ]] || glr_die "the uploaded config template $GLR_CONFIG_TEMPLATE does not exist."

# toml_escape VALUE OUTVAR: VALUE as the inside of a TOML basic string.
toml_escape() {
  local v="$1" out="" c i code # callers must not use these names for OUTVAR
  v="${v//\\/\\\\}"
  v="${v//\"/\\\"}"
  v="${v//$'\n'/\\n}"
  v="${v//$'\r'/\\r}"
  v="${v//$'\t'/\\t}"
  v="${v//$'\b'/\\b}"
  v="${v//$'\f'/\\f}"
  if [[ "$v" == *[$'\x01'-$'\x1f'$'\x7f']* ]]; then
    for ((i = 0; i < ${#v}; i++)); do
      c="${v:i:1}"
      if [[ "$c" == [$'\x01'-$'\x1f'$'\x7f'] ]]; then
        printf -v code '%d' "'$c"
        printf -v c '\\u%04X' "$code"
      fi
      out+="$c"
    done
    v="$out"
  fi
  printf -v "$2" '%s' "$v"
}

content=""
IFS= read -r -d '' content <"$GLR_CONFIG_TEMPLATE" || true
names=()
rest="$content"
while [[ "$rest" =~ @@GLR_SECRET:([A-Za-z0-9][A-Za-z0-9_.-]*)@@ ]]; do
  [[ " ${names[*]} " == *" ${BASH_REMATCH[1]} "* ]] || names+=("${BASH_REMATCH[1]}")
  rest="${rest#*"${BASH_REMATCH[0]}"}"
done
for name in "${names[@]}"; do
  marker="@@GLR_SECRET:$name@@"
  [[ -f "$(glr_secret_path "$name")" ]] ||
    glr_die "config.toml needs secret '$name' but $(glr_secret_path "$name") does not exist. Nothing was changed. Fix: make sure the step storing '$name' (put-secret or register) ran before apply-config."
  value=""
  glr_read_secret "$name" value
  toml_escape "$value" escaped
  # "@" as \u0040 (the same character to TOML): a secret's value can never form another marker
  escaped="${escaped//@/\\u0040}"
  content="${content//"$marker"/"$escaped"}"
done
unset value escaped
((${#names[@]} == 0)) || glr_log "substituted ${#names[@]} secret reference(s): ${names[*]}"

config_dir="$(dirname "$GLR_CONFIG_PATH")"
# The config dir is 0700 (like gitlab-runner makes it). An existing dir is tightened only when
# it is the runner's own (named *gitlab-runner*), never e.g. /etc.
if [[ ! -d "$config_dir" ]]; then
  mkdir -p "$config_dir"
  chmod 0700 "$config_dir"
elif [[ "$(stat -c %a "$config_dir")" != 700 ]]; then
  if [[ "$(basename "$config_dir")" == *gitlab-runner* ]]; then
    chmod 0700 "$config_dir"
    glr_log "tightened $config_dir to mode 0700"
  else
    glr_warn "$config_dir has mode $(stat -c %a "$config_dir") (not the runner's own dir, left as it is); config.toml itself is 0600."
  fi
fi
glr_clean_stale "$config_dir" '.config.toml.*'
tmp="$(umask 077 && mktemp "$config_dir/.config.toml.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
printf '%s' "$content" >"$tmp"
unset content
chmod 0600 "$tmp"
if grep -q "$GLR_MARKER_PREFIX" "$tmp"; then
  glr_die "config.toml still contains a $GLR_MARKER_PREFIX...@@ marker after substitution (malformed secret name?). Nothing was changed."
fi

if [[ -f "$GLR_CONFIG_PATH" ]] && cmp -s "$tmp" "$GLR_CONFIG_PATH"; then
  glr_log "config.toml unchanged ($GLR_CONFIG_PATH)"
else
  mv -f "$tmp" "$GLR_CONFIG_PATH"
  glr_log "config.toml updated ($GLR_CONFIG_PATH, mode 0600); a running runner reloads it within 3 s"
fi

svc="$GLR_SERVICE_NAME"
hash_file="$GLR_STATE_DIR/restart-hash/$svc"
stored=""
[[ -f "$hash_file" ]] && stored="$(cat "$hash_file")"
if glr_interrupted_restart "$svc"; then
  glr_log "starting $svc, which an interrupted restart left stopped"
  glr_start "$svc"
elif [[ "$stored" != "$GLR_RESTART_HASH" ]]; then
  if glr_service_active "$svc"; then
    glr_log "settings the runner cannot reload changed (restart hash ${stored:-none} -> ${GLR_RESTART_HASH:-none}): restarting $svc gracefully"
    glr_stop_to_restart "$svc"
    glr_start "$svc"
    glr_log "$svc restarted"
  fi
fi
if [[ "$stored" != "$GLR_RESTART_HASH" ]]; then
  mkdir -p "$(dirname "$hash_file")"
  printf '%s\n' "$GLR_RESTART_HASH" | glr_write_if_changed "$hash_file" 0644 || true
fi
