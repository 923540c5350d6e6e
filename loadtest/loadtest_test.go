package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/vigia-project/vigia/sensors"
)

// The harness end to end on the embedded broker: one low step passes, and
// every probe gets its alert.
func TestBenchEmbedded(t *testing.T) {
	if testing.Short() {
		t.Skip("load test: skipped with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := Run(ctx, Options{
		Rates: []float64{2000}, Step: 2 * time.Second, Radars: 4, Publishers: 2, QoS: 1,
		LatencyRate: 2000, Probes: 8, ProbeRate: 10, ReorderWindows: []time.Duration{10 * time.Millisecond},
		Progress: t.Logf,
	})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	WriteText(&b, res)
	t.Logf("\n%s", b.String())
	if len(res.Steps) != 1 || !res.Steps[0].Pass || res.MaxSustained <= 0 {
		t.Fatalf("want one passing step, got max %v, steps %+v", res.MaxSustained, res.Steps)
	}
	s := res.Steps[0]
	if s.Messages == 0 || s.Received != s.Messages || s.AppliedDetections != s.Detections {
		t.Errorf("step: published %d, received %d; detections %d, applied %d", s.Messages, s.Received, s.Detections, s.AppliedDetections)
	}
	if len(res.Latency) != 1 {
		t.Fatalf("want one latency run, got %d", len(res.Latency))
	}
	l := res.Latency[0]
	for _, x := range []Stats{l.Random, l.Aligned} {
		if x.Probes == 0 || x.Missing != 0 || !(x.P50 > 0 && x.P50 <= x.P99 && x.P99 <= x.Max) {
			t.Errorf("latency: %+v", x)
		}
	}
	if _, err := json.Marshal(res); err != nil {
		t.Errorf("result does not marshal: %v", err)
	}
	if !strings.Contains(b.String(), "highest sustained rate") {
		t.Errorf("text report lacks the summary")
	}
}

// The generated reports are valid for the daemon's own decoder.
func TestReportsDecode(t *testing.T) {
	now := time.Now()
	g := newRadar(0, "vigia/", 40, 10, now.Add(-time.Hour))
	for range 3 {
		r, err := sensors.DecodeJSON(g.scan(now), 0)
		if err != nil {
			t.Fatal(err)
		}
		if r.Sensor != "bench-radar-01" || len(r.Detections) != 50 || !r.Time.Equal(now.UTC()) {
			t.Fatalf("radar report: %s, %d detections, %v", r.Sensor, len(r.Detections), r.Time)
		}
	}
	r, err := sensors.DecodeJSON(probeReport(invalidMMSI(0, 7), 27.1, -96.5, now), 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Sensor != aisSensor || len(r.Detections) != 1 || r.Detections[0].ID == nil || r.Detections[0].ID.MMSI != 100_000_007 {
		t.Fatalf("probe: %+v", r)
	}
}
