package main

import (
	"fmt"
	"math/rand"
)

// A synthetic program: packages, files and functions, plus a call graph
// whose random walks become the profile's stacks. Popular functions are
// picked far more often than others, and each function prefers its first
// callees, so stacks share long prefixes the way real programs' do.

type function struct {
	name      string
	file      string
	startLine int64
	callees   []int // indices into program.funcs
	allocs    int   // number of allocation sites in the function
}

type program struct {
	funcs   []function
	roots   []int
	popular []int // a permutation: popular[0] is the hottest function
}

var pathPrefixes = []string{
	"",
	"github.com/synthco/app/internal/",
	"github.com/synthco/app/pkg/",
	"golang.org/x/synth/",
	"example.com/lib/v2/",
}

var stdFuncs = []struct{ name, file string }{
	{"runtime.main", "runtime/proc.go"},
	{"main.main", "main.go"},
	{"net/http.(*conn).serve", "net/http/server.go"},
	{"net/http.serverHandler.ServeHTTP", "net/http/server.go"},
	{"net/http.HandlerFunc.ServeHTTP", "net/http/server.go"},
	{"bufio.NewReaderSize", "bufio/bufio.go"},
	{"bytes.(*Buffer).grow", "bytes/buffer.go"},
	{"bytes.growSlice", "bytes/buffer.go"},
	{"strings.(*Builder).grow", "strings/builder.go"},
	{"encoding/json.Unmarshal", "encoding/json/decode.go"},
	{"encoding/json.(*decodeState).object", "encoding/json/decode.go"},
	{"reflect.New", "reflect/value.go"},
	{"reflect.MakeSlice", "reflect/value.go"},
	{"fmt.Sprintf", "fmt/print.go"},
	{"sync.(*Pool).Get", "sync/pool.go"},
	{"runtime.malg", "runtime/proc.go"},
	{"runtime.makemap", "runtime/map.go"},
	{"runtime.allocm", "runtime/proc.go"},
	{"compress/flate.NewWriter", "compress/flate/deflate.go"},
	{"io.ReadAll", "io/io.go"},
}

const goroot = "/usr/local/go/src/"

func newProgram(r *rand.Rand, c config) *program {
	p := &program{}
	seen := map[string]bool{}
	add := func(name, file string, start int64) {
		if seen[name] {
			return
		}
		seen[name] = true
		p.funcs = append(p.funcs, function{name: name, file: file, startLine: start})
	}
	for _, s := range stdFuncs {
		add(s.name, goroot+s.file, int64(30+r.Intn(3000)))
	}

	// Spread user functions over packages of about four files each.
	nUser := c.functions - len(p.funcs)
	if nUser < 1 {
		nUser = 1
	}
	nPkgs := (c.files + 3) / 4
	if nPkgs < 1 {
		nPkgs = 1
	}
	type pkg struct {
		path, name string
		files      []string
		nextLine   []int64
		types      int
		count      int
	}
	pkgs := make([]pkg, nPkgs)
	for i := range pkgs {
		name := fmt.Sprintf("pkg%d", i)
		pkgs[i] = pkg{path: pathPrefixes[r.Intn(len(pathPrefixes))] + name, name: name, types: 1 + r.Intn(12)}
	}
	for f := 0; f < c.files; f++ {
		pk := &pkgs[f%nPkgs]
		file := fmt.Sprintf("/home/dev/src/%s/%s_%d.go", pk.path, pk.name, len(pk.files))
		if pk.path == pk.name {
			file = fmt.Sprintf("/home/dev/src/app/%s/file%d.go", pk.name, len(pk.files))
		}
		pk.files = append(pk.files, file)
		pk.nextLine = append(pk.nextLine, int64(10+r.Intn(40)))
	}
	for i := 0; i < nUser; i++ {
		// Packages get unequal shares of the code, as in real programs.
		pi := int(float64(nPkgs) * r.Float64() * r.Float64())
		pk := &pkgs[pi]
		k := pk.count
		pk.count++
		var name string
		switch v := r.Intn(100); {
		case v < 40:
			name = fmt.Sprintf("%s.(*Type%d).Method%d", pk.path, r.Intn(pk.types), k)
		case v < 55:
			name = fmt.Sprintf("%s.Type%d.Method%d", pk.path, r.Intn(pk.types), k)
		case v < 80:
			name = fmt.Sprintf("%s.Func%d", pk.path, k)
		case v < 92:
			name = fmt.Sprintf("%s.func%d.func%d", pk.path, k, 1+r.Intn(3))
		case v < 97:
			name = fmt.Sprintf("%s.(*Type%d).Method%d.func%d", pk.path, r.Intn(pk.types), k, 1+r.Intn(2))
		default:
			name = fmt.Sprintf("%s.Map%d[...]", pk.path, k)
		}
		fi := r.Intn(len(pk.files))
		start := pk.nextLine[fi]
		pk.nextLine[fi] += int64(8 + r.Intn(60))
		add(name, pk.files[fi], start)
	}

	n := len(p.funcs)
	p.popular = r.Perm(n)
	// Keep the well-known entry points first and popular.
	p.roots = []int{0, 2, 3, 4}
	for i := 0; i < 12 && i < n; i++ {
		p.roots = append(p.roots, p.popular[i])
	}
	for i := range p.funcs {
		nc := 1 + r.Intn(6)
		for j := 0; j < nc; j++ {
			p.funcs[i].callees = append(p.funcs[i].callees, p.pick(r))
		}
		p.funcs[i].allocs = 1 + r.Intn(3)
	}
	// runtime.main calls main.main first of all.
	p.funcs[0].callees[0] = 1
	return p
}

// pick chooses a function with a heavily skewed distribution: most picks
// land on a few hundred popular functions, but every function can appear.
func (p *program) pick(r *rand.Rand) int {
	n := len(p.popular)
	if r.Intn(100) < 25 {
		return r.Intn(n)
	}
	x := r.Float64()
	return p.popular[int(float64(n)*x*x*x*x)]
}

// geometric returns 0 with probability 1-q, 1 with (1-q)q, and so on, below max.
func geometric(r *rand.Rand, q float64, max int) int {
	i := 0
	for i < max-1 && r.Float64() < q {
		i++
	}
	return i
}
