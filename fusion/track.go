package fusion

import (
	"fmt"
	"math"
	"time"

	"github.com/vigia-project/vigia/sensors"
)

// Status is where a track is in its life.
type Status uint8

// Track statuses: a track is born tentative, confirmed when its score (and
// number of detections) is high enough, and deleted when its score falls,
// it coasts too long or it grows too uncertain.
const (
	Tentative Status = iota
	Confirmed
	Deleted
)

// String returns "tentative", "confirmed" or "deleted".
func (s Status) String() string {
	switch s {
	case Tentative:
		return "tentative"
	case Confirmed:
		return "confirmed"
	default:
		return "deleted"
	}
}

// maxTrackSensors bounds the per-track list of contributing sensors.
const maxTrackSensors = 8

// SensorHit records when a sensor last contributed to a track.
type SensorHit struct {
	Sensor string
	Time   time.Time
}

// Track is one fused target. The engine owns it; readers outside the engine
// goroutine must use a Snapshot.
type Track struct {
	// Hot fields first, read for every candidate of every detection.
	id     uint64
	status Status
	class  sensors.Class
	hits   int        // detections associated
	ip     *immParams // the class's noise levels
	t      time.Time  // time of the filter's estimate
	// lastUpdate and seenAt are read for every track in coverage of every scan.
	lastUpdate time.Time
	seenAt     time.Time // the last report that took a detection for it without applying it
	pairSeq    uint64    // the association round that last took this track
	local      int32     // its index among this round's candidate tracks
	// predX, predP are its prediction to the time of round predSeq (an
	// association, or Advance's duplicate check).
	predSeq      uint64
	identity     *sensors.Identity
	identityTime time.Time
	f            immState // the filter, at time t
	predX        State
	predP        Cov

	alt      float64 // altitude estimate (m), 0 when none (surface, or 2-D sensors only)
	altVar   float64 // its variance (m²); 0: no altitude yet
	altT     time.Time
	born     time.Time
	score    float64 // log-likelihood ratio of target against clutter
	maxScore float64 // the best score it has had

	airVotes, surfaceVotes int  // explicit class evidence
	priorAir, priorSurface int  // the contributing sensors' usual classes
	tooFast                bool // moving faster than any vessel

	sensors  [maxTrackSensors]sensorHit // most recent first
	nSensors int

	// conflict is the last other identity reported inside the track's gate while it held its own.
	conflict     *sensors.Identity
	conflictTime time.Time

	// box is the R-tree rectangle the track is indexed under, valid until boxUntil.
	boxMin, boxMax [2]float64
	boxUntil       time.Time

	dupCount int // consecutive checks it has looked like a duplicate of an older track
}

// ID returns the track's number, stable for its life.
func (t *Track) ID() uint64 { return t.id }

// Name returns the track's id as shown in alerts, e.g. "T000142".
func (t *Track) Name() string { return TrackName(t.id) }

// TrackName formats a track number as shown in alerts, e.g. "T000142".
func TrackName(id uint64) string { return fmt.Sprintf("T%06d", id) }

// Status returns the track's status.
func (t *Track) Status() Status { return t.status }

// Class returns the track's class from the evidence so far.
func (t *Track) Class() sensors.Class { return t.class }

// Born returns the time of the track's first detection.
func (t *Track) Born() time.Time { return t.born }

// LastUpdate returns the time of the track's latest detection.
func (t *Track) LastUpdate() time.Time { return t.lastUpdate }

// Identity returns the cooperative identity (AIS/ADS-B) last associated and when; nil when none.
func (t *Track) Identity() (*sensors.Identity, time.Time) { return t.identity, t.identityTime }

// IdentityConflict returns the last cooperative identity that disagreed with
// the track's own (reported inside its gate while it held another), and when;
// nil when there has been none.
func (t *Track) IdentityConflict() (*sensors.Identity, time.Time) { return t.conflict, t.conflictTime }

// Sensors returns the sensors that contributed, most recent first.
func (t *Track) Sensors() []SensorHit {
	out := make([]SensorHit, t.nSensors)
	for i := range out {
		out[i] = SensorHit{Sensor: t.sensors[i].sensor, Time: time.Unix(0, t.sensors[i].ns).UTC()}
	}
	return out
}

// sensorHit is SensorHit kept compact inside the track.
type sensorHit struct {
	sensor string
	ns     int64 // Unix nanoseconds
}

// StateAt returns the track's combined state and covariance predicted to at
// (never backwards: a time before the track's own gives its current state).
func (t *Track) StateAt(at time.Time) (State, Cov) {
	return t.f.predicted(at.Sub(t.t).Seconds(), t.ip)
}

// ModeProbabilities returns the probabilities of the quiet motion mode and
// of the manoeuvring modes together.
func (t *Track) ModeProbabilities() (quietP, manoeuvring float64) {
	return t.f.mu[quiet], 1 - t.f.mu[quiet]
}

// Alt returns the track's altitude estimate in metres (0 for surface).
func (t *Track) Alt() float64 { return t.alt }

// altRate is the random-walk rate of the altitude filter (m/s): how fast
// the altitude estimate may follow a climb or descent.
const altRate = 5.0

// fuseAlt updates the altitude estimate with a measured altitude z of
// standard deviation sigma at time at: a scalar Kalman filter on a random
// walk, so that one noisy elevation does not swing the altitude by hundreds
// of metres.
func (t *Track) fuseAlt(z, sigma float64, at time.Time) {
	if math.IsNaN(z) || math.IsInf(z, 0) {
		return
	}
	r := sigma * sigma
	if t.altVar == 0 {
		t.alt, t.altVar, t.altT = z, r, at
		return
	}
	if dt := at.Sub(t.altT).Seconds(); dt > 0 {
		t.altVar += altRate * altRate * dt
		t.altT = at
	}
	k := t.altVar / (t.altVar + r)
	t.alt += k * (z - t.alt)
	t.altVar *= 1 - k
}

func (t *Track) addSensor(id string, at time.Time) {
	h := sensorHit{id, at.UnixNano()}
	n := t.nSensors
	for i := 0; i < n; i++ {
		if t.sensors[i].sensor == id {
			copy(t.sensors[1:i+1], t.sensors[:i])
			t.sensors[0] = h
			return
		}
	}
	if n < maxTrackSensors {
		n++
		t.nSensors = n
	}
	copy(t.sensors[1:n], t.sensors[:n-1])
	t.sensors[0] = h
}

// vote adds one detection's class evidence and re-derives the class: the
// explicit evidence (a class in the payload, a clear altitude) by majority,
// else the sensors' usual classes by majority; and air, whatever the votes,
// once the estimated speed is clearly beyond what any vessel does.
func (t *Track) vote(c, prior sensors.Class, maxSurfaceSpeed float64) {
	switch c {
	case sensors.ClassAir:
		t.airVotes++
	case sensors.ClassSurface:
		t.surfaceVotes++
	}
	switch prior {
	case sensors.ClassAir:
		t.priorAir++
	case sensors.ClassSurface:
		t.priorSurface++
	}
	speed := math.Hypot(t.f.x[2], t.f.x[3])
	speedSigma := math.Sqrt(math.Max(t.f.P[2][2]+t.f.P[3][3], 0))
	// Kinematic evidence, with hysteresis: set when the speed is clearly above
	// a vessel's, cleared only when it is clearly below.
	switch {
	case t.hits >= 3 && speed-2*speedSigma > maxSurfaceSpeed:
		t.tooFast = true
	case speed < 0.8*maxSurfaceSpeed:
		t.tooFast = false
	}
	switch {
	case t.tooFast:
		t.class = sensors.ClassAir
	case t.airVotes > t.surfaceVotes:
		t.class = sensors.ClassAir
	case t.surfaceVotes > t.airVotes:
		t.class = sensors.ClassSurface
	case t.priorAir > t.priorSurface:
		t.class = sensors.ClassAir
	case t.priorSurface > t.priorAir:
		t.class = sensors.ClassSurface
	default:
		t.class = sensors.ClassUnknown
	}
}

func (t *Track) addScore(d float64) {
	t.score += d
	if t.score > t.maxScore {
		t.maxScore = t.score
	}
}

// Score returns the track's score: the log-likelihood ratio that it is a
// target rather than clutter.
func (t *Track) Score() float64 { return t.score }

// speedClass is the class whose top speed bounds the track's velocity.
func (t *Track) speedClass() sensors.Class {
	if t.class == sensors.ClassUnknown && t.priorSurface > t.priorAir {
		return sensors.ClassSurface
	}
	return t.class
}

// quickState is the combined estimate moved to at along its velocity, with
// the manoeuvring noise: cheaper than StateAt (one prediction instead of one
// per mode), and no less uncertain, for housekeeping checks.
func (t *Track) quickState(at time.Time) (State, Cov) {
	x, P := t.f.x, t.f.P
	if dt := at.Sub(t.t).Seconds(); dt > 0 {
		predictCV(&x, &P, dt, t.ip.q[nModes-1])
	}
	return x, P
}

// quickPos is the part of a track's quick state that Advance's housekeeping
// reads: the position moved along the velocity, the position block
// [[a b] [b c]] of the covariance, and its σ along the major axis (posSigma).
type quickPos struct {
	x              State
	a, b, c, sigma float64
}

// quickPos is quickState without the velocity rows of the covariance: the
// same arithmetic as predictCV's on the position block, so the same bits.
func (t *Track) quickPos(at time.Time) quickPos {
	x, P := t.f.x, &t.f.P
	q := quickPos{a: P[0][0], b: P[0][1], c: P[1][1]}
	if dt := at.Sub(t.t).Seconds(); dt > 0 {
		x[0] += dt * x[2]
		x[1] += dt * x[3]
		q.a += dt*(P[0][2]+P[2][0]) + dt*dt*P[2][2]
		q.b += dt*(P[0][3]+P[2][1]) + dt*dt*P[2][3]
		q.c += dt*(P[1][3]+P[3][1]) + dt*dt*P[3][3]
		sa := t.ip.q[nModes-1]
		qa := sa * sa
		dt2 := dt * dt
		q11 := qa * dt2 * dt2 / 4
		q.a += q11
		q.c += q11
	}
	q.x = x
	q.sigma = posSigmaOf(q.a, q.b, q.c)
	return q
}
