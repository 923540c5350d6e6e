package alert

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigia-project/vigia/fusion"
	"github.com/vigia-project/vigia/geo"
)

// TestSharingPolicy is the sharing policy of SPEC §5 on synthetic tracks,
// one decision per case, with the reason each agency got the alert.
func TestSharingPolicy(t *testing.T) {
	z, err := geo.DefaultZones()
	if err != nil {
		t.Fatal(err)
	}
	p := allRules()
	m := NewManager(p, z, geo.DefaultPlaces(), nil)
	noCritical := p
	noCritical.CriticalToAll = false
	mLocal := NewManager(noCritical, z, geo.DefaultPlaces(), nil)
	wider := p
	wider.HighSeas = []string{"uscg", "semar"}
	mWide := NewManager(wider, z, geo.DefaultPlaces(), nil)

	type want struct{ agency, reason string } // reason: a prefix
	cases := []struct {
		name      string
		m         *Manager
		pos       geo.LLA
		course    float64 // deg
		speed     float64 // m/s
		severity  string
		where     Where
		headingTo string
		want      []want
	}{
		{name: "Mexican territorial sea, heading north", m: m, pos: geo.LLA{Lat: 25.88, Lon: -97.06}, course: 355, speed: 15,
			severity: "high", where: Where{"MX", "territorial_sea"}, headingTo: "US",
			want: []want{{"semar", "track in MX territorial_sea"}, {"uscg", "predicted to enter US territorial_sea by "}}},
		{name: "Mexican territorial sea, near the boundary, stopped", m: m, pos: geo.LLA{Lat: 25.93, Lon: -97.08}, speed: 0,
			severity: "high", where: Where{"MX", "territorial_sea"},
			want: []want{{"semar", "track in MX territorial_sea"}, {"uscg", "within 1."}}},
		{name: "Strait of Juan de Fuca, US side", m: m, pos: geo.LLA{Lat: 48.20, Lon: -123.60}, course: 270, speed: 5,
			severity: "high", where: Where{"US", "territorial_sea"},
			want: []want{{"ccg", "within "}, {"uscg", "track in US territorial_sea"}}},
		{name: "Strait of Juan de Fuca, Canadian side", m: m, pos: geo.LLA{Lat: 48.30, Lon: -123.80}, course: 90, speed: 5,
			severity: "medium", where: Where{"CA", "territorial_sea"},
			want: []want{{"ccg", "track in CA territorial_sea"}, {"uscg", "within "}}},
		{name: "critical goes to all three", m: m, pos: geo.LLA{Lat: 26.30, Lon: -97.05}, course: 90, speed: 5,
			severity: "critical", where: Where{"US", "territorial_sea"},
			want: []want{{"ccg", "critical: shared with every agency"}, {"semar", "critical: shared with every agency"},
				{"uscg", "track in US territorial_sea"}}},
		{name: "critical, policy off", m: mLocal, pos: geo.LLA{Lat: 26.30, Lon: -97.05}, course: 90, speed: 5,
			severity: "critical", where: Where{"US", "territorial_sea"},
			want: []want{{"uscg", "track in US territorial_sea"}}},
		{name: "US EEZ far offshore", m: m, pos: geo.LLA{Lat: 26.8, Lon: -96.0}, course: 90, speed: 5,
			severity: "high", where: Where{"US", "eez"},
			want: []want{{"uscg", "track in US eez"}}},
		{name: "high seas: the configured agency", m: m, pos: geo.LLA{Lat: 30.0, Lon: -125.0}, course: 270, speed: 5,
			severity: "high", where: Where{"", "high_seas"},
			want: []want{{"uscg", "no agency's waters hold the track: configured for the high seas"}}},
		{name: "high seas: two configured agencies", m: mWide, pos: geo.LLA{Lat: 30.0, Lon: -125.0}, course: 270, speed: 5,
			severity: "high", where: Where{"", "high_seas"},
			want: []want{{"semar", "no agency's waters hold the track"}, {"uscg", "no agency's waters hold the track"}}},
	}
	now := time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			frame := geo.NewFrame(c.pos)
			rad := c.course * math.Pi / 180
			x := fusion.State{0, 0, c.speed * math.Sin(rad), c.speed * math.Cos(rad)}
			where, heading, routes := c.m.route(c.pos, c.m.predictEntry(c.pos, x, frame), now, c.severity, nil)
			if where != c.where {
				t.Errorf("where %+v, want %+v", where, c.where)
			}
			switch {
			case c.headingTo == "" && heading != nil:
				t.Errorf("heading_for %+v, want none", *heading)
			case c.headingTo != "" && (heading == nil || heading.Country != c.headingTo):
				t.Errorf("heading_for %+v, want %s", heading, c.headingTo)
			}
			var got, wantAg []string
			for _, r := range routes {
				got = append(got, r.Agency)
			}
			for _, w := range c.want {
				wantAg = append(wantAg, w.agency)
			}
			if !slices.Equal(got, wantAg) {
				t.Fatalf("agencies %v, want %v (routing %+v)", got, wantAg, routes)
			}
			for i, w := range c.want {
				if !strings.HasPrefix(routes[i].Reason, w.reason) {
					t.Errorf("%s: reason %q, want %q…", w.agency, routes[i].Reason, w.reason)
				}
				t.Logf("%s: %s", routes[i].Agency, routes[i].Reason)
			}
		})
	}
}
