package sim

// AIS as an NMEA gateway publishes it (format "nmea"): every transmission
// the receiver hears as !AIVDM sentences (ITU-R M.1371 messages, IEC 61162-1
// armouring), each line preceded by an NMEA 4.0 tag block naming the
// receiver (s:) and the time of reception (c:, unix milliseconds), lines
// ended by CR LF. One MQTT message holds one AIS message: one sentence, or
// the two of a type 5.
//
//	\s:ais-rgv,c:1795845600123*5C\!AIVDM,1,1,,A,15NPOOPP00o?bFhE`UmO8Ov02<0:,0*2D
//
// Class A vessels send type 1 (type 3 every fifth report, as when polled)
// and type 5 static and voyage data every 6 minutes; class B vessels send
// type 18 and type 24 parts A and B (B one second after A) every 6 minutes.
// Channels alternate A/B per transmission.

import (
	"math"
	"strconv"
	"strings"
	"time"

	ais "github.com/BertoldVdb/go-ais"
	"github.com/BertoldVdb/go-ais/aisnmea"
)

// Not-available values of AIS fields.
const (
	aisHeadingNA = 511  // true heading not available
	aisROTNA     = -128 // rate of turn not available
)

// aisPosition encodes one position report of tg (types 1/3 or 18) at the
// transmitted position (lat, lon), speed (m/s) and course (deg, [0,360)).
func (g *Generator) aisPosition(src *source, t time.Time, tg *Target, lat, lon, speed, course float64) Message {
	src.k++
	sog := math.Min(math.Round(speed/knot*10), 1022) // 0.1 kn; 1023 is "not available"
	cog := math.Round(course * 10)
	if cog >= 3600 {
		cog = 0
	}
	accurate := src.sn.ReportedSigmaM <= 10
	// Fixed-point values: the codec is told not to scale them (exact).
	lonF := ais.FieldLatLonFine(math.Round(lon * 600000))
	latF := ais.FieldLatLonFine(math.Round(lat * 600000))
	second := uint8(t.UTC().Second())
	var pkt ais.Packet
	if tg.AISClass == AISClassB {
		pkt = ais.StandardClassBPositionReport{
			Header: ais.Header{MessageID: 18, UserID: tg.MMSI}, Valid: true,
			Sog: ais.Field10(sog), PositionAccuracy: accurate, Longitude: lonF, Latitude: latF,
			Cog: ais.Field10(cog), TrueHeading: aisHeadingNA, Timestamp: second,
			ClassBUnit: true, ClassBBand: true, ClassBMsg22: true,
		}
	} else {
		id := uint8(1)
		if src.k%5 == 0 {
			id = 3
		}
		status := uint8(0) // under way using engine
		if speed < 0.1 {
			status = 1 // at anchor
		} else if tg.ShipType == 30 {
			status = 7 // engaged in fishing
		}
		heading := uint16(aisHeadingNA)
		if speed >= 0.1 {
			heading = uint16(math.Round(course)) % 360
		}
		pkt = ais.PositionReport{
			Header: ais.Header{MessageID: id, UserID: tg.MMSI}, Valid: true,
			NavigationalStatus: status, RateOfTurn: aisROTNA,
			Sog: ais.Field10(sog), PositionAccuracy: accurate, Longitude: lonF, Latitude: latF,
			Cog: ais.Field10(cog), TrueHeading: heading, Timestamp: second,
		}
	}
	return g.aisMessage(src, t, pkt)
}

// aisStatic produces the static data of src's vessel if the receiver hears
// it: type 5 every AISStaticInterval for class A; for class B type 24 part A
// and, one second later, part B.
func (g *Generator) aisStatic(src *source, t time.Time, dt float64) (Message, bool) {
	tg := g.paths[src.vessel].tg
	partB := tg.AISClass == AISClassB && src.k%2 == 1
	switch {
	case tg.AISClass != AISClassB:
		src.next += AISStaticInterval
	case partB:
		src.next += AISStaticInterval - time.Second
	default:
		src.next += time.Second
	}
	src.k++
	pos, _, _ := g.paths[src.vessel].at(dt)
	if !g.hears(src, t, pos) {
		return Message{}, false
	}
	dim := dimension(tg.LengthM, tg.BeamM)
	var pkt ais.Packet
	switch {
	case tg.AISClass != AISClassB:
		pkt = ais.ShipStaticData{
			Header: ais.Header{MessageID: 5, UserID: tg.MMSI}, Valid: true,
			AisVersion: 2, CallSign: aisString(tg.Callsign, 7), Name: aisString(tg.Name, 20),
			Type: tg.ShipType, Dimension: dim, FixType: 1,
			MaximumStaticDraught: ais.Field10(draught(tg.LengthM)),
			Destination:          aisString(tg.Destination, 20),
			Dte:                  true, // DTE not available (no keyboard), as most transponders send
		}
	case !partB:
		pkt = ais.StaticDataReport{
			Header: ais.Header{MessageID: 24, UserID: tg.MMSI}, Valid: true,
			ReportA: ais.StaticDataReportA{Valid: true, Name: aisString(tg.Name, 20)},
		}
	default:
		pkt = ais.StaticDataReport{
			Header: ais.Header{MessageID: 24, UserID: tg.MMSI}, Valid: true, PartNumber: true,
			ReportB: ais.StaticDataReportB{Valid: true, ShipType: tg.ShipType,
				VendorIDName: "SIM", CallSign: aisString(tg.Callsign, 7), Dimension: dim, FixType: 1},
		}
	}
	return g.aisMessage(src, t, pkt), true
}

// aisMessage armours pkt into sentences with src's receiver's NMEA encoder,
// channel alternating per transmission, each line with its tag block.
func (g *Generator) aisMessage(src *source, t time.Time, pkt ais.Packet) Message {
	nc := g.nmea[src.sensor]
	ch := uint8(1 + src.k%2)
	lines := nc.EncodeSentence(aisnmea.VdmPacket{Channel: ch, TalkerID: "AI", MessageType: "VDM", Packet: pkt})
	tag := tagBlock(src.sn.ID, t)
	b := g.buf[:0]
	for _, l := range lines {
		b = append(b, tag...)
		b = append(b, l...)
		b = append(b, '\r', '\n')
	}
	return g.message(src, t, b)
}

// tagBlock returns the NMEA 4.0 tag block "\s:source,c:unixms*hh\".
func tagBlock(source string, t time.Time) string {
	body := "s:" + source + ",c:" + strconv.FormatInt(t.UnixMilli(), 10)
	var x byte
	for i := range len(body) {
		x ^= body[i]
	}
	const hex = "0123456789ABCDEF"
	return `\` + body + "*" + string([]byte{hex[x>>4], hex[x&15]}) + `\`
}

// aisString upper-cases s and cuts it to n characters of AIS text.
func aisString(s string, n int) string {
	s = strings.ToUpper(s)
	if len(s) > n {
		s = s[:n]
	}
	return s
}

// dimension is the AIS dimension of a vessel of length and beam (m) with
// its antenna amidships; zero when not given.
func dimension(length, beam float64) ais.FieldDimension {
	half := func(v float64, lim float64) float64 { return math.Min(math.Round(v/2), lim) }
	return ais.FieldDimension{
		A: uint16(half(length, 511)), B: uint16(half(length, 511)),
		C: uint8(half(beam, 63)), D: uint8(half(beam, 63)),
	}
}

// draught is a plausible static draught (m, in 0.1 m) for a vessel length.
func draught(length float64) float64 {
	return math.Min(math.Round(length/20*10), 255)
}
