package alert

import (
	"fmt"
	"log/slog"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/vigia-project/vigia/fusion"
	"github.com/vigia-project/vigia/geo"
	"github.com/vigia-project/vigia/sensors"
)

// Agency is an agency alerts can be routed to.
type Agency struct {
	ID      string
	Country string // ISO 3166 alpha-2
	Topic   string
}

// DarkVessel holds the dark_vessel rule's thresholds.
type DarkVessel struct {
	Enabled    bool
	AISRadiusM float64
	AISWindow  time.Duration
	Severity   string
	ClearAfter time.Duration
}

// Params configure a Manager.
type Params struct {
	// Instance is this instance's name: the alert's origin and id prefix.
	Instance   string
	DarkVessel DarkVessel
	// Horizon: agencies whose waters the track is predicted to enter within it get the alert.
	Horizon time.Duration
	// HighSeas are the agencies for tracks in no country's waters.
	HighSeas []string
	// CriticalToAll sends critical alerts to every agency.
	CriticalToAll bool
	Agencies      []Agency
	// RevDistanceM: an active alert gets a new revision when its track has moved this far since the last one.
	RevDistanceM float64
}

// Manager keeps the alerts of one instance.
type Manager struct {
	p      Params
	zones  *geo.Zones
	places []geo.Place
	log    *slog.Logger
	alerts map[string]*entry // by alert id
	// withAlert counts each track's alert entries, so that tracks with none
	// are skipped without building their alert ids.
	withAlert map[uint64]int
	byID      map[string]Agency
}

// entry is the life of one alert (one rule on one track).
type entry struct {
	a        Alert
	track    uint64
	sentTo   map[string]bool // every agency that got a revision: it gets the rest, down to the clear
	lastPos  geo.LLA
	falseFor time.Time // when the condition stopped holding (zero while it holds)
}

// NewManager returns a Manager. zones decide whose waters hold a track;
// places name the reference points of summaries.
func NewManager(p Params, zones *geo.Zones, places []geo.Place, log *slog.Logger) *Manager {
	if p.RevDistanceM <= 0 {
		p.RevDistanceM = 2000
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := &Manager{p: p, zones: zones, places: places, log: log, alerts: map[string]*entry{}, byID: map[string]Agency{},
		withAlert: map[uint64]int{}}
	for _, a := range p.Agencies {
		m.byID[a.ID] = a
	}
	return m
}

// Active returns the number of active alerts.
func (m *Manager) Active() int {
	n := 0
	for _, e := range m.alerts {
		if e.a.State == StateActive {
			n++
		}
	}
	return n
}

// view is what the rules and the alert need of a track at one instant.
type view struct {
	tr       *fusion.Track
	x        fusion.State
	pos      geo.LLA
	sigma    float64
	speed    float64
	course   float64
	identity *sensors.Identity
	idTime   time.Time
}

func (m *Manager) view(eng *fusion.Engine, tr *fusion.Track, now time.Time) view {
	x, P := tr.StateAt(now)
	id, idt := tr.Identity()
	v := view{tr: tr, x: x, pos: eng.Frame().FromENU(x[0], x[1], 0), sigma: fusion.PositionSigma(&P),
		speed: math.Hypot(x[2], x[3]), identity: id, idTime: idt}
	v.pos.Alt = tr.Alt()
	v.course = math.Mod(math.Atan2(x[2], x[3])*180/math.Pi+360, 360)
	return v
}

// Evaluate runs every rule over the picture at now and returns the
// deliveries of every alert revision it produced, in a deterministic order.
func (m *Manager) Evaluate(now time.Time, eng *fusion.Engine) []Delivery {
	var out []Delivery
	if m.p.DarkVessel.Enabled {
		for _, tr := range eng.Tracks() {
			if tr.Status() != fusion.Confirmed && m.withAlert[tr.ID()] == 0 {
				continue
			}
			id := m.alertID(tr, "dark_vessel")
			v := m.view(eng, tr, now)
			hold := m.darkVessel(eng, &v, now)
			out = append(out, m.step(id, "dark_vessel", m.p.DarkVessel.Severity, hold, m.p.DarkVessel.ClearAfter,
				m.darkClearReason(&v), &v, now, eng)...)
		}
	}
	return out
}

// darkVessel is the dark_vessel rule: a confirmed surface track held for the
// whole AIS window with no AIS identity, and no AIS report within the radius,
// during that window.
func (m *Manager) darkVessel(eng *fusion.Engine, v *view, now time.Time) bool {
	p := m.p.DarkVessel
	tr := v.tr
	if tr.Status() != fusion.Confirmed || tr.Class() != sensors.ClassSurface {
		return false
	}
	if now.Sub(tr.Born()) < p.AISWindow {
		return false // not watched long enough to say AIS is silent
	}
	since := now.Add(-p.AISWindow)
	if v.identity != nil && v.identity.MMSI != 0 && !v.idTime.Before(since) {
		return false
	}
	return !eng.NearbyCooperative(v.x[0], v.x[1], p.AISRadiusM, since)
}

func (m *Manager) darkClearReason(v *view) string {
	switch {
	case v.identity != nil && v.identity.MMSI != 0:
		return fmt.Sprintf("AIS now reported (MMSI %d)", v.identity.MMSI)
	case v.tr.Class() != sensors.ClassSurface:
		return "no longer classed as a surface contact"
	default:
		return "AIS reported nearby"
	}
}

// TrackDeleted clears the alerts of tracks the engine deleted.
func (m *Manager) TrackDeleted(now time.Time, eng *fusion.Engine, dead []*fusion.Track) []Delivery {
	var out []Delivery
	for _, tr := range dead {
		if m.withAlert[tr.ID()] == 0 {
			continue // the common case: a clutter track that never raised anything
		}
		for _, rule := range []string{"dark_vessel"} {
			id := m.alertID(tr, rule)
			e, ok := m.alerts[id]
			if !ok {
				continue
			}
			if e.a.State == StateActive {
				e.a.Rev++
				e.a.State = StateCleared
				e.a.Time = fmtTime(now)
				e.a.Summary = "Cleared: track " + tr.Name() + " lost (no detection for the coast time)"
				out = append(out, m.deliver(e)...)
			}
			delete(m.alerts, id)
			if m.withAlert[tr.ID()]--; m.withAlert[tr.ID()] <= 0 {
				delete(m.withAlert, tr.ID())
			}
		}
	}
	return out
}

func (m *Manager) alertID(tr *fusion.Track, rule string) string {
	return m.p.Instance + "/" + tr.Name() + "/" + rule
}

// step moves one alert's life on by one evaluation: raise, revise, or clear.
func (m *Manager) step(id, rule, severity string, hold bool, clearAfter time.Duration, clearReason string, v *view, now time.Time, eng *fusion.Engine) []Delivery {
	e, ok := m.alerts[id]
	switch {
	case hold && (!ok || e.a.State == StateCleared):
		if !ok {
			e = &entry{track: v.tr.ID(), sentTo: map[string]bool{}}
			m.alerts[id] = e
			m.withAlert[v.tr.ID()]++
			e.a = Alert{ID: id, Rule: rule, Origin: m.p.Instance}
		}
		e.a.Rev++
		e.a.State = StateActive
		e.a.Severity = severity
		e.a.FirstTime = fmtTime(now)
		e.falseFor = time.Time{}
		m.fill(e, v, now, eng)
		// Distances for RevDistanceM count from this revision: after a clear the
		// last position is that of a revision long gone.
		e.lastPos = v.pos
		return m.deliver(e)
	case hold:
		e.falseFor = time.Time{}
		before := e.a
		m.fill(e, v, now, eng)
		if material(&before, &e.a) || geo.Distance(e.lastPos, v.pos) >= m.p.RevDistanceM {
			e.a.Rev++
			e.lastPos = v.pos
			return m.deliver(e)
		}
		e.a = before // nothing worth a revision: keep what was last sent
		return nil
	case ok && e.a.State == StateActive:
		if e.falseFor.IsZero() {
			e.falseFor = now
		}
		if now.Sub(e.falseFor) < clearAfter {
			return nil
		}
		m.fill(e, v, now, eng)
		e.a.Rev++
		e.a.State = StateCleared
		e.a.Summary = "Cleared: " + clearReason
		return m.deliver(e)
	}
	return nil
}

// material reports whether a change deserves a new revision: whose waters,
// where it is heading, or who gets it.
func material(a, b *Alert) bool {
	if a.Where != b.Where || !slices.Equal(a.Agencies, b.Agencies) || a.Severity != b.Severity {
		return true
	}
	ha, hb := a.HeadingFor, b.HeadingFor
	if (ha == nil) != (hb == nil) {
		return true
	}
	return ha != nil && (ha.Country != hb.Country || ha.Zone != hb.Zone)
}

// fill writes the track, zone, routing and summary of the alert at now.
func (m *Manager) fill(e *entry, v *view, now time.Time, eng *fusion.Engine) {
	a := &e.a
	a.Time = fmtTime(now)
	a.Track = m.trackInfo(v)
	where, heading, routes := m.route(v, now, eng, a.Severity, a.HeadingFor)
	a.Where, a.HeadingFor, a.Routing = where, heading, routes
	a.Agencies = a.Agencies[:0:0]
	for _, r := range routes {
		if !slices.Contains(a.Agencies, r.Agency) {
			a.Agencies = append(a.Agencies, r.Agency)
		}
	}
	slices.Sort(a.Agencies)
	a.Summary = m.summary(a.Rule, v)
	if e.lastPos == (geo.LLA{}) {
		e.lastPos = v.pos
	}
}

func (m *Manager) trackInfo(v *view) TrackInfo {
	ti := TrackInfo{ID: v.tr.Name(), Lat: round(v.pos.Lat, 5), Lon: round(v.pos.Lon, 5), SigmaM: round(v.sigma, 0),
		SpeedMPS: round(v.speed, 1), CourseDeg: round(v.course, 0), Class: v.tr.Class().String(), Sensors: []string{}}
	for _, s := range v.tr.Sensors() {
		ti.Sensors = append(ti.Sensors, s.Sensor)
	}
	slices.Sort(ti.Sensors)
	if id := v.identity; id != nil {
		ti.Identity = &Identity{MMSI: id.MMSI, ICAO: id.ICAO, Callsign: id.Callsign, Name: id.Name}
	}
	return ti
}

const knotsPerMPS = 3600.0 / 1852

func (m *Manager) summary(rule string, v *view) string {
	where := geo.Describe(v.pos, m.places)
	if where == "" {
		where = fmt.Sprintf("at %.4f, %.4f", v.pos.Lat, v.pos.Lon)
	}
	move := fmt.Sprintf("%03.0f° at %.0f kn", v.course, v.speed*knotsPerMPS)
	switch rule {
	case "dark_vessel":
		return fmt.Sprintf("Dark surface contact %s, %s, no AIS", where, move)
	default:
		return fmt.Sprintf("%s: track %s %s, %s", rule, v.tr.Name(), where, move)
	}
}

// deliver renders the current revision for every agency that gets it: the
// agencies routed now, and every agency that got an earlier revision (so an
// operations centre that saw an alert also sees it cleared).
func (m *Manager) deliver(e *entry) []Delivery {
	for _, a := range e.a.Agencies {
		e.sentTo[a] = true
	}
	payload, err := e.a.JSON()
	if err != nil {
		m.log.Error("alert not encodable; not sent", "id", e.a.ID, "rev", e.a.Rev, "err", err)
		return nil
	}
	snap := e.a
	var out []Delivery
	for _, ag := range slices.Sorted(maps.Keys(e.sentTo)) {
		out = append(out, Delivery{Agency: ag, Topic: m.byID[ag].Topic, Alert: &snap, Payload: payload})
	}
	m.log.Info("alert", "id", snap.ID, "rev", snap.Rev, "state", snap.State, "agencies", snap.Agencies, "routing", snap.Routing)
	return out
}
