package cot

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigia-project/vigia/alert"
	"github.com/vigia-project/vigia/internal/xmlschema"
)

var update = flag.Bool("update", false, "rewrite golden files")

const stale = 5 * time.Minute

// cases are realistic alerts: raised with an intercept, revised, cleared,
// surface and air, with and without identity, with text XML must escape.
func cases() []struct {
	name string
	a    *alert.Alert
} {
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
	return []struct {
		name string
		a    *alert.Alert
	}{
		{"raised-intercept", raised},
		{"revised", revised},
		{"cleared", cleared},
		{"air", air},
		{"unknown-class", unknown},
	}
}




func TestEncodeValidates(t *testing.T) {
	lint := xmlschema.Lint(t)
	base, detail := xmlschema.CoT(t)
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			docs, err := Encode(c.a, stale)
			if err != nil {
				t.Fatal(err)
			}
			want := 1
			if c.a.Intercept != nil {
				want = 2
			}
			if len(docs) != want {
				t.Fatalf("%d documents, want %d", len(docs), want)
			}
			for i, doc := range docs {
				for _, schema := range []string{base, detail} {
					if err := xmlschema.Validate(t, lint, schema, doc); err != nil {
						t.Errorf("document %d against %s: %v\n%s", i, filepath.Base(schema), err, doc)
					}
				}
			}
		})
	}
}

func TestEncodeGolden(t *testing.T) {
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			docs, err := Encode(c.a, stale)
			if err != nil {
				t.Fatal(err)
			}
			for i, doc := range docs {
				golden := filepath.Join("testdata", fmt.Sprintf("%s.%d.cot", c.name, i))
				if *update {
					if err := os.WriteFile(golden, doc, 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				g, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test -update)", err)
				}
				if !bytes.Equal(doc, g) {
					t.Errorf("document %d differs from %s:\ngot  %s\nwant %s", i, golden, doc, g)
				}
			}
			again, err := Encode(c.a, stale)
			if err != nil || len(again) != len(docs) || !bytes.Equal(again[len(again)-1], docs[len(docs)-1]) {
				t.Errorf("a second encoding differs (err %v)", err)
			}
		})
	}
}

// parsed is what the tests read back from an event.
type parsed struct {
	XMLName xml.Name `xml:"event"`
	Version string   `xml:"version,attr"`
	UID     string   `xml:"uid,attr"`
	Type    string   `xml:"type,attr"`
	How     string   `xml:"how,attr"`
	Time    string   `xml:"time,attr"`
	Start   string   `xml:"start,attr"`
	Stale   string   `xml:"stale,attr"`
	Point   struct {
		Lat float64 `xml:"lat,attr"`
		Lon float64 `xml:"lon,attr"`
		HAE float64 `xml:"hae,attr"`
		CE  float64 `xml:"ce,attr"`
		LE  float64 `xml:"le,attr"`
	} `xml:"point"`
	Detail struct {
		Contact struct {
			Callsign string `xml:"callsign,attr"`
		} `xml:"contact"`
		Link *struct {
			UID      string `xml:"uid,attr"`
			Type     string `xml:"type,attr"`
			Relation string `xml:"relation,attr"`
		} `xml:"link"`
		Track *struct {
			Course float64 `xml:"course,attr"`
			Speed  float64 `xml:"speed,attr"`
		} `xml:"track"`
		Remarks string `xml:"remarks"`
		Vigia   struct {
			ID       string `xml:"id,attr"`
			Rev      int    `xml:"rev,attr"`
			State    string `xml:"state,attr"`
			Rule     string `xml:"rule,attr"`
			Severity string `xml:"severity,attr"`
			Agencies string `xml:"agencies,attr"`
			Sig      string `xml:"sig,attr"`
		} `xml:"vigia"`
	} `xml:"detail"`
}

func parse(t *testing.T, doc []byte) parsed {
	t.Helper()
	if !bytes.HasPrefix(doc, []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><event version="2.0" `)) {
		t.Errorf("document does not open with the declaration and a 2.0 event: %.120s", doc)
	}
	var p parsed
	if err := xml.Unmarshal(doc, &p); err != nil {
		t.Fatalf("unmarshal: %v\n%s", err, doc)
	}
	return p
}

func TestEncodeFields(t *testing.T) {
	type want struct {
		typ, stale, istale string
		course             float64
	}
	wants := map[string]want{
		"raised-intercept": {"a-s-S", "2026-11-28T06:09:10Z", "2026-11-28T06:34:40Z", 275},
		"revised":          {"a-n-S", "2026-11-28T07:20:00Z", "", 0},
		"cleared":          {"a-u-S", "2026-11-28T06:41:30Z", "2026-11-28T06:41:30Z", 359.6},
		"air":              {"a-s-A", "2026-12-02T03:17:45Z", "", 12},
		"unknown-class":    {"a-s-S", "2026-11-29T22:05:00Z", "", 0},
	}
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			a, w := c.a, wants[c.name]
			docs, err := Encode(a, stale)
			if err != nil {
				t.Fatal(err)
			}
			p := parse(t, docs[0])
			uid := "vigia." + a.Origin + "." + a.Track.ID
			if p.UID != uid || p.Type != w.typ || p.How != "m-f" || p.Version != "2.0" {
				t.Errorf("uid %q type %q how %q version %q, want %q %q m-f 2.0", p.UID, p.Type, p.How, p.Version, uid, w.typ)
			}
			if p.Time != a.Time || p.Start != a.Time || p.Stale != w.stale {
				t.Errorf("time %s start %s stale %s, want %s %s %s", p.Time, p.Start, p.Stale, a.Time, a.Time, w.stale)
			}
			if p.Point.Lat != a.Track.Lat || p.Point.Lon != a.Track.Lon || p.Point.CE != a.Track.SigmaM || p.Point.LE != Unknown || p.Point.HAE != Unknown {
				t.Errorf("point %+v, want %v %v ce %v", p.Point, a.Track.Lat, a.Track.Lon, a.Track.SigmaM)
			}
			d := p.Detail
			if d.Contact.Callsign != a.Track.ID+" "+a.Rule {
				t.Errorf("callsign %q", d.Contact.Callsign)
			}
			if d.Track == nil || d.Track.Course != w.course || d.Track.Speed != a.Track.SpeedMPS {
				t.Errorf("track %+v, want course %v speed %v", d.Track, w.course, a.Track.SpeedMPS)
			}
			if d.Link != nil {
				t.Errorf("track event has a link %+v", d.Link)
			}
			v := d.Vigia
			if v.ID != a.ID || v.Rev != a.Rev || v.State != a.State || v.Rule != a.Rule || v.Severity != a.Severity ||
				v.Agencies != strings.Join(a.Agencies, " ") || v.Sig != a.Sig {
				t.Errorf("vigia %+v", v)
			}
			for _, s := range []string{a.Summary, a.ID, fmt.Sprintf("rev %d", a.Rev), a.State} {
				if !strings.Contains(d.Remarks, s) {
					t.Errorf("remarks lack %q:\n%s", s, d.Remarks)
				}
			}
			for _, r := range a.Routing {
				if !strings.Contains(d.Remarks, r.Agency+": "+r.Reason) {
					t.Errorf("remarks lack the routing of %s:\n%s", r.Agency, d.Remarks)
				}
			}

			ic := a.Intercept
			if ic == nil {
				return
			}
			q := parse(t, docs[1])
			if q.UID != uid+".intercept" || q.Type != "b-m-p-w" || q.How != "m-p" {
				t.Errorf("intercept uid %q type %q how %q", q.UID, q.Type, q.How)
			}
			if q.Time != a.Time || q.Start != a.Time || q.Stale != w.istale {
				t.Errorf("intercept time %s start %s stale %s, want %s %s %s", q.Time, q.Start, q.Stale, a.Time, a.Time, w.istale)
			}
			if q.Point.Lat != ic.Lat || q.Point.Lon != ic.Lon {
				t.Errorf("intercept point %+v, want %v %v", q.Point, ic.Lat, ic.Lon)
			}
			if q.Detail.Contact.Callsign != ic.Asset {
				t.Errorf("intercept callsign %q", q.Detail.Contact.Callsign)
			}
			if l := q.Detail.Link; l == nil || l.UID != uid || l.Type != w.typ || l.Relation != "p" {
				t.Errorf("intercept link %+v", l)
			}
			for _, s := range []string{ic.Asset, ic.Agency, ic.ETA, "course 161°", uid} {
				if !strings.Contains(q.Detail.Remarks, s) {
					t.Errorf("intercept remarks lack %q:\n%s", s, q.Detail.Remarks)
				}
			}
		})
	}
}

// TestValidationCanFail proves the checks above can fail: broken events are
// rejected, and the wrapper schema checks what event.xsd alone lets through.
func TestValidationCanFail(t *testing.T) {
	lint := xmlschema.Lint(t)
	base, detail := xmlschema.CoT(t)
	docs, err := Encode(cases()[0].a, stale)
	if err != nil {
		t.Fatal(err)
	}
	good := string(docs[0])
	for _, c := range []struct{ name, old, new string }{
		{"bad how", `how="m-f"`, `how="m f"`},
		{"lat out of range", `lat="25.88"`, `lat="96"`},
		{"no ce", `ce="85.0" `, ``},
		{"Z-less time", `time="2026-11-28T06:04:10Z"`, `time="28/11/2026 06:04:10"`},
	} {
		bad := strings.Replace(good, c.old, c.new, 1)
		if bad == good {
			t.Fatalf("%s: %q not in the document", c.name, c.old)
		}
		if err := xmlschema.Validate(t, lint, base, []byte(bad)); err == nil {
			t.Errorf("%s: event.xsd accepts %s", c.name, bad)
		}
	}
	bad := strings.Replace(good, `course="275"`, `course="400"`, 1)
	if err := xmlschema.Validate(t, lint, base, []byte(bad)); err != nil {
		t.Errorf("event.xsd alone (lax detail) should accept course 400: %v", err)
	}
	if err := xmlschema.Validate(t, lint, detail, []byte(bad)); err == nil {
		t.Errorf("the wrapper schema accepts track course 400")
	}
}

func TestEncodeRejects(t *testing.T) {
	ok := func() *alert.Alert { a := *cases()[0].a; ic := *a.Intercept; a.Intercept = &ic; return &a }
	for _, c := range []struct {
		name  string
		edit  func(a *alert.Alert)
		stale time.Duration
	}{
		{"zero stale", func(a *alert.Alert) {}, 0},
		{"bad time", func(a *alert.Alert) { a.Time = "2026-11-28 06:04:10" }, stale},
		{"lat", func(a *alert.Alert) { a.Track.Lat = 91 }, stale},
		{"NaN speed", func(a *alert.Alert) { a.Track.SpeedMPS = nan() }, stale},
		{"no track id", func(a *alert.Alert) { a.Track.ID = "" }, stale},
		{"intercept eta", func(a *alert.Alert) { a.Intercept.ETA = "soon" }, stale},
		{"intercept lon", func(a *alert.Alert) { a.Intercept.Lon = -181 }, stale},
	} {
		a := ok()
		c.edit(a)
		if docs, err := Encode(a, c.stale); err == nil {
			t.Errorf("%s: encoded %s", c.name, docs[0])
		}
	}
	if _, err := Encode(nil, stale); err == nil {
		t.Error("nil alert encoded")
	}
}

func nan() float64 {
	var zero float64
	return zero / zero
}

func TestCourse(t *testing.T) {
	for in, want := range map[float64]float64{0: 0, 360: 0, 359.6: 359.6, -90: 270, 725: 5, -1e-15: 0} {
		if got := course(in); got != want || got < 0 || got >= 360 {
			t.Errorf("course(%v) = %v, want %v", in, got, want)
		}
	}
}
