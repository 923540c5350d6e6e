// Package daemon wires one Vigia instance: the MQTT connection (paho), the
// embedded broker when no external one is named, the engine goroutine that
// decodes, time-orders and fuses reports and evaluates the rules, the alert
// publisher, and the HTTP endpoint for /metrics and /healthz.
//
// Goroutines and the data between them:
//
//	paho handler ──(bounded queue, drops counted)──► engine loop ──(alerts)──► publisher ──► broker
//	                                                 │ decode, check, reorder, fuse, rules
//	                                                 └──► picture (vigia/tracks, QoS 0)
//
// Run returns when its context ends, after the queue is drained, the reorder
// window flushed, the last rules evaluated, every pending alert published (or
// the flush deadline passed) and the status set offline. Every goroutine it
// starts has ended by then.
package daemon

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/vigia-project/vigia/alert"
	"github.com/vigia-project/vigia/broker"
	"github.com/vigia-project/vigia/config"
	"github.com/vigia-project/vigia/fusion"
	"github.com/vigia-project/vigia/geo"
	"github.com/vigia-project/vigia/journal"
	"github.com/vigia-project/vigia/sensors"
	"github.com/vigia-project/vigia/sign"
	"github.com/vigia-project/vigia/web"

	"golang.org/x/time/rate"
)

// Clock tells the daemon the time. Live daemons use the wall clock; the demo
// runs its scene faster; a replay may drive it virtually.
type Clock interface {
	Now() time.Time
}

// WallClock is the real time.
type WallClock struct{}

// Now returns time.Now().
func (WallClock) Now() time.Time { return time.Now() }

// ScaledClock runs Speed times faster than the wall clock from Start.
type ScaledClock struct {
	Start     time.Time // clock time at WallStart
	WallStart time.Time
	Speed     float64
}

// Now returns Start plus the wall time elapsed since WallStart times Speed.
func (c *ScaledClock) Now() time.Time {
	return c.Start.Add(time.Duration(float64(time.Since(c.WallStart)) * c.Speed))
}

// Options are the daemon's collaborators; every field is optional.
type Options struct {
	Logger *slog.Logger
	Clock  Clock
	// FlushTimeout bounds how long shutdown waits for pending alerts to be acknowledged.
	FlushTimeout time.Duration
	// SigningKey signs alerts; nil loads (or creates) the configured key file.
	SigningKey ed25519.PrivateKey
	// NoState keeps nothing on disk: no alert journal, a clean MQTT session
	// (the offline Replay).
	NoState bool
}

// Daemon is one Vigia instance.
type Daemon struct {
	cfg     *config.Config
	log     *slog.Logger
	clock   Clock
	opts    Options
	metrics *metrics

	engine  *fusion.Engine
	manager *alert.Manager
	topics  map[string]string        // observation topic → sensor id
	limits  map[string]*rate.Limiter // by sensor: a flooding gateway is throttled before the queue
	// decoders and sensorCfg are by sensor id.
	decoders  map[string]sensors.Decoder
	sensorCfg map[string]*config.Sensor

	queue    chan inbound
	alerts   chan outMsg
	sink     func(outMsg) // offline (Replay): rendered alerts go here instead of to alerts
	pictures chan []byte  // the latest picture for vigia/tracks (one slot)
	api      *api         // the HTTP API's snapshots and streams; nil without http.listen
	// stateDir holds the journal and the MQTT session store ("" offline).
	stateDir  string
	journal   *journal.Journal
	recovered []outMsg // journaled by an earlier run, not acknowledged: published first
	restored  bool     // the picture was restored from the state directory
	closing   atomic.Bool
	// The periodic picture save writes on a goroutine of its own: saveMu
	// orders the writes, saveBusy skips a save while one is in flight,
	// saveWG lets shutdown wait for it.
	saveMu   sync.Mutex
	saveBusy atomic.Bool
	saveWG   sync.WaitGroup
	saveSeq  uint64 // the last snapshot taken (engine goroutine)
	savedSeq uint64 // the last snapshot written (under saveMu)

	brk       *broker.Broker
	brokerURL string
	client    paho.Client
	ready     chan struct{}
	readyOnce sync.Once
	httpLn    net.Listener

	stats stats

	dropMu         sync.Mutex
	dropLogged     map[dropKey]time.Time
	dropSuppressed map[dropKey]int
}

// stats are figures for tests and the demo's closing summary.
type stats struct {
	reports, dropped, alerts atomic.Int64
}

// inbound is one message from the broker.
type inbound struct {
	topic    string
	payload  []byte
	received time.Time
}

// New validates what it is given and builds a daemon; it starts nothing.
func New(cfg *config.Config, opts Options) (*Daemon, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = WallClock{}
	}
	if opts.FlushTimeout <= 0 {
		opts.FlushTimeout = 10 * time.Second
	}
	d := &Daemon{cfg: cfg, log: opts.Logger, clock: opts.Clock, opts: opts, metrics: newMetrics(),
		topics: map[string]string{}, queue: make(chan inbound, cfg.Ingest.QueueSize),
		alerts: make(chan outMsg, 4096), ready: make(chan struct{}),
		dropLogged: map[dropKey]time.Time{}, dropSuppressed: map[dropKey]int{}}

	var zones *geo.Zones
	var err error
	if cfg.Zones.File != "" {
		zones, err = geo.LoadZones(cfg.Zones.File)
	} else {
		zones, err = geo.DefaultZones()
	}
	if err != nil {
		return nil, fmt.Errorf("zones: %w", err)
	}
	o := cfg.Region.Origin
	frame := geo.NewFrame(geo.LLA{Lat: o.Lat, Lon: o.Lon, Alt: o.Alt})
	d.engine, err = fusion.New(frame, EngineParams(cfg), engineSensors(cfg))
	if err != nil {
		return nil, err
	}
	ap := alertParams(cfg)
	key := opts.SigningKey
	if key == nil {
		path, err := cfg.KeyPath()
		if err != nil {
			return nil, err
		}
		var created bool
		if key, created, err = sign.LoadOrCreateKey(path); err != nil {
			return nil, err
		}
		d.log.Info("alert signing key", "file", path, "public", path+".pub", "created", created,
			"key_id", sign.KeyID(key.Public().(ed25519.PublicKey)))
	}
	ap.Sign = func(b []byte) ([]byte, error) { return sign.Sign(key, b) }
	if !opts.NoState {
		if d.stateDir, err = cfg.StatePath(); err != nil {
			return nil, err
		}
		if d.journal, err = journal.Open(filepath.Join(d.stateDir, "journal.db")); err != nil {
			return nil, err
		}
		pending, err := d.journal.Pending()
		if err != nil {
			d.journal.Close()
			return nil, err
		}
		for _, r := range pending {
			d.recovered = append(d.recovered, outMsg{topic: r.Topic, agency: r.Agency, payload: r.Payload, seq: r.Seq,
				alert: &alert.Alert{ID: r.ID, Rev: r.Rev, Rule: r.Rule, State: r.State}})
		}
		if len(pending) > 0 {
			d.log.Warn("alerts journaled but never acknowledged by the broker: publishing them again", "count", len(pending),
				"journal", filepath.Join(d.stateDir, "journal.db"))
		}
		d.metrics.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "vigia_journal_pending",
			Help: "Alert messages journaled and not yet acknowledged by the broker."}, func() float64 { return float64(d.journal.Len()) }))
	}
	d.manager = alert.NewManager(ap, zones, geo.DefaultPlaces(), d.log)
	if d.stateDir != "" {
		if err := d.restoreState(); err != nil {
			d.log.Error("saved picture not restored; starting afresh", "err", err)
		}
	}
	d.decoders, d.sensorCfg = map[string]sensors.Decoder{}, map[string]*config.Sensor{}
	d.limits = map[string]*rate.Limiter{}
	for i := range cfg.Sensors {
		s := &cfg.Sensors[i]
		d.topics[s.Topic] = s.ID
		r := cfg.Ingest.SensorRate
		if s.MaxRate > 0 {
			r = s.MaxRate
		}
		d.limits[s.ID] = rate.NewLimiter(rate.Limit(r), cfg.Ingest.SensorBurst)
		d.sensorCfg[s.ID] = s
		if d.decoders[s.ID], err = newDecoder(s, cfg.Ingest); err != nil {
			return nil, fmt.Errorf("sensor %q: %w", s.ID, err)
		}
	}
	if cfg.HTTP.Listen != "" {
		d.api = newAPI(d)
		if d.httpLn, err = net.Listen("tcp", cfg.HTTP.Listen); err != nil {
			return nil, fmt.Errorf("http: listen on %s: %w", cfg.HTTP.Listen, err)
		}
	}
	if cfg.Broker.URL == "" {
		d.brk, err = broker.Start(embeddedBrokerOptions(cfg, errorsOnly(d.log.With("component", "broker"))))
		if err != nil {
			d.closeListeners()
			return nil, err
		}
		d.brokerURL = d.brk.URL()
		d.metrics.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "vigia_broker_dropped_total",
			Help: "Messages the embedded broker dropped because a client's queue or inflight window was full."},
			func() float64 { a, b := d.brk.Dropped(); return float64(a + b) }))
	} else {
		d.brokerURL = cfg.Broker.URL
	}
	d.metrics.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "vigia_ingest_queue_depth",
		Help: "Messages waiting between the MQTT client and the engine."}, func() float64 { return float64(len(d.queue)) }))
	return d, nil
}

func (d *Daemon) closeListeners() {
	if d.httpLn != nil {
		d.httpLn.Close()
	}
}

// BrokerURL is the URL of the broker the daemon uses (the embedded one's when it runs one).
func (d *Daemon) BrokerURL() string { return d.brokerURL }

// HTTPAddr is the address of the HTTP endpoint, "" when it is off.
func (d *Daemon) HTTPAddr() string {
	if d.httpLn == nil {
		return ""
	}
	return d.httpLn.Addr().String()
}

// Ready is closed once the daemon has connected and subscribed to every sensor topic.
func (d *Daemon) Ready() <-chan struct{} { return d.ready }

// Registry returns the daemon's Prometheus registry.
func (d *Daemon) Registry() *prometheus.Registry { return d.metrics.reg }

// Counts returns reports accepted, reports dropped and alert revisions delivered so far.
func (d *Daemon) Counts() (reports, dropped, alerts int64) {
	return d.stats.reports.Load(), d.stats.dropped.Load(), d.stats.alerts.Load()
}

// Run runs the daemon until ctx ends, then shuts down gracefully.
func (d *Daemon) Run(ctx context.Context) error {
	defer func() {
		if d.brk != nil {
			// Let local subscribers take the last alerts and the offline status first.
			if !d.brk.Drain(5 * time.Second) {
				d.log.Warn("embedded broker closed with messages still unacknowledged by subscribers")
			}
			d.brk.Close()
		}
	}()
	d.client = paho.NewClient(d.clientOptions())
	d.client.Connect() // with ConnectRetry it keeps trying in the background; OnConnect subscribes

	var wg sync.WaitGroup
	var srv *http.Server
	if d.httpLn != nil {
		srv = d.httpServer()
		wg.Go(func() {
			if err := srv.Serve(d.httpLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
				d.log.Error("http server stopped", "err", err)
			}
		})
	}
	pubDone := make(chan struct{})
	go func() { d.publishLoop(); close(pubDone) }()
	d.pictures = make(chan []byte, 1)
	picDone := make(chan struct{})
	go func() { d.picturePublisher(); close(picDone) }()
	d.engineLoop(ctx) // returns after draining, having closed d.alerts
	close(d.pictures)
	select {
	case <-picDone:
	case <-time.After(2 * time.Second):
		d.log.Warn("the picture publisher is stuck in the MQTT client; not waiting for it")
	}
	select {
	case <-pubDone:
	case <-time.After(d.opts.FlushTimeout + time.Second):
		d.log.Error("alert publisher did not finish within the flush timeout")
		<-pubDone
	}

	if d.client.IsConnectionOpen() {
		t := d.client.Publish(d.statusTopic(), 1, true, "offline")
		t.WaitTimeout(2 * time.Second)
	}
	d.client.Disconnect(250)
	d.metrics.connected.Set(0)
	if srv != nil {
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		srv.Shutdown(sctx)
		cancel()
	}
	wg.Wait()
	pending := 0
	if d.journal != nil {
		pending = d.journal.Len()
		if err := d.journal.Close(); err != nil {
			d.log.Error("journal not closed cleanly", "err", err)
		}
	}
	r, dr, a := d.Counts()
	d.log.Info("stopped", "reports", r, "dropped", dr, "alert_revisions", a, "journal_pending", pending)
	return nil
}

func (d *Daemon) statusTopic() string { return d.cfg.TopicPrefix + "status/" + d.cfg.Instance }

// clientOptions sets up paho as the brief's known traps require: ConnectRetry,
// subscriptions made in OnConnect (so a broker restart does not leave the
// daemon deaf), OrderMatters with a non-blocking handler, a retained status
// with a last will.
func (d *Daemon) clientOptions() *paho.ClientOptions {
	b := d.cfg.Broker
	o := paho.NewClientOptions().AddBroker(d.brokerURL).SetClientID(b.ClientID).
		SetUsername(b.Username).SetPassword(b.Password).
		SetKeepAlive(b.KeepAlive).SetConnectTimeout(b.ConnectTimeout).
		SetConnectRetry(true).SetConnectRetryInterval(time.Second).
		SetAutoReconnect(true).SetMaxReconnectInterval(10*time.Second).
		SetOrderMatters(true).SetCleanSession(d.stateDir == "").
		SetWill(d.statusTopic(), "offline", 1, true).SetTLSConfig(d.clientTLS())
	if d.stateDir != "" {
		// A persistent session: the broker keeps the subscriptions and queues
		// QoS 1 reports while the daemon is down; unacknowledged outgoing
		// messages survive a restart in the file store. Messages of the
		// session may arrive before OnConnect subscribes again: the default
		// handler takes them.
		o.SetStore(paho.NewFileStore(filepath.Join(d.stateDir, "mqtt")))
		o.SetDefaultPublishHandler(d.onMessage)
	}
	o.SetOnConnectHandler(d.onConnect)
	o.SetConnectionLostHandler(func(_ paho.Client, err error) {
		d.metrics.connected.Set(0)
		d.log.Warn("broker connection lost; reconnecting", "broker", d.brokerURL, "err", err)
	})
	return o
}

// onConnect runs on every (re)connection: subscribe to each sensor topic and
// announce the instance online.
func (d *Daemon) onConnect(c paho.Client) {
	d.metrics.connected.Set(1)
	d.log.Info("connected to broker", "broker", d.brokerURL)
	for _, s := range d.cfg.Sensors {
		for attempt := 1; ; attempt++ {
			tok := c.Subscribe(s.Topic, 1, d.onMessage)
			if tok.WaitTimeout(10*time.Second) && tok.Error() == nil {
				break
			}
			d.log.Error("subscribe failed", "topic", s.Topic, "sensor", s.ID, "attempt", attempt, "err", tok.Error())
			if attempt == 5 || !c.IsConnectionOpen() {
				return // the next (re)connection subscribes again
			}
			time.Sleep(time.Second)
		}
	}
	for _, f := range []string{d.assetsFilter(), d.acksFilter()} {
		if tok := c.Subscribe(f, 1, d.onMessage); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
			d.log.Error("subscribe failed", "topic", f, "err", tok.Error())
			return // the next (re)connection subscribes again
		}
	}
	c.Publish(d.statusTopic(), 1, true, "online")
	d.readyOnce.Do(func() { close(d.ready) })
}

// onMessage hands a message to the engine without ever blocking paho.
func (d *Daemon) onMessage(_ paho.Client, m paho.Message) {
	in := inbound{topic: m.Topic(), payload: m.Payload(), received: d.clock.Now()}
	if d.closing.Load() {
		d.drop(d.topics[in.topic], "shutting_down", nil)
		return
	}
	if sensor, ok := d.topics[in.topic]; ok && !d.limits[sensor].Allow() {
		// Wall-clock rate, whatever the daemon's clock: it protects the process.
		d.drop(sensor, "rate_limited", nil)
		return
	}
	select {
	case d.queue <- in:
	default:
		d.drop(d.topics[in.topic], "queue_full", nil)
	}
}

func (d *Daemon) httpServer() *http.Server {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(d.metrics.reg, promhttp.HandlerOpts{}))
	if d.api != nil {
		d.api.routes(mux)
		mux.Handle("/", web.Handler())
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		select {
		case <-d.ready:
			if d.client != nil && d.client.IsConnectionOpen() {
				w.Write([]byte("ready\n"))
				return
			}
		default:
		}
		http.Error(w, "not connected to the broker", http.StatusServiceUnavailable)
	})
	return &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
}

// errorsOnly passes on only error records: the embedded broker warns about
// every client that goes away, which is routine here.
func errorsOnly(l *slog.Logger) *slog.Logger {
	return slog.New(levelFilter{l.Handler(), slog.LevelError})
}

type levelFilter struct {
	slog.Handler
	min slog.Level
}

func (f levelFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= f.min && f.Handler.Enabled(ctx, l)
}

func (f levelFilter) WithAttrs(a []slog.Attr) slog.Handler {
	return levelFilter{f.Handler.WithAttrs(a), f.min}
}
func (f levelFilter) WithGroup(n string) slog.Handler {
	return levelFilter{f.Handler.WithGroup(n), f.min}
}
