package main

// Goroutines that just wait, so the goroutine and block profiles show the
// usual ways a service parks: a channel receive, a WaitGroup, a sync.Cond,
// a select with a ticker and a mutex held by someone else.

import (
	"sync"
	"time"
)

type parkedSet struct {
	quit    chan struct{}
	pending sync.WaitGroup
	cond    *sync.Cond
	mu      sync.Mutex
	done    sync.WaitGroup
}

func startParked() *parkedSet {
	p := &parkedSet{quit: make(chan struct{})}
	p.cond = sync.NewCond(&sync.Mutex{})
	p.pending.Add(1)
	p.mu.Lock()

	p.done.Add(5)
	go func() { defer p.done.Done(); waitForShutdown(p.quit) }()
	go func() { defer p.done.Done(); waitForFlush(&p.pending) }()
	go func() { defer p.done.Done(); waitForWakeup(p.cond, p.quit) }()
	go func() { defer p.done.Done(); pollMetrics(p.quit) }()
	go func() { defer p.done.Done(); waitForLock(&p.mu) }()
	return p
}

func (p *parkedSet) release() {
	close(p.quit)
	p.pending.Done()
	p.cond.L.Lock()
	p.cond.Broadcast()
	p.cond.L.Unlock()
	p.mu.Unlock()
	p.done.Wait()
}

func waitForShutdown(quit <-chan struct{}) {
	<-quit
}

func waitForFlush(wg *sync.WaitGroup) {
	wg.Wait()
}

func waitForWakeup(c *sync.Cond, quit <-chan struct{}) {
	c.L.Lock()
	defer c.L.Unlock()
	for {
		select {
		case <-quit:
			return
		default:
		}
		c.Wait()
	}
}

func pollMetrics(quit <-chan struct{}) {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-quit:
			return
		case <-t.C:
			cache.size()
		}
	}
}

func waitForLock(mu *sync.Mutex) {
	mu.Lock()
	mu.Unlock()
}
