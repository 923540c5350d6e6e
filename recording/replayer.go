package recording

// The Replayer republishes a recording. Entry i is published when the
// clock reaches start + (time_i − time_0)/Speed — an absolute schedule, so
// sleeping late once does not delay the rest. Publishes are pipelined on one
// connection (which keeps their order) with at most Window of them
// unacknowledged.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// Clock is the time source of a Replayer; tests inject a fake one.
type Clock interface {
	Now() time.Time
	// Sleep waits for d, or until ctx ends (then it returns ctx.Err()).
	Sleep(ctx context.Context, d time.Duration) error
}

// RealClock is the wall clock.
type RealClock struct{}

// Now returns time.Now().
func (RealClock) Now() time.Time { return time.Now() }

// Sleep waits for d or until ctx ends.
func (RealClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ReplayerOptions configures a Replayer.
type ReplayerOptions struct {
	// Broker is the MQTT broker's URL.
	Broker string
	// ClientID is the MQTT client id; empty picks a random one.
	ClientID string
	// Username and Password authenticate to the broker.
	Username, Password string
	// Speed divides the time between entries: 1 replays in real time, 10
	// ten times faster; 0 publishes as fast as the broker acknowledges.
	Speed float64
	// Window bounds the publishes not yet acknowledged (default 1000).
	Window int
	// Clock paces the replay; nil is RealClock.
	Clock Clock
	// Total is the number of entries expected, for progress; ≤ 0: unknown.
	Total int64
	// Progress, when set, is called every ProgressInterval of clock time
	// and once at the end (Done set).
	Progress func(Progress)
	// ProgressInterval defaults to 250 ms.
	ProgressInterval time.Duration
	// AckTimeout bounds the wait for one acknowledgement (default 30 s).
	AckTimeout time.Duration
}

// Progress is how far a replay has come.
type Progress struct {
	Sent       int64         // entries published
	Total      int64         // entries expected; ≤ 0: unknown
	SceneStart time.Time     // time of the first entry
	Scene      time.Time     // time of the last entry published
	Elapsed    time.Duration // clock time since the first entry was published
	Done       bool          // the replay is over (every publish acknowledged)
}

// Rate is the mean number of messages published per second.
func (p Progress) Rate() float64 {
	if p.Elapsed <= 0 {
		return 0
	}
	return float64(p.Sent) / p.Elapsed.Seconds()
}

// ETA estimates the time left from the rate so far; ok is false when the
// total is unknown.
func (p Progress) ETA() (d time.Duration, ok bool) {
	r := p.Rate()
	if p.Total <= 0 || r <= 0 {
		return 0, false
	}
	left := max(p.Total-p.Sent, 0)
	return time.Duration(float64(left) / r * float64(time.Second)), true
}

// Replayer republishes recorded entries to a broker, keeping topic, QoS,
// payload and order.
type Replayer struct {
	opts ReplayerOptions
}

// NewReplayer checks opts and returns a Replayer.
func NewReplayer(opts ReplayerOptions) (*Replayer, error) {
	if opts.Broker == "" {
		return nil, errors.New("recording: no broker URL")
	}
	if !(opts.Speed >= 0) {
		return nil, fmt.Errorf("recording: speed %v: must be ≥ 0", opts.Speed)
	}
	if opts.Window <= 0 {
		opts.Window = 1000
	}
	if opts.Clock == nil {
		opts.Clock = RealClock{}
	}
	if opts.ProgressInterval <= 0 {
		opts.ProgressInterval = 250 * time.Millisecond
	}
	if opts.AckTimeout <= 0 {
		opts.AckTimeout = 30 * time.Second
	}
	return &Replayer{opts: opts}, nil
}

// pending is a publish awaiting its acknowledgement.
type pending struct {
	tok   paho.Token
	file  string
	line  int
	topic string
}

// Run connects, publishes every entry of rd and waits for the last
// acknowledgement. It returns the final progress; on error, how far it got.
func (r *Replayer) Run(ctx context.Context, rd *Reader) (Progress, error) {
	o := r.opts
	id := o.ClientID
	if id == "" {
		var b [6]byte
		_, _ = rand.Read(b[:])
		id = "vigia-replay-" + hex.EncodeToString(b[:])
	}
	po := paho.NewClientOptions().AddBroker(o.Broker).SetClientID(id).SetOrderMatters(true).
		SetAutoReconnect(true).SetConnectTimeout(10 * time.Second).
		SetUsername(o.Username).SetPassword(o.Password)
	client := paho.NewClient(po)
	tok := client.Connect()
	if err := waitToken(ctx, tok, 15*time.Second); err != nil {
		return Progress{Total: o.Total}, fmt.Errorf("recording: connect to %s: %w", o.Broker, err)
	}
	defer client.Disconnect(250)

	p := Progress{Total: o.Total}
	var wallStart, nextReport time.Time
	var window []pending
	ack := func(pd pending) error {
		if err := waitToken(ctx, pd.tok, o.AckTimeout); err != nil {
			return fmt.Errorf("recording: publish %s:%d on %s: %w", pd.file, pd.line, pd.topic, err)
		}
		return nil
	}
	for {
		e, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return p, err
		}
		file, line := rd.Position()
		if p.Sent == 0 {
			p.SceneStart, wallStart = e.Time, o.Clock.Now()
			nextReport = wallStart.Add(o.ProgressInterval)
		} else if o.Speed > 0 {
			due := wallStart.Add(time.Duration(float64(e.Time.Sub(p.SceneStart)) / o.Speed))
			if d := due.Sub(o.Clock.Now()); d > 0 {
				if err := o.Clock.Sleep(ctx, d); err != nil {
					return p, err
				}
			}
		}
		for len(window) >= o.Window {
			if err := ack(window[0]); err != nil {
				return p, err
			}
			window = window[1:]
		}
		if err := ctx.Err(); err != nil {
			return p, err
		}
		window = append(window, pending{client.Publish(e.Topic, e.QoS, false, e.Payload), file, line, e.Topic})
		p.Sent++
		p.Scene = e.Time
		if now := o.Clock.Now(); o.Progress != nil && !now.Before(nextReport) {
			p.Elapsed = now.Sub(wallStart)
			o.Progress(p)
			nextReport = now.Add(o.ProgressInterval)
		}
		// Drop what is already acknowledged from the front of the window.
		for len(window) > 0 && isDone(window[0].tok) {
			if err := ack(window[0]); err != nil {
				return p, err
			}
			window = window[1:]
		}
	}
	for _, pd := range window {
		if err := ack(pd); err != nil {
			return p, err
		}
	}
	if p.Sent > 0 {
		p.Elapsed = o.Clock.Now().Sub(wallStart)
	}
	p.Done = true
	if o.Progress != nil {
		o.Progress(p)
	}
	return p, nil
}

func isDone(t paho.Token) bool {
	select {
	case <-t.Done():
		return true
	default:
		return false
	}
}

// waitToken waits for a paho token, ctx, or the timeout.
func waitToken(ctx context.Context, tok paho.Token, timeout time.Duration) error {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-tok.Done():
		return tok.Error()
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return fmt.Errorf("no acknowledgement after %s", timeout)
	}
}
