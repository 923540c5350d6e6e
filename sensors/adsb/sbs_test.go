package adsb

import (
	"strings"
	"testing"
	"time"

	"github.com/vigia-project/vigia/sensors"
)

var rx = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func sbs(t *testing.T, d *SBSDecoder, payload string) ([]sensors.Report, []error) {
	t.Helper()
	reps, errs := d.Decode(nil, []byte(payload), rx)
	checkAll(t, reps, errs)
	return reps, errs
}

// TestSBSDump1090Example: the MSG,3 line of the BaseStation documentation.
func TestSBSDump1090Example(t *testing.T) {
	d := NewSBSDecoder(Options{Sensor: "rx1"})
	reps, errs := sbs(t, d, "MSG,3,1,1,4CA2D6,1,2008/11/28,23:48:18.611,2008/11/28,23:53:19.161,,37000,,,51.45735,-1.02826,,,0,0,0,0\n")
	if len(errs) != 0 || len(reps) != 1 {
		t.Fatal(reps, errs)
	}
	r := reps[0]
	want := sensors.Detection{Lat: 51.45735, Lon: -1.02826, Alt: 37000 * 0.3048, HasAlt: true, Class: sensors.ClassAir,
		ID: r.Detections[0].ID}
	if r.Detections[0] != want || *r.Detections[0].ID != (sensors.Identity{ICAO: "4ca2d6"}) {
		t.Errorf("detection %+v %+v", r.Detections[0], r.Detections[0].ID)
	}
	if r.Sensor != "rx1" || !r.TimeFromPayload || !r.Time.Equal(time.Date(2008, 11, 28, 23, 48, 18, 611e6, time.UTC)) {
		t.Errorf("report %+v", r)
	}
}

func TestSBSEnrichmentAndEmergency(t *testing.T) {
	d := NewSBSDecoder(Options{})
	const h = ",1,1,4840D6,1,2026/01/02,03:04:05.000,2026/01/02,03:04:05.000,"
	reps, errs := sbs(t, d, "MSG,1"+h+"KLM1023 ,,,,,,,,,,,0\n"+
		"MSG,6"+h+",,,,,,,7500,0,0,0,0\n"+
		"MSG,4"+h+",,159,182.88,,,-832,,,,,0\n"+
		"MSG,5"+h+",38000,,,,,,,0,,0,0\n"+
		"MSG,3"+h+",,,,52.2572,3.91937,,,0,0,0,0\n")
	if len(errs) != 0 || len(reps) != 1 {
		t.Fatal(reps, errs)
	}
	det := reps[0].Detections[0]
	kt, ft := 159.0, 38000.0 // multiplied at run time, as the decoder does
	if !det.HasVelocity || det.Speed != kt*ktToMps || det.Course != 182.88 || !det.HasAlt || det.Alt != ft*ftToM ||
		*det.ID != (sensors.Identity{ICAO: "4840d6", Callsign: "KLM1023", Squawk: "7500"}) || det.Emergency != sensors.EmergencyHijack {
		t.Errorf("detection %+v %+v", det, det.ID)
	}
	// The identity is the report's own: a later change does not alter it.
	sbs(t, d, "MSG,1"+h+"KLM999,,,,,,,,,,,0\nMSG,6"+h+",,,,,,,1200,0,-1,0,0\n")
	if det.ID.Callsign != "KLM1023" {
		t.Error("identity aliased to the state")
	}
	reps, _ = sbs(t, d, "MSG,3"+h+",37000,,,52.2572,3.91937,,,,,,") // flags absent: the MSG,6 emergency flag holds
	ft = 37000
	if det := reps[0].Detections[0]; det.Emergency != sensors.EmergencyGeneral || det.ID.Squawk != "1200" || det.ID.Callsign != "KLM999" || det.Alt != ft*ftToM {
		t.Errorf("after update: %+v %+v", det, det.ID)
	}
	for sq, e := range map[string]string{"7600": sensors.EmergencyRadio, "7700": sensors.EmergencyGeneral, "7500": sensors.EmergencyHijack} {
		reps, _ = sbs(t, d, "MSG,6"+h+",,,,,,,"+sq+",0,0,0,0\nMSG,3"+h+",37000,,,52.2572,3.91937,,,0,0,0,0")
		if got := reps[0].Detections[0].Emergency; got != e {
			t.Errorf("squawk %s: emergency %q, want %q", sq, got, e)
		}
	}
}

func TestSBSStaleness(t *testing.T) {
	d := NewSBSDecoder(Options{StaleAfter: 30 * time.Second})
	line := func(tt, clock, rest string) string {
		return "MSG," + tt + ",1,1,ABCDEF,1,2026/01/02," + clock + ",2026/01/02," + clock + "," + rest
	}
	sbs(t, d, line("1", "10:00:00.000", "CALL1,,,,,,,,,,,0")+"\n"+line("4", "10:00:00.000", ",,300,90,,,,,,,,0"))
	reps, _ := sbs(t, d, line("3", "10:00:09.000", ",1000,,,10,20,,,,,,"))
	if det := reps[0].Detections[0]; !det.HasVelocity || det.ID.Callsign != "CALL1" {
		t.Errorf("9 s: %+v", det)
	}
	reps, _ = sbs(t, d, line("3", "10:00:20.000", ",,,,10,20,,,,,,"))
	if det := reps[0].Detections[0]; det.HasVelocity || det.HasAlt || det.ID.Callsign != "CALL1" {
		t.Errorf("20 s: velocity and altitude should be too old: %+v", det)
	}
	reps, _ = sbs(t, d, line("3", "10:01:00.000", ",,,,10,20,,,,,,"))
	if det := reps[0].Detections[0]; det.ID.Callsign != "" || det.ID.ICAO != "abcdef" {
		t.Errorf("40 s later the aircraft should be forgotten: %+v", det.ID)
	}
}

func TestSBSBounded(t *testing.T) {
	d := NewSBSDecoder(Options{MaxAircraft: 100})
	var b strings.Builder
	for i := range 5000 {
		b.WriteString("MSG,1,1,1," + strings.ToUpper(hexLower(uint32(i*7919))) + ",1,,,,,C" + hexLower(uint32(i))[2:] + ",,,,,,,,,,,0\n")
	}
	if _, errs := sbs(t, d, b.String()); len(errs) != 0 {
		t.Fatal(errs[0])
	}
	if n := d.Aircraft(); n > 100 || n < 80 {
		t.Errorf("%d aircraft held, bound 100", n)
	}
}

func TestSBSTimes(t *testing.T) {
	const rest = ",,,,,10,20,,,,,,"
	for _, c := range []struct {
		date, clock string
		want        time.Time
		fromPayload bool
	}{
		{"2026/01/02", "03:04:05", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), true},
		{"2026-01-02", "03:04:05.1", time.Date(2026, 1, 2, 3, 4, 5, 1e8, time.UTC), true},
		{"2024/02/29", "23:59:59.123456789", time.Date(2024, 2, 29, 23, 59, 59, 123456789, time.UTC), true},
		{"", "", rx, false},
	} {
		reps, errs := sbs(t, NewSBSDecoder(Options{}), "MSG,3,1,1,ABCDEF,1,"+c.date+","+c.clock+",,"+rest)
		if len(errs) != 0 || len(reps) != 1 || !reps[0].Time.Equal(c.want) || reps[0].TimeFromPayload != c.fromPayload {
			t.Errorf("%s %s: %v %v", c.date, c.clock, reps, errs)
		}
	}
	for _, c := range [][2]string{{"2023/02/29", "00:00:00"}, {"2026/13/01", "00:00:00"}, {"2026/01/02", "24:00:00"},
		{"2026/01/02", "23:60:00"}, {"2026/01/02", "23:00:60"}, {"26/01/02", "00:00:00"}, {"2026/01/02", "1:00:00"},
		{"2026/01/02", "01:00:00."}, {"2026/01/02", ""}, {"", "01:00:00"}, {"2026/01/02", "01:00:00.1234567890"}} {
		_, errs := sbs(t, NewSBSDecoder(Options{}), "MSG,3,1,1,ABCDEF,1,"+c[0]+","+c[1]+",,"+rest)
		if len(errs) != 1 || reason(errs[0]) != sensors.ReasonBadTime {
			t.Errorf("%s %s: %v", c[0], c[1], errs)
		}
	}
	// Receiver on local time (UTC+1): set Location.
	d := NewSBSDecoder(Options{Location: time.FixedZone("CET", 3600)})
	reps, _ := sbs(t, d, "MSG,3,1,1,ABCDEF,1,2026/01/02,03:04:05,,"+rest)
	if !reps[0].Time.Equal(time.Date(2026, 1, 2, 2, 4, 5, 0, time.UTC)) || reps[0].Time.Location() != time.UTC {
		t.Errorf("CET: %v", reps[0].Time)
	}
}

func TestSBSRejects(t *testing.T) {
	const h = ",1,1,ABCDEF,1,,,,,"
	for _, c := range []struct{ line, reason, field string }{
		{"FOO,1,2,3,4,5", sensors.ReasonMalformed, "lines[0].type"},
		{"SEL,1", sensors.ReasonMalformed, "lines[0]"},
		{"MSG,3,1,1", sensors.ReasonMalformed, "lines[0]"},
		{"MSG,9" + h + ",,,,10,20,,,,,,", sensors.ReasonMalformed, "lines[0].transmission_type"},
		{"MSG,3,1,1,ABCDEG,1,,,,,,,,,10,20", sensors.ReasonMalformed, "lines[0].hex_ident"},
		{"MSG,3,1,1,ABCDE,1,,,,,,,,,10,20", sensors.ReasonMalformed, "lines[0].hex_ident"},
		{"MSG,3" + h + ",,,,91,20", sensors.ReasonBadPosition, "lines[0].lat"},
		{"MSG,3" + h + ",,,,10,180.5", sensors.ReasonBadPosition, "lines[0].lat"},
		{"MSG,3" + h + ",,,,NaN,20", sensors.ReasonBadPosition, "lines[0].lat"},
		{"MSG,3" + h + ",,,,1e400,20", sensors.ReasonBadPosition, "lines[0].lat"},
		{"MSG,3" + h + ",,,,0x1p-2,20", sensors.ReasonBadPosition, "lines[0].lat"},
		{"MSG,3" + h + ",,,,10,", sensors.ReasonBadPosition, "lines[0].lon"},
		{"MSG,3" + h + ",,,,,20", sensors.ReasonBadPosition, "lines[0].lat"},
		{"MSG,3" + h + ",400000,,,10,20", sensors.ReasonBadPosition, "lines[0].altitude"},
		{"MSG,5" + h + ",abc", sensors.ReasonMalformed, "lines[0].altitude"},
		{"MSG,4" + h + ",,5000,90", sensors.ReasonBadValue, "lines[0].ground_speed"},
		{"MSG,4" + h + ",,-1,90", sensors.ReasonBadValue, "lines[0].ground_speed"},
		{"MSG,4" + h + ",,100,361", sensors.ReasonBadValue, "lines[0].track"},
		{"MSG,6" + h + ",,,,,,,7800", sensors.ReasonBadValue, "lines[0].squawk"},
		{"MSG,6" + h + ",,,,,,,770", sensors.ReasonBadValue, "lines[0].squawk"},
		{"MSG,6" + h + ",,,,,,,7700,0,2,0,0", sensors.ReasonMalformed, "lines[0].emergency"},
		{"MSG,6" + h + ",,,,,,,7700,0,0,x,0", sensors.ReasonMalformed, "lines[0].spi"},
		{"MSG,1" + h + "ABCDEFGHIJKLMNOPQ", sensors.ReasonBadValue, "lines[0].callsign"},
		{"MSG,1" + h + "AB\x01", sensors.ReasonBadValue, "lines[0].callsign"},
	} {
		reps, errs := sbs(t, NewSBSDecoder(Options{}), c.line)
		if len(reps) != 0 || len(errs) != 1 {
			t.Errorf("%q: %v %v", c.line, reps, errs)
			continue
		}
		e := errs[0].(*sensors.Error)
		if e.Reason != c.reason || e.Field != c.field {
			t.Errorf("%q: %v, want %s at %s", c.line, e, c.reason, c.field)
		}
	}
	// Skipped records, empty lines, a bad line among good ones.
	reps, errs := sbs(t, NewSBSDecoder(Options{}), "SEL,,496,2286,4CA4E5,27215,2010/02/19,18:06:07.710,2010/02/19,18:06:07.710,RYR1427\r\n\n"+
		"ID,,496,7162,405637,27928,2010/02/19,18:06:07.115,2010/02/19,18:06:07.115,EZY691A\n"+
		"AIR,,496,5906,400AE7,10103,2008/11/28,14:53:49.986,2008/11/28,14:58:51.153\n"+
		"STA,,5,179,400AE7,10103,2008/11/28,14:58:51.153,2008/11/28,14:58:51.153,RM\n"+
		"CLK,,496,-1,,-1,2010/02/19,18:18:19.036,2010/02/19,18:18:19.036,\n"+
		"MSG,3"+h+",,,,10,20\n"+
		"MSG,3"+h+",,,,100,20\n"+
		"MSG,3"+h+",,,,,\n"+ // no position: state only
		"MSG,8"+h+",,,,,,,,,,,0\n"+
		"MSG,7"+h+",35000,,,,,,,,,,0\n")
	if len(reps) != 1 || len(errs) != 1 || errs[0].(*sensors.Error).Field != "lines[7].lat" {
		t.Errorf("mixed payload: %v %v", reps, errs)
	}
	if _, errs := sbs(t, NewSBSDecoder(Options{}), " \r\n\n"); len(errs) != 1 || reason(errs[0]) != sensors.ReasonMalformed {
		t.Errorf("empty payload: %v", errs)
	}
	if _, errs := sbs(t, NewSBSDecoder(Options{MaxBytes: 10}), "MSG,3"+h+",,,,10,20"); len(errs) != 1 || reason(errs[0]) != sensors.ReasonTooLarge {
		t.Errorf("too large: %v", errs)
	}
}

func TestSBSSurfaceAndNonICAO(t *testing.T) {
	d := NewSBSDecoder(Options{})
	const h = ",1,1,~A1B2C3,1,2026/01/02,03:04:05.000,2026/01/02,03:04:05.000,"
	reps, errs := sbs(t, d, "MSG,5"+h+",3000,,,,,,,0,,0,0\nMSG,2"+h+",,12,90,50.95,0.93,,,,,,-1")
	if len(errs) != 0 || len(reps) != 1 {
		t.Fatal(reps, errs)
	}
	det := reps[0].Detections[0]
	// Surface: no altitude from the airborne state; class stays air; a
	// non-ICAO address with nothing else known gives no identity.
	kt := 12.0
	if det.HasAlt || det.Class != sensors.ClassAir || !det.HasVelocity || det.Speed != kt*ktToMps || det.ID != nil {
		t.Errorf("surface %+v", det)
	}
	// The ICAO ABCDEF and the non-ICAO ~ABCDEF are different aircraft.
	sbs(t, d, "MSG,1,1,1,A1B2C3,1,,,,,REAL,,,,,,,,,,,0")
	reps, _ = sbs(t, d, "MSG,1"+h+"TISB,,,,,,,,,,,0\nMSG,3"+h+",,,,50,1")
	if id := reps[0].Detections[0].ID; id == nil || id.ICAO != "" || id.Callsign != "TISB" {
		t.Errorf("non-ICAO identity %+v", id)
	}
}

// TestSBSTimeParser: the parser the importer shares with the decoder reads
// the same times from its date cache as without it, and in a zone.
func TestSBSTimeParser(t *testing.T) {
	var zero SBSTimeParser // reads UTC
	p := NewSBSTimeParser(nil)
	for _, c := range []struct {
		date, clock string
		want        time.Time
	}{
		{"2026/01/02", "03:04:05", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
		{"2026/01/02", "23:59:59.5", time.Date(2026, 1, 2, 23, 59, 59, 5e8, time.UTC)}, // from the cache
		{"2026-01-03", "00:00:00", time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC)},
		{"2026-01-03", "24:00:00", time.Time{}},
		{"2026/02/29", "00:00:00", time.Time{}},
		{"2026-01-03", "01:00:00.", time.Time{}},
	} {
		for _, q := range []*SBSTimeParser{&zero, p, NewSBSTimeParser(time.UTC)} {
			got, ok := q.Parse([]byte(c.date), []byte(c.clock))
			if ok != !c.want.IsZero() || got != c.want {
				t.Errorf("%s %s: %v %v, want %v", c.date, c.clock, got, ok, c.want)
			}
		}
	}
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Skip(err)
	}
	got, ok := NewSBSTimeParser(chicago).Parse([]byte("2026/07/01"), []byte("12:00:00"))
	if want := time.Date(2026, 7, 1, 17, 0, 0, 0, time.UTC); !ok || got != want || got.Location() != time.UTC {
		t.Errorf("Chicago: %v %v, want %v", got, ok, want)
	}
}
