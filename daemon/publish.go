package daemon

import (
	"encoding/json"
	"math"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/vigia-project/vigia/alert"
	"github.com/vigia-project/vigia/fusion"
)

// publishLoop publishes every alert delivery at QoS 1 and waits for the
// broker's acknowledgement, trying again while it fails. It ends when
// d.alerts is closed and drained, or, during shutdown, when the flush
// timeout has passed (what is left is logged as lost). The messages waiting
// are published together, up to maxPublishBatch, and their
// acknowledgements awaited after: a burst of alerts costs one round trip to
// the broker and one journal transaction, not one each.
func (d *Daemon) publishLoop() {
	var deadline time.Time
	// What a previous run journaled and the broker never acknowledged goes
	// out first (receivers deduplicate on id and rev).
	for len(d.recovered) > 0 {
		n := min(len(d.recovered), maxPublishBatch)
		d.publishBatch(d.recovered[:n], &deadline)
		d.recovered = d.recovered[n:]
	}
	d.recovered = nil
	batch := make([]outMsg, 0, maxPublishBatch)
	for m := range d.alerts {
		batch = append(batch[:0], m)
	more:
		for len(batch) < maxPublishBatch {
			select {
			case m, ok := <-d.alerts:
				if !ok {
					break more // closed: the range ends after this batch
				}
				batch = append(batch, m)
			default:
				break more
			}
		}
		d.publishBatch(batch, &deadline)
		clear(batch)
	}
}

// maxPublishBatch bounds the alert messages published before their
// acknowledgements are awaited.
const maxPublishBatch = 64

// publishBatch publishes ms at QoS 1, all at once, then waits for each
// acknowledgement in order and removes the acknowledged from the journal in
// one transaction. From the first that fails, the rest go again one by one
// (publishOne), in order: those after it that the broker did take arrive
// twice, which receivers deduplicate on (id, rev), rather than out of order.
func (d *Daemon) publishBatch(ms []outMsg, dl *time.Time) {
	if len(ms) == 1 || d.closing.Load() {
		for _, m := range ms {
			d.publishOne(m, dl)
		}
		return
	}
	start := time.Now()
	toks := make([]paho.Token, len(ms))
	for i, m := range ms {
		toks[i] = d.client.Publish(m.topic, 1, false, m.payload)
	}
	var done []uint64
	failed := len(ms)
	for i, m := range ms {
		if !toks[i].WaitTimeout(5*time.Second) || toks[i].Error() != nil {
			failed = i
			break
		}
		if m.seq != 0 {
			done = append(done, m.seq)
		}
		d.acknowledged(m, start)
	}
	if d.journal != nil && len(done) > 0 {
		if err := d.journal.DoneAll(done); err != nil {
			d.metrics.journalErrors.Inc()
			d.log.Error("journal: acknowledged alerts not marked done (they will be sent again after a restart)",
				"alerts", len(done), "err", err)
		}
	}
	if failed < len(ms) {
		d.metrics.pubRetries.Inc()
		d.log.Warn("alert publish failed; trying again one by one", "id", ms[failed].alert.ID, "rev", ms[failed].alert.Rev,
			"agency", ms[failed].agency, "err", toks[failed].Error())
		for _, m := range ms[failed:] {
			d.publishOne(m, dl)
		}
	}
}

// acknowledged counts an alert message the broker has acknowledged.
func (d *Daemon) acknowledged(m outMsg, start time.Time) {
	d.metrics.published.Observe(time.Since(start).Seconds())
	d.metrics.alerts.WithLabelValues(m.alert.Rule, m.agency, m.alert.State).Inc()
	d.stats.alerts.Add(1)
}

// publishOne publishes one alert message at QoS 1, trying again until the
// broker acknowledges it (then it leaves the journal) or, during shutdown,
// the flush deadline passes (then it stays in the journal for the next run).
func (d *Daemon) publishOne(m outMsg, dl *time.Time) {
	deadline := *dl
	defer func() { *dl = deadline }()
	{
		for attempt := 1; ; attempt++ {
			if d.closing.Load() && deadline.IsZero() {
				deadline = time.Now().Add(d.opts.FlushTimeout)
			}
			start := time.Now()
			tok := d.client.Publish(m.topic, 1, false, m.payload)
			wait := 5 * time.Second
			if !deadline.IsZero() {
				wait = max(time.Until(deadline), 10*time.Millisecond)
			}
			if tok.WaitTimeout(wait) && tok.Error() == nil {
				if d.journal != nil && m.seq != 0 {
					if err := d.journal.Done(m.seq); err != nil {
						d.metrics.journalErrors.Inc()
						d.log.Error("journal: acknowledged alert not marked done (it will be sent again after a restart)",
							"id", m.alert.ID, "rev", m.alert.Rev, "err", err)
					}
				}
				d.acknowledged(m, start)
				break
			}
			if !deadline.IsZero() && time.Now().After(deadline) {
				d.log.Error("alert not acknowledged before the shutdown deadline", "id", m.alert.ID, "rev", m.alert.Rev,
					"agency", m.agency, "err", tok.Error())
				break
			}
			d.metrics.pubRetries.Inc()
			d.log.Warn("alert publish failed; trying again", "id", m.alert.ID, "rev", m.alert.Rev, "agency", m.agency,
				"attempt", attempt, "err", tok.Error())
			time.Sleep(min(time.Duration(attempt)*200*time.Millisecond, 2*time.Second))
		}
	}
}

// pictureTrack is one confirmed track on the {prefix}tracks topic.
type pictureTrack struct {
	ID        string          `json:"id"`
	Lat       float64         `json:"lat"`
	Lon       float64         `json:"lon"`
	AltM      float64         `json:"alt_m"`
	SigmaM    float64         `json:"sigma_m"`
	SpeedMPS  float64         `json:"speed_mps"`
	CourseDeg float64         `json:"course_deg"`
	Class     string          `json:"class"`
	Sensors   []string        `json:"sensors"`
	Identity  *alert.Identity `json:"identity"`
}

// publishPicture hands the confirmed tracks at now, as one message, to the
// picture publisher (QoS 0, best effort). The engine never waits for it: a
// picture the publisher is not ready for replaces the one waiting, so paho
// blocking on a connection being torn down cannot stall the engine.
func (d *Daemon) publishPicture(now time.Time) {
	if d.client == nil || d.pictures == nil {
		return // offline (direct replay)
	}
	pic := struct {
		Time   string         `json:"time"`
		Origin string         `json:"origin"`
		Tracks []pictureTrack `json:"tracks"`
	}{Time: now.UTC().Format(time.RFC3339Nano), Origin: d.cfg.Instance, Tracks: d.picture(now)}
	b, err := json.Marshal(pic)
	if err != nil {
		d.log.Error("picture not encodable", "err", err)
		return
	}
	for {
		select {
		case d.pictures <- b:
			return
		default:
		}
		select {
		case <-d.pictures: // the publisher is behind: the newer picture replaces the older
		default:
		}
	}
}

// picturePublisher publishes the pictures handed to it until the channel closes.
func (d *Daemon) picturePublisher() {
	for b := range d.pictures {
		if d.client.IsConnectionOpen() {
			d.client.Publish(d.cfg.TopicPrefix+"tracks", 0, false, b).WaitTimeout(time.Second)
		}
	}
}

// picture is the confirmed tracks at now, in the engine's order.
func (d *Daemon) picture(now time.Time) []pictureTrack {
	out := []pictureTrack{}
	for _, t := range d.engine.Tracks() {
		if t.Status() != fusion.Confirmed {
			continue
		}
		x, P := t.StateAt(now)
		p := d.engine.Frame().FromENU(x[0], x[1], 0)
		pt := pictureTrack{ID: t.Name(), Lat: r(p.Lat, 5), Lon: r(p.Lon, 5), AltM: r(t.Alt(), 0),
			SigmaM: r(fusion.PositionSigma(&P), 0), SpeedMPS: r(math.Hypot(x[2], x[3]), 1),
			CourseDeg: r(math.Mod(math.Atan2(x[2], x[3])*180/math.Pi+360, 360), 0), Class: t.Class().String()}
		for _, s := range t.Sensors() {
			pt.Sensors = append(pt.Sensors, s.Sensor)
		}
		if id, _ := t.Identity(); id != nil {
			pt.Identity = &alert.Identity{MMSI: id.MMSI, ICAO: id.ICAO, Callsign: id.Callsign, Name: id.Name}
		}
		out = append(out, pt)
	}
	return out
}

func r(x float64, decimals int) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	p := math.Pow10(decimals)
	return math.Round(x*p) / p
}
