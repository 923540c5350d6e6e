package web

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, method, target string, hdr map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, res *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestHandlerServesTheFiles(t *testing.T) {
	h := Handler()
	for _, tc := range []struct {
		path, ctype, contains string
	}{
		{"/", "text/html; charset=utf-8", `<script src="app.js"></script>`},
		{"/index.html", "text/html; charset=utf-8", `<link rel="stylesheet" href="app.css">`},
		{"/app.js", "text/javascript; charset=utf-8", "data-track-id"},
		{"/app.css", "text/css; charset=utf-8", ".leaflet-container"},
		{"/land.json", "application/json", `"FeatureCollection"`},
	} {
		res := get(t, h, "GET", tc.path, nil)
		b := body(t, res)
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", tc.path, res.StatusCode)
			continue
		}
		if got := res.Header.Get("Content-Type"); got != tc.ctype {
			t.Errorf("GET %s: Content-Type %q, want %q", tc.path, got, tc.ctype)
		}
		if got := res.Header.Get("Cache-Control"); got != "no-cache" {
			t.Errorf("GET %s: Cache-Control %q", tc.path, got)
		}
		if res.Header.Get("ETag") == "" || res.Header.Get("Content-Encoding") != "" {
			t.Errorf("GET %s: ETag %q, Content-Encoding %q", tc.path, res.Header.Get("ETag"), res.Header.Get("Content-Encoding"))
		}
		if !bytes.Contains(b, []byte(tc.contains)) {
			t.Errorf("GET %s: body lacks %q", tc.path, tc.contains)
		}
	}
	res := get(t, h, "GET", "/", nil)
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("index.html CSP %q", csp)
	}
}

func TestHandlerErrorsAndHEAD(t *testing.T) {
	h := Handler()
	for _, p := range []string{"/nope.js", "/api/tracks", "/dist/index.html", "/../web.go"} {
		if res := get(t, h, "GET", p, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, res.StatusCode)
		}
	}
	res := get(t, h, "POST", "/", nil)
	if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /: %d, Allow %q", res.StatusCode, res.Header.Get("Allow"))
	}
	res = get(t, h, "HEAD", "/app.js", nil)
	if res.StatusCode != http.StatusOK || len(body(t, res)) != 0 || res.Header.Get("Content-Length") == "" {
		t.Errorf("HEAD /app.js: %d, Content-Length %q", res.StatusCode, res.Header.Get("Content-Length"))
	}
}

func TestHandlerRevalidatesAndCompresses(t *testing.T) {
	h := Handler()
	res := get(t, h, "GET", "/land.json", nil)
	plain := body(t, res)
	etag := res.Header.Get("ETag")
	if res := get(t, h, "GET", "/land.json", map[string]string{"If-None-Match": etag}); res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match %s: %d, want 304", etag, res.StatusCode)
	}
	res = get(t, h, "GET", "/land.json", map[string]string{"Accept-Encoding": "br, gzip;q=0.8"})
	if res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("ETag") == etag {
		t.Fatalf("gzip: Content-Encoding %q, ETag %q", res.Header.Get("Content-Encoding"), res.Header.Get("ETag"))
	}
	if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
		t.Errorf("gzip: Vary %q", res.Header.Get("Vary"))
	}
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	unz, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(unz, plain) {
		t.Fatalf("gzip body differs from the plain one (%v)", err)
	}
	if res := get(t, h, "GET", "/land.json", map[string]string{"Accept-Encoding": "gzip;q=0"}); res.Header.Get("Content-Encoding") != "" {
		t.Errorf("gzip;q=0 still compressed")
	}
}

// TestLandBasemap checks the built basemap: the countries of North America,
// coordinates rounded to 1e-3°.
func TestLandBasemap(t *testing.T) {
	b, err := FS.ReadFile("dist/land.json")
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Properties struct {
				ISO string `json:"iso"`
			} `json:"properties"`
			Geometry struct {
				Type string `json:"type"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, f := range fc.Features {
		have[f.Properties.ISO] = true
		if f.Geometry.Type != "Polygon" && f.Geometry.Type != "MultiPolygon" {
			t.Errorf("%s: geometry %s", f.Properties.ISO, f.Geometry.Type)
		}
	}
	for _, c := range []string{"US", "MX", "CA", "GT", "BZ", "CU", "BS"} {
		if !have[c] {
			t.Errorf("land.json lacks %s", c)
		}
	}
	if m := regexp.MustCompile(`\d\.\d{4,}`).Find(b); m != nil {
		t.Errorf("land.json has a coordinate finer than 1e-3°: %s", m)
	}
}

// TestSelfContained checks that the page loads nothing from elsewhere.
func TestSelfContained(t *testing.T) {
	for _, name := range []string{"dist/index.html", "dist/app.css"} {
		b, err := FS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if m := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:)?//|url\(\s*["']?(https?:)?//`).Find(b); m != nil {
			t.Errorf("%s refers to another host: %s", name, m)
		}
	}
}
