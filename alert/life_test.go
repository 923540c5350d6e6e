package alert

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigia-project/vigia/geo"
)

// checkLife fails unless the revisions of one alert have a stable id, revs
// 1, 2, 3… with no gap, and each revision went to every agency routed now
// plus every agency that got an earlier one.
func checkLife(t testing.TB, id string, revs []*revision) {
	t.Helper()
	got := map[string]bool{}
	var first string // first_time of the current raise
	for i, r := range revs {
		if r.a.ID != id || r.a.Rev != i+1 {
			t.Errorf("revision %d: id %q rev %d, want %q rev %d", i, r.a.ID, r.a.Rev, id, i+1)
		}
		if raise := i == 0 || revs[i-1].a.State == StateCleared; raise {
			if r.a.State != StateActive || r.a.FirstTime != r.a.Time {
				t.Errorf("rev %d raises: state %q, first_time %s, time %s", r.a.Rev, r.a.State, r.a.FirstTime, r.a.Time)
			}
			first = r.a.FirstTime
		} else if r.a.FirstTime != first {
			t.Errorf("rev %d: first_time %s, was %s", r.a.Rev, r.a.FirstTime, first)
		}
		for _, ag := range r.a.Agencies {
			got[ag] = true
		}
		want := slices.Sorted(func(yield func(string) bool) {
			for ag := range got {
				if !yield(ag) {
					return
				}
			}
		})
		if !slices.Equal(r.to, want) {
			t.Errorf("rev %d (%s) delivered to %v, want %v", r.a.Rev, r.a.State, r.to, want)
		}
		for j, ag := range r.to {
			if r.topics[j] != "vigia/alerts/"+ag {
				t.Errorf("rev %d: agency %s on topic %q", r.a.Rev, ag, r.topics[j])
			}
		}
	}
}

// TestClearedWhenAISStarts: a dark go-fast that starts transmitting AIS is
// cleared ClearAfter after its AIS is first heard, to the same agencies.
// When the track is later lost, nothing more is sent.
func TestClearedWhenAISStarts(t *testing.T) {
	v := gofast()
	// Radar loses it at 185 s (last scan 182.5 s), AIS stops at 200 s (last
	// report 190 s): the track is deleted at 251 s, when the AIS would have
	// been silent for longer than the window.
	v.mmsi, v.aisFrom, v.aisUntil, v.radarUntil = 345070001, 2*time.Minute, 200*time.Second, 185*time.Second
	o := world{vessels: []vessel{v}, dur: 6 * time.Minute, params: managerParams(), seed: 3}.run(t)
	id, revs := only(t, o.ds)
	checkLife(t, id, revs)
	if len(revs) != 2 {
		t.Fatalf("%d revisions, want 2 (raised, cleared)", len(revs))
	}
	raised, cleared := revs[0], revs[1]
	if raised.at != 60*time.Second || raised.a.State != StateActive {
		t.Errorf("rev 1 %s at %v", raised.a.State, raised.at)
	}
	// AIS first heard at 120 s: the condition stops holding then, and the
	// alert clears ClearAfter later.
	if cleared.at != 180*time.Second {
		t.Errorf("cleared at %v, want 3m0s", cleared.at)
	}
	a := cleared.a
	if a.State != StateCleared || a.Rev != 2 || a.Time != fmtTime(t0.Add(180*time.Second)) || a.FirstTime != raised.a.FirstTime {
		t.Errorf("clear: state %q rev %d time %s first_time %s", a.State, a.Rev, a.Time, a.FirstTime)
	}
	if a.Summary != "Cleared: AIS now reported (MMSI 345070001)" {
		t.Errorf("summary %q", a.Summary)
	}
	if !slices.Equal(cleared.to, raised.to) || !slices.Equal(cleared.to, []string{"semar", "uscg"}) {
		t.Errorf("clear went to %v, raise to %v", cleared.to, raised.to)
	}
	if a.Track.Identity == nil || a.Track.Identity.MMSI != 345070001 {
		t.Errorf("cleared track identity %+v", a.Track.Identity)
	}
	// Track lost at 251 s (last detection at 190 s, coast time 60 s):
	// the alert is already cleared, so no delivery, and it is forgotten.
	if len(o.eng.Tracks()) != 0 {
		t.Fatalf("%d live tracks at the end, want 0", len(o.eng.Tracks()))
	}
	if len(o.m.alerts) != 0 || o.m.Active() != 0 {
		t.Errorf("%d alerts kept (%d active) after the track was deleted", len(o.m.alerts), o.m.Active())
	}
	if o.active[59] != 0 || o.active[60] != 1 || o.active[179] != 1 || o.active[180] != 0 {
		t.Errorf("Active() around the raise %v and the clear %v", o.active[59:61], o.active[179:181])
	}
}

// TestClearedWhenTrackLost: detections stop; once the engine deletes the
// track (coast time), TrackDeleted clears the alert.
func TestClearedWhenTrackLost(t *testing.T) {
	v := gofast()
	v.radarUntil = 150 * time.Second // last scan at 147.5 s
	o := world{vessels: []vessel{v}, dur: 5 * time.Minute, params: managerParams(), seed: 4}.run(t)
	id, revs := only(t, o.ds)
	checkLife(t, id, revs)
	last := revs[len(revs)-1]
	// Deleted at the first whole second more than 60 s after 147.5 s.
	if last.at != 208*time.Second {
		t.Errorf("cleared at %v, want 3m28s", last.at)
	}
	a := last.a
	if a.State != StateCleared || a.Rev != len(revs) || len(revs) < 2 {
		t.Fatalf("last revision: state %q rev %d of %d", a.State, a.Rev, len(revs))
	}
	if a.Summary != "Cleared: track T000001 lost (no detection for the coast time)" {
		t.Errorf("summary %q", a.Summary)
	}
	if a.Time != fmtTime(t0.Add(208*time.Second)) {
		t.Errorf("time %s", a.Time)
	}
	for _, r := range revs[:len(revs)-1] {
		if r.a.State != StateActive {
			t.Errorf("rev %d %s before the loss", r.a.Rev, r.a.State)
		}
	}
	if !slices.Equal(last.to, []string{"semar", "uscg"}) {
		t.Errorf("clear went to %v", last.to)
	}
	if len(o.m.alerts) != 0 || o.m.Active() != 0 {
		t.Errorf("%d alerts kept after the loss", len(o.m.alerts))
	}
}

// stormCheck fails when a revision of an active alert came out that neither
// changed something material nor followed a move of RevDistanceM, and
// returns the number of material revisions.
func stormCheck(t testing.TB, revs []*revision, revDist float64) (material int) {
	t.Helper()
	for i := 1; i < len(revs); i++ {
		prev, cur := revs[i-1].a, revs[i].a
		if cur.State != StateActive || prev.State != StateActive {
			continue
		}
		moved := geo.Distance(geo.LLA{Lat: prev.Track.Lat, Lon: prev.Track.Lon}, geo.LLA{Lat: cur.Track.Lat, Lon: cur.Track.Lon})
		mat := prevMaterial(prev, cur)
		if mat {
			material++
		}
		if !mat && moved < revDist-5 {
			t.Errorf("rev %d at %v: moved %.0f m since rev %d and nothing material changed", cur.Rev, revs[i].at, moved, prev.Rev)
		}
	}
	return material
}

func prevMaterial(a, b *Alert) bool {
	if a.Where != b.Where || !slices.Equal(a.Agencies, b.Agencies) || a.Severity != b.Severity {
		return true
	}
	if (a.HeadingFor == nil) != (b.HeadingFor == nil) {
		return true
	}
	return a.HeadingFor != nil && (a.HeadingFor.Country != b.HeadingFor.Country || a.HeadingFor.Zone != b.HeadingFor.Zone)
}

// TestNoAlertStorm: a dark vessel tracked for a long time gets a revision
// per RevDistanceM travelled plus one per material change, no more.
func TestNoAlertStorm(t *testing.T) {
	for _, c := range []struct {
		name     string
		dur      time.Duration
		material int // material changes expected
	}{
		{"10 minutes in MX waters", 10 * time.Minute, 0},
		{"25 minutes, crossing into US waters", 25 * time.Minute, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := gofast()
			o := world{vessels: []vessel{v}, dur: c.dur, params: managerParams(), seed: 5, clutter: 2}.run(t)
			id, revs := only(t, o.ds)
			checkLife(t, id, revs)
			if id != "test/T000001/dark_vessel" {
				t.Errorf("id %q", id)
			}
			for _, d := range o.ds {
				if d.Alert.ID != id || d.Alert.Track.ID != "T000001" || d.Alert.State != StateActive {
					t.Errorf("delivery %s rev %d track %s %s", d.Alert.ID, d.Alert.Rev, d.Alert.Track.ID, d.Alert.State)
				}
			}
			mat := stormCheck(t, revs, 2000)
			if mat != c.material {
				t.Errorf("%d material revisions, want %d", mat, c.material)
			}
			dist := v.speed * (c.dur - 60*time.Second).Seconds() // travelled since the raise
			if max := int(dist/2000) + c.material + 1; len(revs) > max || len(revs) < max-1 {
				t.Errorf("%d revisions over %.1f km with %d material changes, want %d (at most)", len(revs), dist/1000, mat, max)
			}
			for _, r := range revs {
				checkPosition(t, r.a, v)
			}
			if c.material > 0 {
				// After the crossing the alert is routed to uscg only, but semar,
				// which had it, keeps getting it.
				last := revs[len(revs)-1]
				if last.a.Where != (Where{"US", "territorial_sea"}) || last.a.HeadingFor != nil ||
					!slices.Equal(last.a.Agencies, []string{"uscg"}) || !slices.Equal(last.to, []string{"semar", "uscg"}) {
					t.Errorf("after the crossing: where %+v heading %+v agencies %v delivered to %v",
						last.a.Where, last.a.HeadingFor, last.a.Agencies, last.to)
				}
				if cross := crossingTime(t, v, "US", c.dur); cross < 0 {
					t.Error("no crossing in the truth")
				} else {
					for _, r := range revs {
						if r.a.Where.Country == "US" {
							if d := r.at - cross; d < -20*time.Second || d > 20*time.Second {
								t.Errorf("first revision in US waters at %v, truth crosses at %v", r.at, cross)
							}
							break
						}
					}
				}
			}
		})
	}
}

// TestReRaiseAfterClear: a go-fast that shows AIS for a while (cleared) and
// goes dark again is raised again under the same id with the next rev, and
// the re-raise does not drag a stale position along: the next revision
// comes only after another RevDistanceM.
func TestReRaiseAfterClear(t *testing.T) {
	v := gofast()
	v.mmsi, v.aisFrom, v.aisUntil = 345070001, 2*time.Minute, 200*time.Second // last AIS at 190 s
	o := world{vessels: []vessel{v}, dur: 8 * time.Minute, params: managerParams(), seed: 6}.run(t)
	id, revs := only(t, o.ds)
	checkLife(t, id, revs)
	if len(revs) < 3 {
		t.Fatalf("%d revisions", len(revs))
	}
	states := []string{revs[0].a.State, revs[1].a.State, revs[2].a.State}
	if !slices.Equal(states, []string{StateActive, StateCleared, StateActive}) {
		t.Fatalf("states %v", states)
	}
	if revs[1].at != 180*time.Second || revs[2].at != 251*time.Second {
		t.Errorf("cleared at %v, raised again at %v; want 3m0s and 4m11s", revs[1].at, revs[2].at)
	}
	if !strings.HasPrefix(revs[2].a.Summary, "Dark surface contact") {
		t.Errorf("summary %q", revs[2].a.Summary)
	}
	for i := 3; i < len(revs); i++ {
		prev, cur := revs[i-1].a, revs[i].a
		moved := geo.Distance(geo.LLA{Lat: prev.Track.Lat, Lon: prev.Track.Lon}, geo.LLA{Lat: cur.Track.Lat, Lon: cur.Track.Lon})
		if !prevMaterial(prev, cur) && moved < 1995 {
			t.Errorf("rev %d at %v, %v after rev %d, having moved %.0f m", cur.Rev, revs[i].at, revs[i].at-revs[i-1].at, prev.Rev, moved)
		}
	}
	// 17 m/s from 251 s to 480 s: 3.9 km, one distance revision.
	if len(revs) != 4 {
		t.Errorf("%d revisions, want 4", len(revs))
	}
}

// TestRouting checks the sharing policy on tracks in different waters.
func TestRouting(t *testing.T) {
	z, err := geo.DefaultZones()
	if err != nil {
		t.Fatal(err)
	}
	critical := managerParams()
	critical.DarkVessel.Severity = "critical"
	criticalLocal := critical
	criticalLocal.CriticalToAll = false
	cases := []struct {
		name    string
		v       vessel
		p       Params
		zone    geo.Zone // where the vessel starts (a check of the scenario)
		where   Where
		heading string
		routes  []Route // reasons; "" matches any predicted-entry reason
	}{
		{name: "US waters, heading offshore", p: managerParams(),
			v:     vessel{start: geo.LLA{Lat: 26.05, Lon: -97.10}, course: 90, speed: 8},
			zone:  geo.Zone{Country: "US", Kind: geo.KindTerritorialSea},
			where: Where{"US", "territorial_sea"}, routes: []Route{{"uscg", "track in US territorial_sea"}}},
		{name: "critical to all", p: critical, v: gofast(),
			zone:  geo.Zone{Country: "MX", Kind: geo.KindTerritorialSea},
			where: Where{"MX", "territorial_sea"}, heading: "US",
			routes: []Route{{"ccg", "critical: shared with every agency"}, {"semar", "track in MX territorial_sea"}, {"uscg", ""}}},
		{name: "critical, not shared with all", p: criticalLocal, v: gofast(),
			zone:  geo.Zone{Country: "MX", Kind: geo.KindTerritorialSea},
			where: Where{"MX", "territorial_sea"}, heading: "US",
			routes: []Route{{"semar", "track in MX territorial_sea"}, {"uscg", ""}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := z.At(c.v.start.Lat, c.v.start.Lon); got != c.zone {
				t.Fatalf("scenario starts in %+v, want %+v", got, c.zone)
			}
			if c.heading != "" {
				// Well inside the horizon, so that the heading is not at its edge.
				if cross := crossingTime(t, c.v, c.heading, time.Hour); cross < 0 || cross > 20*time.Minute {
					t.Fatalf("scenario enters %s waters at %v", c.heading, cross)
				}
			}
			o := world{vessels: []vessel{c.v}, dur: 4 * time.Minute, params: c.p, seed: 8}.run(t)
			id, revs := only(t, o.ds)
			checkLife(t, id, revs)
			var want []string
			for _, r := range c.routes {
				want = append(want, r.Agency)
			}
			for _, r := range revs {
				a := r.a
				if a.Severity != c.p.DarkVessel.Severity {
					t.Errorf("severity %q", a.Severity)
				}
				if a.Where != c.where {
					t.Errorf("rev %d: where %+v, want %+v", a.Rev, a.Where, c.where)
				}
				switch {
				case c.heading == "" && a.HeadingFor != nil:
					t.Errorf("rev %d: heading_for %+v, want none", a.Rev, *a.HeadingFor)
				case c.heading != "" && (a.HeadingFor == nil || a.HeadingFor.Country != c.heading):
					t.Errorf("rev %d: heading_for %+v, want %s", a.Rev, a.HeadingFor, c.heading)
				}
				if !slices.Equal(a.Agencies, want) || !slices.Equal(r.to, want) {
					t.Errorf("rev %d: agencies %v delivered to %v, want %v", a.Rev, a.Agencies, r.to, want)
				}
				if len(a.Routing) != len(c.routes) {
					t.Errorf("rev %d: routing %+v, want %+v", a.Rev, a.Routing, c.routes)
					continue
				}
				for i, wr := range c.routes {
					gr := a.Routing[i]
					switch {
					case gr.Agency != wr.Agency:
						t.Errorf("rev %d: routing %+v, want %+v", a.Rev, a.Routing, c.routes)
					case wr.Reason == "" && (a.HeadingFor == nil ||
						!strings.HasPrefix(gr.Reason, "predicted to enter "+a.HeadingFor.Country+" "+a.HeadingFor.Zone+" by "+a.HeadingFor.ETA+" (within ")):
						t.Errorf("rev %d: %s reason %q, heading_for %+v", a.Rev, gr.Agency, gr.Reason, a.HeadingFor)
					case wr.Reason != "" && gr.Reason != wr.Reason:
						t.Errorf("rev %d: %s reason %q, want %q", a.Rev, gr.Agency, gr.Reason, wr.Reason)
					}
				}
				checkPosition(t, a, c.v)
			}
		})
	}
}

// TestDeterministic: the same inputs give byte-identical deliveries.
func TestDeterministic(t *testing.T) {
	w := world{vessels: []vessel{gofast(), {start: geo.LLA{Lat: 26.20, Lon: -97.05}, course: 200, speed: 3}},
		dur: 8 * time.Minute, params: managerParams(), seed: 9, clutter: 3}
	a, b := w.run(t), w.run(t)
	if len(a.ds) < 4 {
		t.Fatalf("%d deliveries: the run proves little", len(a.ds))
	}
	if len(a.ds) != len(b.ds) {
		t.Fatalf("%d and %d deliveries", len(a.ds), len(b.ds))
	}
	for i := range a.ds {
		x, y := a.ds[i], b.ds[i]
		if x.at != y.at || x.Agency != y.Agency || x.Topic != y.Topic || !bytes.Equal(x.Payload, y.Payload) {
			t.Fatalf("delivery %d differs:\n%v %s %s\n%v %s %s", i, x.at, x.Agency, x.Payload, y.at, y.Agency, y.Payload)
		}
	}
	w.seed = 10 // and the payloads do depend on the input
	c := w.run(t)
	if len(c.ds) > 0 && bytes.Equal(c.ds[0].Payload, a.ds[0].Payload) {
		t.Error("another seed gave the same first payload")
	}
}

// TestDisabled: a disabled rule raises nothing.
func TestDisabled(t *testing.T) {
	p := managerParams()
	p.DarkVessel.Enabled = false
	o := world{vessels: []vessel{gofast()}, dur: 5 * time.Minute, params: p, seed: 1}.run(t)
	if len(o.ds) != 0 {
		t.Fatalf("%d deliveries, first %s", len(o.ds), o.ds[0].Payload)
	}
	if len(o.eng.Tracks()) != 1 || o.m.Active() != 0 || len(o.m.alerts) != 0 {
		t.Fatalf("%d tracks, %d alerts", len(o.eng.Tracks()), len(o.m.alerts))
	}
}

// TestNoStormAtHorizon: a dark go-fast inbound from the high seas passes the
// point where its predicted entry into US waters is one horizon away. The
// tracker's speed and course noise then put the entry on either side of the
// horizon from one second to the next; heading_for (and with it the
// agencies) must not flip on every evaluation, each flip a revision.
func TestNoStormAtHorizon(t *testing.T) {
	v := vessel{start: geo.LLA{Lat: 26.40, Lon: -96.45}, course: 180, speed: 17, sensor: "rig"}
	cross := crossingTime(t, v, "MX", time.Hour)
	if cross < 35*time.Minute || cross > 45*time.Minute {
		t.Fatalf("scenario enters MX waters at %v", cross)
	}
	dur := 20 * time.Minute
	o := world{vessels: []vessel{v}, dur: dur, params: managerParams(), seed: 8}.run(t)
	id, revs := only(t, o.ds)
	checkLife(t, id, revs)
	mat := stormCheck(t, revs, 2000)
	dist := v.speed * (dur - 60*time.Second).Seconds()
	if max := int(dist/2000) + mat + 1; mat > 3 || len(revs) > max {
		t.Errorf("%d revisions (%d material) over %.1f km, want at most %d with at most 3 material", len(revs), mat, dist/1000, max)
	}
	first, last := revs[0].a, revs[len(revs)-1].a
	if first.HeadingFor != nil || last.HeadingFor == nil || last.HeadingFor.Country != "MX" {
		t.Errorf("heading_for %+v at first, %+v at last", first.HeadingFor, last.HeadingFor)
	}
	for _, r := range revs {
		if !slices.Equal(r.to, []string{"uscg"}) && !slices.Equal(r.to, []string{"semar", "uscg"}) {
			t.Errorf("rev %d to %v", r.a.Rev, r.to)
		}
	}
}
