package gzfile

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestOpenPlainAndGzip(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "a.csv")
	if err := os.WriteFile(plain, []byte("x,y\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gz := filepath.Join(dir, "a.csv.gz")
	f, err := os.Create(gz)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	zw.Write([]byte("x,y\n1,2\n"))
	zw.Close()
	f.Close()
	for _, p := range []string{plain, gz} {
		r, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil || string(b) != "x,y\n1,2\n" {
			t.Fatalf("%s: %q, %v", p, b, err)
		}
	}
	bad := filepath.Join(dir, "bad.gz")
	os.WriteFile(bad, []byte("not gzip"), 0o644)
	if _, err := Open(bad); err == nil {
		t.Fatal("a corrupt .gz opened")
	}
	if _, err := Open(filepath.Join(dir, "missing.csv")); err == nil {
		t.Fatal("a missing file opened")
	}
}
