package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/vigia-project/vigia/alert"
	"github.com/vigia-project/vigia/config"
	"github.com/vigia-project/vigia/geo"
)

var t0 = time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)

// manualClock is a clock the test moves by hand.
type manualClock struct{ ns atomic.Int64 }

func newManualClock(t time.Time) *manualClock {
	c := &manualClock{}
	c.Set(t)
	return c
}

func (c *manualClock) Now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *manualClock) Set(t time.Time)     { c.ns.Store(t.UnixNano()) }
func (c *manualClock) Add(d time.Duration) { c.ns.Add(int64(d)) }

// waitFor polls f until it returns nil or the timeout passes.
func waitFor(t *testing.T, timeout time.Duration, f func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %v", timeout, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testConfig is the built-in configuration on a free loopback port, or on brokerURL.
func testConfig(t testing.TB, brokerURL string) *config.Config {
	t.Helper()
	c, err := config.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	c.Broker.URL = brokerURL
	c.Broker.Listen = "127.0.0.1:0"
	c.Broker.ClientID = "vigia-test-" + strings.ReplaceAll(t.Name(), "/", "-")
	c.HTTP.Listen = "127.0.0.1:0"
	c.Signing.KeyFile = filepath.Join(t.TempDir(), "key.pem")
	c.StateDir = t.TempDir()
	return c
}

// running is a daemon under test.
type running struct {
	d      *Daemon
	clock  *manualClock
	logs   *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

func startDaemon(t *testing.T, c *config.Config) *running {
	t.Helper()
	return startDaemonWith(t, c, nil)
}

// startDaemonWith is startDaemon calling before with the broker's URL
// between building the daemon (its embedded broker is up) and running it.
func startDaemonWith(t *testing.T, c *config.Config, before func(brokerURL string)) *running {
	t.Helper()
	logs := &syncBuffer{}
	clock := newManualClock(t0)
	d, err := New(c, Options{Logger: slog.New(slog.NewTextHandler(logs, nil)), Clock: clock, FlushTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if before != nil {
		before(d.BrokerURL())
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{d: d, clock: clock, logs: logs, cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- d.Run(ctx) }()
	t.Cleanup(func() { r.stop(t) })
	select {
	case <-d.Ready():
	case <-time.After(20 * time.Second):
		t.Fatalf("daemon not ready after 20 s; logs:\n%s", logs)
	}
	return r
}

// stop shuts the daemon down and checks that Run returns promptly.
func (r *running) stop(t *testing.T) {
	r.cancel()
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
		r.done <- nil // later stops return at once
	case <-time.After(20 * time.Second):
		t.Errorf("Run did not return within 20 s of cancel")
	}
}

// client connects an MQTT client to the daemon's broker.
func client(t *testing.T, url, id string) paho.Client {
	t.Helper()
	o := paho.NewClientOptions().AddBroker(url).SetClientID(id).SetOrderMatters(true).SetConnectTimeout(5 * time.Second)
	c := paho.NewClient(o)
	if tok := c.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("connect %s: %v", url, tok.Error())
	}
	t.Cleanup(func() { c.Disconnect(100) })
	return c
}

// alertSink collects the alerts an operations centre receives.
type alertSink struct {
	mu  sync.Mutex
	got map[string][]alert.Alert // by agency
}

func subscribeAlerts(t *testing.T, c paho.Client, prefix string) *alertSink {
	t.Helper()
	s := &alertSink{got: map[string][]alert.Alert{}}
	tok := c.Subscribe(prefix+"alerts/+", 1, func(_ paho.Client, m paho.Message) {
		var a alert.Alert
		if err := json.Unmarshal(m.Payload(), &a); err != nil {
			t.Errorf("alert on %s is not JSON: %v", m.Topic(), err)
			return
		}
		ag := m.Topic()[strings.LastIndex(m.Topic(), "/")+1:]
		s.mu.Lock()
		s.got[ag] = append(s.got[ag], a)
		s.mu.Unlock()
	})
	if !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("subscribe: %v", tok.Error())
	}
	return s
}

func (s *alertSink) find(agency, rule string) (alert.Alert, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.got[agency] {
		if a.Rule == rule {
			return a, true
		}
	}
	return alert.Alert{}, false
}

func (s *alertSink) agencies() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for ag := range s.got {
		out = append(out, ag)
	}
	return out
}

// goFast is a dark boat running north from Mexican into US waters.
type goFast struct {
	start         geo.LLA
	course, speed float64
}

var darkBoat = goFast{start: geo.LLA{Lat: 25.84, Lon: -97.06}, course: 355, speed: 17}

func (g goFast) at(dt time.Duration) geo.LLA {
	return geo.Destination(g.start, g.course, g.speed*dt.Seconds())
}

// radarReport is radar-brownsville's JSON report of the boat at t0+dt.
func radarReport(rng *rand.Rand, radar geo.LLA, dt time.Duration) []byte {
	p := darkBoat.at(dt)
	rg := geo.Distance(radar, p) + rng.NormFloat64()*25
	br := math.Mod(geo.Bearing(radar, p)+rng.NormFloat64()*0.3+360, 360)
	return fmt.Appendf(nil, `{"sensor":"radar-brownsville","time":%q,"seq":%d,"detections":[{"range_m":%.1f,"bearing_deg":%.3f}]}`,
		t0.Add(dt).Format(time.RFC3339Nano), int(dt/(2500*time.Millisecond))+1, rg, br)
}

func (r *running) received(sensor string) float64 {
	return testutil.ToFloat64(r.d.metrics.received.WithLabelValues(sensor))
}

func (r *running) dropped(sensor, reason string) float64 {
	return testutil.ToFloat64(r.d.metrics.dropped.WithLabelValues(sensor, reason))
}

// publishAndWait publishes one payload and waits until the daemon has taken it off the wire.
func (r *running) publishAndWait(t *testing.T, c paho.Client, topic, sensor string, payload []byte) {
	t.Helper()
	before := r.received(sensor)
	if tok := c.Publish(topic, 1, false, payload); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("publish: %v", tok.Error())
	}
	waitFor(t, 10*time.Second, func() error {
		if r.received(sensor) <= before {
			return fmt.Errorf("daemon has not received the message on %s", topic)
		}
		return nil
	})
}

// runDarkVesselScenario drives the dark boat past the radar for 100 s and
// checks that the dark_vessel alert reaches SEMAR and USCG, whose waters
// hold the boat and lie ahead of it. badInputs, if set, is called between
// radar reports to publish bad payloads.
func runDarkVesselScenario(t *testing.T, r *running, badInputs func(k int)) {
	t.Helper()
	c := r.d.cfg
	gw := client(t, r.d.BrokerURL(), "gateway-"+t.Name())
	ops := client(t, r.d.BrokerURL(), "ops-"+t.Name())
	sink := subscribeAlerts(t, ops, c.TopicPrefix)
	radarCfg, _ := c.SensorByID("radar-brownsville")
	radar := geo.LLA{Lat: radarCfg.Position.Lat, Lon: radarCfg.Position.Lon, Alt: radarCfg.Position.Alt}
	rng := rand.New(rand.NewPCG(7, 11))
	const step = 2500 * time.Millisecond
	for k := 0; k <= 40; k++ {
		dt := time.Duration(k) * step
		r.clock.Set(t0.Add(dt))
		r.publishAndWait(t, gw, radarCfg.Topic, radarCfg.ID, radarReport(rng, radar, dt))
		if badInputs != nil {
			badInputs(k)
		}
	}
	r.clock.Set(t0.Add(40*step + 3*time.Second))
	var got alert.Alert
	waitFor(t, 15*time.Second, func() error {
		for _, ag := range []string{"semar", "uscg"} {
			a, ok := sink.find(ag, "dark_vessel")
			if !ok {
				return fmt.Errorf("no dark_vessel alert on %salerts/%s yet (alerts so far for %v)", c.TopicPrefix, ag, sink.agencies())
			}
			got = a
		}
		return nil
	})
	if _, ok := sink.find("ccg", "dark_vessel"); ok {
		t.Errorf("CCG got an alert for a boat in the Gulf of Mexico")
	}
	if got.State != alert.StateActive || got.Rev != 1 || got.Where.Country != "MX" || got.HeadingFor == nil || got.HeadingFor.Country != "US" {
		t.Errorf("alert: state %s rev %d where %+v heading %+v", got.State, got.Rev, got.Where, got.HeadingFor)
	}
	first, _ := time.Parse(alert.TimeLayout, got.Time)
	truth := darkBoat.at(first.Sub(t0))
	if d := geo.Distance(truth, geo.LLA{Lat: got.Track.Lat, Lon: got.Track.Lon}); d > 150 {
		t.Errorf("alerted position %.0f m from the truth", d)
	}
	if math.Abs(got.Track.SpeedMPS-17) > 2 || got.Track.Class != "surface" {
		t.Errorf("alerted track: speed %.1f m/s, class %s", got.Track.SpeedMPS, got.Track.Class)
	}
	if !strings.HasPrefix(got.ID, c.Instance+"/T") || !strings.HasSuffix(got.ID, "/dark_vessel") || got.Origin != c.Instance {
		t.Errorf("id %q origin %q", got.ID, got.Origin)
	}
}

func TestDarkVesselEndToEndEmbeddedBroker(t *testing.T) {
	r := startDaemon(t, testConfig(t, ""))
	runDarkVesselScenario(t, r, nil)
	if n := r.dropped("radar-brownsville", reasonLate); n != 0 {
		t.Errorf("%v reports dropped as late", n)
	}
}

// Every bad input is dropped and counted by (sensor, reason), logged at most
// once per interval, and the daemon goes on tracking the boat correctly.
func TestBadInputDroppedCountedNoCorruption(t *testing.T) {
	c := testConfig(t, "")
	c.Ingest.MaxPayloadBytes = 4096
	r := startDaemon(t, c)
	radar, _ := c.SensorByID("radar-brownsville")
	aircraft, _ := c.SensorByID("pa-uscg-2311")
	gw := client(t, r.d.BrokerURL(), "bad-gateway")
	bad := []struct {
		name, topic, sensor, reason string
		payload                     func(now time.Time) []byte
	}{
		{"malformed JSON", radar.Topic, radar.ID, "malformed", func(time.Time) []byte { return []byte(`{"sensor":"radar-brownsville","time":`) }},
		{"NaN", radar.Topic, radar.ID, "malformed", func(now time.Time) []byte {
			return fmt.Appendf(nil, `{"sensor":"radar-brownsville","time":%q,"detections":[{"range_m":NaN,"bearing_deg":10}]}`, now.Format(time.RFC3339))
		}},
		{"out-of-range position", radar.Topic, radar.ID, "bad_position", func(now time.Time) []byte {
			return fmt.Appendf(nil, `{"sensor":"radar-brownsville","time":%q,"detections":[{"lat":91.5,"lon":-97}]}`, now.Format(time.RFC3339))
		}},
		{"time far in the past", radar.Topic, radar.ID, reasonTooOld, func(now time.Time) []byte {
			return fmt.Appendf(nil, `{"sensor":"radar-brownsville","time":%q,"detections":[]}`, now.Add(-3*time.Hour).Format(time.RFC3339))
		}},
		{"time far in the future", radar.Topic, radar.ID, reasonInFuture, func(now time.Time) []byte {
			return fmt.Appendf(nil, `{"sensor":"radar-brownsville","time":%q,"detections":[]}`, now.Add(2*time.Hour).Format(time.RFC3339))
		}},
		{"absurd year", radar.Topic, radar.ID, reasonInFuture, func(time.Time) []byte {
			return []byte(`{"sensor":"radar-brownsville","time":"9999-12-31T23:59:59Z","detections":[]}`)
		}},
		{"unknown sensor", radar.Topic, radar.ID, reasonUnknownSensor, func(now time.Time) []byte {
			return fmt.Appendf(nil, `{"sensor":"ghost-radar","time":%q,"detections":[{"range_m":1000,"bearing_deg":10}]}`, now.Format(time.RFC3339))
		}},
		{"another sensor's name", radar.Topic, radar.ID, reasonSensorMismatch, func(now time.Time) []byte {
			return fmt.Appendf(nil, `{"sensor":"tars-rgv","time":%q,"detections":[]}`, now.Format(time.RFC3339))
		}},
		{"oversized payload", radar.Topic, radar.ID, "too_large", func(now time.Time) []byte {
			return fmt.Appendf(nil, `{"sensor":"radar-brownsville","time":%q,"detections":[],"pad":%q}`, now.Format(time.RFC3339), strings.Repeat("x", 5000))
		}},
		{"moving sensor without platform", aircraft.Topic, aircraft.ID, reasonNoPlatform, func(now time.Time) []byte {
			return fmt.Appendf(nil, `{"sensor":"pa-uscg-2311","time":%q,"detections":[{"range_m":1000,"bearing_deg":10}]}`, now.Format(time.RFC3339Nano))
		}},
	}
	runDarkVesselScenario(t, r, func(k int) {
		// Each bad payload three times over the run, interleaved with the good reports.
		b := bad[k%len(bad)]
		r.publishAndWait(t, gw, b.topic, b.sensor, b.payload(r.clock.Now()))
	})
	want := map[[2]string]float64{}
	for k := 0; k <= 40; k++ {
		b := bad[k%len(bad)]
		want[[2]string{b.sensor, b.reason}]++
	}
	// no_platform is found when the report is applied, after the reorder window.
	r.clock.Add(5 * time.Second)
	waitFor(t, 10*time.Second, func() error {
		for k, n := range want {
			if got := r.dropped(k[0], k[1]); got != n {
				return fmt.Errorf("dropped{sensor=%s,reason=%s} = %v, want %v", k[0], k[1], got, n)
			}
		}
		return nil
	})
	// Logged at most once per interval per (sensor, reason).
	logs := r.logs.String()
	for _, b := range bad {
		if n := strings.Count(logs, "reason="+b.reason+" "); b.reason != "malformed" && n != 1 {
			t.Errorf("reason %s logged %d times, want 1", b.reason, n)
		}
	}
	if n := strings.Count(logs, "reason=malformed "); n != 1 {
		t.Errorf("reason malformed logged %d times, want 1", n)
	}
	if strings.Contains(logs, "panic") {
		t.Errorf("logs mention a panic:\n%s", logs)
	}
}

func TestShutdownFlushesAndStatus(t *testing.T) {
	r := startDaemon(t, testConfig(t, ""))
	watcher := client(t, r.d.BrokerURL(), "status-watcher")
	var status atomic.Value
	status.Store("")
	topic := r.d.cfg.TopicPrefix + "status/" + r.d.cfg.Instance
	watcher.Subscribe(topic, 1, func(_ paho.Client, m paho.Message) { status.Store(string(m.Payload())) })
	waitFor(t, 10*time.Second, func() error {
		if s := status.Load().(string); s != "online" {
			return fmt.Errorf("status %q, want online", s)
		}
		return nil
	})
	// A report held in the reorder window is applied at shutdown, not lost.
	gw := client(t, r.d.BrokerURL(), "gw")
	radar, _ := r.d.cfg.SensorByID("radar-brownsville")
	r.publishAndWait(t, gw, radar.Topic, radar.ID, radarReport(rand.New(rand.NewPCG(1, 1)), geo.LLA{Lat: radar.Position.Lat, Lon: radar.Position.Lon}, 0))
	r.stop(t)
	if n, _, _ := r.d.Counts(); n != 1 {
		t.Errorf("%d reports applied, want the one held in the reorder window", n)
	}
	waitFor(t, 5*time.Second, func() error {
		if s := status.Load().(string); s != "offline" {
			return fmt.Errorf("status %q, want offline", s)
		}
		return nil
	})
}

// Reports that arrive out of order within the reorder window are applied in
// measurement-time order: the alerts are byte-identical to those of the
// same reports in order.
func TestReorderWindowSameAlerts(t *testing.T) {
	key := filepath.Join(t.TempDir(), "key.pem") // one instance key: signatures must match too
	run := func(swap bool) []string {
		c := testConfig(t, "")
		c.Signing.KeyFile = key
		c.Ingest.ReorderWindow = time.Second
		c.Broker.ClientID += fmt.Sprint(swap)
		r := startDaemon(t, c)
		gw := client(t, r.d.BrokerURL(), "gw-reorder")
		ops := client(t, r.d.BrokerURL(), "ops-reorder")
		sink := subscribeAlerts(t, ops, c.TopicPrefix)
		radarCfg, _ := c.SensorByID("radar-brownsville")
		radar := geo.LLA{Lat: radarCfg.Position.Lat, Lon: radarCfg.Position.Lon, Alt: radarCfg.Position.Alt}
		rng := rand.New(rand.NewPCG(7, 11))
		const step = 2500 * time.Millisecond
		var reports [][]byte
		for k := 0; k <= 41; k++ {
			reports = append(reports, radarReport(rng, radar, time.Duration(k)*step))
		}
		for k := 0; k <= 40; k += 2 {
			first, second := k, k+1
			if swap {
				first, second = second, first
			}
			r.clock.Set(t0.Add(time.Duration(k) * step))
			r.publishAndWait(t, gw, radarCfg.Topic, radarCfg.ID, reports[first])
			r.publishAndWait(t, gw, radarCfg.Topic, radarCfg.ID, reports[second])
			r.clock.Set(t0.Add(time.Duration(k+1)*step + 100*time.Millisecond)) // both inside the 1 s window until now
		}
		r.clock.Set(t0.Add(42*step + 3*time.Second))
		waitFor(t, 10*time.Second, func() error {
			if _, ok := sink.find("semar", "dark_vessel"); !ok {
				return fmt.Errorf("no alert yet")
			}
			return nil
		})
		r.stop(t)
		sink.mu.Lock()
		defer sink.mu.Unlock()
		var out []string
		for _, a := range sink.got["semar"] {
			b, _ := json.Marshal(a)
			out = append(out, string(b))
		}
		if n := r.dropped(radarCfg.ID, reasonLate); n != 0 {
			t.Errorf("swap %v: %v reports dropped as late", swap, n)
		}
		return out
	}
	inOrder, swapped := run(false), run(true)
	if len(inOrder) == 0 || strings.Join(inOrder, "\n") != strings.Join(swapped, "\n") {
		t.Fatalf("alerts differ:\nin order:\n%s\nswapped:\n%s", strings.Join(inOrder, "\n"), strings.Join(swapped, "\n"))
	}
}
