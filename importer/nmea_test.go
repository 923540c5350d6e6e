package importer

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/vigia-project/vigia/internal/shareddata"
	"github.com/vigia-project/vigia/recording"
	"github.com/vigia-project/vigia/sensors"
	"github.com/vigia-project/vigia/sensors/nmea"
)

// checkReportTimes checks that every report has the entry's time, or a
// time of its own payload: own(entry) returns the times the entry's
// payload carries (tag block, NAIS, $PGHP), base station reports (AIS type
// 4) carry their own UTC and are not checked. It returns the reports and
// how many took a payload time.
func checkReportTimes(t *testing.T, ds []decoded, own func(recording.Entry) []time.Time) (reports, fromPayload int) {
	t.Helper()
	for _, d := range ds {
		for _, r := range d.reports {
			reports++
			if r.Kind == sensors.KindBaseStation {
				continue
			}
			if !r.TimeFromPayload {
				if !r.Time.Equal(d.entry.Time) {
					t.Fatalf("report at %s, entry at %s: %q", r.Time, d.entry.Time, d.entry.Payload)
				}
				continue
			}
			fromPayload++
			ok := false
			if own != nil {
				for _, o := range own(d.entry) {
					ok = ok || o.Equal(r.Time)
				}
			}
			if !ok {
				t.Fatalf("report at %s (from the payload), entry at %s: %q", r.Time, d.entry.Time, d.entry.Payload)
			}
		}
	}
	return reports, fromPayload
}

// payloadTimes returns the times the lines of a payload carry.
func payloadTimes(e recording.Entry) []time.Time {
	var out []time.Time
	for _, line := range bytes.Split(e.Payload, []byte{'\n'}) {
		if l, r := parseNMEALine(line); r == "" && l.hasFix {
			out = append(out, l.fix)
		}
	}
	return out
}

// rawLineFeed decodes a file line by line, one Decode per line at
// start + k × interval: what the decoder makes of the file without the
// importer's grouping.
func rawLineFeed(t *testing.T, path string, start time.Time, interval time.Duration) nmea.Stats {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := nmea.NewDecoder(nmea.Options{Sensor: "raw"})
	sc := bufio.NewScanner(f)
	k := 0
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		d.Decode(nil, []byte(line), start.Add(time.Duration(k)*interval))
		k++
	}
	return d.Stats()
}

// The GPSD logs have no time at all: -start is required, and each line is
// -interval after the one before.
func TestNMEAGPSDNoTime(t *testing.T) {
	const rel = "gpsd-ais/ais-nmea-sample.log"
	f, err := os.Open(shareddata.Path(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	_, res, err := collect(t, f, Options{Format: FormatNMEA})
	f.Close()
	if !errors.Is(err, ErrNoTime) || err.Error() != "no time in the log: give -start" {
		t.Fatalf("without Start: %v", err)
	}
	if res.Entries != 0 {
		t.Fatalf("without Start: %d entries", res.Entries)
	}

	start := mustTime(t, "2026-11-28T06:00:00Z")
	entries, res := importShared(t, rel, Options{Format: FormatNMEA, Start: start})
	// 85,187 lines: 5 comment lines, 85,182 sentences (PROVENANCE.md), of
	// which 2 parts of messages whose other part is not in the log. Line k
	// of the 85,182 is at start + k × 100 ms: the last at 8518.1 s.
	if res.Read != 85187 || res.Entries != 82752 || res.Grouped != 2405 ||
		!eqCounts(res.Skipped, map[string]int{"comment": 5, "incomplete": 2}) {
		t.Errorf("read %d entries %d grouped %d skipped %v", res.Read, res.Entries, res.Grouped, res.Skipped)
	}
	if !res.First.Equal(start) || !res.Last.Equal(start.Add(85181*DefaultInterval)) {
		t.Errorf("span %s – %s", res.First, res.Last)
	}
	if res.Sources["start"] != 85182 || res.Behind != 0 {
		t.Errorf("sources %v behind %d", res.Sources, res.Behind)
	}
	d := nmea.NewDecoder(nmea.Options{Sensor: "test"})
	ds, reasons := decodeAll(t, d, entries)
	reports, _ := checkReportTimes(t, ds, nil)
	// Grouping does not change what the decoder makes of the log: the same
	// complete messages as the lines fed one by one.
	want := rawLineFeed(t, shareddata.Path(t, rel), start, DefaultInterval)
	got := d.Stats()
	if got.AISMessages != want.AISMessages || got.AISTypes != want.AISTypes || got.AISSentences != want.AISSentences-2 {
		t.Errorf("decoder: %d messages, %d sentences; fed line by line: %d, %d", got.AISMessages, got.AISSentences, want.AISMessages, want.AISSentences)
	}
	if reasons[sensors.ReasonIncomplete] != 0 || reasons[sensors.ReasonChecksum] != 0 {
		t.Errorf("decoder errors %v", reasons)
	}
	t.Logf("%d reports, %d AIS messages, decoder errors %v", reports, got.AISMessages, reasons)

	// The other GPSD logs: counts only, and they decode.
	for _, c := range []struct {
		rel                    string
		read, entries, comment int
	}{
		{"gpsd-ais/ais-18-27.log", 280, 276, 4},
		{"gpsd-ais/ais-raw-messages.log", 121, 109, 7},
		{"gpsd-ais/ais-nmea-type6-fid55.log", 1487, 1326, 7},
	} {
		entries, res := importShared(t, c.rel, Options{Format: FormatNMEA, Start: start})
		if res.Read != c.read || res.Entries != c.entries || !eqCounts(res.Skipped, map[string]int{"comment": c.comment}) {
			t.Errorf("%s: read %d entries %d skipped %v", c.rel, res.Read, res.Entries, res.Skipped)
		}
		n := res.Read - c.comment
		if !res.First.Equal(start) || !res.Last.Equal(start.Add(time.Duration(n-1)*DefaultInterval)) {
			t.Errorf("%s: span %s – %s", c.rel, res.First, res.Last)
		}
		ds, reasons := decodeAll(t, nmea.NewDecoder(nmea.Options{Sensor: "test"}), entries)
		checkReportTimes(t, ds, nil)
		if reasons[sensors.ReasonIncomplete] != 0 || reasons[sensors.ReasonChecksum] != 0 || reasons[sensors.ReasonMalformed] != 0 {
			t.Errorf("%s: decoder errors %v", c.rel, reasons)
		}
	}
}

// ais-nmea.log interleaves GPS sentences: $GPRMC gives the clock.
func TestNMEAGPSDRMC(t *testing.T) {
	entries, res := importShared(t, "gpsd-ais/ais-nmea.log", Options{Format: FormatNMEA})
	// The first $GPRMC (line 8) says 213950.00 on 070420, the last (line
	// 1492) 214233.00: the three lines before the first take its time.
	if !res.First.Equal(mustTime(t, "2020-04-07T21:39:50Z")) || !res.Last.Equal(mustTime(t, "2020-04-07T21:42:33Z")) {
		t.Errorf("span %s – %s", res.First, res.Last)
	}
	if res.Read != 1500 || res.Entries != 1484 || res.Sources["rmc"] != 164 || res.Behind != 0 || res.Grouped != 12 ||
		!eqCounts(res.Skipped, map[string]int{"comment": 4}) {
		t.Errorf("read %d entries %d sources %v behind %d grouped %d skipped %v", res.Read, res.Entries, res.Sources, res.Behind, res.Grouped, res.Skipped)
	}
	// -start does not override the log's own times: the lines before the
	// first fix take Start + k × interval, capped at the first fix.
	_, res2 := importShared(t, "gpsd-ais/ais-nmea.log", Options{Format: FormatNMEA, Start: mustTime(t, "2026-01-01T00:00:00Z")})
	if !res2.First.Equal(res.First) || !res2.Last.Equal(res.Last) || res2.Behind != 0 {
		t.Errorf("with a later Start: span %s – %s, behind %d", res2.First, res2.Last, res2.Behind)
	}
	// Three lines come before the first fix (after four comment lines): a
	// $GPGSA and the two parts of a message, written as one entry at the
	// time of its second part.
	early := mustTime(t, "2020-04-07T21:39:49Z")
	e3, _ := importShared(t, "gpsd-ais/ais-nmea.log", Options{Format: FormatNMEA, Start: early})
	for k, want := range []time.Time{early, early.Add(2 * DefaultInterval), res.First} {
		if !e3[k].Time.Equal(want) {
			t.Errorf("with an earlier Start: entry %d at %s, want %s", k, e3[k].Time, want)
		}
	}
	ds, reasons := decodeAll(t, nmea.NewDecoder(nmea.Options{Sensor: "test"}), entries)
	reports, _ := checkReportTimes(t, ds, nil)
	if reports == 0 || reasons[sensors.ReasonIncomplete] != 0 || reasons[sensors.ReasonChecksum] != 0 {
		t.Errorf("%d reports, decoder errors %v", reports, reasons)
	}
}

// The DMA stream stamps each sentence with a $PGHP (ms, UTC) before it.
func TestNMEADMAPGHP(t *testing.T) {
	entries, res := importShared(t, "dma-aislib/stream_example.txt", Options{Format: FormatNMEA})
	// First line: $PGHP,1,2010,6,11,11,46,11,390 → 11:46:11.390. The stream
	// merges base stations: $PGHP times go back (3,069 times, by up to 7.9 s;
	// median 66 ms); the clock holds the latest, 11:46:38.873 (the largest
	// $PGHP time of the file; PROVENANCE.md: 11:46:10–11:46:38). Two
	// sentences (lines 4187, 6515) also carry a NAIS-style unix time after
	// their checksum, which the decoder prefers to the $PGHP.
	if !res.First.Equal(mustTime(t, "2010-06-11T11:46:11.39Z")) || !res.Last.Equal(mustTime(t, "2010-06-11T11:46:38.873Z")) {
		t.Errorf("span %s – %s", res.First, res.Last)
	}
	if res.Read != 8551 || res.Entries != 4051 || res.Grouped != 4051 || res.Sources["pghp"] != 4051 || res.Sources["nais"] != 2 || res.Behind != 3069 || res.SkippedTotal() != 0 {
		t.Errorf("read %d entries %d grouped %d sources %v behind %d skipped %v", res.Read, res.Entries, res.Grouped, res.Sources, res.Behind, res.Skipped)
	}
	for i, e := range entries {
		if !bytes.HasPrefix(e.Payload, []byte("$PGHP,")) {
			t.Fatalf("entry %d does not start with its $PGHP: %q", i, e.Payload)
		}
	}
	d := nmea.NewDecoder(nmea.Options{Sensor: "test"})
	ds, reasons := decodeAll(t, d, entries)
	reports, fromPayload := checkReportTimes(t, ds, payloadTimes)
	if d.Stats().PGHP != 4051 || reasons[sensors.ReasonIncomplete] != 0 || reasons[sensors.ReasonChecksum] != 0 || fromPayload < reports*9/10 {
		t.Errorf("%d reports, %d with the $PGHP time; %d $PGHP; decoder errors %v", reports, fromPayload, d.Stats().PGHP, reasons)
	}
	t.Logf("%d reports, %d with the $PGHP time, decoder errors %v", reports, fromPayload, reasons)

	_, res = importShared(t, "dma-aislib/replay_dump.txt", Options{Format: FormatNMEA})
	// 57 $PGHP and 51 sentences; first 09:19:09.499, latest 09:19:30.922.
	if !res.First.Equal(mustTime(t, "2013-03-18T09:19:09.499Z")) || !res.Last.Equal(mustTime(t, "2013-03-18T09:19:30.922Z")) ||
		res.Read != 108 || res.Entries != 50 || res.Sources["pghp"] != 57 {
		t.Errorf("replay_dump: span %s – %s, read %d entries %d sources %v", res.First, res.Last, res.Read, res.Entries, res.Sources)
	}
}

// libais's ORBCOMM satellite lines: tag block times out of order, and a
// two-part message (g:1-2-1604, g:2-2-1604) with a line between its parts.
func TestNMEATagBlock(t *testing.T) {
	entries, res := importShared(t, "libais/tagblock.nmea", Options{Format: FormatNMEA})
	// c: times in file order: 1418169601 (part 1), 1418172113, 1418169601
	// (part 2), 1418171722, 1418171561. The clock takes 00:41:53 at line 2
	// and holds it; the message is written when part 2 completes it.
	at := mustTime(t, "2014-12-10T00:41:53Z")
	if res.Entries != 4 || res.Grouped != 1 || res.Behind != 3 || res.Sources["tag_block"] != 5 || res.SkippedTotal() != 0 {
		t.Errorf("entries %d grouped %d behind %d sources %v skipped %v", res.Entries, res.Grouped, res.Behind, res.Sources, res.Skipped)
	}
	if !res.First.Equal(at) || !res.Last.Equal(at) {
		t.Errorf("span %s – %s", res.First, res.Last)
	}
	ds, reasons := decodeAll(t, nmea.NewDecoder(nmea.Options{Sensor: "test"}), entries)
	reports, fromPayload := checkReportTimes(t, ds, payloadTimes)
	if reports != 4 || fromPayload != 4 || len(reasons) != 0 {
		t.Errorf("%d reports, %d with their tag block time, decoder errors %v", reports, fromPayload, reasons)
	}
	// The type 5 of the two parts has the time of its parts, 00:00:01.
	if r := ds[1].reports; len(r) != 1 || r[0].Kind != sensors.KindStatic || !r[0].Time.Equal(mustTime(t, "2014-12-10T00:00:01Z")) {
		t.Errorf("grouped message: %+v", r)
	}
}

// USCG NAIS receiver metadata: the unix time after the checksum.
func TestNMEANAIS(t *testing.T) {
	entries, res := importShared(t, "libais/typeexamples.nmea", Options{Format: FormatNMEA})
	// First line ",…,1325394060,…" = 2012-01-01T05:01:00Z; the times
	// increase to the last line's 1326, 1325984926 = 2012-01-08T01:08:46Z.
	if !res.First.Equal(mustTime(t, "2012-01-01T05:01:00Z")) || !res.Last.Equal(mustTime(t, "2012-01-08T01:08:46Z")) {
		t.Errorf("span %s – %s", res.First, res.Last)
	}
	if res.Read != 26 || res.Entries != 26 || res.Sources["nais"] != 26 || res.Behind != 0 {
		t.Errorf("read %d entries %d sources %v behind %d", res.Read, res.Entries, res.Sources, res.Behind)
	}
	ds, _ := decodeAll(t, nmea.NewDecoder(nmea.Options{Sensor: "test"}), entries)
	for _, d := range ds {
		for _, r := range d.reports {
			if r.Kind != sensors.KindBaseStation && (!r.TimeFromPayload || !r.Time.Equal(d.entry.Time)) {
				t.Errorf("report at %s (payload %v), entry at %s", r.Time, r.TimeFromPayload, d.entry.Time)
			}
		}
	}
}

// Signal K's NAIS-300/400 transponder logs: own-ship $GPRMC once a second.
func TestNMEASignalKRMC(t *testing.T) {
	for _, c := range []struct {
		rel                  string
		first, last          string
		read, entries, fixes int
	}{
		// nais300: first $GPRMC on line 520 (163318.00, 180612), the last
		// 163327.00; the 519 lines before take the first's time.
		{"signalk-samples/nais300-merrimac.log", "2012-06-18T16:33:18Z", "2012-06-18T16:33:27Z", 579, 566, 10},
		// nais400: line 512 (200255.00, 160414) to 200309.00.
		{"signalk-samples/nais400-merrimac.log", "2014-04-16T20:02:55Z", "2014-04-16T20:03:09Z", 765, 730, 15},
	} {
		entries, res := importShared(t, c.rel, Options{Format: FormatNMEA})
		if !res.First.Equal(mustTime(t, c.first)) || !res.Last.Equal(mustTime(t, c.last)) {
			t.Errorf("%s: span %s – %s", c.rel, res.First, res.Last)
		}
		if res.Read != c.read || res.Entries != c.entries || res.Sources["rmc"] != c.fixes || res.SkippedTotal() != 0 {
			t.Errorf("%s: read %d entries %d sources %v skipped %v", c.rel, res.Read, res.Entries, res.Sources, res.Skipped)
		}
		ds, reasons := decodeAll(t, nmea.NewDecoder(nmea.Options{Sensor: "test"}), entries)
		reports, _ := checkReportTimes(t, ds, nil)
		if reports == 0 || reasons[sensors.ReasonIncomplete] != 0 || reasons[sensors.ReasonChecksum] != 0 {
			t.Errorf("%s: %d reports, decoder errors %v", c.rel, reports, reasons)
		}
	}
}

// OpenCPN's shore feed: $GPZDA is the clock; its $GPRMC have no time (and
// a 1994 date), its "#ECRMC" autopilot lines are commented out.
func TestNMEAOpenCPNZDA(t *testing.T) {
	entries, res := importShared(t, "opencpn-nmea/stupan.se-10112-tcp.log", Options{Format: FormatNMEA})
	// First $GPZDA on line 5: 170948, 18 08 2022; the last (line 2209) 171045.
	if !res.First.Equal(mustTime(t, "2022-08-18T17:09:48Z")) || !res.Last.Equal(mustTime(t, "2022-08-18T17:10:45Z")) {
		t.Errorf("span %s – %s", res.First, res.Last)
	}
	// 3 torn "$IIXDR…*5" lines (one checksum digit).
	if res.Read != 2238 || res.Entries != 1807 || res.Sources["zda"] != 27 || res.Ignored != 36 ||
		!eqCounts(res.Skipped, map[string]int{"comment": 397, "malformed": 3}) {
		t.Errorf("read %d entries %d sources %v ignored %d skipped %v", res.Read, res.Entries, res.Sources, res.Ignored, res.Skipped)
	}
	d := nmea.NewDecoder(nmea.Options{Sensor: "test"})
	ds, reasons := decodeAll(t, d, entries)
	reports, _ := checkReportTimes(t, ds, nil)
	// PROVENANCE.md: 1,295 VDM.
	if d.Stats().AISSentences != 1295 || reasons[sensors.ReasonIncomplete] != 0 || reasons[sensors.ReasonChecksum] != 0 {
		t.Errorf("%d reports, %d AIS sentences, decoder errors %v", reports, d.Stats().AISSentences, reasons)
	}
}

// testdata/edge.nmea: CRLF, a comment, lines before the first fix, a void
// RMC, a bad and a torn checksum, a two-part message with a line between
// its parts, a ZDA, garbage, an orphan part, a tag block time, a fix behind
// the clock, a torn last line without a line end.
func TestNMEAEdgeFixture(t *testing.T) {
	entries, res, err := importTestdata(t, "edge.nmea", Options{Format: FormatNMEA})
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time { return mustTime(t, "2026-11-28T"+s+"Z") }
	want := []struct {
		t      time.Time
		prefix string
		lines  int
	}{
		{at("12:35:20"), "!AIVDM,1,1,,A,13HOI", 1}, // before the first fix: takes its time
		{at("12:35:20"), "$GPRMC,123519.00,V", 1},  // void: kept, not a time
		{at("12:35:20"), "$GPRMC,123520.00,A", 1},  // the first fix
		{at("12:35:20"), "!AIVDM,1,1,,B,100h", 1},  // between the parts
		{at("12:35:20"), "!AIVDM,2,1,9,B", 2},      // the two parts, at the second
		{at("12:35:21.5"), "$GPZDA", 1},
		{at("12:35:21.5"), "!AIVDM,1,1,,B,13ea", 1},
		{at("12:35:30"), `\s:rTEST,c:1795869330`, 1},
		{at("12:35:30"), "$GPRMC,123525.00,A", 1}, // behind: the clock holds
	}
	if len(entries) != len(want) {
		for _, e := range entries {
			t.Logf("%s %q", e.Time, e.Payload)
		}
		t.Fatalf("%d entries, want %d", len(entries), len(want))
	}
	for i, w := range want {
		e := entries[i]
		if !e.Time.Equal(w.t) || !bytes.HasPrefix(e.Payload, []byte(w.prefix)) || bytes.Count(e.Payload, []byte{'\n'})+1 != w.lines ||
			bytes.ContainsAny(e.Payload, "\r") {
			t.Errorf("entry %d: %s %q, want %s %q… (%d lines)", i, e.Time, e.Payload, w.t, w.prefix, w.lines)
		}
	}
	if !bytes.Equal(entries[4].Payload, []byte("!AIVDM,2,1,9,B,53nFBv01SJ<thHp6220H4heHTf2222222222221?50:454o<`9QSlUDp,0*09\n!AIVDM,2,2,9,B,888888888888880,2*2E")) {
		t.Errorf("grouped payload %q", entries[4].Payload)
	}
	if res.Read != 17 || res.Behind != 1 || res.Ignored != 1 || res.Grouped != 1 ||
		!eqCounts(res.Skipped, map[string]int{"comment": 1, "checksum": 2, "malformed": 2, "not_nmea": 1, "incomplete": 1}) {
		t.Errorf("read %d behind %d ignored %d grouped %d skipped %v", res.Read, res.Behind, res.Ignored, res.Grouped, res.Skipped)
	}
	ds, reasons := decodeAll(t, nmea.NewDecoder(nmea.Options{Sensor: "test"}), entries)
	reports, fromPayload := checkReportTimes(t, ds, payloadTimes)
	// 4 position reports, 1 static (type 5); the RMC and ZDA sentences are
	// unsupported by the decoder (4: two RMC, a void RMC, a ZDA).
	if reports != 5 || fromPayload != 1 || !eqCounts(reasons, map[string]int{sensors.ReasonUnsupported: 4}) {
		t.Errorf("%d reports, %d from the payload, decoder errors %v", reports, fromPayload, reasons)
	}

	// Without any time, Start and Interval time every line.
	start := mustTime(t, "2026-01-02T03:04:05Z")
	in := "!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*23\n\n!AIVDM,1,1,,B,100h00PP0@PHFV`Mg5gTH?vNPUIp,0*3B\r!AIVDM,1,1,,B,13eaJF0P00Qd388Eew6aagvH85Ip,0*45"
	entries, _, err = collect(t, strings.NewReader(in), Options{Format: FormatNMEA, Start: start, Interval: time.Second})
	if err != nil || len(entries) != 3 || !entries[2].Time.Equal(start.Add(2*time.Second)) {
		t.Errorf("Start + Interval: %v %v", entries, err)
	}
	if _, _, err := collect(t, strings.NewReader(in), Options{Format: FormatNMEA}); !errors.Is(err, ErrNoTime) {
		t.Errorf("no time, no Start: %v", err)
	}
	if _, _, err := collect(t, strings.NewReader("# only a comment\n"), Options{Format: FormatNMEA}); err == nil {
		t.Error("nothing usable: no error")
	}
}

// A multi-part message keyed by sequential id does not complete across
// more than 10 s of clock; one keyed by a tag block group does.
func TestNMEAGroupSpan(t *testing.T) {
	p1 := "!AIVDM,2,1,9,B,53nFBv01SJ<thHp6220H4heHTf2222222222221?50:454o<`9QSlUDp,0*09"
	p2 := "!AIVDM,2,2,9,B,888888888888880,2*2E"
	rmc := func(hhmmss string) string {
		body := "GPRMC," + hhmmss + ".00,A,2606.000,N,09721.000,W,0.1,,281126,,,A"
		var x byte
		for i := range len(body) {
			x ^= body[i]
		}
		return "$" + body + "*" + string("0123456789ABCDEF"[x>>4]) + string("0123456789ABCDEF"[x&15])
	}
	in := strings.Join([]string{rmc("120000"), p1, rmc("120011"), p2}, "\n")
	_, res, _ := collect(t, strings.NewReader(in), Options{Format: FormatNMEA})
	if res.Grouped != 0 || res.Skipped["incomplete"] != 2 {
		t.Errorf("11 s apart: grouped %d skipped %v", res.Grouped, res.Skipped)
	}
	in = strings.Join([]string{rmc("120000"), p1, rmc("120009"), p2}, "\n")
	_, res, _ = collect(t, strings.NewReader(in), Options{Format: FormatNMEA})
	if res.Grouped != 1 || res.SkippedTotal() != 0 {
		t.Errorf("9 s apart: grouped %d skipped %v", res.Grouped, res.Skipped)
	}
}

// TestNMEAFramingAsDecoder: a line's tag blocks and sentence are framed by
// the decoder's own functions, so the importer skips a line for the reason
// the decoder drops it for, and keeps those the decoder takes (an empty
// tag block, a trailing comma in one).
func TestNMEAFramingAsDecoder(t *testing.T) {
	good := "!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*23"
	for _, c := range []struct{ line, reason string }{
		{good, ""},
		{`\*00\` + good, ""},
		{`\s:r1,*26\` + good, ""},
		{`\s:r1*0B\` + good, sensors.ReasonChecksum},
		{`\s:r1*0A` + good, sensors.ReasonMalformed},
		{`\c:x*21\` + good, sensors.ReasonBadTime},
		{strings.Replace(good, "*23", "*24", 1), sensors.ReasonChecksum},
		{strings.Replace(good, "*23", "*2", 1), sensors.ReasonMalformed},
		{good + "x", sensors.ReasonMalformed},
	} {
		_, reason := parseNMEALine([]byte(c.line))
		decoder := ""
		if _, errs := nmea.NewDecoder(nmea.Options{}).Decode(nil, []byte(c.line), time.Unix(1.7e9, 0)); len(errs) > 0 {
			decoder = errs[0].(*sensors.Error).Reason
		}
		if reason != c.reason || decoder != c.reason {
			t.Errorf("%q: importer %q, decoder %q, want %q", c.line, reason, decoder, c.reason)
		}
	}
}
