package sim

import (
	"math"
	"time"
)

// Positions of the Tijuana scene.
var (
	// pointLoma is the antenna of radar-point-loma.
	pointLoma = LLA{Lat: 32.672, Lon: -117.243, Alt: 120}
	// sdAnchorage is the middle of the San Diego offshore anchorage.
	sdAnchorage = LLA{Lat: 32.640, Lon: -117.240}
	// tjBoundaryLat is the latitude of the US–Mexico maritime boundary on
	// the panga's meridian (117.17 W).
	tjBoundaryLat = 32.5318
	// landBorder gives the US–Mexico land border east of the coast as
	// latitude at a longitude (a straight line from the Pacific to the
	// Colorado River).
	landBorder = func(lon float64) float64 { return 32.5349 + (lon+117.1245)*(32.7187-32.5349)/(117.1245-114.7196) }
)

// Tijuana returns the built-in scene in the Pacific off San Diego and
// Tijuana starting at start. A coastal radar on Point Loma, a CBP ground
// radar on Otay Mountain watching the land border, a CBP Air and Marine
// Operations patrol aircraft orbiting off the Coronado Islands, a shore AIS
// receiver (NMEA) and an ADS-B receiver (SBS) at Otay Mesa watch:
//
//   - panga-1, a dark panga running north at 28 kn from Mexican waters off
//     Rosarito across the maritime boundary to 1 km off Imperial Beach,
//     where it stops 10 minutes (the landing) and runs back south
//     (dark_vessel, go_fast, zone_entry, coast_approach);
//   - fishing-2, an AIS trawler off La Jolla switching its AIS off at 12
//     minutes while radar holds it (ais_gap, dark_vessel);
//   - ultralight-1, an ultralight with no transponder crossing the land
//     border over Tijuana northbound at 800 ft and 100 kn and turning back
//     (low_slow_aircraft);
//   - cessna-1, a light aircraft with ADS-B inbound to Brown Field crossing
//     the border at 1,500 ft and 100 kn (legitimate: it is identified);
//   - cargo-1 (container ship for the San Diego anchorage), cruise-1
//     (cruise ship bound for Ensenada, crossing into Mexican waters),
//     fishing-1 (sport fishing boat), fishing-3 (Mexican class B fishing
//     boat) and yacht-1 (class B sailing yacht): legitimate AIS traffic.
//
// Assets: the cutter USCGC-PETREL patrolling off Imperial Beach, the USCG
// Station San Diego boat at Shelter Island, the SEMAR boat
// SEMAR-INTERCEPTORA-7 off Playas de Tijuana. The script runs 80 minutes;
// behaviours near the maritime boundary go to semar and uscg, those off La
// Jolla to uscg only. Replay it against config region "tijuana".
func Tijuana(start time.Time) *Scene {
	cargoCourse, cargoDist := rhumbInverse(LLA{Lat: 32.615, Lon: -117.66}, sdAnchorage)
	const pangaSpeed = 14.4 // 28 kn
	pangaStart := LLA{Lat: 32.372, Lon: -117.17}
	// The run north ends at 32.598 N; a short run north-east to 1 km off
	// the beach.
	north := meridianArc(32.598*deg) - meridianArc(pangaStart.Lat*deg)
	const beachRun = 2600.0
	s := &Scene{
		Name:     "tijuana",
		Region:   "tijuana",
		Start:    start.UTC(),
		Duration: 80 * time.Minute,
		Sensors: []Sensor{
			{
				ID: "radar-point-loma", Kind: KindRadar,
				Position: pointLoma,
				Period:   2500 * time.Millisecond,
				RangeM:   48000, PdSurface: 0.9, PdAir: 0.7, MaxAirAltM: 3000,
				SigmaRangeM: 25, SigmaBearingDeg: 0.3,
				ClutterMean: 2,
			},
			{
				// Ground surveillance radar for the land border; it does not
				// see the sea (its range ends 2 km short of the coast).
				ID: "radar-otay-mountain", Kind: KindRadar,
				Position: LLA{Lat: 32.60, Lon: -116.84, Alt: 1000},
				Period:   4 * time.Second, Phase: 700 * time.Millisecond,
				RangeM: 24000, PdAir: 0.9, MaxAirAltM: 3000,
				SigmaRangeM: 40, SigmaBearingDeg: 0.4,
				ClutterMean: 0.5,
			},
			{
				ID: "cbp-mpa-2105", Kind: KindAircraft,
				Position: LLA{Lat: 32.45, Lon: -117.45, Alt: 2500},
				Orbit:    &Orbit{RadiusM: 15000, SpeedMps: 110, CounterClockwise: true, StartBearingDeg: 90},
				Period:   5 * time.Second, Phase: 1500 * time.Millisecond,
				RangeM: 60000, PdSurface: 0.8,
				SigmaRangeM: 50, SigmaBearingDeg: 0.5,
				ClutterMean: 1,
			},
			{
				ID: "ais-sd", Kind: KindAIS, Format: FormatNMEA,
				Position:  LLA{Lat: 32.672, Lon: -117.243},
				RangeM:    80000,
				SigmaPosM: 5, ReportedSigmaM: 10,
			},
			{
				ID: "adsb-otay", Kind: KindADSB, Format: FormatSBS,
				Position: LLA{Lat: 32.575, Lon: -116.96, Alt: 180},
				Period:   time.Second,
				RangeM:   150000, SigmaPosM: 10,
			},
		},
		Targets: []Target{
			{
				ID: "panga-1", Class: ClassSurface,
				Start:     pangaStart,
				CourseDeg: 0, SpeedMps: pangaSpeed,
				Legs: []Leg{
					{AfterM: north, CourseDeg: 50, SpeedMps: pangaSpeed},
					// Stops 1 km off Imperial Beach for 10 minutes, then runs
					// back south at 22 kn,
					// between the Coronado Islands and the coast.
					{AfterM: north + beachRun, Hold: 10 * time.Minute, CourseDeg: 188, SpeedMps: 11.3},
				},
			},
			{
				ID: "cargo-1", Class: ClassSurface,
				Start:     LLA{Lat: 32.615, Lon: -117.66},
				CourseDeg: cargoCourse, SpeedMps: 6.7, // 13 kn
				Legs: []Leg{
					{AfterM: cargoDist - 2500, CourseDeg: cargoCourse, SpeedMps: 2.2}, // 4.3 kn into the anchorage
					{AfterM: cargoDist, CourseDeg: cargoCourse, SpeedMps: 0},          // anchored (after the script)
				},
				MMSI: 477321500, Name: "PACIFIC HARMONY", Callsign: "VRNQ7",
				ShipType: 71, LengthM: 294, BeamM: 32, Destination: "USSAN",
			},
			{
				ID: "cruise-1", Class: ClassSurface,
				Start:     LLA{Lat: 32.60, Lon: -117.335},
				CourseDeg: 176, SpeedMps: 8.2, // 16 kn, west of the Coronado Islands
				MMSI: 311000541, Name: "PACIFIC SERENADE", Callsign: "C6FU8",
				ShipType: 60, LengthM: 290, BeamM: 36, Destination: "MXENS",
			},
			{
				ID: "fishing-1", Class: ClassSurface,
				Start:     LLA{Lat: 32.71, Lon: -117.37},
				CourseDeg: 240, SpeedMps: 3.1, // 6 kn
				MMSI: 367455120, Name: "LIBERTY", Callsign: "WDE8812",
				ShipType: 30, LengthM: 27, BeamM: 7,
			},
			{
				ID: "fishing-3", Class: ClassSurface,
				Start:     LLA{Lat: 32.30, Lon: -117.25},
				CourseDeg: 200, SpeedMps: 2.6, // 5 kn
				MMSI: 345120770, Name: "PESCADOR II", Callsign: "XCA4471",
				AISClass: AISClassB, ShipType: 30, LengthM: 12, BeamM: 3,
			},
			{
				ID: "yacht-1", Class: ClassSurface,
				Start:     LLA{Lat: 32.755, Lon: -117.33},
				CourseDeg: 275, SpeedMps: 3.1, // 6 kn under sail
				MMSI: 338214900, Name: "SEA DRIFTER", Callsign: "WDJ2211",
				AISClass: AISClassB, ShipType: 36, LengthM: 13, BeamM: 4,
			},
			{
				// 7.8 kn west-north-west 11 km off La Jolla; AIS off for good
				// at 12 minutes.
				ID: "fishing-2", Class: ClassSurface,
				Start:     LLA{Lat: 32.83, Lon: -117.40},
				CourseDeg: 290, SpeedMps: 4,
				MMSI: 367602180, Name: "NORTHERN STAR", Callsign: "WDC5520",
				ShipType: 30, LengthM: 22, BeamM: 6,
				AISOff: []Interval{{From: tjGapOff}},
			},
			{
				ID: "ultralight-1", Class: ClassAir,
				Start:     LLA{Lat: 32.42, Lon: -117.05, Alt: 244}, // 800 ft
				CourseDeg: 0, SpeedMps: 51.4,                       // 100 kn
				Legs: []Leg{{AfterM: 20000, CourseDeg: 180, SpeedMps: 51.4}},
			},
			{
				ID: "cessna-1", Class: ClassAir,
				Start:     LLA{Lat: 32.40, Lon: -116.965, Alt: 457}, // 1,500 ft
				CourseDeg: 358, SpeedMps: 51.4,
				ICAO: "a9c2f4", Callsign: "N7265C",
			},
		},
		Assets: []Asset{
			{
				ID: "USCGC-PETREL", Agency: "uscg", Kind: AssetCutter,
				Start:     LLA{Lat: 32.60, Lon: -117.21},
				CourseDeg: 0, SpeedMps: 3,
				Legs:        patrolLegs(3, 12*time.Minute, 8*time.Hour),
				MaxSpeedMps: 12.9,
			},
			{
				ID: "STA-SAN-DIEGO-RB-M", Agency: "uscg", Kind: AssetBoat,
				Start:       LLA{Lat: 32.714, Lon: -117.228},
				MaxSpeedMps: 20.5,
			},
			{
				ID: "SEMAR-INTERCEPTORA-7", Agency: "semar", Kind: AssetBoat,
				Start:       LLA{Lat: 32.49, Lon: -117.17},
				MaxSpeedMps: 22,
			},
		},
		Legitimate: []string{"cargo-1", "cruise-1", "fishing-1", "fishing-3", "yacht-1", "cessna-1"},
	}
	cross := (meridianArc(tjBoundaryLat*deg) - meridianArc(pangaStart.Lat*deg)) / pangaSpeed
	crossAt := time.Duration(math.Ceil(cross)) * time.Second
	ul := &s.Targets[7]
	ulCross := (meridianArc(landBorder(ul.Start.Lon)*deg) - meridianArc(ul.Start.Lat*deg)) / ul.SpeedMps
	ulCrossAt := time.Duration(math.Ceil(ulCross)) * time.Second
	both := []string{"semar", "uscg"}
	s.Behaviours = []Behaviour{
		{
			Rule: "dark_vessel", Target: "panga-1", After: time.Minute, Agencies: both,
			Note: "surface contact with no AIS 12 km off Rosarito, confirmed within the first minute",
		},
		{
			Rule: "go_fast", Target: "panga-1", After: 3 * time.Minute, Agencies: both,
			Note: "28 kn without AIS sustained for 3 minutes",
		},
		{
			Rule: "coast_approach", Target: "panga-1", After: confirmTime, Agencies: both,
			Note: "28 kn without AIS, heading for US waters and the Imperial Beach shore",
		},
		{
			Rule: "zone_entry", Target: "panga-1", After: crossAt, Agencies: both,
			Note: "crosses the US–Mexico maritime boundary northbound at 32.53 N",
		},
		{
			Rule: "dark_vessel", Target: "fishing-2", After: tjGapOff + 50*time.Second, Agencies: []string{"uscg"},
			Note: "once its AIS has been silent for 60 s the track has no AIS within 1.5 km",
		},
		{
			Rule: "ais_gap", Target: "fishing-2", After: tjGapOff + time.Minute, Agencies: []string{"uscg"},
			Note: "AIS (class A, 10 s at 7.8 kn) silent from 12 minutes on while the Point Loma radar holds it",
		},
		{
			Rule: "low_slow_aircraft", Target: "ultralight-1", After: ulCrossAt, Agencies: both,
			Note: "244 m (800 ft), 100 kn, no transponder, crossing the land border over Tijuana northbound",
		},
	}
	return s
}

// tjGapOff is when fishing-2 switches its AIS off in the Tijuana scene.
const tjGapOff = 12 * time.Minute
