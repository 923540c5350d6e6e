package alert

import (
	"fmt"
	"log/slog"
	"maps"
	"math"
	"slices"
	"strings"
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
	Format  string // json, cot or cap
}

// DarkVessel holds the dark_vessel rule's thresholds.
type DarkVessel struct {
	Enabled    bool
	AISRadiusM float64
	AISWindow  time.Duration
	Severity   string
	ClearAfter time.Duration
}

// Params configure a Manager. A rule whose Enabled is false is not run.
type Params struct {
	// Instance is this instance's name: the alert's origin and id prefix.
	Instance         string
	DarkVessel       DarkVessel
	IdentityMismatch IdentityMismatch
	GoFast           GoFast
	ZoneEntry        ZoneEntry
	CoastApproach    CoastApproach
	Rendezvous       Rendezvous
	Loitering        Loitering
	AISGap           AISGap
	LowSlowAircraft  LowSlowAircraft
	// Horizon: agencies whose waters the track is predicted to enter within it get the alert.
	Horizon time.Duration
	// HighSeas are the agencies for tracks in no country's waters.
	HighSeas []string
	// CriticalToAll sends critical alerts to every agency.
	CriticalToAll bool
	// BoundaryM: a track this close to a maritime boundary goes to both sides' agencies (0: off).
	BoundaryM float64
	Agencies  []Agency
	// Assets are the interceptors known from configuration (home positions);
	// SetAsset updates them from live reports.
	Assets []Asset
	// Sign signs an alert's JSON payload (package sign); nil sends alerts unsigned.
	Sign func(payload []byte) ([]byte, error)
	// RevDistanceM: an active alert gets a new revision when its track has moved this far since the last one
	// (and at least two minutes have passed: a fast aircraft would otherwise revise it every half minute).
	RevDistanceM float64
}

// Manager keeps the alerts of one instance.
type Manager struct {
	p      Params
	zones  *geo.Zones
	places []geo.Place
	log    *slog.Logger
	alerts map[alertKey]*entry // by track and rule
	byID   map[string]*entry   // by alert id
	// states holds what the rules remember of each track they watch
	// (confirmed tracks, and tracks with an alert entry).
	states   map[uint64]*trackState
	agencies map[string]Agency
	assets   map[string]*Asset
	assetIDs []string // sorted
	rules    []rule
	// Scratch and per-evaluation results.
	views    []view
	pairs    map[uint64]pairInfo     // rendezvous: lower track id → partner
	mismatch map[uint64]mismatchInfo // identity_mismatch from AIS/radar pairing, by AIS track
	mmsi     map[uint32]*mmsiSeen    // last AIS position per MMSI
	rdv      map[[2]uint64]*sustain  // rendezvous: how long each close pair has held
	mmsiJump map[uint32]jump         // the last "two places" of each MMSI
}

type alertKey struct {
	track uint64
	rule  int
}

// entry is the life of one alert (one rule on one track).
type entry struct {
	a         Alert
	track     uint64
	sentTo    map[string]bool // every agency that got a revision: it gets the rest, down to the clear
	lastPos   geo.LLA
	falseFor  time.Time // when the condition stopped holding (zero while it holds)
	lastETA   time.Time // the intercept ETA of the last revision sent
	lastSent  time.Time // when the last revision was sent
	checkedAt time.Time // when the alert was last checked for a revision
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
	m := &Manager{p: p, zones: zones, places: places, log: log, alerts: map[alertKey]*entry{}, byID: map[string]*entry{},
		states: map[uint64]*trackState{}, agencies: map[string]Agency{}, assets: map[string]*Asset{},
		pairs: map[uint64]pairInfo{}, mismatch: map[uint64]mismatchInfo{}, mmsi: map[uint32]*mmsiSeen{},
		rdv: map[[2]uint64]*sustain{}, mmsiJump: map[uint32]jump{}}
	for _, a := range p.Agencies {
		m.agencies[a.ID] = a
	}
	for _, a := range p.Assets {
		if err := m.SetAsset(a); err != nil {
			m.log.Warn("asset from configuration ignored", "asset", a.ID, "err", err)
		}
	}
	m.rules = m.ruleSet()
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
	st       *trackState
	x        fusion.State
	pos      geo.LLA
	sigma    float64
	speed    float64
	course   float64
	identity *sensors.Identity
	idTime   time.Time
	wm       string // whereMove, once made
	// The intercept planned for the track in this evaluation (for the
	// previous interceptor icPrev), shared by its alerts.
	icDone bool
	ic     *Intercept
	icPrev string
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
// deliveries of every alert revision it produced, in a deterministic order:
// tracks in the engine's order, rules in SPEC order.
func (m *Manager) Evaluate(now time.Time, eng *fusion.Engine) []Delivery {
	if len(m.rules) == 0 {
		return nil
	}
	m.views = m.views[:0]
	for _, tr := range eng.Tracks() {
		st := m.states[tr.ID()]
		if tr.Status() != fusion.Confirmed && (st == nil || st.alerts == 0) {
			continue
		}
		if st == nil {
			st = &trackState{}
			m.states[tr.ID()] = st
		}
		v := m.view(eng, tr, now)
		v.st = st
		m.views = append(m.views, v)
	}
	m.prepare(now, eng)
	return m.runViews(now, eng)
}

// runViews runs every rule on each of m.views, then forgets them.
func (m *Manager) runViews(now time.Time, eng *fusion.Engine) []Delivery {
	var out []Delivery
	for i := range m.views {
		v := &m.views[i]
		m.track(v, now)
		for ri := range m.rules {
			r := &m.rules[ri]
			c := r.eval(v, now, eng)
			out = append(out, m.step(alertKey{v.tr.ID(), ri}, r, c, v, now, eng)...)
		}
	}
	clear(m.views) // do not keep tracks alive through the scratch slice
	return out
}

// EvaluateTracks runs every rule over just the given confirmed tracks at
// now — those a report has just confirmed or given a new identity
// (fusion.Result.Changed) — so that what a single report makes plain (an
// invalid MMSI, an identity at odds with the picture) is raised at once
// rather than at the next whole round of Evaluate. What needs the whole
// picture (rendezvous pairs, AIS/radar disagreements) is taken from the
// last Evaluate. Deliveries come as from Evaluate, tracks in the order given.
func (m *Manager) EvaluateTracks(now time.Time, eng *fusion.Engine, trs []*fusion.Track) []Delivery {
	if len(m.rules) == 0 || len(trs) == 0 {
		return nil
	}
	m.views = m.views[:0]
	for _, tr := range trs {
		if tr.Status() != fusion.Confirmed {
			continue // deleted by the same report (or not yet confirmed)
		}
		st := m.states[tr.ID()]
		if st == nil {
			st = &trackState{}
			m.states[tr.ID()] = st
		}
		v := m.view(eng, tr, now)
		v.st = st
		m.views = append(m.views, v)
	}
	return m.runViews(now, eng)
}

// TrackDeleted clears the alerts of tracks the engine deleted and forgets
// what the rules remembered of them.
func (m *Manager) TrackDeleted(now time.Time, eng *fusion.Engine, dead []*fusion.Track) []Delivery {
	var out []Delivery
	for _, tr := range dead {
		st, ok := m.states[tr.ID()]
		if !ok {
			continue // the common case: a clutter track that never confirmed
		}
		delete(m.states, tr.ID())
		if st.alerts == 0 {
			continue
		}
		for ri := range m.rules {
			k := alertKey{tr.ID(), ri}
			e, ok := m.alerts[k]
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
			delete(m.alerts, k)
			delete(m.byID, e.a.ID)
		}
	}
	return out
}

func (m *Manager) alertID(tr *fusion.Track, rule string) string {
	return m.p.Instance + "/" + tr.Name() + "/" + rule
}

// step moves one alert's life on by one evaluation: raise, revise, or clear.
func (m *Manager) step(k alertKey, r *rule, c cond, v *view, now time.Time, eng *fusion.Engine) []Delivery {
	e, ok := m.alerts[k]
	switch {
	case c.hold && (!ok || e.a.State == StateCleared):
		if !ok {
			e = &entry{track: v.tr.ID(), sentTo: map[string]bool{}}
			id := m.alertID(v.tr, r.name)
			e.a = Alert{ID: id, Rule: r.name, Origin: m.p.Instance}
			m.alerts[k] = e
			m.byID[id] = e
			v.st.alerts++
		}
		e.a.Rev++
		e.a.State = StateActive
		e.a.Severity = r.severity
		e.a.FirstTime = fmtTime(now)
		e.a.Acks = nil
		e.falseFor = time.Time{}
		m.fill(e, c, v, now, eng)
		// Distances for RevDistanceM count from this revision: after a clear the
		// last position is that of a revision long gone.
		e.lastPos = v.pos
		m.summaryText(e, v)
		return m.deliver(e)
	case c.hold:
		e.falseFor = time.Time{}
		// Whose waters hold the track is looked at every evaluation; the
		// rest (routing, intercept, movement) every checkEvery.
		if now.Sub(e.checkedAt) < checkEvery && now.After(e.checkedAt) &&
			m.zones.At(v.pos.Lat, v.pos.Lon).Country == e.a.Where.Country {
			return nil
		}
		e.checkedAt = now
		before := e.a
		m.fill(e, c, v, now, eng)
		moved := geo.Distance(e.lastPos, v.pos) >= m.p.RevDistanceM && now.Sub(e.lastSent) >= minorEvery
		if m.material(e, &before, now) || moved {
			e.a.Rev++
			e.lastPos = v.pos
			m.summaryText(e, v)
			return m.deliver(e)
		}
		e.a = before // nothing worth a revision: keep what was last sent
		return nil
	case ok && e.a.State == StateActive:
		if e.falseFor.IsZero() {
			e.falseFor = now
		}
		if now.Sub(e.falseFor) < r.clearAfter {
			return nil
		}
		m.fill(e, c, v, now, eng)
		e.a.Rev++
		e.a.State = StateCleared
		e.a.Summary = "Cleared: " + c.clear
		return m.deliver(e)
	}
	return nil
}

// etaShift is how far the intercept ETA may drift before it is worth a
// revision; an asset already chosen is kept while its ETA is within
// assetHold of the best. Minor changes (heading_for, the interceptor, its
// ETA) wait until minorEvery has passed since the last revision. An active
// alert is checked for a revision every checkEvery, and at once when the
// country whose waters hold its track changes.
const (
	etaShift   = 5 * time.Minute
	assetHold  = 2 * time.Minute
	minorEvery = 2 * time.Minute
	checkEvery = 10 * time.Second
)

// material reports whether a change deserves a new revision now. Major:
// whose waters hold the track (country), who gets it, the severity. Minor,
// sent once minorEvery has passed since the last revision: where it is
// heading, who intercepts it, an ETA moved by more than etaShift.
func (m *Manager) material(e *entry, before *Alert, now time.Time) bool {
	a, b := before, &e.a
	// The kind of zone within one country's waters (territorial sea,
	// contiguous zone, land under an aircraft) goes out with the next revision.
	if a.Where.Country != b.Where.Country || !slices.Equal(a.Agencies, b.Agencies) || a.Severity != b.Severity {
		return true
	}
	if now.Sub(e.lastSent) < minorEvery {
		return false
	}
	ha, hb := a.HeadingFor, b.HeadingFor
	if (ha == nil) != (hb == nil) || ha != nil && (ha.Country != hb.Country || ha.Zone != hb.Zone) {
		return true
	}
	ia, ib := a.Intercept, b.Intercept
	if (ia == nil) != (ib == nil) {
		return true
	}
	if ia != nil {
		if ia.Asset != ib.Asset {
			return true
		}
		if eta, err := time.Parse(TimeLayout, ib.ETA); err == nil {
			// A far intercept's ETA wanders with the track's velocity noise:
			// the threshold grows with the time to go.
			shift := max(etaShift, eta.Sub(now)/5)
			if d := eta.Sub(e.lastETA); d > shift || d < -shift {
				return true
			}
		}
	}
	return false
}

// fill writes the track, zone, routing, intercept and summary of the alert at now.
func (m *Manager) fill(e *entry, c cond, v *view, now time.Time, eng *fusion.Engine) {
	a := &e.a
	a.Time = fmtTime(now)
	a.Track = m.trackInfo(v)
	where, heading, routes := m.route(v.pos, m.entryFor(v, now, eng), now, a.Severity, a.HeadingFor)
	a.Where, a.HeadingFor, a.Routing = where, heading, routes
	a.Agencies = a.Agencies[:0:0]
	for _, r := range routes {
		if !slices.Contains(a.Agencies, r.Agency) {
			a.Agencies = append(a.Agencies, r.Agency)
		}
	}
	slices.Sort(a.Agencies)
	if c.hold {
		a.Intercept = m.intercept(v, now, a.Intercept)
	}
	a.Summary = c.summary
	if a.Summary == "" {
		a.Summary = fmt.Sprintf("%s: track %s %s", a.Rule, v.tr.Name(), wmToken)
	}
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

// wmToken stands for whereMove in a rule's summary until the revision is
// sent: naming the nearest place costs a geodesic per place, which the many
// evaluations that send nothing need not pay.
const wmToken = "\x00where\x00"

// whereMove is the token a summary uses for where the track is and how it moves.
func (m *Manager) whereMove(*view) string { return wmToken }

// whereMoveText says where the track is (near which place) and how it
// moves; made once per track and evaluation.
func (m *Manager) whereMoveText(v *view) string {
	if v.wm != "" {
		return v.wm
	}
	where := geo.Describe(v.pos, m.places)
	if where == "" {
		where = fmt.Sprintf("at %.4f, %.4f", v.pos.Lat, v.pos.Lon)
	}
	v.wm = fmt.Sprintf("%s, %03.0f° at %.0f kn", where, v.course, v.speed*knotsPerMPS)
	return v.wm
}

// summaryText puts where the track is into the summary.
func (m *Manager) summaryText(e *entry, v *view) {
	if i := strings.Index(e.a.Summary, wmToken); i >= 0 {
		e.a.Summary = e.a.Summary[:i] + m.whereMoveText(v) + e.a.Summary[i+len(wmToken):]
	}
}

// deliver renders the current revision for every agency that gets it: the
// agencies routed now, and every agency that got an earlier revision (so an
// operations centre that saw an alert also sees it cleared).
func (m *Manager) deliver(e *entry) []Delivery {
	for _, a := range e.a.Agencies {
		e.sentTo[a] = true
	}
	if in := e.a.Intercept; in != nil {
		if eta, err := time.Parse(TimeLayout, in.ETA); err == nil {
			e.lastETA = eta
		}
	}
	if t, err := time.Parse(TimeLayout, e.a.Time); err == nil {
		e.lastSent = t
	}
	e.a.Sig = ""
	payload, err := e.a.JSON()
	if err != nil {
		m.log.Error("alert not encodable; not sent", "id", e.a.ID, "rev", e.a.Rev, "err", err)
		return nil
	}
	if m.p.Sign != nil {
		signed, err := m.p.Sign(payload)
		if err != nil {
			m.log.Error("alert not signed; sent unsigned", "id", e.a.ID, "rev", e.a.Rev, "err", err)
		} else {
			e.a.Sig = sigOf(payload, signed)
			payload = signed
		}
	}
	snap := e.a
	snap.Acks = slices.Clone(e.a.Acks)
	var out []Delivery
	for _, ag := range slices.Sorted(maps.Keys(e.sentTo)) {
		a := m.agencies[ag]
		out = append(out, Delivery{Agency: ag, Topic: a.Topic, Format: a.Format, Alert: &snap, Payload: payload})
	}
	m.log.Info("alert", "id", snap.ID, "rev", snap.Rev, "state", snap.State, "agencies", snap.Agencies, "routing", snap.Routing)
	return out
}

// sigOf returns the value of the "sig" member that signing appended to payload.
func sigOf(payload, signed []byte) string {
	const pre = `,"sig":"`
	start := len(payload) - 1 + len(pre)
	if len(signed) < start+2 {
		return ""
	}
	return string(signed[start : len(signed)-2])
}

// Ack records an operator's acknowledgement of revision rev of alert id, sent
// by agency: the ack is added to the alert, which goes out again as a new
// revision to every agency that has it. A repeated ack changes nothing.
func (m *Manager) Ack(agency, id string, rev int, by string, now time.Time) ([]Delivery, error) {
	e, ok := m.byID[id]
	switch {
	case !ok:
		return nil, fmt.Errorf("ack from %s for unknown alert %q", agency, id)
	case !e.sentTo[agency]:
		return nil, fmt.Errorf("ack from %s for alert %q, which was never routed to it", agency, id)
	case rev < 1 || rev > e.a.Rev:
		return nil, fmt.Errorf("ack from %s for alert %q rev %d: the alert is at rev %d", agency, id, rev, e.a.Rev)
	case by == "":
		return nil, fmt.Errorf("ack from %s for alert %q: no operator (\"by\")", agency, id)
	}
	for _, a := range e.a.Acks {
		if a.Agency == agency && a.By == by && a.Rev == rev {
			return nil, nil
		}
	}
	e.a.Acks = append(e.a.Acks, Ack{Agency: agency, By: by, Rev: rev, Time: fmtTime(now)})
	e.a.Rev++
	e.a.Time = fmtTime(now)
	return m.deliver(e), nil
}

// Shared is the last revision of an alert with every agency that has
// received it (its audience: routed now or earlier, down to the clear).
type Shared struct {
	Alert    Alert
	Audience []string
}

// SharedAlerts returns the last revision of every alert the manager keeps,
// ordered by id, with its audience.
func (m *Manager) SharedAlerts() []Shared {
	out := make([]Shared, 0, len(m.byID))
	for _, id := range slices.Sorted(maps.Keys(m.byID)) {
		e := m.byID[id]
		a := e.a
		a.Acks = slices.Clone(a.Acks)
		out = append(out, Shared{Alert: a, Audience: slices.Sorted(maps.Keys(e.sentTo))})
	}
	return out
}
