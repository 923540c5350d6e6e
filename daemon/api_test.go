package daemon

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vigia-project/vigia/alert"
	"github.com/vigia-project/vigia/config"
	"github.com/vigia-project/vigia/geo"
)

const (
	tokUSCG  = "uscg-ops-0123456789abcdef"
	tokSEMAR = "semar-ops-0123456789abcdef"
	tokAdmin = "admin-0123456789abcdef"
)

// apiGet fetches path with a token and decodes JSON into v; it returns the status.
func apiGet(t *testing.T, base, path, token string, v any) int {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if v != nil && resp.StatusCode == 200 {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	return resp.StatusCode
}

// trackCollection is /api/tracks as a client reads it.
type trackCollection struct {
	Type     string `json:"type"`
	Features []struct {
		ID         string         `json:"id"`
		Geometry   map[string]any `json:"geometry"`
		Properties map[string]any `json:"properties"`
	} `json:"features"`
}

// streamEvents reads /api/stream for d and returns the events by name.
func streamEvents(t *testing.T, base, token string, d time.Duration) map[string][]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/stream?token="+token, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("stream: %s %s", resp.Status, resp.Header.Get("Content-Type"))
	}
	out := map[string][]string{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	var name string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			out[name] = append(out[name], strings.TrimPrefix(line, "data: "))
		}
	}
	return out
}

// metric returns the value of one series from /metrics, or NaN.
func metric(t *testing.T, base, series string) float64 {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, series+" ") {
			var v float64
			fmt.Sscanf(strings.TrimPrefix(l, series+" "), "%g", &v)
			return v
		}
	}
	return math.NaN()
}

// TestAPIAgencyAccess: a dark boat well inside US waters (more than 10 nm
// from Mexico) raises an alert for USCG only. USCG's token sees it and its
// track through /api/alerts, /api/tracks and the stream; SEMAR's sees
// neither, and cannot acknowledge it; an admin sees everything; no token,
// nothing. /metrics counters move while the reports come in.
func TestAPIAgencyAccess(t *testing.T) {
	c := testConfig(t, "")
	c.HTTP.Tokens = []config.Token{{Token: tokUSCG, Agency: "uscg"}, {Token: tokSEMAR, Agency: "semar"}, {Token: tokAdmin, Admin: true}}
	r := startDaemon(t, c)
	base := "http://" + r.d.HTTPAddr()
	gw := client(t, r.d.BrokerURL(), "gw-api")
	radarCfg, _ := c.SensorByID("radar-brownsville")
	radar := geo.LLA{Lat: radarCfg.Position.Lat, Lon: radarCfg.Position.Lon}
	boat := goFast{start: geo.LLA{Lat: 26.30, Lon: -97.05}, course: 10, speed: 8}
	rng := rand.New(rand.NewPCG(3, 3))
	const step = 2500 * time.Millisecond
	var received0 float64
	for k := 0; k <= 40; k++ {
		dt := time.Duration(k) * step
		r.clock.Set(t0.Add(dt))
		p := boat.at(dt)
		payload := fmt.Appendf(nil, `{"sensor":"radar-brownsville","time":%q,"detections":[{"range_m":%.1f,"bearing_deg":%.3f}]}`,
			t0.Add(dt).Format(time.RFC3339Nano), geo.Distance(radar, p)+rng.NormFloat64()*25,
			math.Mod(geo.Bearing(radar, p)+rng.NormFloat64()*0.3+360, 360))
		r.publishAndWait(t, gw, radarCfg.Topic, radarCfg.ID, payload)
		if k == 5 {
			received0 = metric(t, base, `vigia_reports_received_total{sensor="radar-brownsville"}`)
			r.publishAndWait(t, gw, radarCfg.Topic, radarCfg.ID, []byte(`{"sensor":"radar-brownsville","time":`)) // torn
		}
	}
	r.clock.Set(t0.Add(40*step + 3*time.Second))

	var uscgAlerts []alert.Alert
	waitFor(t, 15*time.Second, func() error {
		uscgAlerts = nil
		apiGet(t, base, "/api/alerts", tokUSCG, &uscgAlerts)
		for _, a := range uscgAlerts {
			if a.Rule == "dark_vessel" {
				return nil
			}
		}
		return fmt.Errorf("no dark_vessel alert for USCG yet (%d alerts)", len(uscgAlerts))
	})
	var dark alert.Alert
	for _, a := range uscgAlerts {
		if a.Rule == "dark_vessel" {
			dark = a
		}
	}
	if strings.Join(dark.Agencies, ",") != "uscg" {
		t.Fatalf("the boat's alert went to %v: the case needs a USCG-only alert", dark.Agencies)
	}

	// SEMAR sees neither the alert nor its track.
	var semarAlerts []alert.Alert
	apiGet(t, base, "/api/alerts", tokSEMAR, &semarAlerts)
	for _, a := range semarAlerts {
		if a.ID == dark.ID {
			t.Errorf("SEMAR read the USCG-only alert %s", a.ID)
		}
	}
	var semarTracks, uscgTracks, adminTracks trackCollection
	apiGet(t, base, "/api/tracks", tokSEMAR, &semarTracks)
	apiGet(t, base, "/api/tracks", tokUSCG, &uscgTracks)
	apiGet(t, base, "/api/tracks", tokAdmin, &adminTracks)
	has := func(fc trackCollection, id string) bool {
		for _, f := range fc.Features {
			if f.ID == id {
				return true
			}
		}
		return false
	}
	if has(semarTracks, dark.Track.ID) || !has(uscgTracks, dark.Track.ID) || !has(adminTracks, dark.Track.ID) {
		t.Errorf("track %s: SEMAR sees it %v, USCG %v, admin %v", dark.Track.ID, has(semarTracks, dark.Track.ID),
			has(uscgTracks, dark.Track.ID), has(adminTracks, dark.Track.ID))
	}
	if uscgTracks.Type != "FeatureCollection" {
		t.Errorf("tracks type %q", uscgTracks.Type)
	}
	for _, f := range uscgTracks.Features {
		for _, k := range []string{"id", "class", "speed_mps", "course_deg", "identity", "sensors", "trail", "alerts"} {
			if _, ok := f.Properties[k]; !ok {
				t.Errorf("track %s lacks property %q", f.ID, k)
			}
		}
		if f.Geometry["type"] != "Point" {
			t.Errorf("track %s geometry %v", f.ID, f.Geometry)
		}
	}

	// Nor through the live stream.
	semarStream := streamEvents(t, base, tokSEMAR, 1500*time.Millisecond)
	uscgStream := streamEvents(t, base, tokUSCG, 1500*time.Millisecond)
	if len(semarStream["tracks"]) == 0 || len(uscgStream["tracks"]) == 0 {
		t.Fatalf("no tracks events: SEMAR %d, USCG %d", len(semarStream["tracks"]), len(uscgStream["tracks"]))
	}
	for _, ev := range append(semarStream["tracks"], semarStream["alert"]...) {
		if strings.Contains(ev, dark.Track.ID) || strings.Contains(ev, dark.ID) {
			t.Errorf("SEMAR's stream carried the USCG-only track or alert: %.200s", ev)
		}
	}
	if !strings.Contains(uscgStream["tracks"][0], `"id":"`+dark.Track.ID+`"`) {
		t.Errorf("USCG's stream lacks its track: %.300s", uscgStream["tracks"][0])
	}

	// Acknowledgements: SEMAR cannot, USCG can; the stream brings the acked revision.
	post := func(token, body string) int {
		req, _ := http.NewRequest("POST", base+"/api/acks", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	ack := fmt.Sprintf(`{"id":%q,"rev":%d,"by":"OPS-1"}`, dark.ID, dark.Rev)
	if code := post(tokSEMAR, ack); code != http.StatusNotFound {
		t.Errorf("SEMAR ack of a USCG-only alert: %d, want 404", code)
	}
	if code := post(tokUSCG, ack); code != http.StatusAccepted {
		t.Errorf("USCG ack: %d, want 202", code)
	}
	waitFor(t, 10*time.Second, func() error {
		var as []alert.Alert
		apiGet(t, base, "/api/alerts", tokUSCG, &as)
		for _, a := range as {
			if a.ID == dark.ID && len(a.Acks) == 1 && a.Acks[0].By == "OPS-1" && a.Acks[0].Agency == "uscg" {
				return nil
			}
		}
		return fmt.Errorf("no acknowledged revision of %s yet", dark.ID)
	})

	// No token, no picture; other endpoints work.
	if code := apiGet(t, base, "/api/alerts", "", nil); code != http.StatusUnauthorized {
		t.Errorf("no token: %d, want 401", code)
	}
	if code := apiGet(t, base, "/api/alerts", "wrong-token-0123456789", nil); code != http.StatusUnauthorized {
		t.Errorf("wrong token: %d, want 401", code)
	}
	var who map[string]any
	apiGet(t, base, "/api/whoami", tokSEMAR, &who)
	if who["agency"] != "semar" {
		t.Errorf("whoami: %v", who)
	}
	var zones map[string]any
	if code := apiGet(t, base, "/api/zones", tokSEMAR, &zones); code != 200 || zones["type"] != "FeatureCollection" {
		t.Errorf("zones: %d %v", code, zones["type"])
	}
	var sens []map[string]any
	apiGet(t, base, "/api/sensors", tokUSCG, &sens)
	if len(sens) == 0 || sens[0]["id"] != "radar-brownsville" || sens[0]["received"].(float64) < 42 ||
		sens[0]["dropped"].(map[string]any)["malformed"] != 1.0 {
		t.Errorf("sensors: %v", sens)
	}

	// The counters moved.
	for series, min := range map[string]float64{
		`vigia_reports_received_total{sensor="radar-brownsville"}`:            41,
		`vigia_detections_total{sensor="radar-brownsville"}`:                  41,
		`vigia_alerts_total{agency="uscg",rule="dark_vessel",state="active"}`: 1,
		`vigia_tracks{state="confirmed"}`:                                     1,
		`vigia_acks_total{agency="uscg"}`:                                     1,
		`vigia_broker_connected`:                                              1,
		`vigia_alert_publish_seconds_count`:                                   1,
	} {
		if v := metric(t, base, series); !(v >= min) {
			t.Errorf("%s = %v, want at least %v", series, v, min)
		}
	}
	if v := metric(t, base, `vigia_reports_received_total{sensor="radar-brownsville"}`); !(v > received0) {
		t.Errorf("received counter did not move: %v then %v", received0, v)
	}
	if v := metric(t, base, "vigia_ingest_queue_depth"); math.IsNaN(v) {
		t.Error("no vigia_ingest_queue_depth")
	}
}

// The per-second ring of /api/sensors counts the last minute only.
func TestSensorStatLastMinute(t *testing.T) {
	var s sensorStat
	for sec := int64(1000); sec < 1100; sec++ {
		s.count(sec)
		s.count(sec)
	}
	if n := s.lastMinute(1099); n != 120 {
		t.Errorf("last minute at 1099: %d, want 120", n)
	}
	if n := s.lastMinute(1130); n != 58 {
		t.Errorf("last minute at 1130 (nothing since 1099): %d, want 58", n)
	}
	if n := s.lastMinute(1200); n != 0 {
		t.Errorf("a minute and more later: %d, want 0", n)
	}
	s.count(1200)
	if n := s.lastMinute(1200); n != 1 {
		t.Errorf("after a gap: %d, want 1", n)
	}
}
