package daemon

import (
	"fmt"
	"time"

	"github.com/vigia-project/vigia/alert"
	"github.com/vigia-project/vigia/config"
	"github.com/vigia-project/vigia/fusion"
	"github.com/vigia-project/vigia/geo"
	"github.com/vigia-project/vigia/sensors"
	"github.com/vigia-project/vigia/sensors/adsb"
	"github.com/vigia-project/vigia/sensors/asterix"
	"github.com/vigia-project/vigia/sensors/nmea"
)

// EngineParams maps the tracker settings of a configuration onto the engine's parameters.
func EngineParams(c *config.Config) fusion.Params {
	t := c.Tracker
	byClass := func(v config.ClassValues) [3]float64 {
		var a [3]float64
		a[sensors.ClassUnknown], a[sensors.ClassSurface], a[sensors.ClassAir] = v.Unknown, v.Surface, v.Air
		return a
	}
	return fusion.Params{
		GateChi2: t.GateChi2, ConfirmHits: t.ConfirmHits, ConfirmScore: t.ConfirmScore,
		DeleteScore: t.DeleteScore, DeleteScoreConfirmed: t.DeleteScoreConfirmed, ClutterDensity: t.ClutterDensity,
		CoastTime: t.CoastTime, TentativeTimeout: t.TentativeTimeout, MaxSigmaM: t.MaxSigmaM,
		ProcessNoise: byClass(t.ProcessNoise), ManoeuvreNoise: byClass(t.ManoeuvreNoise),
		MaxSpeed: byClass(t.MaxSpeed), AirAltitudeM: t.AirAltitudeM, OOSMWindow: t.OOSMWindow,
		// Cooperative positions are remembered long enough for a vessel at
		// anchor (AIS every 3 minutes) to be seen as reporting.
		CoopWindow: max(2*c.Rules.DarkVessel.AISWindow, 7*time.Minute),
	}
}

// engineSensors maps the configured sensors onto the engine's.
func engineSensors(c *config.Config) []fusion.Sensor {
	var out []fusion.Sensor
	for _, s := range c.Sensors {
		cl, _ := sensors.ParseClass(s.Class)
		fs := fusion.Sensor{ID: s.ID, Kind: s.Kind, SigmaRangeM: s.SigmaRangeM, SigmaBearingDeg: s.SigmaBearingDeg,
			SigmaM: s.SigmaM, RangeM: s.RangeM, Pd: s.Pd, Class: cl, Cooperative: s.Kind == "ais" || s.Kind == "adsb"}
		if s.Position != nil && s.IsFixed() {
			fs.Position = &geo.LLA{Lat: s.Position.Lat, Lon: s.Position.Lon, Alt: s.Position.Alt}
		}
		out = append(out, fs)
	}
	return out
}

// alertParams maps the rules and sharing settings onto the alert manager's.
func alertParams(c *config.Config) alert.Params {
	const kn = 1852.0 / 3600 // m/s per knot
	r := c.Rules
	dv := r.DarkVessel
	base := func(enabled *bool, severity string, clearAfter time.Duration) alert.RuleBase {
		return alert.RuleBase{Enabled: *enabled, Severity: severity, ClearAfter: clearAfter}
	}
	im, gf, ze, ca := r.IdentityMismatch, r.GoFast, r.ZoneEntry, r.CoastApproach
	rv, lo, ag, ls := r.Rendezvous, r.Loitering, r.AISGap, r.LowSlowAircraft
	p := alert.Params{
		Instance: c.Instance,
		DarkVessel: alert.DarkVessel{Enabled: *dv.Enabled, AISRadiusM: dv.AISRadiusM, AISWindow: dv.AISWindow,
			Severity: dv.Severity, ClearAfter: dv.ClearAfter},
		IdentityMismatch: alert.IdentityMismatch{RuleBase: base(im.Enabled, im.Severity, im.ClearAfter),
			MaxOffsetM: im.MaxOffsetM, PairRadiusM: im.PairRadiusM, SameVelocityMPS: im.SameVelocityMPS, Hold: im.Hold,
			RadarWindow: 30 * time.Second, MaxImpliedSpeedMPS: im.MaxImpliedSpeedKn * kn, MinJumpM: im.MinJumpM},
		GoFast: alert.GoFast{RuleBase: base(gf.Enabled, gf.Severity, gf.ClearAfter), SpeedMPS: gf.SpeedKn * kn, Sustain: gf.Sustain},
		ZoneEntry: alert.ZoneEntry{RuleBase: base(ze.Enabled, ze.Severity, 0), Hold: ze.Hold, Identified: ze.Identified,
			ActiveFor: ze.ActiveFor},
		CoastApproach: alert.CoastApproach{RuleBase: base(ca.Enabled, ca.Severity, ca.ClearAfter), SpeedMPS: ca.SpeedKn * kn,
			TimeToLine: ca.TimeToLine, ClosestApproachM: ca.ClosestApproachM, Identified: ca.Identified},
		Rendezvous: alert.Rendezvous{RuleBase: base(rv.Enabled, rv.Severity, rv.ClearAfter), DistanceM: rv.DistanceM,
			Duration: rv.Duration, MaxSpeedMPS: rv.MaxSpeedKn * kn},
		Loitering: alert.Loitering{RuleBase: base(lo.Enabled, lo.Severity, lo.ClearAfter), MaxSpeedMPS: lo.MaxSpeedKn * kn,
			Duration: lo.Duration},
		AISGap: alert.AISGap{RuleBase: base(ag.Enabled, ag.Severity, ag.ClearAfter), Factor: ag.Factor, MinGap: ag.MinGap,
			RadarWindow: ag.RadarWindow},
		LowSlowAircraft: alert.LowSlowAircraft{RuleBase: base(ls.Enabled, ls.Severity, 0), MaxSpeedMPS: ls.MaxSpeedKn * kn,
			MaxAltitudeM: ls.MaxAltitudeFt * 0.3048, Hold: ls.Hold, ActiveFor: ls.ActiveFor},
		Horizon: c.Sharing.Horizon, HighSeas: c.Sharing.HighSeas, CriticalToAll: *c.Sharing.CriticalToAll,
		BoundaryM: c.Sharing.BoundaryM,
	}
	for _, s := range c.Sensors {
		if s.Kind == "ais" && s.Position != nil && s.RangeM > 0 {
			p.AISGap.Coverage = append(p.AISGap.Coverage, alert.Coverage{
				Pos: geo.LLA{Lat: s.Position.Lat, Lon: s.Position.Lon}, RangeM: s.RangeM})
		}
	}
	for _, a := range c.Agencies {
		p.Agencies = append(p.Agencies, alert.Agency{ID: a.ID, Country: a.Country, Topic: a.Topic, Format: a.Format})
	}
	for _, a := range c.Assets {
		p.Assets = append(p.Assets, alert.Asset{ID: a.ID, Agency: a.Agency, Kind: a.Kind,
			Pos: geo.LLA{Lat: a.Home.Lat, Lon: a.Home.Lon}, MaxSpeedMPS: a.MaxSpeedMPS, ResponseDelay: a.ResponseDelay,
			Available: true})
	}
	return p
}

// newDecoder returns the decoder of a sensor's payload format.
func newDecoder(s *config.Sensor, in config.Ingest) (sensors.Decoder, error) {
	max := in.MaxPayloadBytes
	switch s.Format {
	case "json":
		return sensors.JSONDecoder{MaxBytes: max}, nil
	case "nmea":
		return nmea.NewDecoder(nmea.Options{Sensor: s.ID, MaxBytes: max}), nil
	case "sbs", "avr", "beast":
		o := adsb.Options{Sensor: s.ID, MaxBytes: max}
		if s.TimeZone != "" {
			loc, err := time.LoadLocation(s.TimeZone)
			if err != nil {
				return nil, err
			}
			o.Location = loc
		}
		if p := s.Position; p != nil {
			o.Receiver = &sensors.Position{Lat: p.Lat, Lon: p.Lon, Alt: p.Alt, HasAlt: true}
		}
		switch s.Format {
		case "sbs":
			return adsb.NewSBSDecoder(o), nil
		case "avr":
			return adsb.NewModeSDecoder(o, adsb.AVR), nil
		default:
			return adsb.NewModeSDecoder(o, adsb.Beast), nil
		}
	case "asterix":
		o := asterix.Options{Sensor: s.ID, MaxBytes: max, CAT062Edition: s.CAT062Edition}
		if err := o.Validate(); err != nil {
			return nil, err
		}
		return asterix.NewDecoder(o), nil
	}
	return nil, fmt.Errorf("no decoder for format %q", s.Format)
}
