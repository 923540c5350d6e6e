package nmea

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigia-project/vigia/internal/shareddata"
	"github.com/vigia-project/vigia/sensors"
)

// summary is what decoding one file gave.
type summary struct {
	Lines      int            // non-empty lines fed to the decoder
	Comments   int            // lines starting with '#' (not fed)
	Sentences  uint64         // framed, checksum good
	AIS        uint64         // VDM/VDO sentences
	Messages   uint64         // complete AIS messages
	Types      map[int]uint64 // complete AIS messages by type
	MMSIs      int            // distinct MMSIs over all complete AIS messages
	Kinds      map[string]int // reports by kind
	ObsMMSIs   int            // distinct MMSIs of observation reports
	PGHP       uint64
	FromPay    int            // reports whose time came from the payload
	Reasons    map[string]int // errors by reason
	errsSample map[string]string
	reports    []sensors.Report
}

var epoch = time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)

// readLines returns the non-empty lines of a file, and the number of
// comment lines ('#': gpsd test-harness headers, OpenCPN's '#EC' autopilot
// echo), which are left out.
func readLines(t testing.TB, path string) (lines []string, comments int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		s := sc.Text()
		switch {
		case strings.TrimSpace(s) == "":
		case strings.HasPrefix(s, "#"):
			comments++
		default:
			lines = append(lines, s)
		}
	}
	return lines, comments
}

// decodeLines feeds the lines to a new decoder, chunk lines per payload,
// received 10 ms apart per line, and flushes what is left incomplete.
func decodeLines(t testing.TB, lines []string, chunk int, gap time.Duration) summary {
	t.Helper()
	d := NewDecoder(Options{Sensor: "test"})
	mmsis := map[uint32]bool{}
	d.onMessage = func(_ int, mmsi uint32) { mmsis[mmsi] = true }
	s := summary{Types: map[int]uint64{}, Kinds: map[string]int{}, Reasons: map[string]int{}, errsSample: map[string]string{}}
	s.Lines = len(lines)
	var reps []sensors.Report
	var errs []error
	addErrs := func(es []error, payload string) {
		for _, e := range es {
			var se *sensors.Error
			if !errors.As(e, &se) {
				t.Fatalf("error %v is not a *sensors.Error", e)
			}
			s.Reasons[se.Reason]++
			if _, ok := s.errsSample[se.Reason]; !ok {
				s.errsSample[se.Reason] = e.Error() + " <- " + payload
			}
		}
	}
	for i := 0; i < len(lines); i += chunk {
		j := min(i+chunk, len(lines))
		payload := strings.Join(lines[i:j], "\r\n")
		reps, errs = d.Decode(reps, []byte(payload), epoch.Add(time.Duration(i)*gap))
		addErrs(errs, payload)
	}
	addErrs(d.Expire(epoch.Add(24*time.Hour)), "(flush)")
	st := d.Stats()
	s.Sentences, s.AIS, s.Messages, s.PGHP = st.Sentences, st.AISSentences, st.AISMessages, st.PGHP
	for typ, n := range st.AISTypes {
		if n > 0 {
			s.Types[typ] = n
		}
	}
	s.MMSIs = len(mmsis)
	obs := map[uint32]bool{}
	for _, r := range reps {
		s.Kinds[r.Kind.String()]++
		if r.TimeFromPayload {
			s.FromPay++
		}
		if r.Kind == sensors.KindObservation && len(r.Detections) == 1 && r.Detections[0].ID != nil {
			obs[r.Detections[0].ID.MMSI] = true
		}
		checkReport(t, r)
	}
	s.ObsMMSIs = len(obs)
	s.reports = reps
	return s
}

// checkReport checks the invariants every report must meet.
func checkReport(t testing.TB, r sensors.Report) {
	t.Helper()
	if r.Time.IsZero() || r.Time.Location() != time.UTC {
		t.Fatalf("report time %v not set or not UTC: %+v", r.Time, r)
	}
	for _, det := range r.Detections {
		if err := checkDetection(det); err != nil {
			t.Fatalf("%v: %+v", err, det)
		}
	}
	switch r.Kind {
	case sensors.KindObservation, sensors.KindAidToNavigation, sensors.KindStatic:
		if len(r.Detections) != 1 {
			t.Fatalf("%s report with %d detections", r.Kind, len(r.Detections))
		}
	}
}

func checkDetection(det sensors.Detection) error {
	for _, f := range []float64{det.Lat, det.Lon, det.Alt, det.Range, det.Bearing, det.Speed, det.Course, det.SigmaM} {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("non-finite value")
		}
	}
	if det.Lat < -90 || det.Lat > 90 || det.Lon < -180 || det.Lon > 180 {
		return fmt.Errorf("position %v %v out of range", det.Lat, det.Lon)
	}
	if det.Polar && (det.Range <= 0 || det.Range > sensors.MaxRange || det.Bearing < 0 || det.Bearing >= 360) {
		return fmt.Errorf("polar %v %v out of range", det.Range, det.Bearing)
	}
	if det.HasVelocity && (det.Speed < 0 || det.Speed > sensors.MaxSpeed || det.Course < 0 || det.Course >= 360) {
		return fmt.Errorf("velocity %v %v out of range", det.Speed, det.Course)
	}
	if !det.HasVelocity && (det.Speed != 0 || det.Course != 0) {
		return fmt.Errorf("velocity without HasVelocity")
	}
	if det.SigmaM < 0 {
		return fmt.Errorf("negative sigma")
	}
	if id := det.ID; id != nil {
		if id.MMSI > sensors.MaxMMSI || len(id.Name) > sensors.MaxNameLen || len(id.Callsign) > sensors.MaxCallsignLen {
			return fmt.Errorf("identity %+v out of range", *id)
		}
		if id.AISClass != "" && id.AISClass != "A" && id.AISClass != "B" {
			return fmt.Errorf("AIS class %q", id.AISClass)
		}
	}
	return nil
}

type fileCase struct {
	name string
	path func(t *testing.T) string
	want summary
	// gap is the time between lines (default 10 ms). The AISHub sample is
	// 3 minutes of a merged feed, 2 ms a line: its sequential message ids
	// repeat often, and a wrong gap pairs parts of different messages.
	gap time.Duration
}

func local(rel string) func(t *testing.T) string {
	return func(*testing.T) string { return filepath.Join("testdata", rel) }
}

func shared(rel string) func(t *testing.T) string {
	return func(t *testing.T) string { return shareddata.Path(t, rel) }
}

// fileCases pins what every real file decodes to. The counts were computed
// once by this decoder and checked against the upstream figures in
// testdata/PROVENANCE.md (sentences, MMSIs, $PGHP counts); reject reasons
// were inspected by hand (see the comments).
var fileCases = []fileCase{
	{name: "gpsd/ais-18-27.log", path: local("gpsd-ais/ais-18-27.log"), want: summary{Lines: 276, Comments: 4, Sentences: 276, AIS: 276, Messages: 276, Types: map[int]uint64{18: 69, 24: 138, 27: 69}, MMSIs: 33, Kinds: map[string]int{"observation": 138, "static": 138}, ObsMMSIs: 33, PGHP: 0, FromPay: 0, Reasons: map[string]int{}}},
	// AISHub merged feed, 3 minutes. Rejects: 91/181 "not available"
	// positions (bad_position); MMSI 0 and MMSIs above 999999999
	// (bad_value); 8 sentences with 6 fill bits and 30 type 5 messages
	// shorter than 420 bits (malformed): the feed merges many receivers and
	// reuses sequential ids within seconds, so parts of different messages
	// get joined (at 10 ms a line instead of 2, only one such remains); two
	// first parts whose id was reused before their second part came.
	{name: "gpsd/ais-nmea-sample.log", path: shared("gpsd-ais/ais-nmea-sample.log"), gap: 2 * time.Millisecond, want: summary{Lines: 85182, Comments: 5, Sentences: 85182, AIS: 85182, Messages: 82744, Types: map[int]uint64{1: 61374, 2: 1973, 3: 8785, 4: 4043, 5: 2221, 6: 435, 8: 1082, 9: 27, 10: 7, 11: 28, 16: 1, 17: 314, 18: 1361, 19: 109, 20: 276, 21: 379, 22: 23, 24: 306}, MMSIs: 11074, Kinds: map[string]int{"aid_to_navigation": 378, "base_station": 4034, "observation": 72534, "static": 2496}, ObsMMSIs: 10284, PGHP: 0, FromPay: 3767, Reasons: map[string]int{"bad_position": 1046, "bad_value": 60, "incomplete": 2, "malformed": 38, "unsupported": 2166}}},
	{name: "gpsd/ais-nmea-type6-fid55.log", path: local("gpsd-ais/ais-nmea-type6-fid55.log"), want: summary{Lines: 1480, Comments: 7, Sentences: 1480, AIS: 1480, Messages: 1326, Types: map[int]uint64{1: 573, 2: 12, 3: 111, 4: 30, 5: 130, 6: 68, 7: 2, 8: 73, 17: 5, 18: 110, 19: 1, 20: 12, 21: 133, 23: 2, 24: 63, 27: 1}, MMSIs: 1161, Kinds: map[string]int{"aid_to_navigation": 133, "base_station": 30, "observation": 797, "static": 193}, ObsMMSIs: 796, PGHP: 0, FromPay: 29, Reasons: map[string]int{"bad_position": 11, "unsupported": 162}}},
	// GPS sentences interleaved with the AIS: unsupported.
	{name: "gpsd/ais-nmea.log", path: local("gpsd-ais/ais-nmea.log"), want: summary{Lines: 1496, Comments: 4, Sentences: 1496, AIS: 183, Messages: 171, Types: map[int]uint64{1: 116, 3: 21, 5: 12, 8: 6, 18: 7, 24: 9}, MMSIs: 33, Kinds: map[string]int{"observation": 141, "static": 21}, ObsMMSIs: 30, PGHP: 0, FromPay: 0, Reasons: map[string]int{"bad_position": 3, "unsupported": 1319}}},
	{name: "gpsd/ais-raw-messages.log", path: local("gpsd-ais/ais-raw-messages.log"), want: summary{Lines: 114, Comments: 7, Sentences: 114, AIS: 114, Messages: 109, Types: map[int]uint64{1: 75, 3: 12, 4: 5, 5: 5, 18: 4, 21: 6, 24: 2}, MMSIs: 50, Kinds: map[string]int{"aid_to_navigation": 6, "base_station": 5, "observation": 91, "static": 7}, ObsMMSIs: 39, PGHP: 0, FromPay: 0, Reasons: map[string]int{}}},
	// One of each type (most unsupported); 3 deliberately broken lines: a
	// sentence without its '!', two with a literal "\x0d\x0a" after the checksum.
	{name: "gpsd/sample.aivdm", path: local("gpsd-ais/sample.aivdm"), want: summary{Lines: 119, Comments: 1001, Sentences: 116, AIS: 116, Messages: 101, Types: map[int]uint64{1: 4, 2: 1, 3: 1, 4: 4, 5: 3, 6: 13, 7: 3, 8: 18, 9: 2, 10: 2, 11: 1, 12: 7, 13: 1, 14: 3, 15: 3, 16: 2, 17: 2, 18: 3, 19: 1, 20: 5, 21: 1, 22: 3, 23: 1, 24: 7, 25: 3, 26: 5, 27: 2}, MMSIs: 86, Kinds: map[string]int{"aid_to_navigation": 1, "base_station": 4, "observation": 14, "static": 10}, ObsMMSIs: 13, PGHP: 0, FromPay: 1, Reasons: map[string]int{"malformed": 3, "unsupported": 72}}},
	// A $PGHP before every message, declaring the XOR of the message's
	// sentence checksums (or 00): every report has a payload time.
	{name: "dma/stream_example.txt", path: local("dma-aislib/stream_example.txt"), want: summary{Lines: 8551, Comments: 0, Sentences: 8551, AIS: 4500, Messages: 4051, Types: map[int]uint64{1: 2511, 2: 7, 3: 369, 4: 129, 5: 424, 6: 37, 7: 9, 8: 63, 9: 1, 15: 66, 16: 23, 17: 5, 18: 101, 20: 191, 21: 37, 23: 4, 24: 74}, MMSIs: 1933, Kinds: map[string]int{"aid_to_navigation": 37, "base_station": 129, "observation": 2965, "static": 497}, ObsMMSIs: 1390, PGHP: 4051, FromPay: 3628, Reasons: map[string]int{"bad_position": 23, "bad_value": 2, "unsupported": 398}}},
	{name: "dma/replay_dump.txt", path: local("dma-aislib/replay_dump.txt"), want: summary{Lines: 108, Comments: 0, Sentences: 108, AIS: 51, Messages: 50, Types: map[int]uint64{1: 43, 3: 1, 4: 2, 5: 1, 18: 1, 24: 2}, MMSIs: 34, Kinds: map[string]int{"base_station": 2, "observation": 45, "static": 3}, ObsMMSIs: 30, PGHP: 57, FromPay: 50, Reasons: map[string]int{}}},
	{name: "signalk/nais300-merrimac.log", path: local("signalk-samples/nais300-merrimac.log"), want: summary{Lines: 579, Comments: 0, Sentences: 579, AIS: 549, Messages: 536, Types: map[int]uint64{1: 339, 3: 37, 5: 13, 8: 13, 18: 133, 20: 1}, MMSIs: 52, Kinds: map[string]int{"observation": 379, "static": 13}, ObsMMSIs: 50, PGHP: 0, FromPay: 0, Reasons: map[string]int{"bad_position": 130, "unsupported": 44}}},
	{name: "signalk/nais400-merrimac.log", path: local("signalk-samples/nais400-merrimac.log"), want: summary{Lines: 765, Comments: 0, Sentences: 765, AIS: 703, Messages: 668, Types: map[int]uint64{1: 492, 3: 50, 4: 12, 5: 35, 8: 21, 15: 9, 18: 13, 20: 5, 21: 26, 24: 5}, MMSIs: 155, Kinds: map[string]int{"aid_to_navigation": 26, "base_station": 12, "observation": 538, "static": 40}, ObsMMSIs: 134, PGHP: 0, FromPay: 11, Reasons: map[string]int{"bad_position": 17, "unsupported": 97}}},
	{name: "libais/tagblock.nmea", path: local("libais/tagblock.nmea"), want: summary{Lines: 5, Comments: 0, Sentences: 5, AIS: 5, Messages: 4, Types: map[int]uint64{1: 3, 5: 1}, MMSIs: 2, Kinds: map[string]int{"observation": 3, "static": 1}, ObsMMSIs: 1, PGHP: 0, FromPay: 4, Reasons: map[string]int{}}},
	// USCG NAIS metadata; synthetic values in several messages (types 2, 9 and
	// 27 at latitudes beyond ±90: bad_position).
	{name: "libais/typeexamples.nmea", path: local("libais/typeexamples.nmea"), want: summary{Lines: 26, Comments: 0, Sentences: 26, AIS: 26, Messages: 26, Types: map[int]uint64{1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 8: 1, 9: 1, 10: 1, 11: 1, 12: 1, 13: 1, 14: 1, 15: 1, 16: 1, 17: 1, 18: 1, 20: 1, 21: 1, 22: 1, 23: 1, 24: 1, 25: 1, 26: 1, 27: 1}, MMSIs: 25, Kinds: map[string]int{"aid_to_navigation": 1, "base_station": 1, "observation": 3, "static": 2}, ObsMMSIs: 3, PGHP: 0, FromPay: 7, Reasons: map[string]int{"bad_position": 3, "unsupported": 16}}},
	// Instruments and GPS sentences (unsupported); 3 with a one-digit checksum
	// (malformed); 397 '#EC' autopilot echo lines left out.
	{name: "opencpn/stupan.se-10112-tcp.log", path: shared("opencpn-nmea/stupan.se-10112-tcp.log"), want: summary{Lines: 1841, Comments: 397, Sentences: 1838, AIS: 1295, Messages: 1264, Types: map[int]uint64{1: 829, 3: 194, 4: 67, 5: 31, 8: 16, 18: 61, 20: 15, 21: 4, 24: 47}, MMSIs: 330, Kinds: map[string]int{"aid_to_navigation": 4, "base_station": 67, "observation": 1071, "static": 78}, ObsMMSIs: 276, PGHP: 0, FromPay: 56, Reasons: map[string]int{"bad_position": 13, "malformed": 3, "unsupported": 574}}},
}

func TestRealFiles(t *testing.T) {
	for _, fc := range fileCases {
		t.Run(fc.name, func(t *testing.T) {
			lines, comments := readLines(t, fc.path(t))
			gap := fc.gap
			if gap == 0 {
				gap = 10 * time.Millisecond
			}
			got := decodeLines(t, lines, 1, gap)
			got.Comments = comments
			for reason, sample := range got.errsSample {
				t.Logf("first %s: %s", reason, sample)
			}
			if os.Getenv("NMEA_PRINT_COUNTS") != "" {
				t.Logf("counts: %s", formatSummary(got))
			}
			if fc.want.Types == nil {
				t.Errorf("no pinned counts; got %s", formatSummary(got))
				return
			}
			got.errsSample, got.reports = nil, nil
			if !reflect.DeepEqual(got, fc.want) {
				t.Errorf("got  %s\nwant %s", formatSummary(got), formatSummary(fc.want))
			}
			// Many lines per payload must give the same result.
			chunked := decodeLines(t, lines, 97, gap)
			chunked.Comments = comments
			chunked.errsSample, chunked.reports = nil, nil
			if !reflect.DeepEqual(chunked, got) {
				t.Errorf("97 lines per payload: got %s\nwant %s", formatSummary(chunked), formatSummary(got))
			}
		})
	}
}

func formatSummary(s summary) string {
	f := func(m any) string {
		switch m := m.(type) {
		case map[int]uint64:
			var b strings.Builder
			b.WriteString("map[int]uint64{")
			for _, k := range slices.Sorted(maps.Keys(m)) {
				fmt.Fprintf(&b, "%d: %d, ", k, m[k])
			}
			return strings.TrimSuffix(b.String(), ", ") + "}"
		case map[string]int:
			var b strings.Builder
			b.WriteString("map[string]int{")
			for _, k := range slices.Sorted(maps.Keys(m)) {
				fmt.Fprintf(&b, "%q: %d, ", k, m[k])
			}
			return strings.TrimSuffix(b.String(), ", ") + "}"
		}
		return ""
	}
	return fmt.Sprintf("summary{Lines: %d, Comments: %d, Sentences: %d, AIS: %d, Messages: %d, Types: %s, MMSIs: %d, Kinds: %s, ObsMMSIs: %d, PGHP: %d, FromPay: %d, Reasons: %s}",
		s.Lines, s.Comments, s.Sentences, s.AIS, s.Messages, f(s.Types), s.MMSIs, f(s.Kinds), s.ObsMMSIs, s.PGHP, s.FromPay, f(s.Reasons))
}
