package sim

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/vigia-project/vigia/sensors"
	"github.com/vigia-project/vigia/sensors/nmea"
)

var testStart = time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)

// payload mirrors the native JSON sensor report (SPEC §3) with pointers, so
// a test can tell a missing field from a zero.
type payload struct {
	Sensor     *string      `json:"sensor"`
	Time       *string      `json:"time"`
	Seq        *uint64      `json:"seq"`
	Platform   *platformPos `json:"platform"`
	Detections *[]detection `json:"detections"`
}

type platformPos struct {
	Lat  *float64 `json:"lat"`
	Lon  *float64 `json:"lon"`
	AltM *float64 `json:"alt_m"`
}

type detection struct {
	RangeM       *float64 `json:"range_m"`
	BearingDeg   *float64 `json:"bearing_deg"`
	ElevationDeg *float64 `json:"elevation_deg"`
	Lat          *float64 `json:"lat"`
	Lon          *float64 `json:"lon"`
	SigmaM       *float64 `json:"sigma_m"`
	SpeedMps     *float64 `json:"speed_mps"`
	CourseDeg    *float64 `json:"course_deg"`
	ID           *struct {
		MMSI *uint32 `json:"mmsi"`
		Name *string `json:"name"`
	} `json:"id"`
}

// decode decodes a JSON report; an NMEA AIS message becomes the payload a
// JSON gateway would have sent (no seq, no name; no detections for static
// data).
func decode(t *testing.T, m Message) payload {
	t.Helper()
	if len(m.Payload) > 0 && (m.Payload[0] == '\\' || m.Payload[0] == '!') {
		return nmeaPayload(t, m)
	}
	var p payload
	d := json.NewDecoder(bytes.NewReader(m.Payload))
	d.DisallowUnknownFields()
	if err := d.Decode(&p); err != nil {
		t.Fatalf("%s: invalid payload %s: %v", m.Topic, m.Payload, err)
	}
	return p
}

// aisReports decodes an NMEA AIS message with Vigia's decoder (a fresh
// one: no static data cached), which must take it whole: one report, its
// time from the tag block equal to the message time.
func aisReports(t *testing.T, m Message) sensors.Report {
	t.Helper()
	sensor := m.Topic[strings.LastIndexByte(m.Topic, '/')+1:]
	d := nmea.NewDecoder(nmea.Options{Sensor: sensor})
	reps, errs := d.Decode(nil, m.Payload, m.Time.Add(time.Hour))
	if len(errs) > 0 || len(reps) != 1 {
		t.Fatalf("%s: %q: %d reports, errors %v", m.Topic, m.Payload, len(reps), errs)
	}
	r := reps[0]
	if !r.TimeFromPayload || !r.Time.Equal(m.Time) || r.Sensor != sensor || len(r.Detections) != 1 || r.Detections[0].ID == nil {
		t.Fatalf("%s: %q: report %+v", m.Topic, m.Payload, r)
	}
	return r
}

// nmeaPayload is decode for NMEA AIS messages.
func nmeaPayload(t *testing.T, m Message) payload {
	t.Helper()
	r := aisReports(t, m)
	sensor, tm := r.Sensor, r.Time.Format(TimeLayout)
	dets := []detection{}
	if r.Kind == sensors.KindObservation {
		x := r.Detections[0]
		d := detection{Lat: &x.Lat, Lon: &x.Lon, SigmaM: &x.SigmaM}
		if x.HasVelocity {
			d.SpeedMps, d.CourseDeg = &x.Speed, &x.Course
		}
		d.ID = &struct {
			MMSI *uint32 `json:"mmsi"`
			Name *string `json:"name"`
		}{MMSI: &x.ID.MMSI}
		dets = append(dets, d)
	}
	return payload{Sensor: &sensor, Time: &tm, Detections: &dets}
}

// aisPos returns the position report of an AIS message; false for static data.
func aisPos(t *testing.T, m Message) (detection, bool) {
	t.Helper()
	p := decode(t, m)
	if len(*p.Detections) == 0 {
		return detection{}, false
	}
	return (*p.Detections)[0], true
}

// collect returns the sensor reports (not the asset positions) of the
// first dur of scene time.
func collect(s *Scene, seed uint64, dur time.Duration) []Message {
	var out []Message
	for _, m := range collectAll(s, seed, dur) {
		if !strings.HasPrefix(m.Topic, "vigia/assets/") {
			out = append(out, m)
		}
	}
	return out
}

// collectAll returns every message of the first dur of scene time.
func collectAll(s *Scene, seed uint64, dur time.Duration) []Message {
	g := mustGenerator(s, seed, "vigia/")
	var out []Message
	for {
		m := g.Next()
		if m.Time.Sub(s.Start) >= dur {
			return out
		}
		out = append(out, m)
	}
}

func TestDeterminism(t *testing.T) {
	first := func(seed uint64, start time.Time) []Message {
		g := mustGenerator(RioGrande(start), seed, "vigia/")
		out := make([]Message, 2000)
		for i := range out {
			out[i] = g.Next()
		}
		return out
	}
	a, b := first(42, testStart), first(42, testStart)
	for i := range a {
		if !a[i].Time.Equal(b[i].Time) || a[i].Topic != b[i].Topic || !bytes.Equal(a[i].Payload, b[i].Payload) {
			t.Fatalf("message %d differs for the same seed:\n%s\n%s", i, a[i].Payload, b[i].Payload)
		}
	}
	c := first(43, testStart)
	differ := 0
	for i := range a {
		if !bytes.Equal(a[i].Payload, c[i].Payload) {
			differ++
		}
	}
	if differ < len(a)/2 {
		t.Errorf("seeds 42 and 43 differ in only %d of %d messages", differ, len(a))
	}
}

func TestOrdering(t *testing.T) {
	g := mustGenerator(RioGrande(testStart), 7, "vigia/")
	prev := testStart
	for i := range 20000 {
		m := g.Next()
		if m.Time.Before(prev) {
			t.Fatalf("message %d at %v goes back from %v", i, m.Time, prev)
		}
		prev = m.Time
	}
	if prev.Sub(testStart) < 4*time.Hour {
		t.Errorf("20000 messages span only %v", prev.Sub(testStart))
	}
}

func TestTieBreak(t *testing.T) {
	s := RioGrande(testStart)
	s.Sensors = []Sensor{s.Sensors[0], s.Sensors[0], s.Sensors[1]}
	s.Assets = nil // their phases are random
	s.Sensors[0].ID, s.Sensors[1].ID = "b-radar", "a-radar"
	for i := range s.Sensors {
		s.Sensors[i].Period, s.Sensors[i].Phase = time.Second, 0
	}
	g := mustGenerator(s, 1, "vigia/")
	var order []string
	for i := range 6 {
		m := g.Next()
		if want := testStart.Add(time.Duration(i/3) * time.Second); !m.Time.Equal(want) {
			t.Fatalf("message %d at %v, want %v", i, m.Time, want)
		}
		order = append(order, m.Topic[strings.LastIndexByte(m.Topic, '/')+1:])
	}
	// Equal times go in scene order, not by name.
	want := "b-radar a-radar tars-rgv b-radar a-radar tars-rgv"
	if got := strings.Join(order, " "); got != want {
		t.Errorf("order = %q, want %q", got, want)
	}
}

func TestPayloads(t *testing.T) {
	s := RioGrande(testStart)
	msgs := collect(s, 3, time.Hour)
	lastSeq := map[string]uint64{}
	perKind := map[Kind]int{}
	for _, m := range msgs {
		if strings.HasPrefix(m.Topic, "vigia/obs/ais/") {
			// NMEA (format change): checked by aisReports, one AIS message
			// a payload, its tag block time the message time.
			r := aisReports(t, m)
			if r.Kind == sensors.KindObservation {
				perKind[KindAIS]++
			}
			continue
		}
		p := decode(t, m)
		if bytes.Contains(m.Payload, []byte(`"class"`)) {
			t.Fatalf("no simulated sensor tags a class: %s", m.Payload)
		}
		if p.Sensor == nil || p.Time == nil || p.Seq == nil || p.Detections == nil {
			t.Fatalf("missing sensor/time/seq/detections: %s", m.Payload)
		}
		sn := s.Sensor(*p.Sensor)
		if sn == nil {
			t.Fatalf("unknown sensor %q", *p.Sensor)
		}
		perKind[sn.Kind]++
		if want := "vigia/obs/" + string(sn.Kind) + "/" + sn.ID; m.Topic != want {
			t.Fatalf("topic %q, want %q", m.Topic, want)
		}
		tm, err := time.Parse(TimeLayout, *p.Time)
		if err != nil || !tm.Equal(m.Time) || len(*p.Time) != len(TimeLayout) {
			t.Fatalf("time %q does not match message time %v (%v)", *p.Time, m.Time, err)
		}
		if *p.Seq != lastSeq[sn.ID]+1 {
			t.Fatalf("%s: seq %d after %d", sn.ID, *p.Seq, lastSeq[sn.ID])
		}
		lastSeq[sn.ID] = *p.Seq
		if (p.Platform != nil) != (sn.Kind == KindAircraft) {
			t.Fatalf("%s: platform present = %v", sn.ID, p.Platform != nil)
		}
		if p.Platform != nil && (p.Platform.Lat == nil || p.Platform.Lon == nil || p.Platform.AltM == nil) {
			t.Fatalf("incomplete platform: %s", m.Payload)
		}
		for _, d := range *p.Detections {
			if sn.Kind == KindAIS {
				if len(*p.Detections) != 1 || d.Lat == nil || d.Lon == nil || d.SigmaM == nil || *d.SigmaM != 10 ||
					d.SpeedMps == nil || d.CourseDeg == nil || d.ID == nil || d.ID.MMSI == nil || d.ID.Name == nil ||
					d.RangeM != nil || d.BearingDeg != nil {
					t.Fatalf("bad AIS report: %s", m.Payload)
				}
				if *d.CourseDeg < 0 || *d.CourseDeg >= 360 {
					t.Fatalf("course out of [0,360): %s", m.Payload)
				}
				continue
			}
			if d.RangeM == nil || d.BearingDeg == nil || d.Lat != nil || d.Lon != nil || d.ID != nil {
				t.Fatalf("%s: not a polar plot: %s", sn.ID, m.Payload)
			}
			if (d.ElevationDeg != nil) != (sn.Kind == KindAerostat) {
				t.Fatalf("%s: elevation present = %v", sn.ID, d.ElevationDeg != nil)
			}
			if *d.BearingDeg < 0 || *d.BearingDeg >= 360 || *d.RangeM <= 0 || *d.RangeM > sn.RangeM+5*sn.SigmaRangeM {
				t.Fatalf("%s: plot out of bounds: %s", sn.ID, m.Payload)
			}
			if r := *d.RangeM * 10; r != math.Round(r) {
				t.Fatalf("range not rounded to 0.1 m: %v", *d.RangeM)
			}
		}
	}
	// One hour: radar 1440 scans, aerostat 360, aircraft 720, AIS position
	// reports at least cargo+tanker at 360 each.
	want := map[Kind]int{KindRadar: 1440, KindAerostat: 360, KindAircraft: 720, KindAIS: 720}
	for k, n := range want {
		if perKind[k] < n {
			t.Errorf("%s: %d messages in an hour, want >= %d", k, perKind[k], n)
		}
	}
}

// nearPlot reports whether dets holds a plot within 5σ of (rg, br).
func nearPlot(dets []detection, sn *Sensor, rg, br float64) bool {
	for _, d := range dets {
		db := math.Abs(*d.BearingDeg - br)
		db = math.Min(db, 360-db)
		if math.Abs(*d.RangeM-rg) <= 5*sn.SigmaRangeM && db <= 5*sn.SigmaBearingDeg {
			return true
		}
	}
	return false
}

func TestGoFastSeenByCoastalRadar(t *testing.T) {
	for seed := range uint64(20) {
		s := RioGrande(testStart)
		sn := s.Sensor("radar-brownsville")
		f := newFrame(sn.Position)
		found := false
		for _, m := range collect(s, seed, 10*time.Second) {
			p := decode(t, m)
			if *p.Sensor != sn.ID {
				continue
			}
			gf := s.Truth(m.Time)[0]
			if gf.ID != "gofast-1" {
				t.Fatal("truth order")
			}
			rg, br, _ := f.polar(gf.Pos)
			if nearPlot(*p.Detections, sn, rg, br) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("seed %d: radar-brownsville did not detect gofast-1 in the first 10 s", seed)
		}
	}
}

func TestDetectionRates(t *testing.T) {
	// Over an hour each sensor detects what it should at about its Pd, and
	// only the aerostat and coastal radar see air-1.
	s := RioGrande(testStart)
	type key struct{ sensor, target string }
	hits, chances := map[key]int{}, map[key]int{}
	for _, m := range collect(s, 11, time.Hour) {
		p := decode(t, m)
		sn := s.Sensor(*p.Sensor)
		if sn.Kind == KindAIS {
			continue
		}
		plat := s.PlatformAt(sn, m.Time)
		f := newFrame(plat)
		for _, tr := range s.Truth(m.Time) {
			rg, br, el := f.polar(tr.Pos)
			if rg > sn.RangeM-5*sn.SigmaRangeM {
				continue
			}
			k := key{sn.ID, tr.ID}
			chances[k]++
			if nearPlot(*p.Detections, sn, rg, br) {
				hits[k]++
			}
			if sn.Elevation && tr.Class == ClassAir {
				for _, d := range *p.Detections {
					if math.Abs(*d.RangeM-rg) < 5*sn.SigmaRangeM && math.Abs(*d.ElevationDeg-el) > 5*sn.SigmaElevationDeg &&
						math.Abs(*d.BearingDeg-br) < 5*sn.SigmaBearingDeg {
						t.Fatalf("air-1 elevation %v, want %v", *d.ElevationDeg, el)
					}
				}
			}
		}
	}
	for k, n := range chances {
		sn, tg := s.Sensor(k.sensor), s.Target(k.target)
		pd := sn.PdSurface
		if tg.Class == ClassAir {
			pd = sn.PdAir
		}
		rate := float64(hits[k]) / float64(n)
		// Clutter can add a chance match, so allow a little above Pd.
		t.Logf("%s %s %.3f n=%d", k.sensor, k.target, rate, n)
		if n >= 50 && (rate < pd-0.08 || rate > pd+0.08) {
			t.Errorf("%s sees %s %.2f of %d scans, Pd %.2f", k.sensor, k.target, rate, n, pd)
		}
	}
	if chances[key{"tars-rgv", "air-1"}] < 100 || chances[key{"radar-brownsville", "air-1"}] < 50 {
		t.Errorf("air-1 not in coverage of the aerostat and coastal radar: %v", chances)
	}
}

func TestAISOnlyForAISVessels(t *testing.T) {
	s := RioGrande(testStart)
	sn := s.Sensor("ais-rgv")
	last := map[string]time.Time{}
	for _, m := range collect(s, 5, time.Hour) {
		if !strings.HasPrefix(m.Topic, "vigia/obs/ais/") {
			continue
		}
		d, ok := aisPos(t, m)
		if !ok {
			continue
		}
		// The vessel carrying the MMSI whose (offset) position is nearest.
		var tr *TruthState
		best := math.Inf(1)
		for _, ts := range s.Truth(m.Time) {
			if ts.MMSI != *d.ID.MMSI {
				continue
			}
			off := s.Target(ts.ID).AISOffsetM
			f := newFrame(ts.Pos)
			e, n, _ := f.enu(LLA{Lat: *d.Lat, Lon: *d.Lon})
			if r := math.Hypot(e-off[0], n-off[1]); r < best {
				tr, best = &ts, r
			}
		}
		if tr == nil {
			t.Fatalf("AIS report for MMSI %d, which no AIS vessel carries", *d.ID.MMSI)
		}
		tg := s.Target(tr.ID)
		if tr.ID == "gofast-1" || tr.ID == "air-1" {
			t.Fatalf("AIS report for %s", tr.ID)
		}
		// NMEA positions are rounded to 1/10000 minute (≤ 0.1 m).
		if best > 5*sn.SigmaPosM*math.Sqrt2+0.2 {
			t.Fatalf("%s: AIS position %.1f m from truth + offset", tr.ID, best)
		}
		for _, iv := range tg.AISOff {
			if iv.Contains(m.Time.Sub(testStart)) {
				t.Fatalf("%s: AIS report at %v while switched off", tr.ID, m.Time.Sub(testStart))
			}
		}
		// NMEA carries 0.1 kn and 0.1°.
		if math.Abs(*d.SpeedMps-tr.SpeedMps) > 0.03 || math.Abs(*d.CourseDeg-tr.CourseDeg) > 0.051 {
			t.Fatalf("%s: AIS speed/course %v/%v, truth %v/%v", tr.ID, *d.SpeedMps, *d.CourseDeg, tr.SpeedMps, tr.CourseDeg)
		}
		if prev, ok := last[tr.ID]; ok {
			// An NMEA gateway forwards every transmission: ITU rates.
			was := truthOf(t, s, tr.ID, prev.Sub(testStart))
			want := AISReportInterval(tg.AISClass, was.SpeedMps)
			if m.Time.Sub(prev) != want {
				t.Fatalf("%s: reports %v apart, want %v", tr.ID, m.Time.Sub(prev), want)
			}
		}
		last[tr.ID] = m.Time
	}
	// Every AIS vessel is heard, fishing-2 (AIS off after 10 minutes) too.
	want := 0
	for _, tg := range s.Targets {
		if tg.MMSI != 0 {
			want++
		}
	}
	if len(last) != want || want != 6 {
		t.Errorf("AIS heard %d vessels, want %d (6)", len(last), want)
	}
	if d := last["fishing-2"].Sub(testStart); d >= fishing2Off || d < fishing2Off-10*time.Second {
		t.Errorf("fishing-2's last AIS report at %v, want just before %v", d, fishing2Off)
	}
	offsets := map[time.Duration]bool{}
	for _, tm := range last {
		offsets[tm.Sub(testStart)%time.Second] = true
	}
	if len(offsets) != want {
		t.Errorf("AIS vessels share transmission slots: %v", offsets)
	}
}

func TestAircraftOrbit(t *testing.T) {
	s := RioGrande(testStart)
	sn := s.Sensor("pa-uscg-2311")
	centre := newFrame(LLA{Lat: sn.Position.Lat, Lon: sn.Position.Lon})
	var pe, pn float64
	var prev time.Time
	n, swept := 0, 0.0
	for _, m := range collect(s, 1, 20*time.Minute) {
		p := decode(t, m)
		if p.Platform == nil {
			continue
		}
		if *p.Platform.AltM != 2500 {
			t.Fatalf("altitude %v", *p.Platform.AltM)
		}
		e, nn, _ := centre.enu(LLA{Lat: *p.Platform.Lat, Lon: *p.Platform.Lon, Alt: 0})
		if r := math.Hypot(e, nn); math.Abs(r-18000) > 30 {
			t.Fatalf("aircraft %.0f m from the orbit centre", r)
		}
		if n > 0 {
			if dt := m.Time.Sub(prev); dt != 5*time.Second {
				t.Fatalf("aircraft reports %v apart", dt)
			}
			step := math.Hypot(e-pe, nn-pn)
			if math.Abs(step-550) > 5 {
				t.Fatalf("aircraft moved %.1f m in 5 s, want 550", step)
			}
			// Counter-clockwise: positive cross product.
			cross := pe*nn - pn*e
			if cross <= 0 {
				t.Fatal("aircraft is not flying counter-clockwise")
			}
			swept += math.Asin(cross / (18000 * 18000))
		}
		pe, pn, prev = e, nn, m.Time
		n++
	}
	// 20 min at 110 m/s on an 18 km radius: 1.17 turns.
	if turns := swept / (2 * math.Pi); math.Abs(turns-1.167) > 0.01 {
		t.Errorf("aircraft flew %.3f turns, want 1.167", turns)
	}
}

func TestTruth(t *testing.T) {
	s := RioGrande(testStart)
	at := func(d time.Duration, id string) TruthState {
		for _, ts := range s.Truth(testStart.Add(d)) {
			if ts.ID == id {
				return ts
			}
		}
		t.Fatalf("no truth for %s", id)
		return TruthState{}
	}
	g0 := at(0, "gofast-1")
	if g0.Pos != (LLA{Lat: 25.84, Lon: -97.06}) || g0.SpeedMps != 17 || g0.CourseDeg != 355 {
		t.Fatalf("gofast start %+v", g0)
	}
	turn := 25000.0 / 17
	before := at(time.Duration((turn-1)*float64(time.Second)), "gofast-1")
	after := at(time.Duration((turn+1)*float64(time.Second)), "gofast-1")
	if before.SpeedMps != 17 || after.SpeedMps != 10 || after.CourseDeg != 20 {
		t.Fatalf("gofast turn: before %+v after %+v", before, after)
	}
	_, run := rhumbInverse(g0.Pos, before.Pos)
	if math.Abs(run-(25000-17)) > 1 {
		t.Errorf("gofast ran %.1f m before its turn", run)
	}
	// It crosses into US waters (25.96 N) at the zone_entry behaviour time.
	var entry Behaviour
	for _, b := range s.Behaviours {
		if b.Rule == "zone_entry" {
			entry = b
		}
	}
	if lat := at(entry.After-2*time.Second, "gofast-1").Pos.Lat; lat >= boundaryLat {
		t.Errorf("gofast already at %.5f N before zone_entry", lat)
	}
	if lat := at(entry.After, "gofast-1").Pos.Lat; lat < boundaryLat {
		t.Errorf("gofast still at %.5f N at zone_entry", lat)
	}
	// cargo-1 anchors at the channel entrance.
	c := at(3*time.Hour, "cargo-1")
	if d := haversine(c.Pos, channelEntrance); c.SpeedMps != 0 || d > 1 {
		t.Errorf("cargo-1 after 3 h: %+v, %.1f m from the channel entrance", c, d)
	}
	// Speeds are true ground speeds.
	a1, a2 := at(10*time.Minute, "air-1"), at(11*time.Minute, "air-1")
	if d := haversine(a1.Pos, a2.Pos); math.Abs(d-3600) > 0.02*3600 {
		t.Errorf("air-1 flew %.1f m in a minute", d)
	}
	if a1.Pos.Alt != 300 {
		t.Errorf("air-1 altitude %v", a1.Pos.Alt)
	}
}

// haversine is an independent spherical check of the ellipsoidal geometry.
func haversine(a, b LLA) float64 {
	const r = 6371008.8
	la1, la2 := a.Lat*deg, b.Lat*deg
	dla, dlo := la2-la1, (b.Lon-a.Lon)*deg
	h := math.Sin(dla/2)*math.Sin(dla/2) + math.Cos(la1)*math.Cos(la2)*math.Sin(dlo/2)*math.Sin(dlo/2)
	return 2 * r * math.Asin(math.Sqrt(h))
}

func TestGeometry(t *testing.T) {
	radar := LLA{Lat: 26.0725, Lon: -97.1675, Alt: 30}
	f := newFrame(radar)
	for _, c := range []struct {
		to          LLA
		dist, brg   float64 // spherical reference
		elevPositve bool
	}{
		{LLA{Lat: 25.84, Lon: -97.06}, 0, 0, false},
		{LLA{Lat: 26.4, Lon: -97.1675}, 0, 0, false},
		{LLA{Lat: 26.0725, Lon: -96.8, Alt: 3000}, 0, 0, true},
	} {
		rg, br, el := f.polar(c.to)
		d := math.Hypot(haversine(radar, c.to), c.to.Alt-radar.Alt)
		la1, la2 := radar.Lat*deg, c.to.Lat*deg
		dlo := (c.to.Lon - radar.Lon) * deg
		b := wrap360(math.Atan2(math.Sin(dlo)*math.Cos(la2), math.Cos(la1)*math.Sin(la2)-math.Sin(la1)*math.Cos(la2)*math.Cos(dlo)) / deg)
		db := math.Abs(br - b)
		if math.Abs(rg-d)/d > 0.005 || math.Min(db, 360-db) > 0.2 || (el > 0) != c.elevPositve {
			t.Errorf("to %+v: polar %.1f m %.3f° %.3f°, spherical %.1f m %.3f°", c.to, rg, br, el, d, b)
		}
	}
	// Round trips.
	p := LLA{Lat: 25.9, Lon: -97.3, Alt: 600}
	if q := fromECEF(toECEF(p)); math.Abs(q.Lat-p.Lat) > 1e-9 || math.Abs(q.Lon-p.Lon) > 1e-9 || math.Abs(q.Alt-p.Alt) > 1e-3 {
		t.Errorf("ECEF round trip %+v -> %+v", p, q)
	}
	for _, course := range []float64{0, 45, 90, 190, 270, 359} {
		q := rhumbDest(p, course, 50000)
		c, d := rhumbInverse(p, q)
		dc := math.Abs(c - course)
		if math.Min(dc, 360-dc) > 1e-6 || math.Abs(d-50000) > 1e-3 {
			t.Errorf("rhumb %v° 50 km: back %v° %v m", course, c, d)
		}
	}
}

func TestValidate(t *testing.T) {
	if err := RioGrande(testStart).Validate(); err != nil {
		t.Fatalf("built-in scene: %v", err)
	}
	for name, mod := range map[string]func(*Scene){
		"no sensors":   func(s *Scene) { s.Sensors = nil },
		"zero period":  func(s *Scene) { s.Sensors[0].Period = 0 },
		"dup sensor":   func(s *Scene) { s.Sensors[1].ID = s.Sensors[0].ID },
		"bad pd":       func(s *Scene) { s.Sensors[1].PdSurface = 1.5 },
		"no orbit":     func(s *Scene) { s.Sensors[2].Orbit = nil },
		"ais only":     func(s *Scene) { s.Sensors = s.Sensors[3:] },
		"bad class":    func(s *Scene) { s.Targets[0].Class = "boat" },
		"legs order":   func(s *Scene) { s.Targets[0].Legs = []Leg{{AfterM: 5}, {AfterM: 1}} },
		"behaviour to": func(s *Scene) { s.Behaviours[0].Target = "nobody" },
		"at and after": func(s *Scene) { s.Targets[0].Legs = []Leg{{AfterM: 5, At: time.Minute}} },
		"at order":     func(s *Scene) { s.Targets[0].Legs = []Leg{{At: 2 * time.Minute}, {At: time.Minute}} },
		"at in hold": func(s *Scene) {
			s.Targets[0].Legs = []Leg{{At: time.Minute, Hold: time.Minute, SpeedMps: 1}, {At: 90 * time.Second}}
		},
		"after behind at": func(s *Scene) {
			// 17 m/s for a minute: 1020 m run when the timed leg begins.
			s.Targets[0].Legs = []Leg{{At: time.Minute, CourseDeg: 1, SpeedMps: 17}, {AfterM: 1000}}
		},
		"negative hold":     func(s *Scene) { s.Targets[0].Legs = []Leg{{AfterM: 5, Hold: -time.Second}} },
		"nan course":        func(s *Scene) { s.Targets[0].Legs = []Leg{{AfterM: 5, CourseDeg: math.NaN()}} },
		"ais off no mmsi":   func(s *Scene) { s.Targets[0].AISOff = []Interval{{From: time.Minute}} },
		"ais off order":     func(s *Scene) { s.Targets[1].AISOff = []Interval{{From: 2 * time.Minute, To: time.Minute}} },
		"offset no mmsi":    func(s *Scene) { s.Targets[0].AISOffsetM = [2]float64{100, 0} },
		"offset nan":        func(s *Scene) { s.Targets[1].AISOffsetM = [2]float64{math.NaN(), 0} },
		"dup asset":         func(s *Scene) { s.Assets[1].ID = s.Assets[0].ID },
		"asset id slash":    func(s *Scene) { s.Assets[0].ID = "a/b" },
		"asset agency":      func(s *Scene) { s.Assets[0].Agency = "" },
		"asset kind":        func(s *Scene) { s.Assets[0].Kind = "submarine" },
		"asset max speed":   func(s *Scene) { s.Assets[0].MaxSpeedMps = 0 },
		"asset too fast":    func(s *Scene) { s.Assets[1].SpeedMps = 30 },
		"asset leg fast":    func(s *Scene) { s.Assets[0].Legs[0].SpeedMps = 15 },
		"asset period":      func(s *Scene) { s.Assets[0].Period = time.Microsecond },
		"legitimate gone":   func(s *Scene) { s.Legitimate = append(s.Legitimate, "nobody") },
		"legitimate alerts": func(s *Scene) { s.Legitimate = append(s.Legitimate, "gofast-1") },
	} {
		s := RioGrande(testStart)
		mod(s)
		if s.Validate() == nil {
			t.Errorf("%s: Validate accepted the scene", name)
		}
	}
}

func TestGeneratorOwnsItsScene(t *testing.T) {
	s := RioGrande(testStart)
	g1 := mustGenerator(s, 9, "vigia/")
	s.Targets[0].SpeedMps = 99
	s.Sensors[2].Orbit.RadiusM = 1
	s.Assets[0].Legs[0].SpeedMps = 1
	s.Assets[1].ID = "X"
	g2 := mustGenerator(RioGrande(testStart), 9, "vigia/")
	for i := range 500 {
		a, b := g1.Next(), g2.Next()
		if !bytes.Equal(a.Payload, b.Payload) {
			t.Fatalf("message %d changed after the scene was edited", i)
		}
	}
}

func BenchmarkGeneratorNext(b *testing.B) {
	g := mustGenerator(RioGrande(testStart), 1, "vigia/")
	b.ReportAllocs()
	for b.Loop() {
		g.Next()
	}
}

func mustGenerator(s *Scene, seed uint64, prefix string) *Generator {
	g, err := NewGenerator(s, seed, prefix)
	if err != nil {
		panic(err) // test scenes are code
	}
	return g
}
