package main

import (
	"io"
	"math/rand"
)

// The generated profile, in the shape of profile.proto, with string indices
// already resolved.

type line struct{ function, line uint64 }

type location struct {
	id, mapping, address uint64
	lines                []line // leaf (inlined) first, caller last
}

type sample struct {
	locs   []uint64 // leaf first
	values [4]int64
	bytes  int64
}

type profile struct {
	strings   []string
	index     map[string]uint64
	samples   []sample
	locations []location
	functions []function
	funcIDs   []uint64 // program function index -> function id (0: unused)
	mainLimit uint64
	rate      int64
	minutes   int64 // time_nanos is this many minutes after the fixed time (series.go)
}

func (p *profile) str(s string) uint64 {
	if i, ok := p.index[s]; ok {
		return i
	}
	i := uint64(len(p.strings))
	p.strings = append(p.strings, s)
	p.index[s] = i
	return i
}

const (
	textStart = 0x401000
	funcSpan  = 0x400
)

// Go size classes, small ones first; the walk below prefers the small ones.
var sizeClasses = []int64{8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224,
	240, 256, 288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152,
	1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144,
	6528, 6784, 6912, 8192, 9472, 9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432,
	19072, 20480, 21760, 24576, 27264, 28672, 32768}

func (prog *program) profile(r *rand.Rand, c config) *profile {
	p := &profile{index: map[string]uint64{}, rate: c.rate}
	p.str("")
	p.funcIDs = make([]uint64, len(prog.funcs))
	p.mainLimit = textStart + uint64(len(prog.funcs))*funcSpan

	type site struct{ fn, slot int }
	locIDs := map[site]uint64{}
	funcID := func(fn int) uint64 {
		if p.funcIDs[fn] == 0 {
			p.functions = append(p.functions, prog.funcs[fn])
			p.funcIDs[fn] = uint64(len(p.functions))
		}
		return p.funcIDs[fn]
	}
	// loc returns the location of a call site (slot < len(callees)), an
	// allocation site (the next f.allocs slots) or the indirect call site
	// (the slot after those) in function fn, creating it on first use.
	loc := func(fn, slot int) uint64 {
		k := site{fn, slot}
		if id, ok := locIDs[k]; ok {
			return id
		}
		f := &prog.funcs[fn]
		l := location{
			id:      uint64(len(p.locations) + 1),
			mapping: 1,
			address: textStart + uint64(fn)*funcSpan + 0x10 + uint64(slot)*0x18 + uint64(r.Intn(0x10)),
		}
		// Some call sites sit inside a small function inlined into fn.
		if r.Intn(100) < 12 {
			g := prog.pick(r)
			if g != fn {
				l.lines = append(l.lines, line{funcID(g), uint64(prog.funcs[g].startLine + 1 + int64(r.Intn(5)))})
			}
		}
		l.lines = append(l.lines, line{funcID(fn), uint64(f.startLine + 2 + int64(slot)*3 + int64(r.Intn(3)))})
		p.locations = append(p.locations, l)
		locIDs[k] = l.id
		return l.id
	}

	span := c.maxDepth - c.minDepth + 1
	var stack []uint64
	for i := 0; i < c.samples; i++ {
		depth := c.minDepth + int(float64(span)*(r.Float64()+r.Float64())/2)
		if depth > c.maxDepth {
			depth = c.maxDepth
		}
		stack = stack[:0]
		fn := prog.roots[geometric(r, 0.5, len(prog.roots))]
		for len(stack) < depth-1 {
			f := &prog.funcs[fn]
			if r.Intn(100) < 4 {
				// An indirect call (interface method, closure) can reach
				// any function; it has its own call site after the
				// allocation sites.
				stack = append(stack, loc(fn, len(f.callees)+f.allocs))
				fn = r.Intn(len(prog.funcs))
				continue
			}
			slot := geometric(r, 0.4, len(f.callees))
			stack = append(stack, loc(fn, slot))
			fn = f.callees[slot]
		}
		f := &prog.funcs[fn]
		stack = append(stack, loc(fn, len(f.callees)+r.Intn(f.allocs)))

		s := sample{locs: make([]uint64, len(stack))}
		for j := range stack { // leaf first
			s.locs[j] = stack[len(stack)-1-j]
		}
		size := sizeClasses[geometric(r, 0.88, len(sizeClasses))]
		if r.Intn(100) < 2 {
			size = 32768 + int64(r.Intn(4<<20))
		}
		n := 1 + int64(r.ExpFloat64()*r.ExpFloat64()*3)
		var live int64
		if r.Intn(2) == 0 {
			live = 1 + r.Int63n(n)
		}
		s.values[0], s.values[1] = scaleHeap(n, n*size, c.rate)
		s.values[2], s.values[3] = scaleHeap(live, live*size, c.rate)
		s.bytes = size
		p.samples = append(p.samples, s)
	}
	return p
}

// encode writes the profile as protobuf, flushing to w as it goes.
func (p *profile) encode(w io.Writer) error {
	var e, m, m2 encoder
	var err error
	flush := func(force bool) {
		if err == nil && (force || len(e.buf) >= 1<<20) {
			_, err = w.Write(e.buf)
			e.reset()
		}
	}
	valueType := func(field int, typ, unit string) {
		t, u := p.str(typ), p.str(unit)
		e.message(field, &m, func(m *encoder) {
			m.uint64Field(1, t)
			m.uint64Field(2, u)
		})
	}
	// Intern everything first so the string table is complete.
	for _, f := range p.functions {
		p.str(f.name)
		p.str(f.file)
	}
	bytesKey := p.str("bytes")
	mainFile := p.str("/usr/local/bin/synthsvc")
	buildID := p.str("5f1d2c3b4a69788796a5b4c3d2e1f00112233445")
	libcFile := p.str("/lib/x86_64-linux-gnu/libc.so.6")

	// 1: sample_type, in Go's heap order.
	valueType(1, "alloc_objects", "count")
	valueType(1, "alloc_space", "bytes")
	valueType(1, "inuse_objects", "count")
	valueType(1, "inuse_space", "bytes")

	// 2: samples.
	vals := make([]uint64, 4)
	for _, s := range p.samples {
		for i, v := range s.values {
			vals[i] = uint64(v)
		}
		e.message(2, &m, func(m *encoder) {
			m.packedField(1, s.locs)
			m.packedField(2, vals)
			m.message(3, &m2, func(l *encoder) {
				l.uint64Field(1, bytesKey)
				l.int64Field(3, s.bytes)
			})
		})
		flush(false)
	}

	// 3: mappings; mapping[0] is the main binary.
	e.message(3, &m, func(m *encoder) {
		m.uint64Field(1, 1)
		m.uint64Field(2, textStart-0x1000)
		m.uint64Field(3, p.mainLimit)
		m.uint64Field(4, 0)
		m.uint64Field(5, mainFile)
		m.uint64Field(6, buildID)
		m.boolField(7, true)
		m.boolField(8, true)
		m.boolField(9, true)
		m.boolField(10, true)
	})
	e.message(3, &m, func(m *encoder) {
		m.uint64Field(1, 2)
		m.uint64Field(2, 0x7f0000028000)
		m.uint64Field(3, 0x7f000019d000)
		m.uint64Field(4, 0x28000)
		m.uint64Field(5, libcFile)
		m.boolField(7, true)
		m.boolField(8, true)
		m.boolField(9, true)
		m.boolField(10, true)
	})

	// 4: locations.
	for _, l := range p.locations {
		e.message(4, &m, func(m *encoder) {
			m.uint64Field(1, l.id)
			m.uint64Field(2, l.mapping)
			m.uint64Field(3, l.address)
			for _, ln := range l.lines {
				m.message(4, &m2, func(x *encoder) {
					x.uint64Field(1, ln.function)
					x.uint64Field(2, ln.line)
				})
			}
		})
		flush(false)
	}

	// 5: functions; Go writes system_name equal to name.
	for i, f := range p.functions {
		name, file := p.str(f.name), p.str(f.file)
		e.message(5, &m, func(m *encoder) {
			m.uint64Field(1, uint64(i+1))
			m.uint64Field(2, name)
			m.uint64Field(3, name)
			m.uint64Field(4, file)
			m.int64Field(5, f.startLine)
		})
		flush(false)
	}

	// 6: string_table; string_table[0] must be written even though it is "".
	spaceType, bytesUnit := p.str("space"), p.str("bytes")
	for _, s := range p.strings {
		e.stringField(6, s)
		flush(false)
	}

	// 9: time_nanos (fixed, so the output is reproducible).
	e.int64Field(9, 1700000000_000000000+p.minutes*60_000000000)
	// 11: period_type, 12: period.
	e.message(11, &m, func(m *encoder) {
		m.uint64Field(1, spaceType)
		m.uint64Field(2, bytesUnit)
	})
	e.int64Field(12, p.rate)
	flush(true)
	return err
}
