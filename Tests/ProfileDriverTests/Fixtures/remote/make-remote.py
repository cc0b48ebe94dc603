#!/usr/bin/env python3
"""Remakes the remote symbolization fixture (not run by CI; the files are committed):
  server.pb.gz   an address-only CPU profile of /opt/app/server (a binary that is nowhere), so
                 only the server can name its addresses
  server-drop.pb.gz  the same with drop_frames naming a function that only the server names
  symbols.txt    what the server's /debug/pprof/symbol answers: `0xADDR NAME` lines, C++ and Rust
                 names mangled, one address left unnamed
  *.golden       go tool pprof's stdout for `ARGS http://127.0.0.1:PORT/debug/pprof/profile`,
                 for each NAME ARGS line of goldens.txt, served by this script on loopback
Run from this folder: ./make-remote.py"""
import gzip, http.server, os, subprocess, tempfile, threading

def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | 0x80 if n else b)
        if not n:
            return bytes(out)

def field(num, wire, payload):
    key = varint(num << 3 | wire)
    return key + (varint(payload) if wire == 0 else varint(len(payload)) + payload)

strings = [""]
def s(text):
    if text not in strings:
        strings.append(text)
    return strings.index(text)

addresses = [0x401234, 0x402345, 0x403456, 0x404567]
stacks = [([0, 1, 3], 70), ([1, 3], 20), ([2, 3], 10)]
body = bytearray()
body += field(1, 2, field(1, 0, s("samples")) + field(2, 0, s("count")))
body += field(1, 2, field(1, 0, s("cpu")) + field(2, 0, s("nanoseconds")))
for locs, n in stacks:
    body += field(2, 2, field(1, 2, b"".join(varint(i + 1) for i in locs)) + field(2, 2, varint(n) + varint(n * 10000000)))
body += field(3, 2, field(1, 0, 1) + field(2, 0, 0x400000) + field(3, 0, 0x500000) + field(5, 0, s("/opt/app/server")))
for i, a in enumerate(addresses):
    body += field(4, 2, field(1, 0, i + 1) + field(2, 0, 1) + field(3, 0, a))
body += field(11, 2, field(1, 0, s("cpu")) + field(2, 0, s("nanoseconds")))
body += field(12, 0, 10000000)
for t in strings:
    body += field(6, 2, t.encode())
profile = gzip.compress(bytes(body), mtime=0)
open("server.pb.gz", "wb").write(profile)
# The same profile with drop_frames naming a frame that only symbolization names: served for
# `?drop` (an ARGS word starting with "?" is the URL's query).
drop_profile = gzip.compress(bytes(body) + field(7, 0, len(strings)) + field(6, 2, b"mycrate::spin"), mtime=0)
open("server-drop.pb.gz", "wb").write(drop_profile)
symbols = open("symbols.txt", "rb").read()

class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass
    def answer(self, data):
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def do_GET(self):
        self.answer(drop_profile if "drop" in self.path.partition("?")[2] else profile)
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.answer(symbols)

server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
url = "http://127.0.0.1:%d/debug/pprof/profile" % server.server_address[1]
env = dict(os.environ, TZ="UTC", PPROF_TMPDIR=tempfile.mkdtemp())
env.pop("PPROF_BINARY_PATH", None)
for line in open("goldens.txt"):
    if not line.strip() or line.startswith("#"):
        continue
    name, *args = line.split()
    query = "".join(a for a in args if a.startswith("?"))
    args = [a for a in args if not a.startswith("?")]
    out = subprocess.run(["go", "tool", "pprof", *args, url + query], env=env, capture_output=True, check=True).stdout
    open(name + ".golden", "wb").write(out)
server.shutdown()
print("make-remote: remade server.pb.gz and the goldens")
