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
	"github.com/vigia-project/vigia/alert/internal/alerttest"
	"github.com/vigia-project/vigia/internal/xmlschema"
)

var update = flag.Bool("update", false, "rewrite golden files")

const stale = 5 * time.Minute

// tcase is one named alert of alerttest.Cases.
type tcase struct {
	name string
	a    *alert.Alert
}

// cases are the realistic alerts of alerttest.
func cases() []tcase {
	var out []tcase
	for _, c := range alerttest.Cases() {
		out = append(out, tcase{c.Name, c.A})
	}
	return out
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
