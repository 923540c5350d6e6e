package adsb

import (
	"bytes"
	"math"
	"strconv"
	"time"

	"github.com/vigia-project/vigia/sensors"
)

// Framing is how raw Mode S frames are carried.
type Framing uint8

// Framings of raw Mode S feeds.
const (
	// AVR is text, one frame per line or per ";"-terminated token, in
	// hexadecimal: "*<hex>;" or, with a 48-bit MLAT counter,
	// "@<12 hex><hex>;" (also "%"), as dump1090 emits on port 30002.
	// 4 hex digits are a Mode A/C reply, 14 a short and 28 a long Mode S
	// frame.
	AVR Framing = iota
	// Beast is the binary format of port 30005: 0x1A, a type byte ('1'
	// Mode A/C, '2' short, '3' long Mode S), a 6-byte 12 MHz MLAT counter,
	// a 1-byte signal level and the frame, every 0x1A after the first
	// doubled. The stream may be cut anywhere between payloads.
	Beast
)

// String returns "avr" or "beast".
func (f Framing) String() string {
	switch f {
	case AVR:
		return "avr"
	case Beast:
		return "beast"
	}
	return "Framing(" + strconv.Itoa(int(f)) + ")"
}

// ModeSDecoder decodes raw Mode S frames (AVR or Beast framing) and the
// ADS-B extended squitters (DF17, DF18 with CF 0) among them. See the
// package documentation for what is decoded and how.
//
// Rejections: too_large (payload over MaxBytes), malformed (AVR token that
// is not "*", "@" or "%" followed by 4, 14 or 28 hex digits; Beast bytes
// outside a frame or an unknown frame type; a frame whose length does not
// match its downlink format), truncated (a Beast frame cut short by the
// start of another), checksum (DF11/17/18 parity), unsupported (Mode A/C,
// downlink formats other than 17 and 18, DF18 CF ≠ 0), bad_position (an
// altitude out of [-1000, 100000] m). The errors of the hot paths are
// shared values: do not modify them.
type ModeSDecoder struct {
	o       Options
	framing Framing
	ac      table[msState]
	beast   beastReader
	slab    slab
	stats   ModeSStats
}

// ModeSStats counts what a ModeSDecoder has seen since it was made.
type ModeSStats struct {
	ModeAC     uint64 // Mode A/C replies
	Short      uint64 // 56-bit Mode S frames
	Long       uint64 // 112-bit Mode S frames
	BadCRC     uint64 // DF11/17/18 frames whose parity failed
	Squitters  uint64 // DF17/18 frames with good parity, decoded
	Positions  uint64 // positions decoded (= reports)
	ByTypeCode [32]uint64
	ByDF       [25]uint64
	BeastSkip  uint64 // Beast bytes skipped outside frames
	BeastCut   uint64 // Beast frames cut short
}

// Stats returns the decoder's counters.
func (d *ModeSDecoder) Stats() ModeSStats { return d.stats }

// cprFrame is one received CPR position.
type cprFrame struct {
	lat, lon uint32
	t        time.Time
	ok       bool
}

// msState is what the extended squitters told about one aircraft.
type msState struct {
	icao          string
	callsign      string
	squawk        string
	emergency     string // from TC 28
	alt           float64
	altT          time.Time
	hasAlt        bool
	speed, course float64
	velT          time.Time
	hasVel        bool
	even, odd     cprFrame // airborne CPR frames
	lat, lon      float64  // last decoded position
	posT          time.Time
	hasPos        bool
}

// NewModeSDecoder returns a decoder of raw Mode S frames in framing.
func NewModeSDecoder(o Options, framing Framing) *ModeSDecoder {
	return &ModeSDecoder{o: o, framing: framing, ac: newTable[msState](o.maxAircraft(), o.staleAfter())}
}

// Aircraft returns the number of aircraft whose state the decoder holds.
func (d *ModeSDecoder) Aircraft() int { return d.ac.len() }

// Shared rejections of the hot paths.
var (
	errModeAC   = &sensors.Error{Reason: sensors.ReasonUnsupported, Field: "frame", Msg: "Mode A/C reply"}
	errChecksum = &sensors.Error{Reason: sensors.ReasonChecksum, Field: "crc", Msg: "Mode S parity check failed"}
	errLength   = &sensors.Error{Reason: sensors.ReasonMalformed, Field: "frame", Msg: "frame length does not match its downlink format"}
	errDF18CF   = &sensors.Error{Reason: sensors.ReasonUnsupported, Field: "cf", Msg: "DF18 with control field other than 0 (non-ICAO address, TIS-B, ADS-R) not decoded"}
	errBadAlt   = &sensors.Error{Reason: sensors.ReasonBadPosition, Field: "alt", Msg: "altitude out of range [-1000, 100000] m"}
	errEmpty    = &sensors.Error{Reason: sensors.ReasonMalformed, Field: "", Msg: "empty payload"}
	errDFs      = func() (e [25]*sensors.Error) {
		for i := range e {
			e[i] = &sensors.Error{Reason: sensors.ReasonUnsupported, Field: "df",
				Msg: "downlink format " + strconv.Itoa(i) + " not decoded (only DF17/DF18 extended squitter)"}
		}
		return e
	}()
)

// Decode implements sensors.Decoder.
func (d *ModeSDecoder) Decode(dst []sensors.Report, payload []byte, received time.Time) ([]sensors.Report, []error) {
	if d.o.MaxBytes > 0 && len(payload) > d.o.MaxBytes {
		// The stream is now discontinuous: drop a partial Beast frame.
		d.beast = beastReader{}
		return dst, []error{newErr(sensors.ReasonTooLarge, "", strconv.Itoa(len(payload))+" bytes, limit "+strconv.Itoa(d.o.MaxBytes))}
	}
	received = received.UTC()
	if d.framing == Beast {
		return d.decodeBeast(dst, payload, received)
	}
	return d.decodeAVR(dst, payload, received)
}

// decodeAVR decodes AVR text: tokens separated by newlines or ";".
func (d *ModeSDecoder) decodeAVR(dst []sensors.Report, payload []byte, t time.Time) ([]sensors.Report, []error) {
	var errs []error
	seen := false
	for idx := 0; len(payload) > 0; {
		var tok []byte
		if j := bytes.IndexAny(payload, "\n;"); j >= 0 {
			tok, payload = payload[:j], payload[j+1:]
		} else {
			tok, payload = payload, nil
		}
		tok = trimSpace(tok)
		if len(tok) == 0 {
			continue
		}
		seen = true
		i := idx
		idx++
		switch tok[0] {
		case '*':
			tok = tok[1:]
		case '@', '%':
			if len(tok) < 13 || !isHex(tok[1:13]) {
				errs = append(errs, newErr(sensors.ReasonMalformed, "frames["+strconv.Itoa(i)+"]", quote(tok)+": no 12-digit MLAT counter"))
				continue
			}
			tok = tok[13:]
		default:
			errs = append(errs, newErr(sensors.ReasonMalformed, "frames["+strconv.Itoa(i)+"]", quote(tok)+" is not an AVR frame (*hex; or @hex;)"))
			continue
		}
		var frame [14]byte
		if (len(tok) != 4 && len(tok) != 14 && len(tok) != 28) || !decodeHex(frame[:], tok) {
			errs = append(errs, newErr(sensors.ReasonMalformed, "frames["+strconv.Itoa(i)+"]", quote(tok)+" is not 4, 14 or 28 hex digits"))
			continue
		}
		if len(tok) == 4 {
			d.stats.ModeAC++
			errs = append(errs, errModeAC)
			continue
		}
		var err error
		if dst, err = d.frame(dst, frame[:len(tok)/2], t); err != nil {
			errs = append(errs, err)
		}
	}
	if !seen {
		errs = append(errs, errEmpty)
	}
	return dst, errs
}

// beastReader is the Beast parser's state, kept between payloads.
type beastReader struct {
	state   uint8 // beastSync, beastType or beastBody
	typ     byte
	need, n int // bytes of the frame body (counter, signal, data) wanted, got
	esc     bool
	buf     [7 + 14]byte
	garbage int
}

const (
	beastSync = iota // looking for 0x1A
	beastType        // after 0x1A: the type byte
	beastBody        // collecting the body
)

// beastLen returns the data length of a Beast frame type, 0 if unknown.
func beastLen(typ byte) int {
	switch typ {
	case '1':
		return 2
	case '2':
		return 7
	case '3':
		return 14
	}
	return 0
}

// decodeBeast feeds payload through the Beast parser.
func (d *ModeSDecoder) decodeBeast(dst []sensors.Report, payload []byte, t time.Time) ([]sensors.Report, []error) {
	if len(payload) == 0 {
		return dst, []error{errEmpty}
	}
	var errs []error
	r := &d.beast
	for _, c := range payload {
		if r.state == beastBody {
			if r.esc {
				r.esc = false
				if c != 0x1A {
					// A lone 0x1A: the frame was cut and c starts the next one.
					d.stats.BeastCut++
					errs = append(errs, newErr(sensors.ReasonTruncated, "frame",
						"Beast frame type "+strconv.QuoteRune(rune(r.typ))+" cut after "+strconv.Itoa(r.n)+" of "+strconv.Itoa(r.need)+" bytes"))
					r.state = beastType
					goto typeByte
				}
			} else if c == 0x1A {
				r.esc = true
				continue
			}
			r.buf[r.n] = c
			r.n++
			if r.n == r.need {
				r.state = beastSync
				data := r.buf[7:r.n]
				var err error
				if r.typ == '1' {
					d.stats.ModeAC++
					err = errModeAC
				} else {
					dst, err = d.frame(dst, data, t)
				}
				if err != nil {
					errs = append(errs, err)
				}
			}
			continue
		}
		if r.state == beastSync {
			if c == 0x1A {
				r.state = beastType
			} else {
				r.garbage++
				d.stats.BeastSkip++
			}
			continue
		}
	typeByte:
		if n := beastLen(c); n > 0 {
			if r.garbage > 0 {
				errs = append(errs, r.garbageErr())
			}
			r.state, r.typ, r.need, r.n, r.esc = beastBody, c, 7+n, 0, false
		} else if c == 0x1A { // 0x1A 0x1A out of sync: the second may start a frame
			r.garbage++
			d.stats.BeastSkip++
		} else {
			r.garbage += 2
			d.stats.BeastSkip += 2
			r.state = beastSync
		}
	}
	if r.garbage > 0 && r.state == beastSync {
		errs = append(errs, r.garbageErr())
	}
	return dst, errs
}

// garbageErr reports and resets the count of bytes skipped between frames.
func (r *beastReader) garbageErr() error {
	n := r.garbage
	r.garbage = 0
	return newErr(sensors.ReasonMalformed, "stream", strconv.Itoa(n)+" bytes outside a Beast frame skipped")
}

// frame decodes one Mode S frame of 7 or 14 bytes received at t.
func (d *ModeSDecoder) frame(dst []sensors.Report, b []byte, t time.Time) ([]sensors.Report, error) {
	if len(b) == 14 {
		d.stats.Long++
	} else {
		d.stats.Short++
	}
	df := int(b[0] >> 3)
	if df > 24 {
		df = 24 // DF24: the first two bits are 11
	}
	d.stats.ByDF[df]++
	if (df >= 16) != (len(b) == 14) {
		return dst, errLength
	}
	switch df {
	case 11:
		if crcRemainder(b)&^0x7F != 0 {
			d.stats.BadCRC++
			return dst, errChecksum
		}
		return dst, errDFs[11]
	case 17:
	case 18:
		if b[0]&7 != 0 {
			if crcRemainder(b) != 0 {
				d.stats.BadCRC++
				return dst, errChecksum
			}
			return dst, errDF18CF
		}
	default:
		return dst, errDFs[df]
	}
	if crcRemainder(b) != 0 {
		d.stats.BadCRC++
		return dst, errChecksum
	}
	d.stats.Squitters++
	addr := uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	var me uint64
	for _, c := range b[4:11] {
		me = me<<8 | uint64(c)
	}
	tc := me >> 51
	d.stats.ByTypeCode[tc]++
	switch {
	case tc >= 1 && tc <= 4:
		d.identification(addr, me, t)
	case tc >= 5 && tc <= 8:
		return d.surface(dst, addr, me, t)
	case tc >= 9 && tc <= 18, tc >= 20 && tc <= 22:
		return d.airborne(dst, addr, me, tc, t)
	case tc == 19:
		d.velocity(addr, me, t)
	case tc == 28:
		d.status(addr, me, t)
	}
	// Other type codes (0 no position, 23 test, 24 surface system status,
	// 29 target state, 31 operational status) carry nothing reported.
	return dst, nil
}

// bits returns n bits of the 56-bit ME field starting at bit from (1-based,
// MSB first, as the standard numbers them).
func bits(me uint64, from, n uint) uint32 {
	return uint32(me>>(56-(from-1)-n)) & (1<<n - 1)
}

// state returns the aircraft's state, setting its address when new.
func (d *ModeSDecoder) state(addr uint32, t time.Time) *msState {
	st, fresh := d.ac.get(addr, t)
	if fresh {
		st.icao = hexLower(addr)
	}
	return st
}

// identCharset maps the 6-bit characters of identification messages; '#'
// marks codes that are not characters.
const identCharset = "#ABCDEFGHIJKLMNOPQRSTUVWXYZ##### ###############0123456789######"

// identification decodes TC 1–4: the callsign.
func (d *ModeSDecoder) identification(addr uint32, me uint64, t time.Time) {
	var cs [8]byte
	for i := range cs {
		c := identCharset[bits(me, 9+6*uint(i), 6)]
		if c == '#' {
			return // not a valid callsign: ignore
		}
		cs[i] = c
	}
	s := trimSpace(cs[:])
	st := d.state(addr, t)
	if len(s) > 0 && string(s) != st.callsign {
		st.callsign = string(s)
	}
}

// altitudeAC12 decodes the 12-bit altitude of airborne position messages
// in feet. Only the 25-ft encoding (Q bit set) is decoded; the 100-ft Gray
// (Gillham) encoding, used above 50,175 ft, is not (ok false).
func altitudeAC12(a uint32) (ft float64, ok bool) {
	if a == 0 || a&0x10 == 0 {
		return 0, false
	}
	n := (a&0xFE0)>>1 | a&0xF
	return float64(n)*25 - 1000, true
}

// airborne decodes TC 9–18 and 20–22: altitude and CPR position.
func (d *ModeSDecoder) airborne(dst []sensors.Report, addr uint32, me uint64, tc uint64, t time.Time) ([]sensors.Report, error) {
	ft, hasAlt := altitudeAC12(bits(me, 9, 12))
	alt := ft * ftToM
	if hasAlt && (alt < minAltM || alt > maxAltM) {
		return dst, errBadAlt
	}
	st := d.state(addr, t)
	if hasAlt {
		st.alt, st.altT, st.hasAlt = alt, t, true
	}
	odd := bits(me, 22, 1) == 1
	f := cprFrame{lat: bits(me, 23, 17), lon: bits(me, 40, 17), t: t, ok: true}
	if odd {
		st.odd = f
	} else {
		st.even = f
	}
	var lat, lon float64
	ok := false
	if st.even.ok && st.odd.ok && within(st.even.t, st.odd.t, cprPairMaxAge) {
		lat, lon, ok = cprGlobal(st.even.lat, st.even.lon, st.odd.lat, st.odd.lon, odd)
	}
	if !ok && st.hasPos && within(t, st.posT, cprRefMaxAge) {
		lat, lon, ok = cprLocal(f.lat, f.lon, odd, st.lat, st.lon, 360)
	}
	if !ok {
		return dst, nil
	}
	st.lat, st.lon, st.posT, st.hasPos = lat, lon, t, true
	useAlt := hasAlt || (st.hasAlt && within(t, st.altT, enrichMaxAge))
	return d.report(dst, st, t, useAlt), nil
}

// surfaceSpeed decodes the movement field of surface positions, in knots.
func surfaceSpeed(m uint32) (kt float64, ok bool) {
	switch {
	case m == 1:
		return 0, true
	case m >= 2 && m <= 8:
		return 0.125 * float64(m-1), true
	case m >= 9 && m <= 12:
		return 1 + 0.25*float64(m-9), true
	case m >= 13 && m <= 38:
		return 2 + 0.5*float64(m-13), true
	case m >= 39 && m <= 93:
		return 15 + float64(m-39), true
	case m >= 94 && m <= 108:
		return 70 + 2*float64(m-94), true
	case m >= 109 && m <= 123:
		return 100 + 5*float64(m-109), true
	case m == 124:
		return 175, true
	}
	return 0, false // 0 not available, 125–127 reserved
}

// surface decodes TC 5–8: movement, track and a CPR position decoded
// locally (surface CPR has four solutions around the globe; only a
// reference picks one).
func (d *ModeSDecoder) surface(dst []sensors.Report, addr uint32, me uint64, t time.Time) ([]sensors.Report, error) {
	st := d.state(addr, t)
	if kt, ok := surfaceSpeed(bits(me, 6, 7)); ok && bits(me, 13, 1) == 1 {
		st.speed, st.course, st.velT, st.hasVel = kt*ktToMps, float64(bits(me, 14, 7))*360/128, t, true
	}
	odd := bits(me, 22, 1) == 1
	var refLat, refLon float64
	switch {
	case st.hasPos && within(t, st.posT, cprRefMaxAge):
		refLat, refLon = st.lat, st.lon
	case d.o.Receiver != nil:
		refLat, refLon = d.o.Receiver.Lat, d.o.Receiver.Lon
	default:
		return dst, nil
	}
	lat, lon, ok := cprLocal(bits(me, 23, 17), bits(me, 40, 17), odd, refLat, refLon, 90)
	if !ok {
		return dst, nil
	}
	st.lat, st.lon, st.posT, st.hasPos = lat, lon, t, true
	return d.report(dst, st, t, false), nil
}

// velocity decodes TC 19 subtypes 1 and 2: ground speed and track.
func (d *ModeSDecoder) velocity(addr uint32, me uint64, t time.Time) {
	sub := bits(me, 6, 3)
	if sub != 1 && sub != 2 {
		return // air speed and heading: not a ground velocity
	}
	vew, vns := bits(me, 15, 10), bits(me, 26, 10)
	if vew == 0 || vns == 0 {
		return // not available
	}
	vx, vy := float64(vew-1), float64(vns-1)
	if sub == 2 { // supersonic: 4 kt units
		vx, vy = 4*vx, 4*vy
	}
	if bits(me, 14, 1) == 1 {
		vx = -vx
	}
	if bits(me, 25, 1) == 1 {
		vy = -vy
	}
	speed := math.Hypot(vx, vy) * ktToMps
	if speed > maxSpeedM {
		return
	}
	course := math.Atan2(vx, vy) * 180 / math.Pi
	if course < 0 {
		course += 360
	}
	if course >= 360 {
		course = 0
	}
	st := d.state(addr, t)
	st.speed, st.course, st.velT, st.hasVel = speed, course, t, true
}

// status decodes TC 28 subtype 1: emergency state and squawk.
func (d *ModeSDecoder) status(addr uint32, me uint64, t time.Time) {
	if bits(me, 6, 3) != 1 {
		return // subtype 2: ACAS resolution advisory
	}
	st := d.state(addr, t)
	switch bits(me, 9, 3) {
	case 0:
		st.emergency = ""
	case 4:
		st.emergency = sensors.EmergencyRadio
	case 5:
		st.emergency = sensors.EmergencyHijack
	default: // general, lifeguard/medical, minimum fuel, downed aircraft, reserved
		st.emergency = sensors.EmergencyGeneral
	}
	if code := bits(me, 12, 13); code != 0 {
		var sq [4]byte
		squawkDigits(code, &sq)
		if string(sq[:]) != st.squawk {
			st.squawk = string(sq[:])
		}
	}
}

// squawkDigits decodes a 13-bit Mode A identity field (bits C1 A1 C2 A2
// C4 A4 X B1 D1 B2 D2 B4 D4) into four octal digits ABCD.
func squawkDigits(code uint32, out *[4]byte) {
	bit := func(k uint) uint32 { return code >> (12 - k) & 1 }
	a := bit(5)<<2 | bit(3)<<1 | bit(1)
	b := bit(11)<<2 | bit(9)<<1 | bit(7)
	c := bit(4)<<2 | bit(2)<<1 | bit(0)
	dd := bit(12)<<2 | bit(10)<<1 | bit(8)
	out[0], out[1], out[2], out[3] = byte('0'+a), byte('0'+b), byte('0'+c), byte('0'+dd)
}

// report appends the observation of st's current position.
func (d *ModeSDecoder) report(dst []sensors.Report, st *msState, t time.Time, withAlt bool) []sensors.Report {
	d.stats.Positions++
	dets := d.slab.detection()
	det := &dets[0]
	*det = sensors.Detection{Lat: st.lat, Lon: st.lon, Class: sensors.ClassAir}
	if withAlt {
		det.Alt, det.HasAlt = st.alt, true
	}
	if st.hasVel && within(t, st.velT, enrichMaxAge) {
		det.Speed, det.Course, det.HasVelocity = st.speed, st.course, true
	}
	det.Emergency = emergencyOf(st.squawk, st.emergency)
	id := d.slab.identity()
	*id = sensors.Identity{ICAO: st.icao, Callsign: st.callsign, Squawk: st.squawk}
	det.ID = id
	return append(dst, sensors.Report{
		Sensor:     d.o.Sensor,
		Kind:       sensors.KindObservation,
		Time:       t,
		Detections: dets,
	})
}

// isHex reports whether b is all hex digits.
func isHex(b []byte) bool {
	for _, c := range b {
		if _, ok := hexVal(c); !ok {
			return false
		}
	}
	return true
}

// decodeHex decodes the even-length hex string src into dst.
func decodeHex(dst, src []byte) bool {
	if len(src)%2 != 0 || len(src)/2 > len(dst) {
		return false
	}
	for i := 0; i < len(src); i += 2 {
		h, ok1 := hexVal(src[i])
		l, ok2 := hexVal(src[i+1])
		if !ok1 || !ok2 {
			return false
		}
		dst[i/2] = h<<4 | l
	}
	return true
}
