package recording

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/vigia-project/vigia/broker"
)

// checkFor polls f until it returns nil, failing the test after total.
func checkFor(t *testing.T, total time.Duration, f func() error) {
	t.Helper()
	deadline := time.Now().Add(total)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %v", total, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

func slogTo(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

func startBroker(t *testing.T) *broker.Broker {
	t.Helper()
	b, err := broker.Start(broker.Options{Addr: "127.0.0.1:0", MaxInflight: 65535, MaxPending: 100000})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func connectClient(t *testing.T, url string) paho.Client {
	t.Helper()
	c := paho.NewClient(paho.NewClientOptions().AddBroker(url).SetClientID(fmt.Sprintf("test-%d", rand.Int64())).
		SetOrderMatters(true).SetConnectTimeout(5 * time.Second))
	if tok := c.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("connect: %v", tok.Error())
	}
	t.Cleanup(func() { c.Disconnect(100) })
	return c
}

// runningRecorder is a Recorder running in the background.
type runningRecorder struct {
	*Recorder
	cancel context.CancelFunc
	done   chan error
}

// stop cancels the Recorder and returns Run's error.
func (r *runningRecorder) stop(t *testing.T) {
	t.Helper()
	r.cancel()
	select {
	case err := <-r.done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("recorder did not stop")
	}
}

// record starts a Recorder of url's vigia/obs/# and waits until it has subscribed.
func record(t *testing.T, url string, out EntryWriter, queue int) *runningRecorder {
	t.Helper()
	rec, err := NewRecorder(RecorderOptions{Broker: url, Topics: []string{"vigia/obs/#", "vigia/other"}, Out: out, QueueSize: queue})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &runningRecorder{rec, cancel, make(chan error, 1)}
	go func() { r.done <- rec.Run(ctx) }()
	t.Cleanup(cancel)
	select {
	case <-rec.Ready():
	case err := <-r.done:
		t.Fatalf("recorder stopped: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("recorder did not subscribe")
	}
	return r
}

// message is a test message as published.
type message struct {
	topic   string
	qos     byte
	payload []byte
	gap     time.Duration // before it is published
}

func testMessages(n int, seed uint64) []message {
	rng := rand.New(rand.NewPCG(seed, 1))
	topics := []string{"vigia/obs/radar/radar-brownsville", "vigia/obs/ais/rx-matamoros", "vigia/obs/adsb/uscg-6001",
		"vigia/obs/radar/asterix-1", "vigia/obs/status/gw-2"}
	var ms []message
	for i := range n {
		m := message{topic: topics[rng.IntN(len(topics))], qos: byte(rng.IntN(2)), gap: time.Duration(rng.IntN(201)) * time.Millisecond}
		switch rng.IntN(4) {
		case 0: // binary: invalid UTF-8
			m.payload = make([]byte, 1+rng.IntN(300))
			for j := range m.payload {
				m.payload[j] = byte(rng.IntN(256))
			}
			m.payload[0] = 0xff
		case 1:
			if i%10 == 0 {
				m.payload = []byte{}
				break
			}
			fallthrough
		default:
			m.payload = fmt.Appendf(nil, `{"seq":%d,"sensor":"s-%d","note":"ünïcode \"q\" \\ %s"}`, i, rng.IntN(9), strings.Repeat("z", rng.IntN(200)))
		}
		ms = append(ms, m)
	}
	return ms
}

// The acceptance test: messages published with irregular gaps are
// recorded (A), replayed at 1× to a second broker and recorded again (B):
// same topics, payloads, QoS and order, and the same timing within 10 ms.
func TestRecordReplayAcceptance(t *testing.T) {
	if testing.Short() {
		t.Skip("takes about 40 s")
	}
	dir := t.TempDir()
	pathA := filepath.Join(dir, "a.jsonl")
	msgs := testMessages(200, 7)

	// Record A from live publishing.
	brokerA := startBroker(t)
	wA, err := NewWriter(pathA, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	recA := record(t, brokerA.URL(), wA, 0)
	pub := connectClient(t, brokerA.URL())
	var toks []paho.Token
	for _, m := range msgs {
		time.Sleep(m.gap) // the stimulus: irregular gaps between messages
		toks = append(toks, pub.Publish(m.topic, m.qos, false, m.payload))
	}
	for i, tok := range toks {
		if !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
			t.Fatalf("publish %d: %v", i, tok.Error())
		}
	}
	checkFor(t, 10*time.Second, func() error {
		if s := recA.Stats(); s.Written != int64(len(msgs)) {
			return errorf("recorder A: %+v", s)
		}
		return nil
	})
	recA.stop(t)
	a, warns, err := ReadAll(pathA)
	if err != nil || len(warns) > 0 {
		t.Fatal(err, warns)
	}
	if len(a) != len(msgs) {
		t.Fatalf("A has %d entries, want %d", len(a), len(msgs))
	}
	for i, m := range msgs {
		if a[i].Topic != m.topic || a[i].QoS != m.qos || !bytes.Equal(a[i].Payload, m.payload) {
			t.Fatalf("A entry %d: %s %d %q, published %s %d %q", i, a[i].Topic, a[i].QoS, a[i].Payload, m.topic, m.qos, m.payload)
		}
	}

	// Replay A at 1× to broker B while recording B. Wall-clock timing on a
	// machine shared with other work (builds, tests) can be disturbed by a
	// CPU stall; a timing miss is retried (twice at most, each logged), a
	// content or order miss fails at once.
	const attempts = 3
	for attempt := 1; ; attempt++ {
		maxDev, late := replayAndCompare(t, a, pathA, filepath.Join(dir, fmt.Sprintf("b%d.jsonl.gz", attempt)))
		t.Logf("attempt %d: %d messages over %s: max timing deviation %s; %d beyond 10 ms", attempt, len(a),
			a[len(a)-1].Time.Sub(a[0].Time).Round(time.Millisecond), maxDev, len(late))
		if len(late) == 0 {
			return
		}
		if attempt == attempts {
			t.Fatalf("timing off by more than 10 ms in every attempt; last one:\n%s", strings.Join(late, "\n"))
		}
	}
}

// replayAndCompare replays recording a (from pathA) at 1× to a new broker
// while recording it to pathB, checks that the two hold the same messages in
// the same order, and returns the largest timing deviation and the entries
// more than 10 ms off.
func replayAndCompare(t *testing.T, a []Entry, pathA, pathB string) (maxDev time.Duration, late []string) {
	t.Helper()
	brokerB := startBroker(t)
	defer brokerB.Close()
	wB, err := NewWriter(pathB, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	recB := record(t, brokerB.URL(), wB, 0)
	var progress []Progress
	rp, err := NewReplayer(ReplayerOptions{Broker: brokerB.URL(), Speed: 1, Total: int64(len(a)),
		Progress: func(p Progress) { progress = append(progress, p) }})
	if err != nil {
		t.Fatal(err)
	}
	rd := NewReader([]string{pathA}, nil)
	defer rd.Close()
	final, err := rp.Run(context.Background(), rd)
	if err != nil {
		t.Fatal(err)
	}
	if final.Sent != int64(len(a)) || !final.Done || len(progress) < 10 || progress[len(progress)-1] != final {
		t.Fatalf("final progress %+v after %d reports", final, len(progress))
	}
	checkFor(t, 10*time.Second, func() error {
		if s := recB.Stats(); s.Written != int64(len(a)) {
			return errorf("recorder B: %+v", s)
		}
		return nil
	})
	recB.stop(t)
	b, warns, err := ReadAll(pathB)
	if err != nil || len(warns) > 0 {
		t.Fatal(err, warns)
	}
	if len(b) != len(a) {
		t.Fatalf("B has %d entries, A %d", len(b), len(a))
	}
	for i := range a {
		if b[i].Topic != a[i].Topic || b[i].QoS != a[i].QoS || !bytes.Equal(b[i].Payload, a[i].Payload) {
			t.Fatalf("entry %d: B %s %d %q, A %s %d %q", i, b[i].Topic, b[i].QoS, b[i].Payload, a[i].Topic, a[i].QoS, a[i].Payload)
		}
		dev := b[i].Time.Sub(b[0].Time) - a[i].Time.Sub(a[0].Time)
		dev = max(dev, -dev)
		maxDev = max(maxDev, dev)
		if dev > 10*time.Millisecond {
			late = append(late, fmt.Sprintf("entry %d: at %s in B, %s in A (%s apart)", i, b[i].Time.Sub(b[0].Time), a[i].Time.Sub(a[0].Time), dev))
		}
	}
	return maxDev, late
}

// stalledWriter blocks every Write until released.
type stalledWriter struct {
	release chan struct{}
	mu      sync.Mutex
	got     []Entry
}

func (w *stalledWriter) Write(e *Entry) error {
	<-w.release
	w.mu.Lock()
	w.got = append(w.got, *e)
	w.mu.Unlock()
	return nil
}

func (w *stalledWriter) Close() error { return nil }

// A full queue drops messages without blocking the MQTT client, and counts them.
func TestRecorderCountsDrops(t *testing.T) {
	b := startBroker(t)
	out := &stalledWriter{release: make(chan struct{})}
	rec := record(t, b.URL(), out, 4)
	pub := connectClient(t, b.URL())
	const n = 50
	for i := range n {
		if tok := pub.Publish("vigia/obs/radar/r1", 1, false, fmt.Sprint(i)); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
			t.Fatal(tok.Error())
		}
	}
	checkFor(t, 10*time.Second, func() error {
		if s := rec.Stats(); s.Received != n {
			return errorf("%+v", s)
		}
		return nil
	})
	close(out.release)
	rec.stop(t)
	s := rec.Stats()
	// The writer holds one message, the queue four: the rest were dropped.
	if s.Received != n || s.Written+s.Dropped != n || s.Dropped < n-5 || s.Dropped > n-4 {
		t.Fatalf("%+v", s)
	}
	// What was written is in the order received, starting with the first:
	// whether the writer took message 0 off the queue before 1–4 came or
	// after decides which later ones found room, not the order.
	last := -1
	for i, e := range out.got {
		var k int
		if _, err := fmt.Sscan(string(e.Payload), &k); err != nil || k <= last || i == 0 && k != 0 {
			t.Fatalf("written %d: %q after %d", i, e.Payload, last)
		}
		last = k
	}
}

// sleepClock is a fake Clock: Sleep advances it at once and is logged.
type sleepClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func (c *sleepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *sleepClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.sleeps = append(c.sleeps, d)
	return ctx.Err()
}

func writeRecording(t *testing.T, path string, es []Entry) {
	t.Helper()
	w, err := NewWriter(path, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, w, es)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// At speed X the Replayer waits the time between entries divided by X, on
// the clock it is given; at speed 0 it does not wait, and a small window
// of unacknowledged publishes keeps the order.
func TestReplayerPacingAndOrder(t *testing.T) {
	dir := t.TempDir()
	es := sampleEntries() // at 0, 0.25, 0.5, 1.123456789, 2 s
	es = append(es, Entry{Time: t0.Add(1500 * time.Millisecond), Topic: "vigia/obs/late", Payload: []byte("out of order")})
	path1, path2 := filepath.Join(dir, "1.jsonl"), filepath.Join(dir, "2.jsonl.gz")
	writeRecording(t, path1, es[:3])
	writeRecording(t, path2, es[3:])

	for _, tc := range []struct {
		speed  float64
		sleeps []time.Duration
	}{
		{2, []time.Duration{125 * time.Millisecond, 125 * time.Millisecond, 311728394, 438271606}},
		{0, nil},
	} {
		t.Run(fmt.Sprint("speed ", tc.speed), func(t *testing.T) {
			b := startBroker(t)
			out := &stalledWriter{release: make(chan struct{})}
			close(out.release)
			rec := record(t, b.URL(), out, 0)
			clk := &sleepClock{now: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
			rp, err := NewReplayer(ReplayerOptions{Broker: b.URL(), Speed: tc.speed, Clock: clk, Window: 1})
			if err != nil {
				t.Fatal(err)
			}
			p, err := rp.Run(context.Background(), NewReader([]string{path1, path2}, nil))
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(clk.sleeps) != fmt.Sprint(tc.sleeps) {
				t.Fatalf("slept %v, want %v", clk.sleeps, tc.sleeps)
			}
			if p.Sent != int64(len(es)) || p.Scene != es[len(es)-1].Time || p.Elapsed != time.Second && tc.speed == 2 {
				t.Fatalf("progress %+v", p)
			}
			checkFor(t, 10*time.Second, func() error {
				if s := rec.Stats(); s.Written != int64(len(es)) {
					return errorf("%+v", s)
				}
				return nil
			})
			rec.stop(t)
			for i, e := range out.got {
				if e.Topic != es[i].Topic || e.QoS != min(es[i].QoS, 1) || !bytes.Equal(e.Payload, es[i].Payload) {
					t.Fatalf("received %d: %s %d %q, want %s %d %q", i, e.Topic, e.QoS, e.Payload, es[i].Topic, es[i].QoS, es[i].Payload)
				}
			}
		})
	}
}

func TestReplayerStopsOnCancel(t *testing.T) {
	b := startBroker(t)
	path := filepath.Join(t.TempDir(), "r.jsonl")
	writeRecording(t, path, []Entry{{Time: t0, Topic: "a"}, {Time: t0.Add(time.Hour), Topic: "b"}})
	rp, err := NewReplayer(ReplayerOptions{Broker: b.URL(), Speed: 1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	p, err := rp.Run(ctx, NewReader([]string{path}, nil))
	if !errors.Is(err, context.DeadlineExceeded) || p.Sent != 1 {
		t.Fatalf("%+v, %v", p, err)
	}
}

func TestProgressPrinter(t *testing.T) {
	var buf bytes.Buffer
	pp := &ProgressPrinter{W: &buf}
	p := Progress{Total: 100, SceneStart: t0}
	for i := range 26 {
		p.Sent, p.Elapsed, p.Scene = int64(4*i), time.Duration(i)*time.Second, t0.Add(time.Duration(i)*time.Second)
		pp.Update(p)
	}
	p.Done = true
	pp.Update(p)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	want := []string{
		"replay: 0/100 sent (0.0%), scene 2026-11-28 06:00:00Z, 0.0 msg/s",
		"replay: 40/100 sent (40.0%), scene 2026-11-28 06:00:10Z, 4.0 msg/s, ETA 15s",
		"replay: 80/100 sent (80.0%), scene 2026-11-28 06:00:20Z, 4.0 msg/s, ETA 5s",
		"replay: 100 messages sent in 25s (4.0 msg/s); scene 2026-11-28T06:00:00Z – 2026-11-28T06:00:25Z (25s)",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got:\n%s\nwant:\n%s", buf.String(), strings.Join(want, "\n"))
	}

	buf.Reset()
	pp = &ProgressPrinter{W: &buf, Terminal: true}
	pp.Update(Progress{Sent: 10, Elapsed: time.Second, Scene: t0})
	pp.Update(Progress{Sent: 20, Elapsed: 2 * time.Second, Scene: t0, Done: true, SceneStart: t0})
	if s := buf.String(); !strings.HasPrefix(s, "\rreplay: 10 sent, scene 2026-11-28 06:00:00Z, 10.0 msg/s\r") || strings.Count(s, "\n") != 1 ||
		!strings.HasSuffix(s, "replay: 20 messages sent in 2s (10.0 msg/s); scene 2026-11-28T06:00:00Z – 2026-11-28T06:00:00Z (0s)\n") {
		t.Fatalf("%q", s)
	}
}

// A Recorder that never reached its broker still stops on cancel and
// closes its output.
func TestRecorderStopsWithoutBroker(t *testing.T) {
	b := startBroker(t)
	url := b.URL()
	b.Close() // nothing listens there any more
	path := filepath.Join(t.TempDir(), "none.jsonl.gz")
	w, err := NewWriter(path, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	var logMu sync.Mutex
	rec, err := NewRecorder(RecorderOptions{Broker: url, Topics: []string{"vigia/obs/#"}, Out: w,
		Logger: slogTo(lockedWriter{&logMu, &logged})})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := rec.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("stopped after %s", d)
	}
	if err := w.Write(&Entry{Time: t0, Topic: "x"}); !errors.Is(err, ErrClosed) {
		t.Fatalf("writer not closed: %v", err)
	}
	if es, warns, err := ReadAll(path); len(es) != 0 || len(warns) != 0 || err != nil {
		t.Fatalf("%v %v %v", es, warns, err)
	}
	logMu.Lock()
	defer logMu.Unlock()
	if !strings.Contains(logged.String(), "cannot reach the broker yet") {
		t.Fatalf("log: %s", logged.String())
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}
