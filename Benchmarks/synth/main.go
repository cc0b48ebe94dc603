// Command synth writes a large, deterministic, synthetic Go heap profile
// (gzip-compressed profile.proto) for benchmarking pprof implementations.
//
// The protobuf is encoded by hand (see pb.go) so this program needs only the
// standard library. The same flags and seed always produce the same bytes.
package main

import (
	"bufio"
	"compress/gzip"
	"flag"
	"fmt"
	"math"
	"math/rand"
	"os"
)

type config struct {
	samples   int
	functions int
	files     int
	minDepth  int
	maxDepth  int
	seed      int64
	rate      int64
	out       string
	snapshot  int
}

func main() {
	var c config
	flag.IntVar(&c.samples, "samples", 200000, "number of samples")
	flag.IntVar(&c.functions, "functions", 20000, "number of functions to generate")
	flag.IntVar(&c.files, "files", 500, "number of source files")
	flag.IntVar(&c.minDepth, "min-depth", 3, "minimum stack depth")
	flag.IntVar(&c.maxDepth, "max-depth", 32, "maximum stack depth")
	flag.Int64Var(&c.seed, "seed", 1, "random seed")
	flag.Int64Var(&c.rate, "rate", 524288, "heap sampling rate (period)")
	flag.StringVar(&c.out, "o", "synth-heap.pb.gz", "output file")
	flag.IntVar(&c.snapshot, "snapshot", 0, "write snapshot N of a series over time (series.go); 0 for a lone profile")
	flag.Parse()
	if c.samples < 1 || c.functions < 10 || c.files < 1 || c.minDepth < 1 || c.maxDepth < c.minDepth {
		fmt.Fprintln(os.Stderr, "synth: need -samples >= 1, -functions >= 10, -files >= 1, 1 <= -min-depth <= -max-depth")
		os.Exit(2)
	}
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "synth:", err)
		os.Exit(1)
	}
}

func run(c config) error {
	r := rand.New(rand.NewSource(c.seed))
	prog := newProgram(r, c)
	p := prog.profile(r, c)
	if c.snapshot > 0 {
		p.snapshot(c.snapshot)
	}

	f, err := os.Create(c.out)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	zw := gzip.NewWriter(bw)
	if err := p.encode(zw); err != nil {
		f.Close()
		return err
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "synth: wrote %s: %d samples, %d locations, %d functions, %d strings\n",
		c.out, len(p.samples), len(p.locations), len(p.functions), len(p.strings))
	return nil
}

// scaleHeap undoes heap sampling the way Go's runtime/pprof does.
func scaleHeap(count, size, rate int64) (int64, int64) {
	if count == 0 || size == 0 {
		return 0, 0
	}
	if rate <= 1 {
		return count, size
	}
	avg := float64(size) / float64(count)
	scale := 1 / (1 - math.Exp(-avg/float64(rate)))
	return int64(float64(count) * scale), int64(float64(size) * scale)
}
