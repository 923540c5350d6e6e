// Package cot renders an alert (SPEC §5) as Cursor-on-Target 2.0 events
// for TAK clients: the alerted track as a point, and the planned intercept,
// when there is one, as a second, predicted point.
//
// # Events
//
// Encode returns one or two complete XML documents, each
// `<?xml …?><event version="2.0" …>` with no line break outside <remarks>
// (whose lines are kept for the reader), valid against the
// MITRE base schema (event.xsd) and, for the detail children it uses, the
// MITRE Contact, Remarks, Track and Link sub-schemas.
//
// The track event:
//
//   - uid "vigia.{origin}.{track id}": stable per track, so every revision
//     (and every rule on the same track) moves the same map symbol.
//   - how "m-f" (machine, fused: corroborated from several sensors).
//   - type "a-{affiliation}-{dimension}" (see below).
//   - time = start = the alert's time; stale = time + the stale argument.
//   - point: lat, lon; hae 9999999.0 (unknown: the alert carries no height);
//     ce = track.sigma_m (CoT's ce is one sigma); le 9999999.0.
//   - detail: <contact callsign="{track id} {rule}"/>, <track course speed/>
//     (course in degrees [0, 360), speed in m/s), <remarks> (summary, alert
//     id, rev, state, severity, where, heading_for, agencies with their
//     routing reasons, identity) and
//     <vigia id rev state rule severity origin agencies sig/>, which lax
//     validation skips.
//
// The intercept event (only when the alert has an intercept):
//
//   - uid "vigia.{origin}.{track id}.intercept"; a new plan replaces the old.
//   - how "m-p", as SPEC §5 asks for the predicted point. (MITRE's how tree
//     reads m-p as "passed"; "m-a", algorithmic prediction, is its closest
//     code for a computed point.)
//   - type "b-m-p-w": a designated map point, waypoint — the point the asset
//     steers for. b-m-p-s-p-i, the other candidate, is a sensor's point of
//     interest (where a sensor looks), not a meeting point.
//   - time = start = the alert's time; stale = max(intercept ETA, time) +
//     the stale argument, so the point outlives the planned meeting.
//   - point: the intercept lat, lon; hae, ce and le 9999999.0 (unknown).
//   - detail: <contact callsign="{asset}"/>, <link uid="{track uid}"
//     type="{track type}" relation="p"/> (MITRE relation "parent": the track
//     the point belongs to; only MITRE's required attributes, so it also
//     validates against CoT-Link.xsd), <remarks> naming the asset, agency,
//     ETA, course and the track uid, and the same <vigia> element.
//
// # Types
//
// Dimension by track class: "air" → A (air), "surface" → S (sea surface),
// anything else, "unknown" included → S, because Vigia's picture is the sea
// and its vessel rules concern surface tracks (2525's X, other, would say
// nothing more).
//
// Affiliation:
//
//   - a cleared alert → u (unknown: nothing is alleged any more);
//   - a behaviour rule (dark_vessel, identity_mismatch, go_fast, rendezvous,
//     loitering, ais_gap, low_slow_aircraft) → s (suspect);
//   - any other rule (zone_entry, coast_approach: identity-neutral) → n
//     (neutral) when the track has a cooperative identity, else u (unknown).
//
// So a dark vessel is a-s-S, a low and slow aircraft a-s-A, an AIS-identified
// vessel entering a territorial sea a-n-S, an unidentified one a-u-S.
//
// # Cleared alerts
//
// A cleared alert still renders, with the state in remarks and in <vigia>,
// but with stale = time, so TAK clients drop the symbol (and the intercept
// point, if any) at once. As the uid is per track, this also drops the
// symbol while another rule's alert on the same track is still active, until
// that alert's next revision.
package cot

import (
	"encoding/xml"
	"errors"
	"fmt"
	"github.com/vigia-project/vigia/alert/internal/xmltext"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/vigia-project/vigia/alert"
)

// Types, how codes and the unknown value used by Encode.
const (
	// HowTrack is the how of the track event: machine generated, fused.
	HowTrack = "m-f"
	// HowIntercept is the how of the intercept event (SPEC §5: predicted point).
	HowIntercept = "m-p"
	// TypeIntercept is the type of the intercept event: map point, waypoint.
	TypeIntercept = "b-m-p-w"
	// Unknown is CoT's value for an unknown hae, ce or le.
	Unknown = 9999999.0
)

// header opens every document.
const header = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`

// behaviour lists the rules whose alert makes the track suspect.
var behaviour = map[string]bool{
	"dark_vessel":       true,
	"identity_mismatch": true,
	"go_fast":           true,
	"rendezvous":        true,
	"loitering":         true,
	"ais_gap":           true,
	"low_slow_aircraft": true,
}

// UID returns the uid of the track event for an alert: vigia.{origin}.{track id}.
func UID(a *alert.Alert) string {
	return "vigia." + a.Origin + "." + a.Track.ID
}

// InterceptUID returns the uid of an alert's intercept event.
func InterceptUID(a *alert.Alert) string {
	return UID(a) + ".intercept"
}

// Type returns the CoT type of the track event for an alert (see the package
// documentation for the mapping).
func Type(a *alert.Alert) string {
	dim := "S"
	if a.Track.Class == "air" {
		dim = "A"
	}
	aff := "u"
	switch {
	case a.State == alert.StateCleared:
	case behaviour[a.Rule]:
		aff = "s"
	case a.Track.Identity != nil:
		aff = "n"
	}
	return "a-" + aff + "-" + dim
}

// Encode renders an alert as CoT events: the track event, then the intercept
// event when a.Intercept is not nil. stale is how long the track event stays
// valid after the alert's time (it must be positive); a cleared alert is
// stale at once. The alert is not modified.
func Encode(a *alert.Alert, stale time.Duration) ([][]byte, error) {
	if a == nil {
		return nil, errors.New("cot: nil alert")
	}
	if stale <= 0 {
		return nil, fmt.Errorf("cot: stale %v is not positive", stale)
	}
	if a.Origin == "" || a.Track.ID == "" {
		return nil, fmt.Errorf("cot: alert %q has no origin or track id", a.ID)
	}
	t, err := time.Parse(alert.TimeLayout, a.Time)
	if err != nil {
		return nil, fmt.Errorf("cot: alert %q time: %w", a.ID, err)
	}
	cleared := a.State == alert.StateCleared
	end := t.Add(stale)
	if cleared {
		end = t
	}
	tr := a.Track
	if err := checkPoint(tr.Lat, tr.Lon); err != nil {
		return nil, fmt.Errorf("cot: alert %q track: %w", a.ID, err)
	}
	if !finite(tr.SigmaM) || tr.SigmaM < 0 || !finite(tr.SpeedMPS) || tr.SpeedMPS < 0 || !finite(tr.CourseDeg) {
		return nil, fmt.Errorf("cot: alert %q track: bad sigma %v, speed %v or course %v", a.ID, tr.SigmaM, tr.SpeedMPS, tr.CourseDeg)
	}
	vg := &vigia{ID: a.ID, Rev: a.Rev, State: a.State, Rule: a.Rule, Severity: a.Severity,
		Origin: a.Origin, Agencies: strings.Join(a.Agencies, " "), Sig: a.Sig}
	typ := Type(a)

	te := event{
		Version: "2.0", UID: UID(a), Type: typ, How: HowTrack,
		Time: cotTime(t), Start: cotTime(t), Stale: cotTime(end),
		Point: point{Lat: dec(tr.Lat), Lon: dec(tr.Lon), HAE: dec(Unknown), CE: dec(tr.SigmaM), LE: dec(Unknown)},
		Detail: detail{
			Contact: &contact{Callsign: tr.ID + " " + a.Rule},
			Track:   &track{Course: num(course(tr.CourseDeg)), Speed: num(tr.SpeedMPS)},
			Remarks: text(trackRemarks(a)),
			Vigia:   vg,
		},
	}
	out := make([][]byte, 0, 2)
	doc, err := marshal(&te)
	if err != nil {
		return nil, fmt.Errorf("cot: alert %q: %w", a.ID, err)
	}
	out = append(out, doc)

	ic := a.Intercept
	if ic == nil {
		return out, nil
	}
	if err := checkPoint(ic.Lat, ic.Lon); err != nil {
		return nil, fmt.Errorf("cot: alert %q intercept: %w", a.ID, err)
	}
	eta, err := time.Parse(alert.TimeLayout, ic.ETA)
	if err != nil {
		return nil, fmt.Errorf("cot: alert %q intercept eta: %w", a.ID, err)
	}
	iend := t
	if !cleared {
		iend = eta
		if iend.Before(t) {
			iend = t
		}
		iend = iend.Add(stale)
	}
	ev := event{
		Version: "2.0", UID: InterceptUID(a), Type: TypeIntercept, How: HowIntercept,
		Time: cotTime(t), Start: cotTime(t), Stale: cotTime(iend),
		Point: point{Lat: dec(ic.Lat), Lon: dec(ic.Lon), HAE: dec(Unknown), CE: dec(Unknown), LE: dec(Unknown)},
		Detail: detail{
			Contact: &contact{Callsign: ic.Asset},
			Link:    &link{UID: UID(a), Type: typ, Relation: "p"},
			Remarks: text(interceptRemarks(a)),
			Vigia:   vg,
		},
	}
	if doc, err = marshal(&ev); err != nil {
		return nil, fmt.Errorf("cot: alert %q intercept: %w", a.ID, err)
	}
	return append(out, doc), nil
}

// trackRemarks is the human text of the track event, one fact a line.
func trackRemarks(a *alert.Alert) string {
	var b strings.Builder
	b.WriteString(a.Summary)
	fmt.Fprintf(&b, "\nAlert %s rev %d, %s, %s severity %s.", a.ID, a.Rev, a.State, a.Rule, a.Severity)
	if a.Where.Country != "" {
		fmt.Fprintf(&b, "\nIn %s %s.", a.Where.Country, a.Where.Zone)
	} else if a.Where.Zone != "" {
		fmt.Fprintf(&b, "\nIn %s.", a.Where.Zone)
	}
	if h := a.HeadingFor; h != nil {
		fmt.Fprintf(&b, "\nHeading for %s %s, ETA %s.", h.Country, h.Zone, h.ETA)
	}
	if id := a.Track.Identity; id != nil {
		b.WriteString("\nIdentity:" + identity(id) + ".")
	}
	if ic := a.Intercept; ic != nil {
		fmt.Fprintf(&b, "\nIntercept by %s (%s), ETA %s.", ic.Asset, ic.Agency, ic.ETA)
	}
	fmt.Fprintf(&b, "\nAgencies: %s.", strings.Join(a.Agencies, ", "))
	for _, r := range a.Routing {
		fmt.Fprintf(&b, "\n%s: %s.", r.Agency, r.Reason)
	}
	return b.String()
}

// interceptRemarks is the human text of the intercept event.
func interceptRemarks(a *alert.Alert) string {
	ic := a.Intercept
	return fmt.Sprintf("Intercept of %s (%s) by %s (%s): ETA %s, course %s°.\nTrack uid %s.\nAlert %s rev %d, %s.",
		a.Track.ID, a.Rule, ic.Asset, ic.Agency, ic.ETA, num(course(ic.CourseDeg)), UID(a), a.ID, a.Rev, a.State)
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

// marshal writes one complete document: the XML declaration, then the event.
func marshal(ev *event) ([]byte, error) {
	b, err := xml.Marshal(ev)
	if err != nil {
		return nil, err
	}
	return append([]byte(header), b...), nil
}

// cotTime writes a CoT time (UTC, whole seconds, Z).
func cotTime(t time.Time) string { return t.UTC().Format(alert.TimeLayout) }

// num writes a decimal as xs:decimal accepts it: no exponent.
func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// dec writes a point's decimal as TAK does, with at least one decimal
// ("9999999.0").
func dec(x float64) string {
	s := num(x)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// course folds a course into [0, 360), as CoT-Track.xsd demands.
func course(c float64) float64 {
	c = math.Mod(c, 360)
	if c < 0 {
		c += 360
	}
	if c >= 360 { // -tiny + 360 rounds to 360
		c = 0
	}
	return c
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func checkPoint(lat, lon float64) error {
	if !finite(lat) || !finite(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return fmt.Errorf("position %v, %v out of range", lat, lon)
	}
	return nil
}

// event is the CoT 2.0 event (event.xsd); attributes in the usual order.
type event struct {
	XMLName xml.Name `xml:"event"`
	Version string   `xml:"version,attr"`
	UID     string   `xml:"uid,attr"`
	Type    string   `xml:"type,attr"`
	How     string   `xml:"how,attr"`
	Time    string   `xml:"time,attr"`
	Start   string   `xml:"start,attr"`
	Stale   string   `xml:"stale,attr"`
	Point   point    `xml:"point"`
	Detail  detail   `xml:"detail"`
}

type point struct {
	Lat string `xml:"lat,attr"`
	Lon string `xml:"lon,attr"`
	HAE string `xml:"hae,attr"`
	CE  string `xml:"ce,attr"`
	LE  string `xml:"le,attr"`
}

type detail struct {
	Contact *contact `xml:"contact"`
	Link    *link    `xml:"link"`
	Track   *track   `xml:"track"`
	Remarks text     `xml:"remarks"`
	Vigia   *vigia   `xml:"vigia"`
}

// contact is MITRE CoT-Contact.
type contact struct {
	Callsign string `xml:"callsign,attr"`
}

// link is MITRE CoT-Link (its three required attributes only).
type link struct {
	UID      string `xml:"uid,attr"`
	Type     string `xml:"type,attr"`
	Relation string `xml:"relation,attr"`
}

// track is MITRE CoT-Track: course in degrees [0, 360), speed in m/s.
type track struct {
	Course string `xml:"course,attr"`
	Speed  string `xml:"speed,attr"`
}

// vigia carries the alert's own fields; event.xsd skips it (lax).
type vigia struct {
	ID       string `xml:"id,attr"`
	Rev      int    `xml:"rev,attr"`
	State    string `xml:"state,attr"`
	Rule     string `xml:"rule,attr"`
	Severity string `xml:"severity,attr"`
	Origin   string `xml:"origin,attr"`
	Agencies string `xml:"agencies,attr"`
	Sig      string `xml:"sig,attr,omitempty"`
}

// text is element content written with its line breaks kept.
type text = xmltext.Text
