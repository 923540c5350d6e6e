package loadtest

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// alertWatch is an operations centre: it subscribes to the agencies' alert
// topics and notes when each probe's identity_mismatch alert arrives.
type alertWatch struct {
	c    paho.Client
	mu   sync.Mutex
	sent map[uint32]time.Time     // probe MMSI → publish time
	got  map[uint32]time.Duration // probe MMSI → latency
	// other counts alert messages that are not a probe's first revision.
	other int
}

// probeAlert is the part of an alert (SPEC §5) the bench reads.
type probeAlert struct {
	Rule  string `json:"rule"`
	Rev   int    `json:"rev"`
	Track struct {
		Identity *struct {
			MMSI uint32 `json:"mmsi"`
		} `json:"identity"`
	} `json:"track"`
}

func watchAlerts(url, prefix string) (*alertWatch, error) {
	w := &alertWatch{sent: map[uint32]time.Time{}, got: map[uint32]time.Duration{}}
	c, err := connect(url, fmt.Sprintf("vigia-bench-%d-ops", os.Getpid()))
	if err != nil {
		return nil, err
	}
	w.c = c
	filters := map[string]byte{}
	for _, ag := range []string{"uscg", "semar", "ccg"} {
		filters[prefix+"alerts/"+ag] = 1
	}
	t := c.SubscribeMultiple(filters, w.onAlert)
	if !t.WaitTimeout(10*time.Second) || t.Error() != nil {
		c.Disconnect(0)
		return nil, fmt.Errorf("subscribe to alerts: %v", t.Error())
	}
	return w, nil
}

func (w *alertWatch) onAlert(_ paho.Client, m paho.Message) {
	at := time.Now()
	var a probeAlert
	if json.Unmarshal(m.Payload(), &a) != nil || a.Rule != "identity_mismatch" || a.Track.Identity == nil {
		w.mu.Lock()
		w.other++
		w.mu.Unlock()
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	mmsi := a.Track.Identity.MMSI
	sent, ok := w.sent[mmsi]
	if _, dup := w.got[mmsi]; !ok || dup {
		w.other++
		return
	}
	w.got[mmsi] = at.Sub(sent)
}

// latencies returns the latencies of the given probes that got their alert.
func (w *alertWatch) latencies(mmsis []uint32) []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []time.Duration
	for _, m := range mmsis {
		if l, ok := w.got[m]; ok {
			out = append(out, l)
		}
	}
	return out
}

func (w *alertWatch) waiting() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.sent) - len(w.got)
}

// prober publishes the probes.
type prober struct {
	c     paho.Client
	topic string
	w     *alertWatch
	qos   byte
	base  int
	n     int
}

// send publishes probe i (a vessel of its own) and notes when.
func (p *prober) send() uint32 {
	mmsi := invalidMMSI(p.base, p.n)
	lat, lon := probePosition(p.n)
	p.n++
	now := time.Now()
	payload := probeReport(mmsi, lat, lon, now)
	p.w.mu.Lock()
	p.w.sent[mmsi] = now
	p.w.mu.Unlock()
	p.c.Publish(p.topic, p.qos, false, payload)
	return mmsi
}

// sleepUntil waits for t or the end of ctx.
func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// latency runs a daemon with the given reorder window under the
// background load and measures the probes' latencies.
func latency(ctx context.Context, o *Options, url string, rw time.Duration) (Latency, error) {
	l := Latency{ReorderWindowMS: float64(rw) / float64(time.Millisecond), BackgroundDPS: o.LatencyRate}
	o.Progress("latency: reorder window %s, background %.0f detections/s, %d probes", rw, o.LatencyRate, o.Probes)
	d, err := startDaemon(ctx, o, url, fmt.Sprintf("latency-%dms", rw.Milliseconds()), rw)
	if err != nil {
		return l, err
	}
	defer d.stop()
	if url == "" {
		url = d.d.BrokerURL()
	}
	w, err := watchAlerts(url, d.cfg.TopicPrefix)
	if err != nil {
		return l, err
	}
	defer w.c.Disconnect(250)
	pc, err := connect(url, fmt.Sprintf("vigia-bench-%d-probe", os.Getpid()))
	if err != nil {
		return l, err
	}
	defer pc.Disconnect(250)
	pubs, err := newPublishers(url, o.Publishers, newRadars(o, d.cfg.TopicPrefix), o.QoS)
	if err != nil {
		return l, err
	}
	defer pubs.close()
	before, err := d.take()
	if err != nil {
		return l, err
	}

	bctx, stopBackground := context.WithCancel(ctx)
	bgDone := make(chan struct{})
	go func() {
		pubs.run(bctx, o.LatencyRate/float64(o.PerReport), 24*time.Hour)
		close(bgDone)
	}()
	defer func() { stopBackground(); <-bgDone }()
	// Warm up: the background's tracks confirmed, the reorder window full.
	if !sleepUntil(ctx, time.Now().Add(2*time.Second+rw)) {
		return l, ctx.Err()
	}

	p := &prober{c: pc, topic: d.cfg.TopicPrefix + "obs/ais/" + aisSensor, w: w, qos: 1,
		base: rand.IntN(9_000_000)}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	// Random phases: one every 1/ProbeRate on average, uniformly jittered.
	var random []uint32
	start := time.Now()
	iv := time.Duration(float64(time.Second) / o.ProbeRate)
	for i := range o.Probes {
		at := start.Add(time.Duration(i)*iv + time.Duration(rng.Int64N(int64(iv))))
		if !sleepUntil(ctx, at) {
			return l, ctx.Err()
		}
		random = append(random, p.send())
	}
	// Aligned: batches of up to 10, 20 ms before a whole second.
	var aligned []uint32
	for left := max(1, o.Probes/4); left > 0; {
		next := time.Now().Truncate(time.Second).Add(time.Second - 20*time.Millisecond)
		if time.Until(next) < 5*time.Millisecond {
			next = next.Add(time.Second)
		}
		if !sleepUntil(ctx, next) {
			return l, ctx.Err()
		}
		for range min(left, 10) {
			aligned = append(aligned, p.send())
			left--
		}
	}
	// The last alerts: the reorder window, the next whole second, the path.
	deadline := time.Now().Add(rw + 3*time.Second)
	for w.waiting() > 0 && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
	}
	stopBackground()
	<-bgDone
	pubs.waitAcks(5 * time.Second)
	l.BackgroundMessages = pubs.published.Load()
	// Let the daemon take what is still on its way before counting.
	for range 100 {
		after, err := d.take()
		if err == nil && int64(after.received-before.received) >= l.BackgroundMessages {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	after, err := d.take()
	if err != nil {
		return l, err
	}
	l.BackgroundGap = l.BackgroundMessages - int64(after.received-before.received)
	l.Dropped = int64(after.dropped - before.dropped)
	l.Rejected = int64(after.rejected - before.rejected)
	l.Random = stats(w.latencies(random), len(random))
	l.Aligned = stats(w.latencies(aligned), len(aligned))
	return l, nil
}
