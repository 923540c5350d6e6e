// Package loadtest measures a Vigia daemon under load through a real MQTT
// broker (`vigia bench`): simulated gateways publish radar reports at rising
// detection rates until a step fails, and probes measure the time from a
// report's publication to the alert it raises.
//
// The daemon runs in this process (daemon.New on the built-in configuration,
// adapted: state and signing key in a temporary directory, no HTTP, no
// picture, no per-sensor throttling, a large queue) and everything is read
// from its Prometheus registry. Its broker is the embedded one, a mosquitto
// the bench starts, or any broker named by URL.
//
// The load: Options.Radars small coastal radars of the bench's own, offshore
// in US waters, whose coverages do not overlap; each message is one whole
// scan of one radar (the engine counts a track in a sensor's coverage that
// a report does not update as missed, so a scan must not be split over
// messages): its targets, moving on circles at 3–8 m/s, plus clutter, as
// polar plots with noise. The targets are of unknown class and unremarkable,
// so the background raises no alerts of its own; the rules still run over
// them every second.
//
// A step passes ("sustained with zero drops") when the publishers offered
// the rate, the broker acknowledged every report (QoS 1), the daemon
// received and applied every one of them (vigia_reports_received_total,
// vigia_detections_total), dropped none (vigia_reports_dropped_total any
// reason, vigia_broker_dropped_total), refused no detection, and its queue
// (vigia_ingest_queue_depth) did not grow over the step.
//
// The probes: AIS position reports (JSON, on a sensor of the bench's own) of
// vessels with an invalid MMSI, each a vessel of its own far from the
// others. A cooperative report with an identity confirms its track at once,
// and the rules run on a track as soon as a report confirms it, so the
// identity_mismatch rule raises an alert right after the probe is applied;
// the latency is from just before the probe is published to the alert's
// receipt on vigia/alerts/{agency}. It is bounded below by the daemon's
// design: reports are held ingest.reorder_window before they are applied,
// and each alert is written to the journal (synced to disk) before it is
// published. Aligned probes, published in batches of ten 20 ms before a
// whole second, meet the whole-second round of the rules and show the cost
// of a burst of alerts.
package loadtest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"sync"
	"time"
)

// Options configure a bench run. Zero values take the defaults shown.
type Options struct {
	// BrokerURL is an external broker; empty: the daemon's embedded broker
	// (or a mosquitto of the bench's own with Mosquitto).
	BrokerURL string
	// Mosquitto starts MosquittoPath (DefaultMosquitto) on a free loopback port.
	Mosquitto bool
	// MosquittoPath is the mosquitto binary.
	MosquittoPath string
	// Rates are the steps, in detections per second (10000, 25000, 50000,
	// 100000, 200000, 400000); the ramp stops after the first failing step.
	Rates []float64
	// Step is how long each rate is offered (10 s).
	Step time.Duration
	// Grace is how long after a step its reports may take to be acknowledged,
	// received and applied (5 s plus the reorder window).
	Grace time.Duration
	// PerReport is the detections in one report message, one radar scan (50):
	// 80 % targets, the rest clutter.
	PerReport int
	// Radars is how many bench radars share the load (8).
	Radars int
	// Publishers is how many MQTT clients publish the reports (4, at most Radars).
	Publishers int
	// QoS of the reports: 0 or 1 (1).
	QoS byte
	// QueueSize is the daemon's ingest queue (262144).
	QueueSize int
	// LatencyRate is the background load, in detections per second, while
	// the probes run (10000).
	LatencyRate float64
	// Probes is how many probes each latency run sends at random phases (200);
	// a quarter as many are sent aligned just before whole seconds.
	Probes int
	// ProbeRate is how many probes are sent per second (20).
	ProbeRate float64
	// ReorderWindows are the ingest.reorder_window settings the latency is
	// measured with (20 ms, the default setting, and 1 s).
	ReorderWindows []time.Duration
	// NoRamp skips the throughput ramp; NoLatency the latency runs.
	NoRamp, NoLatency bool
	// Logger receives the daemons' logs (nil: discarded).
	Logger *slog.Logger
	// Progress, when set, is told what the bench is doing.
	Progress func(format string, args ...any)
}

func (o *Options) defaults() {
	if len(o.Rates) == 0 {
		o.Rates = []float64{10000, 25000, 50000, 100000, 200000, 400000}
	}
	if o.Step <= 0 {
		o.Step = 10 * time.Second
	}
	if o.PerReport <= 0 {
		o.PerReport = 50
	}
	if o.Radars <= 0 {
		o.Radars = 8
	}
	if o.Publishers <= 0 {
		o.Publishers = 4
	}
	if o.QueueSize <= 0 {
		o.QueueSize = 1 << 18
	}
	if o.LatencyRate <= 0 {
		o.LatencyRate = 10000
	}
	if o.Probes <= 0 {
		o.Probes = 200
	}
	if o.ProbeRate <= 0 {
		o.ProbeRate = 20
	}
	if len(o.ReorderWindows) == 0 {
		o.ReorderWindows = []time.Duration{20 * time.Millisecond, time.Second}
	}
	if o.Progress == nil {
		o.Progress = func(string, ...any) {}
	}
}

// Result is what a bench run measured.
type Result struct {
	// Broker says which broker carried the load: "embedded", "mosquitto" or the URL.
	Broker    string `json:"broker"`
	BrokerURL string `json:"broker_url,omitempty"`
	QoS       byte   `json:"qos"`
	PerReport int    `json:"detections_per_report"`
	Radars    int    `json:"radars"`
	// Targets is how many moving targets the radars see in all.
	Targets    int     `json:"targets"`
	Publishers int     `json:"publishers"`
	StepS      float64 `json:"step_s"`
	Steps      []Step  `json:"steps,omitempty"`
	// MaxSustained is the highest offered rate (detections/s) that passed; 0 when none did.
	MaxSustained float64 `json:"max_sustained_dps"`
	// MaxApplied is the daemon's applied rate in that step.
	MaxApplied float64   `json:"max_sustained_applied_dps"`
	Latency    []Latency `json:"latency,omitempty"`
}

// Step is one rate of the ramp.
type Step struct {
	Offered float64 `json:"offered_dps"`
	// Published is the rate the publishers achieved, detections/s.
	Published float64 `json:"published_dps"`
	// Applied is the daemon's applied rate over the step (shifted by the
	// reorder window), detections/s.
	Applied float64 `json:"applied_dps"`
	// Messages published, acknowledged by the broker (QoS 1; equal to
	// Messages at QoS 0), failed, and received by the daemon.
	Messages int64 `json:"messages"`
	Acked    int64 `json:"acked"`
	Failed   int64 `json:"failed"`
	Received int64 `json:"received"`
	// Gap is Messages − Received once the grace period is over.
	Gap int64 `json:"gap"`
	// Detections published and applied.
	Detections        int64 `json:"detections"`
	AppliedDetections int64 `json:"applied_detections"`
	// Rejected detections inside accepted reports (every sensor).
	Rejected int64 `json:"rejected"`
	// Dropped reports, every sensor, by reason; BrokerDropped by the embedded broker.
	Dropped       int64            `json:"dropped"`
	DroppedBy     map[string]int64 `json:"dropped_by,omitempty"`
	BrokerDropped int64            `json:"broker_dropped"`
	// Queue: the ingest queue's largest depth in the step, its mean over
	// the step's first and last quarters, and its least-squares trend (messages/s).
	QueueMax   float64 `json:"queue_max"`
	QueueFirst float64 `json:"queue_first_quarter"`
	QueueLast  float64 `json:"queue_last_quarter"`
	QueueSlope float64 `json:"queue_slope"`
	// DrainS is how long after the step everything was received and applied.
	DrainS float64 `json:"drain_s"`
	Pass   bool    `json:"pass"`
	// Why the step failed.
	Why string `json:"why,omitempty"`
}

// Latency is one latency run: background load plus probes, for one reorder window.
type Latency struct {
	ReorderWindowMS float64 `json:"reorder_window_ms"`
	BackgroundDPS   float64 `json:"background_dps"`
	// Random are the probes sent at random phases; Aligned those sent 20 ms
	// before a whole second of measurement time.
	Random  Stats `json:"random"`
	Aligned Stats `json:"aligned"`
	// Of the background load during the run.
	BackgroundMessages int64 `json:"background_messages"`
	BackgroundGap      int64 `json:"background_gap"`
	Dropped            int64 `json:"dropped"`
	Rejected           int64 `json:"rejected"`
}

// Stats are the latencies of a set of probes, in milliseconds.
type Stats struct {
	Probes  int     `json:"probes"`
	Missing int     `json:"missing"`
	P50     float64 `json:"p50_ms"`
	P90     float64 `json:"p90_ms"`
	P99     float64 `json:"p99_ms"`
	Max     float64 `json:"max_ms"`
	Min     float64 `json:"min_ms"`
}

// Run runs the bench: the ramp, then the latency runs.
func Run(ctx context.Context, o Options) (*Result, error) {
	o.defaults()
	if o.QoS > 1 {
		return nil, fmt.Errorf("qos %d: the bench publishes at QoS 0 or 1", o.QoS)
	}
	if o.PerReport < 2 {
		return nil, errors.New("at least 2 detections per report")
	}
	targets, _ := split(o.PerReport)
	res := &Result{Broker: "embedded", QoS: o.QoS, PerReport: o.PerReport, Radars: o.Radars,
		Targets: targets * o.Radars, Publishers: min(o.Publishers, o.Radars), StepS: o.Step.Seconds()}
	url := o.BrokerURL
	switch {
	case o.Mosquitto:
		m, err := StartMosquitto(ctx, o.MosquittoPath)
		if err != nil {
			return nil, err
		}
		defer m.Stop()
		url, res.Broker, res.BrokerURL = m.URL, "mosquitto", m.URL
	case url != "":
		res.Broker, res.BrokerURL = url, url
	}
	if !o.NoRamp {
		if err := ramp(ctx, &o, url, res); err != nil {
			return res, err
		}
	}
	if !o.NoLatency {
		for _, rw := range o.ReorderWindows {
			l, err := latency(ctx, &o, url, rw)
			if err != nil {
				return res, err
			}
			res.Latency = append(res.Latency, l)
		}
	}
	return res, ctx.Err()
}

// split is how many of a scan's detections are targets and how many clutter.
func split(perReport int) (targets, clutter int) {
	targets = max(1, int(math.Round(0.8*float64(perReport))))
	return targets, perReport - targets
}

func newRadars(o *Options, prefix string) []*radar {
	targets, clutter := split(o.PerReport)
	epoch := time.Now()
	var out []*radar
	for k := range o.Radars {
		out = append(out, newRadar(k, prefix, targets, clutter, epoch))
	}
	return out
}

// sampler takes the daemon's snapshot every interval until stopped.
type sampler struct {
	mu      sync.Mutex
	samples []snapshot
	stop    chan struct{}
	done    chan struct{}
}

func startSampler(d *runningDaemon, every time.Duration) *sampler {
	s := &sampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if snap, err := d.take(); err == nil {
				s.mu.Lock()
				s.samples = append(s.samples, snap)
				s.mu.Unlock()
			}
			select {
			case <-t.C:
			case <-s.stop:
				return
			}
		}
	}()
	return s
}

func (s *sampler) finish() []snapshot {
	close(s.stop)
	<-s.done
	return s.samples
}

// at interpolates the applied detections at time t from the samples.
func detectionsAt(samples []snapshot, t time.Time) float64 {
	for i, s := range samples {
		if !s.at.Before(t) {
			if i == 0 {
				return s.detections
			}
			p := samples[i-1]
			f := float64(t.Sub(p.at)) / float64(s.at.Sub(p.at))
			return p.detections + f*(s.detections-p.detections)
		}
	}
	return samples[len(samples)-1].detections
}

func ramp(ctx context.Context, o *Options, url string, res *Result) error {
	o.Progress("ramp: starting the daemon")
	d, err := startDaemon(ctx, o, url, "ramp", 0)
	if err != nil {
		return err
	}
	defer d.stop()
	if url == "" {
		url = d.d.BrokerURL()
	}
	radars := newRadars(o, d.cfg.TopicPrefix)
	pubs, err := newPublishers(url, o.Publishers, radars, o.QoS)
	if err != nil {
		return err
	}
	defer pubs.close()
	rw := d.cfg.Ingest.ReorderWindow
	grace := o.Grace
	if grace <= 0 {
		grace = 5*time.Second + rw
	}
	for _, rate := range o.Rates {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		o.Progress("ramp: %.0f detections/s for %s", rate, o.Step)
		st, err := step(ctx, o, d, pubs, rate, rw, grace)
		if err != nil {
			return err
		}
		res.Steps = append(res.Steps, st)
		if !st.Pass {
			break
		}
		res.MaxSustained, res.MaxApplied = st.Offered, st.Applied
	}
	return nil
}

func step(ctx context.Context, o *Options, d *runningDaemon, pubs *publishers, rate float64, rw, grace time.Duration) (Step, error) {
	st := Step{Offered: rate}
	before, err := d.take()
	if err != nil {
		return st, err
	}
	pub0, det0, ack0, fail0 := pubs.published.Load(), pubs.detections.Load(), pubs.acked.Load(), pubs.failed.Load()
	s := startSampler(d, 100*time.Millisecond)
	t0 := time.Now()
	elapsed := pubs.run(ctx, rate/float64(o.PerReport), o.Step)
	t1 := t0.Add(elapsed)
	st.Messages, st.Detections = pubs.published.Load()-pub0, pubs.detections.Load()-det0
	// Drain: every report acknowledged, received and applied, at most grace.
	deadline := time.Now().Add(grace)
	pubs.waitAcks(grace)
	var after snapshot
	for {
		after, err = d.take()
		if err != nil {
			s.finish()
			return st, err
		}
		done := int64(after.received-before.received) >= st.Messages &&
			int64(after.detections-before.detections)+int64(after.rejected-before.rejected) >= st.Detections
		if done && time.Now().After(t1.Add(rw+200*time.Millisecond)) || time.Now().After(deadline) || ctx.Err() != nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	st.DrainS = time.Since(t1).Seconds()
	samples := s.finish()
	st.Acked, st.Failed = pubs.acked.Load()-ack0, pubs.failed.Load()-fail0
	if o.QoS == 0 {
		st.Acked = st.Messages - st.Failed // nothing to acknowledge at QoS 0
	}
	st.Received = int64(after.received - before.received)
	st.Gap = st.Messages - st.Received
	st.AppliedDetections = int64(after.detections - before.detections)
	st.Rejected = int64(after.rejected - before.rejected)
	st.Dropped = int64(after.dropped - before.dropped)
	for r, v := range after.byReason {
		if n := int64(v - before.byReason[r]); n > 0 {
			if st.DroppedBy == nil {
				st.DroppedBy = map[string]int64{}
			}
			st.DroppedBy[r] = n
		}
	}
	st.BrokerDropped = int64(after.brokerDropped - before.brokerDropped)
	secs := elapsed.Seconds()
	st.Published = float64(st.Detections) / secs
	all := append([]snapshot{before}, samples...)
	all = append(all, after)
	st.Applied = (detectionsAt(all, t1.Add(rw)) - detectionsAt(all, t0.Add(rw))) / secs
	queueTrend(&st, samples, t0, t1)

	var why []string
	if st.Published < 0.97*rate {
		why = append(why, fmt.Sprintf("publishers offered only %.0f/s", st.Published))
	}
	if st.Failed > 0 || st.Acked < st.Messages {
		why = append(why, fmt.Sprintf("%d of %d publishes not acknowledged", st.Messages-st.Acked, st.Messages))
	}
	if st.Gap != 0 {
		why = append(why, fmt.Sprintf("%d reports not received", st.Gap))
	}
	if st.Dropped > 0 {
		why = append(why, fmt.Sprintf("%d reports dropped %v", st.Dropped, st.DroppedBy))
	}
	if st.BrokerDropped > 0 {
		why = append(why, fmt.Sprintf("embedded broker dropped %d", st.BrokerDropped))
	}
	if st.Rejected > 0 {
		why = append(why, fmt.Sprintf("%d detections refused", st.Rejected))
	}
	if lost := st.Detections - st.AppliedDetections - st.Rejected; lost != 0 {
		why = append(why, fmt.Sprintf("%d detections not applied within %.1f s", lost, grace.Seconds()))
	}
	if growing(&st, rate/float64(o.PerReport)) {
		why = append(why, fmt.Sprintf("queue growing (%.0f → %.0f messages, %+.0f/s)", st.QueueFirst, st.QueueLast, st.QueueSlope))
	}
	st.Pass = len(why) == 0
	if !st.Pass {
		st.Why = joinWhy(why)
	}
	return st, nil
}

func joinWhy(w []string) string {
	s := w[0]
	for _, x := range w[1:] {
		s += "; " + x
	}
	return s
}

// queueTrend summarises the queue depth samples taken within [t0, t1].
func queueTrend(st *Step, samples []snapshot, t0, t1 time.Time) {
	var in []snapshot
	for _, s := range samples {
		if !s.at.Before(t0) && !s.at.After(t1) {
			in = append(in, s)
		}
	}
	if len(in) == 0 {
		return
	}
	q := len(in) / 4
	var sx, sy, sxx, sxy float64
	var first, last float64
	for i, s := range in {
		st.QueueMax = max(st.QueueMax, s.queue)
		x := s.at.Sub(t0).Seconds()
		sx, sy, sxx, sxy = sx+x, sy+s.queue, sxx+x*x, sxy+x*s.queue
		if i < max(q, 1) {
			first += s.queue
		}
		if i >= len(in)-max(q, 1) {
			last += s.queue
		}
	}
	st.QueueFirst, st.QueueLast = first/float64(max(q, 1)), last/float64(max(q, 1))
	n := float64(len(in))
	if den := n*sxx - sx*sx; den > 0 {
		st.QueueSlope = (n*sxy - sx*sy) / den
	}
}

// growing: the queue ended the step clearly deeper than it began it, by
// more than 100 messages or a twentieth of a second's messages.
func growing(st *Step, msgRate float64) bool {
	return st.QueueLast > st.QueueFirst+max(100, 0.05*msgRate) && st.QueueSlope > 0
}

func percentile(sorted []float64, p float64) float64 {
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func stats(lat []time.Duration, sent int) Stats {
	s := Stats{Probes: sent, Missing: sent - len(lat)}
	if len(lat) == 0 {
		return s // all missing: the figures stay 0
	}
	ms := make([]float64, len(lat))
	for i, l := range lat {
		ms[i] = float64(l) / float64(time.Millisecond)
	}
	slices.Sort(ms)
	s.P50, s.P90, s.P99 = percentile(ms, 50), percentile(ms, 90), percentile(ms, 99)
	s.Min, s.Max = ms[0], ms[len(ms)-1]
	return s
}
