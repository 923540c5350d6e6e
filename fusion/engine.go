// Package fusion turns sensor reports into one track picture.
//
// Data moves through Engine.Apply (a decoded sensor report) or
// Engine.ApplyPlots (plots already in the engine's plane) one report at a
// time, in measurement-time order — the caller's reorder window sorts them;
// a report older than the engine clock, up to the out-of-sequence window, is
// applied by retrodiction to the tracks it concerns; an older one is refused.
//
//	detection → local tangent plane (geo.Frame) with its covariance
//	         → candidate tracks from the R-tree of track gate boxes
//	         → chi-square gate on each candidate's predicted state
//	         → clusters of the gate graph, each an optimal assignment
//	         → IMM update (quiet constant velocity, coordinated turns), or a new tentative track
//	         → track score (log-likelihood ratio against a learnt clutter density);
//	           misses count only inside the sensor's coverage
//
// Engine.Advance moves the clock without a report: it deletes tracks that
// coasted too long or grew too uncertain and merges duplicate tracks of one
// target. The engine is single-threaded by design: one goroutine owns it,
// so the same reports give the same tracks.
package fusion

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/tidwall/rtree"
	"github.com/vigia-project/vigia/geo"
	"github.com/vigia-project/vigia/sensors"
)

// Errors Apply returns for a report it refuses as a whole.
var (
	// ErrUnknownSensor means the report names a sensor the engine was not given.
	ErrUnknownSensor = errors.New("unknown sensor")
	// ErrLate means the report is older than the engine clock by more than the out-of-sequence window.
	ErrLate = errors.New("report older than the out-of-sequence window")
	// ErrNoPlatform means a moving sensor's report did not say where the sensor was.
	ErrNoPlatform = errors.New("moving sensor's report has no platform position")
)

// Drop reasons for single detections, as counted in Result.Rejected.
const (
	ReasonOutOfRegion = "out_of_region"
	ReasonBadGeometry = "bad_geometry"
)

// maxRegionM bounds how far from the frame origin a detection may lie.
const maxRegionM = 3_000_000

// Params tune the engine. Per-class arrays are indexed by sensors.Class.
type Params struct {
	GateChi2 float64
	// A tentative track is confirmed when its score (the log-likelihood ratio of
	// target against clutter) reaches ConfirmScore with at least ConfirmHits detections.
	ConfirmHits  int
	ConfirmScore float64
	// A track is deleted when its score falls DeleteScore (tentative) or
	// DeleteScoreConfirmed (confirmed) below the best it has had.
	DeleteScore          float64
	DeleteScoreConfirmed float64
	// ClutterDensity is the prior density of false detections (per m² per scan) of a
	// sensor where the clutter map has not learnt it yet.
	ClutterDensity   float64
	CoastTime        time.Duration
	TentativeTimeout time.Duration
	MaxSigmaM        float64
	// ProcessNoise is the quiet mode's acceleration σ (m/s²), ManoeuvreNoise the manoeuvring mode's.
	ProcessNoise   [3]float64
	ManoeuvreNoise [3]float64
	// TurnRate is the turn rate (rad/s) of the manoeuvring modes (turns to port and to starboard).
	TurnRate [3]float64
	// ManoeuvreRate and QuietRate are the mode switching rates (1/s): quiet → manoeuvring and back.
	ManoeuvreRate, QuietRate float64
	MaxSpeed                 [3]float64 // m/s
	AirAltitudeM             float64
	// OOSMWindow is how far behind the engine clock a report may be and still be applied (by retrodiction).
	OOSMWindow time.Duration
	// CoopWindow is how long cooperative (AIS/ADS-B) positions are remembered for NearbyCooperative.
	CoopWindow time.Duration
	// BoxLife is how long a track's gate box in the R-tree stays valid before it is refreshed.
	BoxLife time.Duration
	// MergeChi2 is the gate on the 4-D state distance under which two confirmed tracks are one target.
	MergeChi2 float64
	// RelayoutMin: from this many tracks on, the tracks are laid out in memory by
	// position every 30 s (0: 4096; negative: never).
	RelayoutMin int
	// SingleModel runs the quiet constant-velocity mode alone (no IMM): for comparisons.
	SingleModel bool
	// AmbiguityCost: when swapping the detections of two confirmed tracks costs less than this
	// (in -2 log-likelihood), neither is updated (crossing targets).
	AmbiguityCost float64
}

// Sensor is what the engine knows of one sensor.
type Sensor struct {
	ID   string
	Kind string
	// Position of a fixed sensor; nil for a moving platform, whose reports carry it.
	Position        *geo.LLA
	SigmaRangeM     float64
	SigmaBearingDeg float64
	SigmaM          float64
	RangeM          float64 // coverage radius, 0 = unlimited
	Pd              float64
	Class           sensors.Class
	// Cooperative sensors (AIS, ADS-B) report one target per message with its identity;
	// they never count a miss against other tracks.
	Cooperative bool

	index int32 // position in the engine's list, for the clutter map
}

// Result says what one report did.
type Result struct {
	Detections int
	Associated int
	NewTracks  int
	Confirmed  int
	// Late is true when the report was out of sequence (older than the engine clock).
	Late bool
	// Rejected counts single detections refused, by reason.
	Rejected map[string]int
	// Changed are the tracks this report confirmed or gave a new identity,
	// by ascending id, each once: what the rules should look at without
	// waiting for their next round. The slice is the engine's; it is valid
	// until the next report is applied.
	Changed []*Track
}

// Plot is one detection in the engine's plane: east/north metres with its
// covariance, and what else is known of it.
type Plot struct {
	E, N float64
	R    [2][2]float64
	// Alt is the altitude (m) when AltSigma > 0 (its 1σ, m); AltSigma 0: no altitude.
	Alt, AltSigma float64
	// Class is hard evidence of the class (unknown when there is none).
	Class sensors.Class
	// Vel is the reported velocity (east, north m/s) when HasVel.
	Vel    [2]float64
	HasVel bool
	ID     *sensors.Identity
}

// idGateM is how far outside its gate a track still takes a cooperative
// report of its own identity.
const idGateM = 2000.0

// Altitude uncertainty: the floor of a 3-D radar plot's, and that of a
// reported altitude (ADS-B, a geodetic plot with alt_m).
const (
	altSigmaMin      = 10.0
	altSigmaReported = 30.0
)

// Engine holds the track picture.
type Engine struct {
	p       Params
	imm     [3]immParams // by class
	frame   *geo.Frame
	sensors map[string]*Sensor

	tracks  []*Track // live tracks by ascending id (deleted ones until compacted)
	dead    int      // deleted tracks still in tracks
	missed  []*Track // scratch of countMisses
	changed []*Track // Result.Changed of the report being fused
	// removed are the tracks deleted since the last Advance; handed those it
	// returned (recycled at the next one); free the recycled, ready for reuse.
	removed, handed, free []*Track
	index                 rtree.RTreeGN[float64, *Track] // each live track's gate box
	nextID                uint64
	now                   time.Time // engine clock: latest report or Advance time
	sweepAt               time.Time // the earliest time a track's box expires
	// lastRelayout is when the tracks were last laid out in memory by position.
	lastRelayout time.Time

	coop      map[coopKey]*coopPos
	coopIndex rtree.RTreeGN[float64, *coopPos]
	clutter   *clutterMap

	// scratch, reused per report
	seq   uint64 // numbers association rounds; Track.pairSeq marks a track seen in the current one
	meas  []measurement
	order []mortonItem
	pairs []pair
	as    assigner
	// the gate search of the measurement being associated
	gm    int
	gt    time.Time
	visit func(min, max [2]float64, tr *Track) bool
	// Advance: each track's quick state, by place in tracks; for
	// mergeDuplicates, the confirmed tracks (places in tracks), their boxes
	// in a grid, a grid query's answer and the candidates of one track
	quick     []quickPos
	confirmed []int32
	cboxes    []box
	cgrid     cellGrid
	hits      []int32
	dupCand   []int32
	// the miss search of the report being fused
	ms        *Sensor
	mt        time.Time
	mpe, mpn  float64
	missVisit func(min, max [2]float64, tr *Track) bool
}

type coopKey struct {
	mmsi uint32
	icao string
}

type coopPos struct {
	key  coopKey
	e, n float64
	t    time.Time
}

// New returns an engine working in frame with the given sensors.
func New(frame *geo.Frame, p Params, list []Sensor) (*Engine, error) {
	if frame == nil {
		return nil, errors.New("fusion: no frame")
	}
	if p.GateChi2 <= 0 || p.ConfirmHits < 1 || p.ConfirmScore <= 0 || p.DeleteScore <= 0 || p.DeleteScoreConfirmed <= 0 {
		return nil, fmt.Errorf("fusion: bad parameters: gate %v, confirm %d hits and score %v, delete %v/%v",
			p.GateChi2, p.ConfirmHits, p.ConfirmScore, p.DeleteScore, p.DeleteScoreConfirmed)
	}
	if p.ClutterDensity <= 0 {
		p.ClutterDensity = 1e-8
	}
	if p.BoxLife <= 0 {
		p.BoxLife = 8 * time.Second
	}
	if p.CoopWindow <= 0 {
		p.CoopWindow = 2 * time.Minute
	}
	if p.RelayoutMin == 0 {
		p.RelayoutMin = 4096
	}
	if p.AmbiguityCost == 0 {
		p.AmbiguityCost = 2
	}
	if p.MergeChi2 <= 0 {
		p.MergeChi2 = 9.49 // 4 degrees of freedom, 95 %
	}
	if p.ManoeuvreRate <= 0 {
		p.ManoeuvreRate = 1.0 / 180
	}
	if p.QuietRate <= 0 {
		p.QuietRate = 1.0 / 30
	}
	e := &Engine{p: p, frame: frame, sensors: map[string]*Sensor{}, coop: map[coopKey]*coopPos{},
		clutter: newClutterMap(p.ClutterDensity)}
	for c := range e.imm {
		q := p.ProcessNoise[c]
		m := p.ManoeuvreNoise[c]
		if m <= 0 {
			m = 4 * q
		}
		w := p.TurnRate[c]
		if w <= 0 {
			w = 1.5 * math.Pi / 180
		}
		e.imm[c] = immParams{q: [nModes]float64{q, m, m}, omega: [nModes]float64{0, w, -w},
			toMoving: p.ManoeuvreRate, toQuiet: p.QuietRate, single: p.SingleModel}
	}
	for i := range list {
		s := list[i]
		if _, dup := e.sensors[s.ID]; dup {
			return nil, fmt.Errorf("fusion: sensor %q given twice", s.ID)
		}
		s.index = int32(i)
		if !(s.Pd > 0 && s.Pd < 1) {
			s.Pd = 0.9
		}
		e.sensors[s.ID] = &s
	}
	e.visit = e.gateVisit
	e.missVisit = e.missVisitor
	return e, nil
}

// Frame returns the engine's local tangent plane.
func (e *Engine) Frame() *geo.Frame { return e.frame }

// Cooperative reports whether a sensor is a cooperative one (AIS, ADS-B):
// its updates carry identity, not an independent look at the target.
func (e *Engine) Cooperative(sensor string) bool {
	s, ok := e.sensors[sensor]
	return ok && s.Cooperative
}

// Now returns the engine clock.
func (e *Engine) Now() time.Time { return e.now }

// Tracks returns the live tracks by ascending id. The slice and the tracks
// belong to the engine: read them only on the engine's goroutine.
func (e *Engine) Tracks() []*Track {
	e.compact()
	return e.tracks
}

// Apply fuses one decoded sensor report. A report refused as a whole
// returns an error wrapping one of the Err values; single bad detections are
// skipped and counted in Result.Rejected.
func (e *Engine) Apply(r *sensors.Report) (Result, error) {
	s, ok := e.sensors[r.Sensor]
	if !ok {
		return Result{}, fmt.Errorf("sensor %q: %w", r.Sensor, ErrUnknownSensor)
	}
	if err := e.checkTime(s, r.Time); err != nil {
		return Result{}, err
	}
	platform, err := e.platform(s, r)
	if err != nil {
		return Result{}, err
	}
	var res Result
	pe, pn, _ := e.frame.ToENU(platform)
	e.measure(s, platform, r, &res)
	e.fuse(s, r.Time, pe, pn, &res)
	return res, nil
}

// ApplyPlots fuses one report of plots already in the engine's plane, seen
// by sensor from (platformE, platformN) at time t. It is the entry point of
// evaluation scenes given in a local plane.
func (e *Engine) ApplyPlots(sensor string, t time.Time, platformE, platformN float64, plots []Plot) (Result, error) {
	s, ok := e.sensors[sensor]
	if !ok {
		return Result{}, fmt.Errorf("sensor %q: %w", sensor, ErrUnknownSensor)
	}
	if err := e.checkTime(s, t); err != nil {
		return Result{}, err
	}
	var res Result
	res.Detections = len(plots)
	e.meas = e.meas[:0]
	for i := range plots {
		p := &plots[i]
		m := measurement{Plot: *p, prior: s.Class}
		e.checkMeasurement(&m, math.Hypot(p.E, p.N), &res)
		e.meas = append(e.meas, m)
	}
	e.fuse(s, t, platformE, platformN, &res)
	return res, nil
}

func (e *Engine) checkTime(s *Sensor, t time.Time) error {
	if t.Before(e.now.Add(-e.p.OOSMWindow)) {
		return fmt.Errorf("sensor %q: report at %s, engine at %s: %w", s.ID,
			t.Format(time.RFC3339Nano), e.now.Format(time.RFC3339Nano), ErrLate)
	}
	return nil
}

// fuse associates e.meas (taken at t by sensor s from its platform at
// pe, pn) with the tracks and updates, confirms, starts and misses tracks.
func (e *Engine) fuse(s *Sensor, t time.Time, pe, pn float64, res *Result) {
	clear(e.changed)
	e.changed = e.changed[:0]
	late := t.Before(e.now)
	res.Late = late
	if !late {
		e.now = t
	}
	if !t.Before(e.sweepAt) {
		e.sweepBoxes(t)
	}
	e.associate(t)
	// Updates in the order the association searched (space-filling curve):
	// neighbouring tracks one after the other, kind to the caches.
	for _, o := range e.order {
		k := int32(-1)
		if len(e.pairs) > 0 {
			k = e.as.byMeas[o.i]
		}
		if k < 0 {
			continue
		}
		pr := e.as.picked[k]
		m := &e.meas[pr.m]
		if pr.ambiguous {
			pr.t.seenAt = t // not a miss either
			continue
		}
		had := pr.t.identity
		if !e.update(pr.t, m, s, t, pr) {
			m.assigned = false // the filter refused it: the detection stands alone
			continue
		}
		res.Associated++
		if pr.t.status == Tentative && (pr.t.hits >= e.p.ConfirmHits && pr.t.score >= e.p.ConfirmScore || s.Cooperative && m.ID != nil) {
			pr.t.status = Confirmed
			res.Confirmed++
			e.changed = append(e.changed, pr.t)
		} else if m.ID != nil && pr.t.status == Confirmed && (had == nil || !sameIdentity(had, pr.t.identity)) {
			e.changed = append(e.changed, pr.t)
		}
	}
	// An out-of-sequence report counts like any other: a sensor whose reports
	// always come a little after the others' (a slower gateway, a scan
	// published when it ends) must still start tracks of what only it sees
	// and charge misses to them. countMisses leaves alone the tracks updated
	// after the report's time: whether it missed them is not known.
	if !s.Cooperative {
		e.countMisses(s, pe, pn, t)
		e.clutter.learn(s, pe, pn, e.meas)
	}
	for i := range e.meas {
		m := &e.meas[i]
		if m.assigned || m.rejected {
			continue
		}
		if tr := e.newTrack(m, s, t); tr.status == Confirmed {
			e.changed = append(e.changed, tr)
		}
		res.NewTracks++
	}
	if len(e.changed) > 1 {
		slices.SortFunc(e.changed, func(a, b *Track) int { return cmp.Compare(a.id, b.id) })
		e.changed = slices.Compact(e.changed)
	}
	res.Changed = e.changed
	for i := range e.meas {
		if m := &e.meas[i]; m.ID != nil && !m.rejected {
			e.rememberCoop(m, t)
		}
	}
}

// platform returns where the sensor was for this report.
func (e *Engine) platform(s *Sensor, r *sensors.Report) (geo.LLA, error) {
	if r.Platform != nil {
		return geo.LLA{Lat: r.Platform.Lat, Lon: r.Platform.Lon, Alt: r.Platform.Alt}, nil
	}
	if s.Position != nil {
		return *s.Position, nil
	}
	for _, d := range r.Detections {
		if d.Polar {
			return geo.LLA{}, fmt.Errorf("sensor %q: %w", s.ID, ErrNoPlatform)
		}
	}
	return e.frame.Origin(), nil // geodetic detections only: the platform is not needed
}

// measurement is one detection of the report being fused.
type measurement struct {
	Plot
	prior    sensors.Class // the sensor's usual class: a weak hint that never blocks association
	assigned bool
	rejected bool
	boxR     float64 // half-size of its search box
}

// checkMeasurement rejects a non-finite or far-away measurement and sizes its search box.
func (e *Engine) checkMeasurement(m *measurement, dist float64, res *Result) {
	switch {
	case !finite2([2]float64{m.E, m.N}) || !finite22(m.R) || m.R[0][0] <= 0 || m.R[1][1] <= 0 ||
		m.R[0][0]*m.R[1][1] <= m.R[0][1]*m.R[1][0]:
		m.rejected = true
		res.reject(ReasonBadGeometry)
	case !(dist <= maxRegionM):
		m.rejected = true
		res.reject(ReasonOutOfRegion)
	}
	m.boxR = math.Sqrt(e.p.GateChi2) * math.Sqrt(math.Max(m.R[0][0], m.R[1][1]))
}

// measure converts every detection of r into the engine frame.
func (e *Engine) measure(s *Sensor, platform geo.LLA, r *sensors.Report, res *Result) {
	e.meas = e.meas[:0]
	res.Detections = len(r.Detections)
	// Rotation from the sensor's local north to the frame's north.
	var rot [2][2]float64
	var ps *geo.PolarSensor // the sensor's plane, for the report's surface plots
	for i := range r.Detections {
		if r.Detections[i].Polar {
			pe, pn, _ := e.frame.ToENU(platform)
			qe, qn, _ := e.frame.ToENU(geo.Destination(platform, 0, 1000))
			th := math.Atan2(qe-pe, qn-pn)
			c, sn := math.Cos(th), math.Sin(th)
			rot = [2][2]float64{{c, sn}, {-sn, c}}
			ps = geo.NewPolarSensor(platform)
			break
		}
	}
	for i := range r.Detections {
		d := &r.Detections[i]
		// Class is hard evidence (the payload's class, a clear altitude); prior
		// is the sensor's usual class.
		m := measurement{Plot: Plot{Class: d.Class, ID: d.ID}, prior: s.Class}
		var pos geo.LLA
		var ze, zn, zu float64
		placed := false // ze, zn, zu already hold the plot's place in the plane
		if d.Polar && !d.HasElevation && !d.HasAlt {
			// A plot on the sea surface, the common case: placed on the
			// ellipsoid in ECEF, with no trip through geodetic coordinates.
			if x, ok := ps.Surface(d.Range, d.Bearing); ok {
				ze, zn, zu = e.frame.ECEFToENU(x)
				placed = true
			}
		}
		if d.Polar {
			sr, sb := d.SigmaRange, d.SigmaBearing
			if sr <= 0 {
				sr = s.SigmaRangeM
			}
			if sb <= 0 {
				sb = s.SigmaBearingDeg
			}
			// Without an elevation the plot lies at its reported altitude (a
			// secondary radar's flight level) or else on the sea surface.
			targetAlt := 0.0
			if d.HasAlt && !d.HasElevation {
				targetAlt = d.Alt
			}
			if !placed {
				pos = geo.PolarToLLA(platform, geo.Polar{Range: d.Range, Bearing: d.Bearing, Elevation: d.Elevation}, d.HasElevation, targetAlt)
			}
			ground := d.Range
			if dh := platform.Alt - pos.Alt; math.Abs(dh) < d.Range {
				ground = math.Sqrt(d.Range*d.Range - dh*dh)
			}
			m.R = rotate(rot, geo.PolarCovariance(ground, d.Bearing, sr, sb))
			switch {
			case d.HasElevation:
				// A 3-D plot: its altitude is evidence of class when it is clear of the noise
				// (elevation σ taken as the bearing σ).
				sigAlt := d.Range * sb * math.Pi / 180
				switch {
				case pos.Alt-3*sigAlt > e.p.AirAltitudeM:
					m.Class = sensors.ClassAir
				case pos.Alt+3*sigAlt < e.p.AirAltitudeM && d.Class == sensors.ClassUnknown:
					m.Class = sensors.ClassSurface
				}
				m.Alt, m.AltSigma = math.Max(pos.Alt, 0), math.Max(sigAlt, altSigmaMin)
			case d.HasAlt:
				m.Alt, m.AltSigma = d.Alt, altSigmaReported
				if d.Class == sensors.ClassUnknown && d.Alt > e.p.AirAltitudeM {
					m.Class = sensors.ClassAir
				}
			default:
				pos.Alt = 0
			}
		} else {
			pos = geo.LLA{Lat: d.Lat, Lon: d.Lon, Alt: d.Alt}
			switch {
			case d.HasCov:
				m.R = [2][2]float64{{d.Cov[0], d.Cov[1]}, {d.Cov[1], d.Cov[2]}}
			default:
				sg := d.SigmaM
				if sg <= 0 {
					sg = s.SigmaM
				}
				m.R = [2][2]float64{{sg * sg, 0}, {0, sg * sg}}
			}
			if d.HasAlt {
				m.Alt, m.AltSigma = d.Alt, altSigmaReported
				if d.Class == sensors.ClassUnknown && d.Alt > e.p.AirAltitudeM {
					m.Class = sensors.ClassAir
				}
			}
		}
		if !placed {
			ze, zn, zu = e.frame.ToENU(pos)
		}
		m.E, m.N = ze, zn
		if d.HasVelocity {
			c := d.Course * math.Pi / 180
			m.Vel = [2]float64{d.Speed * math.Sin(c), d.Speed * math.Cos(c)}
			m.HasVel = true
		}
		e.checkMeasurement(&m, math.Hypot(math.Hypot(ze, zn), zu), res)
		e.meas = append(e.meas, m)
	}
}

func (res *Result) reject(reason string) {
	if res.Rejected == nil {
		res.Rejected = map[string]int{}
	}
	res.Rejected[reason]++
}

// rotate returns M R Mᵀ.
func rotate(M, R [2][2]float64) [2][2]float64 {
	var MR, out [2][2]float64
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			MR[i][j] = M[i][0]*R[0][j] + M[i][1]*R[1][j]
		}
	}
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			out[i][j] = MR[i][0]*M[j][0] + MR[i][1]*M[j][1]
		}
	}
	out[0][1] = (out[0][1] + out[1][0]) / 2
	out[1][0] = out[0][1]
	return out
}

// pair is a gated (track, measurement) candidate.
type pair struct {
	t         *Track
	m         int
	cost      float64 // d² + ln|S|, plus a penalty for a tentative track
	d2        float64
	logDet    float64
	ambiguous bool  // a near-tie with another confirmed track: taken, but not applied
	root      int32 // its cluster
}

// associate finds every gated pair among the report's measurements and the
// tracks whose gate boxes they touch, then keeps, cluster by cluster, the
// assignment of least total cost (cost = d² + ln|S|, the negative
// log-likelihood up to a constant). e.pairs ends holding the chosen pairs in
// measurement order.
func (e *Engine) associate(t time.Time) {
	e.seq++
	e.pairs = e.pairs[:0]
	e.as.tracks = e.as.tracks[:0]
	e.gt = t
	// Search in space-filling-curve order: successive searches then touch
	// neighbouring tree nodes and tracks, which keeps the caches warm when
	// the picture holds many tracks. (Results do not depend on the order.)
	e.order = e.order[:0]
	for i := range e.meas {
		if !e.meas[i].rejected {
			e.order = append(e.order, mortonItem{key: morton(e.meas[i].E, e.meas[i].N), i: int32(i)})
		}
	}
	slices.SortFunc(e.order, func(a, b mortonItem) int {
		if c := cmp.Compare(a.key, b.key); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	for _, o := range e.order {
		m := &e.meas[o.i]
		e.gm = int(o.i)
		e.index.Search([2]float64{m.E - m.boxR, m.N - m.boxR}, [2]float64{m.E + m.boxR, m.N + m.boxR}, e.visit)
	}
	if len(e.pairs) == 0 {
		return
	}
	M := int32(len(e.meas))
	n := int(M) + len(e.as.tracks)
	if cap(e.as.parent) < n {
		e.as.parent = make([]int32, n)
	}
	e.as.parent = e.as.parent[:n]
	for i := range e.as.parent {
		e.as.parent[i] = int32(i)
	}
	for _, p := range e.pairs {
		e.as.union(int32(p.m), M+p.t.local)
	}
	// Chain each cluster's pairs (they come in measurement order), solve each
	// cluster once, and collect the chosen pairs by measurement: no sorting.
	a := &e.as
	a.head = growInt32(a.head, n)
	a.tail = growInt32(a.tail, n)
	a.next = growInt32(a.next, len(e.pairs))
	for i := range a.head {
		a.head[i] = -1
	}
	for i := range e.pairs {
		r := a.find(int32(e.pairs[i].m))
		e.pairs[i].root = r
		a.next[i] = -1
		if a.head[r] < 0 {
			a.head[r] = int32(i)
		} else {
			a.next[a.tail[r]] = int32(i)
		}
		a.tail[r] = int32(i)
	}
	a.byMeas = growInt32(a.byMeas, int(M))
	for i := range a.byMeas {
		a.byMeas[i] = -1
	}
	a.picked = a.picked[:0]
	for i := range e.pairs {
		r := e.pairs[i].root
		h := a.head[r]
		if h < 0 {
			continue // solved already
		}
		a.head[r] = -1
		a.cluster = a.cluster[:0]
		for j := h; j >= 0; j = a.next[j] {
			a.cluster = append(a.cluster, e.pairs[j])
		}
		a.out = slices.Grow(a.out[:0], len(a.cluster))[:len(a.cluster)]
		k := e.solveCluster(a.cluster, a.out)
		for _, p := range a.out[:k] {
			a.byMeas[p.m] = int32(len(a.picked))
			a.picked = append(a.picked, p)
		}
	}
	e.pairs = e.pairs[:0]
	for m, k := range a.byMeas {
		if k >= 0 {
			e.pairs = append(e.pairs, a.picked[k])
			e.meas[m].assigned = true
		}
	}
}

// mortonItem is a measurement's place on the Z-order curve.
type mortonItem struct {
	key uint64
	i   int32
}

// morton interleaves the bits of a position's 500 m cells (Z-order curve).
func morton(e, n float64) uint64 {
	const cell = 500
	x := uint32(int32(math.Floor(e/cell)) + 1<<30)
	y := uint32(int32(math.Floor(n/cell)) + 1<<30)
	return spread(x) | spread(y)<<1
}

// spread puts the bits of v in the even positions of a 64-bit word.
func spread(v uint32) uint64 {
	x := uint64(v)
	x = (x | x<<16) & 0x0000FFFF0000FFFF
	x = (x | x<<8) & 0x00FF00FF00FF00FF
	x = (x | x<<4) & 0x0F0F0F0F0F0F0F0F
	x = (x | x<<2) & 0x3333333333333333
	x = (x | x<<1) & 0x5555555555555555
	return x
}

func growInt32(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n)
	}
	return s[:n]
}

// gateVisit is the R-tree visitor of associate: it gates measurement e.gm
// against one candidate track at time e.gt.
func (e *Engine) gateVisit(_, _ [2]float64, tr *Track) bool {
	m := &e.meas[e.gm]
	if !compatible(tr.class, m.Class) {
		return true
	}
	// A cooperative report of the identity the track carries is its own even
	// a little outside the statistical gate: receivers' clocks (and logs
	// whose only time is an occasional RMC fix) put AIS positions seconds
	// off, which at 10 m of AIS noise would otherwise start a second track
	// for the same MMSI.
	idMatch := m.ID != nil && tr.identity != nil && sameIdentity(m.ID, tr.identity) && e.gt.Sub(tr.identityTime) < e.p.CoopWindow
	var x State
	var P Cov
	if dt := e.gt.Sub(tr.t).Seconds(); dt >= 0 {
		// A cheap bound first: the combined position moved on its velocity,
		// against a spread no smaller than any mode's prediction gives (the
		// manoeuvring noise and a full turn's drift added). Most candidates
		// of the box search end here.
		q := tr.ip.q[nModes-1]
		turn := 0.5 * math.Hypot(tr.f.x[2], tr.f.x[3]) * math.Abs(tr.ip.omega[nModes-1]) * dt * dt
		qs := q * dt * dt / 2
		spread := math.Sqrt(math.Max(tr.f.P[0][0], tr.f.P[1][1])) + dt*math.Sqrt(math.Max(tr.f.P[2][2], tr.f.P[3][3])) +
			qs + turn + math.Sqrt(math.Max(m.R[0][0], m.R[1][1]))
		de, dn := m.E-(tr.f.x[0]+dt*tr.f.x[2]), m.N-(tr.f.x[1]+dt*tr.f.x[3])
		if de*de+dn*dn > 1.5*e.p.GateChi2*spread*spread && !(idMatch && de*de+dn*dn <= idGateM*idGateM) {
			return true
		}
		if tr.predSeq != e.seq {
			tr.predSeq = e.seq
			tr.predX, tr.predP = tr.f.predicted(dt, tr.ip)
		}
		x, P = tr.predX, tr.predP
	} else {
		// Out of sequence: the track is ahead of the measurement. Retrodict its
		// position along the velocity, with the manoeuvring noise over the lag.
		lag := -dt
		x, P = tr.f.x, tr.f.P
		x[0] -= lag * x[2]
		x[1] -= lag * x[3]
		P[0][0] += -2*lag*P[0][2] + lag*lag*P[2][2]
		P[1][1] += -2*lag*P[1][3] + lag*lag*P[3][3]
		P[0][1] += -lag*(P[0][3]+P[2][1]) + lag*lag*P[2][3]
		P[1][0] = P[0][1]
		q := tr.ip.q[moving]
		P[0][0] += q * q * lag * lag * lag * lag / 4
		P[1][1] += q * q * lag * lag * lag * lag / 4
	}
	nu, S := innovation(&x, &P, [2]float64{m.E, m.N}, m.R)
	Si, det, ok := inv2(S)
	if !ok {
		return true
	}
	d2 := mahalanobis2(nu, Si)
	if d2 > e.p.GateChi2 {
		if !idMatch || nu[0]*nu[0]+nu[1]*nu[1] > idGateM*idGateM {
			return true
		}
		d2 = e.p.GateChi2 // its own identity: taken, at the cost of the gate's edge
	}
	if m.ID != nil && tr.identity != nil && !sameIdentity(m.ID, tr.identity) && e.gt.Sub(tr.identityTime) < e.p.CoopWindow {
		// Another identity inside the gate of a track that has its own: it does
		// not update the track, but the disagreement is recorded (the
		// identity_mismatch rule reads it).
		id := *m.ID
		tr.conflict, tr.conflictTime = &id, e.gt
		return true
	}
	if tr.hits == 1 && !tr.f.hasVel {
		// A second detection fixes the velocity: it must be one the class can reach.
		dt := e.gt.Sub(tr.t).Seconds()
		slack := 3 * math.Sqrt(m.R[0][0]+m.R[1][1]+tr.f.mP[0][0][0]+tr.f.mP[0][1][1])
		if dt > 0 && math.Hypot(m.E-tr.f.x[0], m.N-tr.f.x[1]) > e.p.MaxSpeed[tr.speedClass()]*1.1*dt+slack {
			return true
		}
	}
	if tr.pairSeq != e.seq {
		tr.pairSeq = e.seq
		tr.local = int32(len(e.as.tracks))
		e.as.tracks = append(e.as.tracks, tr)
	}
	cost := d2 + math.Log(det)
	if tr.status == Tentative {
		// A confirmed track has the first claim on a detection in its gate.
		cost += e.p.GateChi2
	}
	e.pairs = append(e.pairs, pair{t: tr, m: e.gm, cost: cost, d2: d2, logDet: math.Log(det)})
	return true
}

// solveCluster chooses the assignment of one cluster's pairs (in
// measurement order) and writes the chosen pairs to dst, returning how many.
func (e *Engine) solveCluster(pairs []pair, dst []pair) int {
	if len(pairs) == 1 {
		dst[0] = pairs[0]
		return 1
	}
	a := &e.as
	a.rows, a.cols = a.rows[:0], a.cols[:0]
	for _, p := range pairs {
		if len(a.rows) == 0 || a.rows[len(a.rows)-1] != int32(p.m) {
			a.rows = append(a.rows, int32(p.m))
		}
		if !slices.Contains(a.cols, p.t.local) {
			a.cols = append(a.cols, p.t.local)
		}
	}
	nr, nt := len(a.rows), len(a.cols)
	if nr == 1 || nt == 1 {
		// One measurement or one track: the cheapest pair wins.
		best := 0
		for i := range pairs {
			if pairs[i].cost < pairs[best].cost {
				best = i
			}
		}
		dst[0] = pairs[best]
		return 1
	}
	nc := nt + nr // tracks, then one "no track" column per measurement
	if cap(a.cost) < nr*nc {
		a.cost = make([]float64, nr*nc)
	}
	a.cost = a.cost[:nr*nc]
	for i := range a.cost {
		a.cost[i] = math.Inf(1)
	}
	// Leaving a measurement unassigned costs as much as the dearest pair the gate allows.
	var maxLogDet float64 = math.Inf(-1)
	for _, p := range pairs {
		maxLogDet = math.Max(maxLogDet, p.cost)
	}
	none := math.Max(maxLogDet, 0) + e.p.GateChi2
	for _, p := range pairs {
		r := slices.Index(a.rows, int32(p.m))
		c := slices.Index(a.cols, p.t.local)
		a.cost[r*nc+c] = p.cost
	}
	for r := 0; r < nr; r++ {
		a.cost[r*nc+nt+r] = none
	}
	if cap(a.rowCol) < nr {
		a.rowCol = make([]int, nr)
	}
	rowCol := a.rowCol[:nr]
	if _, err := a.solver.Solve(a.cost, nr, nc, rowCol); err != nil {
		return 0 // cannot happen: every cost is finite or +Inf, and every row has its own column
	}
	out := dst[:0]
	for r, c := range rowCol {
		if c < 0 || c >= nt {
			continue
		}
		for _, p := range pairs {
			if p.m == int(a.rows[r]) && p.t.local == a.cols[c] {
				out = append(out, p)
				break
			}
		}
	}
	// Crossing targets: where two confirmed tracks could swap their
	// detections at almost no cost, the assignment is a coin toss that would
	// swap identities half the time. Neither track is updated then (the
	// detections start no track either); both coast through on their
	// velocity until the targets part.
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			pi, pj := &out[i], &out[j]
			if pi.t.status != Confirmed || pj.t.status != Confirmed {
				continue
			}
			ci, cj := pairCost(pairs, pi.m, pj.t), pairCost(pairs, pj.m, pi.t)
			if ci+cj-(pi.cost+pj.cost) < e.p.AmbiguityCost {
				pi.ambiguous, pj.ambiguous = true, true
			}
		}
	}
	return len(out)
}

// pairCost returns the cost of pairing measurement m with track t, +Inf when they were not gated.
func pairCost(pairs []pair, m int, t *Track) float64 {
	for _, p := range pairs {
		if p.m == m && p.t == t {
			return p.cost
		}
	}
	return math.Inf(1)
}

func compatible(track, det sensors.Class) bool {
	return track == sensors.ClassUnknown || det == sensors.ClassUnknown || track == det
}

func sameIdentity(a, b *sensors.Identity) bool {
	if a.MMSI != 0 || b.MMSI != 0 {
		return a.MMSI == b.MMSI
	}
	return a.ICAO == b.ICAO
}

// update applies measurement m of sensor s at time t to track tr (pr is
// their pair, with the gate's cost). It returns false when the filter refused it.
func (e *Engine) update(tr *Track, m *measurement, s *Sensor, t time.Time, pr pair) bool {
	z := [2]float64{m.E, m.N}
	if dt := t.Sub(tr.t).Seconds(); dt >= 0 {
		if !tr.f.update(dt, z, m.R, tr.ip) {
			return false
		}
		tr.t = t
	} else if !tr.f.retrodictUpdate(-dt, z, m.R, tr.ip) {
		return false
	}
	tr.hits++
	// Score: ln(Pd · N(ν; 0, S) / λ), λ the clutter density where the detection lies.
	tr.addScore(math.Log(s.Pd) - 0.5*(pr.d2+pr.logDet) - math.Log(2*math.Pi) - math.Log(e.clutter.density(s, m.E, m.N)))
	if t.After(tr.lastUpdate) {
		tr.lastUpdate = t
	}
	if m.AltSigma > 0 {
		tr.fuseAlt(m.Alt, m.AltSigma, t)
	}
	tr.vote(m.Class, m.prior, e.p.MaxSpeed[sensors.ClassSurface])
	tr.ip = &e.imm[tr.class]
	tr.addSensor(s.ID, t)
	if m.ID != nil && !t.Before(tr.identityTime) {
		id := *m.ID
		tr.identity = &id
		tr.identityTime = t
	}
	e.reindex(tr, e.now)
	return true
}

// newTrack starts a tentative track on an unassigned measurement.
func (e *Engine) newTrack(m *measurement, s *Sensor, t time.Time) *Track {
	e.nextID++
	var tr *Track
	if n := len(e.free); n > 0 {
		tr = e.free[n-1]
		e.free[n-1] = nil
		e.free = e.free[:n-1]
	} else {
		tr = &Track{}
	}
	tr.id, tr.status, tr.t, tr.born, tr.lastUpdate, tr.hits = e.nextID, Tentative, t, t, t, 1
	tr.alt, tr.altVar = 0, 0
	if m.AltSigma > 0 {
		tr.fuseAlt(m.Alt, m.AltSigma, t)
	}
	x := State{m.E, m.N, 0, 0}
	var P Cov
	P[0][0], P[0][1], P[1][0], P[1][1] = m.R[0][0], m.R[0][1], m.R[1][0], m.R[1][1]
	if m.HasVel {
		x[2], x[3] = m.Vel[0], m.Vel[1]
		P[2][2], P[3][3] = 4, 4 // a reported velocity: σ 2 m/s per axis
	} else {
		c := m.Class
		if c == sensors.ClassUnknown {
			c = m.prior
		}
		v := e.p.MaxSpeed[c]
		P[2][2], P[3][3] = v*v/2, v*v/2 // unknown velocity: a speed up to the class's maximum
	}
	tr.ip = &e.imm[sensors.ClassUnknown]
	tr.f.init(x, P, tr.ip)
	tr.f.hasVel = m.HasVel
	tr.vote(m.Class, m.prior, e.p.MaxSpeed[sensors.ClassSurface])
	tr.ip = &e.imm[tr.class]
	tr.addSensor(s.ID, t)
	if m.ID != nil {
		id := *m.ID
		tr.identity = &id
		tr.identityTime = t
	}
	if e.p.ConfirmHits <= 1 || s.Cooperative && m.ID != nil {
		// A cooperative self-report (AIS, ADS-B) with its identity is
		// enough to show a target is there: no clutter says who it is. A
		// spoofed one is what identity_mismatch looks for.
		tr.status = Confirmed
	}
	e.tracks = append(e.tracks, tr) // ids ascend, so the slice stays sorted
	e.reindex(tr, t)
	return tr
}

// countMisses charges a missed detection, ln(1 − Pd) on the score, to each
// track inside the sensor's coverage (around pe, pn) that this report did
// not update, and deletes those whose score has fallen too far.
func (e *Engine) countMisses(s *Sensor, pe, pn float64, t time.Time) {
	lo, hi := [2]float64{math.Inf(-1), math.Inf(-1)}, [2]float64{math.Inf(1), math.Inf(1)}
	if s.RangeM > 0 {
		lo, hi = [2]float64{pe - s.RangeM, pn - s.RangeM}, [2]float64{pe + s.RangeM, pn + s.RangeM}
	}
	e.missed = e.missed[:0]
	e.ms, e.mt, e.mpe, e.mpn = s, t, pe, pn
	e.index.Search(lo, hi, e.missVisit)
	miss := math.Log(1 - s.Pd)
	for _, tr := range e.missed {
		tr.addScore(miss)
		drop := e.p.DeleteScore
		if tr.status == Confirmed {
			drop = e.p.DeleteScoreConfirmed
		}
		if tr.score < tr.maxScore-drop {
			e.remove(tr)
		}
	}
}

// missVisitor is the R-tree visitor of countMisses: it collects the tracks
// inside the coverage of sensor e.ms at e.mt that the report did not update.
func (e *Engine) missVisitor(_, _ [2]float64, tr *Track) bool {
	t := e.mt
	if !tr.lastUpdate.Before(t) || tr.seenAt.Equal(t) || tr.t.After(t) {
		return true
	}
	if r := e.ms.RangeM; r > 0 {
		dt := t.Sub(tr.t).Seconds()
		if math.Hypot(tr.f.x[0]+dt*tr.f.x[2]-e.mpe, tr.f.x[1]+dt*tr.f.x[3]-e.mpn) > r {
			return true
		}
	}
	e.missed = append(e.missed, tr)
	return true
}

// Advance moves the engine clock to now without a report, deletes tracks
// that coasted past their timeout or grew too uncertain, and merges
// duplicate tracks. It returns, by ascending id, every track deleted since
// the previous Advance — here, or while applying reports (a score that fell
// too far) — with status Deleted, so that their alerts can be cleared. The
// returned tracks are valid until the next call to Advance, which recycles
// their memory.
func (e *Engine) Advance(now time.Time) []*Track {
	if now.Before(e.now) {
		return nil
	}
	e.now = now
	// The tracks handed out last time are no longer anyone's: recycle them.
	for _, tr := range e.handed {
		*tr = Track{}
		e.free = append(e.free, tr)
	}
	e.handed = e.handed[:0]
	if !now.Before(e.sweepAt) {
		e.sweepBoxes(now)
	}
	// Each live track's quick state, kept (by place in e.tracks) for
	// mergeDuplicates; a track past its timeout needs none.
	e.quick = slices.Grow(e.quick[:0], len(e.tracks))[:len(e.tracks)]
	for i, tr := range e.tracks {
		if tr.status == Deleted {
			continue
		}
		age := now.Sub(tr.lastUpdate)
		if (tr.status == Tentative && age > e.p.TentativeTimeout) ||
			(tr.status == Confirmed && age > e.p.CoastTime) {
			e.remove(tr)
			continue
		}
		e.quick[i] = tr.quickPos(now)
		if e.quick[i].sigma > e.p.MaxSigmaM {
			e.remove(tr)
		}
	}
	e.mergeDuplicates(now)
	for k, c := range e.coop {
		if now.Sub(c.t) > e.p.CoopWindow {
			e.coopIndex.Delete([2]float64{c.e, c.n}, [2]float64{c.e, c.n}, c)
			delete(e.coop, k)
		}
	}
	e.compact()
	e.handed, e.removed = e.removed, e.handed
	slices.SortFunc(e.handed, func(a, b *Track) int { return cmp.Compare(a.id, b.id) })
	return e.handed
}

// mergeDuplicates finds confirmed tracks that follow the same target — two
// tracks born of one target, e.g. from two sensors before either confirmed —
// and, after three checks in a row, deletes the younger (keeping the older
// id, the identity both had, and the sensors of both). It reads the quick
// states Advance left in e.quick.
//
// A track's candidates are the older confirmed tracks whose gate boxes
// touch a box of three position σ around it: the tracks an R-tree search
// of the engine's index would visit, found instead in a grid of the
// confirmed tracks' boxes built once per call (a few cell reads per track
// where a tree search walks its nodes). When several older tracks qualify,
// the oldest is taken, whatever order they were found in.
func (e *Engine) mergeDuplicates(now time.Time) {
	e.confirmed = e.confirmed[:0]
	e.cboxes = e.cboxes[:0]
	for i, tr := range e.tracks {
		if tr.status == Confirmed && !tr.boxUntil.IsZero() {
			e.confirmed = append(e.confirmed, int32(i))
			e.cboxes = append(e.cboxes, box{lo: tr.boxMin, hi: tr.boxMax})
		}
	}
	if len(e.confirmed) < 2 {
		for _, i := range e.confirmed {
			e.tracks[i].dupCount = 0
		}
		return
	}
	e.cgrid.build(e.cboxes)
	// A fresh round number: each track's state at now (mergeDistance's) is
	// then computed once, kept in its prediction cache, however many tracks
	// it is compared with.
	e.seq++
	var dead []*Track
	for j, i := range e.confirmed {
		tr, q := e.tracks[i], &e.quick[i]
		x := q.x
		r := 3 * q.sigma
		lo, hi := [2]float64{x[0] - r, x[1] - r}, [2]float64{x[0] + r, x[1] + r}
		e.hits = e.cgrid.query(e.hits[:0], lo, hi)
		// The older ones (ids ascend with the place in e.tracks) that pass the cheap tests.
		e.dupCand = e.dupCand[:0]
		for _, k := range e.hits {
			if int(k) >= j || !e.cboxes[k].intersects(lo, hi) {
				continue
			}
			o := e.tracks[e.confirmed[k]]
			// Two identities are two vessels, however close (moored side by side).
			if tr.identity != nil && o.identity != nil && !sameIdentity(tr.identity, o.identity) {
				continue
			}
			// Cheap first: the other track's position (at its own time) must lie
			// within the position part of the gate.
			dt := now.Sub(o.t).Seconds()
			de, dn := o.f.x[0]+dt*o.f.x[2]-x[0], o.f.x[1]+dt*o.f.x[3]-x[1]
			v := q.a + q.c + o.f.P[0][0] + o.f.P[1][1] + dt*dt*(o.f.P[2][2]+o.f.P[3][3])
			if de*de+dn*dn > 2*e.p.MergeChi2*v {
				continue
			}
			e.dupCand = append(e.dupCand, k)
		}
		slices.Sort(e.dupCand)
		older := (*Track)(nil)
		for _, k := range e.dupCand {
			if o := e.tracks[e.confirmed[k]]; e.mergeDistance(tr, o, now) <= e.p.MergeChi2 {
				older = o
				break
			}
		}
		if older == nil {
			tr.dupCount = 0
			continue
		}
		tr.dupCount++
		if tr.dupCount < 3 {
			continue
		}
		if older.identity == nil && tr.identity != nil {
			older.identity, older.identityTime = tr.identity, tr.identityTime
		}
		for i := tr.nSensors - 1; i >= 0; i-- {
			older.addSensor(tr.sensors[i].sensor, time.Unix(0, tr.sensors[i].ns))
		}
		dead = append(dead, tr)
	}
	for _, tr := range dead {
		e.remove(tr)
	}
}

// mergeDistance is the squared Mahalanobis distance between two tracks'
// states at now, under the sum of their covariances.
func (e *Engine) mergeDistance(a, b *Track, now time.Time) float64 {
	xa, Pa := e.stateAt(a, now)
	xb, Pb := e.stateAt(b, now)
	var d State
	var S [4][4]float64
	for i := 0; i < 4; i++ {
		d[i] = xa[i] - xb[i]
		for j := 0; j < 4; j++ {
			S[i][j] = Pa[i][j] + Pb[i][j]
		}
	}
	Si, ok := inv4(S)
	if !ok {
		return math.Inf(1)
	}
	var q float64
	for i := 0; i < 4; i++ {
		for j := 0; j < 4; j++ {
			q += d[i] * Si[i][j] * d[j]
		}
	}
	return q
}

// stateAt is tr.StateAt(now), kept in the track's prediction cache for the
// current round (e.seq).
func (e *Engine) stateAt(tr *Track, now time.Time) (*State, *Cov) {
	if tr.predSeq != e.seq {
		tr.predSeq = e.seq
		tr.predX, tr.predP = tr.StateAt(now)
	}
	return &tr.predX, &tr.predP
}

func (e *Engine) remove(tr *Track) {
	if tr.status == Deleted {
		return
	}
	tr.status = Deleted
	e.index.Delete(tr.boxMin, tr.boxMax, tr)
	e.dead++
	e.removed = append(e.removed, tr)
}

// compact drops deleted tracks from e.tracks.
func (e *Engine) compact() {
	if e.dead == 0 {
		return
	}
	live := e.tracks[:0]
	for _, tr := range e.tracks {
		if tr.status != Deleted {
			live = append(live, tr)
		}
	}
	clear(e.tracks[len(live):])
	e.tracks = live
	e.dead = 0
}

// reindex makes sure the track's box in the R-tree covers its gate over
// [t − OOSMWindow, t + BoxLife]. The box is computed from the combined
// estimate with the manoeuvring noise and widened by the drift of a turn at
// the modes' rate; when the box already in the tree covers it, valid long
// enough and not much larger, the tree is left alone.
func (e *Engine) reindex(tr *Track, t time.Time) {
	k := math.Sqrt(e.p.GateChi2) * 1.1
	q := tr.ip.q[nModes-1]
	w := math.Abs(tr.ip.omega[nModes-1])
	speed := math.Hypot(tr.f.x[2], tr.f.x[3])
	lo := [2]float64{math.Inf(1), math.Inf(1)}
	hi := [2]float64{math.Inf(-1), math.Inf(-1)}
	base := t.Sub(tr.t).Seconds()
	for _, f := range [...]float64{-e.p.OOSMWindow.Seconds(), 0, e.p.BoxLife.Seconds()} {
		dt := base + f
		x, P := tr.f.x, tr.f.P
		if dt > 0 {
			predictCV(&x, &P, dt, q)
		} else if dt < 0 {
			x[0] += dt * x[2]
			x[1] += dt * x[3]
			P[0][0] += dt*dt*P[2][2] + 2*dt*P[0][2]
			P[1][1] += dt*dt*P[3][3] + 2*dt*P[1][3]
		}
		turn := 0.5 * speed * w * dt * dt // how far a turn bends away from the straight line
		se, sn := math.Sqrt(math.Max(P[0][0], 0)), math.Sqrt(math.Max(P[1][1], 0))
		lo[0], lo[1] = math.Min(lo[0], x[0]-k*se-turn), math.Min(lo[1], x[1]-k*sn-turn)
		hi[0], hi[1] = math.Max(hi[0], x[0]+k*se+turn), math.Max(hi[1], x[1]+k*sn+turn)
	}
	if !tr.boxUntil.IsZero() {
		inside := tr.boxMin[0] <= lo[0] && tr.boxMin[1] <= lo[1] && tr.boxMax[0] >= hi[0] && tr.boxMax[1] >= hi[1]
		oldArea := (tr.boxMax[0] - tr.boxMin[0]) * (tr.boxMax[1] - tr.boxMin[1])
		newArea := (hi[0] - lo[0]) * (hi[1] - lo[1])
		if inside && oldArea <= 4*newArea {
			// The stored box covers the gate over the whole new horizon: it stays,
			// valid that much longer.
			tr.boxUntil = t.Add(e.p.BoxLife)
			return
		}
		e.index.Delete(tr.boxMin, tr.boxMax, tr)
	}
	// Grow the stored box a little, so the next updates usually fit in it.
	pad := 0.25 * math.Max(hi[0]-lo[0], hi[1]-lo[1])
	lo[0], lo[1], hi[0], hi[1] = lo[0]-pad, lo[1]-pad, hi[0]+pad, hi[1]+pad
	tr.boxMin, tr.boxMax = lo, hi
	tr.boxUntil = t.Add(e.p.BoxLife)
	e.index.Insert(lo, hi, tr)
	if e.sweepAt.IsZero() || tr.boxUntil.Before(e.sweepAt) {
		e.sweepAt = tr.boxUntil
	}
}

// relayoutEvery is how often the tracks are moved into one block of memory
// in space-filling-curve order (from Params.RelayoutMin tracks on).
const relayoutEvery = 30 * time.Second

// relayout moves the live tracks into one array, ordered along the Z-order
// curve of their positions, and rebuilds the R-tree in that order, so that
// tracks near each other at sea are near each other in memory, as are their
// tree nodes: a scan, searched and updated in the same order, then walks
// memory mostly forward. Only the engine holds track pointers between calls.
func (e *Engine) relayout(now time.Time) {
	e.compact()
	n := len(e.tracks)
	order := make([]mortonItem, n)
	for i, tr := range e.tracks {
		order[i] = mortonItem{key: morton(tr.f.x[0], tr.f.x[1]), i: int32(i)}
	}
	slices.SortFunc(order, func(a, b mortonItem) int {
		if c := cmp.Compare(a.key, b.key); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	slab := make([]Track, n)
	moved := make([]*Track, n)
	for j, o := range order {
		slab[j] = *e.tracks[o.i]
		moved[o.i] = &slab[j]
	}
	e.index = rtree.RTreeGN[float64, *Track]{}
	for j := range slab {
		if tr := &slab[j]; !tr.boxUntil.IsZero() {
			e.index.Insert(tr.boxMin, tr.boxMax, tr)
		}
	}
	copy(e.tracks, moved)
	clear(e.free) // recycled structs may pin an old block: let them go
	e.free = e.free[:0]
	e.lastRelayout = now
}

// sweepBoxes refreshes the boxes of tracks whose box expires before t+BoxLife/2.
func (e *Engine) sweepBoxes(t time.Time) {
	if e.p.RelayoutMin > 0 && len(e.tracks) >= e.p.RelayoutMin && t.Sub(e.lastRelayout) >= relayoutEvery {
		e.relayout(t)
	}
	limit := t.Add(e.p.BoxLife / 2)
	e.sweepAt = time.Time{}
	for _, tr := range e.tracks {
		if tr.status == Deleted {
			continue
		}
		if tr.boxUntil.Before(limit) {
			e.reindex(tr, t)
		} else if e.sweepAt.IsZero() || tr.boxUntil.Before(e.sweepAt) {
			e.sweepAt = tr.boxUntil
		}
	}
}

// rememberCoop records a cooperative position for NearbyCooperative.
func (e *Engine) rememberCoop(m *measurement, t time.Time) {
	k := coopKey{mmsi: m.ID.MMSI, icao: m.ID.ICAO}
	if c, ok := e.coop[k]; ok {
		if t.Before(c.t) {
			return
		}
		e.coopIndex.Delete([2]float64{c.e, c.n}, [2]float64{c.e, c.n}, c)
		c.e, c.n, c.t = m.E, m.N, t
		e.coopIndex.Insert([2]float64{c.e, c.n}, [2]float64{c.e, c.n}, c)
		return
	}
	c := &coopPos{key: k, e: m.E, n: m.N, t: t}
	e.coop[k] = c
	e.coopIndex.Insert([2]float64{c.e, c.n}, [2]float64{c.e, c.n}, c)
}

// NearbyCooperative reports whether a cooperative (AIS/ADS-B) position was
// reported within radius metres of (east, north) at or after since.
func (e *Engine) NearbyCooperative(east, north, radius float64, since time.Time) bool {
	found := false
	e.coopIndex.Search([2]float64{east - radius, north - radius}, [2]float64{east + radius, north + radius},
		func(_, _ [2]float64, c *coopPos) bool {
			if !c.t.Before(since) && math.Hypot(c.e-east, c.n-north) <= radius {
				found = true
				return false
			}
			return true
		})
	return found
}

func finite2(v [2]float64) bool {
	return !math.IsNaN(v[0]) && !math.IsNaN(v[1]) && !math.IsInf(v[0], 0) && !math.IsInf(v[1], 0)
}

func finite22(m [2][2]float64) bool {
	return finite2(m[0]) && finite2(m[1])
}
