package alert

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigia-project/vigia/fusion"
	"github.com/vigia-project/vigia/geo"
	"github.com/vigia-project/vigia/sensors"
)

func parseTime(t testing.TB, s string) time.Time {
	t.Helper()
	at, err := time.Parse(TimeLayout, s)
	if err != nil {
		t.Fatalf("time %q: %v", s, err)
	}
	return at
}

// checkPosition fails when the alert's track is more than 200 m from where
// v truly was at the alert's time, or its sigma is not a plausible radius.
func checkPosition(t testing.TB, a *Alert, v vessel) {
	t.Helper()
	dt := parseTime(t, a.Time).Sub(t0)
	truth := v.at(dt)
	if d := geo.Distance(truth, geo.LLA{Lat: a.Track.Lat, Lon: a.Track.Lon}); d > 200 {
		t.Errorf("%s rev %d at %v: track %.5f,%.5f is %.0f m from the truth %.5f,%.5f", a.ID, a.Rev, dt,
			a.Track.Lat, a.Track.Lon, d, truth.Lat, truth.Lon)
	}
	if a.Track.SigmaM <= 0 || a.Track.SigmaM > 200 {
		t.Errorf("%s rev %d: sigma_m %v", a.ID, a.Rev, a.Track.SigmaM)
	}
}

var summaryRE = regexp.MustCompile(`^Dark surface contact (\d+ k?m [NESW]+ of [A-Za-z ]+), (\d{3})° at (\d+) kn, no AIS$`)

// checkSummary fails unless the summary is a dark_vessel summary giving a
// course and speed close to v's.
func checkSummary(t testing.TB, a *Alert, v vessel) {
	t.Helper()
	m := summaryRE.FindStringSubmatch(a.Summary)
	if m == nil {
		t.Errorf("%s rev %d: summary %q", a.ID, a.Rev, a.Summary)
		return
	}
	course, _ := strconv.Atoi(m[2])
	kn, _ := strconv.Atoi(m[3])
	tol := 12.0 // a slow boat's course is poorly known a minute after it is first seen
	if v.speed < 5 {
		tol = 35
	}
	if d := math.Abs(math.Remainder(float64(course)-v.course, 360)); d > tol {
		t.Errorf("summary %q: course %d°, truth %.0f°", a.Summary, course, v.course)
	}
	if want := v.speed * 3600 / 1852; math.Abs(float64(kn)-want) > 5 {
		t.Errorf("summary %q: %d kn, truth %.1f kn", a.Summary, kn, want)
	}
}

// crossing returns when v first enters country's waters (to the second), or -1.
func crossingTime(t testing.TB, v vessel, country string, within time.Duration) time.Duration {
	t.Helper()
	z, err := geo.DefaultZones()
	if err != nil {
		t.Fatal(err)
	}
	for dt := time.Duration(0); dt <= within; dt += time.Second {
		p := v.at(dt)
		if z.At(p.Lat, p.Lon).Country == country {
			return dt
		}
	}
	return -1
}

// TestDarkVesselRaise drives the engine with vessels that must and must not
// raise dark_vessel.
func TestDarkVesselRaise(t *testing.T) {
	gf := gofast()
	withAIS := gf
	withAIS.mmsi = 345070001
	// Escorts run alongside, abeam to starboard, with their own AIS.
	escort := func(dist float64) vessel {
		e := gf
		e.start = geo.Destination(gf.start, gf.course+90, dist)
		e.mmsi = 345070002
		return e
	}
	silent := gf // AIS on for two minutes, then switched off (last report at 110 s)
	silent.mmsi, silent.aisUntil = 345070003, 2*time.Minute
	glimpse := gf // two scans only: never confirmed
	glimpse.radarUntil = 5 * time.Second
	helo := vessel{start: geo.LLA{Lat: 25.90, Lon: -97.00}, course: 10, speed: 30, class: sensors.ClassAir}
	fisher := vessel{start: geo.LLA{Lat: 26.20, Lon: -97.05}, course: 200, speed: 3}

	cases := []struct {
		name    string
		vessels []vessel
		dark    int           // index of the vessel that must raise; -1 none
		raiseAt time.Duration // when rev 1 must come out
		where   Where
		heading string // country of heading_for; "" none
		to      []string
		mmsi    uint32 // identity the alerted track must carry (0: none)
	}{
		{name: "dark go-fast", vessels: []vessel{gf}, dark: 0, raiseAt: 60 * time.Second,
			where: Where{"MX", geo.KindTerritorialSea}, heading: "US", to: []string{"semar", "uscg"}},
		{name: "same go-fast with AIS every 10 s", vessels: []vessel{withAIS}, dark: -1},
		{name: "AIS of an escort 1 km away", vessels: []vessel{gf, escort(1000)}, dark: -1},
		{name: "AIS of an escort 1.2 km away", vessels: []vessel{gf, escort(1200)}, dark: -1},
		{name: "AIS of an escort 3 km away", vessels: []vessel{gf, escort(3000)}, dark: 0, raiseAt: 60 * time.Second,
			where: Where{"MX", geo.KindTerritorialSea}, heading: "US", to: []string{"semar", "uscg"}},
		{name: "AIS switched off", vessels: []vessel{silent}, dark: 0, raiseAt: 171 * time.Second,
			where: Where{"MX", geo.KindTerritorialSea}, heading: "US", to: []string{"semar", "uscg"}, mmsi: 345070003},
		{name: "glimpse never confirmed", vessels: []vessel{glimpse}, dark: -1},
		{name: "helicopter (air class)", vessels: []vessel{helo}, dark: -1},
		// At 6 kn it is under way (AIS every 10 s) once 2 minutes of track
		// history show it: its track was confirmed, and its history begun, at 8 s.
		{name: "dark fishing boat in US waters", vessels: []vessel{fisher}, dark: 0, raiseAt: 2*time.Minute + 8*time.Second,
			where: Where{"US", geo.KindTerritorialSea}, to: []string{"uscg"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := world{vessels: c.vessels, dur: 5 * time.Minute, params: managerParams(), seed: 7}.run(t)
			if c.dark < 0 {
				if len(o.ds) != 0 {
					t.Fatalf("%d deliveries, want none; first %s", len(o.ds), o.ds[0].Payload)
				}
				if n := len(o.eng.Tracks()); n == 0 && c.name != "glimpse never confirmed" {
					t.Fatal("no track at all: the case proves nothing")
				}
				return
			}
			id, revs := only(t, o.ds)
			r1 := revs[0]
			if r1.at != c.raiseAt {
				t.Errorf("raised at %v, want %v", r1.at, c.raiseAt)
			}
			a := r1.a
			if !strings.HasPrefix(id, "test/T") || !strings.HasSuffix(id, "/dark_vessel") || id != "test/"+a.Track.ID+"/dark_vessel" {
				t.Errorf("id %q, track %q", id, a.Track.ID)
			}
			if a.Rev != 1 || a.State != StateActive || a.Rule != "dark_vessel" || a.Severity != "high" || a.Origin != "test" {
				t.Errorf("rev %d state %q rule %q severity %q origin %q", a.Rev, a.State, a.Rule, a.Severity, a.Origin)
			}
			if want := fmtTime(t0.Add(c.raiseAt)); a.Time != want || a.FirstTime != want {
				t.Errorf("time %s first_time %s, want %s", a.Time, a.FirstTime, want)
			}
			if a.Where != c.where {
				t.Errorf("where %+v, want %+v", a.Where, c.where)
			}
			switch {
			case c.heading == "" && a.HeadingFor != nil:
				t.Errorf("heading_for %+v, want none", *a.HeadingFor)
			case c.heading != "" && (a.HeadingFor == nil || a.HeadingFor.Country != c.heading):
				t.Errorf("heading_for %+v, want %s", a.HeadingFor, c.heading)
			}
			if !slices.Equal(a.Agencies, c.to) || !slices.Equal(r1.to, c.to) {
				t.Errorf("agencies %v, delivered to %v, want %v", a.Agencies, r1.to, c.to)
			}
			if a.Track.Class != "surface" || !slices.Equal(a.Track.Sensors, sensorsOf(c.vessels[c.dark])) {
				t.Errorf("track class %q sensors %v", a.Track.Class, a.Track.Sensors)
			}
			switch {
			case c.mmsi == 0 && a.Track.Identity != nil:
				t.Errorf("identity %+v, want none", *a.Track.Identity)
			case c.mmsi != 0 && (a.Track.Identity == nil || a.Track.Identity.MMSI != c.mmsi):
				t.Errorf("identity %+v, want MMSI %d", a.Track.Identity, c.mmsi)
			}
			checkSummary(t, a, c.vessels[c.dark])
			for _, r := range revs {
				checkPosition(t, r.a, c.vessels[c.dark])
			}
		})
	}
}

func sensorsOf(v vessel) []string {
	s := []string{v.radar()}
	if v.mmsi != 0 {
		s = append(s, "ais")
	}
	slices.Sort(s)
	return s
}

// TestDarkGoFastAlert checks the first alert of the Rio Grande go-fast in
// detail: timing against the track's life, routing with reasons, the
// predicted entry into US waters, and the SPEC §5 JSON.
func TestDarkGoFastAlert(t *testing.T) {
	gf := gofast()
	o := world{vessels: []vessel{gf}, dur: 5 * time.Minute, params: managerParams(), seed: 1, clutter: 2}.run(t)
	id, revs := only(t, o.ds)
	if id != "test/T000001/dark_vessel" {
		t.Fatalf("id %q", id)
	}
	var tr *fusion.Track
	for _, x := range o.eng.Tracks() {
		if x.Name() == "T000001" {
			tr = x
		}
	}
	if tr == nil || !tr.Born().Equal(t0) || tr.Status() != fusion.Confirmed {
		t.Fatalf("track T000001 %+v: want confirmed, born at the first scan", tr)
	}
	r1 := revs[0]
	if life := r1.at - tr.Born().Sub(t0); life != 60*time.Second {
		t.Errorf("raised after %v of track life, want 60s (the AIS window)", life)
	}
	// Nothing may come out before the window has passed.
	for _, d := range o.ds {
		if d.at < 60*time.Second {
			t.Errorf("delivery at %v", d.at)
		}
	}
	a := r1.a
	if !slices.Equal(r1.to, []string{"semar", "uscg"}) ||
		!slices.Equal(r1.topics, []string{"vigia/alerts/semar", "vigia/alerts/uscg"}) {
		t.Errorf("delivered to %v on %v", r1.to, r1.topics)
	}
	if a.Where != (Where{"MX", "territorial_sea"}) {
		t.Errorf("where %+v", a.Where)
	}
	if a.HeadingFor == nil || a.HeadingFor.Country != "US" || a.HeadingFor.Zone != "territorial_sea" {
		t.Fatalf("heading_for %+v", a.HeadingFor)
	}
	at := parseTime(t, a.Time)
	eta := parseTime(t, a.HeadingFor.ETA)
	cross := crossingTime(t, gf, "US", time.Hour)
	if cross < 0 {
		t.Fatal("the go-fast never enters US waters: bad scenario")
	}
	if d := eta.Sub(t0.Add(cross)); d < -90*time.Second || d > 90*time.Second {
		t.Errorf("ETA %s, truth enters US waters at %s", a.HeadingFor.ETA, fmtTime(t0.Add(cross)))
	}
	if lead := eta.Sub(at); lead <= 0 || lead > 30*time.Minute || lead%time.Second != 0 {
		t.Errorf("ETA %v after the alert", lead)
	}
	wantRoutes := []Route{
		{"semar", "track in MX territorial_sea"},
		{"uscg", fmt.Sprintf("predicted to enter US territorial_sea by %s (within %s)", a.HeadingFor.ETA, eta.Sub(at))},
	}
	if !slices.Equal(a.Routing, wantRoutes) {
		t.Errorf("routing %+v, want %+v", a.Routing, wantRoutes)
	}
	if !strings.HasPrefix(a.Summary, "Dark surface contact") || !strings.Contains(a.Summary, " kn, no AIS") {
		t.Errorf("summary %q", a.Summary)
	}
	checkSummary(t, a, gf)
	checkPosition(t, a, gf)
	if math.Abs(a.Track.SpeedMPS-17) > 2.5 || math.Abs(math.Remainder(a.Track.CourseDeg-355, 360)) > 12 {
		t.Errorf("speed %v m/s course %v°", a.Track.SpeedMPS, a.Track.CourseDeg)
	}

	// The JSON has every SPEC §5 field, with the values of the Alert.
	payload, err := a.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if string(payload) != string(r1.payload) {
		t.Errorf("delivered payload differs from Alert.JSON:\n%s\n%s", r1.payload, payload)
	}
	var doc map[string]any
	if err := json.Unmarshal(payload, &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "rev", "state", "rule", "severity", "time", "first_time", "summary", "track",
		"where", "heading_for", "intercept", "agencies", "origin", "routing"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("JSON has no %q: %s", k, payload)
		}
	}
	track, _ := doc["track"].(map[string]any)
	for _, k := range []string{"id", "lat", "lon", "sigma_m", "speed_mps", "course_deg", "class", "sensors", "identity"} {
		if _, ok := track[k]; !ok {
			t.Errorf("JSON track has no %q: %s", k, payload)
		}
	}
	checks := map[string]any{"id": id, "rev": 1.0, "state": "active", "rule": "dark_vessel", "severity": "high",
		"time": "2026-11-28T06:01:00Z", "first_time": "2026-11-28T06:01:00Z", "origin": "test", "intercept": nil}
	for k, want := range checks {
		if doc[k] != want {
			t.Errorf("JSON %s = %v, want %v", k, doc[k], want)
		}
	}
	if track["id"] != "T000001" || track["class"] != "surface" || track["identity"] != nil {
		t.Errorf("JSON track %v", track)
	}
	if w, _ := doc["where"].(map[string]any); w["country"] != "MX" || w["zone"] != "territorial_sea" {
		t.Errorf("JSON where %v", doc["where"])
	}
	if h, _ := doc["heading_for"].(map[string]any); h["country"] != "US" || h["eta"] != a.HeadingFor.ETA {
		t.Errorf("JSON heading_for %v", doc["heading_for"])
	}
	if ag, _ := doc["agencies"].([]any); len(ag) != 2 || ag[0] != "semar" || ag[1] != "uscg" {
		t.Errorf("JSON agencies %v", doc["agencies"])
	}
}
