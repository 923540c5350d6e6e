package daemon

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/vigia-project/vigia/alert"
	"github.com/vigia-project/vigia/alert/cap"
	"github.com/vigia-project/vigia/alert/cot"
	"github.com/vigia-project/vigia/geo"
)

// The control topics agencies publish on: asset positions and operators'
// acknowledgements. Their messages go through the engine goroutine like
// observations, but are applied on arrival (they carry no scene of their own).
func (d *Daemon) assetsFilter() string { return d.cfg.TopicPrefix + "assets/+/+" }
func (d *Daemon) acksFilter() string   { return d.cfg.TopicPrefix + "acks/+" }

// Drop "sensors" of the control topics in vigia_reports_dropped_total.
const (
	dropAssets = "assets"
	dropAcks   = "acks"
)

// maxControlBytes bounds an asset report or an ack.
const maxControlBytes = 4096

// assetReport is an asset position (SPEC §4).
type assetReport struct {
	ID            string   `json:"id"`
	Agency        string   `json:"agency"`
	Kind          string   `json:"kind"`
	Time          string   `json:"time"`
	Lat           *float64 `json:"lat"`
	Lon           *float64 `json:"lon"`
	MaxSpeedMPS   float64  `json:"max_speed_mps"`
	Available     *bool    `json:"available"`
	ResponseDelay string   `json:"response_delay"` // optional Go duration, e.g. "5m"
}

// ackMessage is an operator's acknowledgement (SPEC §2).
type ackMessage struct {
	ID  string `json:"id"`
	Rev int    `json:"rev"`
	By  string `json:"by"`
}

// control handles a message on a control topic; it reports false when the
// topic is not one.
func (l *loop) control(in inbound) bool {
	d := l.d
	rest, ok := strings.CutPrefix(in.topic, d.cfg.TopicPrefix)
	if !ok {
		return false
	}
	parts := strings.Split(rest, "/")
	switch {
	case len(parts) == 3 && parts[0] == "assets":
		if err := l.asset(parts[1], parts[2], in.payload); err != nil {
			d.drop(dropAssets, "rejected", fmt.Errorf("topic %s: %w", in.topic, err))
		}
		return true
	case len(parts) == 2 && parts[0] == "acks":
		ds, err := l.ack(parts[1], in.payload)
		if err != nil {
			d.drop(dropAcks, "rejected", fmt.Errorf("topic %s: %w", in.topic, err))
			return true
		}
		d.metrics.acks.WithLabelValues(parts[1]).Inc()
		l.send(ds)
		if d.api != nil && !d.engine.Now().IsZero() {
			d.api.publish(d.engine.Now()) // the acknowledged revision shows at once
		}
		return true
	}
	return false
}

func strictJSON(payload []byte, v any) error {
	if len(payload) > maxControlBytes {
		return fmt.Errorf("payload of %d bytes is over the %d-byte limit", len(payload), maxControlBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("malformed JSON: %w", err)
	}
	return nil
}

func (l *loop) asset(agency, id string, payload []byte) error {
	var r assetReport
	if err := strictJSON(payload, &r); err != nil {
		return err
	}
	if r.ID != id || r.Agency != agency {
		return fmt.Errorf("payload says asset %q of %q, the topic %q of %q", r.ID, r.Agency, id, agency)
	}
	if r.Lat == nil || r.Lon == nil {
		return fmt.Errorf("asset %s: lat and lon are required", id)
	}
	t, err := time.Parse(time.RFC3339Nano, r.Time)
	if err != nil {
		return fmt.Errorf("asset %s: time %q: %w", id, r.Time, err)
	}
	a := alert.Asset{ID: r.ID, Agency: r.Agency, Kind: r.Kind, Pos: geo.LLA{Lat: *r.Lat, Lon: *r.Lon},
		MaxSpeedMPS: r.MaxSpeedMPS, Available: r.Available == nil || *r.Available, Time: t.UTC()}
	if r.ResponseDelay != "" {
		if a.ResponseDelay, err = time.ParseDuration(r.ResponseDelay); err != nil {
			return fmt.Errorf("asset %s: response_delay %q: %w", id, r.ResponseDelay, err)
		}
	}
	return l.d.manager.SetAsset(a)
}

func (l *loop) ack(agency string, payload []byte) ([]alert.Delivery, error) {
	var a ackMessage
	if err := strictJSON(payload, &a); err != nil {
		return nil, err
	}
	now := l.d.engine.Now()
	if now.IsZero() {
		now = l.d.clock.Now()
	}
	return l.d.manager.Ack(agency, a.ID, a.Rev, a.By, now)
}

// outMsg is one MQTT message of an alert revision for one agency.
type outMsg struct {
	topic   string
	agency  string
	alert   *alert.Alert
	payload []byte
	json    []byte // the revision's signed JSON, whatever the format of payload
	seq     uint64 // its journal record (0: not journaled)
}

// capRefs remembers, per alert, the CAP reference of the revision last
// rendered and of the one before it, so each Update or Cancel references
// its predecessor.
type capRef struct {
	rev       int
	cur, prev cap.Ref
	havePrev  bool
}

// cotStale is how long a CoT track event stays on a TAK map without an update.
const cotStale = 5 * time.Minute

// render turns a delivery into the messages of the agency's format: the
// signed JSON as it is, a CoT track event (and intercept event), or a CAP
// alert. A rendering error is logged and the JSON is sent instead, so the
// agency still gets the alert.
func (l *loop) render(dl alert.Delivery) []outMsg {
	d := l.d
	one := func(p []byte) outMsg {
		return outMsg{topic: dl.Topic, agency: dl.Agency, alert: dl.Alert, payload: p, json: dl.Payload}
	}
	switch dl.Format {
	case "cot":
		docs, err := cot.Encode(dl.Alert, cotStale)
		if err == nil {
			out := make([]outMsg, len(docs))
			for i, p := range docs {
				out[i] = one(p)
			}
			return out
		}
		d.log.Error("CoT rendering failed; sending JSON", "id", dl.Alert.ID, "rev", dl.Alert.Rev, "err", err)
	case "cap":
		if l.capRefs == nil {
			l.capRefs = map[string]*capRef{}
		}
		sender := "vigia@" + d.cfg.Instance
		r := l.capRefs[dl.Alert.ID]
		if r == nil {
			r = &capRef{}
			l.capRefs[dl.Alert.ID] = r
		}
		if r.rev != dl.Alert.Rev {
			if r.rev > 0 {
				r.prev, r.havePrev = r.cur, true
			}
			r.rev, r.cur = dl.Alert.Rev, cap.RefOf(dl.Alert, sender)
		}
		var prev *cap.Ref
		if r.havePrev {
			prev = &r.prev
		}
		p, err := cap.Encode(dl.Alert, sender, prev)
		if err == nil {
			return []outMsg{one(p)}
		}
		d.log.Error("CAP rendering failed; sending JSON", "id", dl.Alert.ID, "rev", dl.Alert.Rev, "err", err)
	}
	return []outMsg{one(dl.Payload)}
}
