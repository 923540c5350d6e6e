package config

import "time"

// applyDefaults fills every setting left empty. It is the one place defaults live.
func (c *Config) applyDefaults() {
	setS(&c.Instance, "vigia-1")
	setS(&c.TopicPrefix, "vigia/")
	if c.TopicPrefix[len(c.TopicPrefix)-1] != '/' {
		c.TopicPrefix += "/"
	}
	setS(&c.Region.Name, "default")

	b := &c.Broker
	setS(&b.Listen, "127.0.0.1:1883")
	setS(&b.ClientID, "vigia-"+c.Instance)
	setD(&b.KeepAlive, 30*time.Second)
	setD(&b.ConnectTimeout, 10*time.Second)
	setI(&b.MaxInflight, 65535)
	setI(&b.MaxPending, 100000)

	in := &c.Ingest
	setI(&in.QueueSize, 8192)
	setI(&in.MaxPayloadBytes, 1<<20)
	setD(&in.MaxPast, 10*time.Minute)
	setD(&in.MaxFuture, 30*time.Second)
	setD(&in.ReorderWindow, 20*time.Millisecond)
	setD(&in.LogInterval, time.Minute)
	setF(&in.SensorRate, 1000)
	setI(&in.SensorBurst, 2000)

	t := &c.Tracker
	setF(&t.GateChi2, 18.4)
	setI(&t.ConfirmHits, 3)
	setF(&t.ConfirmScore, 20)
	setF(&t.DeleteScore, 6.9)
	setF(&t.DeleteScoreConfirmed, 16)
	setF(&t.ClutterDensity, 1e-8)
	setD(&t.CoastTime, 60*time.Second)
	setD(&t.TentativeTimeout, 30*time.Second)
	setF(&t.MaxSigmaM, 5000)
	setF(&t.ProcessNoise.Surface, 0.05)
	setF(&t.ProcessNoise.Air, 0.5)
	setF(&t.ProcessNoise.Unknown, 0.2)
	setF(&t.ManoeuvreNoise.Surface, 0.3)
	setF(&t.ManoeuvreNoise.Air, 5)
	setF(&t.ManoeuvreNoise.Unknown, 2)
	setD(&t.OOSMWindow, 10*time.Second)
	setF(&t.MaxSpeed.Surface, 35)
	setF(&t.MaxSpeed.Air, 300)
	setF(&t.MaxSpeed.Unknown, 300)
	setF(&t.AirAltitudeM, 150)
	setD(&t.TracksInterval, 5*time.Second)

	setD(&c.Rules.EvaluateEvery, 5*time.Second)
	dv := &c.Rules.DarkVessel
	if dv.Enabled == nil {
		dv.Enabled = ptr(true)
	}
	setF(&dv.AISRadiusM, 1500)
	setD(&dv.AISWindow, 60*time.Second)
	setS(&dv.Severity, "high")
	setD(&dv.ClearAfter, 60*time.Second)

	on := func(b **bool) {
		if *b == nil {
			*b = ptr(true)
		}
	}
	r := &c.Rules
	im := &r.IdentityMismatch
	on(&im.Enabled)
	setF(&im.MaxOffsetM, 1000)
	setF(&im.PairRadiusM, 5000)
	setF(&im.SameVelocityMPS, 1.5)
	setD(&im.Hold, 60*time.Second)
	setF(&im.MaxImpliedSpeedKn, 60)
	setF(&im.MinJumpM, 1000)
	setS(&im.Severity, "medium")
	setD(&im.ClearAfter, 5*time.Minute)
	gf := &r.GoFast
	on(&gf.Enabled)
	setF(&gf.SpeedKn, 25)
	setD(&gf.Sustain, 3*time.Minute)
	setS(&gf.Severity, "high")
	setD(&gf.ClearAfter, 60*time.Second)
	ze := &r.ZoneEntry
	on(&ze.Enabled)
	setD(&ze.Hold, 20*time.Second)
	setS(&ze.Severity, "medium")
	setD(&ze.ActiveFor, 15*time.Minute)
	ca := &r.CoastApproach
	on(&ca.Enabled)
	setF(&ca.SpeedKn, 20)
	setD(&ca.TimeToLine, 30*time.Minute)
	setF(&ca.ClosestApproachM, 1852)
	setS(&ca.Severity, "high")
	setD(&ca.ClearAfter, 60*time.Second)
	rv := &r.Rendezvous
	on(&rv.Enabled)
	setF(&rv.DistanceM, 500)
	setD(&rv.Duration, 15*time.Minute)
	setF(&rv.MaxSpeedKn, 3)
	setS(&rv.Severity, "high")
	setD(&rv.ClearAfter, 2*time.Minute)
	lo := &r.Loitering
	on(&lo.Enabled)
	setF(&lo.MaxSpeedKn, 2)
	setD(&lo.Duration, time.Hour)
	setS(&lo.Severity, "low")
	setD(&lo.ClearAfter, 2*time.Minute)
	ag := &r.AISGap
	on(&ag.Enabled)
	setF(&ag.Factor, 18)
	setD(&ag.MinGap, 2*time.Minute)
	setD(&ag.RadarWindow, 30*time.Second)
	setS(&ag.Severity, "medium")
	setD(&ag.ClearAfter, 30*time.Second)
	ls := &r.LowSlowAircraft
	on(&ls.Enabled)
	setF(&ls.MaxSpeedKn, 150)
	setF(&ls.MaxAltitudeFt, 2000)
	setD(&ls.Hold, 10*time.Second)
	setS(&ls.Severity, "high")
	setD(&ls.ActiveFor, 15*time.Minute)

	sh := &c.Sharing
	setD(&sh.Horizon, 30*time.Minute)
	setF(&sh.BoundaryM, 10*1852)
	if sh.CriticalToAll == nil {
		sh.CriticalToAll = ptr(true)
	}

	for i := range c.Sensors {
		s := &c.Sensors[i]
		setS(&s.Format, "json")
		setS(&s.Time, "payload")
		setS(&s.Topic, c.TopicPrefix+"obs/"+s.Kind+"/"+s.ID)
		setF(&s.SigmaRangeM, 50)
		setF(&s.SigmaBearingDeg, 0.5)
		setF(&s.SigmaM, 100)
		setF(&s.Pd, 0.9)
		switch s.Kind {
		case "ais":
			setS(&s.Class, "surface")
		case "adsb":
			setS(&s.Class, "air")
		default:
			setS(&s.Class, "unknown")
		}
	}
	for i := range c.Agencies {
		a := &c.Agencies[i]
		setS(&a.Format, "json")
		setS(&a.Topic, c.TopicPrefix+"alerts/"+a.ID)
	}
	for i := range c.Assets {
		a := &c.Assets[i]
		setD(&a.ResponseDelay, map[string]time.Duration{"boat": 5 * time.Minute, "cutter": 10 * time.Minute,
			"helicopter": 15 * time.Minute, "aircraft": 20 * time.Minute}[a.Kind])
	}

	setS(&c.Log.Level, "info")
	setS(&c.Log.Format, "text")
}

func setS(p *string, v string) {
	if *p == "" {
		*p = v
	}
}

func setI(p *int, v int) {
	if *p == 0 {
		*p = v
	}
}

func setF(p *float64, v float64) {
	if *p == 0 {
		*p = v
	}
}

func setD(p *time.Duration, v time.Duration) {
	if *p == 0 {
		*p = v
	}
}

func ptr[T any](v T) *T { return &v }
