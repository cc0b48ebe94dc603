#!/usr/bin/env bash
# Regenerates profile.pb-c.{c,h} from proto/profile.proto.
# Needs Debian's protobuf-c-compiler (protoc-c); the committed files came from protobuf-c 1.4.1.
set -euo pipefail
cd "$(dirname "$0")"
protoc-c --version | head -1
protoc-c --proto_path=proto --c_out=. proto/profile.proto
mv profile.pb-c.h include/profile.pb-c.h
