package sim

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigia-project/vigia/sensors"
	"github.com/vigia-project/vigia/sensors/adsb"
	"github.com/vigia-project/vigia/sensors/nmea"
)

func TestDeterminismAllScenes(t *testing.T) {
	for _, name := range SceneNames() {
		s, err := Named(name, testStart)
		if err != nil {
			t.Fatal(err)
		}
		a := collectAll(s, 42, 15*time.Minute)
		b := collectAll(s, 42, 15*time.Minute)
		c := collectAll(s, 43, 15*time.Minute)
		if len(a) != len(b) || len(a) < 1000 {
			t.Fatalf("%s: %d vs %d messages", name, len(a), len(b))
		}
		differ := 0
		for i := range a {
			if !a[i].Time.Equal(b[i].Time) || a[i].Topic != b[i].Topic || !bytes.Equal(a[i].Payload, b[i].Payload) {
				t.Fatalf("%s: message %d differs for the same seed:\n%s\n%s", name, i, a[i].Payload, b[i].Payload)
			}
			if i < len(c) && !bytes.Equal(a[i].Payload, c[i].Payload) {
				differ++
			}
		}
		if differ < len(a)/3 {
			t.Errorf("%s: seeds 42 and 43 differ in only %d of %d messages", name, differ, len(a))
		}
	}
	if _, err := Named("atlantis", testStart); err == nil {
		t.Error("Named accepted an unknown scene")
	}
}

// TestAISNMEA decodes every AIS message of the Tijuana scene (class A and B)
// with Vigia's NMEA decoder, as the daemon does: positions carry the right
// MMSI and the true (noisy) position, reports come at the ITU rates of the
// vessel's class and speed, static data every 6 minutes (type 5, or 24 A
// then B a second later) with the vessel's name, call sign and dimensions.
func TestAISNMEA(t *testing.T) {
	s := Tijuana(testStart)
	sn := s.Sensor("ais-sd")
	d := nmea.NewDecoder(nmea.Options{Sensor: sn.ID})
	var types [64]uint64
	lastPos := map[uint32]time.Time{}
	lastStatic := map[uint32][]time.Time{}
	names := map[uint32]string{}
	for _, m := range collect(s, 9, 40*time.Minute) {
		if m.Topic != "vigia/obs/ais/ais-sd" {
			continue
		}
		if !bytes.HasSuffix(m.Payload, []byte("\r\n")) || !bytes.HasPrefix(m.Payload, []byte(`\s:ais-sd,c:`+strconv.FormatInt(m.Time.UnixMilli(), 10)+"*")) {
			t.Fatalf("payload %q", m.Payload)
		}
		reps, errs := d.Decode(nil, m.Payload, m.Time.Add(time.Minute)) // the tag block gives the time
		if len(errs) > 0 || len(reps) != 1 || !reps[0].Time.Equal(m.Time) || !reps[0].TimeFromPayload {
			t.Fatalf("%q: %v %v", m.Payload, reps, errs)
		}
		r := reps[0]
		x := r.Detections[0]
		var tg *Target
		for i := range s.Targets {
			if s.Targets[i].MMSI == x.ID.MMSI {
				tg = &s.Targets[i]
			}
		}
		if tg == nil {
			t.Fatalf("MMSI %d", x.ID.MMSI)
		}
		wantClass := "A"
		if tg.AISClass == AISClassB {
			wantClass = "B"
		}
		if x.ID.AISClass != wantClass {
			t.Fatalf("%s: class %q", tg.ID, x.ID.AISClass)
		}
		switch r.Kind {
		case sensors.KindStatic:
			lastStatic[x.ID.MMSI] = append(lastStatic[x.ID.MMSI], m.Time)
			if x.ID.Name != "" {
				names[x.ID.MMSI] = x.ID.Name
			}
			if strings.Count(string(m.Payload), "!AIVDM") != map[string]int{"A": 2, "B": 1}[wantClass] {
				t.Fatalf("%s: static data in %q", tg.ID, m.Payload)
			}
			if wantClass == "A" || x.ID.Callsign != "" {
				if x.ID.Callsign != tg.Callsign || x.ID.ShipType != tg.ShipType || math.Abs(x.ID.LengthM-tg.LengthM) > 1 || math.Abs(x.ID.BeamM-tg.BeamM) > 1 {
					t.Fatalf("%s: static %+v", tg.ID, *x.ID)
				}
			}
		case sensors.KindObservation:
			tr := truthOf(t, s, tg.ID, m.Time.Sub(testStart))
			if dd := haversine(tr.Pos, LLA{Lat: x.Lat, Lon: x.Lon}); dd > 5*sn.SigmaPosM*math.Sqrt2+0.3 {
				t.Fatalf("%s: AIS %.1f m from the truth", tg.ID, dd)
			}
			if !x.HasVelocity || math.Abs(x.Speed-tr.SpeedMps) > 0.03 || math.Abs(x.Course-tr.CourseDeg) > 0.051 || x.SigmaM != 10 {
				t.Fatalf("%s: %+v, truth %+v", tg.ID, x, tr)
			}
			if prev, ok := lastPos[x.ID.MMSI]; ok {
				was := truthOf(t, s, tg.ID, prev.Sub(testStart))
				if got, want := m.Time.Sub(prev), AISReportInterval(tg.AISClass, was.SpeedMps); got != want {
					t.Fatalf("%s (class %s, %.1f kn): reports %v apart, want %v", tg.ID, wantClass, was.SpeedMps/knot, got, want)
				}
			}
			lastPos[x.ID.MMSI] = m.Time
		default:
			t.Fatalf("report kind %v", r.Kind)
		}
	}
	st := d.Stats()
	types = st.AISTypes
	for _, typ := range []int{1, 3, 5, 18, 24} {
		if types[typ] == 0 {
			t.Errorf("no AIS message of type %d", typ)
		}
	}
	for _, tg := range s.Targets {
		if tg.MMSI == 0 {
			continue
		}
		if names[tg.MMSI] != tg.Name {
			t.Errorf("%s: static name %q", tg.ID, names[tg.MMSI])
		}
		ts := lastStatic[tg.MMSI]
		if tg.AISOff != nil {
			continue // fishing-2 falls silent
		}
		step, n := AISStaticInterval, 6
		if tg.AISClass == AISClassB {
			n = 12
		}
		if len(ts) < n {
			t.Errorf("%s: %d static messages in 40 minutes", tg.ID, len(ts))
			continue
		}
		for i := 1; i < len(ts); i++ {
			want := step
			if tg.AISClass == AISClassB {
				want = []time.Duration{time.Second, step - time.Second}[(i+1)%2]
			}
			if ts[i].Sub(ts[i-1]) != want {
				t.Errorf("%s: static data %v apart, want %v", tg.ID, ts[i].Sub(ts[i-1]), want)
			}
		}
	}
}

func TestAISIntervalTable(t *testing.T) {
	for _, c := range []struct {
		class string
		kn    float64
		want  time.Duration
	}{
		{"A", 30, 2 * time.Second}, {"", 23.5, 2 * time.Second}, {"A", 20, 6 * time.Second}, {"A", 14.5, 6 * time.Second},
		{"A", 10, 10 * time.Second}, {"A", 3.5, 10 * time.Second}, {"A", 2.9, 3 * time.Minute}, {"A", 0, 3 * time.Minute},
		{"B", 10, 30 * time.Second}, {"B", 2.5, 30 * time.Second}, {"B", 1.5, 3 * time.Minute},
	} {
		if got := AISReportInterval(c.class, c.kn*knot); got != c.want {
			t.Errorf("class %q at %v kn: %v, want %v", c.class, c.kn, got, c.want)
		}
	}
	// A fast class A vessel reports every 2 s, a stopped one every 3 min.
	s := legScene()
	s.Sensors = []Sensor{s.Sensors[0], {ID: "ais", Kind: KindAIS, Format: FormatNMEA, Position: LLA{Lat: 26.07, Lon: -97.17}, RangeM: 90000}}
	s.Targets = []Target{
		{ID: "fast", Class: ClassSurface, Start: LLA{Lat: 26.2, Lon: -96.9}, CourseDeg: 90, SpeedMps: 13, MMSI: 367000001},
		{ID: "still", Class: ClassSurface, Start: LLA{Lat: 26.3, Lon: -96.9}, MMSI: 367000002},
	}
	var times = map[string][]time.Duration{}
	for _, m := range collect(s, 1, 10*time.Minute) {
		if m.Topic != "vigia/obs/ais/ais" {
			continue
		}
		if d, ok := aisPos(t, m); ok {
			id := map[uint32]string{367000001: "fast", 367000002: "still"}[*d.ID.MMSI]
			times[id] = append(times[id], m.Time.Sub(testStart))
		}
	}
	if n := len(times["fast"]); n < 295 || n > 300 {
		t.Errorf("fast vessel: %d reports in 10 min", n)
	}
	if n := len(times["still"]); n < 3 || n > 4 {
		t.Errorf("stopped vessel: %d reports in 10 min", n)
	}
}

// TestSBS decodes the ADS-B receiver's SBS lines with Vigia's SBS decoder:
// only cessna-1 is heard, with its ICAO address, callsign, altitude and
// velocity, near its true position.
func TestSBS(t *testing.T) {
	s := Tijuana(testStart)
	d := adsb.NewSBSDecoder(adsb.Options{Sensor: "adsb-otay"})
	n, calls := 0, 0
	var last time.Time
	for _, m := range collect(s, 4, 10*time.Minute) {
		if m.Topic != "vigia/obs/adsb/adsb-otay" {
			continue
		}
		if bytes.Contains(m.Payload, []byte("MSG,1,")) {
			calls++
		}
		reps, errs := d.Decode(nil, m.Payload, m.Time.Add(time.Hour))
		if len(errs) > 0 || len(reps) != 1 {
			t.Fatalf("%q: %v %v", m.Payload, reps, errs)
		}
		r := reps[0]
		x := r.Detections[0]
		if !r.TimeFromPayload || !r.Time.Equal(m.Time) || x.ID == nil || x.ID.ICAO != "a9c2f4" || !x.HasAlt || x.Class != sensors.ClassAir {
			t.Fatalf("%q: %+v %+v", m.Payload, r, x)
		}
		if n > 0 && (x.ID.Callsign != "N7265C" || !x.HasVelocity || m.Time.Sub(last) != time.Second) {
			t.Fatalf("%q: %+v, %v after the last", m.Payload, x, m.Time.Sub(last))
		}
		tr := truthOf(t, s, "cessna-1", m.Time.Sub(testStart))
		if dd := haversine(tr.Pos, LLA{Lat: x.Lat, Lon: x.Lon}); dd > 60 || math.Abs(x.Alt-tr.Pos.Alt) > 8 {
			t.Fatalf("%.0f m from the truth, altitude %.0f m for %.0f", dd, x.Alt, tr.Pos.Alt)
		}
		if n > 0 && (math.Abs(x.Speed-tr.SpeedMps) > 0.3 || math.Abs(x.Course-tr.CourseDeg) > 0.6) {
			t.Fatalf("velocity %v/%v, truth %v/%v", x.Speed, x.Course, tr.SpeedMps, tr.CourseDeg)
		}
		last = m.Time
		n++
	}
	if n < 590 || calls < 59 {
		t.Errorf("%d positions, %d callsign lines in 10 minutes", n, calls)
	}
}

func TestTruthCSV(t *testing.T) {
	s := JuanDeFuca(testStart)
	var b bytes.Buffer
	if err := s.WriteTruthCSV(&b, testStart, testStart.Add(time.Minute), 10*time.Second); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != TruthHeader || len(rows) != 1+7*len(s.Targets) {
		t.Fatalf("%d rows, header %v", len(rows), rows[0])
	}
	for _, r := range rows[1:] {
		tm, err := time.Parse(TimeLayout, r[0])
		if err != nil {
			t.Fatal(err)
		}
		tr := truthOf(t, s, r[1], tm.Sub(testStart))
		lat, _ := strconv.ParseFloat(r[5], 64)
		lon, _ := strconv.ParseFloat(r[6], 64)
		v, _ := strconv.ParseFloat(r[8], 64)
		c, _ := strconv.ParseFloat(r[9], 64)
		if r[2] != string(tr.Class) || (r[3] == "") != (tr.MMSI == 0) || math.Abs(lat-tr.Pos.Lat) > 1e-7 ||
			math.Abs(lon-tr.Pos.Lon) > 1e-7 || math.Abs(v-tr.SpeedMps) > 1e-3 || c < 0 || c >= 360 {
			t.Fatalf("row %v, truth %+v", r, tr)
		}
	}
	if err := s.WriteTruthCSV(&b, testStart, testStart, 0); err == nil {
		t.Error("zero step accepted")
	}
}

func TestLoadScene(t *testing.T) {
	s, err := LoadScene("testdata/example-scene.yaml", testStart)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "example" || s.Region != "rio-grande" || s.Duration != 40*time.Minute || len(s.Sensors) != 3 ||
		len(s.Targets) != 3 || s.Targets[1].Legs[0].At != 30*time.Minute || s.Targets[2].ICAO != "a1b2c3" ||
		s.Sensors[1].Format != FormatNMEA || s.Assets[0].Period != 30*time.Second || len(s.Behaviours) != 2 {
		t.Errorf("loaded %+v", s)
	}
	// It generates, with every format.
	kinds := map[string]bool{}
	for _, m := range collectAll(s, 1, 5*time.Minute) {
		kinds[m.Topic[:strings.LastIndexByte(m.Topic, '/')]] = true
	}
	if len(kinds) != 4 {
		t.Errorf("topics %v", kinds)
	}
	dir := t.TempDir()
	for name, c := range map[string]struct{ text, want string }{
		"unknown key":  {"name: x\nduration: 1m\nsensors:\n  - id: r\n    kind: radar\n    perid: 1s\n", "x.yaml:6: field perid not found"},
		"bad duration": {"name: x\nduration: 10 minutes\n", "x.yaml:2: \"10 minutes\" is not a duration"},
		"bad sensor": {"name: x\nduration: 1m\nsensors:\n  - id: r\n    kind: radar\n    period: 1s\n    range_m: 1000\n" +
			"  - id: a\n    kind: ais\n    format: sbs\n    range_m: 1000\n", "x.yaml:8: sensors[1]: sim: sensor a: format \"sbs\""},
		"bad target": {"name: x\nduration: 1m\nsensors:\n  - id: r\n    kind: radar\n    period: 1s\n    range_m: 1000\n" +
			"targets:\n  - id: t\n    class: boat\n", "x.yaml:9: targets[0]: sim: target t: unknown class"},
		"no name": {"duration: 1m\n", "x.yaml: a scene needs a name"},
		"syntax":  {"name: [x\n", "x.yaml:"},
	} {
		p := filepath.Join(dir, "x.yaml")
		if err := os.WriteFile(p, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := LoadScene(p, testStart)
		if err == nil || !strings.Contains(err.Error(), strings.Replace(c.want, "x.yaml", p, 1)) {
			t.Errorf("%s: error %v, want %q", name, err, c.want)
		}
	}
}

func TestValidateFormats(t *testing.T) {
	for name, mod := range map[string]func(*Scene){
		"nmea radar":  func(s *Scene) { s.Sensors[0].Format = FormatNMEA },
		"sbs ais":     func(s *Scene) { s.Sensors[3].Format = FormatSBS },
		"nmea period": func(s *Scene) { s.Sensors[3].Period = time.Second },
		"json adsb": func(s *Scene) {
			s.Sensors = append(s.Sensors, Sensor{ID: "x", Kind: KindADSB, Period: time.Second, RangeM: 1})
		},
		"ais class":       func(s *Scene) { s.Targets[1].AISClass = "C" },
		"icao surface":    func(s *Scene) { s.Targets[1].ICAO = "a1b2c3" },
		"icao bad":        func(s *Scene) { s.Targets[4].ICAO = "A1B2C3" },
		"long callsign":   func(s *Scene) { s.Targets[1].Callsign = "ABCDEFGHIJ" },
		"lower name":      func(s *Scene) { s.Targets[1].Name = "gulf trader" },
		"mmsi 10 digits":  func(s *Scene) { s.Targets[1].MMSI = 1234567890 },
		"unknown partner": func(s *Scene) { s.Behaviours[10].Partner = "nobody" },
	} {
		s := RioGrande(testStart)
		mod(s)
		if s.Validate() == nil {
			t.Errorf("%s: Validate accepted the scene", name)
		}
	}
}
