package sensors

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of the native JSON format (SPEC §3), enforced by DecodeJSON.
const (
	// MaxDetections is the most detections one report may carry.
	MaxDetections = 10000
	// MaxSensorLen is the longest sensor id, in characters.
	MaxSensorLen = 64
	// MaxCallsignLen is the longest callsign, in characters.
	MaxCallsignLen = 16
	// MaxNameLen is the longest vessel or aircraft name, in characters.
	MaxNameLen = 64
	// MaxRange is the largest polar range, in metres.
	MaxRange = 2_000_000
	// MaxSpeed is the largest speed, in metres per second.
	MaxSpeed = 1500
	// MinAlt and MaxAlt bound altitudes, in metres above the ellipsoid.
	MinAlt, MaxAlt = -1000, 100_000
	// MaxMMSI is the largest MMSI (nine digits); the smallest is 1.
	MaxMMSI = 999_999_999
)

// DecodeJSON decodes one native JSON sensor report (SPEC §3). Payloads over
// maxBytes (when > 0) are rejected with ReasonTooLarge before parsing.
// Every number is checked: NaN/Inf, latitude outside ±90, longitude outside
// ±180, negative range or sigma, bearing outside [0,360], unknown class...
// It never panics.
//
// On success the Report's Time is in UTC, bearings and courses of 360 are
// normalised to 0, ICAO addresses are lower-case and Detections is non-nil
// (empty for a scan that saw nothing). On failure it returns a zero Report and
// an *Error. Unknown fields are ignored; see the package documentation for
// the other decoding rules.
func DecodeJSON(payload []byte, maxBytes int) (Report, error) {
	if maxBytes > 0 && len(payload) > maxBytes {
		return Report{}, &Error{ReasonTooLarge, "",
			"payload of " + strconv.Itoa(len(payload)) + " bytes exceeds the limit of " + strconv.Itoa(maxBytes)}
	}
	if e := checkObject(payload); e != nil {
		return Report{}, e
	}
	p := getParser(payload)
	e := p.parse()
	if e == nil && p.nTypeErrs > 0 {
		e = p.typeErrorReport()
	}
	var r Report
	if e == nil {
		e = p.convert(&r)
	}
	putParser(p)
	if e != nil {
		return Report{}, e
	}
	return r, nil
}

// checkObject rejects payloads whose top-level value is not an object, which
// encoding/json would otherwise accept into a struct (null) silently.
func checkObject(p []byte) *Error {
	for _, c := range p {
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		case '{':
			return nil
		}
		return &Error{ReasonMalformed, "", "payload is not a JSON object"}
	}
	return &Error{ReasonMalformed, "", "empty payload"}
}

// typeErrorReport returns the error for the first JSON type error, as the
// encoding/json decoder worded it. encoding/json does not give the index of
// the detection at fault; the old decoder found it by decoding the last
// "detections" array again element by element, and so does this (see
// jsonParser.lastBad).
func (p *jsonParser) typeErrorReport() *Error {
	t := p.terr
	field := t.path
	if field == "detections" || strings.HasPrefix(field, "detections.") {
		if !p.probeFail && p.lastBad >= 0 {
			field = "detections[" + strconv.Itoa(p.lastBad) + "]" + field[len("detections"):]
		}
	}
	if n, ok := strings.CutPrefix(t.value, "number "); ok && t.want == "number" {
		return &Error{ReasonMalformed, field, n + " is beyond the range of a 64-bit float"}
	}
	return &Error{ReasonMalformed, field, "JSON " + t.value + " where " + t.want + " expected"}
}

// convert validates the parsed report into r, in the order REPORT.md gives.
func (p *jsonParser) convert(r *Report) *Error {
	sensor := string(p.bytesOf(p.sensor))
	if e := checkSensor(sensor); e != nil {
		return e
	}
	r.Sensor = sensor

	tb := p.bytesOf(p.time)
	if len(tb) == 0 {
		return &Error{ReasonBadTime, "time", "missing"}
	}
	ts := string(tb)
	t, err := time.Parse(time.RFC3339, ts)
	if err != nil || !rfc3339Shape(ts) {
		return &Error{ReasonBadTime, "time", quote(ts) + " is not an RFC 3339 time"}
	}
	t = t.UTC()
	if !t.After(time.Time{}) {
		return &Error{ReasonBadTime, "time", quote(ts) + " is the zero time or earlier"}
	}
	r.Time = t

	if p.hasSeq {
		if p.seq < 0 {
			return &Error{ReasonBadValue, "seq", strconv.FormatInt(p.seq, 10) + " is negative"}
		}
		r.Seq, r.HasSeq = uint64(p.seq), true
	}

	if p.hasPlat {
		pos, e := p.plat.convert()
		if e != nil {
			return e
		}
		r.Platform = pos
	}

	if !p.hasDets {
		return &Error{ReasonBadValue, "detections", "missing (send [] for a scan that saw nothing)"}
	}
	n := p.nDets
	if n > MaxDetections {
		return &Error{ReasonTooLarge, "detections",
			strconv.Itoa(n) + " detections exceed the limit of " + strconv.Itoa(MaxDetections)}
	}
	wd := p.dets[:n]
	nid := 0
	for i := range wd {
		if wd[i].id != 0 {
			nid++
		}
	}
	var ids []Identity
	if nid > 0 {
		ids = make([]Identity, 0, nid)
	}
	r.Detections = make([]Detection, n)
	for i := range wd {
		w, d := &wd[i], &r.Detections[i]
		if e := p.convertDetection(w, i, d); e != nil {
			return e
		}
		if w.id != 0 {
			id, e := p.convertIdentity(&p.ids[w.id-1], i)
			if e != nil {
				return e
			}
			ids = append(ids, id)
			d.ID = &ids[len(ids)-1]
		}
	}
	return nil
}

// rfc3339Shape reports whether s has the exact shape of an RFC 3339 date-time,
// YYYY-MM-DDTHH:MM:SS[.F…](Z|±HH:MM), with upper-case T and Z. time.Parse
// checks the calendar but also accepts one-digit hours, ',' before the
// fraction and zone offsets of 24 hours or more.
func rfc3339Shape(s string) bool {
	const shape = "dddd-dd-ddTdd:dd:dd"
	if len(s) < len(shape)+1 {
		return false
	}
	for i := 0; i < len(shape); i++ {
		if shape[i] == 'd' && !isDigit(s[i]) || shape[i] != 'd' && s[i] != shape[i] {
			return false
		}
	}
	rest := s[len(shape):]
	if rest[0] == '.' {
		n := 1
		for n < len(rest) && isDigit(rest[n]) {
			n++
		}
		if n == 1 {
			return false
		}
		rest = rest[n:]
	}
	if rest == "Z" {
		return true
	}
	return len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') &&
		isDigit(rest[1]) && isDigit(rest[2]) && rest[3] == ':' && isDigit(rest[4]) && isDigit(rest[5]) &&
		(rest[1]-'0')*10+rest[2]-'0' < 24 && rest[4] < '6'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func checkSensor(s string) *Error {
	if s == "" {
		return &Error{ReasonBadValue, "sensor", "missing or empty"}
	}
	n := 0
	for _, c := range s {
		n++
		switch {
		case c == '/' || c == '+' || c == '#':
			return &Error{ReasonBadValue, "sensor", quote(s) + " contains " + strconv.QuoteRune(c) + ", which an MQTT topic level cannot carry"}
		case c < 0x20 || c == 0x7f:
			return &Error{ReasonBadValue, "sensor", quote(s) + " contains a control character"}
		}
	}
	if n > MaxSensorLen {
		return &Error{ReasonBadValue, "sensor", "longer than " + strconv.Itoa(MaxSensorLen) + " characters"}
	}
	return nil
}

func (w *wirePos) convert() (*Position, *Error) {
	if w.has&(1<<pkLat) == 0 {
		return nil, &Error{ReasonBadValue, "platform.lat", "missing"}
	}
	if w.has&(1<<pkLon) == 0 {
		return nil, &Error{ReasonBadValue, "platform.lon", "missing"}
	}
	p := &Position{Lat: w.v[pkLat], Lon: w.v[pkLon]}
	if !in(p.Lat, -90, 90) {
		return nil, outOfRange(ReasonBadPosition, "platform.lat", p.Lat, "[-90, 90]")
	}
	if !in(p.Lon, -180, 180) {
		return nil, outOfRange(ReasonBadPosition, "platform.lon", p.Lon, "[-180, 180]")
	}
	if w.has&(1<<pkAlt) != 0 {
		alt := w.v[pkAlt]
		if !in(alt, MinAlt, MaxAlt) {
			return nil, outOfRange(ReasonBadPosition, "platform.alt_m", alt, "[-1000, 100000]")
		}
		p.Alt, p.HasAlt = alt, true
	}
	return p, nil
}

// Presence bits of wireDet.has.
const (
	bitRange        = 1 << dkRange
	bitBearing      = 1 << dkBearing
	bitElevation    = 1 << dkElevation
	bitLat          = 1 << dkLat
	bitLon          = 1 << dkLon
	bitAlt          = 1 << dkAlt
	bitSigmaRange   = 1 << dkSigmaRange
	bitSigmaBearing = 1 << dkSigmaBearing
	bitSigmaM       = 1 << dkSigmaM
	bitSpeed        = 1 << dkSpeed
	bitCourse       = 1 << dkCourse
	bitCov          = 1 << dkCov
	bitClass        = 1 << dkClass
)

func (p *jsonParser) convertDetection(w *wireDet, i int, d *Detection) *Error {
	has := w.has
	polar := has&(bitRange|bitBearing|bitElevation) != 0
	geodetic := has&(bitLat|bitLon|bitAlt) != 0
	switch {
	case polar && geodetic:
		return &Error{ReasonBadValue, detField(i, ""),
			"has both polar (range_m, bearing_deg, elevation_deg) and geodetic (lat, lon, alt_m) fields; give one form"}
	case polar:
		if has&bitRange == 0 {
			return &Error{ReasonBadValue, detField(i, "range_m"), "missing (a polar detection needs range_m and bearing_deg)"}
		}
		if has&bitBearing == 0 {
			return &Error{ReasonBadValue, detField(i, "bearing_deg"), "missing (a polar detection needs range_m and bearing_deg)"}
		}
		d.Polar = true
		d.Range, d.Bearing = w.v[dkRange], w.v[dkBearing]
		if !(d.Range > 0 && d.Range <= MaxRange) {
			return outOfRange(ReasonBadValue, detField(i, "range_m"), d.Range, "(0, 2000000]")
		}
		if !in(d.Bearing, 0, 360) {
			return outOfRange(ReasonBadValue, detField(i, "bearing_deg"), d.Bearing, "[0, 360]")
		}
		if d.Bearing == 360 || d.Bearing == 0 {
			d.Bearing = 0 // also turns -0 into 0
		}
		if has&bitElevation != 0 {
			el := w.v[dkElevation]
			if !in(el, -90, 90) {
				return outOfRange(ReasonBadValue, detField(i, "elevation_deg"), el, "[-90, 90]")
			}
			d.Elevation, d.HasElevation = el, true
		}
	case geodetic:
		if has&bitLat == 0 {
			return &Error{ReasonBadValue, detField(i, "lat"), "missing (a geodetic detection needs lat and lon)"}
		}
		if has&bitLon == 0 {
			return &Error{ReasonBadValue, detField(i, "lon"), "missing (a geodetic detection needs lat and lon)"}
		}
		d.Lat, d.Lon = w.v[dkLat], w.v[dkLon]
		if !in(d.Lat, -90, 90) {
			return outOfRange(ReasonBadPosition, detField(i, "lat"), d.Lat, "[-90, 90]")
		}
		if !in(d.Lon, -180, 180) {
			return outOfRange(ReasonBadPosition, detField(i, "lon"), d.Lon, "[-180, 180]")
		}
		if has&bitAlt != 0 {
			alt := w.v[dkAlt]
			if !in(alt, MinAlt, MaxAlt) {
				return outOfRange(ReasonBadPosition, detField(i, "alt_m"), alt, "[-1000, 100000]")
			}
			d.Alt, d.HasAlt = alt, true
		}
	default:
		return &Error{ReasonBadValue, detField(i, ""),
			"has neither a polar (range_m, bearing_deg) nor a geodetic (lat, lon) position"}
	}

	// Uncertainty: at most one of the three forms.
	if has&(bitSigmaRange|bitSigmaBearing|bitSigmaM|bitCov) != 0 {
		forms := 0
		if has&(bitSigmaRange|bitSigmaBearing) != 0 {
			if !d.Polar {
				f := "sigma_range_m"
				if has&bitSigmaRange == 0 {
					f = "sigma_bearing_deg"
				}
				return &Error{ReasonBadValue, detField(i, f), "only a polar detection can have it; use sigma_m or cov_m2"}
			}
			forms++
		}
		if has&bitSigmaM != 0 {
			forms++
		}
		if has&bitCov != 0 {
			forms++
		}
		if forms > 1 {
			return &Error{ReasonBadValue, detField(i, ""),
				"has more than one uncertainty form (sigma_range_m/sigma_bearing_deg, sigma_m, cov_m2); give one"}
		}
		if has&bitSigmaRange != 0 {
			if e := positive(i, "sigma_range_m", w.v[dkSigmaRange]); e != nil {
				return e
			}
			d.SigmaRange = w.v[dkSigmaRange]
		}
		if has&bitSigmaBearing != 0 {
			if e := positive(i, "sigma_bearing_deg", w.v[dkSigmaBearing]); e != nil {
				return e
			}
			d.SigmaBearing = w.v[dkSigmaBearing]
		}
		if has&bitSigmaM != 0 {
			if e := positive(i, "sigma_m", w.v[dkSigmaM]); e != nil {
				return e
			}
			d.SigmaM = w.v[dkSigmaM]
		}
		if has&bitCov != 0 {
			if w.covN != 3 {
				return &Error{ReasonBadValue, detField(i, "cov_m2"),
					"has " + strconv.Itoa(w.covN) + " elements, want 3: [σ²east, σeast·north, σ²north]"}
			}
			c := [3]float64{w.v[dkCov], w.v[dkCov+1], w.v[dkCov+2]}
			if !finite(c[0]) || !finite(c[1]) || !finite(c[2]) {
				return &Error{ReasonBadValue, detField(i, "cov_m2"), "not finite"}
			}
			if !(c[0] > 0 && c[2] > 0 && c[1]*c[1] < c[0]*c[2]) {
				return &Error{ReasonBadValue, detField(i, "cov_m2"),
					"[" + fmtNum(c[0]) + ", " + fmtNum(c[1]) + ", " + fmtNum(c[2]) +
						"] is not a covariance: need σ²east > 0, σ²north > 0 and σeast·north² < σ²east·σ²north"}
			}
			d.Cov, d.HasCov = c, true
		}
	}

	if has&bitClass != 0 {
		s := p.bytesOf(w.class)
		switch string(s) {
		case "unknown":
			d.Class = ClassUnknown
		case "surface":
			d.Class = ClassSurface
		case "air":
			d.Class = ClassAir
		default:
			return &Error{ReasonBadValue, detField(i, "class"), quote(string(s)) + " is not one of surface, air, unknown"}
		}
	}

	switch has & (bitSpeed | bitCourse) {
	case bitSpeed:
		return &Error{ReasonBadValue, detField(i, "course_deg"), "missing (speed_mps and course_deg go together)"}
	case bitCourse:
		return &Error{ReasonBadValue, detField(i, "speed_mps"), "missing (speed_mps and course_deg go together)"}
	case bitSpeed | bitCourse:
		speed, course := w.v[dkSpeed], w.v[dkCourse]
		if !in(speed, 0, MaxSpeed) {
			return outOfRange(ReasonBadValue, detField(i, "speed_mps"), speed, "[0, 1500]")
		}
		if !in(course, 0, 360) {
			return outOfRange(ReasonBadValue, detField(i, "course_deg"), course, "[0, 360]")
		}
		d.Speed, d.Course, d.HasVelocity = speed, course, true
		if d.Course == 360 || d.Course == 0 {
			d.Course = 0
		}
		if d.Speed == 0 {
			d.Speed = 0 // -0 to 0
		}
	}
	return nil
}

func (p *jsonParser) convertIdentity(w *wireID, i int) (Identity, *Error) {
	var id Identity
	if w.has&(1<<ikMMSI) != 0 {
		if w.mmsi < 1 || w.mmsi > MaxMMSI {
			return id, &Error{ReasonBadValue, detField(i, "id.mmsi"),
				strconv.FormatInt(w.mmsi, 10) + " out of range [1, 999999999]"}
		}
		id.MMSI = uint32(w.mmsi)
	}
	if w.has&(1<<ikICAO) != 0 {
		s := p.bytesOf(w.icao)
		if len(s) != 6 || !isHex(string(s)) {
			return id, &Error{ReasonBadValue, detField(i, "id.icao"), quote(string(s)) + " is not 6 hexadecimal digits"}
		}
		var lower [6]byte
		for k, c := range s {
			if 'A' <= c && c <= 'F' {
				c += 'a' - 'A'
			}
			lower[k] = c
		}
		id.ICAO = string(lower[:])
	}
	if w.has&(1<<ikCallsign) != 0 {
		s := p.bytesOf(w.callsign)
		if utf8.RuneCount(s) > MaxCallsignLen {
			return id, &Error{ReasonBadValue, detField(i, "id.callsign"), "longer than " + strconv.Itoa(MaxCallsignLen) + " characters"}
		}
		id.Callsign = string(s)
	}
	if w.has&(1<<ikName) != 0 {
		s := p.bytesOf(w.name)
		if utf8.RuneCount(s) > MaxNameLen {
			return id, &Error{ReasonBadValue, detField(i, "id.name"), "longer than " + strconv.Itoa(MaxNameLen) + " characters"}
		}
		id.Name = string(s)
	}
	if id == (Identity{}) {
		return id, &Error{ReasonBadValue, detField(i, "id"), "empty: give at least one of mmsi, icao, callsign, name"}
	}
	return id, nil
}

// detField returns "detections[i]" or "detections[i].name".
func detField(i int, name string) string {
	s := "detections[" + strconv.Itoa(i) + "]"
	if name != "" {
		s += "." + name
	}
	return s
}

func positive(i int, name string, v float64) *Error {
	if !finite(v) {
		return &Error{ReasonBadValue, detField(i, name), "not a finite number"}
	}
	if !(v > 0) {
		return &Error{ReasonBadValue, detField(i, name), fmtNum(v) + " must be > 0"}
	}
	return nil
}

// in reports whether v is finite and lo <= v <= hi (NaN is not).
func in(v, lo, hi float64) bool { return v >= lo && v <= hi }

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func outOfRange(reason, field string, v float64, rng string) *Error {
	if !finite(v) {
		return &Error{reason, field, "not a finite number"}
	}
	return &Error{reason, field, fmtNum(v) + " out of range " + rng}
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// quote quotes s for an error message, cut to a readable length.
func quote(s string) string {
	const max = 40
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return strconv.Quote(s[:cut]) + "…"
	}
	return strconv.Quote(s)
}
