// Writes Go's debug=1 text profiles (heap, goroutine, threadcreate, mutex, block) of a small
// workload into the directory named by its argument; see ../make-legacy.sh.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

var kept [][]byte

//go:noinline
func allocate(n, size int) {
	for i := 0; i < n; i++ {
		kept = append(kept, make([]byte, size))
	}
}

//go:noinline
func churn(n int) int {
	total := 0
	for i := 0; i < n; i++ {
		b := make([]byte, 4096)
		total += len(b)
	}
	return total
}

//go:noinline
func contend(mu *sync.Mutex, wg *sync.WaitGroup, rounds int) {
	defer wg.Done()
	for i := 0; i < rounds; i++ {
		mu.Lock()
		time.Sleep(50 * time.Microsecond)
		mu.Unlock()
	}
}

func parked(ch chan struct{}) { <-ch }

func write(dir, name string) {
	f, err := os.Create(filepath.Join(dir, name+".txt"))
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := pprof.Lookup(name).WriteTo(f, 1); err != nil {
		panic(err)
	}
}

func main() {
	dir := os.Args[1]
	runtime.MemProfileRate = 64 * 1024
	runtime.SetMutexProfileFraction(1)
	runtime.SetBlockProfileRate(1)
	allocate(200, 32*1024)
	allocate(50, 300*1024)
	fmt.Println(churn(5000))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go contend(&mu, &wg, 50)
	}
	wg.Wait()
	ch := make(chan struct{})
	for i := 0; i < 3; i++ {
		go parked(ch)
	}
	time.Sleep(10 * time.Millisecond)
	runtime.GC()
	for _, name := range []string{"heap", "goroutine", "threadcreate", "mutex", "block"} {
		write(dir, name)
	}
	close(ch)
}
