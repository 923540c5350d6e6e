package importer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/vigia-project/vigia/sensors"
	"github.com/vigia-project/vigia/sensors/nmea"
)

// Grouping bounds for multi-sentence AIS messages.
const (
	groupMaxLines = 1000                          // lines a message's parts may be apart
	groupMaxSpan  = nmea.DefaultReassemblyTimeout // log time they may be apart
	groupMaxOpen  = 1024                          // messages awaiting parts
	// maxHeld bounds the units held waiting for a log's first time: beyond,
	// they are timed from Start (or the import fails without Start).
	maxHeld = 200_000
)

// Reasons a line is skipped.
const (
	skipComment    = "comment"               // "#…"
	skipNotNMEA    = "not_nmea"              // does not start with '$', '!', '\' or '{'
	skipTooLong    = "too_long"              // longer than nmea.MaxLineLen
	skipMalformed  = sensors.ReasonMalformed // no checksum, bad tag block framing, text after the checksum
	skipChecksum   = sensors.ReasonChecksum  // checksum mismatch (sentence or tag block)
	skipBadTime    = sensors.ReasonBadTime   // tag block c: or $PGHP that is not a time (the decoder drops the line)
	skipIncomplete = "incomplete"            // a part of a multi-sentence message that never completed
	skipBadJSON    = "bad_json"              // an AIS-catcher line that is not JSON
	skipPGHPUnused = "pghp_unused"           // a $PGHP at the end of the log, stamping nothing
)

// nmeaLine is one usable line and what the importer needs to know of it.
type nmeaLine struct {
	text    []byte
	fix     time.Time
	hasFix  bool
	src     string
	pghp    bool
	part    int // 1-based part number of a multi-sentence AIS message, 0 otherwise
	total   int
	key     partKey
	ignored bool // a time sentence not usable as a time
}

// partKey keys a multi-sentence AIS message as the decoder does.
type partKey struct {
	source, group, channel, seq string
	total                       int
	vdo                         bool
}

// parseNMEALine checks one line (trimmed, non-empty) as the decoder frames
// it and extracts its time and multi-sentence key. reason is "" for a
// usable line.
func parseNMEALine(line []byte) (l nmeaLine, reason string) {
	l.text = line
	if len(line) > nmea.MaxLineLen {
		return l, skipTooLong
	}
	switch line[0] {
	case '#':
		return l, skipComment
	case '{':
		t, ok := aisCatcherTime(line)
		if !ok {
			return l, skipBadJSON
		}
		if !t.IsZero() {
			l.fix, l.hasFix, l.src = t, true, "aiscatcher"
		}
		return l, ""
	case '$', '!', '\\':
	default:
		return l, skipNotNMEA
	}
	tb, rest, err := nmea.ParseTagBlocks(line)
	if err != nil {
		return l, skipReason(err)
	}
	if tb.HasTime {
		l.fix, l.hasFix, l.src = tb.Time, true, "tag_block"
	}
	if len(rest) == 0 {
		return l, "" // a tag block alone (IEC 61162-450 group header)
	}
	if rest[0] != '$' && rest[0] != '!' {
		return l, skipNotNMEA
	}
	s, err := nmea.ParseSentence(rest)
	if err != nil {
		return l, skipReason(err)
	}
	if !s.NAISTime.IsZero() && !l.hasFix {
		l.fix, l.hasFix, l.src = s.NAISTime, true, "nais"
	}
	body := s.Body()
	f := splitFields(body, 16)
	addr := f[0][1:]
	switch {
	case string(addr) == "PGHP":
		l.pghp = true
		p, err := nmea.ParsePGHP(body)
		if err != nil {
			if skipReason(err) == sensors.ReasonUnsupported {
				return l, "" // another $PGHP message type: not a time, the decoder ignores it
			}
			return l, skipBadTime // too few fields, or a time that is not one
		}
		if !l.hasFix {
			l.fix, l.hasFix, l.src = p.Time, true, "pghp"
		}
	case len(addr) == 5 && addr[0] != 'P' && (string(addr[2:]) == "VDM" || string(addr[2:]) == "VDO"):
		if len(f) >= 5 {
			total, err1 := strconv.Atoi(string(f[1]))
			num, err2 := strconv.Atoi(string(f[2]))
			if err1 == nil && err2 == nil && total > 1 && total <= 9 && num >= 1 && num <= total {
				l.part, l.total = num, total
				l.key = partKey{source: tb.Source, total: total}
				if tb.Group != "" {
					l.key.group = tb.Group
				} else {
					l.key.channel, l.key.seq, l.key.vdo = string(f[4]), string(f[3]), addr[2:][2] == 'O'
				}
			}
		}
	case len(addr) == 5 && string(addr[2:]) == "RMC":
		t, ok := rmcTime(f)
		switch {
		case ok && !l.hasFix:
			l.fix, l.hasFix, l.src = t, true, "rmc"
		case !ok:
			l.ignored = true
		}
	case len(addr) == 5 && string(addr[2:]) == "ZDA":
		t, ok := zdaTime(f)
		switch {
		case ok && !l.hasFix:
			l.fix, l.hasFix, l.src = t, true, "zda"
		case !ok:
			l.ignored = true
		}
	}
	return l, ""
}

// skipReason is the reason to skip a line that a parse function of package
// nmea refused: the reason the decoder would drop it for (malformed,
// checksum, bad_time, unsupported).
func skipReason(err error) string {
	var e *sensors.Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return skipMalformed
}

// rmcTime reads $--RMC,hhmmss.ss,A,lat,N,lon,E,sog,cog,ddmmyy,…; a void
// fix (status V) is not a time.
func rmcTime(f [][]byte) (time.Time, bool) {
	if len(f) < 10 || string(f[2]) != "A" || len(f[9]) != 6 {
		return time.Time{}, false
	}
	dd, ok1 := digits(f[9][0:2])
	mo, ok2 := digits(f[9][2:4])
	yy, ok3 := digits(f[9][4:6])
	if !ok1 || !ok2 || !ok3 {
		return time.Time{}, false
	}
	y := 2000 + yy
	if yy >= 80 {
		y = 1900 + yy
	}
	h, mi, s, ns, ok := hhmmss(f[1])
	if !ok {
		return time.Time{}, false
	}
	return nmea.Date(y, mo, dd, h, mi, s, ns)
}

// zdaTime reads $--ZDA,hhmmss.ss,dd,mm,yyyy,zh,zm.
func zdaTime(f [][]byte) (time.Time, bool) {
	if len(f) < 5 || len(f[4]) != 4 {
		return time.Time{}, false
	}
	dd, ok1 := digits(f[2])
	mo, ok2 := digits(f[3])
	y, ok3 := digits(f[4])
	if !ok1 || !ok2 || !ok3 || len(f[2]) > 2 || len(f[3]) > 2 {
		return time.Time{}, false
	}
	h, mi, s, ns, ok := hhmmss(f[1])
	if !ok {
		return time.Time{}, false
	}
	return nmea.Date(y, mo, dd, h, mi, s, ns)
}

// hhmmss reads an NMEA UTC time, "hhmmss" with an optional fraction.
func hhmmss(b []byte) (h, mi, s, ns int, ok bool) {
	if len(b) < 6 {
		return 0, 0, 0, 0, false
	}
	var ok1, ok2, ok3 bool
	h, ok1 = digits(b[0:2])
	mi, ok2 = digits(b[2:4])
	s, ok3 = digits(b[4:6])
	if !ok1 || !ok2 || !ok3 {
		return 0, 0, 0, 0, false
	}
	if len(b) > 6 {
		frac := b[7:]
		if b[6] != '.' || len(frac) > 9 {
			return 0, 0, 0, 0, false
		}
		if len(frac) > 0 {
			v, ok := digits(frac)
			if !ok {
				return 0, 0, 0, 0, false
			}
			for i := len(frac); i < 9; i++ {
				v *= 10
			}
			ns = v
		}
	}
	return h, mi, s, ns, true
}

// aisCatcherTime reads the receive time of an AIS-catcher JSON line:
// rxuxtime (unix seconds), else rxtime (YYYYMMDDhhmmss UTC); zero when it
// has neither. ok is false when the line is not a JSON object.
func aisCatcherTime(line []byte) (time.Time, bool) {
	var v struct {
		RxUxTime *float64 `json:"rxuxtime"`
		RxTime   string   `json:"rxtime"`
	}
	if err := json.Unmarshal(line, &v); err != nil {
		return time.Time{}, false
	}
	if v.RxUxTime != nil && *v.RxUxTime > 0 && *v.RxUxTime < 1e11 {
		sec, frac := math.Modf(*v.RxUxTime)
		return time.Unix(int64(sec), int64(math.Round(frac*1e9))).UTC(), true
	}
	if len(v.RxTime) == 14 {
		var n [6]int
		ok := true
		for i, w := range []int{4, 2, 2, 2, 2, 2} {
			off := [...]int{0, 4, 6, 8, 10, 12}[i]
			x, good := digits([]byte(v.RxTime[off : off+w]))
			n[i], ok = x, ok && good
		}
		if ok {
			if t, good := nmea.Date(n[0], n[1], n[2], n[3], n[4], n[5], 0); good {
				return t, true
			}
		}
	}
	return time.Time{}, true
}

// digits reads a non-empty run of at most 9 decimal digits.
func digits(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// splitFields splits b on commas into at most max fields (the last holds the rest).
func splitFields(b []byte, max int) [][]byte {
	return bytes.SplitN(b, []byte{','}, max)
}

// timedLine is a usable line with its time and its position in the log.
type timedLine struct {
	nmeaLine
	t   time.Time
	idx int // index among the usable lines
}

// group is a multi-sentence message awaiting parts, with the $PGHP lines
// that came with its parts.
type group struct {
	key   partKey
	lines []timedLine
	have  uint16
	n     int
	first timedLine
	done  bool // completed or dropped
}

// tooOld reports whether l comes too late to complete g: more than
// groupMaxSpan after its first part on the clock. Only for messages keyed
// by sequential id: a tag block group (g:) is unambiguous, and a merged or
// satellite feed may put its parts minutes apart on the clock.
func (g *group) tooOld(l timedLine) bool {
	return g.key.group == "" && l.t.Sub(g.first.t) > groupMaxSpan
}

// nmeaImport is the state of an NMEA import.
type nmeaImport struct {
	e      *emitter
	clk    *clock
	held   []nmeaLine // before the first time, Start not set
	pghp   []timedLine
	open   map[partKey]*group
	order  []*group // groups in the order they were opened (some done)
	usable int
}

func importNMEA(ctx context.Context, r io.Reader, e *emitter) error {
	st := &nmeaImport{e: e, clk: newClock(e.o, e.res), open: make(map[partKey]*group)}
	err := eachLine(ctx, r, e, nmea.TrimSpace, skipTooLong, func(line []byte) error {
		l, reason := parseNMEALine(line)
		if reason != "" {
			e.res.skip(reason)
			return nil
		}
		if l.ignored {
			e.res.Ignored++
		}
		l.text = append([]byte(nil), line...)
		return st.add(l)
	})
	if err != nil {
		return err
	}
	if len(st.held) > 0 {
		if err := st.flushHeld(); err != nil {
			return err
		}
	}
	// The messages still open never completed.
	for _, g := range st.order {
		if !g.done {
			st.drop(g)
		}
	}
	for range st.pghp {
		e.res.skip(skipPGHPUnused)
	}
	return nil
}

// add times a usable line and passes it on.
func (st *nmeaImport) add(l nmeaLine) error {
	t, deferred := st.clk.stamp(l.fix, l.hasFix, l.src)
	if deferred {
		st.held = append(st.held, l)
		if len(st.held) >= maxHeld {
			return st.flushHeld()
		}
		return nil
	}
	if len(st.held) > 0 {
		held := st.held
		st.held = nil
		for k, h := range held {
			if err := st.place(timedLine{nmeaLine: h, t: st.clk.heldTime(k, t), idx: st.next()}); err != nil {
				return err
			}
		}
	}
	return st.place(timedLine{nmeaLine: l, t: t, idx: st.next()})
}

// flushHeld times the lines held without a fix from Start (at the end of
// a log without times, or when too many are held), or fails without Start.
func (st *nmeaImport) flushHeld() error {
	if !st.clk.hasStart {
		return ErrNoTime
	}
	held := st.held
	st.held = nil
	for _, h := range held {
		if err := st.place(timedLine{nmeaLine: h, t: st.clk.startTime(), idx: st.next()}); err != nil {
			return err
		}
	}
	return nil
}

func (st *nmeaImport) next() int {
	st.usable++
	return st.usable - 1
}

// place groups a timed line: $PGHP lines wait for the sentence they stamp,
// parts of multi-sentence messages for the message's other parts.
func (st *nmeaImport) place(l timedLine) error {
	st.expire(l)
	if l.pghp {
		st.pghp = append(st.pghp, l)
		return nil
	}
	if l.part == 0 {
		lines := append(st.pghp, l)
		st.pghp = nil
		return st.write(l.t, lines)
	}
	g := st.open[l.key]
	bit := uint16(1) << (l.part - 1)
	if g != nil && (g.have&bit != 0 || g.tooOld(l)) {
		// The id was reused before the message completed, or the message
		// is too old to complete (as the decoder would judge it).
		st.drop(g)
		g = nil
	}
	if g == nil {
		if len(st.open) >= groupMaxOpen {
			st.dropOldest()
		}
		g = &group{key: l.key, first: l}
		st.open[l.key] = g
		st.order = append(st.order, g)
	}
	g.lines = append(g.lines, st.pghp...)
	st.pghp = nil
	g.lines = append(g.lines, l)
	g.have |= bit
	g.n++
	if g.n < l.total {
		return nil
	}
	g.done = true
	delete(st.open, l.key)
	return st.write(l.t, g.lines)
}

// expire drops the open messages too old to complete at l.
func (st *nmeaImport) expire(l timedLine) {
	for len(st.order) > 0 {
		g := st.order[0]
		if !g.done && l.idx-g.first.idx <= groupMaxLines && !g.tooOld(l) {
			break
		}
		st.order[0] = nil
		st.order = st.order[1:]
		if !g.done {
			st.drop(g)
		}
	}
}

// drop skips an open message that will not complete, with its $PGHP lines.
func (st *nmeaImport) drop(g *group) {
	for range g.lines {
		st.e.res.skip(skipIncomplete)
	}
	g.done = true
	delete(st.open, g.key)
}

func (st *nmeaImport) dropOldest() {
	for _, g := range st.order {
		if !g.done {
			st.drop(g)
			return
		}
	}
}

// write emits lines as one entry at t.
func (st *nmeaImport) write(t time.Time, lines []timedLine) error {
	if len(lines) == 1 {
		return st.e.put(t, lines[0].text, 1)
	}
	n := 0
	for _, l := range lines {
		n += len(l.text) + 1
	}
	p := make([]byte, 0, n)
	for i, l := range lines {
		if i > 0 {
			p = append(p, '\n')
		}
		p = append(p, l.text...)
	}
	return st.e.put(t, p, len(lines))
}
