package daemon

import (
	"container/heap"
	"context"
	"errors"
	"time"

	"github.com/vigia-project/vigia/alert"
	"github.com/vigia-project/vigia/fusion"
	"github.com/vigia-project/vigia/journal"
	"github.com/vigia-project/vigia/sensors"
)

// Drop reasons the daemon adds to the decoders' (sensors.Reason*) and the engine's.
const (
	reasonUnknownSensor  = "unknown_sensor"
	reasonSensorMismatch = "sensor_mismatch"
	reasonTooOld         = "too_old"
	reasonInFuture       = "in_future"
	reasonLate           = "late"
	reasonNoPlatform     = "no_platform"
)

// tickInterval is how often the engine loop looks at the reorder window
// and its partial messages when no report comes; the engine advances (tracks
// coasting too long are deleted, the picture published) on every whole
// evalInterval of engine time.
const (
	tickInterval = 100 * time.Millisecond
	evalInterval = time.Second
)

// engineLoop owns the engine and the alert manager. It returns after ctx
// ends and everything queued has been applied, and closes d.alerts.
func (d *Daemon) engineLoop(ctx context.Context) {
	defer close(d.alerts)
	l := &loop{d: d}
	if d.restored {
		// Alerts of tracks that did not come back are cleared.
		live := map[uint64]bool{}
		for _, tr := range d.engine.Tracks() {
			live[tr.ID()] = true
		}
		l.send(d.manager.DropMissing(d.engine.Now(), live))
		l.flush()
		l.lastSave = d.engine.Now()
	}
	tick := time.NewTicker(tickInterval)
	defer tick.Stop()
	// due fires when the earliest report held in the reorder window is due:
	// a report is applied as soon as its window has passed, not on the next
	// tick.
	due := time.NewTimer(time.Hour)
	defer due.Stop()
	window := d.cfg.Ingest.ReorderWindow
	for {
		select {
		case in := <-d.queue:
			l.accept(in)
		case <-due.C:
			l.armedAt = time.Time{}
		case <-tick.C:
			l.expire()
		case <-ctx.Done():
			d.closing.Store(true)
			for {
				select {
				case in := <-d.queue:
					l.accept(in)
					continue
				default:
				}
				break
			}
			// Flush the reorder window: everything held is applied now.
			l.release(time.Time{})
			l.flush()
			if err := d.saveState(); err != nil {
				d.log.Error("picture not saved at shutdown", "err", err)
			}
			d.saveWG.Wait()
			return
		}
		// Whatever woke the loop, what is due is applied now and its alerts
		// handed on.
		l.release(d.clock.Now().Add(-window))
		l.flush()
		l.arm(due, window)
	}
}

// arm sets timer t to fire when the earliest held report is due (at most
// one tick away: the tick releases it then in any case).
func (l *loop) arm(t *time.Timer, window time.Duration) {
	if l.pending.Len() == 0 {
		return
	}
	at := l.pending[0].rep.Time.Add(window)
	if at.Equal(l.armedAt) {
		return
	}
	l.armedAt = at
	wait := min(max(at.Sub(l.d.clock.Now()), 0), tickInterval)
	t.Reset(wait)
}

// loop is the engine goroutine's state.
type loop struct {
	d          *Daemon
	pending    reorderHeap
	armedAt    time.Time // when the due timer was last set to fire (the held report's due time)
	outbox     []outMsg  // alert messages rendered, to be journaled and published by flush
	arrivals   uint64
	nextEval   time.Time // the next Advance, on an evalInterval boundary of engine time
	nextRules  time.Time // the next round of the rules (from that Advance on)
	lastPic    time.Time
	reports    []sensors.Report // scratch for one payload's reports
	lastExpire time.Time
	lastForget time.Time
	lastSave   time.Time
	capRefs    map[string]*capRef
}

type dropKey struct{ sensor, reason string }

// expirer is a decoder holding partial messages (multi-sentence AIS) that
// must be given up when their other parts do not come.
type expirer interface {
	Expire(now time.Time) []error
}

// expire lets stateful decoders give up stale partial messages, once a second.
func (l *loop) expire() {
	d := l.d
	now := d.clock.Now()
	if now.Sub(l.lastExpire) < time.Second {
		return
	}
	l.lastExpire = now
	for _, s := range d.cfg.Sensors {
		if x, ok := d.decoders[s.ID].(expirer); ok {
			for _, err := range x.Expire(now) {
				d.drop(s.ID, sensors.ReasonIncomplete, err)
			}
		}
	}
}

// accept decodes and checks one message and holds it in the reorder window.
func (l *loop) accept(in inbound) {
	d := l.d
	sensor, ok := d.topics[in.topic]
	if !ok && l.control(in) {
		return
	}
	if !ok { // not one of our subscriptions: cannot happen unless the broker misroutes
		d.drop("", reasonUnknownSensor, errors.New("message on unsubscribed topic "+in.topic))
		return
	}
	d.metrics.received.WithLabelValues(sensor).Inc()
	if d.api != nil {
		d.api.received(sensor, in.received)
	}
	dec := d.decoders[sensor]
	var errs []error
	l.reports, errs = dec.Decode(l.reports[:0], in.payload, in.received)
	for _, err := range errs {
		reason := sensors.ReasonMalformed
		var se *sensors.Error
		if errors.As(err, &se) {
			reason = se.Reason
		}
		d.drop(sensor, reason, err)
	}
	for i := range l.reports {
		l.check(sensor, &l.reports[i], in.received)
	}
	clear(l.reports) // do not keep detections alive through the scratch slice
}

// check takes one decoded report: observations go into the reorder window,
// the other kinds are counted (and a base station's time gives the
// receiver's clock offset).
func (l *loop) check(sensor string, rep *sensors.Report, received time.Time) {
	d := l.d
	if rep.Sensor != sensor {
		reason := reasonUnknownSensor
		if _, known := d.cfg.SensorByID(rep.Sensor); known {
			reason = reasonSensorMismatch
		}
		d.drop(sensor, reason, errors.New("report names sensor "+quote(rep.Sensor)+" on the topic of "+quote(sensor)))
		return
	}
	d.metrics.kinds.WithLabelValues(sensor, rep.Kind.String()).Inc()
	if d.sensorCfg[sensor].Time == "receive" {
		rep.Time, rep.TimeFromPayload = received, false
	}
	if rep.Kind == sensors.KindBaseStation && rep.TimeFromPayload {
		d.metrics.clockOffset.WithLabelValues(sensor).Set(received.Sub(rep.Time).Seconds())
	}
	if rep.Kind != sensors.KindObservation {
		return // identity is cached by the decoder; aids to navigation and service messages are not tracks
	}
	sc := d.sensorCfg[sensor]
	maxPast, maxFuture := d.cfg.Ingest.MaxPast, d.cfg.Ingest.MaxFuture
	if sc.MaxPast > 0 {
		maxPast = sc.MaxPast
	}
	if sc.MaxFuture > 0 {
		maxFuture = sc.MaxFuture
	}
	now := d.clock.Now()
	switch {
	case rep.Time.Before(now.Add(-maxPast)):
		d.drop(sensor, reasonTooOld, errors.New("measurement time "+rep.Time.Format(time.RFC3339Nano)+" is more than "+maxPast.String()+" old"))
		return
	case rep.Time.After(now.Add(maxFuture)):
		d.drop(sensor, reasonInFuture, errors.New("measurement time "+rep.Time.Format(time.RFC3339Nano)+" is more than "+maxFuture.String()+" ahead of the clock"))
		return
	case rep.Time.Before(d.engine.Now().Add(-d.cfg.Tracker.OOSMWindow)):
		// Within the out-of-sequence window the engine applies it by
		// retrodiction; beyond it, it is too old to apply at all.
		d.drop(sensor, reasonLate, errors.New("measurement time "+rep.Time.Format(time.RFC3339Nano)+
			" is behind the reorder and out-of-sequence windows"))
		return
	}
	l.arrivals++
	heap.Push(&l.pending, &pendingReport{rep: *rep, arrival: l.arrivals})
}

func quote(s string) string { return "\"" + s + "\"" }

// release applies, in measurement-time order, every held report up to upTo
// (all of them when upTo is zero). The rules run at every whole evalInterval
// of engine time the reports and upTo pass — at times that follow from the
// reports alone, not from when the loop happens to wake, so the same reports
// give the same alerts — and once more at the end of a final flush.
func (l *loop) release(upTo time.Time) {
	d := l.d
	for l.pending.Len() > 0 {
		p := l.pending[0]
		if !upTo.IsZero() && p.rep.Time.After(upTo) {
			break
		}
		l.evaluateUntil(p.rep.Time)
		heap.Pop(&l.pending)
		l.apply(&p.rep)
	}
	if upTo.IsZero() {
		if now := d.engine.Now(); !now.IsZero() {
			l.nextRules = time.Time{} // the last round runs whenever it falls
			l.evaluate(now)
		}
		return
	}
	l.evaluateUntil(upTo)
}

// evaluateUntil runs the rules at each evalInterval boundary up to t. After
// a long silence it jumps to the last boundary rather than replay every one.
func (l *loop) evaluateUntil(t time.Time) {
	if l.nextEval.IsZero() {
		l.nextEval = t.Truncate(evalInterval).Add(evalInterval)
		return
	}
	if t.Sub(l.nextEval) > 10*evalInterval {
		l.nextEval = t.Truncate(evalInterval)
	}
	for !l.nextEval.After(t) {
		if !l.nextEval.Before(l.d.engine.Now()) {
			l.evaluate(l.nextEval)
		}
		l.nextEval = l.nextEval.Add(evalInterval)
	}
}

// evaluate moves the engine to now and clears the alerts of deleted tracks
// (every second), runs the rules over the whole picture when a whole
// rules.evaluate_every of engine time has come, and publishes the picture
// when its interval has passed. Between rounds the rules still run at once
// on a track a report confirms or names (apply).
func (l *loop) evaluate(now time.Time) {
	d := l.d
	dead := d.engine.Advance(now)
	l.send(d.manager.TrackDeleted(now, d.engine, dead))
	if !now.Before(l.nextRules) {
		every := d.cfg.Rules.EvaluateEvery
		l.send(d.manager.Evaluate(now, d.engine))
		l.nextRules = now.Truncate(every).Add(every)
	}
	if d.stateDir != "" && now.Sub(l.lastSave) >= saveEvery {
		l.lastSave = now
		if err := d.saveStateAsync(); err != nil {
			d.log.Error("picture not saved", "err", err)
		}
	}
	if now.Sub(l.lastForget) >= time.Minute {
		l.lastForget = now
		d.manager.ForgetBefore(now.Add(-time.Hour))
	}
	l.countTracks()
	if d.api != nil {
		d.api.publish(now)
	}
	if iv := d.cfg.Tracker.TracksInterval; iv > 0 && now.Sub(l.lastPic) >= iv {
		l.lastPic = now
		d.publishPicture(now)
	}
}

func (l *loop) apply(rep *sensors.Report) {
	d := l.d
	d.manager.Observe(rep)
	res, err := d.engine.Apply(rep)
	if err != nil {
		reason := "engine"
		switch {
		case errors.Is(err, fusion.ErrLate):
			reason = reasonLate
		case errors.Is(err, fusion.ErrNoPlatform):
			reason = reasonNoPlatform
		case errors.Is(err, fusion.ErrUnknownSensor):
			reason = reasonUnknownSensor
		}
		d.drop(rep.Sensor, reason, err)
		return
	}
	d.stats.reports.Add(1)
	if len(res.Changed) > 0 {
		// A track this report confirmed or named: its rules run now, not at
		// the next round.
		l.send(d.manager.EvaluateTracks(d.engine.Now(), d.engine, res.Changed))
	}
	applied := res.Detections
	for _, n := range res.Rejected {
		applied -= n
	}
	d.metrics.detections.WithLabelValues(rep.Sensor).Add(float64(applied))
	for reason, n := range res.Rejected {
		d.metrics.rejected.WithLabelValues(rep.Sensor, reason).Add(float64(n))
		l.d.logDrop(rep.Sensor, reason, errors.New("detection refused"))
	}
}

func (l *loop) send(ds []alert.Delivery) {
	if l.d.api != nil {
		// Each revision once to the streams, with every agency it went to.
		for i := 0; i < len(ds); {
			j := i
			var audience []string
			for ; j < len(ds) && ds[j].Alert == ds[i].Alert; j++ {
				audience = append(audience, ds[j].Agency)
			}
			l.d.api.alertRevision(ds[i].Alert, audience, ds[i].Payload)
			i = j
		}
	}
	for _, dl := range ds {
		for _, m := range l.render(dl) {
			if l.d.sink != nil {
				l.d.sink(m) // offline: straight to the replay's output
				continue
			}
			l.outbox = append(l.outbox, m)
		}
	}
}

// flush journals the alert messages of the outbox in one transaction (one
// sync to disk for all the alerts of a batch of reports) and hands them to
// the publisher, in order. The engine loop calls it after every message,
// release and tick.
func (l *loop) flush() {
	if len(l.outbox) == 0 {
		return
	}
	if j := l.d.journal; j != nil {
		// Written (and synced) before they are handed on: a crash from here on
		// loses nothing, the next run publishes them again.
		now := time.Now().UTC()
		rs := make([]journal.Record, len(l.outbox))
		for i, m := range l.outbox {
			rs[i] = journal.Record{Topic: m.topic, Payload: m.payload, Agency: m.agency, ID: m.alert.ID,
				Rev: m.alert.Rev, Rule: m.alert.Rule, State: m.alert.State, Written: now}
		}
		seqs, err := j.AppendAll(rs)
		if err != nil {
			l.d.metrics.journalErrors.Inc()
			l.d.log.Error("alerts not journaled; publishing them anyway", "alerts", len(rs), "first_id", rs[0].ID, "err", err)
		}
		for i := range seqs {
			l.outbox[i].seq = seqs[i]
		}
	}
	for _, m := range l.outbox {
		l.d.alerts <- m // blocking on purpose: an alert is never dropped for lack of room
	}
	clear(l.outbox)
	l.outbox = l.outbox[:0]
}

func (l *loop) countTracks() {
	var tent, conf int
	for _, t := range l.d.engine.Tracks() {
		if t.Status() == fusion.Confirmed {
			conf++
		} else {
			tent++
		}
	}
	l.d.metrics.tracks.WithLabelValues("tentative").Set(float64(tent))
	l.d.metrics.tracks.WithLabelValues("confirmed").Set(float64(conf))
}

// drop counts a dropped report and logs it (at most once per log interval per sensor and reason).
func (d *Daemon) drop(sensor, reason string, err error) {
	d.stats.dropped.Add(1)
	if d.api != nil {
		d.api.dropped(sensor, reason)
	}
	d.metrics.dropped.WithLabelValues(sensor, reason).Inc()
	d.logDrop(sensor, reason, err)
}

// dropLog remembers when each (sensor, reason) was last logged. It is shared
// by the paho handler and the engine loop, so it has its own lock.
func (d *Daemon) logDrop(sensor, reason string, err error) {
	d.dropMu.Lock()
	k := dropKey{sensor, reason}
	now := time.Now()
	last, seen := d.dropLogged[k]
	if seen && now.Sub(last) < d.cfg.Ingest.LogInterval {
		d.dropSuppressed[k]++
		d.dropMu.Unlock()
		return
	}
	suppressed := d.dropSuppressed[k]
	d.dropSuppressed[k] = 0
	d.dropLogged[k] = now
	d.dropMu.Unlock()
	d.log.Warn("report dropped", "sensor", sensor, "reason", reason, "err", err, "suppressed_since_last_log", suppressed)
}

// pendingReport is a report held in the reorder window.
type pendingReport struct {
	rep     sensors.Report
	arrival uint64
}

// reorderHeap orders held reports by measurement time, then arrival.
type reorderHeap []*pendingReport

func (h reorderHeap) Len() int { return len(h) }
func (h reorderHeap) Less(i, j int) bool {
	if !h[i].rep.Time.Equal(h[j].rep.Time) {
		return h[i].rep.Time.Before(h[j].rep.Time)
	}
	return h[i].arrival < h[j].arrival
}
func (h reorderHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *reorderHeap) Push(x any)   { *h = append(*h, x.(*pendingReport)) }
func (h *reorderHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return x
}
