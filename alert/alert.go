// Package alert watches the track picture for behaviour that matters,
// keeps each alert's life (stable id, rev on every change, cleared with its
// reason), decides which agencies get it and why (the sharing policy), and
// renders it as the JSON alert of SPEC §5.
//
// The Manager runs on the engine's goroutine: Evaluate reads the tracks and
// returns Deliveries — one alert revision for one agency topic — that the
// daemon publishes. Same picture, same deliveries: nothing here reads a clock.
package alert

import (
	"encoding/json"
	"math"
	"time"
)

// TimeLayout is how alert times are written (UTC, whole seconds).
const TimeLayout = "2006-01-02T15:04:05Z"

// Alert states.
const (
	StateActive  = "active"
	StateCleared = "cleared"
)

// Alert is one revision of an alert, as published (SPEC §5).
type Alert struct {
	ID         string     `json:"id"`
	Rev        int        `json:"rev"`
	State      string     `json:"state"`
	Rule       string     `json:"rule"`
	Severity   string     `json:"severity"`
	Time       string     `json:"time"`
	FirstTime  string     `json:"first_time"`
	Summary    string     `json:"summary"`
	Track      TrackInfo  `json:"track"`
	Where      Where      `json:"where"`
	HeadingFor *Heading   `json:"heading_for"`
	Intercept  *Intercept `json:"intercept"`
	Agencies   []string   `json:"agencies"`
	// Routing gives the reason each agency got the alert.
	Routing []Route `json:"routing"`
	// Acks are the operators' acknowledgements received so far, in arrival order.
	Acks   []Ack  `json:"acks,omitempty"`
	Origin string `json:"origin"`
	// Sig is "ed25519:" and the base64 signature of the instance over the
	// payload without this member (see package sign); empty until signed.
	Sig string `json:"sig,omitempty"`
}

// Ack is one operator's acknowledgement of an alert revision.
type Ack struct {
	Agency string `json:"agency"`
	By     string `json:"by"`
	Rev    int    `json:"rev"`
	Time   string `json:"time"`
}

// TrackInfo is the alerted track at the alert's time.
type TrackInfo struct {
	ID        string    `json:"id"`
	Lat       float64   `json:"lat"`
	Lon       float64   `json:"lon"`
	SigmaM    float64   `json:"sigma_m"`
	SpeedMPS  float64   `json:"speed_mps"`
	CourseDeg float64   `json:"course_deg"`
	Class     string    `json:"class"`
	Sensors   []string  `json:"sensors"`
	Identity  *Identity `json:"identity"`
}

// Identity is a track's cooperative identity.
type Identity struct {
	MMSI     uint32 `json:"mmsi,omitempty"`
	ICAO     string `json:"icao,omitempty"`
	Callsign string `json:"callsign,omitempty"`
	Name     string `json:"name,omitempty"`
}

// Where says whose waters hold the track. Country is "" on the high seas
// (zone "high_seas").
type Where struct {
	Country string `json:"country"`
	Zone    string `json:"zone"`
}

// Heading is the next country's waters the track is predicted to enter
// within the sharing horizon, and when.
type Heading struct {
	Country string `json:"country"`
	Zone    string `json:"zone"`
	ETA     string `json:"eta"`
}

// Intercept is the planned intercept (computed by a later stage; nil until then).
type Intercept struct {
	Asset     string  `json:"asset"`
	Agency    string  `json:"agency"`
	Lat       float64 `json:"lat"`
	Lon       float64 `json:"lon"`
	ETA       string  `json:"eta"`
	CourseDeg float64 `json:"course_deg"`
}

// Route is one agency's routing decision with its reason.
type Route struct {
	Agency string `json:"agency"`
	Reason string `json:"reason"`
}

// Delivery is one alert revision for one agency's topic.
type Delivery struct {
	Agency string
	Topic  string
	// Format is the agency's alert format: json, cot or cap. Payload is
	// always the signed JSON; the publisher renders the others from Alert.
	Format  string
	Alert   *Alert
	Payload []byte
}

// JSON renders the alert.
func (a *Alert) JSON() ([]byte, error) {
	return json.Marshal(a)
}

func fmtTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

// round rounds x to the given number of decimals; non-finite values become 0
// so that an alert always encodes.
func round(x float64, decimals int) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	p := math.Pow10(decimals)
	return math.Round(x*p) / p
}
