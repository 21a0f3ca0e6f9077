# Sourced by the bin/ scripts: quiet, offline-friendly defaults for Rasa and TensorFlow.
export RASA_TELEMETRY_ENABLED=false
export TF_CPP_MIN_LOG_LEVEL=2
export SQLALCHEMY_SILENCE_UBER_WARNING=1
export PYTHONDONTWRITEBYTECODE=1
export ACTION_PORT="${ACTION_PORT:-5055}"
export RASA_PORT="${RASA_PORT:-5005}"

# Start the action server in the background and wait until it answers. It listens on localhost
# only (rasa_sdk's default is every interface): only the Rasa server on this machine calls it.
# Set SANIC_HOST=0.0.0.0 when the Rasa server runs elsewhere (e.g. another container).
start_action_server() {
  SANIC_HOST="${SANIC_HOST:-127.0.0.1}" bin/rasa run actions --actions actions --port "$ACTION_PORT" \
    >"${ACTION_LOG:-var/action-server.log}" 2>&1 &
  ACTION_PID=$!
  for _ in $(seq 1 120); do
    if curl -fs "http://127.0.0.1:$ACTION_PORT/health" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$ACTION_PID" 2>/dev/null; then
      echo "error: the action server stopped; see ${ACTION_LOG:-var/action-server.log}" >&2; return 1
    fi
    sleep 0.5
  done
  echo "error: the action server did not answer within 60 s; see ${ACTION_LOG:-var/action-server.log}" >&2
  return 1
}

stop_action_server() {
  if [ -n "${ACTION_PID:-}" ] && kill -0 "$ACTION_PID" 2>/dev/null; then
    kill "$ACTION_PID" 2>/dev/null || true
    wait "$ACTION_PID" 2>/dev/null || true
  fi
}
