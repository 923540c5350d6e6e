package sensors

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
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

// The wire structs mirror the payload. Pointer fields tell a field that was
// absent (or null) from one that was zero.

type wireReport struct {
	Sensor     string          `json:"sensor"`
	Time       string          `json:"time"`
	Seq        *int64          `json:"seq"`
	Platform   *wirePosition   `json:"platform"`
	Detections []wireDetection `json:"detections"`
}

type wirePosition struct {
	Lat *float64 `json:"lat"`
	Lon *float64 `json:"lon"`
	Alt *float64 `json:"alt_m"`
}

type wireDetection struct {
	Range        *float64      `json:"range_m"`
	Bearing      *float64      `json:"bearing_deg"`
	Elevation    *float64      `json:"elevation_deg"`
	Lat          *float64      `json:"lat"`
	Lon          *float64      `json:"lon"`
	Alt          *float64      `json:"alt_m"`
	SigmaRange   *float64      `json:"sigma_range_m"`
	SigmaBearing *float64      `json:"sigma_bearing_deg"`
	SigmaM       *float64      `json:"sigma_m"`
	Cov          []float64     `json:"cov_m2"`
	Class        *string       `json:"class"`
	Speed        *float64      `json:"speed_mps"`
	Course       *float64      `json:"course_deg"`
	ID           *wireIdentity `json:"id"`
}

type wireIdentity struct {
	MMSI     *int64  `json:"mmsi"`
	ICAO     *string `json:"icao"`
	Callsign *string `json:"callsign"`
	Name     *string `json:"name"`
}

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
	var w wireReport
	if err := json.Unmarshal(payload, &w); err != nil {
		return Report{}, jsonError(payload, err)
	}
	var r Report
	if e := w.convert(&r); e != nil {
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

// jsonError turns an encoding/json error into an *Error.
func jsonError(payload []byte, err error) *Error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &Error{ReasonMalformed, "", "invalid JSON at byte " + strconv.FormatInt(se.Offset, 10) + ": " + se.Error()}
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "detections" || strings.HasPrefix(field, "detections.") {
			// Name the detection: encoding/json does not report indexes.
			if i := badDetection(payload); i >= 0 {
				field = "detections[" + strconv.Itoa(i) + "]" + field[len("detections"):]
			}
		}
		if field == "" {
			field = "(payload)"
		}
		want := jsonKind(te.Type)
		if n, ok := strings.CutPrefix(te.Value, "number "); ok && want == "number" {
			return &Error{ReasonMalformed, field, n + " is beyond the range of a 64-bit float"}
		}
		return &Error{ReasonMalformed, field, "JSON " + te.Value + " where " + want + " expected"}
	}
	return &Error{ReasonMalformed, "", err.Error()}
}

// badDetection returns the index of the first detection that does not decode,
// or -1. It runs only on the error path: encoding/json does not report array
// indexes.
func badDetection(payload []byte) int {
	var probe struct {
		Detections []json.RawMessage `json:"detections"`
	}
	if json.Unmarshal(payload, &probe) != nil {
		return -1
	}
	for i, raw := range probe.Detections {
		var d wireDetection
		if json.Unmarshal(raw, &d) != nil {
			return i
		}
	}
	return -1
}

// jsonKind names the JSON type a wire field wants.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.String:
		return "string"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct:
		return "object"
	case reflect.Bool:
		return "boolean"
	}
	return t.String()
}

func (w *wireReport) convert(r *Report) *Error {
	if e := checkSensor(w.Sensor); e != nil {
		return e
	}
	r.Sensor = w.Sensor

	if w.Time == "" {
		return &Error{ReasonBadTime, "time", "missing"}
	}
	t, err := time.Parse(time.RFC3339, w.Time)
	if err != nil || !rfc3339Shape(w.Time) {
		return &Error{ReasonBadTime, "time", quote(w.Time) + " is not an RFC 3339 time"}
	}
	t = t.UTC()
	if !t.After(time.Time{}) {
		return &Error{ReasonBadTime, "time", quote(w.Time) + " is the zero time or earlier"}
	}
	r.Time = t

	if w.Seq != nil {
		if *w.Seq < 0 {
			return &Error{ReasonBadValue, "seq", strconv.FormatInt(*w.Seq, 10) + " is negative"}
		}
		r.Seq, r.HasSeq = uint64(*w.Seq), true
	}

	if w.Platform != nil {
		p, e := w.Platform.convert()
		if e != nil {
			return e
		}
		r.Platform = p
	}

	if w.Detections == nil {
		return &Error{ReasonBadValue, "detections", "missing (send [] for a scan that saw nothing)"}
	}
	n := len(w.Detections)
	if n > MaxDetections {
		return &Error{ReasonTooLarge, "detections",
			strconv.Itoa(n) + " detections exceed the limit of " + strconv.Itoa(MaxDetections)}
	}
	nid := 0
	for i := range w.Detections {
		if w.Detections[i].ID != nil {
			nid++
		}
	}
	var ids []Identity
	if nid > 0 {
		ids = make([]Identity, 0, nid)
	}
	r.Detections = make([]Detection, n)
	for i := range w.Detections {
		wd, d := &w.Detections[i], &r.Detections[i]
		if e := wd.convert(i, d); e != nil {
			return e
		}
		if wd.ID != nil {
			id, e := wd.ID.convert(i)
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

func (w *wirePosition) convert() (*Position, *Error) {
	if w.Lat == nil {
		return nil, &Error{ReasonBadValue, "platform.lat", "missing"}
	}
	if w.Lon == nil {
		return nil, &Error{ReasonBadValue, "platform.lon", "missing"}
	}
	p := &Position{Lat: *w.Lat, Lon: *w.Lon}
	if !in(p.Lat, -90, 90) {
		return nil, outOfRange(ReasonBadPosition, "platform.lat", p.Lat, "[-90, 90]")
	}
	if !in(p.Lon, -180, 180) {
		return nil, outOfRange(ReasonBadPosition, "platform.lon", p.Lon, "[-180, 180]")
	}
	if w.Alt != nil {
		if !in(*w.Alt, MinAlt, MaxAlt) {
			return nil, outOfRange(ReasonBadPosition, "platform.alt_m", *w.Alt, "[-1000, 100000]")
		}
		p.Alt, p.HasAlt = *w.Alt, true
	}
	return p, nil
}

func (w *wireDetection) convert(i int, d *Detection) *Error {
	polar := w.Range != nil || w.Bearing != nil || w.Elevation != nil
	geodetic := w.Lat != nil || w.Lon != nil || w.Alt != nil
	switch {
	case polar && geodetic:
		return &Error{ReasonBadValue, detField(i, ""),
			"has both polar (range_m, bearing_deg, elevation_deg) and geodetic (lat, lon, alt_m) fields; give one form"}
	case polar:
		if w.Range == nil {
			return &Error{ReasonBadValue, detField(i, "range_m"), "missing (a polar detection needs range_m and bearing_deg)"}
		}
		if w.Bearing == nil {
			return &Error{ReasonBadValue, detField(i, "bearing_deg"), "missing (a polar detection needs range_m and bearing_deg)"}
		}
		d.Polar = true
		d.Range, d.Bearing = *w.Range, *w.Bearing
		if !(d.Range > 0 && d.Range <= MaxRange) {
			return outOfRange(ReasonBadValue, detField(i, "range_m"), d.Range, "(0, 2000000]")
		}
		if !in(d.Bearing, 0, 360) {
			return outOfRange(ReasonBadValue, detField(i, "bearing_deg"), d.Bearing, "[0, 360]")
		}
		if d.Bearing == 360 || d.Bearing == 0 {
			d.Bearing = 0 // also turns -0 into 0
		}
		if w.Elevation != nil {
			if !in(*w.Elevation, -90, 90) {
				return outOfRange(ReasonBadValue, detField(i, "elevation_deg"), *w.Elevation, "[-90, 90]")
			}
			d.Elevation, d.HasElevation = *w.Elevation, true
		}
	case geodetic:
		if w.Lat == nil {
			return &Error{ReasonBadValue, detField(i, "lat"), "missing (a geodetic detection needs lat and lon)"}
		}
		if w.Lon == nil {
			return &Error{ReasonBadValue, detField(i, "lon"), "missing (a geodetic detection needs lat and lon)"}
		}
		d.Lat, d.Lon = *w.Lat, *w.Lon
		if !in(d.Lat, -90, 90) {
			return outOfRange(ReasonBadPosition, detField(i, "lat"), d.Lat, "[-90, 90]")
		}
		if !in(d.Lon, -180, 180) {
			return outOfRange(ReasonBadPosition, detField(i, "lon"), d.Lon, "[-180, 180]")
		}
		if w.Alt != nil {
			if !in(*w.Alt, MinAlt, MaxAlt) {
				return outOfRange(ReasonBadPosition, detField(i, "alt_m"), *w.Alt, "[-1000, 100000]")
			}
			d.Alt, d.HasAlt = *w.Alt, true
		}
	default:
		return &Error{ReasonBadValue, detField(i, ""),
			"has neither a polar (range_m, bearing_deg) nor a geodetic (lat, lon) position"}
	}

	// Uncertainty: at most one of the three forms.
	forms := 0
	if w.SigmaRange != nil || w.SigmaBearing != nil {
		if !d.Polar {
			f := "sigma_range_m"
			if w.SigmaRange == nil {
				f = "sigma_bearing_deg"
			}
			return &Error{ReasonBadValue, detField(i, f), "only a polar detection can have it; use sigma_m or cov_m2"}
		}
		forms++
	}
	if w.SigmaM != nil {
		forms++
	}
	if w.Cov != nil {
		forms++
	}
	if forms > 1 {
		return &Error{ReasonBadValue, detField(i, ""),
			"has more than one uncertainty form (sigma_range_m/sigma_bearing_deg, sigma_m, cov_m2); give one"}
	}
	if w.SigmaRange != nil {
		if e := positive(i, "sigma_range_m", *w.SigmaRange); e != nil {
			return e
		}
		d.SigmaRange = *w.SigmaRange
	}
	if w.SigmaBearing != nil {
		if e := positive(i, "sigma_bearing_deg", *w.SigmaBearing); e != nil {
			return e
		}
		d.SigmaBearing = *w.SigmaBearing
	}
	if w.SigmaM != nil {
		if e := positive(i, "sigma_m", *w.SigmaM); e != nil {
			return e
		}
		d.SigmaM = *w.SigmaM
	}
	if w.Cov != nil {
		c := w.Cov
		if len(c) != 3 {
			return &Error{ReasonBadValue, detField(i, "cov_m2"),
				"has " + strconv.Itoa(len(c)) + " elements, want 3: [σ²east, σeast·north, σ²north]"}
		}
		if !finite(c[0]) || !finite(c[1]) || !finite(c[2]) {
			return &Error{ReasonBadValue, detField(i, "cov_m2"), "not finite"}
		}
		if !(c[0] > 0 && c[2] > 0 && c[1]*c[1] < c[0]*c[2]) {
			return &Error{ReasonBadValue, detField(i, "cov_m2"),
				"[" + fmtNum(c[0]) + ", " + fmtNum(c[1]) + ", " + fmtNum(c[2]) +
					"] is not a covariance: need σ²east > 0, σ²north > 0 and σeast·north² < σ²east·σ²north"}
		}
		d.Cov, d.HasCov = [3]float64{c[0], c[1], c[2]}, true
	}

	if w.Class != nil {
		c, ok := ParseClass(*w.Class)
		if !ok {
			return &Error{ReasonBadValue, detField(i, "class"), quote(*w.Class) + " is not one of surface, air, unknown"}
		}
		d.Class = c
	}

	switch {
	case w.Speed != nil && w.Course == nil:
		return &Error{ReasonBadValue, detField(i, "course_deg"), "missing (speed_mps and course_deg go together)"}
	case w.Speed == nil && w.Course != nil:
		return &Error{ReasonBadValue, detField(i, "speed_mps"), "missing (speed_mps and course_deg go together)"}
	case w.Speed != nil:
		if !in(*w.Speed, 0, MaxSpeed) {
			return outOfRange(ReasonBadValue, detField(i, "speed_mps"), *w.Speed, "[0, 1500]")
		}
		if !in(*w.Course, 0, 360) {
			return outOfRange(ReasonBadValue, detField(i, "course_deg"), *w.Course, "[0, 360]")
		}
		d.Speed, d.Course, d.HasVelocity = *w.Speed, *w.Course, true
		if d.Course == 360 || d.Course == 0 {
			d.Course = 0
		}
		if d.Speed == 0 {
			d.Speed = 0 // -0 to 0
		}
	}
	return nil
}

func (w *wireIdentity) convert(i int) (Identity, *Error) {
	var id Identity
	if w.MMSI != nil {
		if *w.MMSI < 1 || *w.MMSI > MaxMMSI {
			return id, &Error{ReasonBadValue, detField(i, "id.mmsi"),
				strconv.FormatInt(*w.MMSI, 10) + " out of range [1, 999999999]"}
		}
		id.MMSI = uint32(*w.MMSI)
	}
	if w.ICAO != nil {
		s := *w.ICAO
		if len(s) != 6 || !isHex(s) {
			return id, &Error{ReasonBadValue, detField(i, "id.icao"), quote(s) + " is not 6 hexadecimal digits"}
		}
		id.ICAO = strings.ToLower(s)
	}
	if w.Callsign != nil {
		if utf8.RuneCountInString(*w.Callsign) > MaxCallsignLen {
			return id, &Error{ReasonBadValue, detField(i, "id.callsign"), "longer than " + strconv.Itoa(MaxCallsignLen) + " characters"}
		}
		id.Callsign = *w.Callsign
	}
	if w.Name != nil {
		if utf8.RuneCountInString(*w.Name) > MaxNameLen {
			return id, &Error{ReasonBadValue, detField(i, "id.name"), "longer than " + strconv.Itoa(MaxNameLen) + " characters"}
		}
		id.Name = *w.Name
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
