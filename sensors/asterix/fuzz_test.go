package asterix

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/vigia-project/vigia/sensors"
)

// syntheticSeeds are blocks encoded by hand from the specs, one per
// category and item kind (fixed, extended, repetitive, repetitive-FX,
// compound, explicit), plus a payload of several blocks.
func syntheticSeeds() [][]byte {
	c048 := blockBytes(48, recordBytes(map[int][]byte{
		1: {25, 201}, 2: tod3(27354.6), 3: {0xa1, 0x00}, 4: {0xc5, 0xaf, 0xf1, 0xe0}, 5: {0x02, 0x00}, 6: {0x05, 0x28},
		7: {0xa0, 0x11, 0x22}, 8: {0x3c, 0x66, 0x0c}, 9: ident6("DLH65A"), 10: {1, 1, 2, 3, 4, 5, 6, 7, 0x40},
		11: {0x0d, 0xeb}, 13: {0x07, 0xb9, 0x58, 0x2e}, 14: {0x41, 0x00}, 16: {0x03, 0x04}, 20: {0xc0, 0x00, 0x10, 1, 0, 1, 0, 2, 0, 3},
		21: {0x20, 0xf5}, 28: {2, 0},
	}))
	c062 := blockBytes(62, recordBytes(map[int][]byte{
		1: {25, 100}, 3: {1}, 4: tod3(45827.4), 5: be32(0x01d4e6b0, 0x00b2c9c4), 7: {0x03, 0x93, 0xff, 0x43}, 9: {0x02, 0xbd},
		11: {0xc1, 0x20, 0x4c, 0xa7, 0xa8, 0x49, 0x94, 0xb1, 0xdf, 0x40, 0xe0, 0x20, 0xf6}, 12: {0x12, 0x69},
		13: {0x19, 0x03, 0x01, 0x08}, 17: {0x06, 0x18}, 26: {0x01, 0x02, 0x03, 0x04, 0x05, 0x06},
	}))
	c021 := blockBytes(21, recordBytes(map[int][]byte{
		1: {0, 1}, 2: {0x01, 0x40}, 6: {0x2b, 0xb7, 0x3e, 0xfa, 0x65, 0xba}, 11: {0, 0, 1}, 12: tod3(28802.9),
		23: {0x14}, 26: {0x08, 0, 0x40, 0}, 29: ident6("TEST1"), 34: {0xc0, 0x00, 0x01, 0x80, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 6, 7, 8, 9},
		42: {0x54, 0x0d, 0x0d, 0x0d}, 48: {5, 0x08, 0xf0, 0x01, 0x62},
	}))
	c034 := blockBytes(34, recordBytes(map[int][]byte{
		1: {25, 13}, 2: {2}, 3: tod3(27356.9), 4: {0x60}, 6: {0x90, 0x40, 0x00}, 7: {0x80, 0x00},
		8: {1, 0x08, 0x01}, 11: {0x03, 0x0c, 0x1e, 0xfb, 0xdd, 0x0b, 0xaa, 0xa2},
	}))
	c065 := blockBytes(65, recordBytes(map[int][]byte{1: {25, 100}, 2: {2}, 3: {1}, 4: tod3(45827.4), 5: {1}}))
	multi := append(append(append([]byte{}, c048...), 1, 0, 4, 0x80), c062...)
	return [][]byte{c048, c062, c021, c034, c065, multi}
}

// stagedPayloads returns the UDP payloads of a staged capture (or the
// content of a raw file), or nil when ../shared/data is absent, so that the
// fuzz target and the benchmark also run without it.
func stagedPayloads(tb testing.TB, file string) [][]byte {
	dir, err := os.Getwd()
	if err != nil {
		return nil
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil
		}
		dir = parent
	}
	b, err := os.ReadFile(filepath.Join(dir, "..", "shared", "data", "asterix-croatiacontrol", file))
	if err != nil {
		return nil
	}
	if filepath.Ext(file) != ".pcap" {
		return [][]byte{b}
	}
	dg, err := parsePcap(b)
	if err != nil {
		tb.Fatalf("%s: %v", file, err)
	}
	out := make([][]byte, len(dg))
	for i, g := range dg {
		out[i] = g.payload
	}
	return out
}

// realBlocks returns every payload of the staged files and, for payloads of
// several blocks, each block alone.
func realBlocks(tb testing.TB) [][]byte {
	var out [][]byte
	for _, f := range []string{"cat_034_048.pcap", "asterix.pcap", "cat_062_065.pcap", "cat_001_002.pcap",
		"cat048.raw", "cat034.raw", "cat062cat065.raw", "cat21_re.ast"} {
		for _, p := range stagedPayloads(tb, f) {
			out = append(out, p)
			if bl := splitBlocks(p); len(bl) > 1 {
				out = append(out, bl...)
			}
		}
	}
	return out
}

// v017Seeds are CAT062 0.17 blocks: the hand-made record of every item
// kind, and the same block followed by a 1.x one (for "auto"). The 100
// blocks of asterix.pcap, the real 0.17 data, come with realBlocks.
func v017Seeds() [][]byte {
	b := blockBytes(62, v017Record())
	mixed := append(append([]byte{}, b...), syntheticSeeds()[1]...)
	return [][]byte{b, mixed}
}

// fuzzEditions are the CAT062 editions every fuzz input is decoded with.
var fuzzEditions = []string{"", "0.17", "auto"}

// FuzzDecode checks that no payload panics the decoder, with each CAT062
// edition, and that whatever it returns is consistent: errors are
// *sensors.Error with a known reason, reports carry at most one detection
// with finite values on the earth, and decoding is deterministic. With
// "auto", a payload that decodes without error as 1.x decodes identically.
func FuzzDecode(f *testing.F) {
	for _, s := range syntheticSeeds() {
		f.Add(s)
	}
	for _, s := range v017Seeds() {
		f.Add(s)
	}
	for _, b := range realBlocks(f) { // includes the 100 CAT062 0.17 blocks of asterix.pcap
		f.Add(b)
	}
	reasons := map[string]bool{
		sensors.ReasonTooLarge: true, sensors.ReasonMalformed: true, sensors.ReasonTruncated: true,
		sensors.ReasonUnsupported: true, sensors.ReasonBadTime: true, sensors.ReasonBadPosition: true,
	}
	at := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, payload []byte) {
		var reps1x []sensors.Report
		var errs1x []error
		for _, ed := range fuzzEditions {
			reps, errs := fuzzOne(t, reasons, at, ed, payload)
			switch ed {
			case "":
				reps1x, errs1x = reps, errs
			case "auto":
				if len(errs1x) == 0 && (len(errs) != 0 || !reflect.DeepEqual(reps, reps1x)) {
					t.Fatalf("auto differs from 1.x on a clean 1.x payload: %v %v, want %v", reps, errs, reps1x)
				}
			}
		}
	})
}

// fuzzOne decodes payload with CAT062 edition ed and checks the result.
func fuzzOne(t *testing.T, reasons map[string]bool, at time.Time, ed string, payload []byte) ([]sensors.Report, []error) {
	d := NewDecoder(Options{Sensor: "fz", MaxBytes: 1 << 16, CAT062Edition: ed})
	reps, errs := d.Decode(nil, payload, at)
	for _, e := range errs {
		var se *sensors.Error
		if !errors.As(e, &se) || !reasons[se.Reason] || se.Msg == "" {
			t.Fatalf("error %v (%T)", e, e)
		}
	}
	for _, r := range reps {
		if r.Sensor != "fz" || r.Time.IsZero() || r.Time.Sub(at).Abs() > 12*time.Hour+time.Second {
			t.Fatalf("report header %+v", r)
		}
		switch r.Kind {
		case sensors.KindService:
			if len(r.Detections) != 0 {
				t.Fatalf("service report with detections")
			}
		case sensors.KindObservation:
			if len(r.Detections) != 1 {
				t.Fatalf("%d detections", len(r.Detections))
			}
			det := r.Detections[0]
			for _, v := range []float64{det.Range, det.Bearing, det.Lat, det.Lon, det.Alt, det.Speed, det.Course} {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("non-finite value in %+v", det)
				}
			}
			if det.Lat < -90 || det.Lat > 90 || det.Lon < -180 || det.Lon > 180 || det.Bearing < 0 || det.Bearing >= 360 ||
				det.Course < 0 || det.Course > 360 {
				t.Fatalf("value out of range in %+v", det)
			}
			if det.ID != nil && (len(det.ID.ICAO) != 0 && len(det.ID.ICAO) != 6 || len(det.ID.Squawk) != 0 && len(det.ID.Squawk) != 4) {
				t.Fatalf("identity %+v", det.ID)
			}
		default:
			t.Fatalf("kind %v", r.Kind)
		}
	}
	reps2, errs2 := NewDecoder(Options{Sensor: "fz", MaxBytes: 1 << 16, CAT062Edition: ed}).Decode(nil, payload, at)
	if len(reps2) != len(reps) || len(errs2) != len(errs) {
		t.Fatalf("edition %q not deterministic: %d/%d reports, %d/%d errors", ed, len(reps), len(reps2), len(errs), len(errs2))
	}
	return reps, errs
}
