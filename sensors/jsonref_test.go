package sensors

// This file keeps, unchanged but for the names, the encoding/json
// implementation of DecodeJSON that the hand-written parser (json_fast.go)
// replaced, and checks that both agree: on accepting or rejecting, on the
// Reason, Field and Msg of the error, and on every decoded value
// (TestDecodeJSONMatchesReference, FuzzDecodeJSONDifferential).

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The wire structs mirror the payload. Pointer fields tell a field that was
// absent (or null) from one that was zero.

type refWireReport struct {
	Sensor     string             `json:"sensor"`
	Time       string             `json:"time"`
	Seq        *int64             `json:"seq"`
	Platform   *refWirePosition   `json:"platform"`
	Detections []refWireDetection `json:"detections"`
}

type refWirePosition struct {
	Lat *float64 `json:"lat"`
	Lon *float64 `json:"lon"`
	Alt *float64 `json:"alt_m"`
}

type refWireDetection struct {
	Range        *float64         `json:"range_m"`
	Bearing      *float64         `json:"bearing_deg"`
	Elevation    *float64         `json:"elevation_deg"`
	Lat          *float64         `json:"lat"`
	Lon          *float64         `json:"lon"`
	Alt          *float64         `json:"alt_m"`
	SigmaRange   *float64         `json:"sigma_range_m"`
	SigmaBearing *float64         `json:"sigma_bearing_deg"`
	SigmaM       *float64         `json:"sigma_m"`
	Cov          []float64        `json:"cov_m2"`
	Class        *string          `json:"class"`
	Speed        *float64         `json:"speed_mps"`
	Course       *float64         `json:"course_deg"`
	ID           *refWireIdentity `json:"id"`
}

type refWireIdentity struct {
	MMSI     *int64  `json:"mmsi"`
	ICAO     *string `json:"icao"`
	Callsign *string `json:"callsign"`
	Name     *string `json:"name"`
}

// decodeJSONReference is the encoding/json decoder that DecodeJSON replaced,
// kept as the reference for FuzzDecodeJSONDifferential: it decodes one native JSON sensor report (SPEC §3). Payloads over
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
func decodeJSONReference(payload []byte, maxBytes int) (Report, error) {
	if maxBytes > 0 && len(payload) > maxBytes {
		return Report{}, &Error{ReasonTooLarge, "",
			"payload of " + strconv.Itoa(len(payload)) + " bytes exceeds the limit of " + strconv.Itoa(maxBytes)}
	}
	if e := refCheckObject(payload); e != nil {
		return Report{}, e
	}
	var w refWireReport
	if err := json.Unmarshal(payload, &w); err != nil {
		return Report{}, refJsonError(payload, err)
	}
	var r Report
	if e := w.convert(&r); e != nil {
		return Report{}, e
	}
	return r, nil
}

// refCheckObject rejects payloads whose top-level value is not an object, which
// encoding/json would otherwise accept into a struct (null) silently.
func refCheckObject(p []byte) *Error {
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

// refJsonError turns an encoding/json error into an *Error.
func refJsonError(payload []byte, err error) *Error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &Error{ReasonMalformed, "", "invalid JSON at byte " + strconv.FormatInt(se.Offset, 10) + ": " + se.Error()}
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "detections" || strings.HasPrefix(field, "detections.") {
			// Name the detection: encoding/json does not report indexes.
			if i := refBadDetection(payload); i >= 0 {
				field = "detections[" + strconv.Itoa(i) + "]" + field[len("detections"):]
			}
		}
		if field == "" {
			field = "(payload)"
		}
		want := refJsonKind(te.Type)
		if n, ok := strings.CutPrefix(te.Value, "number "); ok && want == "number" {
			return &Error{ReasonMalformed, field, n + " is beyond the range of a 64-bit float"}
		}
		return &Error{ReasonMalformed, field, "JSON " + te.Value + " where " + want + " expected"}
	}
	return &Error{ReasonMalformed, "", err.Error()}
}

// refBadDetection returns the index of the first detection that does not decode,
// or -1. It runs only on the error path: encoding/json does not report array
// indexes.
func refBadDetection(payload []byte) int {
	var probe struct {
		Detections []json.RawMessage `json:"detections"`
	}
	if json.Unmarshal(payload, &probe) != nil {
		return -1
	}
	for i, raw := range probe.Detections {
		var d refWireDetection
		if json.Unmarshal(raw, &d) != nil {
			return i
		}
	}
	return -1
}

// refJsonKind names the JSON type a wire field wants.
func refJsonKind(t reflect.Type) string {
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

func (w *refWireReport) convert(r *Report) *Error {
	if e := refCheckSensor(w.Sensor); e != nil {
		return e
	}
	r.Sensor = w.Sensor

	if w.Time == "" {
		return &Error{ReasonBadTime, "time", "missing"}
	}
	t, err := time.Parse(time.RFC3339, w.Time)
	if err != nil || !refRfc3339Shape(w.Time) {
		return &Error{ReasonBadTime, "time", refQuote(w.Time) + " is not an RFC 3339 time"}
	}
	t = t.UTC()
	if !t.After(time.Time{}) {
		return &Error{ReasonBadTime, "time", refQuote(w.Time) + " is the zero time or earlier"}
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

// refRfc3339Shape reports whether s has the exact shape of an RFC 3339 date-time,
// YYYY-MM-DDTHH:MM:SS[.F…](Z|±HH:MM), with upper-case T and Z. time.Parse
// checks the calendar but also accepts one-digit hours, ',' before the
// fraction and zone offsets of 24 hours or more.
func refRfc3339Shape(s string) bool {
	const shape = "dddd-dd-ddTdd:dd:dd"
	if len(s) < len(shape)+1 {
		return false
	}
	for i := 0; i < len(shape); i++ {
		if shape[i] == 'd' && !refIsDigit(s[i]) || shape[i] != 'd' && s[i] != shape[i] {
			return false
		}
	}
	rest := s[len(shape):]
	if rest[0] == '.' {
		n := 1
		for n < len(rest) && refIsDigit(rest[n]) {
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
		refIsDigit(rest[1]) && refIsDigit(rest[2]) && rest[3] == ':' && refIsDigit(rest[4]) && refIsDigit(rest[5]) &&
		(rest[1]-'0')*10+rest[2]-'0' < 24 && rest[4] < '6'
}

func refIsDigit(c byte) bool { return '0' <= c && c <= '9' }

func refCheckSensor(s string) *Error {
	if s == "" {
		return &Error{ReasonBadValue, "sensor", "missing or empty"}
	}
	n := 0
	for _, c := range s {
		n++
		switch {
		case c == '/' || c == '+' || c == '#':
			return &Error{ReasonBadValue, "sensor", refQuote(s) + " contains " + strconv.QuoteRune(c) + ", which an MQTT topic level cannot carry"}
		case c < 0x20 || c == 0x7f:
			return &Error{ReasonBadValue, "sensor", refQuote(s) + " contains a control character"}
		}
	}
	if n > MaxSensorLen {
		return &Error{ReasonBadValue, "sensor", "longer than " + strconv.Itoa(MaxSensorLen) + " characters"}
	}
	return nil
}

func (w *refWirePosition) convert() (*Position, *Error) {
	if w.Lat == nil {
		return nil, &Error{ReasonBadValue, "platform.lat", "missing"}
	}
	if w.Lon == nil {
		return nil, &Error{ReasonBadValue, "platform.lon", "missing"}
	}
	p := &Position{Lat: *w.Lat, Lon: *w.Lon}
	if !refIn(p.Lat, -90, 90) {
		return nil, refOutOfRange(ReasonBadPosition, "platform.lat", p.Lat, "[-90, 90]")
	}
	if !refIn(p.Lon, -180, 180) {
		return nil, refOutOfRange(ReasonBadPosition, "platform.lon", p.Lon, "[-180, 180]")
	}
	if w.Alt != nil {
		if !refIn(*w.Alt, MinAlt, MaxAlt) {
			return nil, refOutOfRange(ReasonBadPosition, "platform.alt_m", *w.Alt, "[-1000, 100000]")
		}
		p.Alt, p.HasAlt = *w.Alt, true
	}
	return p, nil
}

func (w *refWireDetection) convert(i int, d *Detection) *Error {
	polar := w.Range != nil || w.Bearing != nil || w.Elevation != nil
	geodetic := w.Lat != nil || w.Lon != nil || w.Alt != nil
	switch {
	case polar && geodetic:
		return &Error{ReasonBadValue, refDetField(i, ""),
			"has both polar (range_m, bearing_deg, elevation_deg) and geodetic (lat, lon, alt_m) fields; give one form"}
	case polar:
		if w.Range == nil {
			return &Error{ReasonBadValue, refDetField(i, "range_m"), "missing (a polar detection needs range_m and bearing_deg)"}
		}
		if w.Bearing == nil {
			return &Error{ReasonBadValue, refDetField(i, "bearing_deg"), "missing (a polar detection needs range_m and bearing_deg)"}
		}
		d.Polar = true
		d.Range, d.Bearing = *w.Range, *w.Bearing
		if !(d.Range > 0 && d.Range <= MaxRange) {
			return refOutOfRange(ReasonBadValue, refDetField(i, "range_m"), d.Range, "(0, 2000000]")
		}
		if !refIn(d.Bearing, 0, 360) {
			return refOutOfRange(ReasonBadValue, refDetField(i, "bearing_deg"), d.Bearing, "[0, 360]")
		}
		if d.Bearing == 360 || d.Bearing == 0 {
			d.Bearing = 0 // also turns -0 into 0
		}
		if w.Elevation != nil {
			if !refIn(*w.Elevation, -90, 90) {
				return refOutOfRange(ReasonBadValue, refDetField(i, "elevation_deg"), *w.Elevation, "[-90, 90]")
			}
			d.Elevation, d.HasElevation = *w.Elevation, true
		}
	case geodetic:
		if w.Lat == nil {
			return &Error{ReasonBadValue, refDetField(i, "lat"), "missing (a geodetic detection needs lat and lon)"}
		}
		if w.Lon == nil {
			return &Error{ReasonBadValue, refDetField(i, "lon"), "missing (a geodetic detection needs lat and lon)"}
		}
		d.Lat, d.Lon = *w.Lat, *w.Lon
		if !refIn(d.Lat, -90, 90) {
			return refOutOfRange(ReasonBadPosition, refDetField(i, "lat"), d.Lat, "[-90, 90]")
		}
		if !refIn(d.Lon, -180, 180) {
			return refOutOfRange(ReasonBadPosition, refDetField(i, "lon"), d.Lon, "[-180, 180]")
		}
		if w.Alt != nil {
			if !refIn(*w.Alt, MinAlt, MaxAlt) {
				return refOutOfRange(ReasonBadPosition, refDetField(i, "alt_m"), *w.Alt, "[-1000, 100000]")
			}
			d.Alt, d.HasAlt = *w.Alt, true
		}
	default:
		return &Error{ReasonBadValue, refDetField(i, ""),
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
			return &Error{ReasonBadValue, refDetField(i, f), "only a polar detection can have it; use sigma_m or cov_m2"}
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
		return &Error{ReasonBadValue, refDetField(i, ""),
			"has more than one uncertainty form (sigma_range_m/sigma_bearing_deg, sigma_m, cov_m2); give one"}
	}
	if w.SigmaRange != nil {
		if e := refPositive(i, "sigma_range_m", *w.SigmaRange); e != nil {
			return e
		}
		d.SigmaRange = *w.SigmaRange
	}
	if w.SigmaBearing != nil {
		if e := refPositive(i, "sigma_bearing_deg", *w.SigmaBearing); e != nil {
			return e
		}
		d.SigmaBearing = *w.SigmaBearing
	}
	if w.SigmaM != nil {
		if e := refPositive(i, "sigma_m", *w.SigmaM); e != nil {
			return e
		}
		d.SigmaM = *w.SigmaM
	}
	if w.Cov != nil {
		c := w.Cov
		if len(c) != 3 {
			return &Error{ReasonBadValue, refDetField(i, "cov_m2"),
				"has " + strconv.Itoa(len(c)) + " elements, want 3: [σ²east, σeast·north, σ²north]"}
		}
		if !refFinite(c[0]) || !refFinite(c[1]) || !refFinite(c[2]) {
			return &Error{ReasonBadValue, refDetField(i, "cov_m2"), "not finite"}
		}
		if !(c[0] > 0 && c[2] > 0 && c[1]*c[1] < c[0]*c[2]) {
			return &Error{ReasonBadValue, refDetField(i, "cov_m2"),
				"[" + refFmtNum(c[0]) + ", " + refFmtNum(c[1]) + ", " + refFmtNum(c[2]) +
					"] is not a covariance: need σ²east > 0, σ²north > 0 and σeast·north² < σ²east·σ²north"}
		}
		d.Cov, d.HasCov = [3]float64{c[0], c[1], c[2]}, true
	}

	if w.Class != nil {
		c, ok := ParseClass(*w.Class)
		if !ok {
			return &Error{ReasonBadValue, refDetField(i, "class"), refQuote(*w.Class) + " is not one of surface, air, unknown"}
		}
		d.Class = c
	}

	switch {
	case w.Speed != nil && w.Course == nil:
		return &Error{ReasonBadValue, refDetField(i, "course_deg"), "missing (speed_mps and course_deg go together)"}
	case w.Speed == nil && w.Course != nil:
		return &Error{ReasonBadValue, refDetField(i, "speed_mps"), "missing (speed_mps and course_deg go together)"}
	case w.Speed != nil:
		if !refIn(*w.Speed, 0, MaxSpeed) {
			return refOutOfRange(ReasonBadValue, refDetField(i, "speed_mps"), *w.Speed, "[0, 1500]")
		}
		if !refIn(*w.Course, 0, 360) {
			return refOutOfRange(ReasonBadValue, refDetField(i, "course_deg"), *w.Course, "[0, 360]")
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

func (w *refWireIdentity) convert(i int) (Identity, *Error) {
	var id Identity
	if w.MMSI != nil {
		if *w.MMSI < 1 || *w.MMSI > MaxMMSI {
			return id, &Error{ReasonBadValue, refDetField(i, "id.mmsi"),
				strconv.FormatInt(*w.MMSI, 10) + " out of range [1, 999999999]"}
		}
		id.MMSI = uint32(*w.MMSI)
	}
	if w.ICAO != nil {
		s := *w.ICAO
		if len(s) != 6 || !refIsHex(s) {
			return id, &Error{ReasonBadValue, refDetField(i, "id.icao"), refQuote(s) + " is not 6 hexadecimal digits"}
		}
		id.ICAO = strings.ToLower(s)
	}
	if w.Callsign != nil {
		if utf8.RuneCountInString(*w.Callsign) > MaxCallsignLen {
			return id, &Error{ReasonBadValue, refDetField(i, "id.callsign"), "longer than " + strconv.Itoa(MaxCallsignLen) + " characters"}
		}
		id.Callsign = *w.Callsign
	}
	if w.Name != nil {
		if utf8.RuneCountInString(*w.Name) > MaxNameLen {
			return id, &Error{ReasonBadValue, refDetField(i, "id.name"), "longer than " + strconv.Itoa(MaxNameLen) + " characters"}
		}
		id.Name = *w.Name
	}
	if id == (Identity{}) {
		return id, &Error{ReasonBadValue, refDetField(i, "id"), "empty: give at least one of mmsi, icao, callsign, name"}
	}
	return id, nil
}

// refDetField returns "detections[i]" or "detections[i].name".
func refDetField(i int, name string) string {
	s := "detections[" + strconv.Itoa(i) + "]"
	if name != "" {
		s += "." + name
	}
	return s
}

func refPositive(i int, name string, v float64) *Error {
	if !refFinite(v) {
		return &Error{ReasonBadValue, refDetField(i, name), "not a finite number"}
	}
	if !(v > 0) {
		return &Error{ReasonBadValue, refDetField(i, name), refFmtNum(v) + " must be > 0"}
	}
	return nil
}

// in reports whether v is finite and lo <= v <= hi (NaN is not).
func refIn(v, lo, hi float64) bool { return v >= lo && v <= hi }

func refFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func refOutOfRange(reason, field string, v float64, rng string) *Error {
	if !refFinite(v) {
		return &Error{reason, field, "not a finite number"}
	}
	return &Error{reason, field, refFmtNum(v) + " out of range " + rng}
}

func refFmtNum(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func refIsHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// quote quotes s for an error message, cut to a readable length.
func refQuote(s string) string {
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

// --- differential tests ------------------------------------------------------

// sameDecode fails t unless DecodeJSON and decodeJSONReference agree on p.
func sameDecode(t *testing.T, p []byte, maxBytes int) {
	t.Helper()
	got, gerr := DecodeJSON(p, maxBytes)
	want, werr := decodeJSONReference(p, maxBytes)
	if (gerr == nil) != (werr == nil) {
		t.Fatalf("DecodeJSON: %v\nreference: %v\npayload: %q", gerr, werr, p)
	}
	if gerr != nil {
		g, ok1 := gerr.(*Error)
		w, ok2 := werr.(*Error)
		if !ok1 || !ok2 {
			t.Fatalf("errors not *Error: %T %T", gerr, werr)
		}
		if *g != *w {
			t.Fatalf("DecodeJSON error\n  %#v\nreference\n  %#v\npayload: %q", *g, *w, p)
		}
		if !reportsEqual(got, Report{}) {
			t.Fatalf("rejection returned a non-zero report %+v", got)
		}
		return
	}
	if !reportsEqual(got, want) {
		t.Fatalf("DecodeJSON\n  %s\nreference\n  %s\npayload: %q", dumpReport(got), dumpReport(want), p)
	}
	checkInvariants(t, got)
}

// reportsEqual compares two reports value by value, floats by their bits
// (so that -0 and 0 differ), Platform and ID by the values they point to.
func reportsEqual(a, b Report) bool {
	if a.Sensor != b.Sensor || a.Kind != b.Kind || a.Time != b.Time || a.TimeFromPayload != b.TimeFromPayload ||
		a.Seq != b.Seq || a.HasSeq != b.HasSeq || (a.Platform == nil) != (b.Platform == nil) ||
		(a.Detections == nil) != (b.Detections == nil) || len(a.Detections) != len(b.Detections) {
		return false
	}
	if a.Time.Location() != b.Time.Location() {
		return false
	}
	if a.Platform != nil && dumpPosition(*a.Platform) != dumpPosition(*b.Platform) {
		return false
	}
	for i := range a.Detections {
		if dumpDetection(a.Detections[i]) != dumpDetection(b.Detections[i]) {
			return false
		}
	}
	return true
}

func bitsOf(vs ...float64) []uint64 {
	u := make([]uint64, len(vs))
	for i, v := range vs {
		u[i] = math.Float64bits(v)
	}
	return u
}

func dumpPosition(p Position) string {
	return fmt.Sprintf("%x %v", bitsOf(p.Lat, p.Lon, p.Alt), p.HasAlt)
}

func dumpDetection(d Detection) string {
	id := "<nil>"
	if d.ID != nil {
		id = fmt.Sprintf("%#v", *d.ID)
	}
	return fmt.Sprintf("polar=%v %x elev=%v alt=%v cov=%v class=%v vel=%v track=%d/%v em=%q id=%s", d.Polar,
		bitsOf(d.Range, d.Bearing, d.Elevation, d.Lat, d.Lon, d.Alt, d.SigmaRange, d.SigmaBearing, d.SigmaM,
			d.Cov[0], d.Cov[1], d.Cov[2], d.Speed, d.Course),
		d.HasElevation, d.HasAlt, d.HasCov, d.Class, d.HasVelocity, d.TrackNumber, d.HasTrackNumber, d.Emergency, id)
}

func dumpReport(r Report) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "sensor=%q kind=%v time=%v seq=%d/%v", r.Sensor, r.Kind, r.Time, r.Seq, r.HasSeq)
	if r.Platform != nil {
		fmt.Fprintf(&b, " platform=%s", dumpPosition(*r.Platform))
	}
	fmt.Fprintf(&b, " detections(nil=%v)=%d", r.Detections == nil, len(r.Detections))
	for i, d := range r.Detections {
		fmt.Fprintf(&b, "\n    [%d] %s", i, dumpDetection(d))
	}
	return b.String()
}

// quirkPayloads exercise what encoding/json does and a hand-written parser
// could easily do differently: repeated keys, key folding, null, escapes,
// numbers at the edges, syntax errors in every state, nesting depth.
func quirkPayloads() []string {
	const h = `"sensor":"s","time":"2026-11-28T06:00:00Z"`
	deep := func(n int, open, close string) string {
		return `{` + h + `,"detections":[],"x":` + strings.Repeat(open, n) + strings.Repeat(close, n) + `}`
	}
	p := []string{
		// Repeated keys: last wins, objects and arrays merge.
		`{` + h + `,"detections":[{"lat":1,"lon":2}],"detections":[{"sigma_m":3}]}`,
		`{` + h + `,"detections":[{"lat":1,"lon":2},{"lat":3,"lon":4}],"detections":[{"sigma_m":3}],"detections":[null,null]}`,
		`{` + h + `,"detections":[{"lat":1,"lon":2},{"lat":3,"lon":4}],"detections":[],"detections":[null,null]}`,
		`{` + h + `,"detections":[{"lat":1,"lon":2},{"lat":3,"lon":4}],"detections":null,"detections":[null]}`,
		`{` + h + `,"detections":[{"lat":1,"lon":2,"id":{"mmsi":5}}],"detections":[{"id":{"name":"n"}}]}`,
		`{` + h + `,"detections":[{"lat":1,"lon":2,"id":{"mmsi":5}}],"detections":[{"id":null}],"detections":[{"id":{"name":"n"}}]}`,
		`{` + h + `,"detections":[{"lat":1,"lon":2,"cov_m2":[1,2,3]}],"detections":[{"cov_m2":[5]}],"detections":[{"cov_m2":[null,null,null]}]}`,
		`{` + h + `,"detections":[{"lat":1,"lon":2,"cov_m2":[4,1,3],"cov_m2":[5],"cov_m2":[null,null,null]}]}`,
		`{` + h + `,"detections":[{"lat":1,"lon":2,"cov_m2":[4,1,3],"cov_m2":[],"cov_m2":[null,null,null]}]}`,
		`{` + h + `,"detections":[{"lat":1,"lon":2,"cov_m2":[4,1,3],"cov_m2":null,"cov_m2":[null,1,1]}]}`,
		`{` + h + `,"detections":[{"lat":1,"lon":2,"cov_m2":[null,1,1]}]}`,
		`{` + h + `,"detections":[{"lat":1,"lon":2,"cov_m2":[4,1,3,null,7]}]}`,
		`{` + h + `,"detections":[{"lat":1,"lon":2,"lat":null}]}`,
		`{` + h + `,"detections":[{"lat":1,"lon":2,"range_m":5,"range_m":null}]}`,
		`{"sensor":"s","sensor":null,"time":"2026-11-28T06:00:00Z","time":null,"detections":[]}`,
		`{"sensor":"a","sensor":"b","time":"2026-11-28T06:00:00Z","detections":[]}`,
		`{` + h + `,"seq":5,"seq":null,"detections":[]}`,
		`{` + h + `,"seq":5,"seq":-0,"detections":[]}`,
		`{` + h + `,"platform":{"lat":1},"platform":{"lon":2},"detections":[]}`,
		`{` + h + `,"platform":{"lat":1},"platform":null,"platform":{"lon":2},"detections":[]}`,
		`{` + h + `,"platform":{"lat":1,"lon":2,"alt_m":3,"alt_m":null},"detections":[]}`,
		`{` + h + `,"detections":[{"lat":1,"lon":2,"id":{"mmsi":1,"mmsi":null,"name":"x","name":null}}]}`,
		`{` + h + `,"detections":[{"lat":1,"lon":2,"id":{"icao":"ABCDEF","icao":null,"callsign":"c"}}]}`,
		`{` + h + `,"detections":[{"lat":1,"lon":2,"class":"air","class":null}]}`,
		// Key folding.
		`{"SENSOR":"s","Time":"2026-11-28T06:00:00Z","DETECTIONS":[{"LAT":1,"Lon":2,"Alt_M":3,"ID":{"MMSI":7,"NAME":"x"}}]}`,
		`{"\u017fensor":"s","time":"2026-11-28T06:00:00Z","detection\u017f":[{"lat":1,"lon":2,"cla\u017f\u017f":"air"}]}`,
		"{\"\u017fensor\":\"s\",\"time\":\"2026-11-28T06:00:00Z\",\"detections\":[{\"lat\":1,\"lon\":2}]}",
		`{"\u0073ensor":"s","ti\u006de":"2026-11-28T06:00:00Z","detections":[{"l\u0061t":1,"lon":2,"sigma\u005fm":4}]}`,
		`{` + h + `,"detections":[{"lat":1,"lon":2,"\u212a":1,"id":{"\u212a":1,"\u0130d":2,"\u0131d":3,"mms\u0131":4}}]}`,
		`{` + h + `,"Detections":[{"lat":"x"}],"detections":[]}`,
		// Type errors and the detection index.
		`{` + h + `,"detections":[{"lat":"x"}],"detections":[]}`,
		`{` + h + `,"detections":[{"lat":1,"lon":1},{"lat":"x"}],"detections":5}`,
		`{` + h + `,"detections":5,"detections":[{"lat":1,"lon":1},{"lat":"x"}]}`,
		`{` + h + `,"detections":[{},{"id":{"mmsi":"x"}}],"detections":[{"lat":"y"}]}`,
		`{` + h + `,"detections":[{},{"id":{"mmsi":"x"}}],"detections":[{},{},{"lat":"y"}]}`,
		`{` + h + `,"detections":[{},{"id":{"mmsi":"x"}}],"detections":null}`,
		`{` + h + `,"detections":[{},{"id":{"mmsi":"x"}}],"detections":[null,true]}`,
		`{` + h + `,"detections":[{"lat":true},{"lat":[]},{"lat":{}},{"lat":"1"},{"class":1},{"class":[1]},{"id":[]},{"cov_m2":{}},{"cov_m2":[{}]}]}`,
		`{` + h + `,"detections":[1,"x",true,false,[],[1,[2]],{"a":{"b":[]}}]}`,
		`{"sensor":true,"time":"x","detections":[]}`,
		`{"sensor":{},"time":[],"seq":{},"platform":"x","detections":"x"}`,
		`{` + h + `,"seq":1e2,"detections":[]}`,
		`{` + h + `,"seq":-9223372036854775808,"detections":[]}`,
		`{` + h + `,"seq":-9223372036854775809,"detections":[]}`,
		`{` + h + `,"detections":[{"lat":1,"lon":1,"id":{"mmsi":1.0}}]}`,
		`{` + h + `,"detections":[{"lat":1e400,"lon":1e400}],"seq":"x"}`,
		`{` + h + `,"detections":[{"lat":1,"lon":1,"cov_m2":[1e400,1,1]}]}`,
		`{` + h + `,"platform":{"lat":-1e309,"lon":1},"detections":[]}`,
		// Strings.
		`{"sensor":"a\ud800b","time":"2026-11-28T06:00:00Z","detections":[]}`,
		`{"sensor":"\ud83d\ude00\udc00\ud800\ud800\u0041\ud800","time":"2026-11-28T06:00:00Z","detections":[]}`,
		`{"sensor":"\ud800\\u0041","time":"2026-11-28T06:00:00Z","detections":[]}`,
		"{\"sensor\":\"a\xff\xfeb\xc3\",\"time\":\"2026-11-28T06:00:00Z\",\"detections\":[]}",
		"{\"sensor\":\"\xed\xa0\x80\xef\xbf\xbd\",\"time\":\"2026-11-28T06:00:00Z\",\"detections\":[]}",
		`{"sensor":"\u00e9\t\n\r\b\f\/\"\\","time":"2026-11-28T06:00:00Z","detections":[]}`,
		`{"sensor":"s\u007f","time":"2026-11-28T06:00:00Z","detections":[]}`,
		`{` + h + `,"detections":[{"lat":1,"lon":1,"class":"\u0061ir","id":{"icao":"\u0041bcdef","callsign":"\u00e9\u00e9"}}]}`,
		`{` + h + `,"detections":[{"lat":1,"lon":1,"class":"air\u0000"}]}`,
		`{"sensor":"s","time":"2026-11-28T06:00:00\u005a","detections":[]}`,
		// Numbers.
		`{` + h + `,"detections":[{"range_m":1E+2,"bearing_deg":-0.0,"elevation_deg":0.1e-5}]}`,
		`{` + h + `,"detections":[{"range_m":123456789012345678901234567890e-30,"bearing_deg":4.9e-324}]}`,
		`{` + h + `,"detections":[{"range_m":1e-400,"bearing_deg":2.5e-324}]}`,
		`{` + h + `,"detections":[{"range_m":9007199254740993,"bearing_deg":0.30000000000000004441}]}`,
		`{` + h + `,"detections":[{"range_m":12345678.12345678,"bearing_deg":1234567.1234567}]}`,
		`{` + h + `,"detections":[{"range_m":0.000000000000000000000001,"bearing_deg":100000000000000000000000e-22}]}`,
		`{` + h + `,"detections":[{"lat":-0,"lon":-0e0,"alt_m":-0.0,"speed_mps":-0,"course_deg":-0}]}`,
		`{` + h + `,"detections":[{"lat":1.7976931348623157e308,"lon":1}]}`,
		`{` + h + `,"detections":[{"lat":1,"lon":1,"cov_m2":[1e200,1e200,1e200]}]}`,
		`{` + h + `,"detections":[{"lat":1,"lon":1,"cov_m2":[1e-200,0,1e-200]}]}`,
		// Syntax errors, in every scanner state, and at the end of input.
		`{"a":-`, `{"a":-x}`, `{"a":1.`, `{"a":1.x}`, `{"a":1e`, `{"a":1e+`, `{"a":1ex}`, `{"a":01}`, `{"a":1.5.5}`,
		`{"a":tr`, `{"a":trx}`, `{"a":fals}`, `{"a":nul`, `{"a":nulx}`, `{"a":"\`, `{"a":"\x"}`, `{"a":"\u12`, `{"a":"\u12g4"}`,
		`{"a"`, `{"a" x`, `{"a":`, `{"a":1`, `{"a":1 x}`, `{"a":[1,`, `{"a":[1 2]}`, `{"a":[1,]}`, `{"a":[}`, `{"a":{]}`, `{"a":{"b"}}`,
		`{"a":{,}}`, `{"a":{"b":1,}}`, `{,}`, `{"a":1,}`, `{"a":"` + "\x01" + `"}`, `{"a":"x` + "\n" + `"}`, `{]`, `{ `, `{"sensor":"s"`,
		`{"a":'x'}`, `{"a":+1}`, `{"a":.5}`, `{"a":Infinity}`, `{"a":-Infinity}`, `{"a":1}}`, `{"a":1}]`, `{"a":1} {`,
		`{"sensor":"s` + "\x00", `{"sensor":"s\u00`, "{\"sensor\":\"s\"}\x00",
		`{` + h + `,"detections":[{"lat":1,"lon":1,"id":{"mmsi":1,}}]}`,
		`{` + h + `,"detections":[{"lat":1,"lon":1,"cov_m2":[1,2,3}]}`,
		`{` + h + `,"detections":[{"lat":1,"lon":1}}`,
		`{` + h + `,"detections":[{"lat":1,"lon":1} {}]}`,
		`{` + h + `,"detections":[{"lat" :1 , "lon" : 1 }  ,  {"lat"` + "\t:\n1\r,\"lon\":1}]}",
		`{` + h + `,"detections":[{"lat":1,"lon":1,"x":[1,2,{"y":[true,false,null,"z"]}],"y":{}}]}`,
		// Depth.
		deep(9998, "[", "]"), deep(9999, "[", "]"), deep(10000, "[", "]"),
		deep(9999, `{"a":`, "}")[:0] + `{` + h + `,"detections":[],"x":` + strings.Repeat(`{"a":`, 9999) + `1` + strings.Repeat("}", 9999) + `}`,
		`{` + h + `,"detections":[],"x":` + strings.Repeat(`{"a":`, 10000) + `1` + strings.Repeat("}", 10000) + `}`,
		`{` + h + `,"detections":[{"lat":1,"lon":1,"x":` + strings.Repeat("[", 9997) + strings.Repeat("]", 9997) + `}]}`,
		`{` + h + `,"detections":[{"lat":1,"lon":1,"x":` + strings.Repeat("[", 9998) + strings.Repeat("]", 9998) + `}]}`,
		`{` + h + `,"detections":[{"lat":1,"lon":1,"id":{"x":` + strings.Repeat("[", 9996) + strings.Repeat("]", 9996) + `}}]}`,
		`{` + h + `,"detections":[{"lat":1,"lon":1,"id":{"x":` + strings.Repeat("[", 9997) + strings.Repeat("]", 9997) + `}}]}`,
		`{` + h + `,"detections":[],"x":` + strings.Repeat("[", 20000),
	}
	// More detections than allowed, then fewer.
	many := strings.Repeat(`{"lat":1,"lon":1},`, MaxDetections+2)
	p = append(p,
		`{`+h+`,"detections":[`+many+`{"lat":1,"lon":1}],"detections":[{"lat":2,"lon":2}]}`,
		`{`+h+`,"detections":[`+many+`{"lat":"x"}]}`,
		`{`+h+`,"detections":[`+many+`{"lat":1,"lon":1}],"detections":[`+many+`{"lat":1}]}`,
	)
	return p
}

// fuzzSeeds are the payloads of the tests, the quirks above and the corpus
// of FuzzDecodeJSON.
func fuzzSeeds(t testing.TB) [][]byte {
	var seeds [][]byte
	add := func(s string) { seeds = append(seeds, []byte(s)) }
	add(specExample)
	add(string(benchReport(3)))
	for _, c := range acceptCases() {
		add(c.payload)
	}
	for _, c := range rejectCases() {
		add(c.payload)
	}
	for _, q := range quirkPayloads() {
		add(q)
	}
	files, err := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzDecodeJSON", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		p, err := parseCorpusFile(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		seeds = append(seeds, p)
	}
	return seeds
}

// parseCorpusFile returns the []byte of a "go test fuzz v1" file.
func parseCorpusFile(data []byte) ([]byte, error) {
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 2 || lines[0] != "go test fuzz v1" {
		return nil, fmt.Errorf("not a one-value corpus file")
	}
	v, ok := strings.CutPrefix(lines[1], "[]byte(")
	if !ok || !strings.HasSuffix(v, ")") {
		return nil, fmt.Errorf("not a []byte value: %q", lines[1])
	}
	s, err := strconv.Unquote(v[:len(v)-1])
	return []byte(s), err
}

func TestDecodeJSONMatchesReference(t *testing.T) {
	seeds := fuzzSeeds(t)
	if len(seeds) < 180 {
		t.Fatalf("only %d seeds", len(seeds))
	}
	for _, p := range seeds {
		for _, max := range []int{0, 1 << 20, 20} {
			sameDecode(t, p, max)
		}
		// Every prefix of the shorter payloads: syntax errors at every byte.
		if len(p) < 400 {
			for n := range p {
				sameDecode(t, p[:n], 0)
			}
		}
	}
}

// FuzzDecodeJSONDifferential checks that DecodeJSON and the encoding/json
// reference agree on every payload: accept or reject, the error's Reason,
// Field and Msg, and every decoded value.
func FuzzDecodeJSONDifferential(f *testing.F) {
	for _, p := range fuzzSeeds(f) {
		if len(p) <= 8<<10 { // the huge ones only slow the fuzzer down; TestDecodeJSONMatchesReference has them
			f.Add(p)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sameDecode(t, data, 1<<20)
	})
}

func BenchmarkDecodeJSONReference(b *testing.B) {
	for _, n := range []int{3, 100} {
		p := benchReport(n)
		b.Run(strconv.Itoa(n)+"detections", func(b *testing.B) {
			b.SetBytes(int64(len(p)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := decodeJSONReference(p, 0); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "detections/s")
		})
	}
}

// TestDecodeJSONMatchesReferenceNearEnd runs the fast paths (which need 20
// to 64 bytes of payload ahead) at every distance from the end of the
// payload, truncated or not.
func TestDecodeJSONMatchesReferenceNearEnd(t *testing.T) {
	p := benchReport(6)
	for n := len(p) - 200; n <= len(p); n++ {
		sameDecode(t, p[:n], 0)
		sameDecode(t, append(slices.Clone(p[:n]), "}]}"...), 0)
	}
	for _, v := range []string{"1", "-1", "0", "-0", "1234567", "12345678", "0.5", "-0.1234567", "1.12345678",
		"01", "1.", "1e5", "1.5E-3", "-", "1.5x", "9007199254740993", "0.0000001"} {
		for pad := 0; pad < 70; pad++ {
			sp := strings.Repeat(" ", pad)
			sameDecode(t, []byte(`{"sensor":"s","time":"2026-11-28T06:00:00Z","detections":[{"lat":`+v+`,"lon": `+v+`}]`+sp+`}`), 0)
			sameDecode(t, []byte(`{"sensor":"s","time":"2026-11-28T06:00:00Z","detections":[{"range_m": `+v+`, "bearing_deg": `+v+`}]`+sp), 0)
		}
	}
}
