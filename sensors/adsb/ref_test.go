package adsb

import (
	"encoding/hex"
	"math"
	"testing"
	"time"

	"github.com/vigia-project/vigia/sensors"
)

var t0 = time.Date(2016, 3, 14, 23, 0, 0, 0, time.UTC)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// avr decodes one AVR line at time at.
func avr(t testing.TB, d *ModeSDecoder, hexMsg string, at time.Time) ([]sensors.Report, []error) {
	t.Helper()
	return d.Decode(nil, []byte("*"+hexMsg+";\n"), at)
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestCRCPublished(t *testing.T) {
	for _, m := range []string{
		"8D4840D6202CC371C32CE0576098",
		"8D40621D58C382D690C8AC2863A7",
		"8D40621D58C386435CC412692AD6",
		"8D485020994409940838175B284F",
		"8D406B902015A678D4D220AA4BDA",
	} {
		if r := crcRemainder(mustHex(t, m)); r != 0 {
			t.Errorf("%s: remainder %06x, want 0", m, r)
		}
	}
	b := mustHex(t, "8D4840D6202CC371C32CE0576098")
	b[5] ^= 0x10
	if crcRemainder(b) == 0 {
		t.Error("a flipped bit left a zero remainder")
	}
	// DF11 all-call reply (from the 1090 MHz Riddle): interrogator code 0.
	if r := crcRemainder(mustHex(t, "5D484FDEA248F5")); r&^0x7F != 0 {
		t.Errorf("DF11 remainder %06x", r)
	}
}

func TestIdentificationKLM1023(t *testing.T) {
	d := NewModeSDecoder(Options{}, AVR)
	reps, errs := avr(t, d, "8D4840D6202CC371C32CE0576098", t0)
	if len(reps) != 0 || len(errs) != 0 {
		t.Fatalf("reports %v errors %v", reps, errs)
	}
	st, _ := d.ac.get(0x4840D6, t0)
	if st.callsign != "KLM1023" || st.icao != "4840d6" {
		t.Errorf("callsign %q icao %q, want KLM1023 4840d6", st.callsign, st.icao)
	}
	avr(t, d, "8D406B902015A678D4D220AA4BDA", t0)
	if st, _ := d.ac.get(0x406B90, t0); st.callsign != "EZY85MH" {
		t.Errorf("callsign %q, want EZY85MH", st.callsign)
	}
}

func TestVelocity159kt(t *testing.T) {
	d := NewModeSDecoder(Options{}, AVR)
	avr(t, d, "8D485020994409940838175B284F", t0)
	st, _ := d.ac.get(0x485020, t0)
	kt := st.speed / ktToMps
	if !st.hasVel || !near(kt, 159.20, 0.01) || !near(st.course, 182.88, 0.01) {
		t.Errorf("speed %.3f kt course %.3f, want 159.20 kt 182.88°", kt, st.course)
	}
}

// TestCPRGlobalRiddle: the even/odd pair of the 1090 MHz Riddle, even
// newer → 52.2572°, 3.91937°, 38,000 ft.
func TestCPRGlobalRiddle(t *testing.T) {
	d := NewModeSDecoder(Options{Sensor: "rx"}, AVR)
	reps, errs := avr(t, d, "8D40621D58C386435CC412692AD6", t0) // odd, t=1457996400
	if len(reps) != 0 || len(errs) != 0 {
		t.Fatalf("first frame: reports %v errors %v", reps, errs)
	}
	reps, errs = avr(t, d, "8D40621D58C382D690C8AC2863A7", t0.Add(2*time.Second)) // even, newer
	if len(errs) != 0 || len(reps) != 1 {
		t.Fatalf("reports %v errors %v", reps, errs)
	}
	r := reps[0]
	det := r.Detections[0]
	if !near(det.Lat, 52.25720, 1e-5) || !near(det.Lon, 3.91937, 1e-5) {
		t.Errorf("position %.5f %.5f, want 52.25720 3.91937", det.Lat, det.Lon)
	}
	if !det.HasAlt || !near(det.Alt, 38000*ftToM, 1e-9) {
		t.Errorf("alt %v %v, want 38000 ft", det.Alt, det.HasAlt)
	}
	if r.Sensor != "rx" || r.Kind != sensors.KindObservation || r.TimeFromPayload || !r.Time.Equal(t0.Add(2*time.Second)) ||
		det.Class != sensors.ClassAir || det.ID == nil || det.ID.ICAO != "40621d" || det.Polar {
		t.Errorf("report %+v detection %+v", r, det)
	}
	// Local decoding of the even frame relative to a reference (the Riddle's
	// 52.258, 3.918) gives the same position.
	la, lo, ok := cprLocal(0x16B48, 0x0C8AC, false, 52.258, 3.918, 360)
	if !ok || !near(la, 52.25720, 1e-5) || !near(lo, 3.91937, 1e-5) {
		t.Errorf("local %.5f %.5f", la, lo)
	}
}

// TestCPRPyModeS: pyModeS reference vectors (odd newer; local decoding).
func TestCPRPyModeS(t *testing.T) {
	fields := func(m string) (bool, uint32, uint32) {
		b := mustHex(t, m)
		var me uint64
		for _, c := range b[4:11] {
			me = me<<8 | uint64(c)
		}
		return bits(me, 22, 1) == 1, bits(me, 23, 17), bits(me, 40, 17)
	}
	_, eLat, eLon := fields("8D40058B58C901375147EFD09357")
	_, oLat, oLon := fields("8D40058B58C904A87F402D3B8C59")
	for _, c := range []struct {
		oddNewer bool
		lat, lon float64
	}{{true, 49.81755, 6.08442}, {false, 49.82410, 6.06785}} {
		la, lo, ok := cprGlobal(eLat, eLon, oLat, oLon, c.oddNewer)
		if !ok || !near(la, c.lat, 1e-3) || !near(lo, c.lon, 1e-3) {
			t.Errorf("global oddNewer=%v: %.5f %.5f, want %.5f %.5f", c.oddNewer, la, lo, c.lat, c.lon)
		}
	}
	la, lo, ok := cprLocal(eLat, eLon, false, 49, 6, 360)
	if !ok || !near(la, 49.82410, 1e-3) || !near(lo, 6.06785, 1e-3) {
		t.Errorf("local even: %.5f %.5f", la, lo)
	}
	la, lo, ok = cprLocal(oLat, oLon, true, 49, 6, 360)
	if !ok || !near(la, 49.81755, 1e-3) || !near(lo, 6.08442, 1e-3) {
		t.Errorf("local odd: %.5f %.5f", la, lo)
	}
	// Reference close to a zone boundary (pyModeS regression).
	odd, a, b := fields("8D06A15358BF17FF7D4A84B47B95")
	la, lo, ok = cprLocal(a, b, odd, 30.508474576271183, 7.2*5.0+3e-15, 360)
	if !ok || !near(la, 30.50540, 1e-3) || !near(lo, 33.44787, 1e-3) {
		t.Errorf("boundary: %.5f %.5f", la, lo)
	}
	// NL-band mismatch: no position.
	if _, _, ok := cprGlobal(8192, 0, 114688, 0, false); ok {
		t.Error("pair across an NL boundary decoded")
	}
}

// TestSurfacePyModeS: a real DF18 surface position at Toulouse (LFBO),
// decoded relative to the receiver (pyModeS: 43.62646, 1.37476).
func TestSurfacePyModeS(t *testing.T) {
	d := NewModeSDecoder(Options{Receiver: &sensors.Position{Lat: 43.63, Lon: 1.37}}, AVR)
	reps, errs := avr(t, d, "903a23ff426a4e65f7487a775d17", t0)
	if len(errs) != 0 || len(reps) != 1 {
		t.Fatalf("reports %v errors %v", reps, errs)
	}
	det := reps[0].Detections[0]
	if !near(det.Lat, 43.62646, 1e-3) || !near(det.Lon, 1.37476, 1e-3) || det.HasAlt {
		t.Errorf("surface %.5f %.5f alt %v", det.Lat, det.Lon, det.HasAlt)
	}
	// Without a reference the surface position is dropped silently.
	d = NewModeSDecoder(Options{}, AVR)
	if reps, errs := avr(t, d, "903a23ff426a4e65f7487a775d17", t0); len(reps)+len(errs) != 0 {
		t.Errorf("no reference: %v %v", reps, errs)
	}
	// Movement codes (pyModeS vectors).
	for _, c := range []struct {
		m  uint32
		kt float64
		ok bool
	}{{0, 0, false}, {1, 0, true}, {9, 1, true}, {24, 7.5, true}, {25, 8, true}, {39, 15, true}, {94, 70, true}, {109, 100, true}, {124, 175, true}, {125, 0, false}} {
		kt, ok := surfaceSpeed(c.m)
		if ok != c.ok || kt != c.kt {
			t.Errorf("movement %d: %v %v, want %v %v", c.m, kt, ok, c.kt, c.ok)
		}
	}
}

// TestNL checks the closed form against the transition latitudes of the
// standard's table (NL changes just above each).
func TestNL(t *testing.T) {
	for _, c := range []struct {
		lat float64
		nl  int
	}{
		// Transition latitudes of the standard's table, ±1e-6°.
		{0, 59}, {10.470470, 59}, {10.470472, 58}, {14.828173, 58}, {14.828175, 57},
		{18.186263, 57}, {18.186264, 56}, {59.954592, 30}, {59.954593, 29},
		{45, 42}, {80, 10}, {86.535369, 3}, {86.535371, 2}, {87, 2}, {-87, 2}, {87.5, 1}, {90, 1}, {-45, 42},
	} {
		if got := NL(c.lat); got != c.nl {
			t.Errorf("NL(%v) = %d, want %d", c.lat, got, c.nl)
		}
	}
	prev := 59
	for lat := 0.0; lat <= 90; lat += 0.001 {
		n := NL(lat)
		if n > prev || n < 1 {
			t.Fatalf("NL not monotone at %v", lat)
		}
		prev = n
	}
}

func TestAltitudeAC12(t *testing.T) {
	// 0xC38 (from the Riddle pair) → 38,000 ft.
	if ft, ok := altitudeAC12(0xC38); !ok || ft != 38000 {
		t.Errorf("0xC38 → %v %v", ft, ok)
	}
	if _, ok := altitudeAC12(0); ok {
		t.Error("0 decoded")
	}
	if _, ok := altitudeAC12(0xC28); ok { // Q bit clear: Gillham, not decoded
		t.Error("Gillham decoded")
	}
}
