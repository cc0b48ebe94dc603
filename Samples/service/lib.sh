# Shared by Samples/service/run.sh and Benchmarks/service/*.sh: build the service, start an origin
# serving Samples/images on loopback, start and stop the service.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
images="$root/Samples/images"
origin_port=${ORIGIN_PORT:-18181}
service_port=${SERVICE_PORT:-18180}
origin_pid=""
service_pid=""

# The service binary: $IMAGE_SERVICE when set (any build, e.g. .build/debug/image-service);
# otherwise the release one that `swift build -c release --product image-service` makes in the
# repository's usual .build (the one the README's steps build: no second copy).
service_binary() {
  if [ -n "${IMAGE_SERVICE:-}" ]; then
    [ -x "$IMAGE_SERVICE" ] || { echo "IMAGE_SERVICE=$IMAGE_SERVICE is not an executable" >&2; return 1; }
    echo "$IMAGE_SERVICE"
    return
  fi
  echo "building image-service (swift build -c release; set IMAGE_SERVICE to use another binary)" >&2
  (cd "$root" && swift build -c release --product image-service >&2)
  echo "$(cd "$root" && swift build -c release --show-bin-path)/image-service"
}

# Profiles name source files relative to the repository, so `pprof -list` finds them from the
# root of any checkout (set HEAPPROFILER_TRIM_PATH for a binary built elsewhere, e.g. /work/build-root/).
export HEAPPROFILER_TRIM_PATH="${HEAPPROFILER_TRIM_PATH:-$root/}"

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
