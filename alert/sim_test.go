package alert

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/vigia-project/vigia/fusion"
	"github.com/vigia-project/vigia/geo"
	"github.com/vigia-project/vigia/sensors"
)

// This file holds the synthetic world the alert tests drive: a real
// fusion.Engine fed with noisy radar scans and AIS reports of vessels on
// constant courses, and a Manager evaluated once per simulated second, as the
// daemon does (Advance, TrackDeleted, Evaluate). No clock is read: time is
// the simulation's.

var t0 = time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)

var (
	radarPos = geo.LLA{Lat: 26.0725, Lon: -97.1675, Alt: 30} // coastal radar, South Padre Island
	rigPos   = geo.LLA{Lat: 26.05, Lon: -96.45, Alt: 40}     // offshore platform radar (high-seas cases only)
)

var sensorPos = map[string]geo.LLA{"radar": radarPos, "rig": rigPos}

func engineParams() fusion.Params {
	return fusion.Params{
		GateChi2: 13.82, ConfirmHits: 3, ConfirmScore: 20, DeleteScore: 6.9, DeleteScoreConfirmed: 16,
		CoastTime: 60 * time.Second, TentativeTimeout: 30 * time.Second, MaxSigmaM: 5000,
		ProcessNoise: [3]float64{0.2, 0.05, 0.5}, ManoeuvreNoise: [3]float64{2, 0.7, 5}, MaxSpeed: [3]float64{300, 35, 300},
		AirAltitudeM: 150, CoopWindow: 2 * time.Minute,
	}
}

func newEngine(t testing.TB) *fusion.Engine {
	t.Helper()
	radar, rig := radarPos, rigPos
	e, err := fusion.New(geo.NewFrame(geo.LLA{Lat: 26.0, Lon: -97.1}), engineParams(), []fusion.Sensor{
		{ID: "radar", Kind: "radar", Position: &radar, SigmaRangeM: 25, SigmaBearingDeg: 0.3, RangeM: 48000, Pd: 0.9, Class: sensors.ClassSurface},
		{ID: "rig", Kind: "radar", Position: &rig, SigmaRangeM: 25, SigmaBearingDeg: 0.3, RangeM: 48000, Pd: 0.9, Class: sensors.ClassSurface},
		{ID: "ais", Kind: "ais", SigmaM: 10, Class: sensors.ClassSurface, Cooperative: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func managerParams() Params {
	return Params{
		Instance: "test",
		DarkVessel: DarkVessel{Enabled: true, AISRadiusM: 1500, AISWindow: 60 * time.Second,
			Severity: "high", ClearAfter: 60 * time.Second},
		Horizon:       30 * time.Minute,
		HighSeas:      []string{"uscg"},
		CriticalToAll: true,
		Agencies: []Agency{
			{ID: "uscg", Country: "US", Topic: "vigia/alerts/uscg"},
			{ID: "semar", Country: "MX", Topic: "vigia/alerts/semar"},
			{ID: "ccg", Country: "CA", Topic: "vigia/alerts/ccg"},
		},
	}
}

func newManager(t testing.TB, p Params) *Manager {
	t.Helper()
	z, err := geo.DefaultZones()
	if err != nil {
		t.Fatal(err)
	}
	return NewManager(p, z, geo.DefaultPlaces(), nil)
}

// vessel moves from start on a constant course and speed.
type vessel struct {
	start         geo.LLA
	course, speed float64 // deg true, m/s
	// sensor is the radar that sees it ("radar" when empty).
	sensor string
	// radarUntil stops its radar detections from then on (0: seen throughout).
	radarUntil time.Duration
	// class is the class the radar reports for it (unknown: the sensor's usual class).
	class sensors.Class
	// AIS: when mmsi is set, a report every aisEvery (10 s when 0) from aisFrom
	// until aisUntil (0: to the end).
	mmsi              uint32
	aisFrom, aisUntil time.Duration
	aisEvery          time.Duration
	// aisOffset displaces its AIS positions (east, north metres): a spoofer.
	aisOffset [2]float64
}

func (v vessel) at(dt time.Duration) geo.LLA {
	return geo.Destination(v.start, v.course, v.speed*dt.Seconds())
}

func (v vessel) radarOn(dt time.Duration) bool { return v.radarUntil == 0 || dt < v.radarUntil }

func (v vessel) aisOn(dt time.Duration) bool {
	if v.mmsi == 0 || dt < v.aisFrom || (v.aisUntil != 0 && dt >= v.aisUntil) {
		return false
	}
	every := v.aisEvery
	if every == 0 {
		every = 10 * time.Second
	}
	return (dt-v.aisFrom)%every == 0
}

func (v vessel) radar() string {
	if v.sensor == "" {
		return "radar"
	}
	return v.sensor
}

// world is one simulation run.
type world struct {
	vessels []vessel
	dur     time.Duration
	params  Params
	seed    uint64
	clutter int // false plots per coastal radar scan
}

// delivered is one delivery with the simulated time it came out at.
type delivered struct {
	at time.Duration
	Delivery
}

type outcome struct {
	ds     []delivered
	eng    *fusion.Engine
	m      *Manager
	active []int // Manager.Active() after each evaluation, by second
}

const (
	scanEvery = 2500 * time.Millisecond
	tick      = 500 * time.Millisecond
)

func (w world) run(t testing.TB) outcome {
	t.Helper()
	eng := newEngine(t)
	m := newManager(t, w.params)
	rng := rand.New(rand.NewPCG(w.seed, 0x5eed))
	var out outcome
	for dt := time.Duration(0); dt <= w.dur; dt += tick {
		now := t0.Add(dt)
		if dt%scanEvery == 0 {
			for _, s := range []string{"radar", "rig"} {
				r := &sensors.Report{Sensor: s, Time: now}
				pos := sensorPos[s]
				for _, v := range w.vessels {
					if v.radar() != s || !v.radarOn(dt) {
						continue
					}
					p := v.at(dt)
					r.Detections = append(r.Detections, sensors.Detection{Polar: true, Class: v.class,
						Range:   geo.Distance(pos, p) + rng.NormFloat64()*25,
						Bearing: math.Mod(geo.Bearing(pos, p)+rng.NormFloat64()*0.3+360, 360)})
				}
				if s == "radar" {
					for i := 0; i < w.clutter; i++ {
						r.Detections = append(r.Detections, sensors.Detection{Polar: true,
							Range: 2000 + rng.Float64()*46000, Bearing: rng.Float64() * 360})
					}
				}
				if len(r.Detections) == 0 {
					continue
				}
				if _, err := eng.Apply(r); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, v := range w.vessels {
			if !v.aisOn(dt) {
				continue
			}
			p := v.at(dt)
			p.Lat += v.aisOffset[1] / 111_320
			p.Lon += v.aisOffset[0] / (111_320 * math.Cos(p.Lat*math.Pi/180))
			r := &sensors.Report{Sensor: "ais", Time: now, Detections: []sensors.Detection{{
				Lat: p.Lat + rng.NormFloat64()*5/111_000, Lon: p.Lon + rng.NormFloat64()*5/100_000, SigmaM: 10,
				Speed: v.speed, Course: v.course, HasVelocity: true,
				ID: &sensors.Identity{MMSI: v.mmsi, Name: "VESSEL"}}}}
			m.Observe(r)
			if _, err := eng.Apply(r); err != nil {
				t.Fatal(err)
			}
		}
		if dt%time.Second == 0 {
			dead := eng.Advance(now)
			for _, d := range m.TrackDeleted(now, eng, dead) {
				out.ds = append(out.ds, delivered{dt, d})
			}
			for _, d := range m.Evaluate(now, eng) {
				out.ds = append(out.ds, delivered{dt, d})
			}
			out.active = append(out.active, m.Active())
		}
	}
	out.eng, out.m = eng, m
	return out
}

// revision is one alert revision with the agencies it went to.
type revision struct {
	at      time.Duration
	a       *Alert
	payload []byte
	to      []string // agencies delivered to, in delivery order
	topics  []string
}

// revisions groups deliveries by alert id into revisions, in order. It
// fails the test when one revision's deliveries disagree.
func revisions(t testing.TB, ds []delivered) map[string][]*revision {
	t.Helper()
	out := map[string][]*revision{}
	for _, d := range ds {
		revs := out[d.Alert.ID]
		var r *revision
		if n := len(revs); n > 0 && revs[n-1].a.Rev == d.Alert.Rev {
			r = revs[n-1]
			if r.at != d.at || string(r.payload) != string(d.Payload) {
				t.Fatalf("%s rev %d: deliveries differ (at %v and %v)", d.Alert.ID, d.Alert.Rev, r.at, d.at)
			}
		} else {
			r = &revision{at: d.at, a: d.Alert, payload: d.Payload}
			out[d.Alert.ID] = append(revs, r)
		}
		r.to = append(r.to, d.Agency)
		r.topics = append(r.topics, d.Topic)
	}
	return out
}

// only returns the revisions of the single alert of the run, failing when
// there is not exactly one alert.
func only(t testing.TB, ds []delivered) (string, []*revision) {
	t.Helper()
	revs := revisions(t, ds)
	if len(revs) != 1 {
		ids := []string{}
		for id := range revs {
			ids = append(ids, id)
		}
		t.Fatalf("%d alerts %v, want 1", len(revs), ids)
	}
	for id, r := range revs {
		return id, r
	}
	panic("unreachable")
}

// gofast is the dark go-fast of the Rio Grande scenario: from Mexican waters
// north into US waters at 33 kn.
func gofast() vessel {
	return vessel{start: geo.LLA{Lat: 25.84, Lon: -97.06}, course: 355, speed: 17}
}
