package alert

import (
	"fmt"
	"math"
	"time"

	"github.com/vigia-project/vigia/geo"
	"github.com/vigia-project/vigia/sensors"
)

// mmsiProblem says why an MMSI is not one a vessel may transmit, or "" when
// it may. Accepted (ITU-R M.585): ships MIDxxxxxx with MID 201–775; craft
// associated with a parent ship 98MIDxxxx; SAR aircraft 111MIDxxx; handheld
// VHF 8MIDxxxxx; AIS-SART, MOB and EPIRB-AIS 970/972/974xxxxxx; aids to
// navigation 99MIDxxxx and coast stations 00MIDxxxx are accepted too (they
// do not move, but are not invalid). The MID is checked against the range of
// allocated Maritime Identification Digits, not the table itself.
func mmsiProblem(mmsi uint32) string {
	if mmsi > 999_999_999 {
		return "more than nine digits"
	}
	s := fmt.Sprintf("%09d", mmsi)
	mid := func(from int) bool {
		v := int(s[from]-'0')*100 + int(s[from+1]-'0')*10 + int(s[from+2]-'0')
		return v >= 201 && v <= 775
	}
	switch {
	case s[0] >= '2' && s[0] <= '7':
		if mid(0) {
			return ""
		}
		return "MID " + s[:3] + " is not allocated"
	case s[:3] == "970" || s[:3] == "972" || s[:3] == "974":
		return ""
	case s[:2] == "98" || s[:2] == "99" || s[:2] == "00":
		if s[:2] == "00" && s[2] == '0' {
			return "all-zero prefix"
		}
		if mid(2) {
			return ""
		}
		return "MID " + s[2:5] + " is not allocated"
	case s[:3] == "111":
		if mid(3) {
			return ""
		}
		return "MID " + s[3:6] + " is not allocated"
	case s[0] == '8':
		if mid(1) {
			return ""
		}
		return "MID " + s[1:4] + " is not allocated"
	}
	return "no valid MMSI format starts with " + s[:1]
}

// mmsiSeen is the last AIS position of an MMSI.
type mmsiSeen struct {
	pos    geo.LLA
	t      time.Time
	ve, vn float64 // reported velocity (SOG/COG), m/s east and north
	hasVel bool
}

// jump is one MMSI reported at two positions too far apart for the time between them.
type jump struct {
	at    time.Time
	dist  float64
	dt    time.Duration
	speed float64 // m/s implied
}

// Observe watches the cooperative positions of a report before the engine
// takes it: one MMSI reported at two positions further apart than the
// implied-speed limit allows is in two places (identity_mismatch). Reports
// must come in time order, as the engine takes them.
func (m *Manager) Observe(rep *sensors.Report) {
	p := m.p.IdentityMismatch
	if !p.Enabled {
		return
	}
	for i := range rep.Detections {
		d := &rep.Detections[i]
		if d.ID == nil || d.ID.MMSI == 0 || d.Polar || !finite(d.Lat) || !finite(d.Lon) {
			continue
		}
		pos := geo.LLA{Lat: d.Lat, Lon: d.Lon}
		var ve, vn float64
		hasVel := d.HasVelocity && finite(d.Speed) && finite(d.Course)
		if hasVel {
			c := d.Course * math.Pi / 180
			ve, vn = d.Speed*math.Sin(c), d.Speed*math.Cos(c)
		}
		s, ok := m.mmsi[d.ID.MMSI]
		if !ok {
			m.mmsi[d.ID.MMSI] = &mmsiSeen{pos: pos, t: rep.Time, ve: ve, vn: vn, hasVel: hasVel}
			continue
		}
		if rep.Time.Before(s.t) {
			continue
		}
		dist := geo.Distance(s.pos, pos)
		dt := rep.Time.Sub(s.t)
		if dist >= p.MinJumpM && dist > p.MaxImpliedSpeedMPS*dt.Seconds() {
			speed := math.Inf(1)
			if dt > 0 {
				speed = dist / dt.Seconds()
			}
			m.mmsiJump[d.ID.MMSI] = jump{at: rep.Time, dist: dist, dt: dt, speed: speed}
		}
		s.pos, s.t, s.ve, s.vn, s.hasVel = pos, rep.Time, ve, vn, hasVel
	}
}

// ForgetBefore drops the AIS positions and jumps older than t (call now and
// then so that MMSIs gone for good do not accumulate).
func (m *Manager) ForgetBefore(t time.Time) {
	for k, s := range m.mmsi {
		if s.t.Before(t) {
			delete(m.mmsi, k)
		}
	}
	for k, j := range m.mmsiJump {
		if j.at.Before(t) {
			delete(m.mmsiJump, k)
		}
	}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
