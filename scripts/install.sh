#!/usr/bin/env bash
# Builds pprof and image-service in release mode and installs them, with their man pages, under a
# prefix:
#   PREFIX/bin/pprof                   PREFIX/share/man/man1/pprof.1
#   PREFIX/bin/image-service           PREFIX/share/man/man1/image-service.1
#
# usage: scripts/install.sh [--prefix DIR] [--only pprof|image-service] [--no-build]
#   --prefix DIR   where to install (default: $PREFIX, else /usr/local); ~/.local needs no root
#   --only NAME    install one of the two programs (image-service takes much longer to build)
#   --no-build     install what `swift build -c release` already built
# DESTDIR, when set, is put in front of every installed path (for packaging).
# The binaries use the Swift runtime libraries of the toolchain that built them: keep it installed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
prefix=${PREFIX:-/usr/local}
build=1
products=(pprof image-service)

die() { echo "install.sh: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case $1 in
    --prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --only) [ $# -ge 2 ] || die "--only needs pprof or image-service"; products=("$2"); shift 2 ;;
    --only=*) products=("${1#--only=}"); shift ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,13s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) die "unknown argument \"$1\" (see scripts/install.sh --help)" ;;
  esac
done
for p in "${products[@]}"; do
  case $p in pprof|image-service) ;; *) die "--only takes pprof or image-service, not \"$p\"" ;; esac
done
[ -n "$prefix" ] || die "the prefix is empty"
case $prefix in /*) ;; *) prefix=$(pwd)/$prefix ;; esac

cd "$root"
if [ "$build" = 1 ]; then
  for p in "${products[@]}"; do swift build -c release --product "$p"; done
fi
bin=$(swift build -c release --show-bin-path)

bindir="${DESTDIR:-}$prefix/bin"
mandir="${DESTDIR:-}$prefix/share/man/man1"
mkdir -p "$bindir" "$mandir" 2>/dev/null || true
for dir in "$bindir" "$mandir"; do
  [ -w "$dir" ] || die "cannot write to $dir: run as root, or choose a prefix of your own (--prefix ~/.local)"
done
for p in "${products[@]}"; do
  [ -x "$bin/$p" ] || die "$bin/$p is not built (run without --no-build)"
  install -m 755 "$bin/$p" "$bindir/$p"
  install -m 644 "Man/$p.1" "$mandir/$p.1"
  echo "installed $bindir/$p and $mandir/$p.1"
done
case ":$PATH:" in *":$prefix/bin:"*) ;; *) echo "note: $prefix/bin is not on PATH" ;; esac
