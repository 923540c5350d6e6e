package alert

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vigia-project/vigia/geo"
	"github.com/vigia-project/vigia/sensors"
)

const kn = 1852.0 / 3600

// allRules is managerParams with every rule on, at the defaults of SPEC §5
// (those of the configuration).
func allRules() Params {
	p := managerParams()
	p.BoundaryM = 10 * 1852
	p.IdentityMismatch = IdentityMismatch{RuleBase: RuleBase{true, "medium", 5 * time.Minute},
		MaxOffsetM: 1000, PairRadiusM: 5000, SameVelocityMPS: 1.5, Hold: time.Minute, RadarWindow: 30 * time.Second,
		MaxImpliedSpeedMPS: 60 * kn, MinJumpM: 1000}
	p.GoFast = GoFast{RuleBase: RuleBase{true, "high", time.Minute}, SpeedMPS: 25 * kn, Sustain: 3 * time.Minute}
	p.ZoneEntry = ZoneEntry{RuleBase: RuleBase{true, "medium", 0}, Hold: 20 * time.Second, ActiveFor: 15 * time.Minute}
	p.CoastApproach = CoastApproach{RuleBase: RuleBase{true, "high", time.Minute}, SpeedMPS: 20 * kn,
		TimeToLine: 30 * time.Minute, ClosestApproachM: 1852}
	p.Rendezvous = Rendezvous{RuleBase: RuleBase{true, "high", 2 * time.Minute}, DistanceM: 500, Duration: 15 * time.Minute,
		MaxSpeedMPS: 3 * kn}
	p.Loitering = Loitering{RuleBase: RuleBase{true, "low", 2 * time.Minute}, MaxSpeedMPS: 2 * kn, Duration: time.Hour}
	p.AISGap = AISGap{RuleBase: RuleBase{true, "medium", 30 * time.Second}, Factor: 18, MinGap: 2 * time.Minute,
		RadarWindow: 30 * time.Second}
	p.LowSlowAircraft = LowSlowAircraft{RuleBase: RuleBase{true, "high", 0}, MaxSpeedMPS: 150 * kn, MaxAltitudeM: 2000 * 0.3048,
		Hold: 10 * time.Second, ActiveFor: 15 * time.Minute}
	return p
}

// only1 returns p with every rule off but the named one.
func only1(rule string) Params {
	p := allRules()
	p.DarkVessel.Enabled = rule == RuleDarkVessel
	p.IdentityMismatch.Enabled = rule == RuleIdentityMismatch
	p.GoFast.Enabled = rule == RuleGoFast
	p.ZoneEntry.Enabled = rule == RuleZoneEntry
	p.CoastApproach.Enabled = rule == RuleCoastApproach
	p.Rendezvous.Enabled = rule == RuleRendezvous
	p.Loitering.Enabled = rule == RuleLoitering
	p.AISGap.Enabled = rule == RuleAISGap
	p.LowSlowAircraft.Enabled = rule == RuleLowSlowAircraft
	return p
}

// TestRules runs each rule alone on scenes that must raise it and scenes
// that must not.
func TestRules(t *testing.T) {
	offshore := geo.LLA{Lat: 26.15, Lon: -96.85} // ~30 km off South Padre Island, US waters beyond 12 nm
	near := func(p geo.LLA, east, north float64) geo.LLA {
		return geo.Destination(geo.Destination(p, 90, east), 0, north)
	}
	air := func(speed float64) vessel {
		// Low over Mexico, crossing the Rio Grande near 25.93 N northbound.
		return vessel{start: geo.LLA{Lat: 25.75, Lon: -97.28}, course: 20, speed: speed, class: sensors.ClassAir}
	}
	cases := []struct {
		rule    string
		name    string
		raise   bool
		vessels []vessel
		dur     time.Duration
		after   time.Duration // raised no earlier than this
		in      string        // a word the summary must hold
	}{
		{RuleDarkVessel, "dark contact", true, []vessel{{start: offshore, course: 200, speed: 5}}, 3 * time.Minute, time.Minute, "no AIS"},
		{RuleDarkVessel, "AIS vessel", false, []vessel{{start: offshore, course: 200, speed: 5, mmsi: 367001234}}, 3 * time.Minute, 0, ""},
		{RuleDarkVessel, "at anchor, AIS every 3 min", false, []vessel{{start: offshore, mmsi: 367001234, aisEvery: 3 * time.Minute}}, 12 * time.Minute, 0, ""},
		{RuleDarkVessel, "stopped, no AIS", true, []vessel{{start: offshore}}, 8 * time.Minute, 6 * time.Minute, "no AIS"},

		{RuleIdentityMismatch, "AIS 2.5 km off the radar track", true, []vessel{
			{start: offshore, course: 250, speed: 6, mmsi: 367001234, aisOffset: [2]float64{0, 2500}}}, 5 * time.Minute, time.Minute, "2.5 km from radar track"},
		{RuleIdentityMismatch, "one MMSI in two places", true, []vessel{
			{start: offshore, course: 250, speed: 6, mmsi: 367001234},
			{start: geo.LLA{Lat: 25.85, Lon: -96.95}, course: 90, speed: 4, mmsi: 367001234, aisFrom: 5 * time.Second}}, 2 * time.Minute, 0, "two places"},
		{RuleIdentityMismatch, "invalid MMSI", true, []vessel{{start: offshore, course: 250, speed: 6, mmsi: 123456789}}, 2 * time.Minute, 0, "Invalid MMSI 123456789"},
		{RuleIdentityMismatch, "honest AIS", false, []vessel{{start: offshore, course: 250, speed: 6, mmsi: 367001234},
			{start: near(offshore, 0, 3000), course: 250, speed: 6}}, 5 * time.Minute, 0, ""},

		{RuleGoFast, "33 kn dark", true, []vessel{gofast()}, 5 * time.Minute, 3 * time.Minute, "over 25 kn"},
		{RuleGoFast, "20 kn dark", false, []vessel{{start: gofast().start, course: 355, speed: 20 * kn}}, 5 * time.Minute, 0, ""},
		{RuleGoFast, "33 kn with AIS", false, []vessel{{start: gofast().start, course: 355, speed: 17, mmsi: 345001234}}, 5 * time.Minute, 0, ""},

		{RuleZoneEntry, "MX to US across the boundary", true, []vessel{gofast()}, 18 * time.Minute, 5 * time.Minute, "crossed the maritime boundary into US territorial sea"},
		{RuleZoneEntry, "stays in US waters", false, []vessel{{start: geo.LLA{Lat: 26.10, Lon: -97.10}, course: 0, speed: 8}}, 8 * time.Minute, 0, ""},
		{RuleZoneEntry, "crossing with AIS", false, []vessel{{start: gofast().start, course: 355, speed: 17, mmsi: 345001234}}, 18 * time.Minute, 0, ""},

		{RuleCoastApproach, "40 kn run at the 12 nm line", true, []vessel{{start: offshore, course: 270, speed: 40 * kn}}, 3 * time.Minute, 0, "12 nm line"},
		{RuleCoastApproach, "course onto the beach", true, []vessel{{start: geo.LLA{Lat: 26.20, Lon: -97.08}, course: 270, speed: 4}}, 3 * time.Minute, 0, "from the US coast"},
		{RuleCoastApproach, "40 kn heading out to sea", false, []vessel{{start: offshore, course: 90, speed: 40 * kn}}, 3 * time.Minute, 0, ""},
		{RuleCoastApproach, "slow offshore", false, []vessel{{start: offshore, course: 180, speed: 5}}, 3 * time.Minute, 0, ""},

		{RuleRendezvous, "two boats 300 m apart, drifting", true, []vessel{{start: offshore, course: 90, speed: 0.3},
			{start: near(offshore, 0, 300), course: 90, speed: 0.3}}, 20 * time.Minute, 15 * time.Minute, "within"},
		{RuleRendezvous, "two boats 1.5 km apart", false, []vessel{{start: offshore, course: 90, speed: 0.3},
			{start: near(offshore, 0, 1500), course: 90, speed: 0.3}}, 18 * time.Minute, 0, ""},
		{RuleRendezvous, "close but under way at 8 kn", false, []vessel{{start: offshore, course: 90, speed: 4},
			{start: near(offshore, 0, 300), course: 90, speed: 4}}, 18 * time.Minute, 0, ""},

		{RuleLoitering, "1 kn for an hour", true, []vessel{{start: offshore, course: 45, speed: 0.5}}, 62 * time.Minute, time.Hour, "for 1 h"},
		{RuleLoitering, "6 kn for an hour", false, []vessel{{start: offshore, course: 200, speed: 3}}, 62 * time.Minute, 0, ""},
		{RuleLoitering, "at anchor in the anchorage", false, []vessel{{start: geo.LLA{Lat: 26.07, Lon: -97.12}, course: 0, speed: 0}}, 62 * time.Minute, 0, ""},

		{RuleAISGap, "AIS off at 2 min, radar holds it", true, []vessel{{start: offshore, course: 200, speed: 6, mmsi: 367001234, aisUntil: 2 * time.Minute}}, 8 * time.Minute, 4 * time.Minute, "silent"},
		{RuleAISGap, "AIS throughout", false, []vessel{{start: offshore, course: 200, speed: 6, mmsi: 367001234}}, 8 * time.Minute, 0, ""},
		{RuleAISGap, "AIS and radar lost together", false, []vessel{{start: offshore, course: 200, speed: 6, mmsi: 367001234, aisUntil: 2 * time.Minute, radarUntil: 2 * time.Minute}}, 8 * time.Minute, 0, ""},

		{RuleLowSlowAircraft, "117 kn low over the Rio Grande", true, []vessel{air(60)}, 8 * time.Minute, 0, "from MX into US"},
		{RuleLowSlowAircraft, "250 kn", false, []vessel{air(130)}, 4 * time.Minute, 0, ""},
		{RuleLowSlowAircraft, "slow, but along the border in the US", false, []vessel{{start: geo.LLA{Lat: 26.02, Lon: -97.45}, course: 90, speed: 50, class: sensors.ClassAir}}, 4 * time.Minute, 0, ""},
	}
	for _, c := range cases {
		verb := "must not raise"
		if c.raise {
			verb = "must raise"
		}
		t.Run(fmt.Sprintf("%s/%s %s", c.rule, verb, c.name), func(t *testing.T) {
			t.Parallel()
			o := world{vessels: c.vessels, dur: c.dur, params: only1(c.rule), seed: 21}.run(t)
			revs := revisions(t, o.ds)
			var got []*revision
			for _, rs := range revs {
				if rs[0].a.Rule == c.rule {
					got = append(got, rs[0])
				}
			}
			if !c.raise {
				for _, r := range got {
					t.Errorf("raised %s at %v: %s", r.a.ID, r.at, r.a.Summary)
				}
				return
			}
			if len(got) == 0 {
				t.Fatalf("%s not raised in %v (%d other alerts)", c.rule, c.dur, len(revs))
			}
			for _, r := range got {
				if r.at < c.after {
					t.Errorf("%s raised at %v, before %v", r.a.ID, r.at, c.after)
				}
				if strings.ContainsRune(r.a.Summary, 0) {
					t.Errorf("%s summary %q holds the place token", r.a.ID, r.a.Summary)
				}
				if !strings.Contains(r.a.Summary, c.in) {
					t.Errorf("%s summary %q does not say %q", r.a.ID, r.a.Summary, c.in)
				}
				checkLife(t, r.a.ID, revs[r.a.ID])
				t.Logf("%v %s rev %d %v: %s", r.at, r.a.ID, r.a.Rev, r.a.Agencies, r.a.Summary)
			}
		})
	}
}
