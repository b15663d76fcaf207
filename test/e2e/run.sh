#!/usr/bin/env bash
# End-to-end suite entry point (`npm run test:e2e`, see docs/e2e.md).
#
# Boots a real Debian 12 host with systemd as PID 1 (debootstrap rootfs, cached; systemd-nspawn),
# reachable by SSH on a free loopback port with a key made for this run, then runs the scenario
# suite (test/e2e/suite.ts) against it and always tears the host down.
#
# Usage: test/e2e/run.sh [--smoke] [--app DIR] [--keep]
#   --smoke   deploy the harness's own tiny fixture (test/e2e/fixtures/tiny) instead of the scenarios
#   --app     run the scenarios against another app folder (default examples/local-sandbox)
#   --keep    keep the run directory (rootfs, logs, scratch app) for inspection
# Environment: E2E_CACHE_DIR (default /var/cache/cdktf-gitlab-runner-e2e), E2E_DEBIAN_MIRROR
# (default http://deb.debian.org/debian), E2E_KEEP=1 (same as --keep), E2E_TIMEOUT (default 40m),
# E2E_VERBOSE=1 (stream every cdktf/Terraform line).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE_DIR=${E2E_CACHE_DIR:-/var/cache/cdktf-gitlab-runner-e2e}
MIRROR=${E2E_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
# What the host needs: systemd as PID 1, sshd, curl + CA certs for the download step, procps (ps),
# sudo (a scenario deploys as a non-root sudo user, as the library supports).
INCLUDE=systemd,systemd-sysv,dbus,openssh-server,ca-certificates,curl,procps,sudo
KEEP=${E2E_KEEP:-0}
SUDO_USER_NAME="admin"
for arg in "$@"; do [ "$arg" = --keep ] && KEEP=1; done

log() { echo "[e2e] $*"; }
die() { echo "[e2e] ERROR: $*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# Preflight: root, and the tools the suite drives (installed here when missing).
# ---------------------------------------------------------------------------------------------
preflight() {
  if [ "$(id -u)" != 0 ]; then
    die "the end-to-end suite must run as root (debootstrap and systemd-nspawn need it). Fix: sudo npm run test:e2e"
  fi
  local missing=()
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v systemd-nspawn >/dev/null || missing+=(systemd-container)
  command -v ssh-keygen >/dev/null || missing+=(openssh-client)
  command -v nsenter >/dev/null || missing+=(util-linux)
  command -v flock >/dev/null || missing+=(util-linux)
  if [ "${#missing[@]}" -gt 0 ]; then
    command -v apt-get >/dev/null || die "missing tools (${missing[*]}) and no apt-get to install them. Fix: install ${missing[*]}"
    log "installing ${missing[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  command -v terraform >/dev/null || die "terraform is not on PATH (the suite runs the real cdktf CLI, which needs it)"
  command -v node >/dev/null || die "node is not on PATH"
  [ -x "$REPO/node_modules/.bin/cdktf" ] || die "node_modules/.bin/cdktf missing. Fix: npm ci"
}

# ---------------------------------------------------------------------------------------------
# Pristine Debian 12 rootfs, cached as a tarball keyed by suite + package list + mirror.
# ---------------------------------------------------------------------------------------------
ensure_rootfs_tarball() {
  local key
  key=$(printf '%s\n' "$SUITE" "$INCLUDE" "$MIRROR" | sha256sum | cut -c1-12)
  TARBALL="$CACHE_DIR/$SUITE-minbase-$key.tar"
  mkdir -p "$CACHE_DIR"
  exec 9>"$CACHE_DIR/.lock"
  flock 9
  if [ ! -s "$TARBALL" ]; then
    local build="$CACHE_DIR/build.$$"
    rm -rf "$build"
    log "no cached rootfs: debootstrap $SUITE (about 1-2 minutes, once per machine) -> $TARBALL"
    if ! debootstrap --variant=minbase --include="$INCLUDE" "$SUITE" "$build" "$MIRROR" >"$CACHE_DIR/debootstrap.log" 2>&1; then
      tail -20 "$CACHE_DIR/debootstrap.log" >&2
      rm -rf "$build"
      die "debootstrap failed (log: $CACHE_DIR/debootstrap.log)"
    fi
    rm -f "$build"/var/cache/apt/archives/*.deb
    tar -C "$build" --numeric-owner -cf "$TARBALL.tmp" .
    mv "$TARBALL.tmp" "$TARBALL"
    rm -rf "$build"
    # Tarballs for an older package list or mirror are never used again.
    find "$CACHE_DIR" -maxdepth 1 -name "$SUITE-minbase-*.tar" ! -path "$TARBALL" -delete
  else
    log "cached rootfs: $TARBALL"
  fi
  flock -u 9
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});'
}

# ---------------------------------------------------------------------------------------------
# Per-run host: fresh copy of the rootfs, own host key, own client key, sshd on a loopback port.
# ---------------------------------------------------------------------------------------------
prepare_host() {
  ROOTFS="$RUN_DIR/rootfs"
  mkdir -p "$ROOTFS"
  tar -C "$ROOTFS" --numeric-owner -xf "$TARBALL"
  SSH_PORT=$(free_port)
  MACHINE="cgr-e2e-$(basename "$RUN_DIR" | tr -cd 'a-zA-Z0-9' | tail -c 8)"

  ssh-keygen -q -t ed25519 -N '' -C "cdktf-gitlab-runner-e2e" -f "$RUN_DIR/id_ed25519"
  install -d -m 0700 "$ROOTFS/root/.ssh"
  install -m 0600 "$RUN_DIR/id_ed25519.pub" "$ROOTFS/root/.ssh/authorized_keys"

  # A non-root login with password-less sudo, the other kind of user the library supports.
  chroot "$ROOTFS" useradd --create-home --shell /bin/bash "$SUDO_USER_NAME"
  install -d -m 0700 "$ROOTFS/home/$SUDO_USER_NAME/.ssh"
  install -m 0600 "$RUN_DIR/id_ed25519.pub" "$ROOTFS/home/$SUDO_USER_NAME/.ssh/authorized_keys"
  chroot "$ROOTFS" chown -R "$SUDO_USER_NAME:$SUDO_USER_NAME" "/home/$SUDO_USER_NAME/.ssh"
  echo "$SUDO_USER_NAME ALL=(ALL) NOPASSWD:ALL" >"$ROOTFS/etc/sudoers.d/e2e-$SUDO_USER_NAME"
  chmod 0440 "$ROOTFS/etc/sudoers.d/e2e-$SUDO_USER_NAME"

  rm -f "$ROOTFS"/etc/ssh/ssh_host_*
  ssh-keygen -q -t ed25519 -N '' -C "" -f "$ROOTFS/etc/ssh/ssh_host_ed25519_key"
  cat >"$ROOTFS/etc/ssh/sshd_config.d/00-e2e.conf" <<CONF
# cdktf-gitlab-runner e2e: loopback only, keys only, one log line per accepted session
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey /etc/ssh/ssh_host_ed25519_key
LogLevel VERBOSE
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UseDNS no
CONF
  echo "$MACHINE" >"$ROOTFS/etc/hostname"
  : >"$ROOTFS/etc/machine-id"
  # A persistent journal so the suite reads every line from the outside after each step.
  mkdir -p "$ROOTFS/var/log/journal"
  # Host-side helpers the scenarios need (e.g. the stand-in docker CLI), when the suite ships any.
  if [ -d "$REPO/test/e2e/host-files" ]; then
    cp -a "$REPO/test/e2e/host-files/." "$ROOTFS/"
  fi
}

boot_host() {
  log "booting $MACHINE (systemd-nspawn, sshd on 127.0.0.1:$SSH_PORT)"
  systemd-nspawn -D "$ROOTFS" --boot --register=no --keep-unit --machine="$MACHINE" \
    --console=passive </dev/null >"$RUN_DIR/nspawn.log" 2>&1 &
  NSPAWN_PID=$!
  local deadline=$((SECONDS + 90)) state=""
  while :; do
    kill -0 "$NSPAWN_PID" 2>/dev/null || { tail -20 "$RUN_DIR/nspawn.log" >&2; die "systemd-nspawn exited during boot (log: $RUN_DIR/nspawn.log)"; }
    HOST_PID=$(container_init_pid || true)
    if [ -n "$HOST_PID" ]; then
      state=$(nsenter -t "$HOST_PID" -m -u -i -p -- systemctl is-system-running 2>/dev/null || true)
      case "$state" in
        running|degraded)
          if (exec 3<>"/dev/tcp/127.0.0.1/$SSH_PORT") 2>/dev/null; then break; fi ;;
      esac
    fi
    [ "$SECONDS" -lt "$deadline" ] || die "host did not reach running/degraded within 90 s (last state: '${state:-none}'; log: $RUN_DIR/nspawn.log)"
    sleep 0.5
  done
  log "host up: systemctl is-system-running = $state (init pid $HOST_PID)"
  if [ "$state" = degraded ]; then
    nsenter -t "$HOST_PID" -m -u -i -p -- systemctl --failed --no-legend --plain 2>/dev/null | sed 's/^/[e2e]   failed unit: /' || true
  fi
}

# PID (in our namespace) of the container's systemd: the descendant of systemd-nspawn whose
# PID namespace differs from ours.
container_init_pid() {
  local queue=("$NSPAWN_PID") pid child mine kids
  mine=$(readlink /proc/self/ns/pid)
  while [ "${#queue[@]}" -gt 0 ]; do
    pid=${queue[0]}; queue=("${queue[@]:1}")
    read -r -a kids < <(cat /proc/"$pid"/task/*/children 2>/dev/null; echo)
    for child in "${kids[@]}"; do
      if [ "$(readlink /proc/"$child"/ns/pid 2>/dev/null)" != "$mine" ]; then
        echo "$child"; return 0
      fi
      queue+=("$child")
    done
  done
  return 1
}

teardown() {
  local rc=$?
  set +e
  if [ -n "${SUITE_PID:-}" ] && kill -0 "$SUITE_PID" 2>/dev/null; then
    log "stopping the suite"
    kill -TERM "$SUITE_PID" 2>/dev/null   # timeout passes it on; the suite kills its cdktf runs
    wait "$SUITE_PID" 2>/dev/null
  fi
  if [ -n "${NSPAWN_PID:-}" ] && kill -0 "$NSPAWN_PID" 2>/dev/null; then
    log "stopping host $MACHINE"
    kill -TERM "$NSPAWN_PID" 2>/dev/null   # nspawn --boot turns SIGTERM into a clean poweroff
    for _ in $(seq 1 60); do kill -0 "$NSPAWN_PID" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$NSPAWN_PID" 2>/dev/null; then
      log "host did not power off within 30 s: SIGKILL"
      kill -KILL "$NSPAWN_PID" 2>/dev/null
      wait "$NSPAWN_PID" 2>/dev/null
    fi
  fi
  if [ -n "${RUN_DIR:-}" ] && [ -d "$RUN_DIR" ]; then
    if [ "$KEEP" = 1 ]; then
      log "kept run directory: $RUN_DIR"
    elif findmnt -rn -o TARGET | grep -q "^$RUN_DIR/"; then
      log "WARNING: mounts left under $RUN_DIR; not deleting it"
    else
      rm -rf "$RUN_DIR"
    fi
  fi
  exit "$rc"
}

main() {
  preflight
  log "harness self-test (test/e2e/harness.test.ts)"
  (cd "$REPO" && node_modules/.bin/jest --roots '<rootDir>/test/e2e' --testPathIgnorePatterns '/node_modules/' --silent >"${TMPDIR:-/tmp}/cgr-e2e-harness-test.log" 2>&1) ||
    { cat "${TMPDIR:-/tmp}/cgr-e2e-harness-test.log" >&2; die "the harness's own unit tests fail"; }
  ensure_rootfs_tarball
  mkdir -p /var/tmp
  RUN_DIR=$(mktemp -d /var/tmp/cgr-e2e.XXXXXX)
  trap teardown EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  local t0=$SECONDS
  prepare_host
  boot_host
  log "host ready in $((SECONDS - t0)) s"

  export E2E_REPO="$REPO" E2E_RUN_DIR="$RUN_DIR" E2E_ROOTFS="$ROOTFS" E2E_HOST_PID="$HOST_PID" \
    E2E_SSH_PORT="$SSH_PORT" E2E_SSH_KEY="$RUN_DIR/id_ed25519" E2E_MACHINE="$MACHINE" E2E_SUDO_USER="$SUDO_USER_NAME" \
    E2E_HOST_KEY_FILE="$ROOTFS/etc/ssh/ssh_host_ed25519_key.pub" CHECKPOINT_DISABLE=1
  local args=()
  for arg in "$@"; do [ "$arg" = --keep ] || args+=("$arg"); done
  # A hard bound well inside CI's 90 minutes, whatever hangs (normal runs take a few minutes).
  # Started in the background and waited for, so a SIGTERM/SIGINT to this script runs the
  # teardown at once (bash runs traps only between foreground commands).
  (cd "$REPO" && exec timeout --signal=TERM --kill-after=30s "${E2E_TIMEOUT:-40m}" \
    node_modules/.bin/ts-node --transpile-only test/e2e/suite.ts "${args[@]}") &
  SUITE_PID=$!
  local rc=0
  wait "$SUITE_PID" || rc=$?
  SUITE_PID=
  [ "$rc" = 124 ] && log "ERROR: the suite did not finish within ${E2E_TIMEOUT:-40m} (E2E_TIMEOUT)"
  return "$rc"
}

main "$@"
