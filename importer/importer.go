package importer

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/vigia-project/vigia/internal/gzfile"
	"github.com/vigia-project/vigia/recording"
)

// Input formats, as in a sensor's configured payload format.
const (
	FormatNMEA    = "nmea"
	FormatSBS     = "sbs"
	FormatASTERIX = "asterix"
)

// DefaultInterval is the time between two entries of a log without times.
const DefaultInterval = 100 * time.Millisecond

// ErrNoTime is returned for a log without any time when Options.Start is
// not set.
var ErrNoTime = errors.New("no time in the log: give -start")

// Options configures an import.
type Options struct {
	// Format is FormatNMEA, FormatSBS or FormatASTERIX.
	Format string
	// Topic is the topic of every entry, {prefix}obs/{kind}/{sensor} (see Topic).
	Topic string
	// QoS of every entry (0–2).
	QoS byte
	// Start, when not zero, is the time of the first entry of a log (or of
	// the lines before the log's first time) that has no time of its own.
	Start time.Time
	// Interval separates successive entries timed from Start (0: DefaultInterval).
	Interval time.Duration
	// Location is the zone of SBS dates and times (nil: UTC).
	Location *time.Location
	// UDPPort, when not 0, keeps only the captured UDP datagrams to or from
	// this port (asterix pcap); the others are skipped as "other_port".
	UDPPort int
}

// Result says what an import did.
type Result struct {
	// Read counts the input units examined: non-blank lines (nmea, sbs),
	// captured packets (pcap) or data blocks (raw asterix).
	Read int
	// Entries is the number of entries written.
	Entries int
	// First and Last are the times of the first and last entries.
	First, Last time.Time
	// Skipped counts the input units not used, by reason.
	Skipped map[string]int
	// Sources counts the time fixes by source: "tag_block", "nais",
	// "pghp", "aiscatcher", "rmc", "zda", "sbs_generated", "sbs_logged",
	// "capture" (pcap), "start" (Start + k × Interval).
	Sources map[string]int
	// Behind counts time fixes earlier than the clock, which did not move it back.
	Behind int
	// Ignored counts times not used: $--RMC with status V or an invalid
	// time or date, $--ZDA with an invalid time or date, any time before
	// 1970 or after 9999.
	Ignored int
	// Grouped counts the entries holding more than one line: multi-sentence
	// AIS messages and $PGHP lines with the sentence they stamp.
	Grouped int
	// Container says what the asterix input was: "pcap", "pcapng" or "raw".
	Container string
}

func (r *Result) skip(reason string) {
	if r.Skipped == nil {
		r.Skipped = make(map[string]int)
	}
	r.Skipped[reason]++
}

func (r *Result) source(s string) {
	if r.Sources == nil {
		r.Sources = make(map[string]int)
	}
	r.Sources[s]++
}

// SkippedTotal returns the number of input units skipped.
func (r *Result) SkippedTotal() int {
	n := 0
	for _, v := range r.Skipped {
		n += v
	}
	return n
}

// Summary returns a human-readable account of the import, several lines.
func (r *Result) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "entries written: %d (of %d input units read", r.Entries, r.Read)
	if r.Container != "" {
		fmt.Fprintf(&b, ", %s", r.Container)
	}
	b.WriteString(")\n")
	if r.Entries > 0 {
		fmt.Fprintf(&b, "time span: %s → %s (%s)\n", r.First.UTC().Format(recording.TimeLayout),
			r.Last.UTC().Format(recording.TimeLayout), r.Last.Sub(r.First))
	}
	if len(r.Sources) > 0 {
		fmt.Fprintf(&b, "time from: %s\n", counts(r.Sources))
	}
	if r.Behind > 0 {
		fmt.Fprintf(&b, "times behind the clock (clock held): %d\n", r.Behind)
	}
	if r.Ignored > 0 {
		fmt.Fprintf(&b, "times ignored (void, invalid or out of range): %d\n", r.Ignored)
	}
	if r.Grouped > 0 {
		fmt.Fprintf(&b, "entries of several lines (multi-sentence AIS, $PGHP + sentence): %d\n", r.Grouped)
	}
	if n := r.SkippedTotal(); n > 0 {
		fmt.Fprintf(&b, "skipped: %d (%s)\n", n, counts(r.Skipped))
	} else {
		b.WriteString("skipped: 0\n")
	}
	return b.String()
}

func counts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

// DefaultKind returns the topic kind of a format's sensors when the
// configuration does not say: ais for nmea, adsb for sbs, radar for asterix.
func DefaultKind(format string) string {
	switch format {
	case FormatNMEA:
		return "ais"
	case FormatSBS:
		return "adsb"
	case FormatASTERIX:
		return "radar"
	}
	return ""
}

// Topic returns {prefix}obs/{kind}/{sensor}; a prefix without a trailing
// "/" gets one.
func Topic(prefix, kind, sensor string) string {
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	return prefix + "obs/" + kind + "/" + sensor
}

// emitter stamps entries and keeps the result's counts.
type emitter struct {
	o    *Options
	res  *Result
	emit func(recording.Entry) error
}

func (e *emitter) put(t time.Time, payload []byte, lines int) error {
	t = t.UTC()
	if e.res.Entries == 0 {
		e.res.First = t
	}
	e.res.Last = t
	e.res.Entries++
	if lines > 1 {
		e.res.Grouped++
	}
	return e.emit(recording.Entry{Time: t, Topic: e.o.Topic, QoS: e.o.QoS, Payload: payload})
}

// Import reads a log in o.Format from r and calls emit with each entry, in
// order, times non-decreasing. The Result is returned also with an error
// (what was done until then). Unusable input is counted, not an error;
// errors are: bad options, ErrNoTime, an input that is not of the format at
// all (nothing usable), a read error, an error of emit, ctx's error.
func Import(ctx context.Context, r io.Reader, o Options, emit func(recording.Entry) error) (*Result, error) {
	res := &Result{}
	if o.Topic == "" {
		return res, errors.New("import: no topic")
	}
	if o.QoS > 2 {
		return res, fmt.Errorf("import: QoS %d", o.QoS)
	}
	if o.Interval <= 0 {
		o.Interval = DefaultInterval
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.UDPPort < 0 || o.UDPPort > 65535 {
		return res, fmt.Errorf("import: UDP port %d", o.UDPPort)
	}
	e := &emitter{o: &o, res: res, emit: emit}
	var err error
	switch o.Format {
	case FormatNMEA:
		err = importNMEA(ctx, r, e)
	case FormatSBS:
		err = importSBS(ctx, r, e)
	case FormatASTERIX:
		err = importASTERIX(ctx, r, e)
	default:
		return res, fmt.Errorf("import: format %q (want nmea, sbs or asterix)", o.Format)
	}
	if err == nil && res.Entries == 0 {
		if res.Read == 0 {
			err = errors.New("nothing to import: the input is empty")
		} else {
			err = fmt.Errorf("nothing to import: none of the %d input units is usable as %s", res.Read, o.Format)
		}
	}
	return res, err
}

// ImportFile imports the file in (decompressed when it ends in ".gz") into
// the recording out (gzipped when it ends in ".gz"). The recording is
// written to a temporary file beside out and renamed when complete, so a
// failed import leaves no partial recording (nor replaces an old one).
func ImportFile(ctx context.Context, in, out string, o Options) (*Result, error) {
	if ai, err := filepath.Abs(in); err == nil {
		if ao, err := filepath.Abs(out); err == nil && ai == ao {
			return &Result{}, fmt.Errorf("import: -in and -out are the same file %s", in)
		}
	}
	rc, err := gzfile.Open(in)
	if err != nil {
		return &Result{}, err
	}
	defer rc.Close()
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".tmp*")
	if err != nil {
		return &Result{}, err
	}
	defer func() {
		if tmp != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 64<<10)
	var zw *gzip.Writer
	var w io.Writer = bw
	if strings.HasSuffix(out, ".gz") {
		zw = gzip.NewWriter(bw)
		w = zw
	}
	res, err := Import(ctx, bufio.NewReaderSize(rc, 64<<10), o, func(e recording.Entry) error {
		b, err := e.MarshalLine()
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
	if err != nil {
		return res, err
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return res, err
		}
	}
	if err := bw.Flush(); err != nil {
		return res, err
	}
	if err := tmp.Chmod(0o644); err != nil {
		return res, err
	}
	if err := tmp.Close(); err != nil {
		return res, err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return res, err
	}
	tmp = nil
	return res, nil
}

// The range of times used as fixes.
var (
	minTime = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
)

// clock rebuilds times: the last time fix, never going back. Units before
// the first fix are held by the caller and timed when it comes (heldTime),
// or at the end of a log without fixes from Start (startTime).
type clock struct {
	res      *Result
	start    time.Time
	hasStart bool
	interval time.Duration
	n        int // units timed from Start
	last     time.Time
	fixed    bool // a fix has been seen
	any      bool // a time has been given out
	// committed: units without a time get Start times from now on (too many
	// were held waiting for a first fix, or the input has none).
	committed bool
}

func newClock(o *Options, res *Result) *clock {
	return &clock{res: res, start: o.Start, hasStart: !o.Start.IsZero(), interval: o.Interval}
}

// stamp returns the time of a unit whose own time is fix (when ok), or
// deferred when it has none and no fix has been seen yet: the caller holds
// it until the first fix (heldTime) or the end (startTime, or ErrNoTime).
func (c *clock) stamp(fix time.Time, ok bool, src string) (t time.Time, deferred bool) {
	if ok && (fix.Before(minTime) || fix.After(maxTime)) {
		// Not writable as RFC 3339, or before any recording: not a time.
		c.res.Ignored++
		ok = false
	}
	switch {
	case ok:
		c.res.source(src)
		if c.any && fix.Before(c.last) {
			c.res.Behind++
			fix = c.last
		}
		c.last, c.fixed, c.any = fix, true, true
		return fix, false
	case c.fixed:
		return c.last, false
	case c.committed:
		return c.startTime(), false
	}
	return time.Time{}, true
}

// heldTime returns the time of the k-th unit (0-based) held before the
// first fix, first: Start + k × Interval when Start is set, never later
// than first; else first.
func (c *clock) heldTime(k int, first time.Time) time.Time {
	if !c.hasStart {
		return first
	}
	t := c.start.Add(time.Duration(k) * c.interval)
	if t.After(first) {
		return first
	}
	c.res.source("start")
	return t
}

// startTime returns the next time from Start, for a unit of a log without
// a fix (so far). It needs Start.
func (c *clock) startTime() time.Time {
	c.committed = true
	c.res.source("start")
	t := c.start.Add(time.Duration(c.n) * c.interval)
	c.n++
	if c.any && t.Before(c.last) {
		t = c.last
	}
	c.last, c.any = t, true
	return t
}

// lineReader splits its input on CR, LF or CR LF, skipping empty lines.
// Lines longer than max are returned with tooLong set, cut to max bytes.
type lineReader struct {
	r       *bufio.Reader
	max     int
	pending [][]byte // pieces of the current read split on CR
	buf     []byte
}

// eachLine reads a log line by line, as both importers do: it stops when ctx
// ends, trims each line with trim, passes over empty ones, counts the rest
// as read, skips those longer than the line limit as tooLong, and hands the
// others to fn (valid until fn returns), stopping at fn's first error.
func eachLine(ctx context.Context, r io.Reader, e *emitter, trim func([]byte) []byte, tooLong string, fn func(line []byte) error) error {
	lr := newLineReader(r, 64<<10)
	for n := 0; ; n++ {
		if n&4095 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		raw, long, err := lr.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		line := trim(raw)
		if len(line) == 0 {
			continue
		}
		e.res.Read++
		if long {
			e.res.skip(tooLong)
			continue
		}
		if err := fn(line); err != nil {
			return err
		}
	}
}

func newLineReader(r io.Reader, max int) *lineReader {
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < max {
		br = bufio.NewReaderSize(r, max+1)
	}
	return &lineReader{r: br, max: max}
}

// next returns the next non-empty line (without its end), or io.EOF.
func (lr *lineReader) next() (line []byte, tooLong bool, err error) {
	for {
		for len(lr.pending) > 0 {
			l := lr.pending[0]
			lr.pending = lr.pending[1:]
			if len(l) > 0 {
				return l, len(l) > lr.max, nil
			}
		}
		b, err := lr.r.ReadSlice('\n')
		long := false
		if errors.Is(err, bufio.ErrBufferFull) {
			lr.buf = append(lr.buf[:0], b...)
			for errors.Is(err, bufio.ErrBufferFull) {
				b, err = lr.r.ReadSlice('\n')
			}
			long = true
		}
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, false, err
		}
		if long {
			return lr.buf, true, nil
		}
		if len(b) == 0 && err != nil {
			return nil, false, io.EOF
		}
		b = bytes.TrimSuffix(b, []byte{'\n'})
		lr.buf = append(lr.buf[:0], b...)
		lr.pending = bytes.Split(lr.buf, []byte{'\r'})
	}
}
