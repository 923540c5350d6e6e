package daemon

import (
	"bytes"
	"crypto/ed25519"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/vigia-project/vigia/alert"
	"github.com/vigia-project/vigia/config"
	"github.com/vigia-project/vigia/geo"
	"github.com/vigia-project/vigia/sim"
)

// sceneAlert is the first revision of one alert of a scene run, with the
// truth targets near its track when it was raised.
type sceneAlert struct {
	a       alert.Alert
	near    []string // truth targets within matchM of the track at the alert's time
	revs    int
	cleared bool
}

// matchM is how close an alert's track must be to a target's truth to be its.
const matchM = 1500

// testKey is a fixed signing key, so that replays are byte-identical.
var testKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))

// runScene feeds a simulated scene straight into the daemon's pipeline
// (decode, reorder window, engine, rules, rendering) through a Replay, as
// the messages would arrive over MQTT, and returns every alert revision in
// order and a summary of the final picture: one line per confirmed track
// (id, class, identity, position to 0.001°, speed to 1 m/s).
func runScene(t testing.TB, s *sim.Scene, seed uint64, dur time.Duration) ([]alert.Alert, []string) {
	t.Helper()
	c, err := config.BuiltinRegion(s.Region)
	if err != nil {
		t.Fatal(err)
	}
	var revs []alert.Alert
	r, err := NewReplay(c, testKey, nil, func(a *alert.Alert, _ []byte) error {
		revs = append(revs, *a)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	g, err := sim.NewGenerator(s, seed, c.TopicPrefix)
	if err != nil {
		t.Fatal(err)
	}
	end := s.Start.Add(dur)
	for {
		m := g.Next()
		if m.Time.After(end) {
			break
		}
		if err := r.Feed(m.Topic, m.Payload, m.Time); err != nil {
			t.Fatal(err)
		}
	}
	st, err := r.Finish()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("scene: %d messages, %d reports fused (%d detections), %d dropped; %d alert revisions", st.Messages, st.Reports,
		st.Detections, st.Dropped, st.Alerts)
	var pic []string
	d := r.Daemon()
	for _, p := range d.picture(d.engine.Now()) {
		id := "-"
		if p.Identity != nil {
			id = fmt.Sprintf("mmsi=%d icao=%s", p.Identity.MMSI, p.Identity.ICAO)
		}
		pic = append(pic, fmt.Sprintf("%s %s %s at %.3f,%.3f %.0f m/s", p.ID, p.Class, id, p.Lat, p.Lon, p.SpeedMPS))
	}
	sort.Strings(pic)
	return revs, pic
}

// firstRevisions groups revisions by alert id and finds the truth targets
// near each alert's track when it was first raised.
func firstRevisions(t *testing.T, s *sim.Scene, revs []alert.Alert) []*sceneAlert {
	t.Helper()
	byID := map[string]*sceneAlert{}
	var order []*sceneAlert
	for _, a := range revs {
		sa, ok := byID[a.ID]
		if !ok {
			sa = &sceneAlert{a: a}
			byID[a.ID] = sa
			order = append(order, sa)
			at, err := time.Parse(alert.TimeLayout, a.Time)
			if err != nil {
				t.Fatal(err)
			}
			for _, tr := range s.Truth(at) {
				d := geo.Distance(geo.LLA{Lat: tr.Pos.Lat, Lon: tr.Pos.Lon}, geo.LLA{Lat: a.Track.Lat, Lon: a.Track.Lon})
				if d <= matchM {
					sa.near = append(sa.near, tr.ID)
				}
			}
		}
		sa.revs++
		if a.State == alert.StateCleared {
			sa.cleared = true
		}
	}
	return order
}

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestSceneBehaviours runs each named scene for 75 minutes through the
// daemon's pipeline (a direct replay against the region's built-in
// configuration): every behaviour the scene scripts raises its rule on its
// target, to the agencies the script names, nothing is raised on the
// legitimate traffic, and the alerts' first revisions match the golden file
// testdata/scene-{name}.golden (-update rewrites it).
func TestSceneBehaviours(t *testing.T) {
	if testing.Short() {
		t.Skip("75 minutes of scene each")
	}
	for _, name := range sim.SceneNames() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sceneBehaviours(t, name)
		})
	}
}

func sceneBehaviours(t *testing.T, name string) {
	t0 := time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)
	s, err := sim.Named(name, t0)
	if err != nil {
		t.Fatal(err)
	}
	revs, pic := runScene(t, s, 1, 75*time.Minute)
	alerts := firstRevisions(t, s, revs)
	var golden bytes.Buffer
	fmt.Fprintf(&golden, "# alerts: first revision of each (time, rule, id, agencies, revisions, truth targets near it, summary)\n")
	for _, sa := range alerts {
		fmt.Fprintf(&golden, "%s %s %s to %s, %d revisions, near %v: %s\n", sa.a.FirstTime, sa.a.Rule, sa.a.ID,
			strings.Join(sa.a.Agencies, "+"), sa.revs, sa.near, sa.a.Summary)
	}
	fmt.Fprintf(&golden, "# picture after 75 minutes: %d confirmed tracks\n", len(pic))
	for _, l := range pic {
		golden.WriteString(l + "\n")
	}
	path := filepath.Join("testdata", "scene-"+name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, golden.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(golden.Bytes(), want) {
		t.Errorf("alerts differ from %s (run with -update after checking the change):\n%s", path, golden.String())
	}
	for _, sa := range alerts {
		t.Logf("%s %-17s %-30s %3d revs, near %v: %s", sa.a.Time[11:], sa.a.Rule, sa.a.ID, sa.revs, sa.near, sa.a.Summary)
	}
	for _, b := range s.Behaviours {
		found := false
		for _, sa := range alerts {
			if sa.a.Rule != b.Rule || !(slices.Contains(sa.near, b.Target) || b.Partner != "" && slices.Contains(sa.near, b.Partner)) {
				continue
			}
			found = true
			at, _ := time.Parse(alert.TimeLayout, sa.a.FirstTime)
			if at.Before(t0.Add(b.After)) {
				t.Errorf("%s on %s raised at %s, before the behaviour (after %v)", b.Rule, b.Target, sa.a.FirstTime, b.After)
			}
			for _, ag := range b.Agencies {
				if !slices.Contains(sa.a.Agencies, ag) {
					t.Errorf("%s on %s went to %v, not %s", b.Rule, b.Target, sa.a.Agencies, ag)
				}
			}
			break
		}
		if !found {
			t.Errorf("behaviour %s on %s (after %v: %s) raised no alert", b.Rule, b.Target, b.After, b.Note)
		}
	}
	for _, sa := range alerts {
		for _, id := range s.Legitimate {
			if slices.Contains(sa.near, id) {
				t.Errorf("legitimate %s raised %s: %s", id, sa.a.Rule, sa.a.Summary)
			}
		}
	}
	// No alert storms: a revision is worth sending when the track changes
	// waters or agencies, or has moved 2 km (the fastest target, at 33 kn,
	// moves 2 km in 2 minutes); heading and interceptor changes wait 2 minutes.
	for _, sa := range alerts {
		first, _ := time.Parse(alert.TimeLayout, sa.a.FirstTime)
		minutes := t0.Add(75 * time.Minute).Sub(first).Minutes()
		if limit := 6 + int(minutes/2); sa.revs > limit {
			t.Errorf("%s: %d revisions in %.0f minutes (limit %d)", sa.a.ID, sa.revs, minutes, limit)
		}
	}
	// Every alert is one the script asked for (or the aftermath of one).
	scripted := map[string]bool{}
	for _, b := range s.Behaviours {
		scripted[b.Rule+"/"+b.Target] = true
		if b.Partner != "" {
			scripted[b.Rule+"/"+b.Partner] = true
		}
	}
	var extra []string
	for _, sa := range alerts {
		ok := false
		for _, id := range sa.near {
			ok = ok || scripted[sa.a.Rule+"/"+id]
		}
		if !ok {
			extra = append(extra, fmt.Sprintf("%s %s near %v: %s", sa.a.Rule, sa.a.ID, sa.near, sa.a.Summary))
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		t.Errorf("%d alerts the scene did not script:\n%s", len(extra), strings.Join(extra, "\n"))
	}
}
