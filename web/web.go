// Package web serves the operations-centre web picture: a single page (the
// map with the fused tracks, the zones and the alerts, built from the
// front-end sources in this directory) embedded in the binary, so the daemon
// needs no CDN, tile server or network to show it.
//
// The page talks to the daemon's API under /api/ (zones, tracks, alerts, the
// event stream, acknowledgements, whoami); this package serves only the
// static files. dist/ is the built output, checked in: `go build` needs no
// Node. See README.md to rebuild it.
package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// FS holds the built web picture under dist/: index.html, app.js, app.css
// and land.json (the Natural Earth basemap).
//
//go:embed dist
var FS embed.FS

// contentTypes are the types of the files dist holds, fixed here rather than
// taken from the system's MIME tables, which differ between machines.
var contentTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".json":  "application/json",
	".map":   "application/json",
	".png":   "image/png",
	".svg":   "image/svg+xml",
	".ico":   "image/x-icon",
	".txt":   "text/plain; charset=utf-8",
	".woff2": "font/woff2",
}

// csp keeps the page to its own origin: no script, style, image or request
// goes anywhere else (images may be data: URLs, which Leaflet's CSS uses).
const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// asset is one file of dist, ready to serve.
type asset struct {
	body  []byte
	gz    []byte // gzip-compressed body, nil when not worth it
	ctype string
	etag  string
}

var assets = sync.OnceValue(func() map[string]*asset {
	m := map[string]*asset{}
	err := fs.WalkDir(FS, "dist", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := FS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		a := &asset{body: body, ctype: contentType(p), etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
		if compressible(a.ctype) && len(body) > 1024 {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			zw.Write(body)
			zw.Close()
			if buf.Len() < len(body)*9/10 {
				a.gz = buf.Bytes()
			}
		}
		m[strings.TrimPrefix(p, "dist/")] = a
		return nil
	})
	if err != nil {
		panic("web: reading the embedded files: " + err.Error())
	}
	return m
})

func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.HasPrefix(ctype, "application/json") ||
		strings.HasPrefix(ctype, "image/svg")
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip.
func acceptsGzip(h string) bool {
	for _, part := range strings.Split(h, ",") {
		enc, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		enc = strings.ToLower(strings.TrimSpace(enc))
		if enc != "gzip" && enc != "*" {
			continue
		}
		params = strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		if q, ok := strings.CutPrefix(params, "q="); ok && strings.Trim(q, "0.") == "" {
			return false // q=0: refused
		}
		return true
	}
	return false
}

// Handler serves the embedded web picture: index.html at / (and at
// /index.html), app.js, app.css and land.json beside it, with their content
// types, an ETag, `Cache-Control: no-cache` (a browser revalidates and gets a
// 304 while the binary is the same), gzip when the client takes it, and on
// the page a Content-Security-Policy that keeps it to its own origin. Only
// GET and HEAD are allowed; any other path is a 404.
//
// Mount it at / beside the API, e.g. mux.Handle("/", web.Handler()), or
// under a prefix with http.StripPrefix: the page refers to its files and to
// the API (api/…) relative to its own URL.
func Handler() http.Handler {
	return http.HandlerFunc(serve)
}

func serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name == "" {
		name = "index.html"
	}
	a, ok := assets()[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	if strings.HasPrefix(a.ctype, "text/html") {
		h.Set("Content-Security-Policy", csp)
		h.Set("Referrer-Policy", "no-referrer") // the page's URL may carry a token
		h.Set("X-Frame-Options", "DENY")
	}
	body := a.body
	etag := a.etag
	if a.gz != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			body = a.gz
			etag = a.etag[:len(a.etag)-1] + `-gz"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(body))
}
