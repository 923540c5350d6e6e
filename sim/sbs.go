package sim

// ADS-B as a dump1090-style gateway publishes it (format "sbs"): SBS-1
// BaseStation CSV lines, LF terminated, one MQTT message per aircraft per
// Sensor.Period holding
//
//	MSG,1,1,1,A1B2C3,1,2026/11/28,06:00:00.250,2026/11/28,06:00:00.250,N123AB,,,,,,,,0,0,0,0   (every 10th message, with a callsign)
//	MSG,4,1,1,A1B2C3,1,…,,,117,45,,,0,,0,0,0,0                                                   (every 2nd message)
//	MSG,3,1,1,A1B2C3,1,…,,800,,,32.55123,-117.01234,,,0,0,0,0                                    (always)
//
// Times are UTC (receivers run in UTC), altitudes barometric feet in steps
// of 25 ft (taken from the target's altitude), ground speed in knots and
// track in degrees as integers, positions with five decimals.

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// sbsTimeLayout is the date and time fields of an SBS line.
const sbsTimeLayout = "2006/01/02,15:04:05.000"

// adsb produces one SBS message of src's aircraft, if the receiver hears it.
func (g *Generator) adsb(src *source, t time.Time, dt float64) (Message, bool) {
	sn, r := src.sn, src.rng
	src.next += sn.Period
	pos, course, speed := g.paths[src.vessel].at(dt)
	dn, de := r.NormFloat64()*sn.SigmaPosM, r.NormFloat64()*sn.SigmaPosM
	if rg, _, _ := src.fixed.polar(pos); rg > sn.RangeM {
		return Message{}, false
	}
	k := src.k
	src.k++
	tg := g.paths[src.vessel].tg
	hex := strings.ToUpper(tg.ICAO)
	ts := t.UTC().Format(sbsTimeLayout)
	head := func(b []byte, typ byte) []byte {
		b = append(b, "MSG,"...)
		b = append(b, typ)
		b = append(b, ",1,1,"...)
		b = append(b, hex...)
		b = append(b, ",1,"...)
		b = append(b, ts...)
		b = append(b, ',')
		return append(b, ts...)
	}
	b := g.buf[:0]
	if k%10 == 0 && tg.Callsign != "" {
		b = head(b, '1')
		b = append(b, ',')
		b = append(b, strings.ToUpper(tg.Callsign)...)
		b = append(b, ",,,,,,,,0,0,0,0\n"...)
	}
	if k%2 == 0 {
		b = head(b, '4')
		b = append(b, ",,,"...)
		b = strconv.AppendInt(b, int64(math.Round(speed/knot)), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(math.Round(course))%360, 10)
		b = append(b, ",,,0,,0,0,0,0\n"...)
	}
	m, nn := radii(pos.Lat * deg)
	lat := pos.Lat + dn/m/deg
	lon := pos.Lon + de/(nn*math.Cos(pos.Lat*deg))/deg
	b = head(b, '3')
	b = append(b, ",,"...)
	b = strconv.AppendInt(b, 25*int64(math.Round(pos.Alt/0.3048/25)), 10)
	b = append(b, ",,,"...)
	b = strconv.AppendFloat(b, lat, 'f', 5, 64)
	b = append(b, ',')
	b = strconv.AppendFloat(b, lon, 'f', 5, 64)
	b = append(b, ",,,0,0,0,0\n"...)
	return g.message(src, t, b), true
}
