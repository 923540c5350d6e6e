package sensors

import (
	"encoding/binary"
	"math/bits"
	"strconv"
	"sync"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// This file holds the single-pass parser behind DecodeJSON: a scanner over
// the payload bytes that knows the report schema and fills a compact "wire"
// state (values plus presence bits), which json.go then validates into a
// Report.
//
// It reproduces what the former encoding/json decoder did, byte for byte in
// its decisions (jsonref_test.go keeps that decoder as the reference, and
// FuzzDecodeJSONDifferential compares the two):
//
//   - the whole payload is checked for JSON syntax, and a syntax error wins
//     over any other error, with encoding/json's message and byte offset;
//   - a value of the wrong JSON type for a known field is a type error; the
//     first one in document order is reported (after the syntax check), with
//     encoding/json's field path and the index of the detection as the old
//     decoder computed it;
//   - keys match exactly, else case-insensitively under Unicode simple
//     folding (encoding/json's foldName);
//   - null leaves a string field as it was and clears any other field, and
//     an element of an array that is null leaves the element as it was;
//   - a repeated key decodes again into the same place, so the last value
//     wins, objects merge ("platform", "id", and detections by index when
//     "detections" repeats) and arrays are re-filled in place, the elements
//     past the new length keeping their old values until an empty array or
//     null resets them;
//   - strings are unescaped as encoding/json does (invalid UTF-8 and lone
//     surrogates become U+FFFD);
//   - arrays and objects nest at most maxJSONDepth deep.
//
// Speed comes from not going through reflection and from fast paths for the
// common shapes: a detection member whose key is a known number field and
// whose value is a short plain number is matched 8 bytes at a time and
// converted with SWAR arithmetic (fastMember), numbers in general take the
// exact fast path of number before strconv.ParseFloat, and parsers are
// pooled so that the only allocations are the Report's own. Everything off
// the fast paths goes through the general code, which handles every input.

// maxJSONDepth is the deepest nesting of arrays and objects accepted,
// counting the top-level object: the limit of encoding/json's scanner.
const maxJSONDepth = 10000

// span is a decoded string: payload[lo:hi], or arena[lo:hi] when the string
// had to be unescaped.
type span struct {
	lo, hi int
	arena  bool
}

// Fields of a report (indexes into reportKeys).
const (
	rkSensor = iota
	rkTime
	rkSeq
	rkPlatform
	rkDetections
)

// Fields of a platform (indexes into platformKeys and wirePos.v).
const (
	pkLat = iota
	pkLon
	pkAlt
)

// Fields of a detection (indexes into detKeys). The number fields come
// first and index wireDet.v and the bits of wireDet.has.
const (
	dkRange = iota
	dkBearing
	dkElevation
	dkLat
	dkLon
	dkAlt
	dkSigmaRange
	dkSigmaBearing
	dkSigmaM
	dkSpeed
	dkCourse
	dkNumbers // the number of number fields; v[dkNumbers:] holds cov_m2
	dkCov     = dkNumbers
	dkClass   = dkNumbers + 1
	dkID      = dkNumbers + 2
)

// Fields of an identity (indexes into idKeys and bits of wireID.has).
const (
	ikMMSI = iota
	ikICAO
	ikCallsign
	ikName
)

// The key names of each object of the schema, in the order of the constants
// above. jsonKeyNames exposes them to the tests (report.schema.json).
var (
	reportKeys   = [...]string{"sensor", "time", "seq", "platform", "detections"}
	platformKeys = [...]string{"lat", "lon", "alt_m"}
	detKeys      = [...]string{"range_m", "bearing_deg", "elevation_deg", "lat", "lon", "alt_m",
		"sigma_range_m", "sigma_bearing_deg", "sigma_m", "speed_mps", "course_deg", "cov_m2", "class", "id"}
	idKeys = [...]string{"mmsi", "icao", "callsign", "name"}

	reportFolded   = foldedNames(reportKeys[:])
	platformFolded = foldedNames(platformKeys[:])
	detFolded      = foldedNames(detKeys[:])
	idFolded       = foldedNames(idKeys[:])

	// detPaths are the encoding/json error paths of the detection fields.
	detPaths = func() (p [len(detKeys)]string) {
		for i, k := range detKeys {
			p[i] = "detections." + k
		}
		return p
	}()
	platformPaths = [...]string{"platform.lat", "platform.lon", "platform.alt_m"}
	idPaths       = [...]string{"detections.id.mmsi", "detections.id.icao", "detections.id.callsign", "detections.id.name"}
)

func foldedNames(names []string) []string {
	f := make([]string, len(names))
	for i, n := range names {
		f[i] = string(appendFoldedName(nil, []byte(n)))
	}
	return f
}

// appendFoldedName appends the case-folded in to out, as encoding/json
// folds keys: ASCII letters upper-cased, other runes to the smallest rune of
// their Unicode simple-folding orbit.
func appendFoldedName(out, in []byte) []byte {
	for i := 0; i < len(in); {
		if c := in[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(in[i:])
		out = utf8.AppendRune(out, foldRune(r))
		i += n
	}
	return out
}

func foldRune(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}

// wirePos is a platform as parsed: values and presence bits (pk*).
type wirePos struct {
	v   [3]float64
	has uint8
}

// wireDet is a detection as parsed. v holds the number fields (dk*) and,
// from dkNumbers, the first three elements of cov_m2; has has a bit per
// field present (dkCov and dkClass included); covN is the length of cov_m2.
type wireDet struct {
	v     [dkNumbers + 3]float64
	has   uint32
	id    int32 // 1 + index into jsonParser.ids; 0 when id is absent
	covN  int
	class span
}

// wireID is an identity as parsed; has has a bit per field (ik*).
type wireID struct {
	mmsi                 int64
	icao, callsign, name span
	has                  uint8
}

// typeErr is the first JSON type error met, as encoding/json reports it.
type typeErr struct {
	path  string // field path without detection indexes ("detections.lat")
	value string // "string", "number", "number 1e400", "bool", "object", "array"
	want  string // "number", "integer", "string", "object", "array"
}

// jsonParser is the state of one DecodeJSON call. Parsers are pooled.
type jsonParser struct {
	b     []byte
	arena []byte    // unescaped strings
	stack []bool    // containers being skipped: true for an object
	dets  []wireDet // every element ever decoded since detections was last reset
	ids   []wireID
	spare wireDet // decodes the elements past MaxDetections

	sensor, time span
	seq          int64
	hasSeq       bool
	plat         wirePos
	hasPlat      bool
	nDets        int  // length of detections
	hasDets      bool // detections is non-nil

	nTypeErrs int
	terr      typeErr
	// For the index of the detection named in a type error: encoding/json's
	// probe of the payload fails (probeFail) when some "detections" is
	// neither an array nor null; otherwise the index is lastBad, the first
	// element of the last "detections" with a type error (-1: none).
	probeFail bool
	lastBad   int
}

var parserPool = sync.Pool{New: func() any { return new(jsonParser) }}

func getParser(b []byte) *jsonParser {
	p := parserPool.Get().(*jsonParser)
	*p = jsonParser{b: b, arena: p.arena[:0], stack: p.stack[:0], dets: p.dets[:0], ids: p.ids[:0], lastBad: -1}
	return p
}

func putParser(p *jsonParser) {
	if cap(p.dets) > 4096 || cap(p.arena) > 1<<16 || cap(p.ids) > 4096 || cap(p.stack) > 1<<12 {
		return // do not keep the memory of an outsized report
	}
	p.b = nil
	parserPool.Put(p)
}

// bytesOf returns the bytes of a decoded string.
func (p *jsonParser) bytesOf(s span) []byte {
	if s.arena {
		return p.arena[s.lo:s.hi]
	}
	return p.b[s.lo:s.hi]
}

// typeError records a JSON type error; only the first is kept.
func (p *jsonParser) typeError(path, value, want string) {
	p.nTypeErrs++
	if p.nTypeErrs == 1 {
		p.terr = typeErr{path, value, want}
	}
}

// --- syntax errors ---------------------------------------------------------

// Contexts of syntax errors, as encoding/json's scanner words them.
const (
	ctxValue      = "looking for beginning of value"
	ctxKey        = "looking for beginning of object key string"
	ctxAfterKey   = "after object key"
	ctxAfterPair  = "after object key:value pair"
	ctxAfterElem  = "after array element"
	ctxAfterTop   = "after top-level value"
	ctxString     = "in string literal"
	ctxEscape     = "in string escape code"
	ctxHex        = "in \\u hexadecimal character escape"
	ctxNumber     = "in numeric literal"
	ctxDot        = "after decimal point in numeric literal"
	ctxExponent   = "in exponent of numeric literal"
	ctxMaxDepth   = "exceeded max depth"
	msgUnexpected = "unexpected end of JSON input"
)

// syntax returns the syntax error at b[i] in context ctx. At the end of the
// payload encoding/json's scanner feeds a space: the error is "unexpected
// end" where a space is allowed (wsOK), else about that space.
func syntax(b []byte, i int, ctx string, wsOK bool) *Error {
	var msg string
	off := i + 1
	switch {
	case i < len(b):
		msg = "invalid character " + quoteChar(b[i]) + " " + ctx
	case wsOK:
		off, msg = len(b), msgUnexpected
	default:
		off, msg = len(b), "invalid character ' ' "+ctx
	}
	return &Error{ReasonMalformed, "", "invalid JSON at byte " + strconv.Itoa(off) + ": " + msg}
}

// quoteChar formats c as encoding/json's scanner does in its errors.
func quoteChar(c byte) string {
	if c == '\'' {
		return `'\''`
	}
	if c == '"' {
		return `'"'`
	}
	s := strconv.Quote(string(rune(c)))
	return "'" + s[1:len(s)-1] + "'"
}

// --- lexical helpers -------------------------------------------------------

func skipWS(b []byte, i int) int {
	for i < len(b) {
		c := b[i]
		if c > ' ' || c != ' ' && c != '\n' && c != '\r' && c != '\t' {
			break
		}
		i++
	}
	return i
}

// literal checks the literal word (true, false, null) at b[i] and returns
// the index after it.
func literal(b []byte, i int, word string) (int, *Error) {
	for k := 1; k < len(word); k++ {
		if i+k >= len(b) || b[i+k] != word[k] {
			return i + k, syntax(b, i+k, "in literal "+word+" (expecting "+quoteChar(word[k])+")", false)
		}
	}
	return i + len(word), nil
}

// skipNumber checks the number at b[i] ('-' or a digit) and returns the
// index after it.
func skipNumber(b []byte, i int) (int, *Error) {
	if b[i] == '-' {
		i++
		if i >= len(b) || !isDigit(b[i]) {
			return i, syntax(b, i, ctxNumber, false)
		}
	}
	if b[i] == '0' {
		i++
	} else {
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || !isDigit(b[i]) {
			return i, syntax(b, i, ctxDot, false)
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || !isDigit(b[i]) {
			return i, syntax(b, i, ctxExponent, false)
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	return i, nil
}

// float64pow10 are the powers of ten a float64 holds exactly.
var float64pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// number parses the number at b[i] ('-' or a digit) and returns its value
// and the index after it; ok is false when strconv.ParseFloat rejects the
// literal (out of the float64 range), a type error for encoding/json.
//
// The value is exactly strconv.ParseFloat's: a literal of at most 19 digits
// whose mantissa (the digits as an integer) is below 2^53 and whose decimal
// exponent is within ±22 is converted with one IEEE multiplication or
// division of two exactly represented numbers, which is correctly rounded as
// ParseFloat is (the classic fast path, also ParseFloat's own first step);
// any other literal goes to ParseFloat.
func number(b []byte, i int) (f float64, j int, ok bool, e *Error) {
	if len(b)-i >= 20 {
		if f, j, ok := numberSWAR(b, i); ok {
			return f, j, true, nil
		}
	}
	return numberSlow(b, i)
}

// Constants of the SWAR digit tests (8 bytes at a time).
const (
	ascii0s  = 0x3030303030303030
	hi7s     = 0x7676767676767676
	highBits = 0x8080808080808080
)

// digitRun returns the number of leading decimal digits in the 8 bytes of
// v (the first in the low byte), and v with each digit byte turned into its
// value. The carries of the addition only corrupt bytes above the first
// non-digit, which are not looked at.
func digitRun(v uint64) (int, uint64) {
	x := v ^ ascii0s
	m := ((x + hi7s) | x) & highBits
	return bits.TrailingZeros64(m) >> 3, x
}

// digitsValue returns the value of the n (1 to 8) digit values in the low
// bytes of x, the first the most significant.
func digitsValue(x uint64, n int) uint64 {
	x <<= uint(8-n) * 8
	x = (x & 0x0F0F0F0F0F0F0F0F) * 2561 >> 8
	x = (x & 0x00FF00FF00FF00FF) * 6553601 >> 16
	return (x & 0x0000FFFF0000FFFF) * 42949672960001 >> 32
}

// numberSWAR parses the common number shapes, -?D{1,7}(.D{1,7})? with at
// least 20 bytes from i, 8 bytes at a time; ok is false for anything else
// (including syntax errors), which numberSlow then handles. With at most
// 14 digits and a decimal exponent in [-7, 0] the conversion is exact.
func numberSWAR(b []byte, i int) (f float64, j int, ok bool) {
	j = i
	neg := b[j] == '-'
	if neg {
		j++
	}
	n, x := digitRun(binary.LittleEndian.Uint64(b[j:]))
	if n == 0 || n == 8 || n > 1 && b[j] == '0' {
		return 0, 0, false
	}
	mant := digitsValue(x, n)
	j += n
	exp := 0
	if b[j] == '.' {
		n, x = digitRun(binary.LittleEndian.Uint64(b[j+1:]))
		if n == 0 || n == 8 {
			return 0, 0, false
		}
		mant = mant*uint64(pow10u[n]) + digitsValue(x, n)
		j += 1 + n
		exp = n
	}
	if b[j]|0x20 == 'e' {
		return 0, 0, false
	}
	f = float64(mant)
	if exp > 0 {
		f /= float64pow10[exp]
	}
	if neg {
		f = -f
	}
	return f, j, true
}

var pow10u = [...]uint32{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000}

// numberSlow is number for any literal, a byte at a time.
func numberSlow(b []byte, i int) (f float64, j int, ok bool, e *Error) {
	start := i
	neg := b[i] == '-'
	if neg {
		i++
		if i >= len(b) || b[i]-'0' > 9 {
			return 0, i, false, syntax(b, i, ctxNumber, false)
		}
	}
	var mant uint64
	digits := 0
	if b[i] == '0' {
		i++
	} else {
		k := i
		for ; i < len(b); i++ {
			c := b[i] - '0'
			if c > 9 {
				break
			}
			mant = mant*10 + uint64(c)
		}
		digits = i - k
	}
	exp := 0
	if i < len(b) && b[i] == '.' {
		i++
		k := i
		for ; i < len(b); i++ {
			c := b[i] - '0'
			if c > 9 {
				break
			}
			mant = mant*10 + uint64(c)
		}
		if i == k {
			return 0, i, false, syntax(b, i, ctxDot, false)
		}
		digits += i - k
		exp = k - i
	}
	if i < len(b) && b[i]|0x20 == 'e' {
		i++
		eneg := false
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			eneg = b[i] == '-'
			i++
		}
		if i >= len(b) || b[i]-'0' > 9 {
			return 0, i, false, syntax(b, i, ctxExponent, false)
		}
		ev := 0
		for ; i < len(b); i++ {
			c := b[i] - '0'
			if c > 9 {
				break
			}
			if ev < 10000 {
				ev = ev*10 + int(c)
			}
		}
		if eneg {
			ev = -ev
		}
		exp += ev
	}
	if digits <= 19 && mant < 1<<53 && exp >= -22 && exp <= 22 {
		f = float64(mant)
		if exp < 0 {
			f /= float64pow10[-exp]
		} else if exp > 0 {
			f *= float64pow10[exp]
		}
		if neg {
			f = -f
		}
		return f, i, true, nil
	}
	f, err := strconv.ParseFloat(string(b[start:i]), 64)
	return f, i, err == nil, nil
}

// skipString checks the string at b[i] == '"' and returns the index after it.
func skipString(b []byte, i int) (int, *Error) {
	i++
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			return i + 1, nil
		case c == '\\':
			j, e := escape(b, i)
			if e != nil {
				return j, e
			}
			i = j
		case c < 0x20:
			return i, syntax(b, i, ctxString, true)
		default:
			i++
		}
	}
	return i, syntax(b, i, ctxString, true)
}

// escape checks the escape sequence at b[i] == '\\' and returns the index
// after it.
func escape(b []byte, i int) (int, *Error) {
	i++
	if i >= len(b) {
		return i, syntax(b, i, ctxEscape, false)
	}
	switch b[i] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return i + 1, nil
	case 'u':
		for k := 1; k <= 4; k++ {
			if i+k >= len(b) || !isHexDigit(b[i+k]) {
				return i + k, syntax(b, i+k, ctxHex, false)
			}
		}
		return i + 5, nil
	}
	return i, syntax(b, i, ctxEscape, false)
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// hex4 returns the value of the four hexadecimal digits at b[i:], or -1.
func hex4(b []byte, i int) rune {
	if i+4 > len(b) {
		return -1
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// quoted parses the string at b[i] == '"' and returns its decoded value and
// the index after it.
func (p *jsonParser) quoted(i int) (span, int, *Error) {
	b := p.b
	j := i + 1
	for j < len(b) {
		c := b[j]
		if c == '"' {
			return span{lo: i + 1, hi: j}, j + 1, nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		if c < utf8.RuneSelf {
			j++
			continue
		}
		r, n := utf8.DecodeRune(b[j:])
		if r == utf8.RuneError && n == 1 {
			break
		}
		j += n
	}
	return p.unquote(i+1, j)
}

// unquote decodes the rest of a string whose bytes b[start:j] need no
// decoding, into the arena, as encoding/json's unquote does.
func (p *jsonParser) unquote(start, j int) (span, int, *Error) {
	b := p.b
	a := p.arena
	lo := len(a)
	a = append(a, b[start:j]...)
	for j < len(b) {
		c := b[j]
		switch {
		case c == '"':
			p.arena = a
			return span{lo: lo, hi: len(a), arena: true}, j + 1, nil
		case c == '\\':
			k, e := escape(b, j)
			if e != nil {
				return span{}, k, e
			}
			switch e := b[j+1]; e {
			case 'b':
				a = append(a, '\b')
			case 'f':
				a = append(a, '\f')
			case 'n':
				a = append(a, '\n')
			case 'r':
				a = append(a, '\r')
			case 't':
				a = append(a, '\t')
			case 'u':
				r := hex4(b, j+2)
				if utf16.IsSurrogate(r) {
					r2 := rune(-1)
					if k+1 < len(b) && b[k] == '\\' && b[k+1] == 'u' {
						r2 = hex4(b, k+2)
					}
					if dec := utf16.DecodeRune(r, r2); dec != unicode.ReplacementChar {
						k += 6
						r = dec
					} else {
						r = unicode.ReplacementChar
					}
				}
				a = utf8.AppendRune(a, r)
			default:
				a = append(a, e)
			}
			j = k
		case c < 0x20:
			p.arena = a
			return span{}, j, syntax(b, j, ctxString, true)
		case c < utf8.RuneSelf:
			a = append(a, c)
			j++
		default:
			r, n := utf8.DecodeRune(b[j:])
			a = utf8.AppendRune(a, r)
			j += n
		}
	}
	p.arena = a
	return span{}, j, syntax(b, j, ctxString, true)
}

// skip checks the value at b[i] (not white space), in a container at the
// given depth, and returns the index after it. It does not recurse.
func (p *jsonParser) skip(i, depth int) (int, *Error) {
	b := p.b
	st := p.stack[:0]
	defer func() { p.stack = st[:0] }()
	var e *Error
	for {
		// A value at b[i].
		if i >= len(b) {
			return i, syntax(b, i, ctxValue, true)
		}
		switch c := b[i]; c {
		case '{', '[':
			if depth+len(st)+1 > maxJSONDepth {
				return i, syntax(b, i, ctxMaxDepth, true)
			}
			st = append(st, c == '{')
			i = skipWS(b, i+1)
			if c == '{' {
				if i < len(b) && b[i] == '}' {
					st = st[:len(st)-1]
					i++
					break
				}
				if i, e = p.skipKey(i); e != nil {
					return i, e
				}
				continue
			}
			if i < len(b) && b[i] == ']' {
				st = st[:len(st)-1]
				i++
				break
			}
			continue
		case '"':
			if i, e = skipString(b, i); e != nil {
				return i, e
			}
		case 't':
			if i, e = literal(b, i, "true"); e != nil {
				return i, e
			}
		case 'f':
			if i, e = literal(b, i, "false"); e != nil {
				return i, e
			}
		case 'n':
			if i, e = literal(b, i, "null"); e != nil {
				return i, e
			}
		default:
			if c != '-' && !isDigit(c) {
				return i, syntax(b, i, ctxValue, true)
			}
			if i, e = skipNumber(b, i); e != nil {
				return i, e
			}
		}
		// After a value: close containers until one goes on.
		for {
			if len(st) == 0 {
				return i, nil
			}
			i = skipWS(b, i)
			obj := st[len(st)-1]
			if i < len(b) && b[i] == ',' {
				i = skipWS(b, i+1)
				if obj {
					if i, e = p.skipKey(i); e != nil {
						return i, e
					}
				}
				break
			}
			if obj && i < len(b) && b[i] == '}' || !obj && i < len(b) && b[i] == ']' {
				st = st[:len(st)-1]
				i++
				continue
			}
			if obj {
				return i, syntax(b, i, ctxAfterPair, true)
			}
			return i, syntax(b, i, ctxAfterElem, true)
		}
	}
}

// skipKey checks `"key" :` at b[i] and returns the index of the value.
func (p *jsonParser) skipKey(i int) (int, *Error) {
	b := p.b
	if i >= len(b) || b[i] != '"' {
		return i, syntax(b, i, ctxKey, true)
	}
	i, e := skipString(b, i)
	if e != nil {
		return i, e
	}
	i = skipWS(b, i)
	if i >= len(b) || b[i] != ':' {
		return i, syntax(b, i, ctxAfterKey, true)
	}
	return skipWS(b, i+1), nil
}

// key parses `"key" :` at b[i] == '"' and returns the index of the key in
// names (-1 when it is not one), and the index of the value.
func (p *jsonParser) key(i int, names, folded []string) (int, int, *Error) {
	b := p.b
	k := -1
	// Fast path: the key is one of names exactly, with no escapes.
	if i+1 < len(b) {
		c := b[i+1]
		for n, name := range names {
			if name[0] == c && len(b)-i-1 > len(name) && string(b[i+1:i+1+len(name)]) == name && b[i+1+len(name)] == '"' {
				k, i = n, i+2+len(name)
				break
			}
		}
	}
	if k < 0 {
		s, j, e := p.quoted(i)
		if e != nil {
			return -1, j, e
		}
		k, i = matchKey(p.bytesOf(s), names, folded), j
	}
	i = skipWS(b, i)
	if i >= len(b) || b[i] != ':' {
		return -1, i, syntax(b, i, ctxAfterKey, true)
	}
	return k, skipWS(b, i+1), nil
}

// matchKey returns the index of key in names, matching as encoding/json
// does: exactly, else case-insensitively; -1 when none matches.
func matchKey(key []byte, names, folded []string) int {
	for k, n := range names {
		if string(key) == n {
			return k
		}
	}
	if len(key) > 4*len("sigma_bearing_deg") {
		return -1 // too long to fold to any name
	}
	var buf [128]byte
	f := appendFoldedName(buf[:0], key)
	for k, n := range folded {
		if string(f) == n {
			return k
		}
	}
	return -1
}

// le returns the first 8 bytes of s (zero-padded) as a little-endian
// integer, to compare keys 8 bytes at a time.
func le(s string) uint64 {
	var v uint64
	for i := min(len(s), 8) - 1; i >= 0; i-- {
		v = v<<8 | uint64(s[i])
	}
	return v
}

// The detection keys with their closing quote, as little-endian words: the
// first 8 bytes, and the last 8 bytes of the longer ones (the two overlap).
var (
	wRange       = le(`range_m"`)
	wBearing     = le(`bearing_`)
	wBearing2    = le(`ing_deg"`) // bearing_deg" [4:12]
	wElevation   = le(`elevatio`)
	wElevation2  = le(`ion_deg"`) // elevation_deg" [6:14]
	wLat         = le(`lat"`)
	wLon         = le(`lon"`)
	wAlt         = le(`alt_m"`)
	wSigmaM      = le(`sigma_m"`)
	wSigmaRa     = le(`sigma_ra`)
	wSigmaRange2 = le(`range_m"`) // sigma_range_m" [6:14]
	wSigmaBe     = le(`sigma_be`)
	wSigmaBe2    = le(`aring_de`) // sigma_bearing_deg" [8:16]
	wSigmaBe3    = le(`ing_deg"`) // sigma_bearing_deg" [10:18]
	wSpeed       = le(`speed_mp`)
	wSpeed2      = le(`eed_mps"`) // speed_mps" [2:10]
	wCov         = le(`cov_m2"`)
	wClass       = le(`class"`)
	wCourse      = le(`course_d`)
	wCourse2     = le(`rse_deg"`) // course_deg" [3:11]
	wID          = le(`id"`)
)

const (
	mask3 = 1<<24 - 1
	mask4 = 1<<32 - 1
	mask6 = 1<<48 - 1
	mask7 = 1<<56 - 1
)

// detKeyWord matches the key whose first byte is b[i] (after the opening
// quote) against the detection keys, given at least 24 bytes from i. It
// returns the key and the length of the key with its closing quote, or
// -1, 0.
func detKeyWord(b []byte, i int) (int, int) {
	w := binary.LittleEndian.Uint64(b[i:])
	switch byte(w) {
	case 'l':
		switch w & mask4 {
		case wLat:
			return dkLat, 4
		case wLon:
			return dkLon, 4
		}
	case 's':
		switch w {
		case wSigmaM:
			return dkSigmaM, 8
		case wSigmaRa:
			if binary.LittleEndian.Uint64(b[i+6:]) == wSigmaRange2 {
				return dkSigmaRange, 14
			}
		case wSigmaBe:
			if binary.LittleEndian.Uint64(b[i+8:]) == wSigmaBe2 && binary.LittleEndian.Uint64(b[i+10:]) == wSigmaBe3 {
				return dkSigmaBearing, 18
			}
		case wSpeed:
			if binary.LittleEndian.Uint64(b[i+2:]) == wSpeed2 {
				return dkSpeed, 10
			}
		}
	case 'r':
		if w == wRange {
			return dkRange, 8
		}
	case 'b':
		if w == wBearing && binary.LittleEndian.Uint64(b[i+4:]) == wBearing2 {
			return dkBearing, 12
		}
	case 'a':
		if w&mask6 == wAlt {
			return dkAlt, 6
		}
	case 'c':
		if w&mask7 == wCov {
			return dkCov, 7
		}
		if w&mask6 == wClass {
			return dkClass, 6
		}
		if w == wCourse && binary.LittleEndian.Uint64(b[i+3:]) == wCourse2 {
			return dkCourse, 11
		}
	case 'e':
		if w == wElevation && binary.LittleEndian.Uint64(b[i+6:]) == wElevation2 {
			return dkElevation, 14
		}
	case 'i':
		if w&mask3 == wID {
			return dkID, 3
		}
	}
	return -1, 0
}

// detKey is key for a detection, with a faster path for the usual keys.
func (p *jsonParser) detKey(i int) (int, int, *Error) {
	b := p.b
	if len(b)-i >= 25 {
		if k, n := detKeyWord(b, i+1); n > 0 {
			i += 1 + n
			if b[i] == ':' {
				i++
			} else {
				i = skipWS(b, i)
				if i >= len(b) || b[i] != ':' {
					return -1, i, syntax(b, i, ctxAfterKey, true)
				}
				i++
			}
			if i < len(b) && b[i] > ' ' {
				return k, i, nil
			}
			return k, skipWS(b, i), nil
		}
	}
	return p.key(i, detKeys[:], detFolded)
}

// wrongType records the type error of the value at b[i], not null, where a
// field at path wants a JSON want, and skips the value (in a container at
// the given depth).
func (p *jsonParser) wrongType(i, depth int, path, want string) (int, *Error) {
	b := p.b
	if i >= len(b) {
		return i, syntax(b, i, ctxValue, true)
	}
	switch c := b[i]; c {
	case '"':
		p.typeError(path, "string", want)
		return skipString(b, i)
	case '{':
		p.typeError(path, "object", want)
	case '[':
		p.typeError(path, "array", want)
	case 't', 'f':
		p.typeError(path, "bool", want)
	default:
		if c == '-' || isDigit(c) {
			p.typeError(path, "number", want)
			return skipNumber(b, i)
		}
	}
	return p.skip(i, depth)
}

// afterValue checks what follows a member of an object: it returns the
// index of the next key and more == true after a ',', or the index after
// the '}' and more == false.
func afterValue(b []byte, i int) (int, bool, *Error) {
	i = skipWS(b, i)
	if i < len(b) {
		switch b[i] {
		case ',':
			i = skipWS(b, i+1)
			if i < len(b) && b[i] == '"' {
				return i, true, nil
			}
			return i, false, syntax(b, i, ctxKey, true)
		case '}':
			return i + 1, false, nil
		}
	}
	return i, false, syntax(b, i, ctxAfterPair, true)
}

// objectStart is called after '{': it returns the index of the first key,
// or the index after the '}' and empty == true.
func objectStart(b []byte, i int) (int, bool, *Error) {
	i = skipWS(b, i)
	if i < len(b) {
		if b[i] == '}' {
			return i + 1, true, nil
		}
		if b[i] == '"' {
			return i, false, nil
		}
	}
	return i, false, syntax(b, i, ctxKey, true)
}

// --- the schema --------------------------------------------------------------

// parse parses the whole payload, whose first non-space byte is '{'.
func (p *jsonParser) parse() *Error {
	b := p.b
	i := skipWS(b, 0) + 1
	i, empty, e := objectStart(b, i)
	if e != nil {
		return e
	}
	for more := !empty; more; {
		var k int
		if k, i, e = p.key(i, reportKeys[:], reportFolded); e != nil {
			return e
		}
		switch k {
		case rkSensor:
			i, e = p.stringValue(i, &p.sensor, "sensor")
		case rkTime:
			i, e = p.stringValue(i, &p.time, "time")
		case rkSeq:
			var n int64
			var set, clear bool
			n, i, set, clear, e = p.intValue(i, 1, "seq")
			if set {
				p.seq, p.hasSeq = n, true
			} else if clear {
				p.hasSeq = false
			}
		case rkPlatform:
			i, e = p.platform(i)
		case rkDetections:
			i, e = p.detections(i)
		default:
			i, e = p.skip(i, 1)
		}
		if e != nil {
			return e
		}
		if i, more, e = afterValue(b, i); e != nil {
			return e
		}
	}
	i = skipWS(b, i)
	if i < len(b) {
		return syntax(b, i, ctxAfterTop, true)
	}
	return nil
}

// stringValue parses the value of a string field at b[i]; null leaves it.
func (p *jsonParser) stringValue(i int, dst *span, path string) (int, *Error) {
	b := p.b
	if i < len(b) {
		switch b[i] {
		case '"':
			s, j, e := p.quoted(i)
			if e == nil {
				*dst = s
			}
			return j, e
		case 'n':
			return literal(b, i, "null")
		}
	}
	return p.wrongType(i, 1, path, "string")
}

// intValue parses the value of an integer field at b[i] (in a container at
// depth). It returns the value and set (an integer) or clear (null);
// neither on a type error.
func (p *jsonParser) intValue(i, depth int, path string) (n int64, j int, set, clear bool, e *Error) {
	b := p.b
	if i < len(b) {
		if c := b[i]; c == '-' || isDigit(c) {
			if j, e = skipNumber(b, i); e != nil {
				return 0, j, false, false, e
			}
			n, err := strconv.ParseInt(string(b[i:j]), 10, 64)
			if err != nil {
				p.typeError(path, "number "+string(b[i:j]), "integer")
				return 0, j, false, false, nil
			}
			return n, j, true, false, nil
		} else if c == 'n' {
			j, e = literal(b, i, "null")
			return 0, j, false, e == nil, e
		}
	}
	j, e = p.wrongType(i, depth, path, "integer")
	return 0, j, false, false, e
}

// floatValue parses the value of a number field at b[i]. It returns the
// value and set (a number) or clear (null); neither on a type error.
func (p *jsonParser) floatValue(i, depth int, path string) (f float64, j int, set, clear bool, e *Error) {
	b := p.b
	if i < len(b) {
		if c := b[i]; c == '-' || isDigit(c) {
			f, j, ok, e := number(b, i)
			if e == nil && !ok {
				p.typeError(path, "number "+string(b[i:j]), "number")
			}
			return f, j, ok, false, e
		} else if c == 'n' {
			j, e := literal(b, i, "null")
			return 0, j, false, e == nil, e
		}
	}
	j, e = p.wrongType(i, depth, path, "number")
	return 0, j, false, false, e
}

func (p *jsonParser) platform(i int) (int, *Error) {
	b := p.b
	if i < len(b) {
		switch b[i] {
		case 'n':
			p.hasPlat = false
			return literal(b, i, "null")
		case '{':
			if !p.hasPlat {
				p.plat, p.hasPlat = wirePos{}, true
			}
			i, empty, e := objectStart(b, i+1)
			if e != nil {
				return i, e
			}
			for more := !empty; more; {
				var k int
				if k, i, e = p.key(i, platformKeys[:], platformFolded); e != nil {
					return i, e
				}
				if k < 0 {
					i, e = p.skip(i, 2)
				} else {
					var f float64
					var set, clear bool
					f, i, set, clear, e = p.floatValue(i, 2, platformPaths[k])
					if set {
						p.plat.v[k] = f
						p.plat.has |= 1 << k
					} else if clear {
						p.plat.has &^= 1 << k
					}
				}
				if e != nil {
					return i, e
				}
				if i, more, e = afterValue(b, i); e != nil {
					return i, e
				}
			}
			return i, nil
		}
	}
	return p.wrongType(i, 1, "platform", "object")
}

func (p *jsonParser) detections(i int) (int, *Error) {
	b := p.b
	if i < len(b) {
		switch b[i] {
		case 'n':
			p.resetDets(false)
			return literal(b, i, "null")
		case '[':
			i = skipWS(b, i+1)
			if i < len(b) && b[i] == ']' {
				p.resetDets(true)
				return i + 1, nil
			}
			n, bad := 0, -1
			for {
				var w *wireDet
				switch {
				case n < len(p.dets):
					w = &p.dets[n]
				case n < MaxDetections:
					p.dets = append(p.dets, wireDet{})
					w = &p.dets[n]
				default:
					p.spare = wireDet{}
					w = &p.spare
				}
				errs := p.nTypeErrs
				var e *Error
				switch {
				case i < len(b) && b[i] == '{':
					i, e = p.detection(i, w)
				case i < len(b) && b[i] == 'n':
					i, e = literal(b, i, "null") // leaves the element as it was
				default:
					i, e = p.wrongType(i, 2, "detections", "object")
				}
				if e != nil {
					return i, e
				}
				if bad < 0 && p.nTypeErrs != errs {
					bad = n
				}
				n++
				i = skipWS(b, i)
				if i < len(b) && b[i] == ',' {
					i = skipWS(b, i+1)
					continue
				}
				if i < len(b) && b[i] == ']' {
					i++
					break
				}
				return i, syntax(b, i, ctxAfterElem, true)
			}
			p.nDets, p.hasDets, p.lastBad = n, true, bad
			return i, nil
		}
	}
	p.probeFail = true
	return p.wrongType(i, 1, "detections", "array")
}

// resetDets sets detections to a new empty slice (or nil): the elements
// decoded so far are forgotten.
func (p *jsonParser) resetDets(empty bool) {
	p.dets, p.ids = p.dets[:0], p.ids[:0]
	p.nDets, p.hasDets, p.lastBad = 0, empty, -1
}

// detection parses the detection object at b[i] == '{' into w.
//
// Each member is first tried on a fast path that handles, without calls, a
// known number field whose key has no escapes and whose value is a plain
// number (numberSWAR's shapes); it writes nothing unless the member parses,
// and anything else (other fields, white space other than one space,
// exponents, long numbers, syntax errors, the last 64 bytes of the payload)
// goes to the general code, from the start of the member or after its value.
func (p *jsonParser) detection(i int, w *wireDet) (int, *Error) {
	b := p.b
	i, empty, e := objectStart(b, i+1)
	if e != nil || empty {
		return i, e
	}
	for {
		// A member at b[i] (after white space when the fast path left some).
		if len(b)-i >= 64 && b[i] == '"' {
			if f, k, j := fastMember((*[64]byte)(b[i : i+64])); j > 0 {
				w.v[k&15] = f
				w.has |= 1 << (k & 15)
				j += i
				switch b[j] {
				case ',':
					i = j + 1
					if b[i] == ' ' {
						i++
					}
					if b[i] != '"' {
						i = skipWS(b, i)
					}
					continue
				case '}':
					return j + 1, nil
				}
				var more bool
				if i, more, e = afterValue(b, j); e != nil || !more {
					return i, e
				}
				continue
			}
		}

		// The general path, for one member.
		var k int
		if i >= len(b) || b[i] != '"' {
			return i, syntax(b, i, ctxKey, true)
		}
		if k, i, e = p.detKey(i); e != nil {
			return i, e
		}
		switch {
		case k < 0:
			i, e = p.skip(i, 3)
		case k < dkNumbers:
			var set, clear bool
			var f float64
			f, i, set, clear, e = p.floatValue(i, 3, detPaths[k])
			if set {
				w.v[k] = f
				w.has |= 1 << k
			} else if clear {
				w.has &^= 1 << k
			}
		case k == dkCov:
			i, e = p.cov(i, w)
		case k == dkClass:
			switch {
			case i < len(b) && b[i] == '"':
				var s span
				if s, i, e = p.quoted(i); e == nil {
					w.class = s
					w.has |= 1 << dkClass
				}
			case i < len(b) && b[i] == 'n':
				w.has &^= 1 << dkClass
				i, e = literal(b, i, "null")
			default:
				i, e = p.wrongType(i, 3, detPaths[dkClass], "string")
			}
		default: // dkID
			i, e = p.identity(i, w)
		}
		if e != nil {
			return i, e
		}
		var more bool
		if i, more, e = afterValue(b, i); e != nil || !more {
			return i, e
		}
	}
}

// fastMember parses, in the 64-byte window r starting at a member's
// opening quote, a member whose key is a detection number field without
// escapes, followed by ':' and at most one space, and whose value has one of
// numberSWAR's shapes. It returns the value, the field and the length of the
// member in r; j == 0 when the member is not of that kind.
func fastMember(r *[64]byte) (f float64, k, j int) {
	w := binary.LittleEndian.Uint64(r[1:9])
	switch byte(w) {
	case 'l':
		switch w & mask4 {
		case wLat:
			k, j = dkLat, 5
		case wLon:
			k, j = dkLon, 5
		}
	case 's':
		switch w {
		case wSigmaM:
			k, j = dkSigmaM, 9
		case wSigmaRa:
			if binary.LittleEndian.Uint64(r[7:15]) == wSigmaRange2 {
				k, j = dkSigmaRange, 15
			}
		case wSigmaBe:
			if binary.LittleEndian.Uint64(r[9:17]) == wSigmaBe2 && binary.LittleEndian.Uint64(r[11:19]) == wSigmaBe3 {
				k, j = dkSigmaBearing, 19
			}
		case wSpeed:
			if binary.LittleEndian.Uint64(r[3:11]) == wSpeed2 {
				k, j = dkSpeed, 11
			}
		}
	case 'r':
		if w == wRange {
			k, j = dkRange, 9
		}
	case 'b':
		if w == wBearing && binary.LittleEndian.Uint64(r[5:13]) == wBearing2 {
			k, j = dkBearing, 13
		}
	case 'a':
		if w&mask6 == wAlt {
			k, j = dkAlt, 7
		}
	case 'c':
		if w == wCourse && binary.LittleEndian.Uint64(r[4:12]) == wCourse2 {
			k, j = dkCourse, 12
		}
	case 'e':
		if w == wElevation && binary.LittleEndian.Uint64(r[7:15]) == wElevation2 {
			k, j = dkElevation, 15
		}
	}
	if j == 0 || r[j] != ':' {
		return 0, 0, 0
	}
	j++
	if r[j] == ' ' {
		j++
	}
	neg := r[j] == '-'
	if neg {
		j++
	}
	// j <= 22 here, so the 8-byte loads below stay within r.
	x := binary.LittleEndian.Uint64(r[j:j+8]) ^ ascii0s
	n := bits.TrailingZeros64(((x+hi7s)|x)&highBits) >> 3
	if n == 0 || n == 8 || n > 1 && r[j] == '0' {
		return 0, 0, 0
	}
	mant := digitsValue(x, n)
	j += n
	frac := 0
	if r[j] == '.' {
		x = binary.LittleEndian.Uint64(r[j+1:j+9]) ^ ascii0s
		frac = bits.TrailingZeros64(((x+hi7s)|x)&highBits) >> 3
		if frac == 0 || frac == 8 {
			return 0, 0, 0
		}
		mant = mant*uint64(pow10u[frac]) + digitsValue(x, frac)
		j += 1 + frac
	}
	if r[j]|0x20 == 'e' {
		return 0, 0, 0
	}
	f = float64(mant)
	if frac > 0 {
		f /= float64pow10[frac]
	}
	if neg {
		f = -f
	}
	return f, k, j
}

// cov parses the value of cov_m2 at b[i] into w.
func (p *jsonParser) cov(i int, w *wireDet) (int, *Error) {
	b := p.b
	if i < len(b) {
		switch b[i] {
		case 'n':
			w.has &^= 1 << dkCov
			w.covN, w.v[dkCov], w.v[dkCov+1], w.v[dkCov+2] = 0, 0, 0, 0
			return literal(b, i, "null")
		case '[':
			w.has |= 1 << dkCov
			i = skipWS(b, i+1)
			if i < len(b) && b[i] == ']' {
				w.covN, w.v[dkCov], w.v[dkCov+1], w.v[dkCov+2] = 0, 0, 0, 0
				return i + 1, nil
			}
			n := 0
			for {
				var e *Error
				if i < len(b) && (b[i] == '-' || isDigit(b[i])) {
					var f float64
					var ok bool
					j := i
					if f, i, ok, e = number(b, i); e == nil {
						if !ok {
							p.typeError(detPaths[dkCov], "number "+string(b[j:i]), "number")
						} else if n < 3 {
							w.v[dkCov+n] = f
						}
					}
				} else if i < len(b) && b[i] == 'n' {
					i, e = literal(b, i, "null") // leaves the element as it was
				} else {
					i, e = p.wrongType(i, 4, detPaths[dkCov], "number")
				}
				if e != nil {
					return i, e
				}
				n++
				i = skipWS(b, i)
				if i < len(b) && b[i] == ',' {
					i = skipWS(b, i+1)
					continue
				}
				if i < len(b) && b[i] == ']' {
					i++
					break
				}
				return i, syntax(b, i, ctxAfterElem, true)
			}
			w.covN = n
			return i, nil
		}
	}
	return p.wrongType(i, 3, detPaths[dkCov], "array")
}

// identity parses the value of id at b[i] into w.
func (p *jsonParser) identity(i int, w *wireDet) (int, *Error) {
	b := p.b
	if i < len(b) {
		switch b[i] {
		case 'n':
			w.id = 0
			return literal(b, i, "null")
		case '{':
			if w.id == 0 {
				p.ids = append(p.ids, wireID{})
				w.id = int32(len(p.ids))
			}
			id := &p.ids[w.id-1]
			i, empty, e := objectStart(b, i+1)
			if e != nil {
				return i, e
			}
			for more := !empty; more; {
				var k int
				if k, i, e = p.key(i, idKeys[:], idFolded); e != nil {
					return i, e
				}
				switch k {
				case -1:
					i, e = p.skip(i, 4)
				case ikMMSI:
					var n int64
					var set, clear bool
					n, i, set, clear, e = p.intValue(i, 4, idPaths[ikMMSI])
					if set {
						id.mmsi = n
						id.has |= 1 << ikMMSI
					} else if clear {
						id.has &^= 1 << ikMMSI
					}
				default:
					dst := &id.icao
					if k == ikCallsign {
						dst = &id.callsign
					} else if k == ikName {
						dst = &id.name
					}
					switch {
					case i < len(b) && b[i] == '"':
						var s span
						if s, i, e = p.quoted(i); e == nil {
							*dst = s
							id.has |= 1 << k
						}
					case i < len(b) && b[i] == 'n':
						id.has &^= 1 << k
						i, e = literal(b, i, "null")
					default:
						i, e = p.wrongType(i, 4, idPaths[k], "string")
					}
				}
				if e != nil {
					return i, e
				}
				if i, more, e = afterValue(b, i); e != nil {
					return i, e
				}
			}
			return i, nil
		}
	}
	return p.wrongType(i, 3, detPaths[dkID], "object")
}
