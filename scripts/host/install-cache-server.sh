#!/usr/bin/env bash
# Step install-cache-server (facts section 7): MinIO as the runners' S3 cache.
# Inputs: GLR_CACHE_PORT (9005), GLR_CACHE_BUCKET (runner), GLR_CACHE_NAME (minio),
#   GLR_CACHE_IMAGE (minio/minio:latest), GLR_CACHE_DATA_DIR (/export), GLR_CACHE_CONFIG_DIR
#   (/.minio), GLR_CACHE_BIND_ADDRESS (optional), GLR_CACHE_ACCESS_KEY_SECRET /
#   GLR_CACHE_SECRET_KEY_SECRET (secret file names, default cache-access-key / cache-secret-key).
# The credentials reach docker through --env-file (a 0600 file in the state dir), never
# `-e KEY=secret` on a command line. The bucket is a directory under the data dir.
# Idempotent: same configuration and credentials (label) -> nothing; else the container is replaced.
set -euo pipefail
# shellcheck source=lib.sh
if ! declare -F glr_log >/dev/null; then . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"; fi

: "${GLR_CACHE_PORT:=9005}"
: "${GLR_CACHE_BUCKET:=runner}"
: "${GLR_CACHE_NAME:=minio}"
: "${GLR_CACHE_IMAGE:=minio/minio:latest}"
: "${GLR_CACHE_DATA_DIR:=/export}"
: "${GLR_CACHE_CONFIG_DIR:=/.minio}"
: "${GLR_CACHE_BIND_ADDRESS:=}"
: "${GLR_CACHE_ACCESS_KEY_SECRET:=cache-access-key}"
: "${GLR_CACHE_SECRET_KEY_SECRET:=cache-secret-key}"
[[ "$GLR_CACHE_PORT" =~ ^[0-9]+$ ]] || glr_die "GLR_CACHE_PORT: got '$GLR_CACHE_PORT', expected a port number."
[[ "$GLR_CACHE_BUCKET" =~ ^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$ ]] || glr_die "GLR_CACHE_BUCKET: got '$GLR_CACHE_BUCKET', expected an S3 bucket name (3-63 of a-z 0-9 . -)."
command -v docker >/dev/null 2>&1 || glr_die "docker is not installed (the install-docker step must run first)."

access_key="" secret_key=""
glr_read_secret "$GLR_CACHE_ACCESS_KEY_SECRET" access_key
glr_read_secret "$GLR_CACHE_SECRET_KEY_SECRET" secret_key
[[ "$access_key$secret_key" != *$'\n'* ]] || glr_die "the cache credentials must be single lines (secrets $GLR_CACHE_ACCESS_KEY_SECRET, $GLR_CACHE_SECRET_KEY_SECRET)."
mkdir -p "$GLR_STATE_DIR" # not chmod: the staging dir inside it belongs to the SSH user
env_file="$GLR_STATE_DIR/$GLR_CACHE_NAME.env"
(umask 077 && printf 'MINIO_ROOT_USER=%s\nMINIO_ROOT_PASSWORD=%s\n' "$access_key" "$secret_key" | glr_write_if_changed "$env_file" 0600) || true
unset access_key secret_key

publish="$GLR_CACHE_PORT:9000"
[[ -z "$GLR_CACHE_BIND_ADDRESS" ]] || publish="$GLR_CACHE_BIND_ADDRESS:$publish"
mkdir -p "$GLR_CACHE_DATA_DIR/$GLR_CACHE_BUCKET" "$GLR_CACHE_CONFIG_DIR"
# The label changes with the credentials too (their file's sha256, not the values).
config_hash="$(printf '%s\n' "$GLR_CACHE_IMAGE" "$publish" "$GLR_CACHE_DATA_DIR" "$GLR_CACHE_CONFIG_DIR" "$(glr_sha256 "$env_file")" | sha256sum | cut -c1-16)"
glr_container_outdated "cache server" "$GLR_CACHE_NAME" "$config_hash" "configuration or credentials changed" || exit 0
glr_log "starting cache server $GLR_CACHE_NAME ($GLR_CACHE_IMAGE) on $publish, bucket $GLR_CACHE_BUCKET"
docker run -d --restart always --name "$GLR_CACHE_NAME" -p "$publish" \
  --label "cdktf-gitlab-runner.config=$config_hash" --env-file "$env_file" \
  -v "$GLR_CACHE_CONFIG_DIR:/root/.minio" -v "$GLR_CACHE_DATA_DIR:/export" \
  "$GLR_CACHE_IMAGE" server /export >/dev/null
glr_log "cache server $GLR_CACHE_NAME started"
