package main

// A minimal protobuf encoder: just enough wire format (varints and
// length-delimited fields) to write profile.proto messages by hand.

const (
	wireVarint = 0
	wireBytes  = 2
)

type encoder struct {
	buf []byte
}

func (e *encoder) reset() { e.buf = e.buf[:0] }

func (e *encoder) varint(x uint64) {
	for x >= 0x80 {
		e.buf = append(e.buf, byte(x)|0x80)
		x >>= 7
	}
	e.buf = append(e.buf, byte(x))
}

func (e *encoder) key(field, wire int) { e.varint(uint64(field)<<3 | uint64(wire)) }

// uint64Field writes a varint field; zero values are omitted as proto3 does.
func (e *encoder) uint64Field(field int, x uint64) {
	if x == 0 {
		return
	}
	e.key(field, wireVarint)
	e.varint(x)
}

func (e *encoder) int64Field(field int, x int64) { e.uint64Field(field, uint64(x)) }

func (e *encoder) boolField(field int, b bool) {
	if b {
		e.uint64Field(field, 1)
	}
}

func (e *encoder) bytesField(field int, b []byte) {
	e.key(field, wireBytes)
	e.varint(uint64(len(b)))
	e.buf = append(e.buf, b...)
}

func (e *encoder) stringField(field int, s string) {
	e.key(field, wireBytes)
	e.varint(uint64(len(s)))
	e.buf = append(e.buf, s...)
}

func varintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}

// packedField writes a repeated integer field in packed form.
func (e *encoder) packedField(field int, xs []uint64) {
	if len(xs) == 0 {
		return
	}
	n := 0
	for _, x := range xs {
		n += varintLen(x)
	}
	e.key(field, wireBytes)
	e.varint(uint64(n))
	for _, x := range xs {
		e.varint(x)
	}
}

// message writes a nested message built by fill into a scratch encoder.
func (e *encoder) message(field int, scratch *encoder, fill func(m *encoder)) {
	scratch.reset()
	fill(scratch)
	e.bytesField(field, scratch.buf)
}
