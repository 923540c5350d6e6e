package alert

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/vigia-project/vigia/fusion"
	"github.com/vigia-project/vigia/geo"
	"github.com/vigia-project/vigia/sensors"
)

// RuleBase is what every rule has: whether it runs, the severity of its
// alerts, and how long its condition must stay false before the alert is
// cleared.
type RuleBase struct {
	Enabled    bool
	Severity   string
	ClearAfter time.Duration
}

// IdentityMismatch holds the identity_mismatch rule's thresholds.
type IdentityMismatch struct {
	RuleBase
	// MaxOffsetM: an AIS-only track at least this far from a dark radar
	// track moving with it (within PairRadiusM, velocities within
	// SameVelocityMPS) for Hold reports a position the vessel is not at.
	MaxOffsetM, PairRadiusM, SameVelocityMPS float64
	Hold                                     time.Duration
	// RadarWindow: the AIS track has had no radar update for this long
	// while the radar track has.
	RadarWindow time.Duration
	// MaxImpliedSpeedMPS: consecutive AIS positions of one MMSI further
	// apart than MinJumpM at a higher implied speed put it in two places.
	MaxImpliedSpeedMPS, MinJumpM float64
}

// GoFast holds the go_fast rule's thresholds.
type GoFast struct {
	RuleBase
	SpeedMPS float64
	Sustain  time.Duration
}

// ZoneEntry holds the zone_entry rule's thresholds.
type ZoneEntry struct {
	RuleBase
	// Hold is the hysteresis: a track is in a new zone once it has stayed there this long.
	Hold time.Duration
	// Identified also watches tracks with a cooperative identity.
	Identified bool
	// ActiveFor: the alert of a crossing clears this long after it.
	ActiveFor time.Duration
}

// CoastApproach holds the coast_approach rule's thresholds.
type CoastApproach struct {
	RuleBase
	SpeedMPS         float64
	TimeToLine       time.Duration
	ClosestApproachM float64
	Identified       bool
}

// Rendezvous holds the rendezvous rule's thresholds.
type Rendezvous struct {
	RuleBase
	DistanceM   float64
	Duration    time.Duration
	MaxSpeedMPS float64
}

// Loitering holds the loitering rule's thresholds.
type Loitering struct {
	RuleBase
	MaxSpeedMPS float64
	Duration    time.Duration
}

// Coverage is the disc an AIS receiver hears.
type Coverage struct {
	Pos    geo.LLA
	RangeM float64
}

// AISGap holds the ais_gap rule's thresholds.
type AISGap struct {
	RuleBase
	// Factor times the class's expected reporting interval, and at least MinGap.
	Factor float64
	MinGap time.Duration
	// RadarWindow: a non-cooperative sensor updated the track this recently.
	RadarWindow time.Duration
	// Coverage: the gap counts only inside one of these discs (none: everywhere).
	Coverage []Coverage
}

// LowSlowAircraft holds the low_slow_aircraft rule's thresholds.
type LowSlowAircraft struct {
	RuleBase
	MaxSpeedMPS, MaxAltitudeM float64
	Hold, ActiveFor           time.Duration
}

// Rule names (SPEC §5), in the order rules run.
const (
	RuleDarkVessel       = "dark_vessel"
	RuleIdentityMismatch = "identity_mismatch"
	RuleGoFast           = "go_fast"
	RuleZoneEntry        = "zone_entry"
	RuleCoastApproach    = "coast_approach"
	RuleRendezvous       = "rendezvous"
	RuleLoitering        = "loitering"
	RuleAISGap           = "ais_gap"
	RuleLowSlowAircraft  = "low_slow_aircraft"
)

// cond is one rule's verdict on one track: whether its condition holds, the
// summary of the alert while it does, and the reason to give when it clears.
type cond struct {
	hold    bool
	summary string
	clear   string
}

// rule is one enabled rule.
type rule struct {
	name       string
	severity   string
	clearAfter time.Duration
	eval       func(v *view, now time.Time, eng *fusion.Engine) cond
}

func (m *Manager) ruleSet() []rule {
	var rs []rule
	add := func(name string, b RuleBase, f func(v *view, now time.Time, eng *fusion.Engine) cond) {
		if b.Enabled {
			rs = append(rs, rule{name: name, severity: b.Severity, clearAfter: b.ClearAfter, eval: f})
		}
	}
	p := &m.p
	dv := p.DarkVessel
	add(RuleDarkVessel, RuleBase{Enabled: dv.Enabled, Severity: dv.Severity, ClearAfter: dv.ClearAfter}, m.darkVessel)
	add(RuleIdentityMismatch, p.IdentityMismatch.RuleBase, m.identityMismatch)
	add(RuleGoFast, p.GoFast.RuleBase, m.goFast)
	ze := p.ZoneEntry.RuleBase
	ze.ClearAfter = 0 // an event: cleared as soon as it no longer holds
	add(RuleZoneEntry, ze, m.zoneEntry)
	add(RuleCoastApproach, p.CoastApproach.RuleBase, m.coastApproach)
	add(RuleRendezvous, p.Rendezvous.RuleBase, m.rendezvous)
	add(RuleLoitering, p.Loitering.RuleBase, m.loitering)
	add(RuleAISGap, p.AISGap.RuleBase, m.aisGap)
	ls := p.LowSlowAircraft.RuleBase
	ls.ClearAfter = 0
	add(RuleLowSlowAircraft, ls, m.lowSlowAircraft)
	return rs
}

// trackState is what the rules remember of one track between evaluations.
type trackState struct {
	alerts int // alert entries of the track

	// hist holds the track's position every histStep, oldest first, for
	// speeds averaged over minutes (the filter's instantaneous velocity is
	// too noisy to tell 1 kn from 3 kn at long range).
	hist []histPoint

	fast, slow sustain // go_fast, loitering
	mismatch   sustain // identity_mismatch by AIS/radar pairing

	// Maritime zone with hysteresis (zone_entry).
	zone, zoneCand   geo.Zone
	zoneCandSince    time.Time
	zoneKnown        bool
	cross            *crossing
	coast            cond      // the last coast_approach verdict...
	coastAt          time.Time // ...and when it was made
	route            entryCache
	land, landCand   string // land country under an air track, with hysteresis (low_slow_aircraft)
	landCandSince    time.Time
	airCross         *crossing
	airCrossLowSlow  bool // the aircraft was low, slow and without transponder when it crossed
	airCrossSpeedKn  float64
	airCrossAltitude float64
}

// histPoint is one sample of a track's position history.
type histPoint struct {
	t    time.Time
	e, n float64
}

const (
	histStep = 30 * time.Second
	histLen  = 21 // 10 minutes
)

// record adds the track's position to its history every histStep.
func (st *trackState) record(v *view, now time.Time) {
	if n := len(st.hist); n > 0 && now.Sub(st.hist[n-1].t) < histStep {
		return
	}
	if len(st.hist) == histLen {
		copy(st.hist, st.hist[1:])
		st.hist = st.hist[:histLen-1]
	}
	st.hist = append(st.hist, histPoint{t: now, e: v.x[0], n: v.x[1]})
}

// avgSpeed is the track's speed over the last window, from its position
// history; ok is false until the history is that long.
func (st *trackState) avgSpeed(v *view, now time.Time, window time.Duration) (float64, bool) {
	for i := len(st.hist) - 1; i >= 0; i-- {
		h := st.hist[i]
		if dt := now.Sub(h.t); dt >= window {
			return math.Hypot(v.x[0]-h.e, v.x[1]-h.n) / dt.Seconds(), true
		}
	}
	return 0, false
}

// Averaging windows of the slow-speed rules.
const (
	loiterWindow = 10 * time.Minute
	pairWindow   = 3 * time.Minute
)

// settle is how old a track must be before the speed-based predictions of
// coast_approach trust its velocity.
const settle = time.Minute

// crossing is one change of stable zone.
type crossing struct {
	from, to geo.Zone
	at       time.Time
}

// sustain measures how long a condition has held, forgiving breaks up to a
// grace period (noisy speed estimates dip across thresholds).
type sustain struct {
	since, last time.Time
}

// sustainGrace is how long a condition may lapse without restarting its clock.
const sustainGrace = 30 * time.Second

// update records the condition at now and returns how long it has held
// (0 when it does not hold now).
func (s *sustain) update(ok bool, now time.Time) time.Duration {
	if ok {
		if s.since.IsZero() || now.Sub(s.last) > sustainGrace {
			s.since = now
		}
		s.last = now
		return now.Sub(s.since)
	}
	if !s.since.IsZero() && now.Sub(s.last) > sustainGrace {
		s.since = time.Time{}
	}
	return 0
}

// cooperative reports whether the track has had a cooperative identity
// (AIS MMSI or ADS-B ICAO) within the dark_vessel AIS window.
func (m *Manager) cooperative(v *view, now time.Time) bool {
	w := m.p.DarkVessel.AISWindow
	if w <= 0 {
		w = time.Minute
	}
	return v.identity != nil && (v.identity.MMSI != 0 || v.identity.ICAO != "") && now.Sub(v.idTime) <= w
}

// seaZone is the zone of a surface track: a vessel shown on land is a
// coastline inaccuracy, so land counts as the country's territorial sea.
func seaZone(z geo.Zone) geo.Zone {
	if z.Kind == geo.KindLand {
		z.Kind = geo.KindTerritorialSea
	}
	return z
}

// track updates the zone memory of one track: the stable maritime zone and,
// for air tracks, the land country beneath, each with hysteresis, recording
// crossings.
func (m *Manager) track(v *view, now time.Time) {
	st := v.st
	st.record(v, now)
	z := m.zones.At(v.pos.Lat, v.pos.Lon)
	if v.tr.Class() == sensors.ClassAir {
		if z.Kind != geo.KindLand || z.Country == "" {
			st.landCand = ""
			return
		}
		switch {
		case st.land == "":
			st.land = z.Country
		case z.Country == st.land:
			st.landCand = ""
		case z.Country != st.landCand:
			st.landCand, st.landCandSince = z.Country, now
		case now.Sub(st.landCandSince) >= m.p.LowSlowAircraft.Hold:
			st.airCross = &crossing{from: geo.Zone{Country: st.land, Kind: geo.KindLand}, to: z, at: st.landCandSince}
			st.land, st.landCand = z.Country, ""
			p := m.p.LowSlowAircraft
			st.airCrossSpeedKn = v.speed * knotsPerMPS
			st.airCrossAltitude = v.pos.Alt
			st.airCrossLowSlow = v.speed < p.MaxSpeedMPS && v.pos.Alt < p.MaxAltitudeM && !m.cooperative(v, now)
		}
		return
	}
	z = seaZone(z)
	switch {
	case !st.zoneKnown:
		st.zone, st.zoneKnown = z, true
	case z == st.zone:
		st.zoneCand = geo.Zone{}
		st.zoneCandSince = time.Time{}
	case z != st.zoneCand || st.zoneCandSince.IsZero():
		st.zoneCand, st.zoneCandSince = z, now
	case now.Sub(st.zoneCandSince) >= m.p.ZoneEntry.Hold:
		st.cross = &crossing{from: st.zone, to: z, at: st.zoneCandSince}
		st.zone = z
		st.zoneCand, st.zoneCandSince = geo.Zone{}, time.Time{}
	}
}

func zoneName(z geo.Zone) string {
	if z.Country == "" {
		return "the high seas"
	}
	return z.Country + " " + humanKind(z.Kind)
}

func humanKind(k string) string {
	switch k {
	case geo.KindTerritorialSea:
		return "territorial sea"
	case "contiguous_zone":
		return "contiguous zone"
	case "eez":
		return "EEZ"
	}
	return k
}

// darkVessel is the dark_vessel rule: a confirmed surface track held for the
// whole AIS window with no AIS identity, and no AIS report within the radius,
// during that window.
func (m *Manager) darkVessel(v *view, now time.Time, eng *fusion.Engine) cond {
	var c cond
	switch {
	case v.identity != nil && v.identity.MMSI != 0:
		c.clear = fmt.Sprintf("AIS now reported (MMSI %d)", v.identity.MMSI)
	case v.tr.Class() != sensors.ClassSurface:
		c.clear = "no longer classed as a surface contact"
	default:
		c.clear = "AIS reported nearby"
	}
	p := m.p.DarkVessel
	tr := v.tr
	if tr.Status() != fusion.Confirmed || tr.Class() != sensors.ClassSurface {
		return c
	}
	// A vessel at anchor or moored reports AIS every 3 minutes (ITU-R
	// M.1371): a slow contact is dark only when AIS has been silent for two
	// of those intervals.
	window := p.AISWindow
	if !m.moving(v, now) {
		window = max(window, 2*slowAISInterval)
	}
	if now.Sub(tr.Born()) < window {
		return c // not watched long enough to say AIS is silent
	}
	since := now.Add(-window)
	if v.identity != nil && v.identity.MMSI != 0 && !v.idTime.Before(since) {
		return c
	}
	c.hold = !eng.NearbyCooperative(v.x[0], v.x[1], p.AISRadiusM, since)
	if c.hold {
		c.summary = fmt.Sprintf("Dark surface contact %s, no AIS", m.whereMove(v))
	}
	return c
}

// goFast: a surface track faster than the threshold for the sustain time,
// without AIS.
func (m *Manager) goFast(v *view, now time.Time, eng *fusion.Engine) cond {
	p := m.p.GoFast
	surface := v.tr.Status() == fusion.Confirmed && v.tr.Class() == sensors.ClassSurface
	coop := m.cooperative(v, now)
	held := v.st.fast.update(surface && !coop && v.speed > p.SpeedMPS, now)
	c := cond{hold: held >= p.Sustain, clear: "slowed down"}
	if coop {
		c.clear = "AIS now reported"
	}
	if c.hold {
		c.summary = fmt.Sprintf("Go-fast without AIS %s, over %.0f kn for %s", m.whereMove(v), p.SpeedMPS*knotsPerMPS, minutes(held))
	}
	return c
}

// zoneEntry: an inbound crossing into a territorial sea, or across a
// maritime boundary, by a track without a cooperative identity.
func (m *Manager) zoneEntry(v *view, now time.Time, eng *fusion.Engine) cond {
	p := m.p.ZoneEntry
	st := v.st
	x := st.cross
	c := cond{clear: "crossing over"}
	if x == nil || v.tr.Class() == sensors.ClassAir || (!p.Identified && m.cooperative(v, now)) {
		return c
	}
	into := x.to.Kind == geo.KindTerritorialSea && (x.from.Country != x.to.Country || x.from.Kind != geo.KindTerritorialSea)
	across := x.from.Country != "" && x.to.Country != "" && x.from.Country != x.to.Country
	if !into && !across {
		return c
	}
	if now.Sub(x.at) >= p.ActiveFor {
		c.clear = fmt.Sprintf("crossing at %s is %s old", fmtTime(x.at), minutes(now.Sub(x.at)))
		return c
	}
	if st.zone != x.to {
		c.clear = "left " + zoneName(x.to)
		return c
	}
	what := "entered"
	if across {
		what = "crossed the maritime boundary into"
	}
	c.hold = true
	c.summary = fmt.Sprintf("Contact without AIS %s %s from %s at %s, %s", what, zoneName(x.to), zoneName(x.from),
		fmtTime(x.at), m.whereMove(v))
	return c
}

// coastApproach: fast and closing on a territorial sea it reaches within
// the time to line, or a course that passes within the closest approach of
// the coast within that time; tracks without cooperative identity, outside
// ports and anchorages.
func (m *Manager) coastApproach(v *view, now time.Time, eng *fusion.Engine) cond {
	st := v.st
	if !st.coastAt.IsZero() && now.Sub(st.coastAt) < coastEvery && now.After(st.coastAt) {
		return st.coast
	}
	st.coast, st.coastAt = m.coastApproachNow(v, now, eng), now
	return st.coast
}

// coastEvery is how often coast_approach predicts a track's path; in
// between it keeps its verdict.
const coastEvery = 10 * time.Second

func (m *Manager) coastApproachNow(v *view, now time.Time, eng *fusion.Engine) cond {
	p := m.p.CoastApproach
	c := cond{clear: "no longer approaching the coast"}
	if v.tr.Status() != fusion.Confirmed || v.tr.Class() != sensors.ClassSurface || (!p.Identified && m.cooperative(v, now)) ||
		now.Sub(v.tr.Born()) < settle {
		return c
	}
	if _, _, in := m.zones.Area(v.pos.Lat, v.pos.Lon); in {
		return c
	}
	reach := v.speed*p.TimeToLine.Seconds() + p.ClosestApproachM
	d0, country, near := m.zones.CoastDistance(v.pos.Lat, v.pos.Lon, reach)
	path := m.straightPath(v)
	if v.speed > p.SpeedMPS {
		// Fast, and reaching a territorial sea within the time to line.
		here := seaZone(m.zones.At(v.pos.Lat, v.pos.Lon))
		if here.Kind == geo.KindTerritorialSea {
			// Already inside: it must be closing on the coast.
			if near {
				q2 := path(2 * time.Minute)
				if d2, _, ok := m.zones.CoastDistance(q2.Lat, q2.Lon, reach); ok && d2 <= d0-0.5*v.speed*60 {
					c.hold = true
					c.summary = fmt.Sprintf("Contact without AIS at %.0f kn inside the %s 12 nm line, closing on the %s coast (%.1f nm), %s",
						v.speed*knotsPerMPS, here.Country, country, d0/1852, m.whereMove(v))
					return c
				}
			}
		} else if dt, z, ok := m.firstAlong(path, p.TimeToLine, func(z geo.Zone) bool {
			return seaZone(z).Kind == geo.KindTerritorialSea
		}); ok {
			c.hold = true
			c.summary = fmt.Sprintf("Contact without AIS at %.0f kn reaches the %s 12 nm line in %s (%s), %s",
				v.speed*knotsPerMPS, z.Country, minutes(dt), fmtTime(now.Add(dt)), m.whereMove(v))
			return c
		}
	}
	// A course passing close to the coast: march along it by the distance
	// to the coast (the coast cannot be nearer than that), so a few lookups
	// cover the half hour.
	if near {
		for dt := time.Duration(0); dt <= p.TimeToLine; {
			q := path(dt)
			d, cc, ok := m.zones.CoastDistance(q.Lat, q.Lon, v.speed*(p.TimeToLine-dt).Seconds()+p.ClosestApproachM)
			if !ok {
				break
			}
			if d <= p.ClosestApproachM {
				c.hold = true
				c.summary = fmt.Sprintf("Contact without AIS %s, course passes %.1f nm from the %s coast by %s",
					m.whereMove(v), d/1852, cc, fmtTime(now.Add(dt)))
				return c
			}
			if v.speed < 0.1 {
				break
			}
			dt += max(time.Duration((d-p.ClosestApproachM)/v.speed*float64(time.Second)), 5*time.Second)
		}
	}
	return c
}

// straightPath is the track's predicted position dt ahead on its current
// velocity, stepped on the ellipsoid's local radii at the track (a few
// hundred metres off a geodesic at 50 km, inside the zones' own accuracy,
// and far cheaper than going through the tangent plane).
func (m *Manager) straightPath(v *view) func(dt time.Duration) geo.LLA {
	return linearPath(v.pos, v.x[2], v.x[3])
}

func linearPath(pos geo.LLA, vEast, vNorth float64) func(dt time.Duration) geo.LLA {
	mRad, nRad := geo.Radii(pos.Lat)
	dLat := vNorth / mRad * 180 / math.Pi
	dLon := vEast / (nRad * math.Cos(pos.Lat*math.Pi/180)) * 180 / math.Pi
	return func(dt time.Duration) geo.LLA {
		s := dt.Seconds()
		return geo.LLA{Lat: pos.Lat + dLat*s, Lon: pos.Lon + dLon*s}
	}
}

// firstAlong returns the first time within limit at which the path is in a
// zone that ok accepts: sampled every routeStep, then bisected to the second.
func (m *Manager) firstAlong(path func(time.Duration) geo.LLA, limit time.Duration, ok func(geo.Zone) bool) (time.Duration, geo.Zone, bool) {
	at := func(dt time.Duration) geo.Zone {
		q := path(dt)
		return m.zones.At(q.Lat, q.Lon)
	}
	for dt := routeStep; dt <= limit+routeStep-1; dt += routeStep {
		dt := min(dt, limit)
		z := at(dt)
		if !ok(z) {
			continue
		}
		lo, hi := max(dt-routeStep, 0), dt
		for hi-lo > time.Second {
			mid := (lo + hi) / 2
			if zm := at(mid); ok(zm) {
				hi, z = mid, zm
			} else {
				lo = mid
			}
		}
		return hi.Truncate(time.Second), z, true
	}
	return 0, geo.Zone{}, false
}

// rendezvous: the lower-numbered track of a pair of slow vessels held close
// together for the duration, away from ports and anchorages.
func (m *Manager) rendezvous(v *view, now time.Time, eng *fusion.Engine) cond {
	p := m.p.Rendezvous
	c := cond{clear: "the vessels parted"}
	pi, ok := m.pairs[v.tr.ID()]
	if !ok || pi.held < p.Duration {
		return c
	}
	c.hold = true
	c.summary = fmt.Sprintf("Rendezvous: %s and %s within %.0f m of each other for %s, both under %.0f kn, %s",
		v.tr.Name(), pi.partner, pi.dist, minutes(pi.held), p.MaxSpeedMPS*knotsPerMPS, m.whereMove(v))
	return c
}

// pairInfo is the rendezvous partner of a track in this evaluation.
type pairInfo struct {
	partner string
	dist    float64
	held    time.Duration
}

// loitering: a surface track nearly stopped for the duration outside
// anchorages and ports.
func (m *Manager) loitering(v *view, now time.Time, eng *fusion.Engine) cond {
	p := m.p.Loitering
	avg, ok := v.st.avgSpeed(v, now, loiterWindow)
	ok = ok && v.tr.Status() == fusion.Confirmed && v.tr.Class() == sensors.ClassSurface && avg < p.MaxSpeedMPS
	if ok {
		if _, _, in := m.zones.Area(v.pos.Lat, v.pos.Lon); in {
			ok = false
		}
	}
	// Slow on average over the window at every evaluation since the sustain
	// began: slow since a window before it.
	held := v.st.slow.update(ok, now)
	if ok {
		held += loiterWindow
	}
	c := cond{hold: held >= p.Duration, clear: "under way again, or in an anchorage"}
	if c.hold {
		c.summary = fmt.Sprintf("Loitering: surface contact %s, under %.0f kn for %s outside anchorages", m.whereMove(v),
			p.MaxSpeedMPS*knotsPerMPS, minutes(held))
	}
	return c
}

// moving reports whether a track is clearly under way (so its AIS, if it
// has one, reports at least every 30 s): its speed over the last 2 minutes
// of positions is at least 1.3 × slowAISSpeed (4 kn), or its filtered speed is
// beyond what the filter's noise makes of a stopped vessel.
func (m *Manager) moving(v *view, now time.Time) bool {
	if avg, ok := v.st.avgSpeed(v, now, 2*time.Minute); ok && avg >= 1.3*slowAISSpeed {
		return true
	}
	return v.speed >= 5
}

// A vessel slower than slowAISSpeed (3 kn) may report AIS only every
// slowAISInterval.
const (
	slowAISSpeed    = 3 / knotsPerMPS
	slowAISInterval = 3 * time.Minute
)

// aisGap: a vessel with an AIS identity silent for longer than its expected
// interval times the factor, while a non-cooperative sensor still updates it.
func (m *Manager) aisGap(v *view, now time.Time, eng *fusion.Engine) cond {
	p := m.p.AISGap
	c := cond{clear: "AIS heard again, or radar lost it"}
	id := v.identity
	if id == nil || id.MMSI == 0 || v.tr.Class() == sensors.ClassAir || v.tr.Status() != fusion.Confirmed {
		return c
	}
	limit := time.Duration(p.Factor * float64(sensors.AISReportInterval(id.AISClass, v.speed)))
	limit = max(limit, p.MinGap)
	gap := now.Sub(v.idTime)
	if gap <= limit {
		return c
	}
	var radar time.Time
	for _, h := range v.tr.Sensors() {
		if !eng.Cooperative(h.Sensor) && h.Time.After(radar) {
			radar = h.Time
		}
	}
	if now.Sub(radar) > p.RadarWindow {
		return c
	}
	if len(p.Coverage) > 0 {
		in := false
		for _, cv := range p.Coverage {
			if geo.Distance(cv.Pos, v.pos) <= cv.RangeM {
				in = true
				break
			}
		}
		if !in {
			return c
		}
	}
	name := ""
	if id.Name != "" {
		name = " (" + id.Name + ")"
	}
	c.hold = true
	c.summary = fmt.Sprintf("AIS gap: MMSI %d%s silent for %s while radar holds it, %s", id.MMSI, name, minutes(gap), m.whereMove(v))
	return c
}

// lowSlowAircraft: an air track that crossed the land border low, slow and
// without transponder identity.
func (m *Manager) lowSlowAircraft(v *view, now time.Time, eng *fusion.Engine) cond {
	p := m.p.LowSlowAircraft
	st := v.st
	c := cond{clear: "crossing over"}
	x := st.airCross
	if x == nil || !st.airCrossLowSlow || v.tr.Class() != sensors.ClassAir {
		return c
	}
	if now.Sub(x.at) >= p.ActiveFor {
		c.clear = fmt.Sprintf("crossing at %s is %s old", fmtTime(x.at), minutes(now.Sub(x.at)))
		return c
	}
	alt := "altitude unknown"
	if st.airCrossAltitude > 0 {
		alt = fmt.Sprintf("%.0f ft", st.airCrossAltitude/0.3048)
	}
	c.hold = true
	c.summary = fmt.Sprintf("Low slow aircraft without transponder crossed the border from %s into %s at %s, %s at %.0f kn, %s",
		x.from.Country, x.to.Country, fmtTime(x.at), alt, st.airCrossSpeedKn, m.whereMove(v))
	return c
}

// minutes formats a duration for a summary: "45 s", "4 min", "1 h 05 min".
func minutes(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%.0f s", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	}
	return fmt.Sprintf("%d h %02d min", int(d.Hours()), int(d.Minutes())%60)
}

// prepare computes what needs the whole picture: rendezvous pairs and
// AIS/radar disagreements.
func (m *Manager) prepare(now time.Time, eng *fusion.Engine) {
	if m.p.Rendezvous.Enabled {
		m.findPairs(now)
	}
	if m.p.IdentityMismatch.Enabled {
		m.findMismatches(now, eng)
	}
}

// findPairs finds the slow surface tracks within the rendezvous distance of
// each other, outside ports and anchorages, and how long each pair has held.
func (m *Manager) findPairs(now time.Time) {
	p := m.p.Rendezvous
	clear(m.pairs)
	var slow []int
	for i := range m.views {
		v := &m.views[i]
		if v.tr.Status() != fusion.Confirmed || v.tr.Class() != sensors.ClassSurface {
			continue
		}
		if avg, ok := v.st.avgSpeed(v, now, pairWindow); !ok || avg >= p.MaxSpeedMPS {
			continue
		}
		if _, _, in := m.zones.Area(v.pos.Lat, v.pos.Lon); in {
			continue
		}
		slow = append(slow, i)
	}
	slices.SortFunc(slow, func(a, b int) int {
		if d := m.views[a].x[0] - m.views[b].x[0]; d != 0 {
			if d < 0 {
				return -1
			}
			return 1
		}
		return a - b
	})
	seen := map[[2]uint64]bool{}
	for ai, i := range slow {
		a := &m.views[i]
		for _, j := range slow[ai+1:] {
			b := &m.views[j]
			if b.x[0]-a.x[0] > p.DistanceM {
				break
			}
			d := math.Hypot(b.x[0]-a.x[0], b.x[1]-a.x[1])
			if d > p.DistanceM {
				continue
			}
			lo, hi := a, b
			if hi.tr.ID() < lo.tr.ID() {
				lo, hi = hi, lo
			}
			k := [2]uint64{lo.tr.ID(), hi.tr.ID()}
			seen[k] = true
			s := m.rdv[k]
			if s == nil {
				s = &sustain{}
				m.rdv[k] = s
			}
			held := s.update(true, now)
			if cur, ok := m.pairs[k[0]]; !ok || held > cur.held {
				m.pairs[k[0]] = pairInfo{partner: hi.tr.Name(), dist: d, held: held}
			}
		}
	}
	for k, s := range m.rdv {
		if !seen[k] {
			s.update(false, now)
			if s.since.IsZero() {
				delete(m.rdv, k)
			}
		}
	}
}

// mismatchInfo is a dark radar track's disagreement with an AIS position.
type mismatchInfo struct {
	mmsi uint32
	dist float64
}

// findMismatches pairs the AIS positions that no radar corroborates (their
// MMSI's track has no recent radar update) with dark radar tracks moving
// with them a little way off: the AIS says the vessel is where it is not.
func (m *Manager) findMismatches(now time.Time, eng *fusion.Engine) {
	p := m.p.IdentityMismatch
	clear(m.mismatch)
	const minSpeed = 2.0 // m/s: moored vessels near each other are not a pair
	window := m.p.DarkVessel.AISWindow
	if window <= 0 {
		window = time.Minute
	}
	corroborated := map[uint32]bool{}
	var dark []*view
	for i := range m.views {
		v := &m.views[i]
		if v.tr.Status() != fusion.Confirmed || v.tr.Class() == sensors.ClassAir {
			continue
		}
		radar := now.Sub(m.lastRadar(v, eng)) <= p.RadarWindow
		switch {
		case v.identity != nil && v.identity.MMSI != 0:
			if radar {
				corroborated[v.identity.MMSI] = true
			}
		case radar && v.speed >= minSpeed:
			dark = append(dark, v)
		}
	}
	if len(dark) == 0 {
		return
	}
	frame := eng.Frame()
	for mmsi, s := range m.mmsi {
		age := now.Sub(s.t)
		if age > window || age < 0 || !s.hasVel || corroborated[mmsi] || math.Hypot(s.ve, s.vn) < minSpeed {
			continue
		}
		e, n, _ := frame.ToENU(s.pos)
		e += s.ve * age.Seconds()
		n += s.vn * age.Seconds()
		for _, d := range dark {
			dist := math.Hypot(e-d.x[0], n-d.x[1])
			if dist < p.MaxOffsetM || dist > p.PairRadiusM || math.Hypot(s.ve-d.x[2], s.vn-d.x[3]) > p.SameVelocityMPS {
				continue
			}
			cur, ok := m.mismatch[d.tr.ID()]
			if !ok || dist < cur.dist || dist == cur.dist && mmsi < cur.mmsi {
				m.mismatch[d.tr.ID()] = mismatchInfo{mmsi: mmsi, dist: dist}
			}
		}
	}
}

// lastRadar is when a non-cooperative sensor last updated the track.
func (m *Manager) lastRadar(v *view, eng *fusion.Engine) time.Time {
	var t time.Time
	for _, h := range v.tr.Sensors() {
		if !eng.Cooperative(h.Sensor) && h.Time.After(t) {
			t = h.Time
		}
	}
	return t
}

// identityMismatch: an invalid MMSI or one MMSI in two places (on the
// track carrying it), or a dark radar track that an AIS position moves with
// a little way off (on the radar track: the vessel is there, its AIS says
// otherwise).
func (m *Manager) identityMismatch(v *view, now time.Time, eng *fusion.Engine) cond {
	p := m.p.IdentityMismatch
	c := cond{clear: "AIS and radar agree again"}
	if v.tr.Class() == sensors.ClassAir {
		return c
	}
	mi, paired := m.mismatch[v.tr.ID()]
	held := v.st.mismatch.update(paired, now)
	id := v.identity
	if id != nil && id.MMSI != 0 {
		if why := mmsiProblem(id.MMSI); why != "" {
			c.hold = true
			c.summary = fmt.Sprintf("Invalid MMSI %09d (%s), %s", id.MMSI, why, m.whereMove(v))
			return c
		}
		if j, ok := m.mmsiJump[id.MMSI]; ok && now.Sub(j.at) < p.ClearAfter {
			c.hold = true
			c.summary = fmt.Sprintf("MMSI %d seen in two places: %.1f km apart %s apart (%.0f kn implied) at %s, %s",
				id.MMSI, j.dist/1000, durationText(j.dt), j.speed*knotsPerMPS, fmtTime(j.at), m.whereMove(v))
			return c
		}
	}
	if paired && held >= p.Hold {
		c.hold = true
		c.summary = fmt.Sprintf("AIS of MMSI %d reports a position %.1f km from radar track %s, which moves with it; no vessel is seen there, %s",
			mi.mmsi, mi.dist/1000, v.tr.Name(), m.whereMove(v))
	}
	return c
}

func durationText(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%.0f s", d.Seconds())
	}
	return minutes(d)
}
