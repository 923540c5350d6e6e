package importer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vigia-project/vigia/recording"
)

// addSharedSeeds adds the files of ../shared/data matching pattern, when
// the folder is there (seeds only: nothing is stored).
func addSharedSeeds(f *testing.F, pattern string, limit int) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "data", pattern))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if len(b) > limit {
			b = b[:limit]
		}
		f.Add(b)
	}
}

// FuzzCaptureReader: whatever the bytes, the reader never panics, always
// ends, and returns datagrams whose payload fits in what it read.
func FuzzCaptureReader(f *testing.F) {
	if b, err := os.ReadFile("testdata/edge.pcap"); err == nil {
		f.Add(b)
	}
	f.Add(pcapngBytes())
	addSharedSeeds(f, "asterix-croatiacontrol/*.pcap", 4096)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewCaptureReader(bytes.NewReader(data))
		if err != nil {
			return
		}
		for i := 0; ; i++ {
			d, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("error other than EOF from a bytes.Reader: %v", err)
			}
			if len(d.Payload) > 65535 || i > len(data) {
				t.Fatalf("datagram %d of %d bytes from %d bytes", i, len(d.Payload), len(data))
			}
		}
		// And the import over it keeps its times in order.
		var last time.Time
		_, _ = Import(context.Background(), bytes.NewReader(data), Options{Format: FormatASTERIX, Topic: "t", Start: time.Unix(0, 0)}, func(e recording.Entry) error {
			if e.Time.Before(last) {
				t.Fatalf("entry at %s after %s", e.Time, last)
			}
			last = e.Time
			return nil
		})
	})
}

// FuzzNMEATime: the line parser and time extraction never panic; a line
// they accept keeps its text; the import keeps its times in order and
// never writes a payload it did not read.
func FuzzNMEATime(f *testing.F) {
	for _, s := range []string{
		"$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B",
		`\g:1-2-1604,s:rORBCOMM008,c:1418169601,T:2014-12-10 00.00.01*37\!AIVDM,2,1,6,A,53@o0E000001Q0CG37U8u<Tp4q@D00000000000018330400000000000000,0*63`,
		"!AIVDM,1,1,,A,403Ovl@000Htt<tSF0l4Q@100`Pq,0*28,d-109,S2105,t050056.00,T56.13718694,r003669946,1325394060,1325394001",
		"$GPRMC,213950.00,A,5250.53669,N,00542.34920,E,0.020,,070420,,,A*7D",
		"$GPZDA,170948,18,08,2022,00,00*48",
		`{"rxuxtime":1700000000.25,"nmea":["!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*23"]}`,
		`{"rxtime":"20231114221320"}`,
	} {
		f.Add([]byte(s))
	}
	if b, err := os.ReadFile("testdata/edge.nmea"); err == nil {
		f.Add(b)
	}
	addSharedSeeds(f, "libais/*.nmea", 4096)
	addSharedSeeds(f, "dma-aislib/replay_dump.txt", 4096)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 0 && !bytes.ContainsAny(data, "\r\n") {
			if l, reason := parseNMEALine(data); reason == "" {
				if !bytes.Equal(l.text, data) {
					t.Fatal("text changed")
				}
				if l.part > 0 && (l.total < 2 || l.total > 9 || l.part > l.total) {
					t.Fatalf("part %d of %d", l.part, l.total)
				}
			}
		}
		for _, start := range []time.Time{{}, time.Unix(1e9, 0)} {
			var last time.Time
			_, _ = Import(context.Background(), bytes.NewReader(data), Options{Format: FormatNMEA, Topic: "t", Start: start}, func(e recording.Entry) error {
				if e.Time.Before(last) {
					t.Fatalf("entry at %s after %s", e.Time, last)
				}
				last = e.Time
				b, err := e.MarshalLine()
				if err != nil {
					t.Fatal(err)
				}
				back, err := recording.UnmarshalLine(b[:len(b)-1])
				if err != nil || !back.Time.Equal(e.Time) || !bytes.Equal(back.Payload, e.Payload) {
					t.Fatalf("round trip of %s: %v", b, err)
				}
				for _, line := range bytes.Split(e.Payload, []byte{'\n'}) {
					if !bytes.Contains(data, line) {
						t.Fatalf("payload line %q not in the input", line)
					}
				}
				return nil
			})
			_, _ = Import(context.Background(), bytes.NewReader(data), Options{Format: FormatSBS, Topic: "t", Start: start}, func(e recording.Entry) error {
				if !bytes.Contains(data, e.Payload) {
					t.Fatalf("payload %q not in the input", e.Payload)
				}
				return nil
			})
		}
	})
}
