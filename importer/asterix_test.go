package importer

import (
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigia-project/vigia/internal/shareddata"
	"github.com/vigia-project/vigia/recording"
	"github.com/vigia-project/vigia/sensors/asterix"
)

// The CroatiaControl captures: one entry per UDP datagram at its capture
// time; the decoder completes the ASTERIX times of day with the entry's
// date.
func TestASTERIXPcaps(t *testing.T) {
	for _, c := range []struct {
		file        string
		edition     string
		first, last string // capture times of the first and last packets (tcpdump -r … -tt)
		entries     int
		reports     int
	}{
		// PROVENANCE.md: 100 packets, 86 CAT048 + 34 CAT034 blocks,
		// 2016-05-05 07:35:56 UTC, 0.4 s.
		{"cat_034_048.pcap", "", "2016-05-05T07:35:56.50891Z", "2016-05-05T07:35:56.953471Z", 100, 160},
		// 100 CAT062 blocks (edition 0.17), 2008-05-15 12:47:45 UTC, 9.2 s.
		{"asterix.pcap", "0.17", "2008-05-15T12:47:45.763759Z", "2008-05-15T12:47:54.965378Z", 100, 100},
		// 1 packet: CAT062 + CAT065, 2014-02-25.
		{"cat_062_065.pcap", "", "2014-02-25T12:43:47.401501Z", "2014-02-25T12:43:47.401501Z", 1, 3},
	} {
		entries, res := importShared(t, "asterix-croatiacontrol/"+c.file, Options{Format: FormatASTERIX})
		if res.Container != "pcap" || res.Entries != c.entries || res.Read != c.entries || res.SkippedTotal() != 0 || res.Behind != 0 {
			t.Errorf("%s: container %s read %d entries %d behind %d skipped %v", c.file, res.Container, res.Read, res.Entries, res.Behind, res.Skipped)
		}
		if !res.First.Equal(mustTime(t, c.first)) || !res.Last.Equal(mustTime(t, c.last)) {
			t.Errorf("%s: span %s – %s", c.file, res.First.Format(time.RFC3339Nano), res.Last.Format(time.RFC3339Nano))
		}
		ds, reasons := decodeAll(t, asterix.NewDecoder(asterix.Options{Sensor: "test", CAT062Edition: c.edition}), entries)
		n := 0
		var worst time.Duration
		for _, d := range ds {
			for _, r := range d.reports {
				n++
				lag := d.entry.Time.Sub(r.Time)
				if lag < 0 {
					lag = -lag
				}
				worst = max(worst, lag)
				// The time of day is within seconds of the capture time.
				if !r.TimeFromPayload || lag > 30*time.Second {
					t.Errorf("%s: report at %s (payload %v), entry at %s", c.file, r.Time, r.TimeFromPayload, d.entry.Time)
				}
			}
		}
		if n != c.reports || len(reasons) != 0 {
			t.Errorf("%s: %d reports, decoder errors %v", c.file, n, reasons)
		}
		t.Logf("%s: %d reports, largest |capture − time of day| %s", c.file, n, worst)
	}

	// cat_001_002.pcap: its one UDP payload starts with a 6-byte record
	// header, not a data block: nothing to import.
	f, err := os.Open(shareddata.Path(t, "asterix-croatiacontrol/cat_001_002.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, res, err := collect(t, f, Options{Format: FormatASTERIX})
	if err == nil || res.Skipped["not_asterix"] != 1 {
		t.Errorf("cat_001_002.pcap: %v, skipped %v", err, res.Skipped)
	}
}

// Raw files of concatenated data blocks have no time: Start + k × Interval.
func TestASTERIXRaw(t *testing.T) {
	start := mustTime(t, "2026-11-28T06:00:00Z")
	for _, c := range []struct {
		file    string
		blocks  int
		reports int
	}{
		{"cat048.raw", 1, 1},
		{"cat034.raw", 1, 1},
		{"cat062cat065.raw", 2, 3},
		{"cat21_re.ast", 2, 2},
	} {
		rel := "asterix-croatiacontrol/" + c.file
		f, err := os.Open(shareddata.Path(t, rel))
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = collect(t, f, Options{Format: FormatASTERIX})
		f.Close()
		if !errors.Is(err, ErrNoTime) {
			t.Errorf("%s without Start: %v", c.file, err)
		}
		entries, res := importShared(t, rel, Options{Format: FormatASTERIX, Start: start})
		if res.Container != "raw" || res.Entries != c.blocks || res.SkippedTotal() != 0 ||
			!res.Last.Equal(start.Add(time.Duration(c.blocks-1)*DefaultInterval)) {
			t.Errorf("%s: container %s entries %d skipped %v last %s", c.file, res.Container, res.Entries, res.Skipped, res.Last)
		}
		for _, e := range entries {
			if !IsASTERIX(e.Payload) || len(e.Payload) != int(e.Payload[1])<<8|int(e.Payload[2]) {
				t.Errorf("%s: entry is not one block: % x", c.file, e.Payload)
			}
		}
		ds, reasons := decodeAll(t, asterix.NewDecoder(asterix.Options{Sensor: "test"}), entries)
		n := 0
		for _, d := range ds {
			n += len(d.reports)
		}
		if n != c.reports || len(reasons) != 0 {
			t.Errorf("%s: %d reports, decoder errors %v", c.file, n, reasons)
		}
	}

	// A torn last block and a bad block header.
	raw := append(append(cat034(1), cat034(2)...), cat034(3)[:6]...)
	entries, res, err := collect(t, strings.NewReader(string(raw)), Options{Format: FormatASTERIX, Start: start})
	if err != nil || len(entries) != 2 || res.Skipped["torn_block"] != 1 {
		t.Errorf("torn block: %d entries, skipped %v, %v", len(entries), res.Skipped, err)
	}
	raw = append(cat034(1), 34, 0, 2, 9, 9, 9)
	entries, res, err = collect(t, strings.NewReader(string(raw)), Options{Format: FormatASTERIX, Start: start})
	if err != nil || len(entries) != 1 || res.Skipped["bad_block"] != 1 {
		t.Errorf("bad block: %d entries, skipped %v, %v", len(entries), res.Skipped, err)
	}
}

// ImportFile writes a gzipped recording that reads back as it was made,
// and leaves nothing behind when the import fails.
func TestImportFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "edge.rec.gz")
	o := Options{Format: FormatNMEA, Topic: "vigia/obs/ais/ais-rgv", QoS: 1}
	res, err := ImportFile(context.Background(), "testdata/edge.nmea", out, o)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != res.Entries {
		t.Fatalf("%d lines, %d entries", len(lines), res.Entries)
	}
	want, _, _ := importTestdata(t, "edge.nmea", o)
	for i, l := range lines {
		e, err := recording.UnmarshalLine([]byte(l))
		if err != nil || !e.Time.Equal(want[i].Time) || string(e.Payload) != string(want[i].Payload) || e.QoS != 1 || e.Topic != o.Topic {
			t.Errorf("line %d: %s (%v)", i, l, err)
		}
	}
	if !strings.Contains(lines[0], `"time":"2026-11-28T12:35:20Z","topic":"vigia/obs/ais/ais-rgv","qos":1,"payload":"!AIVDM`) {
		t.Errorf("first line %s", lines[0])
	}

	// A failed import (no time, no Start) leaves the old recording alone
	// and no temporary file.
	plain := filepath.Join(dir, "old.rec")
	if err := os.WriteFile(plain, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	noTime := filepath.Join(dir, "notime.nmea")
	if err := os.WriteFile(noTime, []byte("!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*23\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ImportFile(context.Background(), noTime, plain, o); !errors.Is(err, ErrNoTime) {
		t.Errorf("no time: %v", err)
	}
	if b, _ := os.ReadFile(plain); string(b) != "old\n" {
		t.Errorf("old recording now %q", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 3 {
		t.Errorf("%d files in the directory, want 3", len(ents))
	}
	if _, err := ImportFile(context.Background(), noTime, noTime, o); err == nil {
		t.Error("in = out: no error")
	}

	// Cancelled.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ImportFile(ctx, "testdata/edge.nmea", filepath.Join(dir, "x.rec"), o); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestOptions(t *testing.T) {
	if got := Topic("vigia", "ais", "ais-rgv"); got != "vigia/obs/ais/ais-rgv" {
		t.Errorf("Topic %q", got)
	}
	if DefaultKind(FormatNMEA) != "ais" || DefaultKind(FormatSBS) != "adsb" || DefaultKind(FormatASTERIX) != "radar" {
		t.Error("DefaultKind")
	}
	emit := func(recording.Entry) error { return nil }
	for _, o := range []Options{{Format: "json", Topic: "x"}, {Format: FormatNMEA}, {Format: FormatNMEA, Topic: "x", QoS: 3}} {
		if _, err := Import(context.Background(), strings.NewReader("x"), o, emit); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
	if _, err := Import(context.Background(), strings.NewReader(""), Options{Format: FormatSBS, Topic: "x"}, emit); err == nil {
		t.Error("empty input: no error")
	}
}
