#!/usr/bin/env bash
# Build the container image and serve the app from it, end to end, on a machine with no image registry.
#   sudo deploy/verify_image.sh        # needs root, podman and debootstrap (apt-get install -y podman debootstrap)
# 1. The base image (BASE_IMAGE, default a local Debian with Python) is made with debootstrap from
#    Debian's packages and `podman import`, unless it is already there; it trusts the CA certificates
#    this machine trusts (/usr/local/share/ca-certificates), so pip works behind the same proxy.  With a registry, any image
#    with Python >= 3.11 serves: BASE_IMAGE=python:3.11-slim deploy/verify_image.sh
# 2. `podman build --isolation=chroot --build-arg BASE_IMAGE=...` builds ./Dockerfile.
# 3. The image is served from: its root filesystem (`podman image mount`) is entered with chroot as
#    the image's user (uid 10001), its CMD runs in its WORKDIR with its ENV, and both the health URL
#    and the image's own HEALTHCHECK command must answer.  (`podman run` needs rlimits that some
#    sandboxes refuse; chroot needs none.)
set -euo pipefail
cd "$(dirname "$0")/.."
BASE_IMAGE="${BASE_IMAGE:-localhost/debian-python:bookworm}"
IMAGE="${IMAGE:-localhost/linreg-visualizer:verify}"
SUITE="${SUITE:-bookworm}"
# The Debian mirror this machine's own apt uses (its sources), unless MIRROR names another.
MIRROR="${MIRROR:-$(grep -hoE 'https?://[^ ]+' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
  | grep -v security | head -n1 || true)}"
PORT=8501  # the image's CMD and HEALTHCHECK use it
step() { printf '\n== %s\n' "$*"; }
fail() { echo "FAILED: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "run as root (podman image mount and chroot need it)"
command -v podman >/dev/null || fail "podman is missing: apt-get install -y podman"
[ -n "$MIRROR" ] || fail "no Debian mirror in /etc/apt: give one as MIRROR=..."
python3 - <<PY || fail "port $PORT is in use: stop what listens there"
import socket; s = socket.socket(); s.bind(("127.0.0.1", $PORT)); s.close()
PY

step "base image $BASE_IMAGE"
if podman image exists "$BASE_IMAGE"; then
  echo "present"
else
  command -v debootstrap >/dev/null || fail "debootstrap is missing: apt-get install -y debootstrap"
  ROOTFS="$(mktemp -d)"
  debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates "$SUITE" "$ROOTFS" "$MIRROR" \
    > /tmp/verify_image.debootstrap.log 2>&1 || fail "debootstrap (log: /tmp/verify_image.debootstrap.log)"
  # The base trusts what this machine trusts (a TLS-inspecting proxy's CA, say), and pip uses that store.
  cp /usr/local/share/ca-certificates/*.crt "$ROOTFS/usr/local/share/ca-certificates/" 2>/dev/null || true
  chroot "$ROOTFS" update-ca-certificates >/dev/null
  printf '[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n' > "$ROOTFS/etc/pip.conf"
  tar -C "$ROOTFS" -c . | podman import - "$BASE_IMAGE"
  rm -rf "$ROOTFS"
fi

step "podman build --isolation=chroot (BASE_IMAGE=$BASE_IMAGE)"
podman rmi -f "$IMAGE" >/dev/null 2>&1 || true
podman build --isolation=chroot --format docker --build-arg BASE_IMAGE="$BASE_IMAGE" -t "$IMAGE" . \
  > /tmp/verify_image.build.log 2>&1 || { tail -20 /tmp/verify_image.build.log; fail "podman build"; }
grep -E '^(STEP|COMMIT)' /tmp/verify_image.build.log
podman image exists "$IMAGE" || fail "the build made no image"
podman image inspect "$IMAGE" --format 'built {{.Id}}, {{.Size}} bytes'

step "serve from the image as its user"
INSPECT="$(podman image inspect "$IMAGE")"
field() { python3 -c "import json,shlex,sys; i=json.loads(sys.argv[1])[0]; c=i['Config']; print($1)" "$INSPECT"; }
USER_NAME="$(field "c['User']")"
WORKDIR="$(field "c['WorkingDir']")"
CMD="$(field "shlex.join(c['Cmd'])")"
HEALTH="$(field "i['Healthcheck']['Test'][1]")"
mapfile -t ENVS < <(field "'\\n'.join(c['Env'])")
ROOT="$(podman image mount "$IMAGE")"
USER_ID="$(awk -F: -v u="$USER_NAME" '$1 == u || $3 == u {print $3}' "$ROOT/etc/passwd")"
echo "user: $USER_NAME (uid $USER_ID in the image's /etc/passwd)  workdir: $WORKDIR  cmd: $CMD"
SERVER=""
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
  umount "$ROOT/proc" "$ROOT/dev" "$ROOT/tmp" 2>/dev/null || true
  podman image unmount "$IMAGE" >/dev/null || true
}
trap cleanup EXIT
mount -t proc proc "$ROOT/proc"
mount --bind /dev "$ROOT/dev"
mount -t tmpfs tmpfs "$ROOT/tmp"  # the image mount is read-only; a container gets a writable /tmp
as_image_user() {
  exec chroot --userspec="$USER_ID:$USER_ID" "$ROOT" /usr/bin/env -i "${ENVS[@]}" HOME="/home/$USER_ID" \
    /bin/sh -c "cd '$WORKDIR' && $1"
}
(as_image_user "exec $CMD --server.headless=true") > /tmp/verify_image.server.log 2>&1 &
SERVER=$!
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$PORT/_stcore/health" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || fail "the server exited (log: /tmp/verify_image.server.log)"
  sleep 0.5
done
echo "GET /_stcore/health -> $(curl -s "http://127.0.0.1:$PORT/_stcore/health")"
PAGE="$(curl -sf "http://127.0.0.1:$PORT/")" || fail "GET / did not answer"
case "$PAGE" in *"<div id=\"root\">"*) echo "GET / -> the app's page (${#PAGE} bytes)" ;; *) fail "GET / is not the app" ;; esac
# chroot, env and sh exec in turn, so the server is the background job's own process
echo "server process $SERVER ($(tr '\0' ' ' < "/proc/$SERVER/cmdline")) runs as uid $(stat -c %u "/proc/$SERVER")"
[ "$(stat -c %u "/proc/$SERVER")" = 10001 ] || fail "the server does not run as uid 10001"
(as_image_user "$HEALTH") && echo "the image's HEALTHCHECK command: healthy" || fail "the image's HEALTHCHECK failed"
# The page itself: the app's script run in the image (Streamlit's AppTest), as a browser's first visit runs it
(as_image_user "STREAMLIT_LOGGER_LEVEL=error python -c \"from streamlit.testing.v1 import AppTest
at = AppTest.from_file('app.py', default_timeout=120).run()
assert not at.exception, [e.value for e in at.exception]
print('app.py in the image: no exception,', len(at.get('plotly_chart')), 'charts,', at.markdown[0].value[:60])\"") \
  || fail "app.py does not run in the image"
echo
echo "OK: $IMAGE built from $BASE_IMAGE with podman build --isolation=chroot and served as uid 10001"
