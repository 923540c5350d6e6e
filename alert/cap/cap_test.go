package cap

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vigia-project/vigia/alert"
	"github.com/vigia-project/vigia/alert/internal/alerttest"
	"github.com/vigia-project/vigia/internal/xmlschema"
)

var update = flag.Bool("update", false, "rewrite golden files")

const sender = "vigia@gulf-1"

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
	out = append(out, tcase{"raised-again", reraised(out[2].a)})
	return out
}

// reraised is the cleared alert raised again on the same track.
func reraised(cleared *alert.Alert) *alert.Alert {
	a := *cleared
	a.Rev, a.State = 7, alert.StateActive
	a.Time, a.FirstTime = "2026-11-28T08:02:00Z", "2026-11-28T08:02:00Z"
	a.Summary = "Dark surface contact 3 km N of Playa Bagdad, 10° at 28 kn, no AIS"
	a.Intercept = nil
	a.Routing = []alert.Route{{Agency: "semar", Reason: "track in MX territorial_sea"}}
	a.Agencies = []string{"semar"}
	a.Where = alert.Where{Country: "MX", Zone: "territorial_sea"}
	return &a
}

// prevOf is the reference each case is encoded with: the revision before it
// (as RefOf gave it when that revision was sent), or nil.
func prevOf(name string, a *alert.Alert) *Ref {
	at := func(rev int, time string) *Ref {
		p := *a
		p.Rev, p.Time = rev, time
		r := RefOf(&p, sender)
		return &r
	}
	switch name {
	case "revised":
		return at(2, "2026-11-28T07:01:30Z")
	case "cleared":
		return at(4, "2026-11-28T06:30:05Z")
	case "unknown-class":
		return at(1, a.FirstTime)
	case "raised-again":
		return at(5, "2026-11-28T06:41:30Z") // the Cancel
	}
	return nil
}

func TestEncodeValidates(t *testing.T) {
	lint := xmlschema.Lint(t)
	schema := xmlschema.CAP(t)
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			doc, err := Encode(c.a, sender, prevOf(c.name, c.a))
			if err != nil {
				t.Fatal(err)
			}
			if err := xmlschema.Validate(t, lint, schema, doc); err != nil {
				t.Errorf("%v\n%s", err, doc)
			}
		})
	}
}

func TestEncodeGolden(t *testing.T) {
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			doc, err := Encode(c.a, sender, prevOf(c.name, c.a))
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", c.name+".xml")
			if *update {
				if err := os.WriteFile(golden, doc, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			g, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(doc, g) {
				t.Errorf("differs from %s:\ngot\n%s\nwant\n%s", golden, doc, g)
			}
			again, err := Encode(c.a, sender, prevOf(c.name, c.a))
			if err != nil || !bytes.Equal(again, doc) {
				t.Errorf("a second encoding differs (err %v)", err)
			}
		})
	}
}

// parsed is what the tests read back from a CAP message.
type parsed struct {
	XMLName     xml.Name `xml:"urn:oasis:names:tc:emergency:cap:1.2 alert"`
	Identifier  string   `xml:"identifier"`
	Sender      string   `xml:"sender"`
	Sent        string   `xml:"sent"`
	Status      string   `xml:"status"`
	MsgType     string   `xml:"msgType"`
	Scope       string   `xml:"scope"`
	Restriction string   `xml:"restriction"`
	Addresses   string   `xml:"addresses"`
	Code        []string `xml:"code"`
	References  string   `xml:"references"`
	Info        []struct {
		Language     string `xml:"language"`
		Category     string `xml:"category"`
		Event        string `xml:"event"`
		ResponseType string `xml:"responseType"`
		Urgency      string `xml:"urgency"`
		Severity     string `xml:"severity"`
		Certainty    string `xml:"certainty"`
		SenderName   string `xml:"senderName"`
		Headline     string `xml:"headline"`
		Description  string `xml:"description"`
		Parameter    []struct {
			ValueName string `xml:"valueName"`
			Value     string `xml:"value"`
		} `xml:"parameter"`
		Area []struct {
			AreaDesc string `xml:"areaDesc"`
			Circle   string `xml:"circle"`
		} `xml:"area"`
	} `xml:"info"`
}

func TestEncodeFields(t *testing.T) {
	type want struct {
		msgType, references, urgency, severity, certainty, response, circle string
	}
	wants := map[string]want{
		"raised-intercept": {"Alert", "", "Immediate", "Severe", "Observed", "Monitor", "25.88,-97.02 1"},
		"revised": {"Update", "vigia@gulf-1,gulf-1/T000077/zone_entry/2,2026-11-28T07:01:30-00:00",
			"Expected", "Moderate", "Observed", "Monitor", "26.10412,-97.07733 1"},
		"cleared": {"Cancel", "vigia@gulf-1,gulf-1/T000142/dark_vessel/4,2026-11-28T06:30:05-00:00",
			"Past", "Severe", "Observed", "AllClear", "25.99512,-97.1403 1"},
		"air": {"Alert", "", "Immediate", "Extreme", "Observed", "Monitor", "26.04,-98.2577 1"},
		"unknown-class": {"Update", "vigia@gulf-1,gulf-1/T000901/rendezvous/1,2026-11-29T21:40:00-00:00",
			"Expected", "Minor", "Observed", "Monitor", "24.1,-96.9 2.7"},
		"raised-again": {"Alert", "vigia@gulf-1,gulf-1/T000142/dark_vessel/5,2026-11-28T06:41:30-00:00",
			"Immediate", "Severe", "Observed", "Monitor", "25.99512,-97.1403 1"},
	}
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			a, w := c.a, wants[c.name]
			doc, err := Encode(a, sender, prevOf(c.name, a))
			if err != nil {
				t.Fatal(err)
			}
			var p parsed
			if err := xml.Unmarshal(doc, &p); err != nil {
				t.Fatalf("unmarshal: %v\n%s", err, doc)
			}
			id := fmt.Sprintf("%s/%d", a.ID, a.Rev)
			sent := strings.TrimSuffix(a.Time, "Z") + "-00:00"
			if p.Identifier != id || p.Sender != sender || p.Sent != sent || p.Status != "Actual" {
				t.Errorf("identifier %q sender %q sent %q status %q, want %q %q %q Actual", p.Identifier, p.Sender, p.Sent, p.Status, id, sender, sent)
			}
			if r := RefOf(a, sender); r != (Ref{sender, id, sent}) {
				t.Errorf("RefOf = %+v", r)
			}
			if p.MsgType != w.msgType || p.References != w.references {
				t.Errorf("msgType %q references %q, want %q %q", p.MsgType, p.References, w.msgType, w.references)
			}
			if p.Scope != "Restricted" || p.Restriction == "" || p.Addresses != strings.Join(a.Agencies, " ") {
				t.Errorf("scope %q restriction %q addresses %q", p.Scope, p.Restriction, p.Addresses)
			}
			if len(p.Code) != 1 || p.Code[0] != "vigia:rule:"+a.Rule {
				t.Errorf("code %q", p.Code)
			}
			if len(p.Info) != 1 {
				t.Fatalf("%d info blocks", len(p.Info))
			}
			in := p.Info[0]
			if in.Language != "en-US" || in.Category != "Security" || in.Event != EventName(a.Rule) || in.ResponseType != w.response {
				t.Errorf("language %q category %q event %q responseType %q", in.Language, in.Category, in.Event, in.ResponseType)
			}
			if in.Urgency != w.urgency || in.Severity != w.severity || in.Certainty != w.certainty {
				t.Errorf("urgency %q severity %q certainty %q, want %q %q %q", in.Urgency, in.Severity, in.Certainty, w.urgency, w.severity, w.certainty)
			}
			if utf8.RuneCountInString(in.Headline) > HeadlineMax || !strings.HasPrefix(a.Summary, strings.TrimSuffix(in.Headline, "…")) {
				t.Errorf("headline %q", in.Headline)
			}
			if !strings.HasPrefix(in.Description, a.Summary+"\n") {
				t.Errorf("description does not open with the summary: %q", in.Description)
			}
			for _, r := range a.Routing {
				if !strings.Contains(in.Description, r.Agency+": "+r.Reason) {
					t.Errorf("description lacks the routing of %s:\n%s", r.Agency, in.Description)
				}
			}
			params := map[string]string{}
			for _, pv := range in.Parameter {
				params[pv.ValueName] = pv.Value
			}
			wantParams := map[string]string{"vigia:id": a.ID, "vigia:rev": fmt.Sprint(a.Rev), "vigia:track": a.Track.ID,
				"vigia:speed_mps": fmt.Sprint(a.Track.SpeedMPS), "vigia:course_deg": fmt.Sprint(a.Track.CourseDeg), "vigia:sig": a.Sig}
			if ic := a.Intercept; ic != nil {
				wantParams["vigia:intercept_asset"] = ic.Asset
				wantParams["vigia:intercept_eta"] = ic.ETA
			}
			for k, v := range wantParams {
				if params[k] != v {
					t.Errorf("parameter %s = %q, want %q", k, params[k], v)
				}
			}
			areas := 1
			if a.Intercept != nil {
				areas = 2
			}
			if len(in.Area) != areas || in.Area[0].Circle != w.circle || !strings.Contains(in.Area[0].AreaDesc, a.Track.ID) {
				t.Fatalf("areas %+v, want %d, the first circle %q", in.Area, areas, w.circle)
			}
			if ic := a.Intercept; ic != nil {
				if c := fmt.Sprintf("%v,%v 0", ic.Lat, ic.Lon); in.Area[1].Circle != c || !strings.Contains(in.Area[1].AreaDesc, ic.Asset) {
					t.Errorf("intercept area %+v, want circle %q", in.Area[1], c)
				}
			}
		})
	}
}

// TestChain follows one alert through its revisions the way the daemon
// would: each message refers to the one before it.
func TestChain(t *testing.T) {
	all := cases()
	revs := []*alert.Alert{all[0].a, all[2].a}
	r3 := *all[0].a
	r3.Rev, r3.Time, r3.Intercept = 3, "2026-11-28T06:20:00Z", nil
	revs = []*alert.Alert{revs[0], &r3, revs[1]}
	var prev *Ref
	var types []string
	for _, a := range revs {
		doc, err := Encode(a, sender, prev)
		if err != nil {
			t.Fatal(err)
		}
		var p parsed
		if err := xml.Unmarshal(doc, &p); err != nil {
			t.Fatal(err)
		}
		if prev != nil && p.References != prev.String() {
			t.Errorf("rev %d references %q, want %q", a.Rev, p.References, prev.String())
		}
		types = append(types, p.MsgType)
		r := RefOf(a, sender)
		prev = &r
	}
	if got := strings.Join(types, " "); got != "Alert Update Cancel" {
		t.Errorf("msgTypes %s", got)
	}
}

// TestValidationCanFail proves the schema check can fail.
func TestValidationCanFail(t *testing.T) {
	lint := xmlschema.Lint(t)
	schema := xmlschema.CAP(t)
	doc, err := Encode(cases()[1].a, sender, prevOf("revised", cases()[1].a))
	if err != nil {
		t.Fatal(err)
	}
	good := string(doc)
	for _, c := range []struct{ name, old, new string }{
		{"Z time", "<sent>2026-11-28T07:15:00-00:00</sent>", "<sent>2026-11-28T07:15:00Z</sent>"},
		{"order", "<status>Actual</status>\n  <msgType>Update</msgType>", "<msgType>Update</msgType>\n  <status>Actual</status>"},
		{"msgType", "<msgType>Update</msgType>", "<msgType>Revision</msgType>"},
		{"namespace", Namespace, "urn:oasis:names:tc:emergency:cap:1.1"},
	} {
		bad := strings.Replace(good, c.old, c.new, 1)
		if bad == good {
			t.Fatalf("%s: %q not in the document", c.name, c.old)
		}
		if err := xmlschema.Validate(t, lint, schema, []byte(bad)); err == nil {
			t.Errorf("%s: the schema accepts\n%s", c.name, bad)
		}
	}
}

func TestEncodeRejects(t *testing.T) {
	a := cases()[0].a
	for _, c := range []struct {
		name   string
		a      *alert.Alert
		sender string
		prev   *Ref
	}{
		{"nil alert", nil, sender, nil},
		{"empty sender", a, "", nil},
		{"sender with space", a, "vigia gulf-1", nil},
		{"sender with comma", a, "vigia,gulf-1", nil},
		{"prev with ampersand", a, sender, &Ref{Sender: sender, Identifier: "a&b", Sent: "2026-11-28T06:00:00-00:00"}},
		{"prev without sent", a, sender, &Ref{Sender: sender, Identifier: "x/1"}},
	} {
		if doc, err := Encode(c.a, c.sender, c.prev); err == nil {
			t.Errorf("%s: encoded\n%s", c.name, doc)
		}
	}
	bad := *a
	bad.Time = "yesterday"
	if _, err := Encode(&bad, sender, nil); err == nil {
		t.Error("bad time encoded")
	}
}

func TestIdentifier(t *testing.T) {
	a := &alert.Alert{ID: "gulf 1/T<1>,&x", Rev: 2}
	if got, want := Identifier(a), "gulf_1/T_1>__x/2"; got != want {
		t.Errorf("Identifier = %q, want %q", got, want)
	}
}

func TestHeadline(t *testing.T) {
	long := strings.Repeat("Secretaría ", 30)
	h := headline(long)
	if n := utf8.RuneCountInString(h); n > HeadlineMax || !strings.HasSuffix(h, "…") || !utf8.ValidString(h) {
		t.Errorf("headline of %d runes: %q", n, h)
	}
	if h := headline("short & sweet"); h != "short & sweet" {
		t.Errorf("short headline changed: %q", h)
	}
}
