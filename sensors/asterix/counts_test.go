package asterix

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vigia-project/vigia/sensors"
)

// fileCounts is what decoding one staged file gives.
type fileCounts struct {
	datagrams int
	framed    map[int]int    // data blocks by category, as framed by their length
	blocks    map[int]int    // blocks that parsed, by category
	records   map[int]int    // records of those blocks, by category
	reports   int            // reports out
	noPos     int            // records without a position (no report, no error)
	rejects   map[string]int // errors by reason
	fallback  int            // CAT062 blocks decoded as 0.17 by "auto"
}

func countFile(t *testing.T, dg []datagram, ed062 string) fileCounts {
	t.Helper()
	c := fileCounts{framed: map[int]int{}, blocks: map[int]int{}, records: map[int]int{}, rejects: map[string]int{}}
	d := NewDecoder(Options{Sensor: "count", CAT062Edition: ed062})
	var dst []sensors.Report
	for _, g := range dg {
		c.datagrams++
		for _, b := range splitBlocks(g.payload) {
			c.framed[int(b[0])]++
		}
		var errs []error
		dst, errs = d.Decode(dst[:0], g.payload, g.at)
		c.reports += len(dst)
		for _, e := range errs {
			var se *sensors.Error
			if !errors.As(e, &se) {
				t.Fatalf("%T is not a *sensors.Error", e)
			}
			c.rejects[se.Reason]++
		}
	}
	s := d.Stats()
	for cat := range 256 {
		if s.Blocks[cat] != 0 {
			c.blocks[cat] = int(s.Blocks[cat])
		}
		if s.Records[cat] != 0 {
			c.records[cat] = int(s.Records[cat])
		}
	}
	c.noPos = int(s.NoPosition)
	c.fallback = int(s.CAT062Fallbacks)
	return c
}

func eqMap[K comparable](a, b map[K]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestFileCounts pins, for every staged file, the blocks, records and
// reports by category and the rejects by reason.
//
// asterix.pcap holds CAT062 of edition 0.17 (I062/105 in 24-bit
// coordinates, I062/070 at FRN 3 where 1.x has I062/015): with the default
// 1.x UAP none of its 100 blocks decodes, and every block is rejected — 55
// truncated and 32 malformed records, and 13 blocks that frame but whose
// time of day reads past midnight — rather than decoded into wrong
// positions. With CAT062Edition "0.17" all 100 blocks (one record each)
// decode; "auto" falls back to 0.17 for each of them, and leaves the 1.x
// files as they are. The other way round, cat_062_065.pcap read as 0.17 is
// rejected whole.
//
// cat_001_002.pcap is not ASTERIX at the UDP payload: each block is preceded
// by a 6-octet record header (2-octet length counting the header, then a
// 4-octet time in ms since midnight, 12:43:46.101 for the first), so the
// decoder reads CAT000 with length 19970 and stops. Without those headers
// the datagram holds five CAT001 blocks and one CAT002 block, which are
// rejected as unsupported.
func TestFileCounts(t *testing.T) {
	raw := time.Date(2020, 1, 1, 8, 0, 0, 0, time.UTC)
	cases := []struct {
		file string
		dg   func() []datagram
		want fileCounts
	}{
		{"cat_034_048.pcap", func() []datagram { return readPcap(t, shared(t, "cat_034_048.pcap")) }, fileCounts{
			datagrams: 100, framed: map[int]int{48: 86, 34: 34}, blocks: map[int]int{48: 86, 34: 34},
			records: map[int]int{48: 128, 34: 34}, reports: 160, noPos: 2, rejects: map[string]int{}}},
		{"asterix.pcap", func() []datagram { return readPcap(t, shared(t, "asterix.pcap")) }, fileCounts{
			datagrams: 100, framed: map[int]int{62: 100}, blocks: map[int]int{62: 13}, records: map[int]int{62: 13},
			reports: 0, rejects: map[string]int{sensors.ReasonTruncated: 55, sensors.ReasonMalformed: 32, sensors.ReasonBadTime: 13}}},
		{"asterix.pcap as 0.17", func() []datagram { return readPcap(t, shared(t, "asterix.pcap")) }, fileCounts{
			datagrams: 100, framed: map[int]int{62: 100}, blocks: map[int]int{62: 100}, records: map[int]int{62: 100},
			reports: 100, rejects: map[string]int{}}},
		{"asterix.pcap as auto", func() []datagram { return readPcap(t, shared(t, "asterix.pcap")) }, fileCounts{
			datagrams: 100, framed: map[int]int{62: 100}, blocks: map[int]int{62: 100}, records: map[int]int{62: 100},
			reports: 100, rejects: map[string]int{}, fallback: 100}},
		{"cat_062_065.pcap", func() []datagram { return readPcap(t, shared(t, "cat_062_065.pcap")) }, fileCounts{
			datagrams: 1, framed: map[int]int{62: 1, 65: 1}, blocks: map[int]int{62: 1, 65: 1},
			records: map[int]int{62: 2, 65: 1}, reports: 3, rejects: map[string]int{}}},
		{"cat_062_065.pcap as auto", func() []datagram { return readPcap(t, shared(t, "cat_062_065.pcap")) }, fileCounts{
			datagrams: 1, framed: map[int]int{62: 1, 65: 1}, blocks: map[int]int{62: 1, 65: 1},
			records: map[int]int{62: 2, 65: 1}, reports: 3, rejects: map[string]int{}}},
		{"cat_062_065.pcap as 0.17", func() []datagram { return readPcap(t, shared(t, "cat_062_065.pcap")) }, fileCounts{
			datagrams: 1, framed: map[int]int{62: 1, 65: 1}, blocks: map[int]int{65: 1},
			records: map[int]int{65: 1}, reports: 1, rejects: map[string]int{sensors.ReasonMalformed: 1}}},
		{"cat_001_002.pcap", func() []datagram { return readPcap(t, shared(t, "cat_001_002.pcap")) }, fileCounts{
			datagrams: 1, framed: map[int]int{}, blocks: map[int]int{}, records: map[int]int{},
			rejects: map[string]int{sensors.ReasonTruncated: 1}}},
		{"cat_001_002.pcap without record headers", func() []datagram {
			dg := readPcap(t, shared(t, "cat_001_002.pcap"))
			var p []byte
			for b := dg[0].payload; len(b) >= 6; {
				n := int(b[0])<<8 | int(b[1])
				if n < 6 || n > len(b) {
					t.Fatalf("record header length %d", n)
				}
				p = append(p, b[6:n]...)
				b = b[n:]
			}
			return []datagram{{payload: p, at: dg[0].at}}
		}, fileCounts{
			datagrams: 1, framed: map[int]int{1: 5, 2: 1}, blocks: map[int]int{}, records: map[int]int{},
			rejects: map[string]int{sensors.ReasonUnsupported: 6}}},
		{"cat048.raw", func() []datagram { return readRaw(t, "cat048.raw", raw) }, fileCounts{
			datagrams: 1, framed: map[int]int{48: 1}, blocks: map[int]int{48: 1}, records: map[int]int{48: 1},
			reports: 1, rejects: map[string]int{}}},
		{"cat034.raw", func() []datagram { return readRaw(t, "cat034.raw", raw) }, fileCounts{
			datagrams: 1, framed: map[int]int{34: 1}, blocks: map[int]int{34: 1}, records: map[int]int{34: 1},
			reports: 1, rejects: map[string]int{}}},
		{"cat062cat065.raw", func() []datagram { return readRaw(t, "cat062cat065.raw", raw) }, fileCounts{
			datagrams: 1, framed: map[int]int{62: 1, 65: 1}, blocks: map[int]int{62: 1, 65: 1},
			records: map[int]int{62: 2, 65: 1}, reports: 3, rejects: map[string]int{}}},
		{"cat062cat065.raw as 0.17", func() []datagram { return readRaw(t, "cat062cat065.raw", raw) }, fileCounts{
			datagrams: 1, framed: map[int]int{62: 1, 65: 1}, blocks: map[int]int{65: 1}, records: map[int]int{65: 1},
			reports: 1, rejects: map[string]int{sensors.ReasonMalformed: 1}}},
		{"cat062cat065.raw as auto", func() []datagram { return readRaw(t, "cat062cat065.raw", raw) }, fileCounts{
			datagrams: 1, framed: map[int]int{62: 1, 65: 1}, blocks: map[int]int{62: 1, 65: 1},
			records: map[int]int{62: 2, 65: 1}, reports: 3, rejects: map[string]int{}}},
		{"cat21_re.ast", func() []datagram { return readRaw(t, "cat21_re.ast", raw) }, fileCounts{
			datagrams: 1, framed: map[int]int{21: 2}, blocks: map[int]int{21: 2}, records: map[int]int{21: 2},
			reports: 2, rejects: map[string]int{}}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			ed := ""
			if _, e, ok := strings.Cut(c.file, " as "); ok {
				ed = e
			}
			got := countFile(t, c.dg(), ed)
			w := c.want
			if got.datagrams != w.datagrams || got.reports != w.reports || got.noPos != w.noPos || got.fallback != w.fallback ||
				!eqMap(got.framed, w.framed) || !eqMap(got.blocks, w.blocks) || !eqMap(got.records, w.records) || !eqMap(got.rejects, w.rejects) {
				t.Errorf("got  %+v\nwant %+v", got, w)
			}
			t.Logf("%+v", got)
		})
	}
}
