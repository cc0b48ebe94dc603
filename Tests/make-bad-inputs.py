#!/usr/bin/env python3
"""Writes small malformed (and a few valid) profiles to
Tests/ProfileFormatTests/Fixtures/bad/, each named for its defect, and a
README.md there that lists them.

Standard library only; protobuf (profile.proto) is encoded by hand. The
output is deterministic: run it again and git sees no change.

    python3 Tests/make-bad-inputs.py            # write the fixtures
    python3 Tests/make-bad-inputs.py --go       # also record what
                                                # `go tool pprof -top` says
    python3 Tests/make-bad-inputs.py --no-bombs # do not rewrite the two ~2 MB gzip bombs
    python3 Tests/make-bad-inputs.py --bombs-only DIR  # write only the bombs, into DIR
"""

import argparse
import gzip
import math
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "ProfileFormatTests", "Fixtures", "bad")

# ---------------------------------------------------------------- protobuf

VARINT, BYTES = 0, 2


def varint(n):
    n &= (1 << 64) - 1  # negative int64 values use ten bytes, as in protobuf
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def key(field, wire):
    return varint(field << 3 | wire)


def vfield(field, n):
    return key(field, VARINT) + varint(n)


def bfield(field, data):
    if isinstance(data, str):
        data = data.encode()
    return key(field, BYTES) + varint(len(data)) + data


def packed(field, xs):
    return bfield(field, b"".join(varint(x) for x in xs))


def gz(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


# ---------------------------------------------------------------- profiles


class Profile:
    """Just enough of profile.proto to describe small test profiles.
    Ids are written as given, so a test can point at ids that don't exist."""

    def __init__(self):
        self.strings = [""]
        self.sample_types = []  # (type, unit)
        self.samples = []  # (location ids leaf first, values, [(key, str, num, unit)])
        self.mappings = []  # dicts
        self.locations = []  # (id, mapping id, address, [(function id, line)])
        self.functions = []  # (id, name, file, start line)
        self.period_type = None
        self.period = 0
        self.time_nanos = 0
        self.duration_nanos = 0
        self.comments = []

    def s(self, text):
        if text not in self.strings:
            self.strings.append(text)
        return self.strings.index(text)

    def encode(self):
        out = bytearray()
        for typ, unit in self.sample_types:
            out += bfield(1, vfield(1, self.s(typ)) + vfield(2, self.s(unit)))
        for locs, values, labels in self.samples:
            body = packed(1, locs) + packed(2, values)
            for k, st, num, unit in labels:
                lab = vfield(1, self.s(k))
                if st:
                    lab += vfield(2, self.s(st))
                if num:
                    lab += vfield(3, num)
                if unit:
                    lab += vfield(4, self.s(unit))
                body += bfield(3, lab)
            out += bfield(2, body)
        for m in self.mappings:
            body = vfield(1, m["id"]) + vfield(2, m["start"]) + vfield(3, m["limit"])
            body += vfield(4, m.get("offset", 0)) + vfield(5, self.s(m["file"]))
            if m.get("build_id"):
                body += vfield(6, self.s(m["build_id"]))
            for f in (7, 8, 9, 10):  # has_functions .. has_inline_frames
                body += vfield(f, 1)
            out += bfield(3, body)
        for lid, mid, addr, lines in self.locations:
            body = vfield(1, lid) + vfield(2, mid) + vfield(3, addr)
            for fid, line in lines:
                body += bfield(4, vfield(1, fid) + vfield(2, line))
            out += bfield(4, body)
        for fid, name, file, start in self.functions:
            n = self.s(name)
            body = vfield(1, fid) + vfield(2, n) + vfield(3, n)
            body += vfield(4, self.s(file)) + vfield(5, start)
            out += bfield(5, body)
        # Intern everything else before writing the string table.
        comments = [self.s(c) for c in self.comments]
        period_type = None
        if self.period_type:
            period_type = vfield(1, self.s(self.period_type[0])) + vfield(2, self.s(self.period_type[1]))
        for text in self.strings:
            out += bfield(6, text)
        if self.time_nanos:
            out += vfield(9, self.time_nanos)
        if self.duration_nanos:
            out += vfield(10, self.duration_nanos)
        if period_type is not None:
            out += bfield(11, period_type)
        if self.period:
            out += vfield(12, self.period)
        for c in comments:
            out += vfield(13, c)
        return bytes(out)


def scale_heap(count, size, rate=524288):
    """Undoes heap sampling the way Go's runtime/pprof does."""
    if count == 0 or size == 0:
        return [0, 0]
    avg = size / count
    scale = 1 / (1 - math.exp(-avg / rate))
    return [int(count * scale), int(size * scale)]


def heap_profile():
    """A valid Go-style heap profile: 3 functions, 4 locations, 4 samples."""
    p = Profile()
    for t, u in (("alloc_objects", "count"), ("alloc_space", "bytes"),
                 ("inuse_objects", "count"), ("inuse_space", "bytes")):
        p.sample_types.append((t, u))
    p.mappings.append(dict(id=1, start=0x400000, limit=0x4A0000, file="/usr/local/bin/small",
                           build_id="0123456789abcdef"))
    p.functions += [
        (1, "runtime.main", "/usr/local/go/src/runtime/proc.go", 144),
        (2, "main.main", "/home/dev/small/main.go", 10),
        (3, "main.load", "/home/dev/small/load.go", 20),
        (4, "main.(*cache).grow", "/home/dev/small/cache.go", 30),
    ]
    p.locations += [
        (1, 1, 0x401010, [(1, 250)]),
        (2, 1, 0x402020, [(2, 14)]),
        (3, 1, 0x403030, [(3, 25)]),
        (4, 1, 0x404040, [(4, 33), (3, 27)]),  # grow inlined into load
    ]
    # (stack, sampled allocs, sampled live objects, object size), unsampled
    # at rate 524288 as Go writes them.
    for locs, allocs, live, size in (([3, 2, 1], 1, 1, 524288), ([4, 2, 1], 2, 1, 64),
                                     ([4, 3, 2, 1], 3, 0, 1024), ([2, 1], 1, 1, 8)):
        values = scale_heap(allocs, allocs * size) + scale_heap(live, live * size)
        p.samples.append((locs, values, [("bytes", None, size, None)]))
    p.period_type = ("space", "bytes")
    p.period = 524288
    p.time_nanos = 1700000000 * 10**9
    return p


def cpu_profile():
    """A valid Go-style CPU profile (samples/count, cpu/nanoseconds)."""
    p = Profile()
    p.sample_types += [("samples", "count"), ("cpu", "nanoseconds")]
    p.mappings.append(dict(id=1, start=0x400000, limit=0x4A0000, file="/usr/local/bin/spin"))
    p.functions += [
        (1, "runtime.main", "/usr/local/go/src/runtime/proc.go", 144),
        (2, "main.main", "/home/dev/spin/main.go", 8),
        (3, "main.spin", "/home/dev/spin/main.go", 20),
    ]
    p.locations += [(1, 1, 0x401010, [(1, 250)]), (2, 1, 0x402020, [(2, 12)]),
                    (3, 1, 0x403030, [(3, 22)]), (4, 1, 0x403050, [(3, 23)])]
    p.samples += [([3, 2, 1], [70, 700000000]), ([4, 2, 1], [25, 250000000]), ([2, 1], [5, 50000000])]
    p.samples = [(l, v, []) for l, v in p.samples]
    p.period_type = ("cpu", "nanoseconds")
    p.period = 10000000
    p.time_nanos = 1700000000 * 10**9
    p.duration_nanos = 1 * 10**9
    return p


# ---------------------------------------------------------------- fixtures

FIXTURES = []  # (file name, defect, function returning bytes)


def fixture(name, defect):
    def register(fn):
        FIXTURES.append((name, defect, fn))
        return fn
    return register


@fixture("valid-small.pb.gz", "none: a valid small Go heap profile (4 samples, one inlined frame)")
def _():
    return gz(heap_profile().encode())


@fixture("unmergeable-a.pb.gz", "none alone: a valid CPU profile (samples/count, cpu/nanoseconds); "
         "cannot be merged with unmergeable-b.pb.gz")
def _():
    return gz(cpu_profile().encode())


@fixture("unmergeable-b.pb.gz", "none alone: a valid heap profile; no sample type in common with "
         "unmergeable-a.pb.gz")
def _():
    p = heap_profile()
    p.functions[1] = (2, "main.other", "/home/dev/small/other.go", 5)
    return gz(p.encode())


@fixture("unmergeable-c.pb.gz", "none alone: a valid heap profile with only inuse_objects/count and "
         "inuse_space/bytes (period type space/bytes, like unmergeable-b.pb.gz)")
def _():
    p = heap_profile()
    p.sample_types = p.sample_types[2:]
    p.samples = [(l, v[2:], lab) for l, v, lab in p.samples if v[2]]
    return gz(p.encode())


@fixture("empty.pb.gz", "empty file (0 bytes)")
def _():
    return b""


@fixture("truncated-gzip.pb.gz", "valid-small.pb.gz cut in half: the gzip stream ends early")
def _():
    data = gz(heap_profile().encode())
    return data[: len(data) // 2]


@fixture("random-bytes.bin", "4096 seeded random bytes (not gzip, not protobuf, not text)")
def _():
    data = random.Random(7).randbytes(4096)
    assert data[:2] != b"\x1f\x8b"
    return data


@fixture("plain-text.txt", "plain English text that is not any profile format")
def _():
    return (b"This is not a profile.\n"
            b"It is a plain text file that happens to have a .txt name,\n"
            b"used to check that pprof reports a clear error for it.\n")


@fixture("endless-varint.pb", "raw (not gzipped) protobuf whose first key is a varint of 64 bytes of "
         "0xff, every byte with the continuation bit set, running to end of file")
def _():
    return b"\xff" * 64


@fixture("endless-varint.pb.gz", "the same endless varint, gzipped")
def _():
    return gz(b"\xff" * 64)


@fixture("length-past-end.pb.gz", "valid profile followed by a string_table entry (field 6) whose "
         "length says 1000 bytes but only 5 follow")
def _():
    return gz(heap_profile().encode() + key(6, BYTES) + varint(1000) + b"trunc")


@fixture("string-index-out-of-range.pb.gz", "sample_type[0].type = 99, past the end of the string table")
def _():
    p = heap_profile()
    data = p.encode()
    # Replace the first sample type with one whose type index is 99.
    first = bfield(1, vfield(1, p.s("alloc_objects")) + vfield(2, p.s("count")))
    assert data.startswith(first)
    return gz(bfield(1, vfield(1, 99) + vfield(2, p.s("count"))) + data[len(first):])


@fixture("string-table-0-not-empty.pb.gz", 'string_table[0] is "oops" instead of ""')
def _():
    p = heap_profile()
    data = p.encode()
    empty = bfield(6, b"")
    i = data.index(empty)  # the first string_table entry
    return gz(data[:i] + bfield(6, b"oops") + data[i + len(empty):])


@fixture("sample-missing-location.pb.gz", "sample[0] lists location_id 999, which does not exist")
def _():
    p = heap_profile()
    locs, values, labels = p.samples[0]
    p.samples[0] = ([999] + locs[1:], values, labels)
    return gz(p.encode())


@fixture("location-missing-function.pb.gz", "location 3's line refers to function_id 999, which does not exist")
def _():
    p = heap_profile()
    p.locations[2] = (3, 1, 0x403030, [(999, 25)])
    return gz(p.encode())


@fixture("location-missing-mapping.pb.gz", "location 2 refers to mapping_id 999, which does not exist")
def _():
    p = heap_profile()
    p.locations[1] = (2, 999, 0x402020, [(2, 14)])
    return gz(p.encode())


@fixture("sample-value-count-mismatch.pb.gz", "sample[1] has 3 values but there are 4 sample types")
def _():
    p = heap_profile()
    locs, values, labels = p.samples[1]
    p.samples[1] = (locs, values[:3], labels)
    return gz(p.encode())


@fixture("wire-type-mismatch.pb.gz", "sample_type (field 1, a message) is sent with wire type 0 "
         "(varint) instead of 2 (length-delimited)")
def _():
    return gz(vfield(1, 5) + heap_profile().encode())


@fixture("invalid-wire-type.pb.gz", "a field key with wire type 7, which protobuf does not define")
def _():
    return gz(key(12, 7) + b"\x01" + heap_profile().encode())


@fixture("gzip-of-garbage.pb.gz", "a valid gzip stream whose content is 4096 random bytes")
def _():
    return gz(random.Random(11).randbytes(4096))


@fixture("samples-without-sample-types.pb.gz", "no sample_type at all, but 4 samples with 4 values each")
def _():
    p = heap_profile()
    p.sample_types = []
    return gz(p.encode())


BOMB_SIZE = 2 << 30  # 2 GiB inflated
CHUNK = 1 << 20


def gzip_stream(path, head, pattern, count):
    """Writes a gzip file holding head followed by pattern repeated count
    times, streaming so that memory use stays at about one chunk."""
    z = zlib.compressobj(9, zlib.DEFLATED, 31, 9)  # wbits 31: gzip container, mtime 0
    per_block = CHUNK // len(pattern)
    block = pattern * per_block
    with open(path, "wb") as f:
        f.write(z.compress(head))
        while count > 0:
            n = min(count, per_block)
            f.write(z.compress(block if n == per_block else pattern * n))
            count -= n
        f.write(z.flush())


BOMBS = [
    ("gzip-bomb-zeros.pb.gz", "gzip bomb: ~2 MB that inflates to 2 GiB of zero bytes (as protobuf, "
     "a key of 0 is invalid: field number 0)",
     lambda path: gzip_stream(path, b"", b"\0", BOMB_SIZE)),
    ("gzip-bomb-comments.pb.gz", "gzip bomb: ~2 MB that inflates to 2 GiB of valid protobuf: "
     "valid-small's fields, then 2^30 comment entries (field 13 = string 1, bytes `68 01`); "
     "a decoder that keeps them all needs 8+ GiB",
     lambda path: gzip_stream(path, heap_profile().encode(), b"\x68\x01", BOMB_SIZE // 2)),
]


# ---------------------------------------------------------------- go tool pprof

TIMEOUT = 900  # seconds
AS_LIMIT = 12 << 30  # bytes of address space for go tool pprof


def run_measured(argv):
    """Runs argv in OUT; returns (exit code, first stderr line, wall seconds,
    peak RSS in MB of the process and the children it waited for)."""
    def limits():
        # The bombs make go tool pprof allocate without bound; cap it.
        resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))
    with tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen(argv, cwd=OUT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=err, preexec_fn=limits)
        timer = threading.Timer(TIMEOUT, proc.kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
        wall = time.monotonic() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        err.seek(0)
        lines = [l for l in err.read().decode(errors="replace").splitlines() if l.strip()]
    if code < 0:
        code = f"killed by signal {-code}" + (f" after {TIMEOUT} s" if wall >= TIMEOUT else "")
    return code, (lines[0] if lines else "(nothing)"), wall, usage.ru_maxrss / 1024


def go_says(names):
    """What go tool pprof -top says about the fixture(s): exit code and first
    stderr line of `go tool pprof`, and the exit code, wall time and peak RSS
    of the pprof binary itself (go tool turns every failure into exit 1)."""
    code, line, _, _ = run_measured(["go", "tool", "pprof", "-top", *names])
    binary = os.path.join(subprocess.check_output(["go", "env", "GOTOOLDIR"], text=True).strip(), "pprof")
    bcode, _, wall, rss = run_measured([binary, "-top", *names])
    return [code, bcode, line, f"{wall:.2f} s", f"{rss:.0f} MB"]


def write_readme(entries, recorded):
    out = ["# Malformed and edge-case profiles", "",
           "Written by `Tests/make-bad-inputs.py` (run it from anywhere; it is deterministic).",
           "Each file is named for its defect. The other columns are what Go 1.19's pprof did with",
           "`-top FILE`, run in this directory: the exit code of `go tool pprof`, the exit code of",
           "the pprof binary itself (`$(go env GOTOOLDIR)/pprof`; `go tool` turns any failure into",
           "exit 1), the first line of stderr, and the binary's wall time and peak RSS.",
           "They are for reference: our messages need not match, but every bad file must be",
           "refused with a clear error and a non-zero exit, never a crash, a hang or a runaway",
           "allocation.", ""]
    if not recorded:
        out += ["(Go's answers are missing for some files; record them with `--go`.)", ""]
    out += ["| File | Defect | `go tool pprof` exit | pprof exit | stderr, first line | wall | peak RSS |",
            "|---|---|---|---|---|---|---|"]
    for e in entries:
        name, defect = e[0], e[1]
        if len(e) > 2:
            code, bcode, line, wall, rss = e[2:]
            line = line.replace("|", "\\|")
            out.append(f"| `{name}` | {defect} | {code} | {bcode} | `{line}` | {wall} | {rss} |")
        else:
            out.append(f"| `{name}` | {defect} | | | | | |")
    out += ["",
            "Notes:",
            "- Go's pprof hides protobuf errors: when a file does not decode as profile.proto it",
            "  tries the legacy text formats and reports only `unrecognized profile format`.",
            "- Go accepts `location-missing-mapping.pb.gz`: a location whose mapping id does not",
            "  exist is treated as having no mapping.",
            "- Go 1.19 merges profiles only when period types and the sample type lists match",
            "  (count, then type by type); it has no `profiles have empty common sample type list`.",
            "- The two gzip bombs are about 2 MB each and are committed. Go's pprof was run on them",
            f"  with its address space capped at {AS_LIMIT >> 30} GiB (RLIMIT_AS) and a {TIMEOUT} s timeout;",
            "  it inflates the whole stream into memory first. For the comments bomb the sizes in",
            "  the out-of-memory message change from run to run.",
            "- `--no-bombs` skips the bombs; `--bombs-only DIR` writes just them, e.g. into a",
            "  temporary directory at test time.", ""]
    with open(os.path.join(OUT, "README.md"), "w") as f:
        f.write("\n".join(out))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--go", action="store_true", help="record what go tool pprof -top says")
    ap.add_argument("--no-bombs", action="store_true", help="do not rewrite the gzip bombs (takes ~30 s)")
    ap.add_argument("--bombs-only", metavar="DIR", help="write only the gzip bombs, into DIR")
    args = ap.parse_args()

    if args.bombs_only:
        os.makedirs(args.bombs_only, exist_ok=True)
        for name, _, make in BOMBS:
            make(os.path.join(args.bombs_only, name))
        return

    os.makedirs(OUT, exist_ok=True)
    entries = []
    for name, defect, make in FIXTURES:
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(make())
        entries.append([name, defect])
    for name, defect, make in BOMBS:
        if not args.no_bombs:  # still listed, as they stay committed
            make(os.path.join(OUT, name))
        entries.append([name, defect])
    entries.append(["unmergeable-a.pb.gz unmergeable-b.pb.gz",
                    "a CPU and a heap profile given together: period types differ"])
    entries.append(["unmergeable-b.pb.gz unmergeable-c.pb.gz",
                    "two heap profiles given together: 4 sample types vs 2 (newer pprof merges the "
                    "common ones; Go 1.19's does not)"])

    if args.go:
        for e in entries:
            e += go_says(e[0].split())
            print(*e[:1], *e[2:], sep=" | ", file=sys.stderr)
    else:
        # Keep what an earlier --go run recorded.
        old = previous_records()
        for e in entries:
            e += old.get(e[0], [])
    write_readme(entries, all(len(e) > 2 for e in entries))


def previous_records():
    """{file: [go exit, pprof exit, stderr line, wall, rss]} from README.md."""
    records = {}
    try:
        with open(os.path.join(OUT, "README.md")) as f:
            for row in f:
                cols = [c.strip() for c in row.strip().strip("|").split(" | ")]
                if len(cols) == 7 and cols[0].startswith("`") and cols[2]:
                    records[cols[0].strip("`")] = [cols[2], cols[3], cols[4].strip("`")] + cols[5:]
    except FileNotFoundError:
        pass
    return records


if __name__ == "__main__":
    main()
