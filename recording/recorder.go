package recording

// The Recorder subscribes to topic filters and records what arrives. Data
// moves: paho's message handler stamps the receive time and offers the
// entry to a bounded queue without blocking (a full queue drops the entry
// and counts it) → one writer goroutine → the EntryWriter.

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// EntryWriter is where a Recorder writes; *Writer is one.
type EntryWriter interface {
	Write(e *Entry) error
	Close() error
}

// RecorderOptions configures a Recorder.
type RecorderOptions struct {
	// Broker is the MQTT broker's URL (tcp://host:1883).
	Broker string
	// Topics are the topic filters to subscribe to, each at QoS 1.
	Topics []string
	// ClientID is a fixed MQTT client id, which also keeps the broker
	// session across reconnects (QoS 1 messages sent meanwhile are not
	// lost); empty picks a random id with a clean session.
	ClientID string
	// Username and Password authenticate to the broker.
	Username, Password string
	// Out receives the entries; Run closes it.
	Out EntryWriter
	// QueueSize bounds the entries received but not yet written (default 65536).
	QueueSize int
	// Now stamps receive times; nil is time.Now.
	Now func() time.Time
	// Logger receives connection and write problems; nil discards them.
	Logger *slog.Logger
}

// RecorderStats counts a Recorder's messages.
type RecorderStats struct {
	Received int64 // messages delivered by the broker
	Written  int64 // entries written
	Dropped  int64 // messages lost because the queue was full or recording was stopping
}

// Recorder records the messages of an MQTT broker.
type Recorder struct {
	opts  RecorderOptions
	log   *slog.Logger
	queue chan Entry
	ready chan struct{}

	mu      sync.RWMutex // held for writing to stop the queue: no handler is mid-offer then
	stopped bool

	readyOnce                  sync.Once
	received, written, dropped atomic.Int64
}

// NewRecorder checks opts and returns a Recorder; Run starts it.
func NewRecorder(opts RecorderOptions) (*Recorder, error) {
	if opts.Broker == "" {
		return nil, errors.New("recording: no broker URL")
	}
	if len(opts.Topics) == 0 {
		return nil, errors.New("recording: no topic filter")
	}
	if opts.Out == nil {
		return nil, errors.New("recording: no output")
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = 65536
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Recorder{opts: opts, log: log, queue: make(chan Entry, opts.QueueSize), ready: make(chan struct{})}, nil
}

// Ready is closed once the Recorder has subscribed to its topic filters.
func (r *Recorder) Ready() <-chan struct{} { return r.ready }

// Stats returns the counts so far.
func (r *Recorder) Stats() RecorderStats {
	return RecorderStats{Received: r.received.Load(), Written: r.written.Load(), Dropped: r.dropped.Load()}
}

// handle runs on paho's goroutine: stamp, offer, never block.
func (r *Recorder) handle(_ paho.Client, m paho.Message) {
	e := Entry{Time: r.opts.Now().UTC(), Topic: m.Topic(), QoS: m.Qos(), Payload: m.Payload()}
	r.received.Add(1)
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.stopped {
		r.dropped.Add(1)
		return
	}
	select {
	case r.queue <- e:
	default:
		r.dropped.Add(1)
	}
}

// Run connects (retrying until it succeeds), subscribes, and records until
// ctx ends or writing fails; then it disconnects, writes what is queued and
// closes Out.
func (r *Recorder) Run(ctx context.Context) error {
	id := r.opts.ClientID
	if id == "" {
		var b [6]byte
		_, _ = rand.Read(b[:])
		id = "vigia-record-" + hex.EncodeToString(b[:])
	}
	filters := make(map[string]byte, len(r.opts.Topics))
	for _, t := range r.opts.Topics {
		filters[t] = 1
	}
	o := paho.NewClientOptions().AddBroker(r.opts.Broker).SetClientID(id).
		SetCleanSession(r.opts.ClientID == "").SetOrderMatters(true).
		SetAutoReconnect(true).SetConnectRetry(true).SetConnectRetryInterval(2 * time.Second).
		SetConnectTimeout(10 * time.Second).SetUsername(r.opts.Username).SetPassword(r.opts.Password)
	o.SetOnConnectHandler(func(c paho.Client) {
		// paho calls this on its own goroutine: waiting for the SUBACK is fine.
		tok := c.SubscribeMultiple(filters, r.handle)
		if !tok.WaitTimeout(30*time.Second) || tok.Error() != nil {
			r.log.Error("recording: subscribe failed", "broker", r.opts.Broker, "err", tok.Error())
			return
		}
		for f, code := range tok.(*paho.SubscribeToken).Result() {
			if code > 2 {
				r.log.Error("recording: broker refused subscription", "filter", f, "code", code)
			}
		}
		r.log.Info("recording: subscribed", "broker", r.opts.Broker, "topics", r.opts.Topics)
		r.readyOnce.Do(func() { close(r.ready) })
	})
	var attempts atomic.Int64
	o.SetConnectionAttemptHandler(func(_ *url.URL, cfg *tls.Config) *tls.Config {
		if n := attempts.Add(1); n == 2 || n%15 == 0 {
			r.log.Warn("recording: cannot reach the broker yet; retrying", "broker", r.opts.Broker, "attempt", n)
		}
		return cfg
	})
	o.SetConnectionLostHandler(func(_ paho.Client, err error) {
		r.log.Warn("recording: connection lost", "broker", r.opts.Broker, "err", err)
	})
	o.SetReconnectingHandler(func(_ paho.Client, _ *paho.ClientOptions) {
		r.log.Warn("recording: reconnecting", "broker", r.opts.Broker)
	})
	client := paho.NewClient(o)
	client.Connect() // with ConnectRetry it completes once connected; OnConnect subscribes

	writeErr := make(chan error, 1)
	stopWriting := make(chan struct{})
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		writeErr <- r.write(stopWriting)
	}()

	var err error
	select {
	case <-ctx.Done():
	case err = <-writeErr:
	}
	client.Disconnect(250)
	r.mu.Lock()
	r.stopped = true
	r.mu.Unlock()
	close(stopWriting)
	<-writerDone
	r.dropped.Add(int64(len(r.queue))) // left over only when writing failed
	if err == nil {
		err = <-writeErr
	}
	if cerr := r.opts.Out.Close(); err == nil {
		err = cerr
	}
	return err
}

// write takes entries off the queue until stop, then writes what is left.
func (r *Recorder) write(stop <-chan struct{}) error {
	for {
		select {
		case e := <-r.queue:
			if err := r.writeOne(&e); err != nil {
				return err
			}
		case <-stop:
			for {
				select {
				case e := <-r.queue:
					if err := r.writeOne(&e); err != nil {
						return err
					}
				default:
					return nil
				}
			}
		}
	}
}

func (r *Recorder) writeOne(e *Entry) error {
	if err := r.opts.Out.Write(e); err != nil {
		return fmt.Errorf("recording: %w", err)
	}
	r.written.Add(1)
	return nil
}
