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
)

// RioGrande returns the built-in Rio Grande scene starting at start: a
// coastal radar at Brownsville, the TARS aerostat inland, a USCG patrol
// aircraft orbiting offshore and a shore AIS receiver watch a dark go-fast
// running north from Mexican waters, three AIS vessels and a low, slow light
// aircraft crossing the border. The script runs for an hour; afterwards the
// stream goes on with every target on its last leg (cargo-1 stays anchored
// at the channel entrance, the others sail or fly on out of coverage).
func RioGrande(start time.Time) *Scene {
	cargoCourse, cargoDist := rhumbInverse(LLA{Lat: 26.10, Lon: -96.55}, channelEntrance)
	s := &Scene{
		Name:     "rio-grande",
		Start:    start.UTC(),
		Duration: time.Hour,
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
				ID: "ais-rgv", Kind: KindAIS,
				Position: LLA{Lat: 26.07, Lon: -97.17},
				Period:   10 * time.Second, SlowPeriod: 30 * time.Second,
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
				MMSI: 367730160, Name: "GULF TRADER",
			},
			{
				ID: "tanker-1", Class: ClassSurface,
				Start:     LLA{Lat: 26.30, Lon: -96.80},
				CourseDeg: 190, SpeedMps: 6,
				MMSI: 345070335, Name: "PEMEX TULUM",
			},
			{
				ID: "fishing-1", Class: ClassSurface,
				Start:     LLA{Lat: 26.20, Lon: -97.00},
				CourseDeg: 45, SpeedMps: 2,
				MMSI: 367512340, Name: "LADY MARIA",
			},
			{
				ID: "air-1", Class: ClassAir,
				Start:     LLA{Lat: 25.70, Lon: -97.30, Alt: 600},
				CourseDeg: 20, SpeedMps: 60,
			},
		},
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
			Rule: "low_slow_aircraft", Target: "air-1", After: airCrossAt,
			Agencies: []string{"semar", "uscg"},
			Note:     "600 m, 117 kn, no transponder, crossing the Rio Grande northbound",
		},
	}
	return s
}
