package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// syncWriter is a bytes.Buffer safe to write from the demo and read from the test.
type syncWriter struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// chromium finds Debian's Chromium: the test skips on a machine without it
// and fails under CI, where .ci/run installs it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is required under CI (apt-get install chromium)")
	}
	t.Skip("no chromium (apt-get install chromium)")
	return ""
}

// TestBrowserPicture runs the demo with its web picture, opens the page in
// headless Chromium, waits for tracks and an alert with an intercept, clicks
// the alert, and checks that the intercept line is drawn for it. The
// screenshot is saved in the test's artifact directory (go test -artifacts).
func TestBrowserPicture(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo and a browser")
	}
	exe := chromium(t)
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncWriter
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"demo", "-for", "90s", "-speed", "20", "-http", "127.0.0.1:0"}, &out, &errb)
	}()
	defer func() {
		cancel()
		<-done
	}()
	var url string
	re := regexp.MustCompile(`web picture: (http://[0-9.:]+/)`)
	deadline := time.Now().Add(20 * time.Second)
	for url == "" {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			url = m[1]
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the demo did not start its web picture:\n%s\n%s", out.String(), errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Flag("headless", true), chromedp.WindowSize(1280, 800))
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	bctx, tcancel := context.WithTimeout(bctx, 60*time.Second)
	defer tcancel()

	fail := func(step string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser, %s: %v\ndemo output:\n%s", step, err, out.String())
		}
	}
	fail("load the picture", chromedp.Do(bctx, chromedp.Navigate(url),
		chromedp.WaitVisible(`[data-track-id]`), chromedp.WaitVisible(`.alert-item.has-intercept`)))
	ar, err := chromedp.Run(bctx, chromedp.AttributeValue(`.alert-item.has-intercept`, "data-alert-id"))
	fail("read the alert", err)
	alertID := ar.Value
	fail("click the alert", chromedp.Do(bctx, chromedp.Click(`.alert-item.has-intercept`),
		chromedp.WaitReady(`.intercept-line`), chromedp.WaitVisible(`.intercept-point`)))
	lr, err := chromedp.Run(bctx, chromedp.AttributeValue(`.intercept-line`, "data-alert-id"))
	fail("read the intercept line", err)
	lineAlert := lr.Value
	n, err := chromedp.Run(bctx, chromedp.Evaluate[float64](`document.querySelectorAll('[data-track-id]').length`))
	fail("count the tracks", err)
	tracks := fmt.Sprint(n)
	shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	fail("screenshot", err)
	if alertID == "" || lineAlert != alertID {
		t.Errorf("clicked alert %q, intercept line drawn for %q", alertID, lineAlert)
	}
	if tracks == "0" || tracks == "" {
		t.Errorf("%s track markers", tracks)
	}
	path := filepath.Join(t.ArtifactDir(), "picture.png")
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(shot, []byte("\x89PNG")) {
		t.Errorf("screenshot is not a PNG")
	}
	// The demo's /api/tracks: a GeoJSON FeatureCollection whose features
	// carry id, class, speed, course, identity and sensors.
	resp, err := http.Get(url + "api/tracks")
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Type       string         `json:"type"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	err = json.NewDecoder(resp.Body).Decode(&fc)
	resp.Body.Close()
	if err != nil || fc.Type != "FeatureCollection" || len(fc.Features) == 0 {
		t.Fatalf("/api/tracks: %v, type %q, %d features", err, fc.Type, len(fc.Features))
	}
	identified := 0
	for _, f := range fc.Features {
		for _, k := range []string{"id", "class", "speed_mps", "course_deg", "identity", "sensors"} {
			if _, ok := f.Properties[k]; !ok || f.Type != "Feature" {
				t.Errorf("feature %v lacks %q", f.Properties["id"], k)
			}
		}
		if f.Properties["identity"] != nil {
			identified++
		}
	}
	if identified == 0 {
		t.Errorf("no identified (AIS) track among %d in the demo's picture", len(fc.Features))
	}
	t.Logf("/api/tracks: %d features, %d with an identity", len(fc.Features), identified)
	t.Logf("%s track markers; alert %s selected, its intercept line drawn; screenshot %s (%d bytes)", tracks, alertID, path, len(shot))
}
