// Package alerttest holds realistic alerts for the tests of the alert
// renderers (CoT, CAP): raised with an intercept, revised, cleared, surface
// and air, with and without identity, with text XML must escape.
package alerttest

import "github.com/vigia-project/vigia/alert"

// Case is one named alert.
type Case struct {
	Name string
	A    *alert.Alert
}

// Cases are realistic alerts: raised with an intercept, revised, cleared,
// surface and air, with and without identity, with text XML must escape.
func Cases() []Case {
	raised := &alert.Alert{
		ID: "gulf-1/T000142/dark_vessel", Rev: 1, State: alert.StateActive, Rule: "dark_vessel", Severity: "high",
		Time: "2026-11-28T06:04:10Z", FirstTime: "2026-11-28T06:04:10Z",
		Summary: "Dark surface contact 14 km ESE of Matamoros, 275° at 32 kn, no AIS — Secretaría de Marina & USCG <joint>",
		Track: alert.TrackInfo{ID: "T000142", Lat: 25.88, Lon: -97.02, SigmaM: 85, SpeedMPS: 16.4, CourseDeg: 275,
			Class: "surface", Sensors: []string{"radar-brownsville", "tars-rgv"}},
		Where:      alert.Where{Country: "MX", Zone: "territorial_sea"},
		HeadingFor: &alert.Heading{Country: "US", Zone: "territorial_sea", ETA: "2026-11-28T06:31:00Z"},
		Intercept: &alert.Intercept{Asset: "USCGC-RAYMOND-EVANS", Agency: "uscg", Lat: 25.97, Lon: -97.09,
			ETA: "2026-11-28T06:29:40Z", CourseDeg: 161},
		Agencies: []string{"semar", "uscg"},
		Routing: []alert.Route{{Agency: "semar", Reason: "track in MX territorial_sea"},
			{Agency: "uscg", Reason: "predicted to enter US territorial_sea by 2026-11-28T06:31:00Z (within 26m50s)"}},
		Origin: "gulf-1", Sig: "ed25519:c2lnbmF0dXJl",
	}
	revised := &alert.Alert{
		ID: "gulf-1/T000077/zone_entry", Rev: 3, State: alert.StateActive, Rule: "zone_entry", Severity: "medium",
		Time: "2026-11-28T07:15:00Z", FirstTime: "2026-11-28T06:50:12Z",
		Summary: "MV ESTRELLA DEL GOLFO entered US territorial sea 9 km E of South Padre Island",
		Track: alert.TrackInfo{ID: "T000077", Lat: 26.10412, Lon: -97.07733, SigmaM: 40, SpeedMPS: 6.2, CourseDeg: 0,
			Class: "surface", Sensors: []string{"ais-rgv", "radar-brownsville"},
			Identity: &alert.Identity{MMSI: 345070123, Callsign: "XCAB7", Name: "ESTRELLA DEL GOLFO"}},
		Where:    alert.Where{Country: "US", Zone: "territorial_sea"},
		Agencies: []string{"semar", "uscg"},
		Routing: []alert.Route{{Agency: "semar", Reason: "within 10 nm of the US-MX maritime boundary"},
			{Agency: "uscg", Reason: "track in US territorial_sea"}},
		Origin: "gulf-1",
	}
	cleared := &alert.Alert{
		ID: "gulf-1/T000142/dark_vessel", Rev: 5, State: alert.StateCleared, Rule: "dark_vessel", Severity: "high",
		Time: "2026-11-28T06:41:30Z", FirstTime: "2026-11-28T06:04:10Z",
		Summary: "Cleared: AIS identity MMSI 345070999 now within 1.5 km",
		Track: alert.TrackInfo{ID: "T000142", Lat: 25.99512, Lon: -97.1403, SigmaM: 60, SpeedMPS: 0.4, CourseDeg: 359.6,
			Class: "surface", Sensors: []string{"ais-rgv", "radar-brownsville"}},
		Where: alert.Where{Country: "US", Zone: "territorial_sea"},
		Intercept: &alert.Intercept{Asset: "USCGC-RAYMOND-EVANS", Agency: "uscg", Lat: 25.97, Lon: -97.09,
			ETA: "2026-11-28T06:29:40Z", CourseDeg: 161},
		Agencies: []string{"semar", "uscg"},
		Routing:  []alert.Route{{Agency: "semar", Reason: "kept: sent earlier"}, {Agency: "uscg", Reason: "track in US territorial_sea"}},
		Origin:   "gulf-1",
	}
	air := &alert.Alert{
		ID: "rgv-2/T003310/low_slow_aircraft", Rev: 1, State: alert.StateActive, Rule: "low_slow_aircraft", Severity: "critical",
		Time: "2026-12-02T03:12:45Z", FirstTime: "2026-12-02T03:12:45Z",
		Summary: "Low, slow aircraft crossing the border inbound 6 km S of Hidalgo: 95 kn, 600 ft, no transponder",
		Track: alert.TrackInfo{ID: "T003310", Lat: 26.04, Lon: -98.2577, SigmaM: 150, SpeedMPS: 48.9, CourseDeg: 12,
			Class: "air", Sensors: []string{"tars-rgv"}},
		Where:    alert.Where{Country: "MX", Zone: "land"},
		Agencies: []string{"ccg", "semar", "uscg"},
		Routing: []alert.Route{{Agency: "ccg", Reason: "critical: shared with every agency"},
			{Agency: "semar", Reason: "critical: shared with every agency"}, {Agency: "uscg", Reason: "critical: shared with every agency"}},
		Origin: "rgv-2", Sig: "ed25519:YWlyLXNpZ25hdHVyZQ==",
	}
	unknown := &alert.Alert{
		ID: "gulf-1/T000901/rendezvous", Rev: 2, State: alert.StateActive, Rule: "rendezvous", Severity: "low",
		Time: "2026-11-29T22:00:00Z", FirstTime: "2026-11-29T21:40:00Z",
		Summary: "Two contacts within 300 m for 20 min, both under 3 kn, 60 km offshore on the high seas, one of them radar-only; nearest port Tampico — informe a la Secretaría de Marina, Armada de México",
		Track: alert.TrackInfo{ID: "T000901", Lat: 24.1, Lon: -96.9, SigmaM: 900, SpeedMPS: 0, CourseDeg: 360,
			Class: "unknown", Sensors: []string{"radar-rig"}},
		Where:    alert.Where{Zone: "high_seas"},
		Agencies: []string{"semar"},
		Routing:  []alert.Route{{Agency: "semar", Reason: "no agency's waters hold the track: configured for the high seas"}},
		Origin:   "gulf-1",
	}
	return []Case{
		{"raised-intercept", raised},
		{"revised", revised},
		{"cleared", cleared},
		{"air", air},
		{"unknown-class", unknown},
	}
}
