// Package sim is Vigia's deterministic scene simulator: scripted targets
// watched by simulated sensors whose gateways publish on
// `{prefix}obs/{kind}/{sensor}` exactly as real gateways would — native JSON
// sensor reports (SPEC §3) for radars, aerostats and patrol aircraft, AIS
// `!AIVDM` sentences (format "nmea") or JSON for AIS receivers, SBS-1
// BaseStation lines (format "sbs") for ADS-B receivers — and interceptor
// assets publishing their positions (SPEC §4) on
// `{prefix}assets/{agency}/{asset}`.
//
// A Scene describes the sensors, the targets, the assets, the behaviours
// the script is meant to provoke and the targets that should provoke
// nothing. The built-in scenes are RioGrande (Gulf of Mexico off the mouth
// of the Rio Grande), Tijuana (the Pacific off San Diego and Tijuana) and
// JuanDeFuca (the Strait of Juan de Fuca), by name through Named; LoadScene
// reads a scene from YAML (see SCENES.md). A Generator turns a Scene and a
// seed into an endless, time-ordered stream of Messages: same scene, start
// and seed, byte-identical messages. Scene.Truth gives the ground truth at
// any time, Scene.WriteTruthCSV writes it as CSV, Scene.AssetsAt the
// assets' positions.
//
// Targets follow legs begun by distance run or by scene time, may hold
// still for a while, and AIS vessels may fall silent (AISOff), transmit a
// displaced position (AISOffsetM) or share an MMSI with another (a clone).
//
// Data flow: Scene (script) → Generator (compiled targets, one event source
// per scanning sensor, per AIS vessel and per asset, each with its own
// seeded PCG stream) → Next picks the earliest event → the sensor model
// measures the truth at that time (range/Pd/noise/clutter) → the payload is
// encoded.
//
// AIS vessels transmit at the ITU-R M.1371 rates of their class and speed
// (AISReportInterval) unless a JSON gateway throttles them (Sensor.Period);
// NMEA gateways forward every transmission, class A static and voyage data
// (type 5) and class B static data (type 24 A and B) every 6 minutes.
//
// Of Vigia the package imports only package sensors (the ITU AIS reporting
// intervals, shared with the ais_gap rule); besides the standard library it
// uses go-ais to encode AIS messages and yaml to read scene files.
package sim

import (
	"errors"
	"fmt"
	"github.com/vigia-project/vigia/sensors"
	"math"
	"strings"
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
	KindADSB     Kind = "adsb"     // a 1090 MHz ADS-B receiver (dump1090 and compatibles)
)

// Payload formats of a sensor's gateway (Sensor.Format).
const (
	FormatJSON = "json" // native JSON sensor report (SPEC §3); the default
	FormatNMEA = "nmea" // AIS !AIVDM sentences with an NMEA 4.0 tag block (AIS receivers)
	FormatSBS  = "sbs"  // SBS-1 BaseStation CSV lines (ADS-B receivers)
)

// AIS classes (Target.AISClass).
const (
	AISClassA = "A" // class A transponder (SOLAS ships); the default
	AISClassB = "B" // class B "CS" transponder (small craft)
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
	// Format is the gateway's payload format: FormatJSON ("" means JSON)
	// for every kind, FormatNMEA for an AIS receiver, FormatSBS for (and
	// only for) an ADS-B receiver.
	Format string

	// Position is the antenna of a fixed sensor. For an aircraft it is the
	// centre of its orbit at flight altitude (Orbit gives the rest).
	Position LLA
	// Orbit is the aircraft's racetrack; nil for fixed sensors.
	Orbit *Orbit

	// Period is the scan period of a radar, and how often an ADS-B
	// receiver's gateway publishes each aircraft it hears. For AIS it is
	// zero (the gateway passes on every transmission, at the rates of
	// AISReportInterval), or, for a JSON gateway that throttles, the
	// reporting interval of a vessel moving faster than AISFastSpeedMps.
	Period time.Duration
	// SlowPeriod is the throttled AIS reporting interval of a slower vessel
	// (JSON AIS with a Period only).
	SlowPeriod time.Duration
	// Phase is the offset of the first scan after the scene start (radars).
	// AIS vessels start at a per-vessel offset derived from their MMSI,
	// aircraft heard by ADS-B at one derived from their ICAO address.
	Phase time.Duration

	RangeM     float64 // instrumented range: slant range for radars and ADS-B, distance for AIS
	PdSurface  float64 // probability of detecting a surface target per scan
	PdAir      float64 // probability of detecting an air target per scan; 0: blind to air
	MaxAirAltM float64 // air targets above this altitude are not seen; 0: no limit

	SigmaRangeM       float64 // range noise (1σ), m
	SigmaBearingDeg   float64 // bearing noise (1σ), deg
	SigmaElevationDeg float64 // elevation noise (1σ), deg
	Elevation         bool    // 3D radar: every plot carries elevation_deg
	ClutterMean       float64 // Poisson mean of false plots per scan, uniform over the coverage disc

	SigmaPosM float64 // AIS, ADS-B: true position noise per axis (1σ), m
	// ReportedSigmaM is the sigma_m of each JSON AIS report, m. In NMEA it
	// sets the position accuracy flag: high (DGNSS, < 10 m) when at most 10.
	ReportedSigmaM float64
}

// format is the sensor's format, the default filled in.
func (sn *Sensor) format() string {
	if sn.Format == "" {
		return FormatJSON
	}
	return sn.Format
}

// throttled reports whether an AIS sensor's gateway reports at fixed
// intervals (Period, SlowPeriod) rather than every transmission.
func (sn *Sensor) throttled() bool { return sn.Kind == KindAIS && sn.Period > 0 }

// Orbit is a circular patrol orbit flown at constant speed.
type Orbit struct {
	RadiusM          float64 // radius, m
	SpeedMps         float64 // ground speed, m/s
	CounterClockwise bool    // seen from above
	StartBearingDeg  float64 // where the aircraft is at scene start, as a bearing from the centre
}

// AISFastSpeedMps is the speed (7 kn) above which a throttled AIS gateway
// reports a vessel every Sensor.Period instead of every Sensor.SlowPeriod.
const AISFastSpeedMps = 3.6

// AISStaticInterval is how often a vessel transmits its static data: class
// A type 5 (static and voyage related data), class B type 24 parts A and B.
const AISStaticInterval = 6 * time.Minute

// AISReportInterval is the ITU-R M.1371 position reporting interval of a
// vessel of AIS class ("A" or "", "B") at a speed: class A every 2 s above
// 23 kn, 6 s above 14 kn, 10 s above 3 kn and 3 min slower (at anchor or
// moored); class B every 30 s above 2 kn, 3 min slower.
func AISReportInterval(class string, speedMps float64) time.Duration {
	return sensors.AISReportInterval(class, speedMps)
}

// Target is one scripted target: it starts at Start on CourseDeg at
// SpeedMps and follows Legs, moving along rhumb lines (constant true course).
//
// An AIS vessel (MMSI ≠ 0) transmits its true position (plus the receiver's
// noise) unless AISOff silences it or AISOffsetM displaces it. Two targets may
// carry the same MMSI: that is a clone, one identity in two places.
type Target struct {
	ID        string  // stable truth id
	Class     Class   // surface or air
	Start     LLA     // position at scene start; Alt is the flight altitude (0 at sea)
	CourseDeg float64 // initial true course, deg
	SpeedMps  float64 // initial ground speed, m/s
	Legs      []Leg   // later changes of course or speed, in the order they begin
	MMSI      uint32  // AIS MMSI, not checked for validity; 0 when the target carries no (working) AIS
	Name      string  // AIS vessel name

	// AISClass is the vessel's AIS class: "A" (or "") or "B". It sets the
	// reporting rates and the messages: types 1–3 and 5 for class A, 18
	// and 24 for class B.
	AISClass string
	// Callsign is the vessel's radio call sign (AIS static data) or the
	// aircraft's flight identification (ADS-B), up to 7 and 8 characters.
	Callsign string
	// ShipType is the AIS ship and cargo type (e.g. 70 cargo, 60 passenger,
	// 30 fishing, 36 sailing, 52 tug); 0: not given.
	ShipType uint8
	// LengthM and BeamM are the vessel's dimensions for AIS static data
	// (the antenna amidships); 0: not given.
	LengthM, BeamM float64
	// Destination is the AIS voyage destination (class A), up to 20 characters.
	Destination string
	// ICAO is the aircraft's 24-bit ICAO address as six hexadecimal digits
	// (lower case, e.g. "a1b2c3"); "" when the aircraft has no ADS-B
	// transponder. ADS-B receivers hear only aircraft that have one.
	ICAO string

	// AISOff lists the intervals of scene time in which the vessel's AIS is
	// silent (switched off): no report is published while radars still see
	// it. Needs an MMSI.
	AISOff []Interval
	// AISOffsetM displaces every AIS position report by (east, north)
	// metres from the true position (a spoofed or faulty GPS feed); radars
	// see the truth. Needs an MMSI.
	AISOffsetM [2]float64
}

// Interval is a span of scene time since Start: From inclusive, To
// exclusive. A zero To means the interval never ends.
type Interval struct {
	From, To time.Duration
}

// Contains reports whether the scene time d falls in the interval.
func (iv Interval) Contains(d time.Duration) bool {
	return d >= iv.From && (iv.To == 0 || d < iv.To)
}

// Leg is a change of course and speed. It begins once the target has run
// AfterM metres from its start or, when At is set, at scene time At
// (whatever the distance run then); legs are listed in the order they begin.
// A leg with Hold first stops the target where the leg begins for Hold, then
// sets off on CourseDeg at SpeedMps (the distance run does not grow while
// holding). A leg with zero speed stops the target there until the next
// timed leg (At), for good if none follows: distance legs after a stop are
// never reached.
type Leg struct {
	AfterM    float64       // distance run since scene start when the leg begins, m (distance legs)
	At        time.Duration // scene time the leg begins, since Start; 0: a distance leg
	Hold      time.Duration // time stopped where the leg begins before it sets off; 0: none
	CourseDeg float64       // true course, deg
	SpeedMps  float64       // ground speed, m/s
}

// Behaviour is one alert-worthy behaviour the scene scripts: the rule that
// should fire, on which target, not before After (scene time since Start),
// and the agencies it should reach. Tests of the engine check against it.
type Behaviour struct {
	Rule     string        // SPEC §5 rule name, e.g. "dark_vessel"
	Target   string        // Target.ID
	Partner  string        // the other Target.ID of a two-vessel behaviour (rendezvous); the alert may be on either
	After    time.Duration // earliest scene time the behaviour is recognisable
	Agencies []string      // agencies that should receive the alert
	Note     string        // what happens, for people
}

// Scene is a scripted scene: sensors, targets, interceptor assets, and the
// behaviours it scripts.
type Scene struct {
	Name string // scene name
	// Region is the config region the scene replays against
	// (config.BuiltinRegion): "rio-grande", "tijuana", "juan-de-fuca"; ""
	// for none in particular.
	Region     string
	Start      time.Time     // scene start (UTC)
	Duration   time.Duration // length of the scripted part; the stream goes on after it
	Sensors    []Sensor      // sensors, in tie-break order
	Targets    []Target      // targets, in tie-break order
	Assets     []Asset       // interceptors publishing their positions (SPEC §4); not radar targets
	Behaviours []Behaviour   // what the scene is meant to provoke
	// Legitimate lists the ids of targets whose conduct is lawful and
	// unremarkable: no rule should fire on them. They have no Behaviours.
	Legitimate []string
}

// AssetKind is the kind of an interceptor asset (SPEC §4).
type AssetKind string

// Asset kinds.
const (
	AssetCutter     AssetKind = "cutter"
	AssetBoat       AssetKind = "boat"
	AssetHelicopter AssetKind = "helicopter"
	AssetAircraft   AssetKind = "aircraft"
)

// DefaultAssetPeriod is how often an asset publishes its position when its
// Period is zero.
const DefaultAssetPeriod = 30 * time.Second

// Asset is an agency's interceptor (cutter, boat, helicopter, aircraft) that
// publishes its own position on `{prefix}assets/{agency}/{id}` every Period,
// as SPEC §4 JSON: {"id","agency","kind","time","lat","lon","max_speed_mps",
// "available":true}. It moves like a Target (Start, CourseDeg, SpeedMps,
// Legs) but no sensor sees it. Positions are exact (an asset knows where it
// is), rounded to 1e-6°; the first report comes at a phase in [0, Period)
// drawn from the generator's seed.
type Asset struct {
	ID          string        // asset id, the last topic level and the payload's "id"
	Agency      string        // owning agency ("uscg", "semar", "ccg"), a topic level
	Kind        AssetKind     // cutter, boat, helicopter or aircraft
	Start       LLA           // position at scene start (Alt 0 at sea)
	CourseDeg   float64       // initial true course, deg
	SpeedMps    float64       // initial ground speed, m/s
	Legs        []Leg         // later changes of course or speed, as for a Target
	MaxSpeedMps float64       // the payload's max_speed_mps; no leg may go faster
	Period      time.Duration // reporting interval; 0: DefaultAssetPeriod
}

// period is the asset's reporting interval, the default filled in.
func (a *Asset) period() time.Duration {
	if a.Period == 0 {
		return DefaultAssetPeriod
	}
	return a.Period
}

// target is the asset as a target, to compile its path.
func (a *Asset) target() Target {
	return Target{ID: a.ID, Class: ClassSurface, Start: a.Start, CourseDeg: a.CourseDeg, SpeedMps: a.SpeedMps, Legs: a.Legs}
}

// TruthState is one target's true state at a time.
type TruthState struct {
	ID        string    // Target.ID
	Class     Class     // Target.Class
	MMSI      uint32    // Target.MMSI (0: no AIS)
	ICAO      string    // Target.ICAO ("": no ADS-B)
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

// locError is a validation error with the scene list and index it is about
// ("targets", 3), so that LoadScene can name the line.
type locError struct {
	list string
	idx  int
	err  error
}

func (e *locError) Error() string { return e.err.Error() }
func (e *locError) Unwrap() error { return e.err }

// at attaches a scene list and index to a validation error.
func at(list string, idx int, format string, args ...any) error {
	return &locError{list: list, idx: idx, err: fmt.Errorf(format, args...)}
}

// Validate checks that the scene can be generated: unique ids, periods of
// at least a millisecond, positive ranges, sensible probabilities and legs,
// formats that fit the sensor kinds, AIS classes, ICAO addresses.
func (s *Scene) Validate() error {
	if len(s.Sensors) == 0 {
		return ErrNoSensors
	}
	ids := map[string]bool{}
	scanning := false
	for i, sn := range s.Sensors {
		if !topicLevel(sn.ID) || ids["s:"+sn.ID] {
			return at("sensors", i, "sim: sensor id %q empty, repeated or not a topic level", sn.ID)
		}
		ids["s:"+sn.ID] = true
		switch f := sn.format(); {
		case f == FormatJSON && sn.Kind != KindADSB,
			f == FormatNMEA && sn.Kind == KindAIS,
			f == FormatSBS && sn.Kind == KindADSB:
		default:
			return at("sensors", i, "sim: sensor %s: format %q does not fit kind %q (json: all but adsb; nmea: ais; sbs: adsb)", sn.ID, sn.Format, sn.Kind)
		}
		if sn.format() == FormatNMEA && strings.ContainsAny(sn.ID, ",*\\") {
			return at("sensors", i, "sim: sensor %s: an NMEA tag block source cannot hold ',', '*' or '\\'", sn.ID)
		}
		periodOK := sn.Period >= time.Millisecond
		switch sn.Kind {
		case KindAircraft, KindAerostat, KindRadar:
			scanning = true
			if sn.Kind == KindAircraft && (sn.Orbit == nil || sn.Orbit.RadiusM <= 0) {
				return at("sensors", i, "sim: sensor %s: aircraft needs an orbit", sn.ID)
			}
		case KindAIS:
			switch {
			case sn.format() == FormatNMEA && (sn.Period != 0 || sn.SlowPeriod != 0):
				return at("sensors", i, "sim: sensor %s: an NMEA AIS gateway forwards every transmission: no period or slow period", sn.ID)
			case sn.Period == 0 && sn.SlowPeriod != 0:
				return at("sensors", i, "sim: sensor %s: AIS slow period without a period", sn.ID)
			case sn.Period != 0 && sn.SlowPeriod < time.Millisecond:
				return at("sensors", i, "sim: sensor %s: a throttled AIS gateway needs a slow period", sn.ID)
			}
			periodOK = sn.Period == 0 || periodOK
		case KindADSB:
		default:
			return at("sensors", i, "sim: sensor %s: unknown kind %q", sn.ID, sn.Kind)
		}
		if !periodOK || sn.Phase < 0 || !(sn.RangeM > 0) {
			return at("sensors", i, "sim: sensor %s: period, phase or range out of bounds", sn.ID)
		}
		for _, p := range []float64{sn.PdSurface, sn.PdAir} {
			if !(p >= 0 && p <= 1) {
				return at("sensors", i, "sim: sensor %s: probability of detection outside [0,1]", sn.ID)
			}
		}
		if !(sn.ClutterMean >= 0 && sn.ClutterMean < 500) {
			return at("sensors", i, "sim: sensor %s: clutter mean outside [0,500)", sn.ID)
		}
		if !(sn.SigmaPosM >= 0 && sn.SigmaPosM < 10000) {
			return at("sensors", i, "sim: sensor %s: position noise outside [0,10000) m", sn.ID)
		}
	}
	if !scanning {
		return fmt.Errorf("sim: scene needs at least one radar, aerostat or aircraft sensor")
	}
	for i, t := range s.Targets {
		if t.ID == "" || ids["t:"+t.ID] {
			return at("targets", i, "sim: target id %q empty or repeated", t.ID)
		}
		ids["t:"+t.ID] = true
		if t.Class != ClassSurface && t.Class != ClassAir {
			return at("targets", i, "sim: target %s: unknown class %q", t.ID, t.Class)
		}
		if !validLLA(t.Start) {
			return at("targets", i, "sim: target %s: start position out of range", t.ID)
		}
		if err := checkPath(t.SpeedMps, t.Legs, math.Inf(1)); err != nil {
			return at("targets", i, "sim: target %s: %w", t.ID, err)
		}
		if t.MMSI == 0 && (len(t.AISOff) > 0 || t.AISOffsetM != [2]float64{}) {
			return at("targets", i, "sim: target %s: AIS silences or offset without an MMSI", t.ID)
		}
		if t.MMSI > 999999999 {
			return at("targets", i, "sim: target %s: MMSI %d has more than 9 digits", t.ID, t.MMSI)
		}
		for _, iv := range t.AISOff {
			if iv.From < 0 || (iv.To != 0 && iv.To <= iv.From) {
				return at("targets", i, "sim: target %s: AIS-off interval %v–%v out of order", t.ID, iv.From, iv.To)
			}
		}
		for _, o := range t.AISOffsetM {
			if !(math.Abs(o) <= 100000) {
				return at("targets", i, "sim: target %s: AIS offset beyond 100 km", t.ID)
			}
		}
		if t.AISClass != "" && t.AISClass != AISClassA && t.AISClass != AISClassB {
			return at("targets", i, "sim: target %s: AIS class %q is not A or B", t.ID, t.AISClass)
		}
		if len(t.Callsign) > 8 || len(t.Destination) > 20 || len(t.Name) > 20 ||
			!aisText(t.Callsign) || !aisText(t.Destination) || !aisText(t.Name) {
			return at("targets", i, "sim: target %s: name (20), call sign (8) or destination (20) too long, "+
				"or not upper-case AIS text", t.ID)
		}
		if !(t.LengthM >= 0 && t.LengthM <= 1000 && t.BeamM >= 0 && t.BeamM <= 120) {
			return at("targets", i, "sim: target %s: dimensions out of range", t.ID)
		}
		if t.ICAO != "" && (t.Class != ClassAir || !validICAO(t.ICAO)) {
			return at("targets", i, "sim: target %s: ICAO address %q is not six lower-case hex digits of an aircraft", t.ID, t.ICAO)
		}
	}
	for i, a := range s.Assets {
		if !topicLevel(a.ID) || ids["a:"+a.ID] {
			return at("assets", i, "sim: asset id %q empty, repeated or not a topic level", a.ID)
		}
		ids["a:"+a.ID] = true
		if !topicLevel(a.Agency) {
			return at("assets", i, "sim: asset %s: agency %q is not a topic level", a.ID, a.Agency)
		}
		switch a.Kind {
		case AssetCutter, AssetBoat, AssetHelicopter, AssetAircraft:
		default:
			return at("assets", i, "sim: asset %s: unknown kind %q", a.ID, a.Kind)
		}
		if !(a.MaxSpeedMps > 0) || math.IsInf(a.MaxSpeedMps, 0) {
			return at("assets", i, "sim: asset %s: max speed must be positive", a.ID)
		}
		if a.Period != 0 && a.Period < time.Millisecond {
			return at("assets", i, "sim: asset %s: period under a millisecond", a.ID)
		}
		if !validLLA(a.Start) {
			return at("assets", i, "sim: asset %s: start position out of range", a.ID)
		}
		if err := checkPath(a.SpeedMps, a.Legs, a.MaxSpeedMps); err != nil {
			return at("assets", i, "sim: asset %s: %w", a.ID, err)
		}
	}
	scripted := map[string]bool{}
	for i, b := range s.Behaviours {
		if !ids["t:"+b.Target] {
			return at("behaviours", i, "sim: behaviour %s names unknown target %q", b.Rule, b.Target)
		}
		if b.Partner != "" && (!ids["t:"+b.Partner] || b.Partner == b.Target) {
			return at("behaviours", i, "sim: behaviour %s on %s names unknown partner %q", b.Rule, b.Target, b.Partner)
		}
		if b.After < 0 {
			return at("behaviours", i, "sim: behaviour %s on %s: negative After", b.Rule, b.Target)
		}
		scripted[b.Target] = true
		if b.Partner != "" {
			scripted[b.Partner] = true
		}
	}
	for i, id := range s.Legitimate {
		if !ids["t:"+id] || scripted[id] {
			return at("legitimate", i, "sim: legitimate target %q unknown or scripted to raise a behaviour", id)
		}
	}
	return nil
}

// validLLA reports whether p is a finite position on the globe.
func validLLA(p LLA) bool {
	return p.Lat >= -90 && p.Lat <= 90 && p.Lon >= -180 && p.Lon <= 180 && !math.IsNaN(p.Alt) && !math.IsInf(p.Alt, 0)
}

// aisText reports whether s can be sent in AIS 6-bit text: upper-case
// letters, digits, space and the usual punctuation.
func aisText(s string) bool {
	for _, c := range s {
		if c < ' ' || c > '_' || c == '@' {
			return false
		}
	}
	return true
}

// validICAO reports whether s is six lower-case hexadecimal digits.
func validICAO(s string) bool {
	if len(s) != 6 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// checkPath checks a target's or asset's speeds and legs: speeds in
// [0, maxSpeed], distance legs in increasing AfterM (at least the distance
// already run), timed legs no earlier than the previous leg begins (after its
// hold), no leg both timed and distance, no negative hold.
func checkPath(speed float64, legs []Leg, maxSpeed float64) error {
	if !(speed >= 0 && speed <= maxSpeed) {
		return fmt.Errorf("bad speed %v", speed)
	}
	t0, run := 0.0, 0.0 // when the current piece begins (s) and the distance run then (m)
	for i, l := range legs {
		switch {
		case !(l.SpeedMps >= 0 && l.SpeedMps <= maxSpeed):
			return fmt.Errorf("leg %d: bad speed %v", i, l.SpeedMps)
		case l.At < 0 || l.Hold < 0:
			return fmt.Errorf("leg %d: negative time", i)
		case l.At > 0 && l.AfterM != 0:
			return fmt.Errorf("leg %d: both At and AfterM", i)
		case math.IsNaN(l.CourseDeg) || math.IsInf(l.CourseDeg, 0):
			return fmt.Errorf("leg %d: bad course", i)
		}
		if l.At > 0 {
			at := l.At.Seconds()
			if at < t0 {
				return fmt.Errorf("leg %d: At %v before the previous leg begins", i, l.At)
			}
			run += speed * (at - t0)
			t0 = at
		} else {
			if !(l.AfterM >= run) || math.IsInf(l.AfterM, 0) {
				return fmt.Errorf("legs must be in increasing AfterM with speed >= 0 (leg %d)", i)
			}
			if speed == 0 {
				continue // never reached (see Leg)
			}
			t0 += (l.AfterM - run) / speed
			run = l.AfterM
		}
		t0 += l.Hold.Seconds()
		speed = l.SpeedMps
	}
	return nil
}

// topicLevel reports whether s can be one MQTT topic level: not empty, no
// separator or wildcard.
func topicLevel(s string) bool {
	return s != "" && !strings.ContainsAny(s, "/+#\x00")
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

// compile turns the target's script into timed segments (see Leg). A hold
// is a segment of zero speed on the course the target had when it stopped.
func compile(t *Target) path {
	p := path{tg: t}
	cur := segment{from: t.Start, course: t.CourseDeg, speed: t.SpeedMps}
	run := 0.0 // distance run at cur.t0
	for _, l := range t.Legs {
		var d, t0 float64 // distance run on cur, and when the leg begins
		if l.At > 0 {
			t0 = math.Max(l.At.Seconds(), cur.t0)
			d = cur.speed * (t0 - cur.t0)
		} else {
			if cur.speed == 0 {
				continue // stopped: only a timed leg sets it off again
			}
			d = l.AfterM - run
			t0 = cur.t0 + d/cur.speed
		}
		p.segs = append(p.segs, cur)
		from := rhumbDest(cur.from, cur.course, d)
		from.Alt = t.Start.Alt
		if l.At > 0 {
			run += d
		} else {
			run = l.AfterM
		}
		if l.Hold > 0 {
			p.segs = append(p.segs, segment{t0: t0, from: from, course: cur.course})
			t0 += l.Hold.Seconds()
		}
		cur = segment{t0: t0, from: from, course: l.CourseDeg, speed: l.SpeedMps}
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
		ICAO: p.tg.ICAO, SpeedMps: v, CourseDeg: wrap360(c), VelE: v * sc, VelN: v * cc,
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

// AssetsAt returns every asset's true position and velocity at t, in the
// order of s.Assets (ID is the asset id, Class surface, MMSI 0).
func (s *Scene) AssetsAt(t time.Time) []TruthState {
	out := make([]TruthState, len(s.Assets))
	for i := range s.Assets {
		tg := s.Assets[i].target()
		p := compile(&tg)
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
