// Package cap renders an alert (SPEC §5) as an OASIS Common Alerting Protocol
// 1.2 message, valid against CAP-v1.2.xsd, for the agencies' emergency
// systems. One alert revision is one CAP message; revisions are chained by
// <references>.
//
// # Message
//
//   - identifier "{alert id}/{rev}" (e.g. "gulf-1/T000142/dark_vessel/3"),
//     unique per revision; whitespace, ',', '<' and '&', which CAP forbids,
//     become '_'.
//   - sender: the caller's (e.g. "vigia@gulf-1"); it must hold no
//     whitespace, ',', '<' or '&'.
//   - sent: the alert's time with the numeric offset "-00:00". CAP 1.2
//     forbids "Z" (so does the schema's pattern) and says "The timezone for
//     UTC MUST be represented as -00:00".
//   - status Actual; scope Restricted, with a <restriction> naming the
//     agencies' law-enforcement operations centres; <addresses> the alert's
//     agencies, space-separated; <code> "vigia:rule:{rule}".
//   - msgType: Cancel when the alert is cleared; Alert for a raise — rev 1,
//     a first revision seen (prev nil), or a raise again after a clear (the
//     alert's time equals its first_time); Update otherwise.
//   - references: prev as "sender,identifier,sent", when prev is not nil
//     (whatever the msgType: a raise after a clear refers to the Cancel).
//
// # Info
//
// One <info>: language en-US, category Security, event the rule's name
// ("Dark vessel"), responseType Monitor (AllClear when cancelled), then
// urgency, severity and certainty:
//
//	alert severity  urgency    severity  certainty
//	critical        Immediate  Extreme   Observed
//	high            Immediate  Severe    Observed
//	medium          Expected   Moderate  Observed
//	low             Expected   Minor     Observed
//	other           Unknown    Unknown   Unknown
//
// A Cancel keeps the severity and certainty but has urgency Past.
// Certainty is Observed because a rule fires on what the sensors hold now;
// coast_approach, which fires on a prediction (time to the 12 nm line,
// closest approach), is Likely instead.
//
// senderName "Vigia ({origin})", headline the summary cut to 160 characters,
// description the summary then where, heading_for, identity, intercept and
// each agency's routing reason, one a line; <parameter>s vigia:id, rev,
// state, rule, severity, origin, track, class, speed_mps, course_deg,
// identity fields, heading_for, intercept_* and sig (when signed).
//
// <area>: the track, a circle "lat,lon radius" with the radius 3 × sigma_m
// in km, at least 1 km; and, when there is an intercept, a second area, the
// intercept point (a circle of radius 0, as CAP writes a point).
package cap

import (
	"encoding/xml"
	"errors"
	"fmt"
	"github.com/vigia-project/vigia/alert/internal/xmltext"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/vigia-project/vigia/alert"
)

// Namespace is the CAP 1.2 XML namespace.
const Namespace = "urn:oasis:names:tc:emergency:cap:1.2"

// TimeLayout is how CAP times are written here: UTC as -00:00.
const TimeLayout = "2006-01-02T15:04:05-00:00"

// HeadlineMax is the most characters (runes) a headline holds.
const HeadlineMax = 160

// Ref is the extended identifier of a CAP message, as <references> lists it
// ("sender,identifier,sent"). Keep the Ref of the revision just sent to pass
// it as prev when encoding the next.
type Ref struct {
	Sender, Identifier, Sent string
}

// String writes the reference as CAP does: sender,identifier,sent.
func (r Ref) String() string { return r.Sender + "," + r.Identifier + "," + r.Sent }

// RefOf returns the reference of the CAP message Encode(a, sender, …) makes.
// Sent is empty when the alert's time does not parse (Encode then fails).
func RefOf(a *alert.Alert, sender string) Ref {
	r := Ref{Sender: sender, Identifier: Identifier(a)}
	if t, err := time.Parse(alert.TimeLayout, a.Time); err == nil {
		r.Sent = capTime(t)
	}
	return r
}

// Identifier returns the CAP identifier of an alert revision: "{id}/{rev}",
// with the characters CAP forbids replaced by '_'.
func Identifier(a *alert.Alert) string {
	return strings.Map(func(r rune) rune {
		if forbidden(r) {
			return '_'
		}
		return r
	}, a.ID+"/"+strconv.Itoa(a.Rev))
}

// MsgType returns the CAP msgType of an alert revision, given whether the
// previous revision's reference is known (see the package documentation).
func MsgType(a *alert.Alert, havePrev bool) string {
	switch {
	case a.State == alert.StateCleared:
		return "Cancel"
	case a.Rev <= 1 || !havePrev || a.Time == a.FirstTime:
		return "Alert"
	}
	return "Update"
}

// Encode renders one alert revision as a CAP 1.2 message from sender. prev
// is the reference of the revision sent before (nil if none). The alert is
// not modified.
func Encode(a *alert.Alert, sender string, prev *Ref) ([]byte, error) {
	if a == nil {
		return nil, errors.New("cap: nil alert")
	}
	if err := checkToken("sender", sender); err != nil {
		return nil, err
	}
	if a.ID == "" {
		return nil, errors.New("cap: alert has no id")
	}
	t, err := time.Parse(alert.TimeLayout, a.Time)
	if err != nil {
		return nil, fmt.Errorf("cap: alert %q time: %w", a.ID, err)
	}
	tr := a.Track
	if err := checkPoint(tr.Lat, tr.Lon); err != nil {
		return nil, fmt.Errorf("cap: alert %q track: %w", a.ID, err)
	}
	if !finite(tr.SigmaM) || !finite(tr.SpeedMPS) || !finite(tr.CourseDeg) {
		return nil, fmt.Errorf("cap: alert %q track: bad sigma %v, speed %v or course %v", a.ID, tr.SigmaM, tr.SpeedMPS, tr.CourseDeg)
	}

	msg := capAlert{
		Identifier: Identifier(a),
		Sender:     sender,
		Sent:       capTime(t),
		Status:     "Actual",
		MsgType:    MsgType(a, prev != nil),
		Scope:      "Restricted",
		Restriction: "Law enforcement only: for the operations centres of " + upperList(a.Agencies) +
			" (Vigia sharing policy); not for public release.",
		Addresses: addresses(a.Agencies),
		Code:      []string{"vigia:rule:" + a.Rule},
	}
	if prev != nil {
		for _, f := range []struct{ name, v string }{{"prev sender", prev.Sender}, {"prev identifier", prev.Identifier}, {"prev sent", prev.Sent}} {
			if err := checkToken(f.name, f.v); err != nil {
				return nil, err
			}
		}
		msg.References = prev.String()
	}

	urgency, severity, certainty := grade(a)
	response := "Monitor"
	if msg.MsgType == "Cancel" {
		urgency, response = "Past", "AllClear"
	}
	in := info{
		Language:     "en-US",
		Category:     "Security",
		Event:        EventName(a.Rule),
		ResponseType: response,
		Urgency:      urgency,
		Severity:     severity,
		Certainty:    certainty,
		SenderName:   "Vigia (" + a.Origin + ")",
		Headline:     headline(a.Summary),
		Description:  text(description(a)),
	}
	param := func(name, value string) {
		in.Parameters = append(in.Parameters, parameter{ValueName: "vigia:" + name, Value: value})
	}
	param("id", a.ID)
	param("rev", strconv.Itoa(a.Rev))
	param("state", a.State)
	param("rule", a.Rule)
	param("severity", a.Severity)
	param("origin", a.Origin)
	param("track", tr.ID)
	param("class", tr.Class)
	param("speed_mps", num(tr.SpeedMPS))
	param("course_deg", num(tr.CourseDeg))
	if id := tr.Identity; id != nil {
		if id.MMSI != 0 {
			param("mmsi", strconv.FormatUint(uint64(id.MMSI), 10))
		}
		if id.ICAO != "" {
			param("icao", id.ICAO)
		}
		if id.Callsign != "" {
			param("callsign", id.Callsign)
		}
		if id.Name != "" {
			param("name", id.Name)
		}
	}
	if h := a.HeadingFor; h != nil {
		param("heading_for", h.Country+" "+h.Zone)
		param("heading_for_eta", h.ETA)
	}
	if ic := a.Intercept; ic != nil {
		if err := checkPoint(ic.Lat, ic.Lon); err != nil {
			return nil, fmt.Errorf("cap: alert %q intercept: %w", a.ID, err)
		}
		param("intercept_asset", ic.Asset)
		param("intercept_agency", ic.Agency)
		param("intercept_eta", ic.ETA)
		param("intercept_course_deg", num(ic.CourseDeg))
	}
	if a.Sig != "" {
		param("sig", a.Sig)
	}

	radius := math.Max(1, math.Ceil(3*tr.SigmaM/100)/10) // km, up to the next 0.1 km
	in.Areas = append(in.Areas, area{
		AreaDesc: trackArea(a),
		Circle:   num(tr.Lat) + "," + num(tr.Lon) + " " + num(radius),
	})
	if ic := a.Intercept; ic != nil {
		in.Areas = append(in.Areas, area{
			AreaDesc: fmt.Sprintf("Planned intercept of %s by %s (%s), ETA %s", tr.ID, ic.Asset, strings.ToUpper(ic.Agency), ic.ETA),
			Circle:   num(ic.Lat) + "," + num(ic.Lon) + " 0",
		})
	}
	msg.Info = &in

	b, err := xml.MarshalIndent(&msg, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("cap: alert %q: %w", a.ID, err)
	}
	out := append([]byte(xml.Header), b...)
	return append(out, '\n'), nil
}

// EventName returns the human name of a rule ("dark_vessel" → "Dark vessel").
func EventName(rule string) string {
	switch rule {
	case "dark_vessel":
		return "Dark vessel"
	case "identity_mismatch":
		return "AIS identity mismatch"
	case "go_fast":
		return "Go-fast vessel"
	case "zone_entry":
		return "Maritime zone entry"
	case "coast_approach":
		return "Fast coast approach"
	case "rendezvous":
		return "Vessel rendezvous at sea"
	case "loitering":
		return "Loitering vessel"
	case "ais_gap":
		return "AIS gap"
	case "low_slow_aircraft":
		return "Low and slow aircraft"
	case "":
		return "Vigia alert"
	}
	s := strings.ReplaceAll(rule, "_", " ")
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// grade maps the alert's severity to CAP urgency, severity and certainty.
func grade(a *alert.Alert) (urgency, severity, certainty string) {
	certainty = "Observed"
	if a.Rule == "coast_approach" {
		certainty = "Likely"
	}
	switch a.Severity {
	case "critical":
		return "Immediate", "Extreme", certainty
	case "high":
		return "Immediate", "Severe", certainty
	case "medium":
		return "Expected", "Moderate", certainty
	case "low":
		return "Expected", "Minor", certainty
	}
	return "Unknown", "Unknown", "Unknown"
}

// headline cuts the summary to HeadlineMax runes, ending a cut one with "…".
func headline(s string) string {
	if utf8.RuneCountInString(s) <= HeadlineMax {
		return s
	}
	r := []rune(s)[:HeadlineMax-1]
	return strings.TrimRightFunc(string(r), unicode.IsSpace) + "…"
}

// description is the summary and the alert's facts, one a line.
func description(a *alert.Alert) string {
	var b strings.Builder
	b.WriteString(a.Summary)
	fmt.Fprintf(&b, "\nAlert %s, revision %d, %s.", a.ID, a.Rev, a.State)
	tr := a.Track
	fmt.Fprintf(&b, "\nTrack %s (%s) at %s, %s ±%s m, %s m/s on %s°.", tr.ID, tr.Class, num(tr.Lat), num(tr.Lon), num(tr.SigmaM), num(tr.SpeedMPS), num(tr.CourseDeg))
	if len(tr.Sensors) > 0 {
		fmt.Fprintf(&b, " Sensors: %s.", strings.Join(tr.Sensors, ", "))
	}
	if id := tr.Identity; id != nil {
		b.WriteString("\nIdentity:" + identity(id) + ".")
	}
	switch {
	case a.Where.Country != "":
		fmt.Fprintf(&b, "\nIn %s %s.", a.Where.Country, a.Where.Zone)
	case a.Where.Zone != "":
		fmt.Fprintf(&b, "\nIn %s.", a.Where.Zone)
	}
	if h := a.HeadingFor; h != nil {
		fmt.Fprintf(&b, "\nHeading for %s %s, ETA %s.", h.Country, h.Zone, h.ETA)
	}
	if ic := a.Intercept; ic != nil {
		fmt.Fprintf(&b, "\nIntercept: %s (%s) at %s, %s, ETA %s, course %s°.", ic.Asset, ic.Agency, num(ic.Lat), num(ic.Lon), ic.ETA, num(ic.CourseDeg))
	}
	for _, r := range a.Routing {
		fmt.Fprintf(&b, "\nShared with %s: %s.", r.Agency, r.Reason)
	}
	return b.String()
}

// trackArea describes where the track is.
func trackArea(a *alert.Alert) string {
	s := "Track " + a.Track.ID
	switch {
	case a.Where.Country != "":
		s += ", " + a.Where.Country + " " + a.Where.Zone
	case a.Where.Zone != "":
		s += ", " + a.Where.Zone
	}
	return s
}

// identity lists the identity's non-empty fields, each after a space.
func identity(id *alert.Identity) string {
	var s string
	if id.MMSI != 0 {
		s += " MMSI " + strconv.FormatUint(uint64(id.MMSI), 10)
	}
	if id.ICAO != "" {
		s += " ICAO " + id.ICAO
	}
	if id.Callsign != "" {
		s += " callsign " + id.Callsign
	}
	if id.Name != "" {
		s += " name " + id.Name
	}
	return s
}

// addresses lists the agencies space-separated, quoting one that holds
// whitespace (CAP's rule for <addresses>).
func addresses(agencies []string) string {
	parts := make([]string, 0, len(agencies))
	for _, ag := range agencies {
		if strings.IndexFunc(ag, unicode.IsSpace) >= 0 {
			ag = `"` + strings.ReplaceAll(ag, `"`, "") + `"`
		}
		parts = append(parts, ag)
	}
	return strings.Join(parts, " ")
}

func upperList(agencies []string) string {
	if len(agencies) == 0 {
		return "the receiving agencies"
	}
	return strings.ToUpper(strings.Join(agencies, ", "))
}

// forbidden reports whether CAP forbids r in an identifier or sender.
func forbidden(r rune) bool { return unicode.IsSpace(r) || r == ',' || r == '<' || r == '&' }

// checkToken fails on an empty value or one CAP forbids in a sender or
// identifier (and so in a reference).
func checkToken(name, v string) error {
	if v == "" {
		return fmt.Errorf("cap: empty %s", name)
	}
	if i := strings.IndexFunc(v, forbidden); i >= 0 {
		return fmt.Errorf("cap: %s %q holds %q, which CAP forbids", name, v, v[i:i+1])
	}
	return nil
}

// capTime writes a CAP dateTime: UTC, whole seconds, -00:00.
func capTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

// num writes a decimal without exponent.
func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func checkPoint(lat, lon float64) error {
	if !finite(lat) || !finite(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return fmt.Errorf("position %v, %v out of range", lat, lon)
	}
	return nil
}

// capAlert is CAP's <alert>; the fields follow the schema's xs:sequence.
type capAlert struct {
	XMLName     xml.Name `xml:"urn:oasis:names:tc:emergency:cap:1.2 alert"`
	Identifier  string   `xml:"identifier"`
	Sender      string   `xml:"sender"`
	Sent        string   `xml:"sent"`
	Status      string   `xml:"status"`
	MsgType     string   `xml:"msgType"`
	Scope       string   `xml:"scope"`
	Restriction string   `xml:"restriction,omitempty"`
	Addresses   string   `xml:"addresses,omitempty"`
	Code        []string `xml:"code"`
	References  string   `xml:"references,omitempty"`
	Info        *info    `xml:"info"`
}

// info is CAP's <info>, in schema order.
type info struct {
	Language     string      `xml:"language"`
	Category     string      `xml:"category"`
	Event        string      `xml:"event"`
	ResponseType string      `xml:"responseType"`
	Urgency      string      `xml:"urgency"`
	Severity     string      `xml:"severity"`
	Certainty    string      `xml:"certainty"`
	SenderName   string      `xml:"senderName"`
	Headline     string      `xml:"headline"`
	Description  text        `xml:"description"`
	Parameters   []parameter `xml:"parameter"`
	Areas        []area      `xml:"area"`
}

type parameter struct {
	ValueName string `xml:"valueName"`
	Value     string `xml:"value"`
}

// area is CAP's <area>: areaDesc, then (polygon,) circle.
type area struct {
	AreaDesc string `xml:"areaDesc"`
	Circle   string `xml:"circle"`
}

// text is element content written with its line breaks kept.
type text = xmltext.Text
