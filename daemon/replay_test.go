package daemon

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/vigia-project/vigia/alert"
	"github.com/vigia-project/vigia/config"
	"github.com/vigia-project/vigia/geo"
	"github.com/vigia-project/vigia/sim"
)

// replayOnce replays the Rio Grande scene for dur and returns the alert
// lines and the final picture.
func replayOnce(t *testing.T, dur time.Duration) (alerts, picture []byte) {
	t.Helper()
	c, err := config.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	r, err := NewReplay(c, testKey, nil, func(_ *alert.Alert, p []byte) error {
		out.Write(p)
		out.WriteByte('\n')
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s := sim.RioGrande(time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC))
	g, err := sim.NewGenerator(s, 3, c.TopicPrefix)
	if err != nil {
		t.Fatal(err)
	}
	for m := g.Next(); !m.Time.After(s.Start.Add(dur)); m = g.Next() {
		if err := r.Feed(m.Topic, m.Payload, m.Time); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.Finish(); err != nil {
		t.Fatal(err)
	}
	var pic bytes.Buffer
	if err := r.WritePicture(&pic); err != nil {
		t.Fatal(err)
	}
	return out.Bytes(), pic.Bytes()
}

// Two direct replays of the same messages with the same configuration and
// key give byte-identical alerts and pictures.
func TestReplayDeterministic(t *testing.T) {
	a1, p1 := replayOnce(t, 20*time.Minute)
	a2, p2 := replayOnce(t, 20*time.Minute)
	if len(a1) == 0 || bytes.Count(a1, []byte("\n")) < 10 {
		t.Fatalf("only %d alert lines", bytes.Count(a1, []byte("\n")))
	}
	if !bytes.Equal(a1, a2) {
		t.Errorf("alerts differ between two replays (%d and %d bytes)", len(a1), len(a2))
	}
	if !bytes.Equal(p1, p2) || !bytes.Contains(p1, []byte(`"type": "FeatureCollection"`)) {
		t.Errorf("pictures differ or are not GeoJSON:\n%s", p1)
	}
	t.Logf("%d alert revisions (%d bytes), picture %d bytes, identical", bytes.Count(a1, []byte("\n")), len(a1), len(p1))
}

// denseScans is a busy radar picture for the throughput benchmark: n
// targets moving within radar-brownsville's coverage and clutter plots,
// scanned every 2.5 s, as the radar's JSON reports (polar plots).
func denseScans(n, clutter int, dur time.Duration) (msgs [][]byte, times []time.Time, dets int) {
	radar := geo.LLA{Lat: 26.0725, Lon: -97.1675, Alt: 30}
	rng := rand.New(rand.NewPCG(1, 2))
	type tgt struct {
		p    geo.LLA
		c, s float64
	}
	ts := make([]tgt, n)
	for i := range ts {
		ts[i] = tgt{geo.Destination(radar, 20+rng.Float64()*150, 5000+rng.Float64()*40000), rng.Float64() * 360, rng.Float64() * 15}
	}
	t0 := time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)
	const step = 2500 * time.Millisecond
	for k := 0; time.Duration(k)*step <= dur; k++ {
		at := t0.Add(time.Duration(k) * step)
		b := fmt.Appendf(nil, `{"sensor":"radar-brownsville","time":%q,"seq":%d,"detections":[`, at.Format(time.RFC3339Nano), k+1)
		first := true
		add := func(rg, br float64) {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = fmt.Appendf(b, `{"range_m":%.1f,"bearing_deg":%.3f}`, rg, br)
			dets++
		}
		for i := range ts {
			p := geo.Destination(ts[i].p, ts[i].c, ts[i].s*(time.Duration(k)*step).Seconds())
			if rng.Float64() < 0.9 {
				add(geo.Distance(radar, p)+rng.NormFloat64()*25, math.Mod(geo.Bearing(radar, p)+rng.NormFloat64()*0.3+360, 360))
			}
		}
		for i := 0; i < clutter; i++ {
			add(2000+rng.Float64()*46000, rng.Float64()*360)
		}
		b = append(b, "]}"...)
		msgs = append(msgs, b)
		times = append(times, at)
	}
	return msgs, times, dets
}

// BenchmarkReplayDirect is the direct replay's throughput: decode (JSON),
// checks, reorder window, engine and all nine rules (and, for comparison,
// with every rule off), on busy radar pictures
// of 5 minutes (2.5 s scans): 100 targets in heavy sea clutter (200 false
// plots a scan), and 1,000 targets — all dark, so every one of them holds
// alerts — in light clutter (20). Rules run on confirmed tracks every
// second, so their share grows with the number of targets.
func BenchmarkReplayDirect(b *testing.B) {
	for _, sc := range []struct{ targets, clutter int }{{100, 200}, {1000, 20}} {
		for _, rules := range []bool{true, false} {
			b.Run(fmt.Sprintf("targets=%d/clutter=%d/rules=%v", sc.targets, sc.clutter, rules), func(b *testing.B) {
				benchReplay(b, sc.targets, sc.clutter, rules)
			})
		}
	}
}

func benchReplay(b *testing.B, targets, clutter int, rules bool) {
	msgs, times, dets := denseScans(targets, clutter, 5*time.Minute)
	c, err := config.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	if !rules { // the engine's share: every rule off
		r := &c.Rules
		for _, e := range []**bool{&r.DarkVessel.Enabled, &r.IdentityMismatch.Enabled, &r.GoFast.Enabled, &r.ZoneEntry.Enabled,
			&r.CoastApproach.Enabled, &r.Rendezvous.Enabled, &r.Loitering.Enabled, &r.AISGap.Enabled, &r.LowSlowAircraft.Enabled} {
			off := false
			*e = &off
		}
	}
	if _, err := geo.DefaultZones(); err != nil { // built once per process, not part of a replay
		b.Fatal(err)
	}
	topic := c.TopicPrefix + "obs/radar/radar-brownsville"
	b.ResetTimer()
	var alerts int64
	for b.Loop() {
		r, err := NewReplay(c, testKey, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		for i, m := range msgs {
			if err := r.Feed(topic, m, times[i]); err != nil {
				b.Fatal(err)
			}
		}
		st, err := r.Finish()
		if err != nil {
			b.Fatal(err)
		}
		if st.Detections < int64(dets)*9/10 {
			b.Fatalf("%d of %d detections applied", st.Detections, dets)
		}
		alerts = st.Alerts
	}
	b.ReportMetric(float64(dets)*float64(b.N)/b.Elapsed().Seconds(), "det/s")
	b.ReportMetric(float64(alerts), "alerts")
}

// BenchmarkReplayScene is the direct replay of a whole simulated night as
// the gateways publish it — the Rio Grande scene's 75 minutes: coastal and
// aerostat radar scans (JSON, polar), AIS as NMEA sentences, ADS-B as SBS,
// the patrol aircraft, asset positions — through decode, engine, rules,
// routing, rendering and signing. Its figures are detections per second and
// how many times faster than real time the night replays.
func BenchmarkReplayScene(b *testing.B) {
	c, err := config.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := geo.DefaultZones(); err != nil {
		b.Fatal(err)
	}
	s := sim.RioGrande(time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC))
	g, err := sim.NewGenerator(s, 3, c.TopicPrefix)
	if err != nil {
		b.Fatal(err)
	}
	var msgs []sim.Message
	for m := g.Next(); !m.Time.After(s.Start.Add(s.Duration)); m = g.Next() {
		msgs = append(msgs, m)
	}
	b.ResetTimer()
	var st ReplayStats
	for b.Loop() {
		r, err := NewReplay(c, testKey, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, m := range msgs {
			if err := r.Feed(m.Topic, m.Payload, m.Time); err != nil {
				b.Fatal(err)
			}
		}
		if st, err = r.Finish(); err != nil {
			b.Fatal(err)
		}
	}
	per := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(st.Detections)/per, "det/s")
	b.ReportMetric(s.Duration.Seconds()/per, "x_realtime")
	b.ReportMetric(float64(st.Alerts), "alerts")
}
