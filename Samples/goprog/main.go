// Command imgseed is a toy image service used to generate the pprof sample
// profiles in Samples/. It starts a loopback HTTP origin serving JPEGs,
// batch-downloads them with a few workers, recompresses each one and keeps
// the results in a cache. In the default mode it leaks: every download is
// kept, in a buffer about twice the body size. With -fixed it reads bodies
// into exact-size slices and bounds the cache.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"sync"
)

var (
	fixed      = flag.Bool("fixed", false, "use exact-size buffers and a bounded cache")
	downloads  = flag.Int("n", 160, "number of downloads")
	workers    = flag.Int("workers", 4, "number of worker goroutines")
	cacheLimit = flag.Int("cache", 6, "cache entries kept in -fixed mode")
	memRate    = flag.Int("memrate", 0, "runtime.MemProfileRate (0: keep the default)")
	heapOut    = flag.String("heap", "", "write a heap profile here at the end")
	allocsOut  = flag.String("allocs", "", "write an allocs profile here at the end")
	cpuOut     = flag.String("cpu", "", "write a CPU profile here")
	goroutOut  = flag.String("goroutine", "", "write a goroutine profile here, halfway through")
	mutexOut   = flag.String("mutex", "", "write a mutex profile here at the end")
	blockOut   = flag.String("block", "", "write a block profile here at the end")
)

// cache is global on purpose: it is what keeps the downloads alive.
var cache *imageCache

type job struct {
	id  int
	url string
}

type result struct {
	id        int
	origBytes int
	origCap   int
	repeats   int
	thumbSize int
	err       error
}

func main() {
	flag.Parse()
	if *memRate != 0 {
		runtime.MemProfileRate = *memRate
	}
	if *mutexOut != "" {
		runtime.SetMutexProfileFraction(1)
	}
	if *blockOut != "" {
		runtime.SetBlockProfileRate(1)
	}
	if *cpuOut != "" {
		f, err := os.Create(*cpuOut)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer func() {
			pprof.StopCPUProfile()
			f.Close()
		}()
	}
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	imgs := generateImages(1)
	base, srv, err := startOrigin(imgs)
	if err != nil {
		return err
	}
	defer srv.Close()

	limit := 0
	if *fixed {
		limit = *cacheLimit
	}
	cache = newImageCache(limit)

	parked := startParked()
	defer parked.release()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *workers}}
	jobs := make(chan job)
	results := make(chan result)
	var wg sync.WaitGroup
	for w := 0; w < *workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			worker(w, client, jobs, results)
		}(w)
	}
	go func() {
		for i := 0; i < *downloads; i++ {
			im := imgs[(i*7+i/len(imgs))%len(imgs)]
			jobs <- job{id: i, url: base + "/img/" + im.name}
		}
		close(jobs)
	}()
	go func() {
		wg.Wait()
		close(results)
	}()

	var total, thumbs, done, doubled int
	for r := range results {
		if r.err != nil {
			return r.err
		}
		total += r.origBytes
		if r.origCap > r.origBytes+512 {
			doubled++
		}
		thumbs += r.thumbSize
		done++
		if done == *downloads/2 && *goroutOut != "" {
			if err := writeProfile("goroutine", *goroutOut); err != nil {
				return err
			}
		}
	}
	n, kept := cache.size()
	fmt.Fprintf(os.Stderr, "imgseed: %d downloads (%d in doubled buffers), %d MB fetched, %d KB thumbnails, cache %d entries / %d MB\n",
		done, doubled, total>>20, thumbs>>10, n, kept>>20)

	runtime.GC()
	for _, p := range []struct{ name, out string }{
		{"heap", *heapOut}, {"allocs", *allocsOut}, {"mutex", *mutexOut}, {"block", *blockOut},
	} {
		if p.out == "" {
			continue
		}
		if err := writeProfile(p.name, p.out); err != nil {
			return err
		}
	}
	runtime.KeepAlive(cache)
	return nil
}

// worker handles jobs, labelling its CPU time by worker and phase.
func worker(w int, client *http.Client, jobs <-chan job, results chan<- result) {
	ctx := context.Background()
	name := strconv.Itoa(w)
	for j := range jobs {
		var r result
		var body, thumb []byte
		r.id = j.id
		r.repeats = cache.seen(j.url)
		pprof.Do(ctx, pprof.Labels("worker", name, "phase", "fetch"), func(context.Context) {
			if *fixed {
				body, r.err = fetchExact(client, j.url)
			} else {
				body, r.err = fetch(client, j.url)
			}
		})
		if r.err == nil {
			pprof.Do(ctx, pprof.Labels("worker", name, "phase", "recompress"), func(context.Context) {
				thumb, r.err = recompress(body, 50, 70)
			})
		}
		if r.err == nil {
			pprof.Do(ctx, pprof.Labels("worker", name, "phase", "store"), func(context.Context) {
				cache.put(fmt.Sprintf("%d:%s", j.id, j.url), body, thumb)
			})
		}
		r.origBytes, r.origCap, r.thumbSize = len(body), cap(body), len(thumb)
		results <- r
	}
}

func writeProfile(name, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
