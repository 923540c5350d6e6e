package daemon

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/vigia-project/vigia/alert"
	"github.com/vigia-project/vigia/config"
)

// Replay runs recorded messages straight through the daemon's pipeline —
// decode, checks, reorder window, engine, rules, routing, rendering,
// signing — on a virtual clock: each message is taken at its receive time,
// as if it had just arrived. Nothing touches the network. The same
// recording, configuration and signing key give byte-identical alerts.
//
// A Replay is not safe for concurrent use.
type Replay struct {
	d     *Daemon
	l     *loop
	clock *virtualClock
	emit  func(*alert.Alert, []byte) error
	err   error
	last  struct {
		id  string
		rev int
	}
	messages, alerts int64
	done             bool
}

// ReplayStats are a replay's counts.
type ReplayStats struct {
	Messages   int64 // messages fed
	Reports    int64 // reports applied to the engine
	Dropped    int64 // reports dropped (by reason in the metrics)
	Detections int64 // detections applied
	Alerts     int64 // alert revisions emitted
}

// NewReplay builds an offline daemon for cfg: no broker, no HTTP, no MQTT
// client. key signs the alerts (nil: the configured key file). emit
// receives every alert revision once, in order, with its signed JSON.
func NewReplay(cfg *config.Config, key ed25519.PrivateKey, log *slog.Logger, emit func(a *alert.Alert, payload []byte) error) (*Replay, error) {
	c := *cfg
	c.Broker.URL = "offline:" // never dialled: New starts no embedded broker for a set URL
	c.HTTP.Listen = ""
	clock := &virtualClock{}
	d, err := New(&c, Options{Logger: log, Clock: clock, SigningKey: key, NoState: true})
	if err != nil {
		return nil, err
	}
	r := &Replay{d: d, clock: clock, emit: emit}
	d.sink = r.sink
	r.l = &loop{d: d}
	return r, nil
}

// sink takes the loop's rendered messages: one alert revision may come as
// several (one per agency, two CoT events); it is emitted once, as JSON.
func (r *Replay) sink(m outMsg) {
	if r.err != nil || (m.alert.ID == r.last.id && m.alert.Rev == r.last.rev) {
		return
	}
	r.last.id, r.last.rev = m.alert.ID, m.alert.Rev
	r.alerts++
	if r.emit != nil {
		r.err = r.emit(m.alert, m.json)
	}
}

// Feed takes one recorded message received at t. Messages must come in
// receive order (a recording's order).
func (r *Replay) Feed(topic string, payload []byte, t time.Time) error {
	if r.done {
		return fmt.Errorf("replay: feed after finish")
	}
	r.messages++
	r.clock.Set(t)
	r.l.accept(inbound{topic: topic, payload: payload, received: t})
	r.l.release(t.Add(-r.d.cfg.Ingest.ReorderWindow))
	return r.err
}

// Finish applies what the reorder window still holds and runs the rules a
// last time.
func (r *Replay) Finish() (ReplayStats, error) {
	if !r.done {
		r.done = true
		r.l.release(time.Time{})
	}
	reports, dropped, _ := r.d.Counts()
	var det float64
	if mf, err := r.d.metrics.reg.Gather(); err == nil {
		for _, f := range mf {
			if f.GetName() == "vigia_detections_total" {
				for _, m := range f.GetMetric() {
					det += m.GetCounter().GetValue()
				}
			}
		}
	}
	return ReplayStats{Messages: r.messages, Reports: reports, Dropped: dropped, Detections: int64(det), Alerts: r.alerts}, r.err
}

// Daemon returns the offline daemon (its metrics, its engine) for tests.
func (r *Replay) Daemon() *Daemon { return r.d }

// virtualClock is the replay's clock: the receive time of the message
// being fed.
type virtualClock struct{ t time.Time }

func (c *virtualClock) Now() time.Time  { return c.t }
func (c *virtualClock) Set(t time.Time) { c.t = t }

// A GeoJSON FeatureCollection of points (RFC 7946), written with
// encoding/json: paulmach/orb's geojson package would pull in a BSON
// library for nothing here.
type (
	featureCollection struct {
		Type     string    `json:"type"`
		Time     string    `json:"time"`
		Origin   string    `json:"origin"`
		Features []feature `json:"features"`
	}
	feature struct {
		Type       string       `json:"type"`
		ID         string       `json:"id"`
		Geometry   point        `json:"geometry"`
		Properties pictureTrack `json:"properties"`
	}
	point struct {
		Type        string     `json:"type"`
		Coordinates [2]float64 `json:"coordinates"`
	}
)

// WritePicture writes the confirmed tracks at the engine's time as a GeoJSON
// FeatureCollection: one Point per track (lon, lat) with its id, class,
// altitude, speed, course, position σ, identity and sensors, ordered by id.
func (r *Replay) WritePicture(w io.Writer) error {
	now := r.d.engine.Now()
	tracks := r.d.picture(now)
	slices.SortFunc(tracks, func(a, b pictureTrack) int { return strings.Compare(a.ID, b.ID) })
	fc := featureCollection{Type: "FeatureCollection", Time: now.UTC().Format(time.RFC3339Nano), Origin: r.d.cfg.Instance,
		Features: []feature{}}
	for _, t := range tracks {
		fc.Features = append(fc.Features, feature{Type: "Feature", ID: t.ID,
			Geometry: point{Type: "Point", Coordinates: [2]float64{t.Lon, t.Lat}}, Properties: t})
	}
	b, err := json.MarshalIndent(fc, "", " ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
