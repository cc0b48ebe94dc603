package main

import (
	"os"
	"runtime/pprof"
	"time"
)

//go:noinline
func spin(n int) int {
	s := 0
	for i := 0; i < n; i++ {
		s += i * i % 7
	}
	return s
}

//go:noinline
func mix(n int) int {
	s := 0
	for i := 0; i < n; i++ {
		s ^= i << 3
		s += spin(50)
	}
	return s
}

func main() {
	f, _ := os.Create(os.Args[1])
	pprof.StartCPUProfile(f)
	deadline := time.Now().Add(1500 * time.Millisecond)
	t := 0
	for time.Now().Before(deadline) {
		t += spin(100000) + mix(2000)
	}
	pprof.StopCPUProfile()
	f.Close()
	if t == 42 {
		println(t)
	}
}
