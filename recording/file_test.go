package recording

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeNow is a settable clock for Writers.
type fakeNow struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeNow) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeNow) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var t0 = time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)

// sampleEntries covers text, binary and empty payloads at QoS 0, 1 and 2.
func sampleEntries() []Entry {
	return []Entry{
		{Time: t0, Topic: "vigia/obs/radar/radar-brownsville", QoS: 1, Payload: []byte(`{"sensor":"radar-brownsville","tracks":[]}`)},
		{Time: t0.Add(250 * time.Millisecond), Topic: "vigia/obs/radar/asterix-1", QoS: 0, Payload: []byte{0x30, 0x00, 0xff, 0xfe, 0x80, '\n', 0}},
		{Time: t0.Add(500 * time.Millisecond), Topic: "vigia/obs/ais/rx-1", QoS: 1, Payload: []byte{}},
		{Time: t0.Add(time.Second + 123456789), Topic: "vigia/obs/ais/rx-1", QoS: 2, Payload: []byte("!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*24\r\nline two \"quoted\" ✓")},
		{Time: t0.Add(2 * time.Second), Topic: "vigia/obs/adsb/x", QoS: 0, Payload: []byte("\x00\x01\x02 valid utf-8 with NULs")},
	}
}

func sameEntries(t *testing.T, got, want []Entry) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d entries, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if !g.Time.Equal(w.Time) || g.Topic != w.Topic || g.QoS != w.QoS || !bytes.Equal(g.Payload, w.Payload) {
			t.Fatalf("entry %d:\n got %v %s %d %q\nwant %v %s %d %q", i, g.Time, g.Topic, g.QoS, g.Payload, w.Time, w.Topic, w.QoS, w.Payload)
		}
	}
}

func writeAll(t *testing.T, w *Writer, es []Entry) {
	t.Helper()
	for i := range es {
		if err := w.Write(&es[i]); err != nil {
			t.Fatal(err)
		}
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	for _, name := range []string{"night.jsonl", "night.jsonl.gz"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name)
			w, err := NewWriter(path, WriterOptions{})
			if err != nil {
				t.Fatal(err)
			}
			want := sampleEntries()
			writeAll(t, w, want)
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatalf("second Close: %v", err)
			}
			got, warns, err := ReadAll(path)
			if err != nil || len(warns) > 0 {
				t.Fatalf("ReadAll: %v, warnings %v", err, warns)
			}
			sameEntries(t, got, want)
			// One JSON object a line, as zcat would show it.
			f, _ := os.Open(path)
			defer f.Close()
			var r io.Reader = f
			if strings.HasSuffix(name, ".gz") {
				if r, err = gzip.NewReader(f); err != nil {
					t.Fatal(err)
				}
			}
			text, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(string(text), "\n"), "\n")
			if len(lines) != len(want) || !strings.HasPrefix(lines[0], `{"time":"2026-11-28T06:00:00Z","topic":"vigia/obs/radar/radar-brownsville","qos":1,"payload":"{\"sensor\"`) ||
				!strings.Contains(lines[1], `"payload_b64":"MAD//oAKAA=="`) {
				t.Fatalf("file text:\n%s", text)
			}
			if st := w.Stats(); st.Entries != int64(len(want)) || st.Bytes != int64(len(text)) || len(st.Files) != 1 {
				t.Fatalf("stats %+v, %d bytes of text", st, len(text))
			}
		})
	}
}

// Flushed entries can be read while the Writer still has the file open (a
// crash loses at most the last flush interval); a gzip stream not yet
// closed reads up to its last flush, with a warning.
func TestFlushedEntriesReadableBeforeClose(t *testing.T) {
	for _, name := range []string{"live.jsonl", "live.jsonl.gz"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name)
			w, err := NewWriter(path, WriterOptions{FlushInterval: 20 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			want := sampleEntries()
			writeAll(t, w, want)
			var got []Entry
			var warns []Warning
			checkFor(t, 5*time.Second, func() error {
				got, warns, err = ReadAll(path)
				if err != nil {
					return err
				}
				if len(got) != len(want) {
					return errorf("%d of %d entries readable", len(got), len(want))
				}
				return nil
			})
			sameEntries(t, got, want)
			if strings.HasSuffix(name, ".gz") && (len(warns) != 1 || !strings.Contains(warns[0].Error(), "gzip stream ends early")) {
				t.Fatalf("warnings %v", warns)
			}
			if !strings.HasSuffix(name, ".gz") && len(warns) != 0 {
				t.Fatalf("warnings %v", warns)
			}
		})
	}
}

func TestRotateBySize(t *testing.T) {
	for _, name := range []string{"night.jsonl", "night.jsonl.gz"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, name)
			clk := &fakeNow{t: t0}
			w, err := NewWriter(path, WriterOptions{MaxBytes: 300, Now: clk.Now})
			if err != nil {
				t.Fatal(err)
			}
			var want []Entry
			for i := range 12 {
				e := Entry{Time: t0.Add(time.Duration(i) * time.Second), Topic: "vigia/obs/radar/r1", QoS: 1,
					Payload: []byte(strings.Repeat("x", 80))}
				want = append(want, e)
				writeAll(t, w, []Entry{e})
				if i%5 == 4 {
					clk.Add(time.Second) // some rotations share a second: sequence numbers
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			files, err := Segments(path)
			if err != nil {
				t.Fatal(err)
			}
			st := w.Stats()
			if strings.Join(files, " ") != strings.Join(st.Files, " ") || len(files) < 4 {
				t.Fatalf("Segments %v, Writer wrote %v", files, st.Files)
			}
			ext := ".jsonl"
			if strings.HasSuffix(name, ".gz") {
				ext += ".gz"
			}
			for _, want := range []string{"night-20261128T060000Z" + ext, "night-20261128T060000Z_2" + ext, "night-20261128T060001Z" + ext, name} {
				if _, err := os.Stat(filepath.Join(dir, want)); err != nil {
					t.Errorf("expected file: %v (have %v)", err, files)
				}
			}
			var all []Entry
			for _, f := range files {
				es, warns, err := ReadAll(f)
				if err != nil || len(warns) > 0 {
					t.Fatal(err, warns)
				}
				var size int
				for _, e := range es {
					b, _ := e.MarshalLine()
					size += len(b)
				}
				if size > 300 || len(es) == 0 {
					t.Fatalf("%s: %d entries, %d bytes", f, len(es), size)
				}
				all = append(all, es...)
			}
			sameEntries(t, all, want)
		})
	}
}

func TestRotateByAge(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "night.jsonl")
	clk := &fakeNow{t: t0}
	w, err := NewWriter(path, WriterOptions{MaxAge: time.Hour, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	var want []Entry
	for range 7 { // 06:00, 06:25, … 08:30
		e := Entry{Time: clk.Now(), Topic: "vigia/obs/ais/rx-1", Payload: []byte("m")}
		want = append(want, e)
		writeAll(t, w, []Entry{e})
		clk.Add(25 * time.Minute)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	files, err := Segments(path)
	if err != nil {
		t.Fatal(err)
	}
	wantFiles := []string{
		filepath.Join(dir, "night-20261128T060000Z.jsonl"), // 06:00, 06:25, 06:50
		filepath.Join(dir, "night-20261128T071500Z.jsonl"), // 07:15, 07:40, 08:05
		path, // 08:30
	}
	if strings.Join(files, "\n") != strings.Join(wantFiles, "\n") {
		t.Fatalf("files:\n%s\nwant:\n%s", strings.Join(files, "\n"), strings.Join(wantFiles, "\n"))
	}
	got, _, err := ReadAll(files...)
	if err != nil {
		t.Fatal(err)
	}
	sameEntries(t, got, want)
}

// A second Writer appends to a plain file that ends cleanly; a gzipped one,
// or one with a torn last line, is rotated aside, never overwritten.
func TestReopenExisting(t *testing.T) {
	es := sampleEntries()
	for _, tc := range []struct {
		name  string
		torn  bool
		files int
	}{
		{"rec.jsonl", false, 1},
		{"rec.jsonl", true, 2},
		{"rec.jsonl.gz", false, 2},
	} {
		t.Run(tc.name+map[bool]string{true: "-torn"}[tc.torn], func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tc.name)
			w, err := NewWriter(path, WriterOptions{})
			if err != nil {
				t.Fatal(err)
			}
			writeAll(t, w, es[:2])
			w.Close()
			if tc.torn {
				f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
				f.WriteString(`{"time":"2026-11-28T06:00:0`)
				f.Close()
			}
			w, err = NewWriter(path, WriterOptions{})
			if err != nil {
				t.Fatal(err)
			}
			writeAll(t, w, es[2:])
			w.Close()
			files, err := Segments(path)
			if err != nil || len(files) != tc.files {
				t.Fatalf("files %v, %v", files, err)
			}
			if tc.files == 2 && filepath.Base(files[0]) != strings.Replace(tc.name, "rec.", "rec-20261128T060000Z.", 1) {
				t.Fatalf("moved aside as %s", files[0])
			}
			got, warns, err := ReadAll(files...)
			if err != nil {
				t.Fatal(err)
			}
			if tc.torn != (len(warns) == 1) {
				t.Fatalf("warnings %v", warns)
			}
			sameEntries(t, got, es)
		})
	}
}

func TestTornLastLineSkipped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crash.jsonl")
	var text []byte
	for _, e := range sampleEntries()[:3] {
		b, _ := e.MarshalLine()
		text = append(text, b...)
	}
	full := bytes.Clone(text)
	text = append(text, `{"time":"2026-11-28T06:00:03Z","topic":"vigia/obs/ra`...)
	os.WriteFile(path, text, 0o644)
	var logged bytes.Buffer
	r := NewReader([]string{path}, slogTo(&logged))
	n := 0
	for {
		_, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	w := r.Warnings()
	if n != 3 || len(w) != 1 || w[0].Line != 4 || !strings.HasPrefix(w[0].Error(), path+":4: last line skipped") {
		t.Fatalf("%d entries, warnings %v", n, w)
	}
	if !strings.Contains(logged.String(), "last line skipped") {
		t.Fatalf("not logged: %q", logged.String())
	}
	// Invalid but complete last line (and trailing blank lines): also skipped.
	os.WriteFile(path, append(full, "not json\n\n"...), 0o644)
	if es, w, err := ReadAll(path); err != nil || len(es) != 3 || len(w) != 1 {
		t.Fatalf("%d entries, %v, %v", len(es), w, err)
	}
	// A torn gzip stream: the lines before the tear, with a warning.
	gzPath := filepath.Join(t.TempDir(), "crash.jsonl.gz")
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(text)
	zw.Flush() // no Close: no gzip trailer
	os.WriteFile(gzPath, z.Bytes(), 0o644)
	if es, w, err := ReadAll(gzPath); err != nil || len(es) != 3 || len(w) != 2 {
		t.Fatalf("gz: %d entries, %v, %v", len(es), w, err)
	}
}

func TestBadMiddleLineIsError(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "a.jsonl")
	bad := filepath.Join(dir, "b.jsonl")
	var text []byte
	for _, e := range sampleEntries()[:3] {
		b, _ := e.MarshalLine()
		text = append(text, b...)
	}
	os.WriteFile(good, text, 0o644)
	lines := strings.SplitAfter(string(text), "\n")
	os.WriteFile(bad, []byte(lines[0]+`{"time":"yesterday","topic":"x","qos":0}`+"\n"+lines[1]), 0o644)
	es, _, err := ReadAll(good, bad)
	if err == nil || !strings.Contains(err.Error(), bad+":2: time") || len(es) != 4 {
		t.Fatalf("%d entries, err %v", len(es), err)
	}
}

func TestLongLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.jsonl.gz")
	w, err := NewWriter(path, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte{0xff, 'a', 'b', 'c'}, 4<<20) // 16 MB, binary: 21 MB of base64
	want := []Entry{{Time: t0, Topic: "vigia/obs/big", QoS: 1, Payload: big}, sampleEntries()[0]}
	writeAll(t, w, want)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, _, err := ReadAll(path)
	if err != nil {
		t.Fatal(err)
	}
	sameEntries(t, got, want)
}

func TestCountLines(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.jsonl")
	os.WriteFile(a, []byte("1\n2\n3\n"), 0o644)
	os.WriteFile(b, []byte("1\n2"), 0o644)
	if n, err := CountLines(a, b); n != 5 || err != nil {
		t.Fatalf("%d, %v", n, err)
	}
	if n, _ := CountLines(a, b+".gz"); n != -1 {
		t.Fatalf("gz: %d", n)
	}
}

func FuzzUnmarshalLine(f *testing.F) {
	for _, e := range sampleEntries() {
		b, _ := e.MarshalLine()
		f.Add(bytes.TrimSuffix(b, []byte("\n")))
	}
	f.Add([]byte(`{"time":"2026-11-28T06:00:00+02:00","topic":"t","qos":2,"payload":"","payload_b64":null}`))
	f.Add([]byte(`{"time":"2026-11-28T06:00:00Z","topic":"t","qos":3}`))
	f.Add([]byte(`{"time":"2026-11-28T06:00:00Z","topic":"t","payload_b64":"!!"}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := UnmarshalLine(b)
		if err != nil {
			return
		}
		out, err := e.MarshalLine()
		if err != nil {
			t.Fatalf("accepted %q but cannot marshal it: %v", b, err)
		}
		e2, err := UnmarshalLine(bytes.TrimSuffix(out, []byte("\n")))
		if err != nil {
			t.Fatalf("%q → %q does not parse: %v", b, out, err)
		}
		if !e2.Time.Equal(e.Time) || e2.Topic != e.Topic || e2.QoS != e.QoS || !bytes.Equal(e2.Payload, e.Payload) {
			t.Fatalf("%q → %q: %+v != %+v", b, out, e2, e)
		}
		if out2, _ := e2.MarshalLine(); !bytes.Equal(out, out2) {
			t.Fatalf("not stable: %q then %q", out, out2)
		}
	})
}
