package importer

import (
	"strings"
	"testing"
	"time"

	"github.com/vigia-project/vigia/sensors/adsb"
)

// No public SBS (port 30003) recording is in ../shared/data: pymodes-adsb
// holds raw Mode S hex, traffic-adsb decoded JSON and Beast binary. The
// fixture testdata/edge.sbs is written by hand in dump1090's format, in
// the local time of a receiver in America/Chicago (CST, UTC−6).
func TestSBSEdgeFixture(t *testing.T) {
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Skipf("no time zone database: %v", err)
	}
	entries, res, err := importTestdata(t, "edge.sbs", Options{Format: FormatSBS, Location: chicago})
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time { return mustTime(t, "2026-11-28T"+s+"Z") }
	want := []struct {
		t      time.Time
		prefix string
	}{
		{at("00:00:00.1"), "MSG,8,"}, // no time: the next line's
		{at("00:00:00.1"), "MSG,1,"}, // 2026/11/27 18:00:00.100 CST
		{at("00:00:00.4"), "MSG,3,"}, //
		{at("00:00:00.7"), "MSG,4,"}, //
		{at("00:00:00.7"), "MSG,3,"}, // generated 18:00:00.650: behind, the clock holds
		{at("00:00:01.2"), "MSG,5,"}, // date/time logged only
		{at("00:00:01.5"), "AIR,"},   // other records are kept
		{at("00:00:02.5"), "MSG,3,"}, // after a bad date, garbage, a short line
	}
	if len(entries) != len(want) {
		t.Fatalf("%d entries, want %d", len(entries), len(want))
	}
	for i, w := range want {
		if e := entries[i]; !e.Time.Equal(w.t) || !strings.HasPrefix(string(e.Payload), w.prefix) || strings.ContainsAny(string(e.Payload), "\r\n") {
			t.Errorf("entry %d: %s %q, want %s %q…", i, e.Time, e.Payload, w.t, w.prefix)
		}
	}
	if res.Read != 12 || res.Behind != 1 ||
		!eqCounts(res.Skipped, map[string]int{"bad_time": 1, "not_sbs": 1, "too_few_fields": 2}) ||
		!eqCounts(res.Sources, map[string]int{"sbs_generated": 6, "sbs_logged": 1}) {
		t.Errorf("read %d behind %d skipped %v sources %v", res.Read, res.Behind, res.Skipped, res.Sources)
	}
	// The daemon's SBS decoder, told the same zone, puts the positions at
	// the times the lines say.
	ds, reasons := decodeAll(t, adsb.NewSBSDecoder(adsb.Options{Sensor: "test", Location: chicago}), entries)
	var got []time.Time
	for _, d := range ds {
		for _, r := range d.reports {
			if !r.TimeFromPayload {
				t.Errorf("report without its payload time: %+v", r)
			}
			got = append(got, r.Time)
		}
	}
	if len(reasons) != 0 || len(got) != 3 || !got[0].Equal(at("00:00:00.4")) || !got[1].Equal(at("00:00:00.65")) || !got[2].Equal(at("00:00:02.5")) {
		t.Errorf("reports at %v, decoder errors %v", got, reasons)
	}

	// Read as UTC, the same lines are six hours earlier.
	entries, _, err = importTestdata(t, "edge.sbs", Options{Format: FormatSBS})
	if err != nil || !entries[0].Time.Equal(mustTime(t, "2026-11-27T18:00:00.1Z")) {
		t.Errorf("UTC: %v %v", entries[0].Time, err)
	}

	// Without any time: Start, or ErrNoTime.
	in := "MSG,8,1,1,A1B2C3,1,,,,,,,,,,,,,,,,0\nMSG,8,1,1,A1B2C3,1,,,,,,,,,,,,,,,,0\n"
	if _, _, err := collect(t, strings.NewReader(in), Options{Format: FormatSBS}); err != ErrNoTime {
		t.Errorf("no time: %v", err)
	}
	start := mustTime(t, "2026-01-01T00:00:00Z")
	entries, _, err = collect(t, strings.NewReader(in), Options{Format: FormatSBS, Start: start})
	if err != nil || len(entries) != 2 || !entries[1].Time.Equal(start.Add(DefaultInterval)) {
		t.Errorf("Start: %v %v", entries, err)
	}
}
