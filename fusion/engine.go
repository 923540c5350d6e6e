// Package fusion turns sensor reports into one track picture.
//
// Data moves through Engine.Apply one report at a time, in measurement-time
// order (the caller's reorder window guarantees it; a report older than the
// engine clock is refused, never applied backwards):
//
//	detection → local tangent plane (geo.Frame) with its covariance
//	         → candidate tracks from the R-tree of track gates
//	         → chi-square gate on the predicted state, cheapest pairs first
//	         → Kalman update (constant velocity) or a new tentative track
//	         → M-of-N confirmation, misses counted only inside the sensor's coverage
//
// Engine.Advance moves the clock without a report: it deletes tracks that
// coasted too long or grew too uncertain. The engine is single-threaded by
// design: one goroutine owns it, so the same reports give the same tracks.
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
	// ErrLate means the report's time is before the engine clock.
	ErrLate = errors.New("report older than the engine clock")
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
	GateChi2         float64
	ConfirmHits      int
	ConfirmWindow    int
	CoastTime        time.Duration
	TentativeTimeout time.Duration
	MaxSigmaM        float64
	ProcessNoise     [3]float64 // acceleration σ (m/s²)
	MaxSpeed         [3]float64 // m/s
	AirAltitudeM     float64
	// CoopWindow is how long cooperative (AIS/ADS-B) positions are remembered for NearbyCooperative.
	CoopWindow time.Duration
	// BoxLife is how long a track's gate box in the R-tree stays valid before it is refreshed.
	BoxLife time.Duration
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
}

// Result says what one report did.
type Result struct {
	Detections int
	Associated int
	NewTracks  int
	Confirmed  int
	// Rejected counts single detections refused, by reason.
	Rejected map[string]int
}

// Engine holds the track picture.
type Engine struct {
	p       Params
	frame   *geo.Frame
	sensors map[string]*Sensor

	tracks []*Track                       // live tracks by ascending id
	index  rtree.RTreeGN[float64, *Track] // each track's gate box
	nextID uint64
	now    time.Time // engine clock: latest report or Advance time
	// sweepAt is the earliest time a track's box expires.
	sweepAt time.Time

	coop      map[coopKey]*coopPos
	coopIndex rtree.RTreeGN[float64, *coopPos]

	// scratch, reused per report
	seq   uint64 // numbers association rounds; Track.pairSeq marks a track taken in the current one
	meas  []measurement
	pairs []pair
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
	if p.GateChi2 <= 0 || p.ConfirmHits < 1 || p.ConfirmWindow < p.ConfirmHits {
		return nil, fmt.Errorf("fusion: bad parameters: gate %v, confirm %d of %d", p.GateChi2, p.ConfirmHits, p.ConfirmWindow)
	}
	if p.BoxLife <= 0 {
		p.BoxLife = 20 * time.Second
	}
	if p.CoopWindow <= 0 {
		p.CoopWindow = 2 * time.Minute
	}
	e := &Engine{p: p, frame: frame, sensors: map[string]*Sensor{}, coop: map[coopKey]*coopPos{}}
	for i := range list {
		s := list[i]
		if _, dup := e.sensors[s.ID]; dup {
			return nil, fmt.Errorf("fusion: sensor %q given twice", s.ID)
		}
		e.sensors[s.ID] = &s
	}
	return e, nil
}

// Frame returns the engine's local tangent plane.
func (e *Engine) Frame() *geo.Frame { return e.frame }

// Now returns the engine clock.
func (e *Engine) Now() time.Time { return e.now }

// Tracks returns the live tracks by ascending id. The slice and the tracks
// belong to the engine: read them only on the engine's goroutine.
func (e *Engine) Tracks() []*Track { return e.tracks }

// SigmaA returns the process noise (acceleration σ) for a class.
func (e *Engine) SigmaA(c sensors.Class) float64 { return e.p.ProcessNoise[c] }

// Apply fuses one report. A report refused as a whole returns an error
// wrapping one of the Err values; single bad detections are skipped and
// counted in Result.Rejected.
func (e *Engine) Apply(r *sensors.Report) (Result, error) {
	var res Result
	s, ok := e.sensors[r.Sensor]
	if !ok {
		return res, fmt.Errorf("sensor %q: %w", r.Sensor, ErrUnknownSensor)
	}
	if r.Time.Before(e.now) {
		return res, fmt.Errorf("sensor %q: report at %s, engine at %s: %w", r.Sensor,
			r.Time.Format(time.RFC3339Nano), e.now.Format(time.RFC3339Nano), ErrLate)
	}
	platform, err := e.platform(s, r)
	if err != nil {
		return res, err
	}
	t := r.Time
	e.now = t
	if !t.Before(e.sweepAt) {
		e.sweepBoxes(t)
	}
	res.Detections = len(r.Detections)
	e.measure(s, platform, r, &res)
	e.associate(t)

	for _, pr := range e.pairs {
		m := &e.meas[pr.m]
		e.update(pr.t, m, s, t)
		res.Associated++
		if pr.t.status == Tentative && pr.t.hits >= e.p.ConfirmHits {
			pr.t.status = Confirmed
			res.Confirmed++
		}
	}
	if !s.Cooperative {
		e.countMisses(s, platform, t)
	}
	for i := range e.meas {
		m := &e.meas[i]
		if m.assigned || m.rejected {
			continue
		}
		e.newTrack(m, s, t)
		res.NewTracks++
	}
	for i := range e.meas {
		if m := &e.meas[i]; m.id != nil && !m.rejected {
			e.rememberCoop(m, t)
		}
	}
	return res, nil
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
	return geo.LLA{}, nil // geodetic detections only: the platform is not needed
}

// measurement is one detection in the engine frame.
type measurement struct {
	z        [2]float64
	R        [2][2]float64
	alt      float64
	class    sensors.Class
	prior    sensors.Class
	vel      [2]float64
	hasVel   bool
	id       *sensors.Identity
	assigned bool
	rejected bool
	boxR     float64 // half-size of its search box
}

// measure converts every detection of r into the engine frame.
func (e *Engine) measure(s *Sensor, platform geo.LLA, r *sensors.Report, res *Result) {
	e.meas = e.meas[:0]
	// Rotation from the sensor's local north to the frame's north.
	var rot [2][2]float64
	hasPolar := false
	for i := range r.Detections {
		if r.Detections[i].Polar {
			hasPolar = true
			break
		}
	}
	if hasPolar {
		pe, pn, _ := e.frame.ToENU(platform)
		qe, qn, _ := e.frame.ToENU(geo.Destination(platform, 0, 1000))
		th := math.Atan2(qe-pe, qn-pn)
		c, sn := math.Cos(th), math.Sin(th)
		rot = [2][2]float64{{c, sn}, {-sn, c}}
	}
	for i := range r.Detections {
		d := &r.Detections[i]
		// class is hard evidence (the payload's class, a clear altitude); prior is
		// the sensor's usual class, a weak hint that never blocks association.
		m := measurement{class: d.Class, prior: s.Class, id: d.ID}
		var pos geo.LLA
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
			pos = geo.PolarToLLA(platform, geo.Polar{Range: d.Range, Bearing: d.Bearing, Elevation: d.Elevation}, d.HasElevation, targetAlt)
			ground := d.Range
			if dh := platform.Alt - pos.Alt; math.Abs(dh) < d.Range {
				ground = math.Sqrt(d.Range*d.Range - dh*dh)
			}
			Rl := geo.PolarCovariance(ground, d.Bearing, sr, sb)
			m.R = rotate(rot, Rl)
			if d.HasElevation {
				// A 3-D plot: its altitude is evidence of class when it is clear of the noise
				// (elevation σ taken as the bearing σ).
				sigAlt := d.Range * sb * math.Pi / 180
				switch {
				case pos.Alt-3*sigAlt > e.p.AirAltitudeM:
					m.class = sensors.ClassAir
				case pos.Alt+3*sigAlt < e.p.AirAltitudeM && d.Class == sensors.ClassUnknown:
					m.class = sensors.ClassSurface
				}
				m.alt = math.Max(pos.Alt, 0)
			} else if d.HasAlt {
				m.alt = d.Alt
				if d.Class == sensors.ClassUnknown && d.Alt > e.p.AirAltitudeM {
					m.class = sensors.ClassAir
				}
			} else {
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
				m.alt = d.Alt
				if d.Class == sensors.ClassUnknown && d.Alt > e.p.AirAltitudeM {
					m.class = sensors.ClassAir
				}
			}
		}
		ze, zn, zu := e.frame.ToENU(pos)
		m.z = [2]float64{ze, zn}
		if d.HasVelocity {
			c := d.Course * math.Pi / 180
			m.vel = [2]float64{d.Speed * math.Sin(c), d.Speed * math.Cos(c)}
			m.hasVel = true
		}
		switch {
		case !finite2(m.z) || !finite22(m.R) || m.R[0][0] <= 0 || m.R[1][1] <= 0:
			m.rejected = true
			res.reject(ReasonBadGeometry)
		case math.Hypot(math.Hypot(ze, zn), zu) > maxRegionM:
			m.rejected = true
			res.reject(ReasonOutOfRegion)
		}
		m.boxR = math.Sqrt(e.p.GateChi2) * math.Sqrt(math.Max(m.R[0][0], m.R[1][1]))
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
	t    *Track
	m    int
	cost float64
}

// associate finds every gated pair among this report's measurements and the
// tracks whose gate boxes they touch, then keeps the cheapest pairs so that
// each track and each measurement is used at most once (global nearest
// neighbour; cost = d² + ln|S|, the negative log-likelihood up to a constant).
func (e *Engine) associate(t time.Time) {
	e.pairs = e.pairs[:0]
	for i := range e.meas {
		m := &e.meas[i]
		if m.rejected {
			continue
		}
		mi := i
		e.index.Search([2]float64{m.z[0] - m.boxR, m.z[1] - m.boxR}, [2]float64{m.z[0] + m.boxR, m.z[1] + m.boxR},
			func(_, _ [2]float64, tr *Track) bool {
				if !compatible(tr.class, m.class) {
					return true
				}
				if m.id != nil && tr.identity != nil && !sameIdentity(m.id, tr.identity) &&
					t.Sub(tr.identityTime) < e.p.CoopWindow {
					return true // a different vessel's AIS does not update a track that has its own
				}
				x, P := tr.StateAt(t, e.p.ProcessNoise[tr.class])
				nu, S := innovation(&x, &P, m.z, m.R)
				Si, det, ok := inv2(S)
				if !ok {
					return true
				}
				d2 := mahalanobis2(nu, Si)
				if d2 <= e.p.GateChi2 {
					e.pairs = append(e.pairs, pair{t: tr, m: mi, cost: d2 + math.Log(det)})
				}
				return true
			})
	}
	slices.SortFunc(e.pairs, func(a, b pair) int {
		if c := cmp.Compare(a.cost, b.cost); c != 0 {
			return c
		}
		if c := cmp.Compare(a.t.id, b.t.id); c != 0 {
			return c
		}
		return cmp.Compare(a.m, b.m)
	})
	e.seq++
	out := e.pairs[:0]
	for _, p := range e.pairs {
		if p.t.pairSeq == e.seq || e.meas[p.m].assigned {
			continue
		}
		p.t.pairSeq = e.seq
		e.meas[p.m].assigned = true
		out = append(out, p)
	}
	e.pairs = out
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

// update applies measurement m of sensor s at time t to track tr.
func (e *Engine) update(tr *Track, m *measurement, s *Sensor, t time.Time) {
	x0, P0 := tr.x, tr.P
	if dt := t.Sub(tr.t).Seconds(); dt > 0 {
		predictCV(&tr.x, &tr.P, dt, e.p.ProcessNoise[tr.class])
	}
	tr.t = t
	if !updatePos(&tr.x, &tr.P, m.z, m.R) || !finiteState(&tr.x, &tr.P) {
		tr.x, tr.P = x0, P0 // never keep a corrupted state
		return
	}
	tr.hits++
	if tr.status == Tentative {
		tr.opps++
	}
	tr.lastUpdate = t
	if m.alt > 0 || m.class == sensors.ClassAir {
		tr.alt = m.alt
	}
	tr.vote(m.class, m.prior, e.p.MaxSpeed[sensors.ClassSurface])
	tr.addSensor(s.ID, t)
	if m.id != nil {
		id := *m.id
		tr.identity = &id
		tr.identityTime = t
	}
	e.reindex(tr, t)
}

// newTrack starts a tentative track on an unassigned measurement.
func (e *Engine) newTrack(m *measurement, s *Sensor, t time.Time) {
	e.nextID++
	tr := &Track{id: e.nextID, status: Tentative, t: t, born: t, lastUpdate: t, hits: 1, opps: 1, alt: m.alt}
	tr.x = State{m.z[0], m.z[1], 0, 0}
	tr.P[0][0], tr.P[0][1], tr.P[1][0], tr.P[1][1] = m.R[0][0], m.R[0][1], m.R[1][0], m.R[1][1]
	if m.hasVel {
		tr.x[2], tr.x[3] = m.vel[0], m.vel[1]
		tr.P[2][2], tr.P[3][3] = 4, 4 // a reported velocity: σ 2 m/s per axis
	} else {
		c := m.class
		if c == sensors.ClassUnknown {
			c = m.prior
		}
		v := e.p.MaxSpeed[c]
		tr.P[2][2], tr.P[3][3] = v*v/2, v*v/2 // unknown velocity: a speed up to the class's maximum
	}
	tr.vote(m.class, m.prior, e.p.MaxSpeed[sensors.ClassSurface])
	tr.addSensor(s.ID, t)
	if m.id != nil {
		id := *m.id
		tr.identity = &id
		tr.identityTime = t
	}
	if e.p.ConfirmHits <= 1 {
		tr.status = Confirmed
	}
	e.tracks = append(e.tracks, tr) // ids ascend, so the slice stays sorted
	e.reindex(tr, t)
}

// countMisses charges a missed opportunity to each tentative track inside
// the sensor's coverage that this report did not update, and deletes those
// that can no longer reach M of N.
func (e *Engine) countMisses(s *Sensor, platform geo.LLA, t time.Time) {
	pe, pn, _ := e.frame.ToENU(platform)
	rng := s.RangeM
	lo, hi := [2]float64{math.Inf(-1), math.Inf(-1)}, [2]float64{math.Inf(1), math.Inf(1)}
	if rng > 0 {
		lo, hi = [2]float64{pe - rng, pn - rng}, [2]float64{pe + rng, pn + rng}
	}
	var dead []*Track
	e.index.Search(lo, hi, func(_, _ [2]float64, tr *Track) bool {
		if tr.status != Tentative || tr.lastUpdate.Equal(t) {
			return true
		}
		x, _ := tr.StateAt(t, 0)
		if rng > 0 && math.Hypot(x[0]-pe, x[1]-pn) > rng {
			return true
		}
		tr.opps++
		if tr.opps-tr.hits > e.p.ConfirmWindow-e.p.ConfirmHits {
			dead = append(dead, tr)
		}
		return true
	})
	for _, tr := range dead {
		e.remove(tr)
	}
}

// Advance moves the engine clock to now without a report and deletes tracks
// that coasted past their timeout or grew too uncertain. It returns the
// tracks deleted (status Deleted), by ascending id.
func (e *Engine) Advance(now time.Time) []*Track {
	if now.Before(e.now) {
		return nil
	}
	e.now = now
	if !now.Before(e.sweepAt) {
		e.sweepBoxes(now)
	}
	var dead []*Track
	for _, tr := range e.tracks {
		age := now.Sub(tr.lastUpdate)
		_, P := tr.StateAt(now, e.p.ProcessNoise[tr.class])
		if (tr.status == Tentative && age > e.p.TentativeTimeout) ||
			(tr.status == Confirmed && age > e.p.CoastTime) ||
			posSigma(&P) > e.p.MaxSigmaM {
			dead = append(dead, tr)
		}
	}
	for _, tr := range dead {
		e.remove(tr)
	}
	for k, c := range e.coop {
		if now.Sub(c.t) > e.p.CoopWindow {
			e.coopIndex.Delete([2]float64{c.e, c.n}, [2]float64{c.e, c.n}, c)
			delete(e.coop, k)
		}
	}
	return dead
}

func (e *Engine) remove(tr *Track) {
	if tr.status == Deleted {
		return
	}
	tr.status = Deleted
	e.index.Delete(tr.boxMin, tr.boxMax, tr)
	i, found := slices.BinarySearchFunc(e.tracks, tr.id, func(t *Track, id uint64) int { return cmp.Compare(t.id, id) })
	if found {
		e.tracks = slices.Delete(e.tracks, i, i+1)
	}
}

// reindex recomputes the track's gate box for [t, t+BoxLife] and stores it in the R-tree.
func (e *Engine) reindex(tr *Track, t time.Time) {
	if !tr.boxUntil.IsZero() {
		e.index.Delete(tr.boxMin, tr.boxMax, tr)
	}
	k := math.Sqrt(e.p.GateChi2) * 1.1
	sa := e.p.ProcessNoise[tr.class]
	lo := [2]float64{math.Inf(1), math.Inf(1)}
	hi := [2]float64{math.Inf(-1), math.Inf(-1)}
	for _, f := range [...]float64{0, 0.5, 1} {
		at := t.Add(time.Duration(f * float64(e.p.BoxLife)))
		x, P := tr.StateAt(at, sa)
		se, sn := math.Sqrt(math.Max(P[0][0], 0)), math.Sqrt(math.Max(P[1][1], 0))
		lo[0], lo[1] = math.Min(lo[0], x[0]-k*se), math.Min(lo[1], x[1]-k*sn)
		hi[0], hi[1] = math.Max(hi[0], x[0]+k*se), math.Max(hi[1], x[1]+k*sn)
	}
	tr.boxMin, tr.boxMax = lo, hi
	tr.boxUntil = t.Add(e.p.BoxLife)
	e.index.Insert(lo, hi, tr)
	if e.sweepAt.IsZero() || tr.boxUntil.Before(e.sweepAt) {
		e.sweepAt = tr.boxUntil
	}
}

// sweepBoxes refreshes the boxes of tracks whose box expires before t+BoxLife/2.
func (e *Engine) sweepBoxes(t time.Time) {
	limit := t.Add(e.p.BoxLife / 2)
	e.sweepAt = time.Time{}
	for _, tr := range e.tracks {
		if tr.boxUntil.Before(limit) {
			e.reindex(tr, t)
		} else if e.sweepAt.IsZero() || tr.boxUntil.Before(e.sweepAt) {
			e.sweepAt = tr.boxUntil
		}
	}
}

// rememberCoop records a cooperative position for NearbyCooperative.
func (e *Engine) rememberCoop(m *measurement, t time.Time) {
	k := coopKey{mmsi: m.id.MMSI, icao: m.id.ICAO}
	if c, ok := e.coop[k]; ok {
		e.coopIndex.Delete([2]float64{c.e, c.n}, [2]float64{c.e, c.n}, c)
		c.e, c.n, c.t = m.z[0], m.z[1], t
		e.coopIndex.Insert([2]float64{c.e, c.n}, [2]float64{c.e, c.n}, c)
		return
	}
	c := &coopPos{key: k, e: m.z[0], n: m.z[1], t: t}
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
