// Command growth writes a series of heap profiles of a program whose heap grows in one
// place (leakyRegistry keeps every session it is given) and churns in another (renderPage
// allocates scratch buffers and drops them), for `pprof -growth`. Standard library only.
//
//	go run main.go -dir OUT -count 6 -interval 2s
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"
)

// registry grows without bound: the leak.
var registry [][]byte

//go:noinline
func leakyRegistry(n int) {
	for i := 0; i < n; i++ {
		registry = append(registry, make([]byte, 16<<10))
	}
}

// scratch holds the latest page only: churn, bounded.
var scratch [][]byte

//go:noinline
func renderPage(round int) {
	// Between 40 and 120 buffers of 32 KiB, up and down from round to round.
	n := 40 + (round*37)%81
	page := make([][]byte, 0, n)
	for i := 0; i < n; i++ {
		page = append(page, make([]byte, 32<<10))
	}
	scratch = page
}

// config is built once and kept: steady.
var config [][]byte

//go:noinline
func loadConfig() {
	for i := 0; i < 64; i++ {
		config = append(config, make([]byte, 64<<10))
	}
}

func main() {
	dir := flag.String("dir", ".", "where the snapshots go")
	count := flag.Int("count", 6, "how many snapshots")
	interval := flag.Duration("interval", 2*time.Second, "time between snapshots")
	flag.Parse()
	runtime.MemProfileRate = 4096
	loadConfig()
	round := 0
	for s := 1; s <= *count; s++ {
		deadline := time.Now().Add(*interval)
		for time.Now().Before(deadline) {
			leakyRegistry(8)
			renderPage(round)
			round++
			time.Sleep(*interval / 10)
		}
		runtime.GC()
		path := filepath.Join(*dir, fmt.Sprintf("heap-%d.pb.gz", s))
		f, err := os.Create(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		f.Close()
		fmt.Fprintf(os.Stderr, "wrote %s\n", path)
	}
}
