package sim

import (
	"math"
	"time"
)

// Positions of the Rio Grande scene that other parts of the script refer to.
var (
	// channelEntrance is the Brazos Santiago pass, the sea end of the
	// Brownsville ship channel, where cargo-1 stops (anchors).
	channelEntrance = LLA{Lat: 26.07, Lon: -97.15}
	// boundaryLat is the latitude of the US–Mexico maritime boundary near
	// the Rio Grande mouth (it runs roughly east from 25.96 N).
	boundaryLat = 25.96
	// meetingPoint is where mothership-1 stops for the rendezvous with
	// panga-1: 34 km off the Mexican coast, 28 km from Brazos Santiago, in
	// the Mexican EEZ 8 km south of the maritime boundary.
	meetingPoint = LLA{Lat: 25.928, Lon: -96.82}
	// brownsvilleRadar is the antenna of radar-brownsville.
	brownsvilleRadar = LLA{Lat: 26.0725, Lon: -97.1675, Alt: 30}
	// anchorage is the Brazos Santiago port and anchorage area: south-west
	// and north-east corners. Legitimate traffic may stop here or come close
	// to the shore inside it.
	anchorage = [2]LLA{{Lat: 26.03, Lon: -97.16}, {Lat: 26.10, Lon: -97.08}}
)

// Times of the Rio Grande script.
const (
	rendezvousFrom = 20 * time.Minute // the pair stops together
	rendezvousTo   = 45 * time.Minute // and parts
	fishing2Off    = 10 * time.Minute // fishing-2 switches its AIS off for good
	confirmTime    = 30 * time.Second // what a tracker needs to confirm a new track
)

// RioGrande returns the built-in Rio Grande scene starting at start: a
// coastal radar at Brownsville, the TARS aerostat inland, a USCG patrol
// aircraft orbiting offshore and a shore AIS receiver watch one scripted
// case of each of the nine alert rules of SPEC §5 among legitimate traffic
// that should raise none:
//
//   - gofast-1, a dark go-fast running north at 33 kn from Mexican waters
//     across the maritime boundary (dark_vessel, go_fast, coast_approach,
//     zone_entry);
//   - air-1, a low, slow light aircraft with no transponder crossing the Rio
//     Grande northbound (low_slow_aircraft);
//   - spoofer-1, an AIS vessel whose AIS positions are 2.5 km north of where
//     it is (identity_mismatch; its radar track is dark: dark_vessel). It
//     stays inside the US territorial sea, so its dark radar track crosses
//     no zone;
//   - invalid-mmsi-1, an AIS vessel transmitting MMSI 123456789
//     (identity_mismatch);
//   - mothership-1 and panga-1, dark, meeting 34 km offshore and drifting
//     300 m apart for 20 minutes (rendezvous, dark_vessel);
//   - fishing-2, an AIS vessel switching its AIS off at 10 minutes while
//     radar holds it (ais_gap, dark_vessel);
//   - loiterer-1, dark, drifting at 1 kn 38 km offshore (loitering,
//     dark_vessel);
//   - cargo-1, tanker-1 and fishing-1, legitimate AIS traffic (Legitimate).
//
// Three interceptors publish their positions (Assets): the cutter
// USCGC-RAYMOND-EVANS patrolling slowly off Brazos Santiago, the SEMAR boat
// SEMAR-INTERCEPTORA-1 at the Rio Grande mouth and the USCG station boat
// STA-SOUTH-PADRE-RB-M at Port Isabel.
//
// Targets other than the rendezvous pair stay at least 3 km apart during
// the script. The script runs for 80 minutes; afterwards the stream goes on
// with every target on its last leg (cargo-1 stays anchored at the channel
// entrance, the others sail or fly on, mostly out of coverage).
func RioGrande(start time.Time) *Scene {
	cargoCourse, cargoDist := rhumbInverse(LLA{Lat: 26.10, Lon: -96.55}, channelEntrance)
	// The rendezvous: mothership-1 runs 6 km west to the meeting point,
	// panga-1 12 km north-north-east to 300 m from it, on the line of sight
	// of radar-brownsville (so the coastal radar resolves them in range).
	// Both arrive at rendezvousFrom, drift together, and part at rendezvousTo.
	mothershipStart := rhumbDest(meetingPoint, 90, 5*rendezvousFrom.Seconds())
	toRadar, _ := rhumbInverse(meetingPoint, brownsvilleRadar)
	pangaMeet := rhumbDest(meetingPoint, toRadar, 300)
	pangaStart := rhumbDest(pangaMeet, 200, 10*rendezvousFrom.Seconds())
	const driftCourse, driftSpeed = 300, 0.3 // 0.6 kn, the same for both
	s := &Scene{
		Name:     "rio-grande",
		Region:   "rio-grande",
		Start:    start.UTC(),
		Duration: 80 * time.Minute,
		Sensors: []Sensor{
			{
				ID: "radar-brownsville", Kind: KindRadar,
				Position: LLA{Lat: 26.0725, Lon: -97.1675, Alt: 30},
				Period:   2500 * time.Millisecond,
				RangeM:   48000, PdSurface: 0.9, PdAir: 0.7, MaxAirAltM: 3000,
				SigmaRangeM: 25, SigmaBearingDeg: 0.3,
				ClutterMean: 2,
			},
			{
				ID: "tars-rgv", Kind: KindAerostat,
				Position: LLA{Lat: 26.18, Lon: -97.62, Alt: 4500},
				Period:   10 * time.Second, Phase: 250 * time.Millisecond,
				RangeM: 180000, PdSurface: 0.85, PdAir: 0.85,
				SigmaRangeM: 80, SigmaBearingDeg: 0.4, SigmaElevationDeg: 0.5, Elevation: true,
				ClutterMean: 1,
			},
			{
				ID: "pa-uscg-2311", Kind: KindAircraft,
				Position: LLA{Lat: 26.00, Lon: -96.90, Alt: 2500},
				Orbit:    &Orbit{RadiusM: 18000, SpeedMps: 110, CounterClockwise: true, StartBearingDeg: 270},
				Period:   5 * time.Second, Phase: 1500 * time.Millisecond,
				RangeM: 60000, PdSurface: 0.8,
				SigmaRangeM: 50, SigmaBearingDeg: 0.5,
				ClutterMean: 1,
			},
			{
				// An NMEA gateway: every transmission as !AIVDM sentences.
				ID: "ais-rgv", Kind: KindAIS, Format: FormatNMEA,
				Position:  LLA{Lat: 26.07, Lon: -97.17},
				RangeM:    70000,
				SigmaPosM: 5, ReportedSigmaM: 10,
			},
		},
		Targets: []Target{
			{
				ID: "gofast-1", Class: ClassSurface,
				Start:     LLA{Lat: 25.84, Lon: -97.06},
				CourseDeg: 355, SpeedMps: 17,
				Legs: []Leg{{AfterM: 25000, CourseDeg: 20, SpeedMps: 10}},
			},
			{
				ID: "cargo-1", Class: ClassSurface,
				Start:     LLA{Lat: 26.10, Lon: -96.55},
				CourseDeg: cargoCourse, SpeedMps: 7,
				Legs: []Leg{{AfterM: cargoDist, CourseDeg: cargoCourse, SpeedMps: 0}},
				MMSI: 367730160, Name: "GULF TRADER", Callsign: "WDK4471",
				ShipType: 70, LengthM: 180, BeamM: 30, Destination: "BROWNSVILLE",
			},
			{
				ID: "tanker-1", Class: ClassSurface,
				Start:     LLA{Lat: 26.30, Lon: -96.80},
				CourseDeg: 190, SpeedMps: 7, // 13.6 kn: passes ahead of cargo-1, > 4 km clear

				MMSI: 345070335, Name: "PEMEX TULUM", Callsign: "XCTU7",
				ShipType: 80, LengthM: 183, BeamM: 32, Destination: "TUXPAN",
			},
			{
				ID: "fishing-1", Class: ClassSurface,
				Start:     LLA{Lat: 26.20, Lon: -97.00},
				CourseDeg: 45, SpeedMps: 2,
				MMSI: 367512340, Name: "LADY MARIA", Callsign: "WDF3318",
				ShipType: 30, LengthM: 24, BeamM: 7,
			},
			{
				ID: "air-1", Class: ClassAir,
				Start:     LLA{Lat: 25.70, Lon: -97.30, Alt: 300},
				CourseDeg: 20, SpeedMps: 60,
			},
			{
				// 8 kn north-west inside the US territorial sea, 19–10 km
				// off Padre Island; its AIS says it is 2.5 km further north.
				// It turns away from the shore after the script.
				ID: "spoofer-1", Class: ClassSurface,
				Start:     LLA{Lat: 26.34, Lon: -97.02},
				CourseDeg: 320, SpeedMps: 4.1,
				Legs: []Leg{{At: 90 * time.Minute, CourseDeg: 20, SpeedMps: 4.1}},
				MMSI: 367409150, Name: "BRAVO SEAS",
				AISOffsetM: [2]float64{0, 2500},
			},
			{
				// 5 kn east just north of the maritime boundary, with an
				// MMSI whose first digit (1) no ship may carry.
				ID: "invalid-mmsi-1", Class: ClassSurface,
				Start:     LLA{Lat: 26.018, Lon: -97.02},
				CourseDeg: 90, SpeedMps: 2.5,
				MMSI: 123456789, Name: "PESCADOR 7",
			},
			{
				ID: "mothership-1", Class: ClassSurface,
				Start:     mothershipStart,
				CourseDeg: 270, SpeedMps: 5,
				Legs: []Leg{
					{At: rendezvousFrom, CourseDeg: driftCourse, SpeedMps: driftSpeed},
					{At: rendezvousTo, CourseDeg: 100, SpeedMps: 8},
				},
			},
			{
				ID: "panga-1", Class: ClassSurface,
				Start:     pangaStart,
				CourseDeg: 20, SpeedMps: 10, // 19.4 kn: not a go-fast
				Legs: []Leg{
					{At: rendezvousFrom, CourseDeg: driftCourse, SpeedMps: driftSpeed},
					{At: rendezvousTo, CourseDeg: 150, SpeedMps: 9}, // 17.5 kn, away from the coast
				},
			},
			{
				// 7.8 kn north 6 km off South Padre, AIS off for good at
				// 10 minutes.
				ID: "fishing-2", Class: ClassSurface,
				Start:     LLA{Lat: 26.18, Lon: -97.11},
				CourseDeg: 0, SpeedMps: 4,
				MMSI: 367664270, Name: "CAPT ROY",
				AISOff: []Interval{{From: fishing2Off}},
			},
			{
				// Drifts east at 1 kn, 38 km off South Padre, 28 km north
				// of the maritime boundary, for the whole script.
				ID: "loiterer-1", Class: ClassSurface,
				Start:     LLA{Lat: 26.2166, Lon: -96.78},
				CourseDeg: 90, SpeedMps: 0.5,
			},
		},
		Assets: []Asset{
			{
				ID: "USCGC-RAYMOND-EVANS", Agency: "uscg", Kind: AssetCutter,
				Start:     LLA{Lat: 26.07, Lon: -97.0},
				CourseDeg: 0, SpeedMps: 3,
				Legs:        patrolLegs(3, 15*time.Minute, 8*time.Hour),
				MaxSpeedMps: 14.4,
			},
			{
				ID: "SEMAR-INTERCEPTORA-1", Agency: "semar", Kind: AssetBoat,
				Start:       LLA{Lat: 25.96, Lon: -97.16},
				MaxSpeedMps: 22,
			},
			{
				ID: "STA-SOUTH-PADRE-RB-M", Agency: "uscg", Kind: AssetBoat,
				Start:       LLA{Lat: 26.07, Lon: -97.20},
				MaxSpeedMps: 20.5,
			},
		},
		Legitimate: []string{"cargo-1", "tanker-1", "fishing-1"},
	}

	// Time at which the go-fast crosses the maritime boundary.
	gf := &s.Targets[0]
	cross := (meridianArc(boundaryLat*deg) - meridianArc(gf.Start.Lat*deg)) /
		(gf.SpeedMps * math.Cos(gf.CourseDeg*deg))
	crossAt := time.Duration(math.Ceil(cross)) * time.Second
	// Time at which air-1 crosses the Rio Grande (≈ 25.93 N on its line).
	air := &s.Targets[4]
	airCross := (meridianArc(25.93*deg) - meridianArc(air.Start.Lat*deg)) /
		(air.SpeedMps * math.Cos(air.CourseDeg*deg))
	airCrossAt := time.Duration(math.Ceil(airCross)) * time.Second

	s.Behaviours = []Behaviour{
		{
			Rule: "dark_vessel", Target: "gofast-1", After: time.Minute,
			Agencies: []string{"semar", "uscg"},
			Note:     "surface contact with no AIS off Matamoros, confirmed within the first minute",
		},
		{
			Rule: "go_fast", Target: "gofast-1", After: 3 * time.Minute,
			Agencies: []string{"semar", "uscg"},
			Note:     "33 kn without AIS sustained for 3 minutes",
		},
		{
			Rule: "zone_entry", Target: "gofast-1", After: crossAt,
			Agencies: []string{"semar", "uscg"},
			Note:     "crosses the US–Mexico maritime boundary northbound near 25.96 N",
		},
		{
			Rule: "coast_approach", Target: "gofast-1", After: confirmTime,
			Agencies: []string{"semar", "uscg"},
			Note: "33 kn without AIS, 14 minutes from the US 12 nm line (the boundary, " +
				"where it enters the US territorial sea) when first confirmed",
		},
		{
			Rule: "low_slow_aircraft", Target: "air-1", After: airCrossAt,
			Agencies: []string{"semar", "uscg"},
			Note:     "300 m (1,000 ft), 117 kn, no transponder, crossing the Rio Grande northbound",
		},
		{
			Rule: "identity_mismatch", Target: "spoofer-1", After: confirmTime,
			Agencies: []string{"uscg"},
			Note:     "AIS (MMSI 367409150) reports positions 2.5 km north of the radar track, off Padre Island",
		},
		{
			Rule: "dark_vessel", Target: "spoofer-1", After: time.Minute,
			Agencies: []string{"uscg"},
			Note: "the radar track of the spoofer has no AIS report within 1.5 km " +
				"(its AIS positions are 2.5 km away)",
		},
		{
			Rule: "identity_mismatch", Target: "invalid-mmsi-1", After: 0, // the first AIS message says it
			Agencies: []string{"semar", "uscg"},
			Note:     "AIS with the invalid MMSI 123456789 (first digit 1), 5 km north of the maritime boundary",
		},
		{
			Rule: "dark_vessel", Target: "mothership-1", After: time.Minute,
			Agencies: []string{"semar", "uscg"},
			Note:     "surface contact with no AIS in the Mexican EEZ near the maritime boundary",
		},
		{
			Rule: "dark_vessel", Target: "panga-1", After: time.Minute,
			Agencies: []string{"semar", "uscg"},
			Note:     "surface contact with no AIS in the Mexican EEZ near the maritime boundary",
		},
		{
			// One alert for the pair, on whichever of the two tracks the
			// tracker numbered first; its summary names the other.
			Rule: "rendezvous", Target: "mothership-1", Partner: "panga-1", After: rendezvousFrom + 15*time.Minute,
			Agencies: []string{"semar", "uscg"},
			Note: "mothership-1 and panga-1 drift 300 m apart at 0.6 kn for 25 minutes, " +
				"34 km offshore, then part",
		},
		{
			Rule: "ais_gap", Target: "fishing-2", After: fishing2Off + time.Minute,
			Agencies: []string{"uscg"},
			Note: "AIS (class A, 10 s while moving) silent from 10 minutes on while radar holds " +
				"the vessel; raised after N × 10 s (N from 6 to 18: by 13 minutes)",
		},
		{
			Rule: "dark_vessel", Target: "fishing-2", After: fishing2Off + 50*time.Second, // its last AIS ≤ 10 s before the switch-off, + the 60 s window
			Agencies: []string{"uscg"},
			Note:     "once its AIS has been silent for 60 s the track has no AIS within 1.5 km",
		},
		{
			Rule: "dark_vessel", Target: "loiterer-1", After: time.Minute,
			Agencies: []string{"uscg"},
			Note:     "surface contact with no AIS, 38 km off South Padre",
		},
		{
			Rule: "loitering", Target: "loiterer-1", After: time.Hour, // slow from the scene start
			Agencies: []string{"uscg"},
			Note:     "1 kn for the whole script, far from any anchorage: an hour after its track is confirmed",
		},
	}
	return s
}

// patrolLegs returns the legs of a north–south patrol at speed: the first
// turn after first, then a turn every 2·first (so the patrol stays centred
// on its start), stopping at its start when until has passed.
func patrolLegs(speed float64, first, until time.Duration) []Leg {
	var legs []Leg
	course := 180.0
	at := first
	for ; at+first < until; at += 2 * first {
		legs = append(legs, Leg{At: at, CourseDeg: course, SpeedMps: speed})
		course = 180 - course
	}
	// Back at the start after the last half leg: stop there.
	return append(legs, Leg{At: at, CourseDeg: course, SpeedMps: speed}, Leg{At: at + first, CourseDeg: course, SpeedMps: 0})
}
