package sim

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// truthOf returns target id's true state at d after the scene start.
func truthOf(t *testing.T, s *Scene, id string, d time.Duration) TruthState {
	t.Helper()
	for _, ts := range s.Truth(s.Start.Add(d)) {
		if ts.ID == id {
			return ts
		}
	}
	t.Fatalf("no target %s", id)
	return TruthState{}
}

// legScene is a minimal valid scene around one surface target with legs.
func legScene(legs ...Leg) *Scene {
	s := RioGrande(testStart)
	s.Targets = []Target{{
		ID: "t", Class: ClassSurface, Start: LLA{Lat: 26.2, Lon: -96.9},
		CourseDeg: 90, SpeedMps: 5, Legs: legs,
	}}
	s.Behaviours, s.Legitimate, s.Assets = nil, nil, nil
	return s
}

func TestTimedLegsAndHolds(t *testing.T) {
	const sec = time.Second
	s := legScene(
		Leg{At: 100 * sec, Hold: 50 * sec, CourseDeg: 0, SpeedMps: 2}, // stop 100–150 s, then north
		Leg{AfterM: 700, CourseDeg: 270, SpeedMps: 0},                 // 500 m + 100 m north: 200 s
		Leg{AfterM: 900, CourseDeg: 90, SpeedMps: 9},                  // never reached: stopped
		Leg{At: 600 * sec, CourseDeg: 180, SpeedMps: 1},               // sets off again at 600 s
	)
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	at := func(d time.Duration) TruthState { return truthOf(t, s, "t", d) }
	p0 := at(0).Pos
	hold := at(100 * sec)
	if _, d := rhumbInverse(p0, hold.Pos); math.Abs(d-500) > 1e-6 {
		t.Errorf("timed leg began %.6f m from the start, want 500", d)
	}
	if hold.SpeedMps != 0 || at(100*sec-1).SpeedMps != 5 || at(150*sec-1).SpeedMps != 0 || at(150*sec).SpeedMps != 2 {
		t.Errorf("hold is not exactly 100–150 s: %v %v %v %v",
			at(100*sec-1).SpeedMps, hold.SpeedMps, at(150*sec-1).SpeedMps, at(150*sec).SpeedMps)
	}
	if at(149*sec).Pos != hold.Pos || hold.CourseDeg != 90 {
		t.Errorf("target moved or turned while holding: %+v %+v", hold, at(149*sec))
	}
	// 200 m north at 2 m/s after the hold: stops at 250 s.
	stop := at(250 * sec)
	if c, d := rhumbInverse(hold.Pos, stop.Pos); math.Abs(d-200) > 1e-6 || math.Abs(c) > 1e-6 || stop.SpeedMps != 0 {
		t.Errorf("distance leg after the hold: %.6f m at %.6f°, speed %v", d, c, stop.SpeedMps)
	}
	if at(599*sec).Pos != stop.Pos {
		t.Error("a distance leg after a stop was taken")
	}
	end := at(700 * sec)
	if c, d := rhumbInverse(stop.Pos, end.Pos); math.Abs(d-100) > 1e-6 || math.Abs(c-180) > 1e-6 || end.SpeedMps != 1 {
		t.Errorf("timed leg after a stop: %.6f m at %.6f°", d, c)
	}
}

func TestLegsWithoutTimesUnchanged(t *testing.T) {
	// A distance-only script compiles as before: AfterM exactly, no
	// rounding drift from accumulated distances.
	s := legScene(Leg{AfterM: 1000.1, CourseDeg: 0, SpeedMps: 3}, Leg{AfterM: 2000.3, CourseDeg: 45, SpeedMps: 3})
	p := compile(&s.Targets[0])
	if len(p.segs) != 3 || p.segs[1].t0 != 1000.1/5 || p.segs[2].t0 != 1000.1/5+(2000.3-1000.1)/3 {
		t.Errorf("segments %+v", p.segs)
	}
}

func TestAISOffIntervals(t *testing.T) {
	s := RioGrande(testStart)
	cargo := s.Target("cargo-1")
	cargo.AISOff = []Interval{{From: 2 * time.Minute, To: 5 * time.Minute}, {From: 8 * time.Minute, To: 8*time.Minute + 40*time.Second}}
	// Radars are not affected: compare the radar stream with the scene
	// without silences.
	ref := RioGrande(testStart)
	var got, want []Message
	for _, m := range collect(s, 4, 12*time.Minute) {
		if strings.HasSuffix(m.Topic, "/radar-brownsville") {
			got = append(got, m)
		}
	}
	for _, m := range collect(ref, 4, 12*time.Minute) {
		if strings.HasSuffix(m.Topic, "/radar-brownsville") {
			want = append(want, m)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("radar reports %d vs %d", len(got), len(want))
	}
	for i := range got {
		if !bytes.Equal(got[i].Payload, want[i].Payload) {
			t.Fatalf("radar report %d differs when AIS is off", i)
		}
	}
	var times []time.Duration
	for _, m := range collect(s, 4, 12*time.Minute) {
		if !strings.HasPrefix(m.Topic, "vigia/obs/ais/") {
			continue
		}
		d, ok := aisPos(t, m)
		if ok && *d.ID.MMSI == cargo.MMSI {
			times = append(times, m.Time.Sub(testStart))
		}
	}
	var gaps []time.Duration
	for i := 1; i < len(times); i++ {
		for _, iv := range cargo.AISOff {
			if iv.Contains(times[i]) {
				t.Fatalf("cargo-1 AIS report at %v inside %v–%v", times[i], iv.From, iv.To)
			}
		}
		if g := times[i] - times[i-1]; g != 10*time.Second {
			gaps = append(gaps, g)
		}
	}
	// Reports resume on the vessel's slot: gaps of just over 3 min and 40 s.
	if len(gaps) != 2 || gaps[0] < 3*time.Minute || gaps[0] > 3*time.Minute+10*time.Second ||
		gaps[1] < 40*time.Second || gaps[1] > 50*time.Second {
		t.Errorf("gaps in cargo-1's AIS: %v", gaps)
	}
	// fishing-2 is silent for good from fishing2Off, while radar holds it.
	f2 := s.Target("fishing-2")
	if len(f2.AISOff) != 1 || f2.AISOff[0].From != fishing2Off || f2.AISOff[0].To != 0 {
		t.Errorf("fishing-2 AIS off %v", f2.AISOff)
	}
}

func TestAISOffset(t *testing.T) {
	s := RioGrande(testStart)
	sp := s.Target("spoofer-1")
	sn := s.Sensor("ais-rgv")
	if math.Hypot(sp.AISOffsetM[0], sp.AISOffsetM[1]) < 2000 {
		t.Fatalf("spoofer offset %v", sp.AISOffsetM)
	}
	n := 0
	for _, m := range collect(s, 8, 20*time.Minute) {
		if !strings.HasPrefix(m.Topic, "vigia/obs/ais/") {
			continue
		}
		d, ok := aisPos(t, m)
		if !ok || *d.ID.MMSI != sp.MMSI {
			continue
		}
		n++
		tr := truthOf(t, s, "spoofer-1", m.Time.Sub(testStart))
		f := newFrame(tr.Pos)
		e, nn, _ := f.enu(LLA{Lat: *d.Lat, Lon: *d.Lon})
		if math.Abs(e-sp.AISOffsetM[0]) > 5*sn.SigmaPosM+0.2 || math.Abs(nn-sp.AISOffsetM[1]) > 5*sn.SigmaPosM+0.2 {
			t.Fatalf("AIS %.1f m east, %.1f m north of the truth, want %v", e, nn, sp.AISOffsetM)
		}
	}
	if n < 100 {
		t.Errorf("only %d spoofer reports in 20 minutes", n)
	}
}

func TestCloneMMSI(t *testing.T) {
	s := RioGrande(testStart)
	clone := *s.Target("cargo-1")
	clone.ID, clone.Start, clone.Legs = "clone-1", LLA{Lat: 26.4, Lon: -96.9}, nil
	s.Targets = append(s.Targets, clone)
	if err := s.Validate(); err != nil {
		t.Fatalf("a clone MMSI must validate: %v", err)
	}
	near := map[bool]int{} // report near the clone's start?
	for _, m := range collect(s, 2, 2*time.Minute) {
		if !strings.HasPrefix(m.Topic, "vigia/obs/ais/") {
			continue
		}
		d, ok := aisPos(t, m)
		if ok && *d.ID.MMSI == clone.MMSI {
			near[haversine(LLA{Lat: *d.Lat, Lon: *d.Lon}, clone.Start) < 2000]++
		}
	}
	if near[true] != 12 || near[false] != 12 {
		t.Errorf("clone reports (near clone: count) %v, want 12 each", near)
	}
}

// assetMsg mirrors the SPEC §4 asset position.
type assetMsg struct {
	ID          *string  `json:"id"`
	Agency      *string  `json:"agency"`
	Kind        *string  `json:"kind"`
	Time        *string  `json:"time"`
	Lat         *float64 `json:"lat"`
	Lon         *float64 `json:"lon"`
	MaxSpeedMps *float64 `json:"max_speed_mps"`
	Available   *bool    `json:"available"`
}

func TestAssets(t *testing.T) {
	s := RioGrande(testStart)
	s.Assets[2].Period = 7 * time.Second
	last := map[string]time.Time{}
	count := map[string]int{}
	for _, m := range collectAll(s, 6, time.Hour) {
		if !strings.HasPrefix(m.Topic, "vigia/assets/") {
			continue
		}
		var a assetMsg
		d := json.NewDecoder(bytes.NewReader(m.Payload))
		d.DisallowUnknownFields()
		if err := d.Decode(&a); err != nil {
			t.Fatalf("%s: %v", m.Payload, err)
		}
		if a.ID == nil || a.Agency == nil || a.Kind == nil || a.Time == nil || a.Lat == nil || a.Lon == nil ||
			a.MaxSpeedMps == nil || a.Available == nil || !*a.Available {
			t.Fatalf("incomplete asset report %s", m.Payload)
		}
		i := slices.IndexFunc(s.Assets, func(x Asset) bool { return x.ID == *a.ID })
		if i < 0 {
			t.Fatalf("unknown asset %s", m.Payload)
		}
		as := s.Assets[i]
		if m.Topic != "vigia/assets/"+as.Agency+"/"+as.ID || *a.Agency != as.Agency || *a.Kind != string(as.Kind) ||
			*a.MaxSpeedMps != as.MaxSpeedMps {
			t.Fatalf("asset report %s on %s", m.Payload, m.Topic)
		}
		if tm, err := time.Parse(TimeLayout, *a.Time); err != nil || !tm.Equal(m.Time) {
			t.Fatalf("time %s, message at %v", *a.Time, m.Time)
		}
		truth := s.AssetsAt(m.Time)[i]
		if d := haversine(truth.Pos, LLA{Lat: *a.Lat, Lon: *a.Lon}); d > 0.2 {
			t.Fatalf("%s reported %.2f m from its true position", as.ID, d)
		}
		if prev, ok := last[as.ID]; ok {
			if m.Time.Sub(prev) != as.period() {
				t.Fatalf("%s: reports %v apart, want %v", as.ID, m.Time.Sub(prev), as.period())
			}
		} else if d := m.Time.Sub(testStart); d >= as.period() {
			t.Fatalf("%s: first report at %v", as.ID, d)
		}
		last[as.ID] = m.Time
		count[as.ID]++
	}
	want := map[string]int{"USCGC-RAYMOND-EVANS": 120, "SEMAR-INTERCEPTORA-1": 120, "STA-SOUTH-PADRE-RB-M": 514}
	for id, n := range want {
		if count[id] < n || count[id] > n+1 {
			t.Errorf("%s: %d reports in an hour, want %d", id, count[id], n)
		}
	}
	// The cutter patrols slowly around its start; the boats stay put.
	for d := time.Duration(0); d <= 9*time.Hour; d += time.Minute {
		for i, ts := range s.AssetsAt(testStart.Add(d)) {
			a := s.Assets[i]
			if dist := haversine(ts.Pos, a.Start); dist > 2800 || (a.SpeedMps == 0 && dist != 0) {
				t.Fatalf("%s %.0f m from its station at %v", a.ID, dist, d)
			}
		}
	}
	if c := s.AssetsAt(testStart.Add(9 * time.Hour))[0]; c.SpeedMps != 0 || haversine(c.Pos, s.Assets[0].Start) > 1 {
		t.Errorf("cutter does not end its patrol at its station: %+v", c)
	}
	// Phases depend on the seed; the stream on the seed only.
	first := func(seed uint64) []time.Duration {
		var out []time.Duration
		seen := map[string]bool{}
		for _, m := range collectAll(RioGrande(testStart), seed, time.Minute) {
			if strings.HasPrefix(m.Topic, "vigia/assets/") && !seen[m.Topic] {
				seen[m.Topic] = true
				out = append(out, m.Time.Sub(testStart))
			}
		}
		return out
	}
	if a, b := first(1), first(1); !slices.Equal(a, b) || len(a) != 3 {
		t.Errorf("asset phases %v, %v for the same seed", a, b)
	}
	if a, b := first(1), first(2); slices.Equal(a, b) {
		t.Errorf("asset phases %v do not depend on the seed", a)
	}
}

func TestDeterminismWithAssets(t *testing.T) {
	a := collectAll(RioGrande(testStart), 77, 20*time.Minute)
	b := collectAll(RioGrande(testStart), 77, 20*time.Minute)
	if len(a) != len(b) {
		t.Fatalf("%d vs %d messages", len(a), len(b))
	}
	assets := 0
	for i := range a {
		if !a[i].Time.Equal(b[i].Time) || a[i].Topic != b[i].Topic || !bytes.Equal(a[i].Payload, b[i].Payload) {
			t.Fatalf("message %d differs for the same seed:\n%s\n%s", i, a[i].Payload, b[i].Payload)
		}
		if strings.HasPrefix(a[i].Topic, "vigia/assets/") {
			assets++
		}
	}
	if assets != 3*40 {
		t.Errorf("%d asset reports in 20 minutes, want 120", assets)
	}
}

// sample calls f every step over the scripted part of s.
func sample(s *Scene, step time.Duration, f func(d time.Duration, tr []TruthState)) {
	for d := time.Duration(0); d <= s.Duration; d += step {
		f(d, s.Truth(s.Start.Add(d)))
	}
}

func TestRendezvousScript(t *testing.T) {
	s := RioGrande(testStart)
	const kn3 = 3 * knot
	run, best := time.Duration(0), time.Duration(0)
	slow := map[string]time.Duration{}
	sample(s, 5*time.Second, func(d time.Duration, tr []TruthState) {
		m, p := tr[slices.IndexFunc(tr, func(x TruthState) bool { return x.ID == "mothership-1" })],
			tr[slices.IndexFunc(tr, func(x TruthState) bool { return x.ID == "panga-1" })]
		if haversine(m.Pos, p.Pos) < 400 && m.SpeedMps < kn3 && p.SpeedMps < kn3 {
			run += 5 * time.Second
			best = max(best, run)
			if sep := haversine(m.Pos, p.Pos); sep < 200 || sep > 350 {
				t.Errorf("pair %0.f m apart at %v", sep, d)
			}
		} else {
			run = 0
		}
		for _, x := range []TruthState{m, p} {
			if x.SpeedMps < 2*knot {
				slow[x.ID] += 5 * time.Second
			}
		}
		// Far from any port: 25 km and more off the coast.
		if d >= rendezvousFrom && d < rendezvousTo && (m.Pos.Lon-(-97.15))*100e3 < 25000 {
			t.Errorf("rendezvous at %+v, not far offshore", m.Pos)
		}
	})
	if best < 19*time.Minute {
		t.Errorf("pair within 400 m and under 3 kn for %v, want 15 min and more", best)
	}
	for id, d := range slow {
		if d > 30*time.Minute {
			t.Errorf("%s under 2 kn for %v: it would loiter", id, d)
		}
	}
}

func TestLoitererScript(t *testing.T) {
	s := RioGrande(testStart)
	slow := time.Duration(0)
	sample(s, 10*time.Second, func(d time.Duration, tr []TruthState) {
		l := tr[slices.IndexFunc(tr, func(x TruthState) bool { return x.ID == "loiterer-1" })]
		if l.SpeedMps < 2*knot {
			slow += 10 * time.Second
		}
		if inAnchorage(l.Pos) || haversine(l.Pos, channelEntrance) < 25000 {
			t.Fatalf("loiterer near the port at %v", d)
		}
	})
	if slow < 65*time.Minute {
		t.Errorf("loiterer under 2 kn for %v, want >= 65 min", slow)
	}
}

// inAnchorage reports whether p is in the Brazos Santiago anchorage box.
func inAnchorage(p LLA) bool {
	return p.Lat >= anchorage[0].Lat && p.Lat <= anchorage[1].Lat && p.Lon >= anchorage[0].Lon && p.Lon <= anchorage[1].Lon
}

// coastLon is the approximate longitude of the coast at lat (South Padre
// Island north of the boundary, Tamaulipas south of it): the eastern end of
// the coast's range, so distances from it err on the short side.
const coastLon = -97.15

func TestLegitimateTraffic(t *testing.T) {
	s := RioGrande(testStart)
	if len(s.Legitimate) != 3 {
		t.Fatalf("legitimate %v", s.Legitimate)
	}
	for _, id := range s.Legitimate {
		tg := s.Target(id)
		if tg.MMSI == 0 || len(tg.AISOff) != 0 || tg.AISOffsetM != [2]float64{} || tg.MMSI/100000000 < 2 || tg.MMSI/100000000 > 7 {
			t.Errorf("%s is not plain, valid AIS traffic", id)
		}
	}
	stopped := map[string]time.Duration{}
	// Over twice the script: they do nothing remarkable afterwards either.
	for d := time.Duration(0); d <= 3*time.Hour; d += 10 * time.Second {
		for _, tr := range s.Truth(testStart.Add(d)) {
			if !slices.Contains(s.Legitimate, tr.ID) {
				continue
			}
			if tr.SpeedMps > 25*knot*0.9 {
				t.Fatalf("%s at %.1f m/s", tr.ID, tr.SpeedMps)
			}
			if inAnchorage(tr.Pos) {
				continue
			}
			_, n := radii(tr.Pos.Lat * deg)
			if off := (tr.Pos.Lon - coastLon) * deg * n * math.Cos(tr.Pos.Lat*deg); off < 1852 {
				t.Fatalf("%s %.0f m off the coast at %v, outside the anchorage", tr.ID, off, d)
			}
			if tr.SpeedMps < 2*knot {
				stopped[tr.ID] += 10 * time.Second
			}
		}
	}
	for id, d := range stopped {
		if d > 0 {
			t.Errorf("%s under 2 kn for %v outside the anchorage", id, d)
		}
	}
	// cargo-1 does anchor, inside the anchorage.
	if c := truthOf(t, s, "cargo-1", 3*time.Hour); c.SpeedMps != 0 || !inAnchorage(c.Pos) {
		t.Errorf("cargo-1 at 3 h: %+v", c)
	}
}

func TestSeparation(t *testing.T) {
	// Surface targets (and the spoofer's false AIS positions) stay 3 km
	// apart, but for the rendezvous pair.
	s := RioGrande(testStart)
	pair := func(a, b string) bool {
		return a+b == "mothership-1panga-1" || a+b == "panga-1mothership-1"
	}
	sample(s, 10*time.Second, func(d time.Duration, tr []TruthState) {
		type pt struct {
			id  string
			pos LLA
		}
		var pts []pt
		for _, x := range tr {
			if x.Class != ClassSurface {
				continue
			}
			pts = append(pts, pt{x.ID, x.Pos})
			if off := s.Target(x.ID).AISOffsetM; off != [2]float64{} {
				f := newFrame(x.Pos)
				pts = append(pts, pt{x.ID, f.lla(off[0], off[1], 0)})
			}
		}
		for i, a := range pts {
			for _, b := range pts[i+1:] {
				if a.id == b.id || pair(a.id, b.id) {
					continue
				}
				if dist := haversine(a.pos, b.pos); dist < 3000 {
					t.Fatalf("%s and %s %.0f m apart at %v", a.id, b.id, dist, d)
				}
			}
		}
	})
}

func TestCoverage(t *testing.T) {
	// Every target is in the aerostat's range (and
	// every AIS vessel in the receiver's) during the script, and the
	// rendezvous, loitering and AIS-gap cases in the coastal radar's.
	s := RioGrande(testStart)
	radar, tars, ais := s.Sensor("radar-brownsville"), s.Sensor("tars-rgv"), s.Sensor("ais-rgv")
	fr, ft, fa := newFrame(radar.Position), newFrame(tars.Position), newFrame(ais.Position)
	sample(s, 30*time.Second, func(d time.Duration, tr []TruthState) {
		for _, x := range tr {
			r, _, _ := fr.polar(x.Pos)
			a, _, _ := ft.polar(x.Pos)
			if x.Class == ClassAir && d > 30*time.Minute {
				continue // air-1 flies on north, long past the border
			}
			if a > tars.RangeM {
				t.Fatalf("%s out of the aerostat's range at %v", x.ID, d)
			}
			if x.MMSI != 0 {
				if e, n, _ := fa.enu(x.Pos); math.Hypot(e, n) > ais.RangeM-3000 {
					t.Fatalf("%s out of AIS range at %v", x.ID, d)
				}
			}
			switch x.ID {
			case "loiterer-1", "fishing-2", "spoofer-1", "invalid-mmsi-1":
			case "mothership-1", "panga-1":
				if d > rendezvousTo {
					continue
				}
			default:
				continue
			}
			if r > radar.RangeM-2000 {
				t.Fatalf("%s out of the coastal radar's range at %v (%.0f m)", x.ID, d, r)
			}
		}
	})
}

func TestBehaviours(t *testing.T) {
	s := RioGrande(testStart)
	rules := map[string]bool{}
	scripted := map[string]bool{}
	for _, b := range s.Behaviours {
		rules[b.Rule] = true
		scripted[b.Target] = true
		if b.After < 0 || b.After > s.Duration-10*time.Minute {
			t.Errorf("%s/%s: After %v outside the script", b.Rule, b.Target, b.After)
		}
		if len(b.Agencies) == 0 || !slices.IsSorted(b.Agencies) || b.Note == "" {
			t.Errorf("%s/%s: agencies %v, note %q", b.Rule, b.Target, b.Agencies, b.Note)
		}
		for _, a := range b.Agencies {
			if a != "uscg" && a != "semar" {
				t.Errorf("%s/%s: agency %s", b.Rule, b.Target, a)
			}
		}
		// Cases 20 km and more north of the boundary go to the USCG only.
		tr := truthOf(t, s, b.Target, b.After)
		north := (meridianArc(tr.Pos.Lat*deg) - meridianArc(boundaryLat*deg))
		if north > 20000 && !slices.Equal(b.Agencies, []string{"uscg"}) {
			t.Errorf("%s/%s: %.0f km north of the boundary, agencies %v", b.Rule, b.Target, north/1000, b.Agencies)
		}
		if math.Abs(north) < 18520 && len(b.Agencies) != 2 {
			t.Errorf("%s/%s: within 10 nm of the boundary, agencies %v", b.Rule, b.Target, b.Agencies)
		}
	}
	for _, r := range []string{"dark_vessel", "identity_mismatch", "go_fast", "zone_entry", "coast_approach",
		"rendezvous", "loitering", "ais_gap", "low_slow_aircraft"} {
		if !rules[r] {
			t.Errorf("no behaviour scripts %s", r)
		}
	}
	for _, tg := range s.Targets {
		if scripted[tg.ID] == slices.Contains(s.Legitimate, tg.ID) {
			t.Errorf("%s: scripted %v, legitimate %v", tg.ID, scripted[tg.ID], !scripted[tg.ID])
		}
		// Dark surface targets are dark vessels.
		if tg.Class == ClassSurface && tg.MMSI == 0 && !slices.ContainsFunc(s.Behaviours, func(b Behaviour) bool {
			return b.Target == tg.ID && b.Rule == "dark_vessel"
		}) {
			t.Errorf("%s is dark but no dark_vessel behaviour names it", tg.ID)
		}
	}
	// Script times hold: the go-fast is > 20 kn and less than 30 min from
	// US waters when confirmed; fishing-2's AIS stops at fishing2Off; the
	// invalid MMSI is invalid.
	gf := truthOf(t, s, "gofast-1", confirmTime)
	if gf.SpeedMps < 20*knot || gf.Pos.Lat >= boundaryLat {
		t.Errorf("gofast-1 at confirmation: %+v", gf)
	}
	if ts := truthOf(t, s, "gofast-1", 29*time.Minute); ts.Pos.Lat < boundaryLat+0.02 {
		t.Errorf("gofast-1 not in US waters 29 minutes after confirmation: %+v", ts)
	}
	if m := s.Target("invalid-mmsi-1").MMSI; m/100000000 >= 2 && m/100000000 <= 7 {
		t.Errorf("invalid-mmsi-1 MMSI %d looks valid", m)
	}
}
