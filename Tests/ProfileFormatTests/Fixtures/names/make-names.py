#!/usr/bin/env python3
"""Writes names.pb.gz: one function per line of names.txt (name and system_name both set to the
line, as symbolizers and converters write them), each with one location and one sample, so that
`pprof -raw` shows what the name step makes of every name. Run from this folder;
`make-names.py rust-v0.txt rust-v0.pb.gz` makes the Rust v0 names' profile the same way."""
import gzip
import sys

source, target = (sys.argv[1], sys.argv[2]) if len(sys.argv) == 3 else ("names.txt", "names.pb.gz")

def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)

def field(num, wire, payload):
    key = varint(num << 3 | wire)
    if wire == 0:
        return key + varint(payload)
    return key + varint(len(payload)) + payload

strings = [""]
def s(text):
    if text not in strings:
        strings.append(text)
    return strings.index(text)

names = [l.rstrip("\n") for l in open(source, encoding="utf-8") if l.strip()]
body = bytearray()
body += field(1, 2, field(1, 0, s("samples")) + field(2, 0, s("count")))
for i, _ in enumerate(names):
    body += field(2, 2, field(1, 2, varint(i + 1)) + field(2, 2, varint(len(names) - i)))
body += field(3, 2, field(1, 0, 1) + field(2, 0, 0x400000) + field(3, 0, 0x800000)
              + field(5, 0, s("/nonexistent/names-demo")) + field(7, 0, 1) + field(8, 0, 1) + field(9, 0, 1))
for i, n in enumerate(names):
    body += field(4, 2, field(1, 0, i + 1) + field(2, 0, 1) + field(3, 0, 0x401000 + 16 * i)
                  + field(4, 2, field(1, 0, i + 1) + field(2, 0, 10 + i)))
for i, n in enumerate(names):
    body += field(5, 2, field(1, 0, i + 1) + field(2, 0, s(n)) + field(3, 0, s(n)) + field(4, 0, s("names.cc")))
for t in strings:
    body += field(6, 2, t.encode("utf-8"))
with open(target, "wb") as f:
    f.write(gzip.compress(bytes(body), mtime=0))
