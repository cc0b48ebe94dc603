// make-images writes the sample JPEGs the image service's demo and tests fetch: synthetic
// "photos" (gradients, discs and grain) whose sizes sit just above a power of two, so that the
// seed's doubling read buffer ends near twice each body's size.
//
//	go run make-images.go
package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand"
	"os"
)

type spec struct {
	name          string
	width, height int
	target        int // bytes: the file should be a little over this
}

func main() {
	specs := []spec{
		{"dunes-640x480.jpg", 640, 480, 32 << 10},
		{"harbor-1024x768.jpg", 1024, 768, 64 << 10},
		{"forest-1280x960.jpg", 1280, 960, 128 << 10},
		{"city-1920x1280.jpg", 1920, 1280, 256 << 10},
	}
	for i, s := range specs {
		img := paint(s.width, s.height, int64(i+1))
		// The smallest quality whose file is over the target: sizes grow with quality.
		var best []byte
		for q := 5; q <= 100; q++ {
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
				panic(err)
			}
			if buf.Len() > s.target {
				best = buf.Bytes()
				fmt.Printf("%s: quality %d, %d bytes (%.2f of %d)\n", s.name, q, buf.Len(), float64(buf.Len())/float64(s.target), s.target)
				break
			}
		}
		if best == nil {
			panic("no quality reaches the target size for " + s.name)
		}
		if err := os.WriteFile(s.name, best, 0o644); err != nil {
			panic(err)
		}
	}
}

func paint(w, h int, seed int64) *image.RGBA {
	r := rand.New(rand.NewSource(seed))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	type disc struct{ x, y, radius float64; c [3]float64 }
	var discs []disc
	for i := 0; i < 12; i++ {
		discs = append(discs, disc{r.Float64() * float64(w), r.Float64() * float64(h), (0.05 + 0.2*r.Float64()) * float64(h),
			[3]float64{r.Float64() * 255, r.Float64() * 255, r.Float64() * 255}})
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x)/float64(w), float64(y)/float64(h)
			c := [3]float64{40 + 180*fy, 80 + 120*fx*(1-fy), 200 - 150*fy + 30*math.Sin(fx*9+float64(seed))}
			for _, d := range discs {
				dx, dy := float64(x)-d.x, float64(y)-d.y
				if dist := math.Sqrt(dx*dx + dy*dy); dist < d.radius {
					a := 0.7 * (1 - dist/d.radius)
					for k := 0; k < 3; k++ {
						c[k] = c[k]*(1-a) + d.c[k]*a
					}
				}
			}
			grain := r.NormFloat64() * 9
			img.Set(x, y, color.RGBA{clamp(c[0] + grain), clamp(c[1] + grain), clamp(c[2] + grain), 255})
		}
	}
	return img
}

func clamp(v float64) uint8 {
	return uint8(math.Max(0, math.Min(255, v)))
}
