#!/usr/bin/env bash
# Run K Streamlit processes (one per core) behind nginx on 127.0.0.1:8080, on this machine.
#   deploy/run_cluster.sh 2          # needs Debian's nginx: apt-get install -y nginx
# Stop with Ctrl-C.  All processes share one cookie secret (required for sticky sessions).
set -euo pipefail
cd "$(dirname "$0")/.."
K="${1:-$(nproc)}"
export STREAMLIT_SERVER_COOKIE_SECRET="${STREAMLIT_SERVER_COOKIE_SECRET:-$(python -c 'import secrets; print(secrets.token_hex(32))')}"
: > /tmp/gdv-upstreams.conf
PIDS=()
for i in $(seq 1 "$K"); do
  PORT=$((8600 + i))
  echo "server 127.0.0.1:${PORT};" >> /tmp/gdv-upstreams.conf
  streamlit run app.py --server.headless true --server.address 127.0.0.1 --server.port "$PORT" >/dev/null 2>&1 &
  PIDS+=($!)
done
echo "${PIDS[*]}" | tr ' ' ',' > /tmp/gdv-pids
trap 'kill ${PIDS[*]} 2>/dev/null; nginx -c "$PWD/deploy/nginx.conf" -s stop 2>/dev/null || true' EXIT
for i in $(seq 1 "$K"); do
  until curl -sf "http://127.0.0.1:$((8600 + i))/_stcore/health" >/dev/null; do sleep 0.2; done
done
nginx -c "$PWD/deploy/nginx.conf"
echo "serving on http://127.0.0.1:8080 with $K processes (pids $(cat /tmp/gdv-pids))"
wait
