package nmea

import (
	"math"
	"time"

	gonmea "github.com/adrianmo/go-nmea"

	"github.com/vigia-project/vigia/sensors"
)

// padRadarFields pads TTM and TLL sentences to their full NMEA 0183 v4
// length: older radars send TTM without the UTC and acquisition-type fields
// (13 fields) and TLL without the reference-target field, which go-nmea
// would refuse.
func padRadarFields(s *gonmea.BaseSentence) error {
	want := 0
	switch s.Type {
	case gonmea.TypeTTM:
		want = 15
	case gonmea.TypeTLL:
		want = 9
	}
	for len(s.Fields) < want {
		s.Fields = append(s.Fields, "")
	}
	return nil
}

// decodeRadar decodes a TTM or TLL sentence (checksum already verified).
func (d *Decoder) decodeRadar(c *call, sentence []byte, st stamp, l loc) {
	s, err := d.parser.Parse(string(sentence))
	if err != nil {
		c.errs = append(c.errs, errAt(sensors.ReasonMalformed, l, "%s", err.Error()))
		return
	}
	switch m := s.(type) {
	case gonmea.TTM:
		d.stats.TTM++
		d.ttm(c, m, st, l)
	case gonmea.TLL:
		d.stats.TLL++
		d.tll(c, m, st, l)
	default:
		c.errs = append(c.errs, errAt(sensors.ReasonUnsupported, l, "sentence %s%s not decoded", s.TalkerID(), s.DataType()))
	}
}

// unitMetres is the length of one unit of TTM distance (K km, N nautical
// mile, S statute mile); the speed unit is the same per hour.
func unitMetres(u string) float64 {
	switch u {
	case "K":
		return 1000
	case "N":
		return 1852
	case "S":
		return 1609.344
	}
	return 0
}

// radarTime returns the time of a target sentence: its UTC field completed
// to the date nearest to the sentence's time, or the sentence's time when
// the field is empty.
func radarTime(utc gonmea.Time, st stamp, l loc) (stamp, error) {
	if !utc.Valid {
		return st, nil
	}
	if utc.Hour > 23 || utc.Minute > 59 || utc.Second > 59 || utc.Millisecond < 0 || utc.Millisecond > 999 {
		return st, errAt(sensors.ReasonBadTime, l, "UTC %02d:%02d:%02d.%03d is not a time of day", utc.Hour, utc.Minute, utc.Second, utc.Millisecond)
	}
	ref := st.t
	y, mo, dd := ref.Date()
	t := time.Date(y, mo, dd, utc.Hour, utc.Minute, utc.Second, utc.Millisecond*int(time.Millisecond), time.UTC)
	switch diff := t.Sub(ref); {
	case diff > 12*time.Hour:
		t = t.AddDate(0, 0, -1)
	case diff < -12*time.Hour:
		t = t.AddDate(0, 0, 1)
	}
	return stamp{t: t, fromPayload: true}, nil
}

// ttm appends the polar detection of a tracked target.
//
// The bearing is taken as true. A relative bearing (R) is relative to the
// radar's heading; a shore radar's heading is 0 (its picture is north-up),
// so relative equals true, and the decoder treats it so — a shipborne radar
// sending relative bearings needs its heading, which this decoder does not
// have. The same holds for a relative course.
func (d *Decoder) ttm(c *call, m gonmea.TTM, st stamp, l loc) {
	if m.TargetStatus == gonmea.RadarTargetLost {
		d.stats.Lost++
		return
	}
	f := m.Fields
	if f[1] == "" || f[2] == "" {
		c.errs = append(c.errs, errAt(sensors.ReasonMalformed, l, "TTM target %d without distance or bearing", m.TargetNumber))
		return
	}
	unit := unitMetres(m.SpeedUnits)
	if unit == 0 {
		c.errs = append(c.errs, errAt(sensors.ReasonMalformed, l, "TTM target %d: speed/distance units %q, want K, N or S", m.TargetNumber, f[9]))
		return
	}
	if m.TargetNumber < 0 || m.TargetNumber > 999 {
		c.errs = append(c.errs, errAt(sensors.ReasonBadValue, l, "TTM target number %d out of range [0, 999]", m.TargetNumber))
		return
	}
	rng := m.TargetDistance * unit
	if !(rng > 0 && rng <= sensors.MaxRange) {
		c.errs = append(c.errs, errAt(sensors.ReasonBadValue, l, "TTM target %d: distance %s %s out of range (0, %d m]", m.TargetNumber, f[1], f[9], sensors.MaxRange))
		return
	}
	brg := m.Bearing
	if !(brg >= 0 && brg <= 360) {
		c.errs = append(c.errs, errAt(sensors.ReasonBadValue, l, "TTM target %d: bearing %s out of range [0, 360]", m.TargetNumber, f[2]))
		return
	}
	if brg == 360 {
		brg = 0
	}
	tst, err := radarTime(m.TimeUTC, st, l)
	if err != nil {
		c.errs = append(c.errs, err)
		return
	}
	det := sensors.Detection{
		Polar:          true,
		Range:          rng,
		Bearing:        brg,
		TrackNumber:    uint32(m.TargetNumber),
		HasTrackNumber: true,
	}
	if f[4] != "" && f[5] != "" {
		spd := m.TargetSpeed * unit / 3600
		crs := m.TargetCourse
		if !(spd >= 0 && spd <= sensors.MaxSpeed) || !(crs >= 0 && crs <= 360) || !finite(spd) {
			c.errs = append(c.errs, errAt(sensors.ReasonBadValue, l, "TTM target %d: speed %s %s or course %s out of range", m.TargetNumber, f[4], f[9], f[5]))
			return
		}
		det.Speed, det.Course, det.HasVelocity = spd, math.Mod(crs, 360), true
	}
	c.dst = append(c.dst, sensors.Report{
		Sensor:          d.opts.Sensor,
		Kind:            sensors.KindObservation,
		Time:            tst.t,
		TimeFromPayload: tst.fromPayload,
		Detections:      []sensors.Detection{det},
	})
}

// tll appends the geodetic detection of a target given by latitude/longitude.
func (d *Decoder) tll(c *call, m gonmea.TLL, st stamp, l loc) {
	if m.TargetStatus == gonmea.RadarTargetLost {
		d.stats.Lost++
		return
	}
	f := m.Fields
	if f[0] == "" || f[1] == "" || f[3] == "" {
		c.errs = append(c.errs, errAt(sensors.ReasonMalformed, l, "TLL without target number or position"))
		return
	}
	if m.TargetNumber < 0 || m.TargetNumber > 999 {
		c.errs = append(c.errs, errAt(sensors.ReasonBadValue, l, "TLL target number %d out of range [0, 999]", m.TargetNumber))
		return
	}
	lat, lon := m.TargetLatitude, m.TargetLongitude
	if !(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) {
		c.errs = append(c.errs, errAt(sensors.ReasonBadPosition, l, "TLL target %d: lat %g, lon %g out of range", m.TargetNumber, lat, lon))
		return
	}
	tst, err := radarTime(m.TimeUTC, st, l)
	if err != nil {
		c.errs = append(c.errs, err)
		return
	}
	c.dst = append(c.dst, sensors.Report{
		Sensor:          d.opts.Sensor,
		Kind:            sensors.KindObservation,
		Time:            tst.t,
		TimeFromPayload: tst.fromPayload,
		Detections: []sensors.Detection{{
			Lat:            lat,
			Lon:            lon,
			TrackNumber:    uint32(m.TargetNumber),
			HasTrackNumber: true,
		}},
	})
}
