package fusion

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/vigia-project/vigia/geo"
	"github.com/vigia-project/vigia/sensors"
)

var t0 = time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)

var radarPos = geo.LLA{Lat: 26.0725, Lon: -97.1675, Alt: 30}

func testParams() Params {
	return Params{
		GateChi2: 13.82, ConfirmHits: 3, ConfirmScore: 20, DeleteScore: 6.9, DeleteScoreConfirmed: 16,
		CoastTime: 60 * time.Second, TentativeTimeout: 30 * time.Second, MaxSigmaM: 5000,
		ProcessNoise: [3]float64{0.2, 0.05, 0.5}, ManoeuvreNoise: [3]float64{2, 0.7, 5}, MaxSpeed: [3]float64{300, 35, 300},
		AirAltitudeM: 150, CoopWindow: 2 * time.Minute,
	}
}

func testEngine(t testing.TB) *Engine {
	t.Helper()
	pos := radarPos
	e, err := New(geo.NewFrame(geo.LLA{Lat: 26.0, Lon: -97.1}), testParams(), []Sensor{
		{ID: "radar", Kind: "radar", Position: &pos, SigmaRangeM: 25, SigmaBearingDeg: 0.3, RangeM: 48000, Pd: 0.9, Class: sensors.ClassSurface},
		{ID: "ais", Kind: "ais", SigmaM: 10, Class: sensors.ClassSurface, Cooperative: true},
		{ID: "aircraft", Kind: "aircraft", SigmaRangeM: 50, SigmaBearingDeg: 0.5, RangeM: 60000, Class: sensors.ClassSurface},
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// target moves from start on a constant course and speed.
type target struct {
	start         geo.LLA
	course, speed float64
}

func (tg target) at(dt float64) geo.LLA {
	return geo.Destination(tg.start, tg.course, tg.speed*dt)
}

// radarScan returns a polar report of the targets with noise and clutter.
func radarScan(rng *rand.Rand, at time.Time, dt float64, clutter int, tgs ...target) *sensors.Report {
	r := &sensors.Report{Sensor: "radar", Time: at}
	for _, tg := range tgs {
		p := tg.at(dt)
		r.Detections = append(r.Detections, sensors.Detection{Polar: true,
			Range:   geo.Distance(radarPos, p) + rng.NormFloat64()*25,
			Bearing: math.Mod(geo.Bearing(radarPos, p)+rng.NormFloat64()*0.3+360, 360)})
	}
	for i := 0; i < clutter; i++ {
		r.Detections = append(r.Detections, sensors.Detection{Polar: true, Range: 2000 + rng.Float64()*46000, Bearing: rng.Float64() * 360})
	}
	return r
}

func confirmed(e *Engine) []*Track {
	var out []*Track
	for _, t := range e.Tracks() {
		if t.Status() == Confirmed {
			out = append(out, t)
		}
	}
	return out
}

func TestOneTargetOneTrackInClutter(t *testing.T) {
	e := testEngine(t)
	rng := rand.New(rand.NewPCG(1, 2))
	gofast := target{start: geo.LLA{Lat: 25.84, Lon: -97.06}, course: 355, speed: 17}
	for k := 0; k < 120; k++ { // 5 minutes at 2.5 s
		dt := float64(k) * 2.5
		at := t0.Add(time.Duration(dt * float64(time.Second)))
		if _, err := e.Apply(radarScan(rng, at, dt, 2, gofast)); err != nil {
			t.Fatal(err)
		}
		e.Advance(at)
	}
	c := confirmed(e)
	if len(c) != 1 {
		t.Fatalf("%d confirmed tracks, want 1 (clutter confirmed?)", len(c))
	}
	tr := c[0]
	end := 119 * 2.5
	x, _ := tr.StateAt(t0.Add(time.Duration(end * float64(time.Second))))
	truth := gofast.at(end)
	te, tn, _ := e.Frame().ToENU(truth)
	if d := math.Hypot(x[0]-te, x[1]-tn); d > 100 {
		t.Errorf("position error %.0f m", d)
	}
	speed := math.Hypot(x[2], x[3])
	if math.Abs(speed-17) > 1.5 {
		t.Errorf("speed %.1f m/s, want 17", speed)
	}
	if tr.Class() != sensors.ClassSurface {
		t.Errorf("class %v", tr.Class())
	}
}

func TestLateReportRefused(t *testing.T) {
	e := testEngine(t)
	rng := rand.New(rand.NewPCG(1, 2))
	if _, err := e.Apply(radarScan(rng, t0.Add(10*time.Second), 0, 0)); err != nil {
		t.Fatal(err)
	}
	_, err := e.Apply(radarScan(rng, t0, 0, 0))
	if !errors.Is(err, ErrLate) {
		t.Fatalf("err %v, want ErrLate", err)
	}
}

// TestLateSensorStartsTracks: a radar whose every scan arrives after an AIS
// report has moved the engine clock on (out of sequence by 0.5 s) still
// starts, confirms and keeps the track of a dark target only it sees, and
// its clutter does not pile up.
func TestLateSensorStartsTracks(t *testing.T) {
	e := testEngine(t)
	e.p.OOSMWindow = 2 * time.Second
	rng := rand.New(rand.NewPCG(3, 4))
	dark := target{start: geo.Destination(radarPos, 60, 20000), course: 10, speed: 8}
	ship := target{start: geo.Destination(radarPos, 200, 15000), course: 300, speed: 6}
	for k := 0; k < 40; k++ {
		at := t0.Add(time.Duration(k) * 2500 * time.Millisecond)
		p := ship.at(float64(k)*2.5 + 0.5)
		ais := &sensors.Report{Sensor: "ais", Time: at.Add(500 * time.Millisecond), Detections: []sensors.Detection{
			{Lat: p.Lat, Lon: p.Lon, ID: &sensors.Identity{MMSI: 367000001}}}}
		if _, err := e.Apply(ais); err != nil {
			t.Fatal(err)
		}
		res, err := e.Apply(radarScan(rng, at, float64(k)*2.5, 5, dark))
		if err != nil {
			t.Fatal(err)
		}
		if !res.Late {
			t.Fatalf("scan %d not out of sequence", k)
		}
		if len(res.Rejected) > 0 {
			t.Fatalf("scan %d: detections refused: %v", k, res.Rejected)
		}
		e.Advance(at.Add(500 * time.Millisecond))
	}
	var darkTracks, tentative int
	want := dark.at(39 * 2.5)
	for _, tr := range e.Tracks() {
		if tr.Status() != Confirmed {
			tentative++
			continue
		}
		if id, _ := tr.Identity(); id != nil {
			continue
		}
		x, _ := tr.StateAt(e.Now())
		pos := e.Frame().FromENU(x[0], x[1], 0)
		if d := geo.Distance(pos, want); d > 300 {
			t.Errorf("dark track %s is %.0f m from the target", tr.Name(), d)
		}
		darkTracks++
	}
	if darkTracks != 1 {
		t.Errorf("%d confirmed dark tracks, want 1", darkTracks)
	}
	// 5 clutter plots a scan, each living until its misses (or timeout) end it.
	if tentative > 40 {
		t.Errorf("%d tentative tracks: late clutter is not being cleared", tentative)
	}
}

func TestUnknownSensorAndNoPlatform(t *testing.T) {
	e := testEngine(t)
	if _, err := e.Apply(&sensors.Report{Sensor: "nope", Time: t0}); !errors.Is(err, ErrUnknownSensor) {
		t.Fatalf("err %v", err)
	}
	r := &sensors.Report{Sensor: "aircraft", Time: t0, Detections: []sensors.Detection{{Polar: true, Range: 1000, Bearing: 10}}}
	if _, err := e.Apply(r); !errors.Is(err, ErrNoPlatform) {
		t.Fatalf("err %v", err)
	}
}

func TestBadGeometryRejectedNotCorrupting(t *testing.T) {
	e := testEngine(t)
	r := &sensors.Report{Sensor: "ais", Time: t0, Detections: []sensors.Detection{
		{Lat: 26, Lon: -97, HasCov: true, Cov: [3]float64{math.NaN(), 0, 1}},
		{Lat: 26, Lon: -97, HasCov: true, Cov: [3]float64{-1, 0, 1}},
		{Lat: -45, Lon: 100},
	}}
	res, err := e.Apply(r)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rejected[ReasonBadGeometry] != 2 || res.Rejected[ReasonOutOfRegion] != 1 || len(e.Tracks()) != 0 {
		t.Fatalf("result %+v, %d tracks", res, len(e.Tracks()))
	}
}

func TestAISIdentityAttaches(t *testing.T) {
	e := testEngine(t)
	rng := rand.New(rand.NewPCG(3, 4))
	ship := target{start: geo.LLA{Lat: 26.10, Lon: -96.80}, course: 270, speed: 7}
	for k := 0; k < 48; k++ {
		dt := float64(k) * 2.5
		at := t0.Add(time.Duration(dt * float64(time.Second)))
		if _, err := e.Apply(radarScan(rng, at, dt, 0, ship)); err != nil {
			t.Fatal(err)
		}
		if k%4 == 1 {
			p := ship.at(dt)
			r := &sensors.Report{Sensor: "ais", Time: at, Detections: []sensors.Detection{{Lat: p.Lat, Lon: p.Lon, SigmaM: 10,
				Speed: 7, Course: 270, HasVelocity: true, ID: &sensors.Identity{MMSI: 367730160, Name: "GULF TRADER"}}}}
			if _, err := e.Apply(r); err != nil {
				t.Fatal(err)
			}
		}
	}
	c := confirmed(e)
	if len(c) != 1 {
		t.Fatalf("%d confirmed tracks, want 1 (AIS made a second track?)", len(c))
	}
	id, _ := c[0].Identity()
	if id == nil || id.MMSI != 367730160 {
		t.Fatalf("identity %+v", id)
	}
	x, _ := c[0].StateAt(e.Now())
	if !e.NearbyCooperative(x[0], x[1], 1500, e.Now().Add(-time.Minute)) {
		t.Fatal("no cooperative position near the ship")
	}
	if len(c[0].Sensors()) != 2 {
		t.Fatalf("sensors %+v", c[0].Sensors())
	}
}

func TestCoastingTrackDeleted(t *testing.T) {
	e := testEngine(t)
	rng := rand.New(rand.NewPCG(5, 6))
	boat := target{start: geo.LLA{Lat: 26.0, Lon: -97.0}, course: 90, speed: 5}
	for k := 0; k < 10; k++ {
		dt := float64(k) * 2.5
		if _, err := e.Apply(radarScan(rng, t0.Add(time.Duration(dt*float64(time.Second))), dt, 0, boat)); err != nil {
			t.Fatal(err)
		}
	}
	if len(confirmed(e)) != 1 {
		t.Fatal("not confirmed")
	}
	dead := e.Advance(t0.Add(25*time.Second + 61*time.Second))
	if len(dead) != 1 || dead[0].Status() != Deleted || len(e.Tracks()) != 0 {
		t.Fatalf("dead %d, live %d", len(dead), len(e.Tracks()))
	}
}

func BenchmarkApplyScan(b *testing.B) {
	e := testEngine(b)
	rng := rand.New(rand.NewPCG(1, 2))
	var tgs []target
	for i := 0; i < 50; i++ {
		tgs = append(tgs, target{start: geo.LLA{Lat: 25.8 + rng.Float64()*0.5, Lon: -97.1 + rng.Float64()*0.4}, course: rng.Float64() * 360, speed: 3 + rng.Float64()*10})
	}
	scans := make([]*sensors.Report, 200)
	for k := range scans {
		dt := float64(k) * 2.5
		scans[k] = radarScan(rng, t0.Add(time.Duration(dt*float64(time.Second))), dt, 2, tgs...)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := i % len(scans)
		if k == 0 {
			b.StopTimer()
			e = testEngine(b)
			b.StartTimer()
		}
		if _, err := e.Apply(scans[k]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/52, "ns/detection")
}

// A secondary-radar plot (range, bearing and flight level, no elevation)
// lies at its altitude, not on the sea, and counts as an aircraft.
func TestPolarPlotWithAltitude(t *testing.T) {
	e := testEngine(t)
	truth := geo.LLA{Lat: 26.3, Lon: -96.9, Alt: 3000}
	slant := geo.Distance(radarPos, truth) // ground distance; the slant range follows
	dh := truth.Alt - radarPos.Alt
	r := &sensors.Report{Sensor: "radar", Time: t0, Detections: []sensors.Detection{{Polar: true,
		Range: math.Sqrt(slant*slant + dh*dh), Bearing: geo.Bearing(radarPos, truth), Alt: 3000, HasAlt: true}}}
	if _, err := e.Apply(r); err != nil {
		t.Fatal(err)
	}
	tr := e.Tracks()[0]
	x, _ := tr.StateAt(t0)
	te, tn, _ := e.Frame().ToENU(truth)
	if d := math.Hypot(x[0]-te, x[1]-tn); d > 50 {
		t.Errorf("plot placed %.0f m from the truth", d)
	}
	if tr.Alt() != 3000 || tr.Class() != sensors.ClassAir {
		t.Errorf("alt %v class %v", tr.Alt(), tr.Class())
	}
}

// Another vessel's AIS inside the gate of a track that holds its own
// identity does not update it; the disagreement is recorded.
func TestIdentityConflictRecorded(t *testing.T) {
	e := testEngine(t)
	p := geo.LLA{Lat: 26.0, Lon: -97.0}
	ais := func(at time.Time, mmsi uint32, lat float64) {
		r := &sensors.Report{Sensor: "ais", Time: at, Detections: []sensors.Detection{{Lat: lat, Lon: p.Lon, SigmaM: 10,
			ID: &sensors.Identity{MMSI: mmsi}}}}
		if _, err := e.Apply(r); err != nil {
			t.Fatal(err)
		}
	}
	for k := 0; k < 4; k++ {
		ais(t0.Add(time.Duration(k)*10*time.Second), 367000001, p.Lat)
	}
	ais(t0.Add(45*time.Second), 367000002, p.Lat+0.0002) // 22 m away: inside the gate
	var tr *Track
	for _, x := range e.Tracks() {
		if id, _ := x.Identity(); id != nil && id.MMSI == 367000001 {
			tr = x
		}
	}
	if tr == nil {
		t.Fatal("no track for 367000001")
	}
	other, at := tr.IdentityConflict()
	if other == nil || other.MMSI != 367000002 || !at.Equal(t0.Add(45*time.Second)) {
		t.Fatalf("conflict %+v at %v", other, at)
	}
	if id, _ := tr.Identity(); id.MMSI != 367000001 {
		t.Fatalf("identity overwritten: %+v", id)
	}
}
