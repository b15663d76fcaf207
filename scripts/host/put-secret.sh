#!/usr/bin/env bash
# Step put-secret: move a secret the file provisioner uploaded into the root-only secrets dir.
# Inputs: GLR_SECRET_NAME, GLR_SECRET_STAGED (uploaded file, inside a 0700 staging dir),
#   GLR_SECRET_KIND = token (no whitespace or newlines allowed) | generic, GLR_SECRETS_DIR.
# Result: $GLR_SECRETS_DIR/<name>, mode 0600 (dir 0700), written atomically; unchanged content
# is not rewritten. Prints only the name, never the value.
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F glr_log >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

glr_require GLR_SECRET_NAME GLR_SECRET_STAGED
: "${GLR_SECRET_KIND:=generic}"
dest="$(glr_secret_path "$GLR_SECRET_NAME")"
staged="$GLR_SECRET_STAGED"
case "$GLR_SECRET_KIND" in
  token | generic) ;;
  *) glr_die "GLR_SECRET_KIND: got '$GLR_SECRET_KIND', expected token or generic." ;;
esac

[[ -f "$staged" ]] || glr_die "secret '$GLR_SECRET_NAME': the uploaded file $staged does not exist (the file provisioner did not run?)."
staging_dir="$(dirname "$staged")"
if [[ "$(stat -c %a "$staging_dir")" != 700 ]]; then
  rm -f "$staged"
  glr_die "secret '$GLR_SECRET_NAME': the staging dir $staging_dir has mode $(stat -c %a "$staging_dir"), expected 700 (others could read the secret). The uploaded file was deleted."
fi

if [[ "$GLR_SECRET_KIND" == token ]]; then
  size="$(stat -c %s "$staged")"
  if ((size == 0)); then
    rm -f "$staged"
    glr_die "secret '$GLR_SECRET_NAME' is empty. Fix: pass the token's value (the variable was empty)."
  fi
  if grep -q '[[:space:]]' "$staged" || [[ "$(wc -l <"$staged")" != 0 ]]; then
    rm -f "$staged"
    glr_die "secret '$GLR_SECRET_NAME' is a token but contains whitespace or a newline ($size bytes; the value is not shown). Fix: remove the trailing newline/spaces from the variable (e.g. trimspace() or echo -n)."
  fi
fi

glr_mkdir_private "$GLR_SECRETS_DIR"
if (umask 077 && glr_write_if_changed "$dest" 0600 <"$staged"); then
  glr_log "stored secret $GLR_SECRET_NAME (mode 0600)"
else
  glr_log "secret $GLR_SECRET_NAME unchanged"
fi
rm -f "$staged"
