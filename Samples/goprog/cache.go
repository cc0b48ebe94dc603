package main

// The cache of downloaded bodies and thumbnails, guarded by one mutex.

import (
	"hash/fnv"
	"strings"
	"sync"
)

type entry struct {
	body  []byte
	thumb []byte
	sum   uint64
}

// imageCache keeps entries by key. With limit 0 it never evicts (the leak).
type imageCache struct {
	mu      sync.Mutex
	limit   int
	entries map[string]*entry
	order   []string
	bytes   int
}

func newImageCache(limit int) *imageCache {
	return &imageCache{limit: limit, entries: make(map[string]*entry)}
}

// put stores an entry. It checksums the body while holding the lock, which
// is what makes the mutex contended.
func (c *imageCache) put(key string, body, thumb []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := &entry{body: body, thumb: thumb, sum: checksum(body)}
	if old, ok := c.entries[key]; ok {
		c.bytes -= cap(old.body) + cap(old.thumb)
	} else {
		c.order = append(c.order, key)
	}
	c.entries[key] = e
	c.bytes += cap(body) + cap(thumb)
	for c.limit > 0 && len(c.order) > c.limit {
		victim := c.order[0]
		c.order = c.order[1:]
		if v, ok := c.entries[victim]; ok {
			c.bytes -= cap(v.body) + cap(v.thumb)
			delete(c.entries, victim)
		}
	}
}

// size reports the retained bytes, also under the lock.
func (c *imageCache) size() (int, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries), c.bytes
}

// seen reports how many cached entries came from url. It scans every key
// under the lock: cheap at first, contended once the cache has grown.
func (c *imageCache) seen(url string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, k := range c.order {
		if strings.HasSuffix(k, url) {
			n++
		}
	}
	return n
}

func checksum(b []byte) uint64 {
	h := fnv.New64a()
	h.Write(b)
	return h.Sum64()
}
