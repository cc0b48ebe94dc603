// Command generate writes scale-heap.pb.gz: a deterministic Go-style heap profile large enough
// that pprof takes its large-profile paths (samples summed on several threads, the decoder's
// pipelined sample reading, names ranked once for thousands of nodes), yet a few hundred KB on
// disk. Stacks are short and built from a small call graph so that gzip packs them tightly;
// every sample is distinct (stack and `bytes` label), so merging keeps all of them.
//
//	go run generate.go -o scale-heap.pb.gz     (from this folder; Go 1.19's standard library only)
//
// The same flags always give the same bytes.
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"math"
	"os"
)

// rng is SplitMix64: fixed here, so the profile does not depend on math/rand's algorithm.
type rng struct{ s uint64 }

func (r *rng) next() uint64 {
	r.s += 0x9E3779B97F4A7C15
	z := r.s
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

func (r *rng) below(n int) int { return int(r.next() % uint64(n)) }

// --- protobuf encoding (profile.proto field numbers) ---

type enc struct{ b []byte }

func (e *enc) varint(v uint64) {
	for v >= 0x80 {
		e.b = append(e.b, byte(v)|0x80)
		v >>= 7
	}
	e.b = append(e.b, byte(v))
}
func (e *enc) key(field, wire int) { e.varint(uint64(field<<3 | wire)) }
func (e *enc) uint(field int, v uint64) {
	if v != 0 {
		e.key(field, 0)
		e.varint(v)
	}
}
func (e *enc) bytes(field int, b []byte) {
	e.key(field, 2)
	e.varint(uint64(len(b)))
	e.b = append(e.b, b...)
}
func (e *enc) packed(field int, vs []uint64) {
	if len(vs) == 0 {
		return
	}
	var p enc
	for _, v := range vs {
		p.varint(v)
	}
	e.bytes(field, p.b)
}

type strtab struct {
	list  []string
	index map[string]uint64
}

func (t *strtab) id(s string) uint64 {
	if i, ok := t.index[s]; ok {
		return i
	}
	t.index[s] = uint64(len(t.list))
	t.list = append(t.list, s)
	return t.index[s]
}

// unsample is Go's heap scaling (runtime/pprof scaleHeapSample).
func unsample(count, size, rate int64) (int64, int64) {
	if count == 0 || size == 0 {
		return 0, 0
	}
	avg := float64(size) / float64(count)
	scale := 1 / (1 - math.Exp(-avg/float64(rate)))
	return int64(float64(count) * scale), int64(float64(size) * scale)
}

const (
	sites      = 24 // call or allocation sites per function (24 lines)
	allocSites = 4  // the last sites of a function allocate
	rate       = 524288
)

var sizes = []int64{16, 48, 96, 256, 512, 1024, 4096, 8192, 32768, 65536, 262144, 1048576}

func main() {
	out := flag.String("o", "scale-heap.pb.gz", "output file")
	nSamples := flag.Int("samples", 52000, "distinct samples")
	nFuncs := flag.Int("functions", 800, "functions")
	flag.Parse()

	r := &rng{s: 20261203}
	st := &strtab{index: map[string]uint64{}}
	st.id("")

	// Functions: f0 is main.main; each calls up to sites-allocSites functions with a higher index.
	type function struct {
		name, file string
		start      int64
		callees    []int
	}
	funcs := make([]function, *nFuncs)
	for i := range funcs {
		pkg := i % 23
		name := fmt.Sprintf("example.com/scale/pkg%02d.(*Type%d).Method%d", pkg, i%7, i)
		if i%5 == 0 {
			name = fmt.Sprintf("example.com/scale/pkg%02d.func%d", pkg, i)
		}
		if i == 0 {
			name = "main.main"
		}
		funcs[i] = function{name: name, file: fmt.Sprintf("scale/pkg%02d/file%d.go", pkg, i%4), start: int64(10 + 40*(i%50))}
		if i+1 < len(funcs) {
			for k := 0; k < sites-allocSites; k++ {
				// Mostly near neighbours, sometimes far: a call graph with shared callees.
				span := 1 + r.below(12)
				if r.below(6) == 0 {
					span = 1 + r.below(len(funcs)-i-1)
				}
				c := i + span
				if c >= len(funcs) {
					c = len(funcs) - 1 - r.below(3)
				}
				if c <= i {
					c = i + 1
				}
				if i == 0 {
					// main.main dispatches to handlers spread over the whole program.
					c = 1 + k*(len(funcs)-1)/(sites-allocSites)
				}
				funcs[i].callees = append(funcs[i].callees, c)
			}
		}
	}

	// Locations: one per used (function, site); every eleventh has its callee inlined.
	type site struct{ fn, slot int }
	locIDs := map[site]uint64{}
	var locs enc // the encoded Location messages
	loc := func(fn, slot int) uint64 {
		k := site{fn, slot}
		if id, ok := locIDs[k]; ok {
			return id
		}
		id := uint64(len(locIDs) + 1)
		locIDs[k] = id
		var m enc
		m.uint(1, id)
		m.uint(2, 1)
		m.uint(3, uint64(0x401000+fn*0x1000+slot*0x20))
		line := func(f int, ln int64) {
			var l enc
			l.uint(1, uint64(f+1))
			l.uint(2, uint64(ln))
			m.bytes(4, l.b)
		}
		f := funcs[fn]
		if slot < len(f.callees) && id%11 == 0 {
			line(f.callees[slot], funcs[f.callees[slot]].start+1)
		}
		line(fn, f.start+2+int64(slot))
		locs.bytes(4, m.b)
		return id
	}

	var body enc
	types := [][2]string{{"alloc_objects", "count"}, {"alloc_space", "bytes"}, {"inuse_objects", "count"}, {"inuse_space", "bytes"}}
	for _, t := range types {
		var vt enc
		vt.uint(1, st.id(t[0]))
		vt.uint(2, st.id(t[1]))
		body.bytes(1, vt.b)
	}
	bytesKey := st.id("bytes")

	// Samples in depth-first order of the call tree from main.main (callers through their
	// first callees first, as hot paths are), so that neighbouring samples share their stacks'
	// prefixes and compress well. Each function reached allocates at one to four sites.
	n := 0
	seen := map[string]bool{}
	emit := func(stack []uint64, size int64) {
		if key := fmt.Sprint(stack, size); seen[key] {
			return
		} else {
			seen[key] = true
		}
		count := int64(1 + (n*7)%4)
		inuse := []int64{0, 1, count}[(n*5)%3]
		ao, as := unsample(count, count*size, rate)
		io, is := unsample(inuse, inuse*size, rate)
		leafFirst := make([]uint64, len(stack))
		for i, id := range stack {
			leafFirst[len(stack)-1-i] = id
		}
		var s enc
		s.packed(1, leafFirst)
		s.packed(2, []uint64{uint64(ao), uint64(as), uint64(io), uint64(is)})
		var l enc
		l.uint(1, bytesKey)
		l.uint(3, uint64(size))
		s.bytes(3, l.b)
		body.bytes(2, s.b)
		n++
	}
	width := make([]int, len(funcs))
	for i := range width {
		width[i] = 2 + r.below(5)
	}
	offset := 0
	var walk func(fn int, stack []uint64, depth int)
	walk = func(fn int, stack []uint64, depth int) {
		if n >= *nSamples {
			return
		}
		for a := 0; a <= r.below(allocSites) && n < *nSamples; a++ {
			// A site allocates one to three sizes: each (stack, bytes) pair is its own sample.
			leaf := append(stack[:len(stack):len(stack)], loc(fn, sites-allocSites+a))
			for k := 0; k <= (fn+a)%3 && n < *nSamples; k++ {
				emit(leaf, sizes[(fn+3*a+5*k)%len(sizes)])
			}
		}
		if depth == 0 {
			return
		}
		f := funcs[fn]
		for j := 0; j < width[fn] && j < len(f.callees); j++ {
			// Which call sites a walk takes shifts from round to round, so that most are used.
			k := (j + offset + depth) % len(f.callees)
			walk(f.callees[k], append(stack[:len(stack):len(stack)], loc(fn, k)), depth-1)
		}
	}
	// Each round starts main.main's walk at another of its callees, so that all are reached.
	for round := 0; n < *nSamples && round < 1000; round++ {
		k := round % len(funcs[0].callees)
		offset = round / len(funcs[0].callees)
		walk(funcs[0].callees[k], []uint64{loc(0, k)}, 3+round%3)
	}

	var mapping enc
	mapping.uint(1, 1)
	mapping.uint(2, 0x400000)
	mapping.uint(3, uint64(0x401000+len(funcs)*0x1000))
	mapping.uint(5, st.id("/usr/local/bin/scale"))
	mapping.uint(6, st.id("5ca1e0000000000000000000000000000000b10c"))
	mapping.uint(7, 1)
	mapping.uint(8, 1)
	mapping.uint(9, 1)
	mapping.uint(10, 1)
	body.bytes(3, mapping.b)
	body.b = append(body.b, locs.b...)
	for i, f := range funcs {
		var m enc
		m.uint(1, uint64(i+1))
		m.uint(2, st.id(f.name))
		m.uint(3, st.id(f.name))
		m.uint(4, st.id(f.file))
		m.uint(5, uint64(f.start))
		body.bytes(5, m.b)
	}
	periodType := [2]uint64{st.id("space"), st.id("bytes")}
	for _, s := range st.list {
		body.bytes(6, []byte(s))
	}
	body.uint(9, 1764777600000000000) // Dec 3, 2025 16:00 UTC
	var pt enc
	pt.uint(1, periodType[0])
	pt.uint(2, periodType[1])
	body.bytes(11, pt.b)
	body.uint(12, rate)

	var gz bytes.Buffer
	w, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	w.Write(body.b)
	w.Close()
	if err := os.WriteFile(*out, gz.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "generate:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "generate: wrote %s: %d samples, %d locations, %d functions, %d bytes\n",
		*out, n, len(locIDs), len(funcs), gz.Len())
}
