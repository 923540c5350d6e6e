package adsb

import (
	"bytes"
	"math"
	"strconv"
	"time"

	"github.com/vigia-project/vigia/sensors"
)

// SBSDecoder decodes SBS-1 BaseStation CSV (dump1090/readsb port 30003).
//
// A payload holds one or more lines separated by "\n" ("\r\n" accepted);
// blank lines are ignored. The fields of a MSG line are, 1-based: 1 record
// type, 2 transmission type (1–8), 3 session, 4 aircraft, 5 hex ident
// (6 hex digits, "~" prefix for a non-ICAO address), 6 flight, 7–8 date and
// time generated, 9–10 date and time logged, 11 callsign, 12 altitude (ft),
// 13 ground speed (kt), 14 track (deg), 15 latitude, 16 longitude,
// 17 vertical rate, 18 squawk, 19 alert, 20 emergency, 21 SPI, 22 on ground.
//
// Whatever the transmission type, every non-empty field among callsign,
// altitude, ground speed with track, squawk and emergency updates the
// aircraft's state, so feeds that repeat all fields on every line work as
// well as dump1090's sparse lines. Only MSG,2 (surface) and MSG,3
// (airborne) with a latitude and a longitude produce a report. Lines of the
// other BaseStation records (SEL, ID, AIR, STA, CLK) are skipped.
//
// Rejections, per line (the other lines of the payload still count):
// malformed (unknown record, bad transmission type, hex ident, number or
// flag, fewer than 10 fields for MSG or 5 for the other records),
// bad_time (date/time fields present but invalid), bad_position (latitude
// or longitude missing alone, out of range or not finite; altitude out of
// [-1000, 100000] m), bad_value (ground speed over 1500 m/s, track outside
// [0, 360], squawk not four octal digits, callsign over 16 characters or
// not printable ASCII).
type SBSDecoder struct {
	o     Options
	times SBSTimeParser
	ac    table[sbsState]
	slab  slab
}

// sbsState is what an SBS feed told about one aircraft.
type sbsState struct {
	icao          string
	callsign      string
	squawk        string
	emergency     bool
	alt           float64 // m
	altT          time.Time
	hasAlt        bool
	speed, course float64 // m/s, deg
	velT          time.Time
	hasVel        bool
}

// NewSBSDecoder returns an SBS decoder with options o.
func NewSBSDecoder(o Options) *SBSDecoder {
	return &SBSDecoder{o: o, times: *NewSBSTimeParser(o.Location), ac: newTable[sbsState](o.maxAircraft(), o.staleAfter())}
}

// Aircraft returns the number of aircraft whose state the decoder holds.
func (d *SBSDecoder) Aircraft() int { return d.ac.len() }

// Decode implements sensors.Decoder.
func (d *SBSDecoder) Decode(dst []sensors.Report, payload []byte, received time.Time) ([]sensors.Report, []error) {
	if d.o.MaxBytes > 0 && len(payload) > d.o.MaxBytes {
		return dst, []error{newErr(sensors.ReasonTooLarge, "", strconv.Itoa(len(payload))+" bytes, limit "+strconv.Itoa(d.o.MaxBytes))}
	}
	received = received.UTC()
	var errs []error
	seen := false
	for i := 0; len(payload) > 0; i++ {
		var l []byte
		if j := bytes.IndexByte(payload, '\n'); j >= 0 {
			l, payload = payload[:j], payload[j+1:]
		} else {
			l, payload = payload, nil
		}
		l = trimSpace(l)
		if len(l) == 0 {
			continue
		}
		seen = true
		var err error
		if dst, err = d.line(dst, l, i, received); err != nil {
			errs = append(errs, err)
		}
	}
	if !seen {
		errs = append(errs, newErr(sensors.ReasonMalformed, "", "empty payload"))
	}
	return dst, errs
}

// sbsMaxFields is the number of fields read; further ones are ignored.
const sbsMaxFields = 22

// line decodes one non-empty line, the idx-th of the payload.
func (d *SBSDecoder) line(dst []sensors.Report, l []byte, idx int, received time.Time) ([]sensors.Report, error) {
	var f [sbsMaxFields][]byte
	n := 0
	for n < sbsMaxFields {
		j := bytes.IndexByte(l, ',')
		if j < 0 {
			f[n] = l
			n++
			break
		}
		f[n] = l[:j]
		l = l[j+1:]
		n++
	}
	rec := f[0]
	if string(rec) != "MSG" {
		switch string(rec) {
		case "SEL", "ID", "AIR", "STA", "CLK":
			if n < 5 {
				return dst, newErr(sensors.ReasonMalformed, lineField(idx, ""), string(rec)+" record with "+strconv.Itoa(n)+" fields, want at least 5")
			}
			return dst, nil
		}
		return dst, newErr(sensors.ReasonMalformed, lineField(idx, "type"), "not an SBS record: "+quote(rec))
	}
	if n < 10 {
		return dst, newErr(sensors.ReasonMalformed, lineField(idx, ""), "MSG line with "+strconv.Itoa(n)+" fields, want at least 10")
	}
	if len(f[1]) != 1 || f[1][0] < '1' || f[1][0] > '8' {
		return dst, newErr(sensors.ReasonMalformed, lineField(idx, "transmission_type"), quote(f[1])+" is not 1-8")
	}
	tt := f[1][0] - '0'
	key, ok := parseHexIdent(f[4])
	if !ok {
		return dst, newErr(sensors.ReasonMalformed, lineField(idx, "hex_ident"), quote(f[4])+" is not 6 hex digits")
	}

	// Time.
	now, fromPayload := received, false
	if len(f[6]) > 0 || len(f[7]) > 0 {
		t, ok := d.times.Parse(f[6], f[7])
		if !ok {
			return dst, newErr(sensors.ReasonBadTime, lineField(idx, "generated"), quote(f[6])+" "+quote(f[7])+" is not YYYY/MM/DD HH:MM:SS[.fff]")
		}
		now, fromPayload = t, true
	}

	// Values; the line is rejected whole before any state changes.
	callsign := trimSpace(f[10])
	if len(callsign) > 16 {
		return dst, newErr(sensors.ReasonBadValue, lineField(idx, "callsign"), quote(callsign)+" longer than 16 characters")
	}
	for _, c := range callsign {
		if c < 0x20 || c > 0x7E {
			return dst, newErr(sensors.ReasonBadValue, lineField(idx, "callsign"), quote(callsign)+" is not printable ASCII")
		}
	}
	var alt float64
	hasAlt := len(f[11]) > 0
	if hasAlt {
		ft, ok := parseNum(f[11])
		if !ok {
			return dst, newErr(sensors.ReasonMalformed, lineField(idx, "altitude"), quote(f[11])+" is not a number")
		}
		alt = ft * ftToM
		if alt < minAltM || alt > maxAltM {
			return dst, newErr(sensors.ReasonBadPosition, lineField(idx, "altitude"), quote(f[11])+" ft out of range [-1000, 100000] m")
		}
	}
	var speed, course float64
	hasVel := len(f[12]) > 0 && len(f[13]) > 0
	if hasVel {
		kt, ok1 := parseNum(f[12])
		trk, ok2 := parseNum(f[13])
		if !ok1 || !ok2 {
			return dst, newErr(sensors.ReasonMalformed, lineField(idx, "ground_speed"), quote(f[12])+", "+quote(f[13])+": speed and track must be numbers")
		}
		speed = kt * ktToMps
		if speed < 0 || speed > maxSpeedM {
			return dst, newErr(sensors.ReasonBadValue, lineField(idx, "ground_speed"), quote(f[12])+" kt out of range [0, 1500] m/s")
		}
		if trk < 0 || trk > 360 {
			return dst, newErr(sensors.ReasonBadValue, lineField(idx, "track"), quote(f[13])+" out of range [0, 360]")
		}
		if trk == 360 {
			trk = 0
		}
		course = trk
	}
	var lat, lon float64
	hasPos := false
	if tt == 2 || tt == 3 {
		switch {
		case len(f[14]) > 0 && len(f[15]) > 0:
			var ok1, ok2 bool
			lat, ok1 = parseNum(f[14])
			lon, ok2 = parseNum(f[15])
			if !ok1 || !ok2 || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
				return dst, newErr(sensors.ReasonBadPosition, lineField(idx, "lat"), quote(f[14])+", "+quote(f[15])+" is not a latitude, longitude")
			}
			hasPos = true
		case len(f[14]) > 0:
			return dst, newErr(sensors.ReasonBadPosition, lineField(idx, "lon"), "latitude without longitude")
		case len(f[15]) > 0:
			return dst, newErr(sensors.ReasonBadPosition, lineField(idx, "lat"), "longitude without latitude")
		}
	}
	squawk := f[17]
	if len(squawk) > 0 {
		if len(squawk) != 4 || !isOctal(squawk) {
			return dst, newErr(sensors.ReasonBadValue, lineField(idx, "squawk"), quote(squawk)+" is not four octal digits")
		}
	}
	emerg, hasEmerg, ok := parseFlag(f[19])
	if !ok {
		return dst, newErr(sensors.ReasonMalformed, lineField(idx, "emergency"), quote(f[19])+" is not a flag (-1, 0, 1)")
	}
	for _, k := range [...]int{18, 20, 21} {
		if _, _, ok := parseFlag(f[k]); !ok {
			return dst, newErr(sensors.ReasonMalformed, lineField(idx, sbsFlagNames[k-18]), quote(f[k])+" is not a flag (-1, 0, 1)")
		}
	}

	// State.
	st, fresh := d.ac.get(key, now)
	if fresh {
		if key>>24 == 0 {
			st.icao = hexLower(key)
		}
	}
	if len(callsign) > 0 && string(callsign) != st.callsign {
		st.callsign = string(callsign)
	}
	if len(squawk) > 0 && string(squawk) != st.squawk {
		st.squawk = string(squawk)
	}
	if hasEmerg {
		st.emergency = emerg
	}
	if hasAlt && tt != 2 {
		st.alt, st.altT, st.hasAlt = alt, now, true
	}
	if hasVel {
		st.speed, st.course, st.velT, st.hasVel = speed, course, now, true
	}
	if !hasPos {
		return dst, nil
	}

	dets := d.slab.detection()
	det := &dets[0]
	*det = sensors.Detection{Lat: lat, Lon: lon, Class: sensors.ClassAir}
	switch {
	case hasAlt:
		det.Alt, det.HasAlt = alt, true
	case tt == 3 && st.hasAlt && within(now, st.altT, enrichMaxAge):
		det.Alt, det.HasAlt = st.alt, true
	}
	if st.hasVel && within(now, st.velT, enrichMaxAge) {
		det.Speed, det.Course, det.HasVelocity = st.speed, st.course, true
	}
	flag := ""
	if st.emergency {
		flag = sensors.EmergencyGeneral
	}
	det.Emergency = emergencyOf(st.squawk, flag)
	if st.icao != "" || st.callsign != "" || st.squawk != "" {
		id := d.slab.identity()
		*id = sensors.Identity{ICAO: st.icao, Callsign: st.callsign, Squawk: st.squawk}
		det.ID = id
	}
	return append(dst, sensors.Report{
		Sensor:          d.o.Sensor,
		Kind:            sensors.KindObservation,
		Time:            now,
		TimeFromPayload: fromPayload,
		Detections:      dets,
	}), nil
}

var sbsFlagNames = [...]string{"alert", "emergency", "spi", "on_ground"}

// SBSTimeParser reads the date and time fields of SBS lines, "2008/11/28"
// ("-" accepted too) and "23:48:18.611" (fraction optional, up to 9
// digits), in a time zone, as the SBSDecoder does. In UTC it remembers the
// midnight of the last date it read, which a feed's lines share. The zero
// value reads UTC; a parser is used from one goroutine at a time.
type SBSTimeParser struct {
	loc *time.Location // nil: UTC
	// Cache of the last date field (UTC only): its midnight in Unix seconds.
	lastDate     [10]byte
	lastDateOK   bool
	lastMidnight int64
}

// NewSBSTimeParser returns a parser of the dates and times of loc (nil: UTC).
func NewSBSTimeParser(loc *time.Location) *SBSTimeParser {
	if loc == time.UTC {
		loc = nil
	}
	return &SBSTimeParser{loc: loc}
}

// Parse returns the time of the SBS date and time fields, in UTC; ok is
// false when they are not a valid date and time of day.
func (p *SBSTimeParser) Parse(date, clock []byte) (t time.Time, ok bool) {
	if len(date) != 10 || len(clock) < 8 || clock[2] != ':' || clock[5] != ':' {
		return time.Time{}, false
	}
	h, ok1 := digits(clock[0:2])
	mi, ok2 := digits(clock[3:5])
	s, ok3 := digits(clock[6:8])
	if !ok1 || !ok2 || !ok3 || h > 23 || mi > 59 || s > 59 {
		return time.Time{}, false
	}
	ns := 0
	if len(clock) > 8 {
		frac := clock[9:]
		if clock[8] != '.' || len(frac) == 0 || len(frac) > 9 {
			return time.Time{}, false
		}
		v, ok := digits(frac)
		if !ok {
			return time.Time{}, false
		}
		ns = v
		for i := len(frac); i < 9; i++ {
			ns *= 10
		}
	}
	if p.loc == nil && p.lastDateOK && bytes.Equal(date, p.lastDate[:]) {
		return time.Unix(p.lastMidnight+int64(h*3600+mi*60+s), int64(ns)).UTC(), true
	}
	if (date[4] != '/' || date[7] != '/') && (date[4] != '-' || date[7] != '-') {
		return time.Time{}, false
	}
	y, ok1 := digits(date[0:4])
	mo, ok2 := digits(date[5:7])
	dd, ok3 := digits(date[8:10])
	if !ok1 || !ok2 || !ok3 || y < 1 || mo < 1 || mo > 12 || dd < 1 || dd > 31 {
		return time.Time{}, false
	}
	mid := time.Date(y, time.Month(mo), dd, 0, 0, 0, 0, time.UTC)
	if mid.Day() != dd { // 31 April and the like
		return time.Time{}, false
	}
	if p.loc != nil {
		return time.Date(y, time.Month(mo), dd, h, mi, s, ns, p.loc).UTC(), true
	}
	copy(p.lastDate[:], date)
	p.lastDateOK = true
	p.lastMidnight = mid.Unix()
	return time.Unix(p.lastMidnight+int64(h*3600+mi*60+s), int64(ns)).UTC(), true
}

// digits parses a run of decimal digits (at most 9).
func digits(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	v := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// parseNum parses a decimal number: integers by hand, anything else with
// strconv.ParseFloat (the string conversion of a short slice does not
// allocate: it does not escape). NaN and infinities are refused.
func parseNum(b []byte) (float64, bool) {
	if len(b) > 0 && len(b) <= 9 {
		neg := b[0] == '-'
		s := b
		if neg || b[0] == '+' {
			s = b[1:]
		}
		if v, ok := digits(s); ok {
			if neg {
				return -float64(v), true
			}
			return float64(v), true
		}
	}
	if len(b) == 0 || len(b) > 32 {
		return 0, false
	}
	for _, c := range b {
		// Plain decimal notation only: no hex floats, underscores, Inf or NaN.
		if (c < '0' || c > '9') && c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E' {
			return 0, false
		}
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false
	}
	return v, true
}

// parseHexIdent parses the hex ident: 6 hex digits, optionally preceded by
// "~" (a non-ICAO address, returned with bit 24 set).
func parseHexIdent(b []byte) (uint32, bool) {
	var flag uint32
	if len(b) == 7 && b[0] == '~' {
		flag, b = 1<<24, b[1:]
	}
	if len(b) != 6 {
		return 0, false
	}
	var v uint32
	for _, c := range b {
		x, ok := hexVal(c)
		if !ok {
			return 0, false
		}
		v = v<<4 | uint32(x)
	}
	return v | flag, true
}

// parseFlag parses an SBS flag: "" (absent), "0" false, "-1" or "1" true.
func parseFlag(b []byte) (v, present, ok bool) {
	switch string(b) {
	case "":
		return false, false, true
	case "0":
		return false, true, true
	case "-1", "1":
		return true, true, true
	}
	return false, false, false
}

func isOctal(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '7' {
			return false
		}
	}
	return true
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// trimSpace trims ASCII white space (including "\r") at both ends.
func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'
}

// within reports whether a and b are at most max apart.
func within(a, b time.Time, max time.Duration) bool {
	d := a.Sub(b)
	return d <= max && d >= -max
}

// slab hands out detections and identities from blocks, so that a report
// costs one allocation per slabSize reports instead of two per report.
// The blocks are never reused: a report's memory stays its own.
type slab struct {
	dets []sensors.Detection
	ids  []sensors.Identity
}

const slabSize = 32

// detection returns a one-element slice with capacity 1, so that a
// caller's append never writes into the next report's detection.
func (s *slab) detection() []sensors.Detection {
	if len(s.dets) == 0 {
		s.dets = make([]sensors.Detection, slabSize)
	}
	d := s.dets[0:1:1]
	s.dets = s.dets[1:]
	return d
}

func (s *slab) identity() *sensors.Identity {
	if len(s.ids) == 0 {
		s.ids = make([]sensors.Identity, slabSize)
	}
	id := &s.ids[0]
	s.ids = s.ids[1:]
	return id
}
