// Package sim is Vigia's deterministic scene simulator: scripted targets
// watched by simulated sensors whose gateways publish native JSON sensor
// reports (SPEC §3) on `{prefix}obs/{kind}/{sensor}`, exactly as real
// gateways would.
//
// A Scene describes the sensors, the targets and the behaviours the script
// is meant to provoke; RioGrande is the built-in scene in the Gulf of Mexico
// off the mouth of the Rio Grande. A Generator turns a Scene and a seed into
// an endless, time-ordered stream of Messages: same scene, start and seed,
// byte-identical messages. Scene.Truth gives the ground truth at any time.
//
// Data flow: Scene (script) → Generator (compiled targets, one event source
// per scanning sensor and per AIS vessel, each with its own seeded PCG
// stream) → Next picks the earliest event → the sensor model measures the
// truth at that time (range/Pd/noise/clutter) → the payload is encoded.
//
// The package uses only the standard library and imports nothing of Vigia.
package sim

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Kind is the kind of a sensor; it is the `{kind}` part of the topic.
type Kind string

// Sensor kinds.
const (
	KindAircraft Kind = "aircraft" // a radar on a patrol aircraft (moving platform)
	KindAerostat Kind = "aerostat" // a tethered aerostat radar (3D: reports elevation)
	KindRadar    Kind = "radar"    // a fixed coastal radar (2D)
	KindAIS      Kind = "ais"      // a shore AIS receiver
)

// Class is what a target is.
type Class string

// Target classes.
const (
	ClassSurface Class = "surface"
	ClassAir     Class = "air"
)

// Sensor is one simulated sensor and its gateway.
type Sensor struct {
	ID   string // sensor id, the last topic level and the payload's "sensor"
	Kind Kind   // topic kind

	// Position is the antenna of a fixed sensor. For an aircraft it is the
	// centre of its orbit at flight altitude (Orbit gives the rest).
	Position LLA
	// Orbit is the aircraft's racetrack; nil for fixed sensors.
	Orbit *Orbit

	// Period is the scan period of a radar. For AIS it is the reporting
	// interval of a vessel moving faster than AISFastSpeedMps.
	Period time.Duration
	// SlowPeriod is the AIS reporting interval of a slower vessel (AIS only).
	SlowPeriod time.Duration
	// Phase is the offset of the first scan after the scene start (radars).
	// AIS vessels start at a per-vessel offset derived from their MMSI.
	Phase time.Duration

	RangeM     float64 // instrumented range: slant range for radars, distance for AIS
	PdSurface  float64 // probability of detecting a surface target per scan
	PdAir      float64 // probability of detecting an air target per scan; 0: blind to air
	MaxAirAltM float64 // air targets above this altitude are not seen; 0: no limit

	SigmaRangeM       float64 // range noise (1σ), m
	SigmaBearingDeg   float64 // bearing noise (1σ), deg
	SigmaElevationDeg float64 // elevation noise (1σ), deg
	Elevation         bool    // 3D radar: every plot carries elevation_deg
	ClutterMean       float64 // Poisson mean of false plots per scan, uniform over the coverage disc

	SigmaPosM      float64 // AIS: true position noise per axis (1σ), m
	ReportedSigmaM float64 // AIS: the sigma_m put in each report, m
}

// Orbit is a circular patrol orbit flown at constant speed.
type Orbit struct {
	RadiusM          float64 // radius, m
	SpeedMps         float64 // ground speed, m/s
	CounterClockwise bool    // seen from above
	StartBearingDeg  float64 // where the aircraft is at scene start, as a bearing from the centre
}

// AISFastSpeedMps is the speed (7 kn) above which an AIS vessel reports every
// Sensor.Period instead of every Sensor.SlowPeriod.
const AISFastSpeedMps = 3.6

// Target is one scripted target: it starts at Start on CourseDeg at
// SpeedMps and follows Legs, moving along rhumb lines (constant true course).
type Target struct {
	ID        string  // stable truth id
	Class     Class   // surface or air
	Start     LLA     // position at scene start; Alt is the flight altitude (0 at sea)
	CourseDeg float64 // initial true course, deg
	SpeedMps  float64 // initial ground speed, m/s
	Legs      []Leg   // later changes of course or speed, in increasing AfterM
	MMSI      uint32  // AIS MMSI; 0 when the target carries no (working) AIS
	Name      string  // AIS vessel name
}

// Leg is a change of course and speed once a target has run AfterM metres
// from its start. A leg with zero speed stops the target there for good.
type Leg struct {
	AfterM    float64 // distance run since scene start when the leg begins, m
	CourseDeg float64 // true course, deg
	SpeedMps  float64 // ground speed, m/s
}

// Behaviour is one alert-worthy behaviour the scene scripts: the rule that
// should fire, on which target, not before After (scene time since Start),
// and the agencies it should reach. Tests of the engine check against it.
type Behaviour struct {
	Rule     string        // SPEC §5 rule name, e.g. "dark_vessel"
	Target   string        // Target.ID
	After    time.Duration // earliest scene time the behaviour is recognisable
	Agencies []string      // agencies that should receive the alert
	Note     string        // what happens, for people
}

// Scene is a scripted scene: sensors, targets, and the behaviours it scripts.
type Scene struct {
	Name       string        // scene name
	Start      time.Time     // scene start (UTC)
	Duration   time.Duration // length of the scripted part; the stream goes on after it
	Sensors    []Sensor      // sensors, in tie-break order
	Targets    []Target      // targets, in tie-break order
	Behaviours []Behaviour   // what the scene is meant to provoke
}

// TruthState is one target's true state at a time.
type TruthState struct {
	ID        string    // Target.ID
	Class     Class     // Target.Class
	MMSI      uint32    // Target.MMSI (0: no AIS)
	Time      time.Time // the time of the state
	Pos       LLA       // true position
	SpeedMps  float64   // ground speed, m/s
	CourseDeg float64   // true course, deg [0,360)
	VelE      float64   // east velocity, m/s
	VelN      float64   // north velocity, m/s
}

// Errors returned by Scene.Validate.
var (
	// ErrNoSensors means a scene has nothing to publish.
	ErrNoSensors = errors.New("sim: scene has no sensors")
)

// Validate checks that the scene can be generated: unique ids, periods of
// at least a millisecond, positive ranges, sensible probabilities and legs.
func (s *Scene) Validate() error {
	if len(s.Sensors) == 0 {
		return ErrNoSensors
	}
	ids := map[string]bool{}
	scanning := false
	for _, sn := range s.Sensors {
		if sn.ID == "" || ids["s:"+sn.ID] {
			return fmt.Errorf("sim: sensor id %q empty or repeated", sn.ID)
		}
		ids["s:"+sn.ID] = true
		switch sn.Kind {
		case KindAircraft, KindAerostat, KindRadar:
			scanning = true
			if sn.Kind == KindAircraft && (sn.Orbit == nil || sn.Orbit.RadiusM <= 0) {
				return fmt.Errorf("sim: sensor %s: aircraft needs an orbit", sn.ID)
			}
		case KindAIS:
			if sn.SlowPeriod <= 0 {
				return fmt.Errorf("sim: sensor %s: AIS needs a slow period", sn.ID)
			}
		default:
			return fmt.Errorf("sim: sensor %s: unknown kind %q", sn.ID, sn.Kind)
		}
		if sn.Period < time.Millisecond || sn.Phase < 0 || !(sn.RangeM > 0) {
			return fmt.Errorf("sim: sensor %s: period, phase or range out of bounds", sn.ID)
		}
		for _, p := range []float64{sn.PdSurface, sn.PdAir} {
			if !(p >= 0 && p <= 1) {
				return fmt.Errorf("sim: sensor %s: probability of detection outside [0,1]", sn.ID)
			}
		}
		if !(sn.ClutterMean >= 0 && sn.ClutterMean < 500) {
			return fmt.Errorf("sim: sensor %s: clutter mean outside [0,500)", sn.ID)
		}
	}
	if !scanning {
		return fmt.Errorf("sim: scene needs at least one radar, aerostat or aircraft sensor")
	}
	for _, t := range s.Targets {
		if t.ID == "" || ids["t:"+t.ID] {
			return fmt.Errorf("sim: target id %q empty or repeated", t.ID)
		}
		ids["t:"+t.ID] = true
		if t.Class != ClassSurface && t.Class != ClassAir {
			return fmt.Errorf("sim: target %s: unknown class %q", t.ID, t.Class)
		}
		if t.SpeedMps < 0 || math.IsNaN(t.SpeedMps) {
			return fmt.Errorf("sim: target %s: bad speed", t.ID)
		}
		last := 0.0
		for _, l := range t.Legs {
			if !(l.AfterM >= last) || l.SpeedMps < 0 {
				return fmt.Errorf("sim: target %s: legs must be in increasing AfterM with speed >= 0", t.ID)
			}
			last = l.AfterM
		}
	}
	for _, b := range s.Behaviours {
		if !ids["t:"+b.Target] {
			return fmt.Errorf("sim: behaviour %s names unknown target %q", b.Rule, b.Target)
		}
	}
	return nil
}

// segment is one constant-velocity piece of a target's path.
type segment struct {
	t0     float64 // seconds since scene start when it begins
	from   LLA     // position at t0
	course float64 // deg
	speed  float64 // m/s
}

// path is a target compiled into segments.
type path struct {
	tg   *Target
	segs []segment
}

// compile turns the target's script into timed segments.
func compile(t *Target) path {
	p := path{tg: t}
	cur := segment{from: t.Start, course: t.CourseDeg, speed: t.SpeedMps}
	run := 0.0 // distance run at cur.t0
	for _, l := range t.Legs {
		if cur.speed == 0 {
			break // stopped for good
		}
		d := l.AfterM - run
		p.segs = append(p.segs, cur)
		next := segment{
			t0:     cur.t0 + d/cur.speed,
			from:   rhumbDest(cur.from, cur.course, d),
			course: l.CourseDeg,
			speed:  l.SpeedMps,
		}
		next.from.Alt = t.Start.Alt
		cur, run = next, l.AfterM
	}
	p.segs = append(p.segs, cur)
	return p
}

// at returns the true state dt seconds after scene start (dt >= 0; earlier
// times give the start state).
func (p *path) at(dt float64) (pos LLA, course, speed float64) {
	i := len(p.segs) - 1
	for i > 0 && p.segs[i].t0 > dt {
		i--
	}
	s := &p.segs[i]
	el := math.Max(dt-s.t0, 0)
	pos = rhumbDest(s.from, s.course, s.speed*el)
	pos.Alt = p.tg.Start.Alt
	return pos, s.course, s.speed
}

func (p *path) truth(start time.Time, t time.Time) TruthState {
	pos, c, v := p.at(t.Sub(start).Seconds())
	sc, cc := math.Sincos(c * deg)
	return TruthState{
		ID: p.tg.ID, Class: p.tg.Class, MMSI: p.tg.MMSI, Time: t, Pos: pos,
		SpeedMps: v, CourseDeg: wrap360(c), VelE: v * sc, VelN: v * cc,
	}
}

// Truth returns every target's true position and velocity at t, in the
// order of s.Targets. Times before Start give the start positions.
func (s *Scene) Truth(t time.Time) []TruthState {
	out := make([]TruthState, len(s.Targets))
	for i := range s.Targets {
		p := compile(&s.Targets[i])
		out[i] = p.truth(s.Start, t)
	}
	return out
}

// Sensor returns the sensor with the given id, or nil.
func (s *Scene) Sensor(id string) *Sensor {
	for i := range s.Sensors {
		if s.Sensors[i].ID == id {
			return &s.Sensors[i]
		}
	}
	return nil
}

// Target returns the target with the given id, or nil.
func (s *Scene) Target(id string) *Target {
	for i := range s.Targets {
		if s.Targets[i].ID == id {
			return &s.Targets[i]
		}
	}
	return nil
}

// PlatformAt returns where sensor sn is at t: its Position for a fixed
// sensor, its place on the orbit for an aircraft.
func (s *Scene) PlatformAt(sn *Sensor, t time.Time) LLA {
	return platformAt(sn, t.Sub(s.Start).Seconds())
}

func platformAt(sn *Sensor, dt float64) LLA {
	o := sn.Orbit
	if o == nil {
		return sn.Position
	}
	f := newFrame(LLA{Lat: sn.Position.Lat, Lon: sn.Position.Lon})
	b := orbitBearing(o, dt) * deg
	sb, cb := math.Sincos(b)
	p := f.lla(o.RadiusM*sb, o.RadiusM*cb, 0)
	p.Alt = sn.Position.Alt
	return p
}

// orbitBearing is the aircraft's bearing from the orbit centre dt seconds
// after scene start, in degrees (not wrapped).
func orbitBearing(o *Orbit, dt float64) float64 {
	w := o.SpeedMps / o.RadiusM / deg * dt // degrees swept
	if o.CounterClockwise {
		return o.StartBearingDeg - w
	}
	return o.StartBearingDeg + w
}
