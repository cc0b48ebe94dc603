package main

// Recompression: decode, shrink with nearest-neighbour sampling, re-encode.

import (
	"bytes"
	"image"
	"image/jpeg"
)

// recompress turns one downloaded JPEG into a smaller, lower-quality one.
func recompress(body []byte, scale int, quality int) ([]byte, error) {
	src, err := jpeg.Decode(bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	b := src.Bounds()
	w, h := b.Dx()*scale/100, b.Dy()*scale/100
	if w < 1 {
		w = 1
	}
	if h < 1 {
		h = 1
	}
	dst := resize(src, w, h)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: quality}); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// resize samples src at the nearest source pixel for every destination pixel.
func resize(src image.Image, w, h int) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	b := src.Bounds()
	for y := 0; y < h; y++ {
		sy := nearest(y, h, b.Min.Y, b.Dy())
		for x := 0; x < w; x++ {
			sx := nearest(x, w, b.Min.X, b.Dx())
			dst.Set(x, y, src.At(sx, sy))
		}
	}
	return dst
}

// nearest maps destination coordinate i in [0,n) to a source coordinate.
func nearest(i, n, min, size int) int {
	return min + (2*i+1)*size/(2*n)
}
