// Package gzfile opens a file for reading, decompressing it on the way when
// its name ends in ".gz" (evaluation scenes and recordings are kept gzipped).
package gzfile

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"strings"
)

// Open opens path for reading; a ".gz" file is decompressed. Closing the
// result closes the file too.
func Open(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if !strings.HasSuffix(path, ".gz") {
		return f, nil
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return readCloser{zr, f}, nil
}

type readCloser struct {
	*gzip.Reader
	f *os.File
}

func (r readCloser) Close() error {
	zerr := r.Reader.Close()
	if err := r.f.Close(); err != nil {
		return err
	}
	return zerr
}
