package nmea

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigia-project/vigia/sensors"
)

// FuzzDecode feeds arbitrary payloads (seeded with every line of the real
// files in testdata/ and some edge cases) to one decoder, twice with
// different received times, and checks the invariants: no panic, every
// error an *sensors.Error with a known reason, every report valid.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*")
	for _, p := range files {
		if strings.HasSuffix(p, ".md") || strings.HasPrefix(p, filepath.Join("testdata", "fuzz")) {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				f.Add([]byte(l))
			}
		}
	}
	for _, s := range []string{
		"!AIVDM,2,1,6,A,53R=aR800001=SC?7@1HE8LTp40000000000000l0`?2453a052Dm23B@@00,0*72\n!AIVDM,2,2,6,A,00000000002,2*20",
		`{"rxuxtime":1699878896.25,"nmea":["!AIVDM,1,1,,B,3776k` + "`" + `5000a3SLPEKnDQQWpH0000,0*78"]}`,
		`{"msgs":[{"rxtime":"20231113123456","nmea":["!AIVDM,1,1,,B,13U4vF0P001d<UnEeSmQ>gv` + "`" + `04hd,0*4C"]}]}`,
		"$RATTM,12,5.40,045.0,T,12.5,270.0,T,1.2,-3.5,N,TARGET12,T,,083015.50,A*37",
		"$RATLL,21,2558.860,N,09700.720,W,BUOY,235959.00,T,*34",
		"$PGHP,1,2013,3,18,9,19,9,499,219,,2190048,1,28*23\r\n!BSVDM,1,1,,B,14VliT002O0q2DBP:dAu7JRD0<0s,0*28",
		`\g:1-2-1604,s:r1,c:1418169601*6B\`,
		"!AIVDM,1,1,,A,6,0*00", "!AIVDM,1,1,,A,8,0*00", "!AIVDM,1,1,,A,P,0*00", "*", `\`, "{",
	} {
		f.Add([]byte(s))
	}
	reasons := map[string]bool{
		sensors.ReasonTooLarge: true, sensors.ReasonMalformed: true, sensors.ReasonBadTime: true,
		sensors.ReasonBadPosition: true, sensors.ReasonBadValue: true, sensors.ReasonChecksum: true,
		sensors.ReasonUnsupported: true, sensors.ReasonIncomplete: true,
	}
	d := NewDecoder(Options{Sensor: "fuzz", MaxBytes: 1 << 16, MaxPending: 64, StaticCacheSize: 1000})
	rx := epoch
	f.Fuzz(func(t *testing.T, payload []byte) {
		for range 2 {
			rx = rx.Add(3 * time.Second)
			reps, errs := d.Decode(nil, payload, rx)
			for _, e := range errs {
				var se *sensors.Error
				if !errors.As(e, &se) || !reasons[se.Reason] || se.Msg == "" {
					t.Fatalf("error %#v", e)
				}
			}
			for _, r := range reps {
				checkReport(t, r)
				if r.Sensor != "fuzz" {
					t.Fatalf("sensor %q", r.Sensor)
				}
			}
		}
		if len(d.pending) > 64 || d.static.len() > 1000 {
			t.Fatalf("%d pending, %d cached", len(d.pending), d.static.len())
		}
	})
}
