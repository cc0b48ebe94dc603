package main

// The origin: a loopback HTTP server that plays the part of the remote
// image store. It serves JPEGs it generates itself at start-up.

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// originImage is one pre-encoded JPEG body served by the origin.
type originImage struct {
	name string
	body []byte
}

// imageSizes are the (width, height) pairs the origin serves. Noisy
// content at high quality makes the bodies roughly 50 KB to 2 MB.
var imageSizes = [][2]int{
	{240, 180}, {480, 360}, {640, 480}, {1024, 768}, {1280, 960}, {1536, 1152},
}

// makeJPEG paints a gradient with per-pixel noise and encodes it.
func makeJPEG(rng *rand.Rand, w, h, quality int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			n := uint8(rng.Intn(96))
			img.SetRGBA(x, y, color.RGBA{
				R: uint8(x*255/w) ^ n,
				G: uint8(y*255/h) + n,
				B: uint8((x+y)*127/(w+h)) ^ (n << 1),
				A: 255,
			})
		}
	}
	var out bytes.Buffer
	if err := jpeg.Encode(&out, img, &jpeg.Options{Quality: quality}); err != nil {
		panic(err)
	}
	return out.Bytes()
}

// generateImages builds the origin's catalogue.
func generateImages(seed int64) []originImage {
	rng := rand.New(rand.NewSource(seed))
	var imgs []originImage
	for i, sz := range imageSizes {
		body := makeJPEG(rng, sz[0], sz[1], 97)
		imgs = append(imgs, originImage{name: fmt.Sprintf("img%d-%dx%d.jpg", i, sz[0], sz[1]), body: body})
	}
	return imgs
}

// startOrigin starts the server on 127.0.0.1:0 and returns its base URL.
func startOrigin(imgs []originImage) (string, *http.Server, error) {
	byName := make(map[string][]byte, len(imgs))
	for _, im := range imgs {
		byName[im.name] = im.body
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/img/", func(w http.ResponseWriter, r *http.Request) {
		serveImage(w, r, byName)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), srv, nil
}

// serveImage writes one JPEG with an explicit Content-Length.
func serveImage(w http.ResponseWriter, r *http.Request, byName map[string][]byte) {
	name := strings.TrimPrefix(r.URL.Path, "/img/")
	body, ok := byName[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	// Like a proxy relaying from object storage, the origin sends the bulk
	// of the image first and the two-byte end-of-image marker (FF D9) in a
	// separate, flushed write. A client reading into an exactly-sized buffer
	// therefore usually sees fewer than 512 bytes of free space before EOF.
	tail := len(body) - 2
	w.Write(body[:tail])
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	time.Sleep(5 * time.Millisecond)
	w.Write(body[tail:])
}
