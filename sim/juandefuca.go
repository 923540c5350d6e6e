package sim

import (
	"math"
	"time"
)

// Positions of the Juan de Fuca scene.
var (
	// jdfMeeting is where mothership-1 stops for the rendezvous, mid-strait
	// 7.5 km off the US shore, 3.7 km south of the boundary.
	jdfMeeting = LLA{Lat: 48.222, Lon: -123.78}
	// jdfRadarPA is the antenna of radar-port-angeles, on Ediz Hook.
	jdfRadarPA = LLA{Lat: 48.140, Lon: -123.41, Alt: 30}
)

// Times of the Juan de Fuca script.
const (
	jdfRendezvousFrom = 20 * time.Minute
	jdfRendezvousTo   = 45 * time.Minute
)

// JuanDeFuca returns the built-in scene in the Strait of Juan de Fuca
// starting at start. US coastal radars at Port Angeles (Ediz Hook) and Cape
// Flattery (Tatoosh Island), Canadian Coast Guard radars at Victoria (Trial
// Island) and Sheringham Point, and a shore AIS receiver (NMEA) at Port Angeles watch:
//
//   - fastboat-1, a dark fast boat running north-north-west at 30 kn from
//     the US side across the US–Canada boundary to 1.5 km off Vancouver
//     Island, stopping there 10 minutes and running back out at 20 kn
//     (dark_vessel, go_fast, zone_entry, coast_approach);
//   - mothership-1 and skiff-1, dark, meeting mid-strait and drifting 300 m
//     apart for 25 minutes (rendezvous, dark_vessel);
//   - loiterer-1, dark, drifting at 1 kn mid-strait off Clallam Bay for the whole
//     script (loitering, dark_vessel);
//   - spoofer-1, an AIS vessel whose AIS positions are 2.5 km north of
//     where it is (identity_mismatch; its radar track is dark: dark_vessel);
//   - ferry-1 (Port Angeles → Victoria) and ferry-2 (Victoria → Port
//     Angeles), identified ferries crossing the boundary, tug-1 (eastbound
//     tow in the inbound lane) and cargo-1 (westbound container ship in the
//     outbound lane): legitimate AIS traffic.
//
// The strait is narrow: every behaviour lies within 10 nm of the boundary
// and goes to ccg and uscg. Assets: the cutter USCGC-SWORDFISH patrolling
// off Port Angeles, the Station Port Angeles boat on Ediz Hook and the CCG
// lifeboat CCGS-CAPE-CALVERT at Victoria. The script runs 80 minutes.
// Replay it against config region "juan-de-fuca".
func JuanDeFuca(start time.Time) *Scene {
	// The rendezvous, as in RioGrande: mothership-1 from the west at 5 m/s,
	// skiff-1 from the east at 7 m/s, both along the strait on the US side
	// (a course across it would point at a shore: coast_approach), on the line of sight of
	// radar-port-angeles, 300 m apart.
	mothershipStart := rhumbDest(jdfMeeting, 270, 5*jdfRendezvousFrom.Seconds())
	toRadar, _ := rhumbInverse(jdfMeeting, jdfRadarPA)
	skiffMeet := rhumbDest(jdfMeeting, toRadar, 300)
	skiffStart := rhumbDest(skiffMeet, 92, 7*jdfRendezvousFrom.Seconds())
	const driftCourse, driftSpeed = 90, 0.3 // along the strait
	// ferry-1 leaves Port Angeles Harbor north-east, clear of Ediz Hook,
	// then heads for Victoria.
	ferry1Start := LLA{Lat: 48.127, Lon: -123.397}
	const ferry1Out = 2500.0
	ferry1Course, ferry1Dist := rhumbInverse(rhumbDest(ferry1Start, 40, ferry1Out), LLA{Lat: 48.395, Lon: -123.392})
	// ferry-2 crosses 5 km west of ferry-1's track, then turns east round
	// Ediz Hook into Port Angeles Harbor.
	ferry2Start := LLA{Lat: 48.385, Lon: -123.45}
	ferry2Course, ferry2Dist := rhumbInverse(ferry2Start, LLA{Lat: 48.168, Lon: -123.45})
	const fastSpeed = 15.4 // 30 kn
	fastStart := LLA{Lat: 48.185, Lon: -123.58}
	const fastRun = 13500.0
	both := []string{"ccg", "uscg"}
	s := &Scene{
		Name:     "juan-de-fuca",
		Region:   "juan-de-fuca",
		Start:    start.UTC(),
		Duration: 80 * time.Minute,
		Sensors: []Sensor{
			{
				ID: "radar-port-angeles", Kind: KindRadar,
				Position: jdfRadarPA,
				Period:   2500 * time.Millisecond,
				RangeM:   48000, PdSurface: 0.9, PdAir: 0.7, MaxAirAltM: 3000,
				SigmaRangeM: 25, SigmaBearingDeg: 0.3,
				ClutterMean: 2,
			},
			{
				ID: "radar-tatoosh", Kind: KindRadar,
				Position: LLA{Lat: 48.392, Lon: -124.737, Alt: 50},
				Period:   3 * time.Second, Phase: 400 * time.Millisecond,
				RangeM: 48000, PdSurface: 0.9, PdAir: 0.7, MaxAirAltM: 3000,
				SigmaRangeM: 25, SigmaBearingDeg: 0.3,
				ClutterMean: 1,
			},
			{
				ID: "radar-victoria", Kind: KindRadar,
				Position: LLA{Lat: 48.395, Lon: -123.305, Alt: 30},
				Period:   2500 * time.Millisecond, Phase: 1200 * time.Millisecond,
				RangeM: 48000, PdSurface: 0.9, PdAir: 0.7, MaxAirAltM: 3000,
				SigmaRangeM: 30, SigmaBearingDeg: 0.35,
				ClutterMean: 1.5,
			},
			{
				// CCG Marine Communications and Traffic Services radar on the
				// Vancouver Island shore, covering the middle of the strait.
				ID: "radar-sheringham", Kind: KindRadar,
				Position: LLA{Lat: 48.376, Lon: -123.92, Alt: 40},
				Period:   3 * time.Second, Phase: 1800 * time.Millisecond,
				RangeM: 40000, PdSurface: 0.9, PdAir: 0.7, MaxAirAltM: 3000,
				SigmaRangeM: 30, SigmaBearingDeg: 0.35,
				ClutterMean: 1,
			},
			{
				ID: "ais-jdf", Kind: KindAIS, Format: FormatNMEA,
				Position:  LLA{Lat: 48.140, Lon: -123.41},
				RangeM:    90000,
				SigmaPosM: 5, ReportedSigmaM: 10,
			},
		},
		Targets: []Target{
			{
				ID: "fastboat-1", Class: ClassSurface,
				Start:     fastStart,
				CourseDeg: 345, SpeedMps: fastSpeed,
				Legs: []Leg{
					// 1.5 km off the Vancouver Island shore west of Becher
					// Bay: stops 10 minutes, then back out at 20 kn.
					{AfterM: fastRun, Hold: 10 * time.Minute, CourseDeg: 205, SpeedMps: 10.3},
					{AfterM: fastRun + 9000, CourseDeg: 100, SpeedMps: 10.3},
					{At: 90 * time.Minute, CourseDeg: 100, SpeedMps: 0}, // after the script, clear of Dungeness
				},
			},
			{
				ID: "ferry-1", Class: ClassSurface,
				Start:     ferry1Start,       // leaving Port Angeles Harbor
				CourseDeg: 40, SpeedMps: 7.2, // 14 kn
				Legs: []Leg{
					{AfterM: ferry1Out, CourseDeg: ferry1Course, SpeedMps: 7.2},
					{AfterM: ferry1Out + ferry1Dist, CourseDeg: 10, SpeedMps: 2.1},      // 4 kn into Victoria Harbour
					{AfterM: ferry1Out + ferry1Dist + 2400, CourseDeg: 10, SpeedMps: 0}, // moored
				},
				MMSI: 366709770, Name: "OLYMPIC STAR", Callsign: "WDA4410",
				ShipType: 60, LengthM: 104, BeamM: 22, Destination: "VICTORIA",
			},
			{
				ID: "ferry-2", Class: ClassSurface,
				Start:     ferry2Start,
				CourseDeg: ferry2Course, SpeedMps: 7.2,
				Legs: []Leg{
					{AfterM: ferry2Dist, CourseDeg: 115, SpeedMps: 2.1}, // 4 kn round Ediz Hook
					{AfterM: ferry2Dist + 5000, CourseDeg: 200, SpeedMps: 2.1},
					{AfterM: ferry2Dist + 7200, CourseDeg: 200, SpeedMps: 0}, // moored
				},
				MMSI: 316001245, Name: "SALISH CROSSING", Callsign: "CFK3392",
				ShipType: 60, LengthM: 96, BeamM: 20, Destination: "PORT ANGELES",
			},
			{
				ID: "tug-1", Class: ClassSurface,
				Start:     LLA{Lat: 48.30, Lon: -124.30},
				CourseDeg: 112, SpeedMps: 3.6, // 7 kn with a tow
				MMSI: 367123450, Name: "OCEAN RANGER", Callsign: "WDB9921",
				ShipType: 52, LengthM: 36, BeamM: 11, Destination: "SEATTLE",
			},
			{
				ID: "cargo-1", Class: ClassSurface,
				Start:     LLA{Lat: 48.285, Lon: -123.64},
				CourseDeg: 284, SpeedMps: 7.5, // 14.6 kn outbound
				MMSI: 636019877, Name: "CAPE NORTHWIND", Callsign: "D5QR4",
				ShipType: 71, LengthM: 260, BeamM: 32, Destination: "CNSHA",
			},
			{
				ID: "mothership-1", Class: ClassSurface,
				Start:     mothershipStart,
				CourseDeg: 90, SpeedMps: 5,
				Legs: []Leg{
					{At: jdfRendezvousFrom, CourseDeg: driftCourse, SpeedMps: driftSpeed},
					{At: jdfRendezvousTo, CourseDeg: 285, SpeedMps: 7},
				},
			},
			{
				ID: "skiff-1", Class: ClassSurface,
				Start:     skiffStart,
				CourseDeg: 272, SpeedMps: 7,
				Legs: []Leg{
					{At: jdfRendezvousFrom, CourseDeg: driftCourse, SpeedMps: driftSpeed},
					{At: jdfRendezvousTo, CourseDeg: 90, SpeedMps: 8},
					{At: 100 * time.Minute, CourseDeg: 100, SpeedMps: 0}, // after the script, mid-strait
				},
			},
			{
				// Drifts east at 1 kn mid-strait off Clallam Bay, 8 km off the US shore.
				ID: "loiterer-1", Class: ClassSurface,
				Start:     LLA{Lat: 48.37, Lon: -124.40},
				CourseDeg: 95, SpeedMps: 0.5,
			},
			{
				// 8 kn east-north-east 10 km off Dungeness; its AIS says it is 2.5 km
				// further north.
				ID: "spoofer-1", Class: ClassSurface,
				Start:     LLA{Lat: 48.24, Lon: -123.26},
				CourseDeg: 80, SpeedMps: 4.1,
				Legs: []Leg{{At: 90 * time.Minute, CourseDeg: 268, SpeedMps: 4.1}}, // back west after the script
				MMSI: 367398210, Name: "KESTREL", Callsign: "WDG6631",
				ShipType: 30, LengthM: 20, BeamM: 6,
				AISOffsetM: [2]float64{0, 2500},
			},
		},
		Assets: []Asset{
			{
				ID: "USCGC-SWORDFISH", Agency: "uscg", Kind: AssetCutter,
				Start:     LLA{Lat: 48.20, Lon: -123.52},
				CourseDeg: 0, SpeedMps: 3,
				Legs:        patrolLegs(3, 10*time.Minute, 8*time.Hour),
				MaxSpeedMps: 12.9,
			},
			{
				ID: "STA-PORT-ANGELES-RB-M", Agency: "uscg", Kind: AssetBoat,
				Start:       LLA{Lat: 48.138, Lon: -123.42},
				MaxSpeedMps: 20.5,
			},
			{
				ID: "CCGS-CAPE-CALVERT", Agency: "ccg", Kind: AssetBoat,
				Start:       LLA{Lat: 48.42, Lon: -123.37},
				MaxSpeedMps: 12.9,
			},
		},
		Legitimate: []string{"ferry-1", "ferry-2", "tug-1", "cargo-1"},
	}
	// fastboat-1 crosses the boundary at 48.2311 N on its line.
	fastCross := (meridianArc(48.2311*deg) - meridianArc(fastStart.Lat*deg)) / (fastSpeed * math.Cos(345*deg))
	fastCrossAt := time.Duration(math.Ceil(fastCross)) * time.Second
	s.Behaviours = []Behaviour{
		{Rule: "dark_vessel", Target: "fastboat-1", After: time.Minute, Agencies: both,
			Note: "surface contact with no AIS 5 km off the US shore west of Port Angeles"},
		{Rule: "go_fast", Target: "fastboat-1", After: 3 * time.Minute, Agencies: both,
			Note: "30 kn without AIS sustained for 3 minutes"},
		{Rule: "coast_approach", Target: "fastboat-1", After: confirmTime, Agencies: both,
			Note: "30 kn without AIS inside the 12 nm lines, heading for the Vancouver Island shore"},
		{Rule: "zone_entry", Target: "fastboat-1", After: fastCrossAt, Agencies: both,
			Note: "crosses the US–Canada boundary northbound mid-strait"},
		{Rule: "dark_vessel", Target: "mothership-1", After: time.Minute, Agencies: both,
			Note: "surface contact with no AIS mid-strait"},
		{Rule: "dark_vessel", Target: "skiff-1", After: time.Minute, Agencies: both,
			Note: "surface contact with no AIS mid-strait"},
		{Rule: "rendezvous", Target: "mothership-1", Partner: "skiff-1", After: jdfRendezvousFrom + 15*time.Minute, Agencies: both,
			Note: "mothership-1 and skiff-1 drift 300 m apart at 0.6 kn for 25 minutes mid-strait, then part"},
		{Rule: "dark_vessel", Target: "loiterer-1", After: time.Minute, Agencies: both,
			Note: "surface contact with no AIS off Clallam Bay"},
		{Rule: "loitering", Target: "loiterer-1", After: time.Hour, Agencies: both,
			Note: "1 kn for the whole script, far from any anchorage"},
		{Rule: "identity_mismatch", Target: "spoofer-1", After: confirmTime, Agencies: both,
			Note: "AIS (MMSI 367398210) reports positions 2.5 km north of the radar track, off Dungeness"},
		{Rule: "dark_vessel", Target: "spoofer-1", After: time.Minute, Agencies: both,
			Note: "the radar track of the spoofer has no AIS report within 1.5 km"},
	}
	return s
}
