package main

// Downloading. fetch is the original (leaky) version; fetchExact is the fix.

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
)

// fetch downloads url into a bytes.Buffer pre-sized to Content-Length.
// ReadFrom always wants MinRead (512) bytes of free space, so once the body
// fills the buffer it grows it to about twice its size just to discover EOF;
// the caller then keeps buf.Bytes(), pinning the doubled backing array.
func fetch(client *http.Client, url string) ([]byte, error) {
	resp, err := client.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s", url, resp.Status)
	}
	buf := bytes.NewBuffer(make([]byte, 0, resp.ContentLength))
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// fetchExact downloads url into a slice of exactly Content-Length bytes.
func fetchExact(client *http.Client, url string) ([]byte, error) {
	resp, err := client.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s", url, resp.Status)
	}
	if resp.ContentLength < 0 {
		return io.ReadAll(resp.Body)
	}
	body := make([]byte, resp.ContentLength)
	if _, err := io.ReadFull(resp.Body, body); err != nil {
		return nil, err
	}
	return body, nil
}
