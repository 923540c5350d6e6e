package asterix

import (
	"math"
	"strconv"
	"time"

	"github.com/vigia-project/vigia/sensors"
)

// Unit conversions.
const (
	metresPerNM = 1852.0
	metresPerFt = 0.3048
	// nsPer128th is 1/128 s, the LSB of every ASTERIX time of day.
	nsPer128th = 7812500
	// todLimit is 86400 s in 1/128 s.
	todLimit = 86400 * 128
)

// target is what the decoder read from one record, in raw units, before it
// becomes a sensors.Report. Tests see it through Decoder.hook.
type target struct {
	cat  uint8
	rec  []byte // the record's bytes
	kind sensors.Kind

	hasSrc   bool
	sac, sic uint8

	hasToD bool
	tod    uint32 // 1/128 s since midnight UTC

	hasPos   bool
	polar    bool
	rho      uint16 // CAT048: 1/256 NM
	theta    uint16 // CAT048: 360/2^16 deg
	lat, lon float64

	hasFL bool
	fl    int32 // 1/4 FL

	hasMode3A      bool // a code was present (valid or not)
	mode3AValid    bool // and neither invalid nor garbled
	mode3A         uint16
	hasAddr        bool
	addr           uint32
	hasIdent       bool
	ident          [8]byte // decoded characters
	identLen       int     // after trimming trailing spaces
	hasTrack       bool
	track          uint32
	hasVel         bool
	gsp, hdg       uint16 // CAT048 I048/200, CAT021 I021/160 or CAT062 0.17 I062/180 raw
	vx, vy         int16  // CAT062 I062/185 raw, 0.25 m/s
	velCartesian   bool
	emergency      string
	hasPlatform    bool // CAT034 I034/120
	platLat        float64
	platLon        float64
	platHgt        int16
	serviceMsgType uint8 // CAT034 I034/000, CAT065 I065/000
}

// itemErr builds a value error naming the item at the offset.
func itemErr(reason, name string, off int, msg string) error {
	return perr{reason, "item " + name + " at offset " + strconv.Itoa(off) + ": " + msg}
}

// readToD reads a 3-octet time of day at b[o], rejecting one past midnight.
func readToD(t *target, b []byte, o int, name string) error {
	v := u24(b, o)
	if v >= todLimit {
		return itemErr(sensors.ReasonBadTime, name, o,
			"time of day "+strconv.FormatFloat(float64(v)/128, 'f', -1, 64)+" s is not below 86400 s")
	}
	t.hasToD, t.tod = true, v
	return nil
}

func (d *Decoder) map048(t *target, b []byte) error {
	t.kind = sensors.KindObservation
	if o := d.at[frn048SrcID]; o != 0 {
		t.hasSrc, t.sac, t.sic = true, b[o], b[o+1]
	}
	if o := d.at[frn048ToD]; o != 0 {
		if err := readToD(t, b, o, "I048/140"); err != nil {
			return err
		}
	}
	if o := d.at[frn048Pos]; o != 0 {
		t.hasPos, t.polar = true, true
		t.rho, t.theta = u16(b, o), u16(b, o+2)
	}
	if o := d.at[frn048Mode3A]; o != 0 {
		t.hasMode3A = true
		t.mode3AValid = b[o]&0xc0 == 0 // V (not validated) and G (garbled) clear
		t.mode3A = u16(b, o) & 0x0fff
	}
	if o := d.at[frn048FL]; o != 0 && b[o]&0xc0 == 0 {
		t.hasFL = true
		t.fl = signExtend(uint32(u16(b, o))&0x3fff, 14)
	}
	if o := d.at[frn048Addr]; o != 0 {
		t.hasAddr, t.addr = true, u24(b, o)
	}
	if o := d.at[frn048Ident]; o != 0 {
		readIdent(t, b[o:o+6])
	}
	if o := d.at[frn048TrackNb]; o != 0 {
		t.hasTrack, t.track = true, uint32(u16(b, o)&0x0fff)
	}
	if o := d.at[frn048Vel]; o != 0 {
		t.hasVel, t.gsp, t.hdg = true, u16(b, o), u16(b, o+2)
	}
	return nil
}

func (d *Decoder) map062(t *target, b []byte) error {
	t.kind = sensors.KindObservation
	if o := d.at[frn062SrcID]; o != 0 {
		t.hasSrc, t.sac, t.sic = true, b[o], b[o+1]
	}
	if o := d.at[frn062ToT]; o != 0 {
		if err := readToD(t, b, o, "I062/070"); err != nil {
			return err
		}
	}
	if o := d.at[frn062Pos]; o != 0 {
		t.lat = float64(int32(u32(b, o))) * (180.0 / (1 << 25))
		t.lon = float64(int32(u32(b, o+4))) * (180.0 / (1 << 25))
		if err := checkLatLon(t, "I062/105", o); err != nil {
			return err
		}
	}
	if o := d.at[frn062Vel]; o != 0 {
		t.hasVel, t.velCartesian = true, true
		t.vx, t.vy = int16(u16(b, o)), int16(u16(b, o+2))
	}
	if o := d.at[frn062Mode3A]; o != 0 {
		t.hasMode3A = true
		t.mode3AValid = b[o]&0xc0 == 0
		t.mode3A = u16(b, o) & 0x0fff
	}
	if o := d.at[frn062TgtID]; o != 0 {
		readIdent(t, b[o+1:o+7])
	}
	if o := d.at[frn062ADD]; o != 0 {
		it := &uap062.items[frn062ADD-1]
		if s := it.subfield(b, o, sub380ADR); s != 0 {
			t.hasAddr, t.addr = true, u24(b, s)
		}
		if s := it.subfield(b, o, sub380ID); s != 0 {
			readIdent(t, b[s:s+6]) // I062/380 ID is the downlinked one: it wins over I062/245
		}
	}
	if o := d.at[frn062TrackNb]; o != 0 {
		t.hasTrack, t.track = true, uint32(u16(b, o))
	}
	if o := d.at[frn062MFL]; o != 0 {
		t.hasFL, t.fl = true, int32(int16(u16(b, o)))
	}
	return nil
}

// map062v017 maps a CAT062 0.17 record (uap062v017) like map062 does a 1.x
// one; the items differ in layout, not in meaning.
func (d *Decoder) map062v017(t *target, b []byte) error {
	t.kind = sensors.KindObservation
	if o := d.at[frn062v017SrcID]; o != 0 {
		t.hasSrc, t.sac, t.sic = true, b[o], b[o+1]
	}
	if o := d.at[frn062v017ToT]; o != 0 {
		if err := readToD(t, b, o, "I062/070"); err != nil {
			return err
		}
	}
	if o := d.at[frn062v017Pos]; o != 0 { // two 24-bit two's complement values, 180/2^23 °
		t.lat = float64(signExtend(u24(b, o), 24)) * (180.0 / (1 << 23))
		t.lon = float64(signExtend(u24(b, o+3), 24)) * (180.0 / (1 << 23))
		if err := checkLatLon(t, "I062/105", o); err != nil {
			return err
		}
	}
	if o := d.at[frn062v017Vel]; o != 0 { // I062/180: speed 2^-14 NM/s, heading 360/2^16 °, as I048/200
		t.hasVel, t.gsp, t.hdg = true, u16(b, o), u16(b, o+2)
	}
	if o := d.at[frn062v017Mode3A]; o != 0 { // 4 spare bits, no V/G/CH: a code present is taken as valid
		t.hasMode3A, t.mode3AValid = true, true
		t.mode3A = u16(b, o) & 0x0fff
	}
	if o := d.at[frn062v017ADD]; o != 0 {
		it := &uap062v017.items[frn062v017ADD-1]
		if s := it.subfield(b, o, sub380v017ADR); s != 0 {
			t.hasAddr, t.addr = true, u24(b, s)
		}
		if s := it.subfield(b, o, sub380v017ID); s != 0 {
			readIdent(t, b[s:s+6])
		}
	}
	if o := d.at[frn062v017TrackNb]; o != 0 { // 15 bits after a spare bit
		t.hasTrack, t.track = true, uint32(u16(b, o)&0x7fff)
	}
	if o := d.at[frn062v017MFL]; o != 0 {
		t.hasFL, t.fl = true, int32(int16(u16(b, o)))
	}
	return nil
}

func (d *Decoder) map021(t *target, b []byte) error {
	t.kind = sensors.KindObservation
	if o := d.at[frn021SrcID]; o != 0 {
		t.hasSrc, t.sac, t.sic = true, b[o], b[o+1]
	}
	// Time: applicability of the position first, then its reception, then
	// the velocity's, then the report transmission.
	for _, f := range [...]struct {
		frn  int
		name string
	}{{frn021ToAPos, "I021/071"}, {frn021ToMRPos, "I021/073"}, {frn021ToAVel, "I021/072"}, {frn021ToMRVel, "I021/075"}, {frn021ToRT, "I021/077"}} {
		if o := d.at[f.frn]; o != 0 {
			if err := readToD(t, b, o, f.name); err != nil {
				return err
			}
			break
		}
	}
	if o := d.at[frn021PosHR]; o != 0 {
		t.lat = float64(int32(u32(b, o))) * (180.0 / (1 << 30))
		t.lon = float64(int32(u32(b, o+4))) * (180.0 / (1 << 30))
		if err := checkLatLon(t, "I021/131", o); err != nil {
			return err
		}
	} else if o := d.at[frn021Pos]; o != 0 {
		t.lat = float64(signExtend(u24(b, o), 24)) * (180.0 / (1 << 23))
		t.lon = float64(signExtend(u24(b, o+3), 24)) * (180.0 / (1 << 23))
		if err := checkLatLon(t, "I021/130", o); err != nil {
			return err
		}
	}
	if o := d.at[frn021Addr]; o != 0 {
		t.hasAddr, t.addr = true, u24(b, o)
	}
	if o := d.at[frn021Ident]; o != 0 {
		readIdent(t, b[o:o+6])
	}
	if o := d.at[frn021TrackNb]; o != 0 {
		t.hasTrack, t.track = true, uint32(u16(b, o)&0x0fff)
	}
	if o := d.at[frn021Mode3A]; o != 0 {
		t.hasMode3A, t.mode3AValid = true, true
		t.mode3A = u16(b, o) & 0x0fff
	}
	if o := d.at[frn021FL]; o != 0 {
		t.hasFL, t.fl = true, int32(int16(u16(b, o)))
	}
	if o := d.at[frn021GndVec]; o != 0 && b[o]&0x80 == 0 { // RE (range exceeded) clear
		t.hasVel, t.gsp, t.hdg = true, u16(b, o)&0x7fff, u16(b, o+2)
	}
	if o := d.at[frn021Status]; o != 0 {
		switch (b[o] >> 2) & 7 { // PS, priority status
		case 1, 2, 3, 6: // general, lifeguard/medical, minimum fuel, downed aircraft
			t.emergency = sensors.EmergencyGeneral
		case 4:
			t.emergency = sensors.EmergencyRadio
		case 5:
			t.emergency = sensors.EmergencyHijack
		}
	}
	return nil
}

func (d *Decoder) map034(t *target, b []byte) error {
	t.kind = sensors.KindService
	if o := d.at[frn034SrcID]; o != 0 {
		t.hasSrc, t.sac, t.sic = true, b[o], b[o+1]
	}
	if o := d.at[frn034Type]; o != 0 {
		t.serviceMsgType = b[o]
	}
	if o := d.at[frn034ToD]; o != 0 {
		if err := readToD(t, b, o, "I034/030"); err != nil {
			return err
		}
	}
	if o := d.at[frn034Pos]; o != 0 {
		lat := float64(signExtend(u24(b, o+2), 24)) * (180.0 / (1 << 23))
		lon := float64(signExtend(u24(b, o+5), 24)) * (180.0 / (1 << 23))
		if lat < -90 || lat > 90 || lon < -180 || lon > 180 {
			return itemErr(sensors.ReasonBadPosition, "I034/120", o, "position off the earth")
		}
		t.hasPlatform, t.platHgt, t.platLat, t.platLon = true, int16(u16(b, o)), lat, lon
	}
	return nil
}

func (d *Decoder) map065(t *target, b []byte) error {
	t.kind = sensors.KindService
	if o := d.at[frn065SrcID]; o != 0 {
		t.hasSrc, t.sac, t.sic = true, b[o], b[o+1]
	}
	if o := d.at[frn065Type]; o != 0 {
		t.serviceMsgType = b[o]
	}
	if o := d.at[frn065ToD]; o != 0 {
		if err := readToD(t, b, o, "I065/030"); err != nil {
			return err
		}
	}
	return nil
}

func checkLatLon(t *target, name string, o int) error {
	if t.lat < -90 || t.lat > 90 || t.lon < -180 || t.lon > 180 {
		return itemErr(sensors.ReasonBadPosition, name, o,
			"position "+strconv.FormatFloat(t.lat, 'f', 6, 64)+", "+strconv.FormatFloat(t.lon, 'f', 6, 64)+" is off the earth")
	}
	t.hasPos = true
	return nil
}

// plot is allocated once per observation: the report's detection and its
// identity share it.
type plot struct {
	det [1]sensors.Detection
	id  sensors.Identity
}

// emit appends the report of t; an observation without a position gives none.
func (d *Decoder) emit(dst []sensors.Report, t *target, received time.Time) []sensors.Report {
	if t.kind == sensors.KindObservation && !t.hasPos {
		d.stats.NoPosition++
		return dst
	}
	r := sensors.Report{Sensor: d.opt.Sensor, Kind: t.kind, Time: received}
	if t.hasToD {
		r.Time, r.TimeFromPayload = d.timeOfDay(t.tod, received), true
	}
	if t.kind != sensors.KindObservation {
		if t.hasPlatform {
			r.Platform = &sensors.Position{Lat: t.platLat, Lon: t.platLon, Alt: float64(t.platHgt), HasAlt: true}
		}
		return append(dst, r)
	}
	p := new(plot)
	det := &p.det[0]
	if t.polar {
		det.Polar = true
		det.Range = float64(t.rho) * (metresPerNM / 256)
		det.Bearing = float64(t.theta) * (360.0 / 65536)
	} else {
		det.Lat, det.Lon = t.lat, t.lon
	}
	if t.hasFL {
		det.Alt, det.HasAlt = float64(t.fl)*(100*metresPerFt/4), true
	}
	if t.hasVel {
		det.HasVelocity = true
		if t.velCartesian {
			vx, vy := float64(t.vx)/4, float64(t.vy)/4
			det.Speed = math.Hypot(vx, vy)
			det.Course = math.Atan2(vx, vy) * (180 / math.Pi)
			if det.Course < 0 {
				det.Course += 360
			}
		} else {
			det.Speed = float64(t.gsp) * (metresPerNM / (1 << 14))
			det.Course = float64(t.hdg) * (360.0 / 65536)
		}
	}
	if t.hasTrack {
		det.TrackNumber, det.HasTrackNumber = t.track, true
	}
	det.Emergency = t.emergency
	if t.hasAddr || t.hasIdent || (t.hasMode3A && t.mode3AValid) {
		// ICAO address and callsign share one allocation.
		var buf [14]byte
		n := 0
		if t.hasAddr {
			const hexd = "0123456789abcdef"
			for i := 20; i >= 0; i -= 4 {
				buf[n] = hexd[(t.addr>>uint(i))&0xf]
				n++
			}
		}
		n += copy(buf[n:], t.ident[:t.identLen])
		s := string(buf[:n])
		if t.hasAddr {
			p.id.ICAO, s = s[:6], s[6:]
		}
		p.id.Callsign = s
		if t.hasMode3A && t.mode3AValid {
			p.id.Squawk = squawk(t.mode3A)
			if e := sensors.EmergencyForSquawk(p.id.Squawk); e != "" {
				det.Emergency = e
			}
		}
		det.ID = &p.id
	}
	r.Detections = p.det[:]
	return append(dst, r)
}

// timeOfDay completes a time of day (1/128 s) to the date that puts it
// nearest to received (within ±12 h), so a plot stamped 23:59:59 received at
// 00:00:01 falls on the previous day.
func (d *Decoder) timeOfDay(tod uint32, received time.Time) time.Time {
	if received.Before(d.dayStart) || !received.Before(d.dayEnd) {
		y, m, dd := received.Date()
		d.dayStart = time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
		d.dayEnd = d.dayStart.Add(24 * time.Hour)
	}
	t := d.dayStart.Add(time.Duration(tod) * nsPer128th)
	switch diff := t.Sub(received); {
	case diff > 12*time.Hour:
		t = t.Add(-24 * time.Hour)
	case diff < -12*time.Hour:
		t = t.Add(24 * time.Hour)
	}
	return t
}

// icaoChars is the 6-bit ICAO alphabet of Mode S identification; '#' marks
// codes that are not characters.
const icaoChars = "#ABCDEFGHIJKLMNOPQRSTUVWXYZ##### ###############0123456789######"

// readIdent decodes 8 six-bit characters from 6 octets into t.ident, with
// trailing spaces trimmed. An identification holding a code outside the
// alphabet, or only spaces, is ignored.
func readIdent(t *target, b []byte) {
	v := uint64(b[0])<<40 | uint64(b[1])<<32 | uint64(b[2])<<24 | uint64(b[3])<<16 | uint64(b[4])<<8 | uint64(b[5])
	var id [8]byte
	n := 0
	for i := range id {
		c := icaoChars[(v>>uint(42-6*i))&0x3f]
		if c == '#' {
			return
		}
		id[i] = c
		if c != ' ' {
			n = i + 1
		}
	}
	if n == 0 {
		return
	}
	t.hasIdent, t.ident, t.identLen = true, id, n
}

// squawks holds the 4096 Mode 3/A codes as 4 octal digits each, so a squawk
// is a substring: no allocation per record.
var squawks = func() string {
	b := make([]byte, 4096*4)
	for c := 0; c < 4096; c++ {
		b[4*c] = '0' + byte(c>>9&7)
		b[4*c+1] = '0' + byte(c>>6&7)
		b[4*c+2] = '0' + byte(c>>3&7)
		b[4*c+3] = '0' + byte(c&7)
	}
	return string(b)
}()

// squawk returns the 12-bit Mode 3/A code as four octal digits.
func squawk(code uint16) string {
	c := int(code & 0x0fff)
	return squawks[4*c : 4*c+4]
}

// u16, u24 and u32 read big-endian unsigned integers at b[o].
func u16(b []byte, o int) uint16 { return uint16(b[o])<<8 | uint16(b[o+1]) }
func u24(b []byte, o int) uint32 {
	return uint32(b[o])<<16 | uint32(b[o+1])<<8 | uint32(b[o+2])
}
func u32(b []byte, o int) uint32 {
	return uint32(b[o])<<24 | uint32(b[o+1])<<16 | uint32(b[o+2])<<8 | uint32(b[o+3])
}

// signExtend interprets the low bits of v as a two's complement number.
func signExtend(v uint32, bits uint) int32 {
	shift := 32 - bits
	return int32(v<<shift) >> shift
}
