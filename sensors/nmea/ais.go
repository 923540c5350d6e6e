package nmea

import (
	"fmt"
	"math"
	"strings"
	"time"

	ais "github.com/BertoldVdb/go-ais"
	gonmea "github.com/adrianmo/go-nmea"

	"github.com/vigia-project/vigia/sensors"
)

// Position uncertainties (1-σ, circular) given to AIS detections. AIS says
// only whether the position is better than 10 m (accuracy flag 1: DGNSS,
// RTK) or not (0: plain GNSS, typically 10–30 m); we take 10 m and 30 m.
// Message 27 rounds positions to 1/10 minute (≈185 m of latitude; a uniform
// rounding error of σ≈53 m per axis), hence its larger values.
const (
	SigmaHighAccuracy  = 10.0
	SigmaLowAccuracy   = 30.0
	SigmaLongRangeHigh = 55.0
	SigmaLongRangeLow  = 60.0
)

const knot = 1852.0 / 3600.0 // m/s

// partKey identifies a multi-sentence AIS message in reassembly: by its tag
// block group when it has one, else by channel, sequential message id, part
// count and VDM/VDO, each within the tag block source (receiver) when given.
type partKey struct {
	source  string
	group   string
	channel string
	seq     string
	total   int
	vdo     bool
}

// partial is a multi-sentence message awaiting parts.
type partial struct {
	first  time.Time // received time of the first part to arrive
	parts  [9][]byte
	have   uint16
	n      int
	times  [9]stamp
	cksums byte // XOR of the parts' checksums
}

// decodeVDM decodes one VDM/VDO sentence (checksum already verified);
// sentence runs from '!' to the checksum digits.
func (d *Decoder) decodeVDM(c *call, sentence []byte, cksum byte, tb *TagBlock, st stamp, l loc) {
	d.stats.AISSentences++
	raw := string(sentence)
	if raw[0] == '$' {
		raw = "!" + raw[1:] // go-nmea decodes VDM only as encapsulated '!'.
	}
	s, err := d.parser.Parse(raw)
	if err != nil {
		c.errs = append(c.errs, errAt(sensors.ReasonMalformed, l, "%s", err.Error()))
		return
	}
	v, ok := s.(gonmea.VDMVDO)
	if !ok {
		c.errs = append(c.errs, errAt(sensors.ReasonMalformed, l, "not a VDM/VDO sentence"))
		return
	}
	if v.NumFragments < 1 || v.NumFragments > 9 || v.FragmentNumber < 1 || v.FragmentNumber > v.NumFragments {
		c.errs = append(c.errs, errAt(sensors.ReasonMalformed, l, "fragment %d of %d", v.FragmentNumber, v.NumFragments))
		return
	}
	if v.NumFragments == 1 {
		if st.pghp && st.pghpWant >= 0 && st.pghpWant != int(cksum) {
			st = c.base()
		}
		d.decodeAIS(c, v.Payload, st, l)
		return
	}
	var seq string
	if len(v.Fields) > 2 {
		seq = v.Fields[2]
	}
	key := partKey{source: tb.Source, total: int(v.NumFragments)}
	if tb.Group != "" {
		key.group = tb.Group
	} else {
		key.channel, key.seq, key.vdo = v.Channel, seq, v.Type == gonmea.TypeVDO
	}
	p := d.pending[key]
	i := int(v.FragmentNumber - 1)
	if p != nil && p.have&(1<<i) != 0 {
		// The id was reused by a new message before the old one completed.
		c.errs = append(c.errs, incompleteErr(key, p, "a new message reused its id"))
		delete(d.pending, key)
		p = nil
	}
	if p == nil {
		if len(d.pending) >= d.opts.MaxPending {
			c.errs = d.evictOldest(c.errs)
		}
		p = &partial{first: c.received}
		d.pending[key] = p
	}
	p.parts[i] = v.Payload
	p.times[i] = st
	p.have |= 1 << i
	p.n++
	p.cksums ^= cksum
	if p.n < int(v.NumFragments) {
		return
	}
	delete(d.pending, key)
	size := 0
	for k := 0; k < int(v.NumFragments); k++ {
		size += len(p.parts[k])
	}
	bits := make([]byte, 0, size)
	for k := 0; k < int(v.NumFragments); k++ {
		bits = append(bits, p.parts[k]...)
	}
	// The message's time: the first part that carries a payload time, else
	// the completing part's. A $PGHP declares the XOR of the checksums of
	// all the sentences of the message it stamps.
	mst := st
	if mst.pghp {
		mst = c.base()
	}
	for k := 0; k < int(v.NumFragments); k++ {
		pt := p.times[k]
		if pt.pghp && pt.pghpWant >= 0 && pt.pghpWant != int(p.cksums) {
			continue
		}
		if pt.fromPayload {
			mst = pt
			break
		}
	}
	d.decodeAIS(c, bits, mst, l)
}

func incompleteErr(k partKey, p *partial, why string) error {
	id := "channel " + quoteOrEmpty(k.channel) + " sequence id " + quoteOrEmpty(k.seq)
	if k.group != "" {
		id = "tag block group " + k.group
	}
	if k.source != "" {
		id += " from " + k.source
	}
	return errPayload(sensors.ReasonIncomplete, "AIS %d-part message (%s, first part received %s): %d part(s) received, %s",
		k.total, id, p.first.Format(time.RFC3339Nano), p.n, why)
}

func quoteOrEmpty(s string) string {
	if s == "" {
		return "(empty)"
	}
	return s
}

// expire drops the pending messages older than the timeout at now.
func (d *Decoder) expire(errs []error, now time.Time) []error {
	for k, p := range d.pending {
		if age := now.Sub(p.first); age > d.opts.ReassemblyTimeout || age < -d.opts.ReassemblyTimeout {
			errs = append(errs, incompleteErr(k, p, fmt.Sprintf("the others not within %s", d.opts.ReassemblyTimeout)))
			delete(d.pending, k)
		}
	}
	return errs
}

func (d *Decoder) evictOldest(errs []error) []error {
	var oldest *partial
	var ok partKey
	for k, p := range d.pending {
		if oldest == nil || p.first.Before(oldest.first) {
			oldest, ok = p, k
		}
	}
	if oldest != nil {
		errs = append(errs, incompleteErr(ok, oldest, fmt.Sprintf("dropped: more than %d messages awaiting parts", d.opts.MaxPending)))
		delete(d.pending, ok)
	}
	return errs
}

// aisTypeNames names the AIS message types the decoder does not decode.
var aisTypeNames = [28]string{
	6: "addressed binary", 7: "binary acknowledge", 8: "binary broadcast",
	10: "UTC inquiry", 11: "UTC response", 12: "addressed safety", 13: "safety acknowledge",
	14: "safety broadcast", 15: "interrogation", 16: "assigned mode command",
	17: "DGNSS broadcast", 20: "data link management", 22: "channel management",
	23: "group assignment", 25: "single slot binary", 26: "multiple slot binary",
}

// decodeAIS decodes one complete AIS message (bits: one byte per bit).
func (d *Decoder) decodeAIS(c *call, bits []byte, st stamp, l loc) {
	if len(bits) < 38 {
		c.errs = append(c.errs, errAt(sensors.ReasonMalformed, l, "AIS message of %d bits, shorter than its header", len(bits)))
		return
	}
	typ := 0
	for _, b := range bits[:6] {
		typ = typ<<1 | int(b&1)
	}
	d.stats.AISMessages++
	d.stats.AISTypes[typ]++
	if d.onMessage != nil {
		d.onMessage(typ, bitsMMSI(bits))
	}
	switch typ {
	case 1, 2, 3, 4, 5, 9, 18, 19, 21, 24, 27:
	default:
		name := ""
		if typ < len(aisTypeNames) && aisTypeNames[typ] != "" {
			name = " (" + aisTypeNames[typ] + ")"
		}
		c.errs = append(c.errs, errAt(sensors.ReasonUnsupported, l, "AIS message type %d%s not decoded", typ, name))
		return
	}
	pkt := d.decodePacket(bits)
	if pkt == nil {
		// Some receivers report too many fill bits, cutting the last bits of
		// the message (the radio status of a position report). Up to 6
		// missing bits are taken as zeros, as gpsd does.
		if short := nominalBits(typ, bits) - len(bits); short > 0 && short <= 6 {
			padded := make([]byte, len(bits)+short)
			copy(padded, bits)
			pkt = d.decodePacket(padded)
		}
	}
	if pkt == nil {
		c.errs = append(c.errs, errAt(sensors.ReasonMalformed, l, "AIS message type %d of %d bits could not be decoded (too short for its fields)", typ, len(bits)))
		return
	}
	if mmsi := bitsMMSI(bits); mmsi == 0 || mmsi > sensors.MaxMMSI {
		c.errs = append(c.errs, errAt(sensors.ReasonBadValue, l, "AIS message type %d: MMSI %d out of range [1, %d]", typ, mmsi, sensors.MaxMMSI))
		return
	}
	switch m := pkt.(type) {
	case ais.PositionReport:
		d.position(c, st, l, typ, m.UserID, float64(m.Latitude), float64(m.Longitude), m.PositionAccuracy,
			float64(m.Sog), float64(m.Cog), m.Sog < 102.3, m.Cog < 360, "A", m.NavigationalStatus == 14)
	case ais.StandardClassBPositionReport:
		d.position(c, st, l, typ, m.UserID, float64(m.Latitude), float64(m.Longitude), m.PositionAccuracy,
			float64(m.Sog), float64(m.Cog), m.Sog < 102.3, m.Cog < 360, "B", false)
	case ais.ExtendedClassBPositionReport:
		id := sensors.Identity{MMSI: m.UserID, Name: cleanText(m.Name), ShipType: m.Type, AISClass: "B"}
		setDims(&id, m.Dimension)
		d.static.merge(id)
		d.position(c, st, l, typ, m.UserID, float64(m.Latitude), float64(m.Longitude), m.PositionAccuracy,
			float64(m.Sog), float64(m.Cog), m.Sog < 102.3, m.Cog < 360, "B", false)
	case ais.LongRangeAisBroadcastMessage:
		d.position(c, st, l, typ, m.UserID, float64(m.Latitude), float64(m.Longitude), m.PositionAccuracy,
			float64(m.Sog), float64(m.Cog), m.Sog < 63, m.Cog < 360, "", m.NavigationalStatus == 14)
	case ais.StandardSearchAndRescueAircraftReport:
		det := d.position(c, st, l, typ, m.UserID, float64(m.Latitude), float64(m.Longitude), m.PositionAccuracy,
			float64(m.Sog), float64(m.Cog), m.Sog < 1023, m.Cog < 360, "", false)
		// Altitude in metres (4095: not available).
		if det != nil && m.Altitude < 4095 {
			det.Alt, det.HasAlt = float64(m.Altitude), true
		}
	case ais.BaseStationReport:
		d.baseStation(c, st, l, m)
	case ais.ShipStaticData:
		id := sensors.Identity{MMSI: m.UserID, Name: cleanText(m.Name), Callsign: cleanText(m.CallSign),
			IMO: m.ImoNumber, ShipType: m.Type, AISClass: "A"}
		setDims(&id, m.Dimension)
		d.emitStatic(c, st, id)
	case ais.StaticDataReport:
		id := sensors.Identity{MMSI: m.UserID, AISClass: "B"}
		if !m.PartNumber {
			id.Name = cleanText(m.ReportA.Name)
		} else {
			id.ShipType = m.ReportB.ShipType
			id.Callsign = cleanText(m.ReportB.CallSign)
			// An auxiliary craft (MMSI 98MIDxxxx) gives its mother ship's
			// MMSI where the dimensions would be.
			if m.UserID/10_000_000 != 98 {
				setDims(&id, m.ReportB.Dimension)
			}
		}
		d.emitStatic(c, st, id)
	case ais.AidsToNavigationReport:
		d.aidToNavigation(c, st, l, m)
	default:
		c.errs = append(c.errs, errAt(sensors.ReasonUnsupported, l, "AIS message type %d not decoded", typ))
	}
}

// bitsMMSI returns the MMSI (user id) of a message of at least 38 bits.
func bitsMMSI(bits []byte) uint32 {
	var mmsi uint32
	for _, b := range bits[8:38] {
		mmsi = mmsi<<1 | uint32(b&1)
	}
	return mmsi
}

// nominalBits is the length of a message of type typ as ITU-R M.1371
// defines it (for type 5, the 420 bits go-ais is set to accept).
func nominalBits(typ int, bits []byte) int {
	switch typ {
	case 1, 2, 3, 4, 9, 18:
		return 168
	case 5:
		return 420
	case 19:
		return 312
	case 21:
		return 272
	case 24:
		if len(bits) > 39 && bits[39] == 1 {
			return 168
		}
		return 160
	case 27:
		return 96
	}
	return 0
}

// decodePacket runs go-ais on bits. go-ais checks lengths, and only the
// types decodeAIS lists get here; its binary-payload parsers slice with an
// unsigned remaining length, so a panic (none seen in probing or fuzzing) is
// still turned into a failed decode.
func (d *Decoder) decodePacket(bits []byte) (p ais.Packet) {
	defer func() {
		if recover() != nil {
			p = nil
		}
	}()
	return d.codec.DecodePacket(bits)
}

// cleanText trims an AIS 6-bit text of its '@' padding and spaces.
func cleanText(s string) string {
	if i := strings.IndexByte(s, '@'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

func setDims(id *sensors.Identity, dim ais.FieldDimension) {
	if l := int(dim.A) + int(dim.B); l > 0 {
		id.LengthM = float64(l)
	}
	if b := int(dim.C) + int(dim.D); b > 0 {
		id.BeamM = float64(b)
	}
}

// emergencyFor returns the emergency an AIS station declares: an AIS-SART
// (MMSI 970xxxxxx), man-overboard device (972xxxxxx) or EPIRB-AIS
// (974xxxxxx), or navigational status 14 (AIS-SART active).
func emergencyFor(mmsi uint32, sartActive bool) string {
	switch mmsi / 1_000_000 {
	case 970, 972, 974:
		return sensors.EmergencyGeneral
	}
	if sartActive {
		return sensors.EmergencyGeneral
	}
	return ""
}

// checkPosition says whether lat/lon are a position: 91/181 mean "not
// available"; anything else outside [-90, 90] × [-180, 180] is invalid.
func checkPosition(l loc, typ int, mmsi uint32, lat, lon float64) error {
	if lat == 91 || lon == 181 {
		return errAt(sensors.ReasonBadPosition, l, "AIS type %d MMSI %09d: position not available (lat %g, lon %g)", typ, mmsi, lat, lon)
	}
	if !(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) {
		return errAt(sensors.ReasonBadPosition, l, "AIS type %d MMSI %09d: position lat %g, lon %g out of range", typ, mmsi, lat, lon)
	}
	return nil
}

func sigmaFor(typ int, high bool) float64 {
	switch {
	case typ == 27 && high:
		return SigmaLongRangeHigh
	case typ == 27:
		return SigmaLongRangeLow
	case high:
		return SigmaHighAccuracy
	}
	return SigmaLowAccuracy
}

// position appends the observation of a position report (types 1, 2, 3, 9,
// 18, 19, 27). sog is in knots, cog in degrees; hasSog/hasCog say whether
// they are available. It returns the appended detection, nil when the
// position is unavailable or invalid.
func (d *Decoder) position(c *call, st stamp, l loc, typ int, mmsi uint32, lat, lon float64, high bool,
	sog, cog float64, hasSog, hasCog bool, class string, sart bool) *sensors.Detection {
	if err := checkPosition(l, typ, mmsi, lat, lon); err != nil {
		c.errs = append(c.errs, err)
		return nil
	}
	id := &sensors.Identity{}
	if cached, ok := d.static.get(mmsi); ok {
		*id = cached
	}
	id.MMSI = mmsi
	if class != "" {
		id.AISClass = class
	}
	det := sensors.Detection{
		Lat:       lat,
		Lon:       lon,
		SigmaM:    sigmaFor(typ, high),
		Class:     sensors.ClassSurface,
		ID:        id,
		Emergency: emergencyFor(mmsi, sart),
	}
	if typ == 9 {
		det.Class = sensors.ClassAir
	}
	if hasSog && hasCog && sog >= 0 && cog >= 0 {
		det.Speed, det.Course, det.HasVelocity = sog*knot, cog, true
	}
	c.dst = append(c.dst, sensors.Report{
		Sensor:          d.opts.Sensor,
		Kind:            sensors.KindObservation,
		Time:            st.t,
		TimeFromPayload: st.fromPayload,
		Detections:      []sensors.Detection{det},
	})
	return &c.dst[len(c.dst)-1].Detections[0]
}

// baseStation appends a KindBaseStation report: time from the message's UTC
// when it is a valid date (else the sentence's time), the station's
// position as the one detection when available (else no detection).
func (d *Decoder) baseStation(c *call, st stamp, l loc, m ais.BaseStationReport) {
	r := sensors.Report{Sensor: d.opts.Sensor, Kind: sensors.KindBaseStation, Time: st.t, TimeFromPayload: st.fromPayload}
	if t, ok := Date(int(m.UtcYear), int(m.UtcMonth), int(m.UtcDay), int(m.UtcHour), int(m.UtcMinute), int(m.UtcSecond), 0); ok {
		r.Time, r.TimeFromPayload = t, true
	}
	lat, lon := float64(m.Latitude), float64(m.Longitude)
	if err := checkPosition(l, 4, m.UserID, lat, lon); err == nil {
		r.Detections = []sensors.Detection{{
			Lat:    lat,
			Lon:    lon,
			SigmaM: sigmaFor(4, m.PositionAccuracy),
			ID:     &sensors.Identity{MMSI: m.UserID},
		}}
	}
	c.dst = append(c.dst, r)
}

// aidToNavigation appends a KindAidToNavigation report (type 21).
func (d *Decoder) aidToNavigation(c *call, st stamp, l loc, m ais.AidsToNavigationReport) {
	lat, lon := float64(m.Latitude), float64(m.Longitude)
	if err := checkPosition(l, 21, m.UserID, lat, lon); err != nil {
		c.errs = append(c.errs, err)
		return
	}
	id := &sensors.Identity{MMSI: m.UserID, Name: cleanText(m.Name + m.NameExtension)}
	setDims(id, m.Dimension)
	c.dst = append(c.dst, sensors.Report{
		Sensor:          d.opts.Sensor,
		Kind:            sensors.KindAidToNavigation,
		Time:            st.t,
		TimeFromPayload: st.fromPayload,
		Detections: []sensors.Detection{{
			Lat:    lat,
			Lon:    lon,
			SigmaM: sigmaFor(21, m.PositionAccuracy),
			ID:     id,
		}},
	})
}

// emitStatic merges id into the cache and appends a KindStatic report whose
// one detection carries the merged identity (and no position).
func (d *Decoder) emitStatic(c *call, st stamp, id sensors.Identity) {
	merged := d.static.merge(id)
	c.dst = append(c.dst, sensors.Report{
		Sensor:          d.opts.Sensor,
		Kind:            sensors.KindStatic,
		Time:            st.t,
		TimeFromPayload: st.fromPayload,
		Detections:      []sensors.Detection{{ID: &merged}},
	})
}

// finite reports whether f is neither NaN nor infinite.
func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
