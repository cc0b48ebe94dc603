#!/usr/bin/env bash
# Installs the Debian packages this project builds and tests with. Safe to run again.
#   pkg-config, zlib1g-dev, libprotobuf-c-dev   the profile reader/writer (C libraries)
#   libedit-dev                                  the interactive shell's line editor
#   libturbojpeg0-dev                            the image service's JPEG codec
#   libunwind-dev                                the heap profiler's stack walk (unwind tables)
#   binutils                                     addr2line, for the heap profiler's symbolizer
#   llvm                                         llvm-symbolizer, for symbolizing address-only profiles
#                                                (Tests/ProfileFormatTests/Fixtures/legacy/make-legacy.sh,
#                                                not CI, also needs g++ and libgoogle-perftools-dev)
#   golang-go                                    go tool pprof, the reference the tests compare with
#   graphviz                                     dot, for -svg/-png/-pdf
#   tmux                                         the end-to-end terminal test of the shell
#   time                                         GNU time, for the benchmarks
#   chromium, chromium-driver                    headless browser for the web UI's test (Tests/web/test_web.py)
#   python3-jsonschema                           the JSON Schema validator the -json tests run
set -euo pipefail
packages=(pkg-config zlib1g-dev libprotobuf-c-dev protobuf-c-compiler libedit-dev libturbojpeg0-dev libunwind-dev
  binutils llvm golang-go graphviz tmux time chromium chromium-driver python3-jsonschema)
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# PyPI: selenium drives the headless browser in Tests/web/test_web.py.
if ! python3 -c "import selenium" 2>/dev/null; then
  python3 -m pip install -q selenium || python3 -m pip install -q --break-system-packages selenium
fi
# The python3 first on PATH (which may not be Debian's) must import jsonschema for the -json tests.
python3 -c 'import jsonschema' 2>/dev/null || python3 -m pip install --quiet jsonschema
