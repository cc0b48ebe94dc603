# Shared by Samples/service/run.sh and Benchmarks/service/*.sh: build the service, start an origin
# serving Samples/images on loopback, start and stop the service.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
images="$root/Samples/images"
origin_port=${ORIGIN_PORT:-18181}
service_port=${SERVICE_PORT:-18180}
origin_pid=""
service_pid=""

# The release binary, built once into .build-release (or $IMAGE_SERVICE when set).
service_binary() {
  if [ -n "${IMAGE_SERVICE:-}" ]; then echo "$IMAGE_SERVICE"; return; fi
  (cd "$root" && swift build -c release --scratch-path "$root/.build-release" --product image-service >&2)
  echo "$root/.build-release/release/image-service"
}

# Profiles name source files relative to the repository, so `pprof -list` finds them from the
# root of any checkout.
export HEAPPROFILER_TRIM_PATH="$root/"

start_origin() {
  python3 -m http.server "$origin_port" --bind 127.0.0.1 --directory "$images" >/dev/null 2>&1 &
  origin_pid=$!
  wait_for "http://127.0.0.1:$origin_port/dunes-640x480.jpg"
}

# start_service BINARY ARGS...: runs the service on $service_port and waits until it answers.
start_service() {
  local bin=$1
  shift
  "$bin" --port "$service_port" "$@" >"${SERVICE_LOG:-/dev/null}" 2>&1 &
  service_pid=$!
  wait_for "http://127.0.0.1:$service_port/healthz"
}

stop_service() {
  if [ -n "$service_pid" ]; then
    kill -INT "$service_pid" 2>/dev/null || true
    wait "$service_pid" 2>/dev/null || true
    service_pid=""
  fi
}

cleanup() {
  stop_service
  if [ -n "$origin_pid" ]; then kill "$origin_pid" 2>/dev/null || true; wait "$origin_pid" 2>/dev/null || true; fi
}

wait_for() {
  for _ in $(seq 1 100); do
    if curl -sf -o /dev/null "$1"; then return 0; fi
    sleep 0.1
  done
  echo "no answer from $1" >&2
  return 1
}
