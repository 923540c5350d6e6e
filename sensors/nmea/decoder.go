package nmea

import (
	"fmt"
	"strconv"
	"time"

	ais "github.com/BertoldVdb/go-ais"
	gonmea "github.com/adrianmo/go-nmea"

	"github.com/vigia-project/vigia/sensors"
)

// Defaults and limits.
const (
	// DefaultReassemblyTimeout is how long the parts of a multi-sentence AIS
	// message may take to arrive, measured on the received times.
	DefaultReassemblyTimeout = 10 * time.Second
	// DefaultStaticCacheSize is how many vessels' static data are kept.
	DefaultStaticCacheSize = 100_000
	// DefaultMaxPending is how many incomplete multi-sentence messages are kept.
	DefaultMaxPending = 1024
	// MaxLineLen is the longest line, in bytes, after trimming white space.
	// NMEA 0183 allows 82 characters per sentence; tag blocks and receiver
	// metadata make real lines longer, but never by this much.
	MaxLineLen = 1024
)

// Options configures a Decoder.
type Options struct {
	// Sensor is copied into every report.
	Sensor string
	// MaxBytes rejects larger payloads before parsing (0: no limit).
	MaxBytes int
	// ReassemblyTimeout bounds the time between the first and the last part
	// of a multi-sentence AIS message (0: DefaultReassemblyTimeout).
	ReassemblyTimeout time.Duration
	// StaticCacheSize bounds the static data kept by MMSI
	// (0: DefaultStaticCacheSize).
	StaticCacheSize int
	// MaxPending bounds the multi-sentence messages awaiting their other
	// parts (0: DefaultMaxPending); beyond it the oldest is dropped as
	// incomplete.
	MaxPending int
}

// Stats counts what a Decoder has seen since it was made.
type Stats struct {
	// Lines is the number of non-empty lines (and AIS-catcher envelope
	// sentences) examined.
	Lines uint64
	// Sentences is the number of lines that framed as an NMEA sentence with
	// a correct checksum.
	Sentences uint64
	// AISSentences is the number of VDM/VDO sentences among them.
	AISSentences uint64
	// AISMessages is the number of complete AIS messages (after reassembly).
	AISMessages uint64
	// AISTypes counts the complete AIS messages by message type (0–63).
	AISTypes [64]uint64
	// PGHP is the number of $PGHP timestamp sentences.
	PGHP uint64
	// Envelopes is the number of AIS-catcher JSON objects.
	Envelopes uint64
	// TTM and TLL count the radar target sentences.
	TTM, TLL uint64
	// Lost counts TTM/TLL targets with status L (lost), which give no detection.
	Lost uint64
}

// Decoder decodes NMEA 0183 payloads: AIS (VDM/VDO, with NMEA 4.0 tag
// blocks, USCG NAIS receiver metadata, DMA $PGHP timestamps or AIS-catcher
// JSON envelopes) and marine radar ARPA targets (TTM, TLL). It implements
// sensors.Decoder; it keeps state between payloads (multi-sentence messages,
// static data by MMSI, a pending $PGHP time) and is used from one goroutine
// at a time.
type Decoder struct {
	opts    Options
	parser  gonmea.SentenceParser
	codec   *ais.Codec
	pending map[partKey]*partial
	static  staticCache
	pghp    pghpState
	stats   Stats
	// onMessage, when set (by tests), sees the type and MMSI of every
	// complete AIS message.
	onMessage func(typ int, mmsi uint32)
}

var _ sensors.Decoder = (*Decoder)(nil)

// NewDecoder returns a Decoder with the options o (zero values take the defaults).
func NewDecoder(o Options) *Decoder {
	if o.ReassemblyTimeout <= 0 {
		o.ReassemblyTimeout = DefaultReassemblyTimeout
	}
	if o.StaticCacheSize <= 0 {
		o.StaticCacheSize = DefaultStaticCacheSize
	}
	if o.MaxPending <= 0 {
		o.MaxPending = DefaultMaxPending
	}
	// acceptShortShipStaticData: some class A transponders send type 5 with
	// 420 bits instead of 424 (the last spare bits missing); the fields we use
	// are all present.
	codec := ais.CodecNewFast(false, true, true)
	codec.DropSpace = true
	d := &Decoder{
		opts:    o,
		codec:   codec,
		pending: make(map[partKey]*partial),
		static:  newStaticCache(o.StaticCacheSize),
	}
	d.parser = gonmea.SentenceParser{
		// The checksum is checked before go-nmea sees the sentence, so that
		// the error names both values.
		CheckCRC:       func(gonmea.BaseSentence, string) error { return nil },
		OnBaseSentence: padRadarFields,
	}
	return d
}

// Stats returns the counters.
func (d *Decoder) Stats() Stats { return d.stats }

// loc says where in a payload a sentence was: a line number, or an
// AIS-catcher envelope on a line and an index in its "nmea" array (and in
// its "msgs" array).
type loc struct {
	line int // 1-based line of the payload
	env  int // 0: plain line; 1: an envelope on the line; 2: msgs[msg] of the envelope on the line
	msg  int
	idx  int // index in "nmea", -1 for the envelope itself
}

func (l loc) String() string {
	s := "line " + strconv.Itoa(l.line)
	switch l.env {
	case 1:
		if l.idx >= 0 {
			s += ": nmea[" + strconv.Itoa(l.idx) + "]"
		}
	case 2:
		s += ": msgs[" + strconv.Itoa(l.msg) + "]"
		if l.idx >= 0 {
			s += ".nmea[" + strconv.Itoa(l.idx) + "]"
		}
	}
	return s
}

func errAt(reason string, l loc, format string, args ...any) error {
	return &sensors.Error{Reason: reason, Field: l.String(), Msg: fmt.Sprintf(format, args...)}
}

// errPayload is an error without a Field: about the payload as a whole, or
// from one of the Parse functions, whose caller names the line (see at).
func errPayload(reason string, format string, args ...any) error {
	return &sensors.Error{Reason: reason, Msg: fmt.Sprintf(format, args...)}
}

// at names the line l in err, an error of one of the Parse functions.
func at(err error, l loc) error {
	if e, ok := err.(*sensors.Error); ok {
		e.Field = l.String()
	}
	return err
}

// stamp is the time a sentence is attributed to, before any time inside the
// message itself (AIS type 4, TTM/TLL UTC) is considered.
type stamp struct {
	t           time.Time
	fromPayload bool
	// pghp is set when the time came from a $PGHP sentence, which declares
	// the checksum of the sentence(s) it stamps (pghpWant, -1 when not given).
	pghp     bool
	pghpWant int
}

// call is the state of one Decode call.
type call struct {
	dst      []sensors.Report
	errs     []error
	received time.Time
	envTime  stamp // AIS-catcher envelope time, when set
	hasEnv   bool
}

// base returns the time of a sentence without a time of its own: the
// envelope's, else the received time.
func (c *call) base() stamp {
	if c.hasEnv {
		return c.envTime
	}
	return stamp{t: c.received}
}

// Decode implements sensors.Decoder. The payload holds one or more lines
// (CR and/or LF separated), each decoded on its own, or AIS-catcher JSON
// objects. Every problem is returned as an *sensors.Error whose Field names
// the line ("line 3", "line 1: msgs[0].nmea[1]").
func (d *Decoder) Decode(dst []sensors.Report, payload []byte, received time.Time) ([]sensors.Report, []error) {
	c := call{dst: dst, received: received.UTC()}
	if len(d.pending) > 0 {
		c.errs = d.expire(c.errs, c.received)
	}
	if d.opts.MaxBytes > 0 && len(payload) > d.opts.MaxBytes {
		c.errs = append(c.errs, errPayload(sensors.ReasonTooLarge, "payload is %d bytes, limit %d", len(payload), d.opts.MaxBytes))
		return c.dst, c.errs
	}
	start := skipSpace(payload, 0)
	if start == len(payload) {
		c.errs = append(c.errs, errPayload(sensors.ReasonMalformed, "empty payload"))
		return c.dst, c.errs
	}
	if payload[start] == '{' {
		d.decodeEnvelopes(&c, payload[start:])
		return c.dst, c.errs
	}
	lineNo := 0
	for i := 0; i < len(payload); {
		j := i
		for j < len(payload) && payload[j] != '\n' && payload[j] != '\r' {
			j++
		}
		line := payload[i:j]
		// A CR LF pair ends one line, not two.
		if j < len(payload) && payload[j] == '\r' && j+1 < len(payload) && payload[j+1] == '\n' {
			j++
		}
		i = j + 1
		lineNo++
		line = TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		d.decodeLine(&c, line, loc{line: lineNo})
	}
	return c.dst, c.errs
}

// Expire drops the incomplete multi-sentence messages whose first part was
// received more than the reassembly timeout before now, returning one
// ReasonIncomplete error for each. Decode does this itself on every call;
// Expire lets a caller flush them when no payload arrives.
func (d *Decoder) Expire(now time.Time) []error {
	return d.expire(nil, now.UTC())
}

func isSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\v' || b == '\f' || b == 0
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// TrimSpace returns b without the white space the Decoder ignores around a
// line: space, tab, CR, LF, VT, FF and NUL.
func TrimSpace(b []byte) []byte {
	i, j := 0, len(b)
	for i < j && isSpace(b[i]) {
		i++
	}
	for j > i && isSpace(b[j-1]) {
		j--
	}
	return b[i:j]
}

// decodeLine decodes one line: optional tag blocks, one sentence, optional
// receiver metadata after the checksum.
func (d *Decoder) decodeLine(c *call, line []byte, l loc) {
	d.stats.Lines++
	if len(line) > MaxLineLen {
		c.errs = append(c.errs, errAt(sensors.ReasonMalformed, l, "line is %d bytes, limit %d", len(line), MaxLineLen))
		return
	}
	tb, line, err := ParseTagBlocks(line)
	if err != nil {
		c.errs = append(c.errs, at(err, l))
		return
	}
	if len(line) == 0 {
		// A tag block alone on its line (IEC 61162-450 group header): no sentence.
		return
	}
	s, err := ParseSentence(line)
	if err != nil {
		c.errs = append(c.errs, at(err, l))
		return
	}
	sentence, star, want := s.Text, len(s.Text)-3, s.Checksum
	d.stats.Sentences++

	// The address field: talker + type, or P + proprietary type.
	addrEnd := indexByte(sentence, ',')
	if addrEnd < 0 {
		addrEnd = star
	}
	addr := sentence[1:addrEnd]

	// The time this sentence is attributed to.
	st := c.base()
	switch {
	case tb.HasTime:
		st = stamp{t: tb.Time, fromPayload: true}
	case !s.NAISTime.IsZero():
		st = stamp{t: s.NAISTime, fromPayload: true}
	}
	if len(addr) >= 4 && addr[0] == 'P' && string(addr) == "PGHP" {
		d.decodePGHP(c, sentence[:star], l)
		return
	}
	// A pending $PGHP stamps the next sentence only.
	pg := d.pghp.take(c.received, d.opts.ReassemblyTimeout)

	if len(addr) == 5 && addr[0] != 'P' {
		switch string(addr[2:]) {
		case "VDM", "VDO":
			if pg.ok && !tb.HasTime && s.NAISTime.IsZero() {
				st = stamp{t: pg.t, fromPayload: true, pghp: true, pghpWant: pg.want}
			}
			d.decodeVDM(c, sentence, want, &tb, st, l)
			return
		case "TTM", "TLL":
			d.decodeRadar(c, sentence, st, l)
			return
		}
	}
	c.errs = append(c.errs, errAt(sensors.ReasonUnsupported, l, "sentence %s not decoded", quoteAddr(line)))
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

func hexDigit(b byte) (byte, bool) {
	switch {
	case b >= '0' && b <= '9':
		return b - '0', true
	case b >= 'A' && b <= 'F':
		return b - 'A' + 10, true
	case b >= 'a' && b <= 'f':
		return b - 'a' + 10, true
	}
	return 0, false
}

func hexByte(hi, lo byte) (byte, bool) {
	h, ok1 := hexDigit(hi)
	l, ok2 := hexDigit(lo)
	return h<<4 | l, ok1 && ok2
}

// quoteAddr returns the sentence's start character and address ("!AIVDM"),
// at most 12 characters, quoted.
func quoteAddr(line []byte) string {
	end := len(line)
	for i, b := range line {
		if b == ',' || b == '*' {
			end = i
			break
		}
	}
	return strconv.Quote(string(truncate(line[:end], 12)))
}

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// TagBlock holds the NMEA 4.0 tag block fields the Decoder uses, from the
// tag blocks before one sentence (several accumulate).
type TagBlock struct {
	// Time is the time of c: (unix seconds, or milliseconds when too large
	// to be seconds); HasTime says whether there was one.
	Time    time.Time
	HasTime bool
	// Source is the source (receiver) of s:, "" when not given.
	Source string
	// Group is the group id of g:n-m-id, "" when not given.
	Group string
}

// ParseTagBlocks parses the NMEA 4.0 tag blocks that start line,
// "\c:1418169601,s:rORBCOMM008*37\!AIVDM,…", as the Decoder does, and
// returns their fields and the rest of the line: the sentence, or nothing
// for a tag block alone on its line (an IEC 61162-450 group header). A line
// that does not start with '\' is returned whole. An error is a
// *sensors.Error without Field (the Decoder names the line there) whose
// Reason is sensors.ReasonChecksum for a tag block checksum mismatch,
// sensors.ReasonBadTime for a c: that is not a positive unix time, and
// sensors.ReasonMalformed for anything else (no closing '\', no checksum,
// an item that is not <letter>:<value>, a g: that is not n-m-id).
func ParseTagBlocks(line []byte) (tb TagBlock, rest []byte, err error) {
	for len(line) > 0 && line[0] == '\\' {
		end := indexByte(line[1:], '\\')
		if end < 0 {
			return tb, nil, errPayload(sensors.ReasonMalformed, "tag block without its closing '\\'")
		}
		if err := parseTagBlock(line[1:1+end], &tb); err != nil {
			return tb, nil, err
		}
		line = line[end+2:]
	}
	return tb, line, nil
}

// parseTagBlock parses the text between the two backslashes,
// "c:1418169601,s:rORBCOMM008*37", into tb.
func parseTagBlock(b []byte, tb *TagBlock) error {
	star := indexByte(b, '*')
	if star < 0 || star+3 != len(b) {
		return errPayload(sensors.ReasonMalformed, "tag block %q has no checksum", truncate(b, 40))
	}
	want, ok := hexByte(b[star+1], b[star+2])
	if !ok {
		return errPayload(sensors.ReasonMalformed, "tag block checksum %q is not two hexadecimal digits", b[star+1:])
	}
	var got byte
	for _, x := range b[:star] {
		got ^= x
	}
	if got != want {
		return errPayload(sensors.ReasonChecksum, "tag block checksum 0x%02X, computed 0x%02X", want, got)
	}
	fields := b[:star]
	for len(fields) > 0 {
		end := indexByte(fields, ',')
		item := fields
		if end >= 0 {
			item, fields = fields[:end], fields[end+1:]
		} else {
			fields = nil
		}
		if len(item) < 2 || item[1] != ':' {
			return errPayload(sensors.ReasonMalformed, "tag block item %q is not <letter>:<value>", truncate(item, 24))
		}
		v := item[2:]
		switch item[0] {
		case 'c':
			n, err := strconv.ParseInt(string(v), 10, 64)
			if err != nil || n <= 0 {
				return errPayload(sensors.ReasonBadTime, "tag block c:%q is not a positive unix time", truncate(v, 24))
			}
			tb.Time, tb.HasTime = unixAuto(n), true
		case 's':
			tb.Source = string(v)
		case 'g':
			// g:<sentence>-<total>-<group id>
			parts := 0
			last := 0
			for i, x := range v {
				if x == '-' {
					parts++
					last = i + 1
				}
			}
			if parts != 2 || last >= len(v) {
				return errPayload(sensors.ReasonMalformed, "tag block g:%q is not n-m-id", truncate(v, 24))
			}
			tb.Group = string(v[last:])
		}
	}
	return nil
}

// unixAuto reads n as unix seconds, or milliseconds when it is too large to
// be seconds (after the year 5138).
func unixAuto(n int64) time.Time {
	if n >= 100_000_000_000 {
		return time.UnixMilli(n).UTC()
	}
	return time.Unix(n, 0).UTC()
}

// Sentence is one NMEA 0183 sentence of a line, framed and its checksum
// verified as the Decoder does.
type Sentence struct {
	// Text runs from the '$' or '!' to the checksum, "*hh" included.
	Text []byte
	// Checksum is the value of the checksum digits, which is the XOR of the
	// bytes between the '$' or '!' and the '*'.
	Checksum byte
	// NAISTime is the time of reception in the USCG NAIS receiver metadata
	// after the checksum, zero when there is none.
	NAISTime time.Time
}

// Body returns the sentence without its checksum: from the '$' or '!' to
// the end of the last field.
func (s Sentence) Body() []byte { return s.Text[:len(s.Text)-3] }

// ParseSentence frames the sentence of a line after its tag blocks (see
// ParseTagBlocks) as the Decoder does: it starts with '$' or '!', ends with
// '*' and two hexadecimal digits that match its checksum, and may be
// followed by receiver metadata, ",field,field…", such as USCG NAIS's
// ",d-109,S2105,t050056.00,T56.137,r003669946,1325394060,1325394001",
// whose first field of ten digits is the unix time of reception. An error
// is a *sensors.Error without Field (the Decoder names the line there) whose
// Reason is sensors.ReasonChecksum for a checksum mismatch and
// sensors.ReasonMalformed for anything else.
func ParseSentence(line []byte) (Sentence, error) {
	if len(line) == 0 {
		return Sentence{}, errPayload(sensors.ReasonMalformed, "no sentence")
	}
	if line[0] != '$' && line[0] != '!' {
		return Sentence{}, errPayload(sensors.ReasonMalformed, "sentence starts with %q, not '$' or '!'", rune(line[0]))
	}
	star := indexByte(line, '*')
	if star < 0 {
		return Sentence{}, errPayload(sensors.ReasonMalformed, "sentence %s has no checksum", quoteAddr(line))
	}
	if star+3 > len(line) {
		return Sentence{}, errPayload(sensors.ReasonMalformed, "checksum %q is not two hexadecimal digits", line[star+1:])
	}
	want, ok := hexByte(line[star+1], line[star+2])
	if !ok {
		return Sentence{}, errPayload(sensors.ReasonMalformed, "checksum %q is not two hexadecimal digits", line[star+1:star+3])
	}
	var got byte
	for _, b := range line[1:star] {
		got ^= b
	}
	if got != want {
		return Sentence{}, errPayload(sensors.ReasonChecksum, "checksum 0x%02X, computed 0x%02X", want, got)
	}
	s := Sentence{Text: line[:star+3], Checksum: want}
	if rest := line[star+3:]; len(rest) > 0 {
		if rest[0] != ',' {
			return Sentence{}, errPayload(sensors.ReasonMalformed, "unexpected %q after the checksum", truncate(rest, 16))
		}
		s.NAISTime = naisTime(rest)
	}
	return s, nil
}

// naisTime reads USCG NAIS receiver metadata after the checksum: the first
// field of ten digits is the unix time of reception (zero when none is).
func naisTime(rest []byte) time.Time {
	for len(rest) > 0 {
		rest = rest[1:] // the comma
		end := indexByte(rest, ',')
		f := rest
		if end >= 0 {
			f, rest = rest[:end], rest[end:]
		} else {
			rest = nil
		}
		if len(f) != 10 {
			continue
		}
		var n int64
		digits := true
		for _, b := range f {
			if b < '0' || b > '9' {
				digits = false
				break
			}
			n = n*10 + int64(b-'0')
		}
		if digits && n > 0 {
			return time.Unix(n, 0).UTC()
		}
	}
	return time.Time{}
}

// pghpState is the time of the last $PGHP sentence, which stamps the
// sentence after it.
type pghpState struct {
	set       bool
	t         time.Time
	received  time.Time
	nextCksum int // XOR of the checksums of the sentences it stamps, -1 when not given (or 00)
}

type pghpTime struct {
	t    time.Time
	want int // declared checksum of the message's sentences, -1 when not given
	ok   bool
}

// take consumes the pending $PGHP time: it applies to the next sentence when
// it was received within timeout of now. The caller checks the declared
// checksum once it knows the whole message.
func (p *pghpState) take(now time.Time, timeout time.Duration) pghpTime {
	if !p.set {
		return pghpTime{}
	}
	p.set = false
	if now.Sub(p.received) > timeout || now.Before(p.received.Add(-timeout)) {
		return pghpTime{}
	}
	return pghpTime{p.t, p.nextCksum, true}
}

// decodePGHP decodes a $PGHP sentence; body is the sentence without its
// checksum.
func (d *Decoder) decodePGHP(c *call, body []byte, l loc) {
	d.stats.PGHP++
	d.pghp.set = false
	p, err := ParsePGHP(body)
	if err != nil {
		c.errs = append(c.errs, at(err, l))
		return
	}
	d.pghp = pghpState{set: true, t: p.Time, received: c.received, nextCksum: p.Next}
}

// PGHP is a Gatehouse/DMA $PGHP timestamp (message type 1), which stamps the
// sentence after it.
type PGHP struct {
	// Time is the UTC time of reception it gives, to the millisecond.
	Time time.Time
	// Next is the checksum it declares for the sentences it stamps (the XOR
	// of their checksums), -1 when not given (or 00).
	Next int
}

// ParsePGHP reads the Gatehouse/DMA timestamp sentence
// "$PGHP,1,yyyy,mm,dd,hh,mm,ss,ms,country,region,station,1,cksum-of-next"
// as the Decoder does; body is the sentence without its checksum (see
// Sentence.Body). An error is a *sensors.Error without Field (the Decoder
// names the line there) whose Reason is sensors.ReasonUnsupported for
// another message type, sensors.ReasonMalformed for fewer than 8 fields
// after "$PGHP", and sensors.ReasonBadTime for a time field that is not a
// number or a time that is not a date (see Date).
func ParsePGHP(body []byte) (PGHP, error) {
	var f [14][]byte
	n := 0
	rest := body
	for n < len(f) {
		end := indexByte(rest, ',')
		if end < 0 {
			f[n] = rest
			n++
			break
		}
		f[n], rest = rest[:end], rest[end+1:]
		n++
	}
	// f[0] is "$PGHP".
	if n < 2 || string(f[1]) != "1" {
		return PGHP{}, errPayload(sensors.ReasonUnsupported, "$PGHP message type %q not decoded", truncate(f[min(1, n-1)], 8))
	}
	if n < 9 {
		return PGHP{}, errPayload(sensors.ReasonMalformed, "$PGHP has %d fields, want 13", n-1)
	}
	var v [7]int
	for i := range v {
		x, err := strconv.Atoi(string(f[2+i]))
		if err != nil || x < 0 {
			return PGHP{}, errPayload(sensors.ReasonBadTime, "$PGHP time field %d %q is not a number", 2+i, truncate(f[2+i], 8))
		}
		v[i] = x
	}
	// Milliseconds over 999 are refused, as 1000 (v[6] × 10⁶ could overflow).
	t, ok := Date(v[0], v[1], v[2], v[3], v[4], v[5], min(v[6], 1000)*int(time.Millisecond))
	if !ok {
		return PGHP{}, errPayload(sensors.ReasonBadTime, "$PGHP time %04d-%02d-%02d %02d:%02d:%02d.%03d is not a date", v[0], v[1], v[2], v[3], v[4], v[5], v[6])
	}
	next := -1
	if n >= 14 && len(f[13]) == 2 {
		// "00" is what the recordings hold when the receiver did not fill it
		// in (all 141 declared checksums of stream_example.txt that match
		// nothing are 00).
		if b, ok := hexByte(f[13][0], f[13][1]); ok && b != 0 {
			next = int(b)
		}
	}
	return PGHP{Time: t, Next: next}, nil
}

// Date returns the UTC time of the fields when they name a real instant, as
// the Decoder judges the times of $PGHP sentences, AIS-catcher envelopes
// and AIS base station reports: unlike time.Date, it does not normalise
// (24:00 or 31 April are refused), and the year is 1–9999.
func Date(y, mo, dd, h, mi, s, ns int) (time.Time, bool) {
	if y < 1 || y > 9999 || mo < 1 || mo > 12 || dd < 1 || dd > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 || ns < 0 || ns >= int(time.Second) {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), dd, h, mi, s, ns, time.UTC)
	if t.Day() != dd {
		return time.Time{}, false
	}
	return t, true
}
