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
		CoopWindow: 2 * c.Rules.DarkVessel.AISWindow,
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
	dv := c.Rules.DarkVessel
	p := alert.Params{
		Instance: c.Instance,
		DarkVessel: alert.DarkVessel{Enabled: *dv.Enabled, AISRadiusM: dv.AISRadiusM, AISWindow: dv.AISWindow,
			Severity: dv.Severity, ClearAfter: dv.ClearAfter},
		Horizon: c.Sharing.Horizon, HighSeas: c.Sharing.HighSeas, CriticalToAll: *c.Sharing.CriticalToAll,
	}
	for _, a := range c.Agencies {
		p.Agencies = append(p.Agencies, alert.Agency{ID: a.ID, Country: a.Country, Topic: a.Topic})
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
