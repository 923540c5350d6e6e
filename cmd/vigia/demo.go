package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/vigia-project/vigia/alert"
	"github.com/vigia-project/vigia/config"
	"github.com/vigia-project/vigia/daemon"
	"github.com/vigia-project/vigia/sim"
)

// cmdDemo runs the whole system in one process: the embedded broker, the
// simulated Rio Grande gateways, the daemon, and an operations-centre
// subscriber that prints every alert it receives.
func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dur := fs.Duration("for", 0, "stop after this long (wall time); 0 runs until interrupted")
	httpAddr := fs.String("http", "", "serve /metrics, /healthz and /readyz on this address (e.g. 127.0.0.1:8080)")
	speed := fs.Float64("speed", 4, "scene time runs this many times faster than the wall clock")
	seed := fs.Uint64("seed", 1, "seed of the simulated noise, misses and clutter")
	mqttAddr := fs.String("mqtt", "127.0.0.1:0", "address of the embedded MQTT broker (port 0: a free port)")
	verbose := fs.Bool("v", false, "log the daemon's info messages too")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if !(*speed >= 1 && *speed <= 100) {
		fmt.Fprintf(stderr, "vigia demo: -speed %v out of range [1, 100]\n", *speed)
		return 2
	}
	cfg, err := config.Builtin()
	if err != nil {
		fmt.Fprintf(stderr, "vigia demo: %v\n", err)
		return 1
	}
	cfg.Broker.URL, cfg.Broker.Listen, cfg.HTTP.Listen = "", *mqttAddr, *httpAddr
	// The demo's journal and session live as long as the demo.
	stateDir, err := os.MkdirTemp("", "vigia-demo-")
	if err != nil {
		fmt.Fprintf(stderr, "vigia demo: %v\n", err)
		return 1
	}
	defer os.RemoveAll(stateDir)
	cfg.StateDir = stateDir
	level := "warn"
	if *verbose {
		level = "info"
	}
	log := newLogger(stderr, config.Log{Level: level, Format: "text"})

	wallStart := time.Now()
	clock := &daemon.ScaledClock{Start: wallStart.UTC().Truncate(time.Second), WallStart: wallStart, Speed: *speed}
	d, err := daemon.New(cfg, daemon.Options{Logger: log, Clock: clock})
	if err != nil {
		fmt.Fprintf(stderr, "vigia demo: %v\n", err)
		return 1
	}
	runCtx, cancelRun := context.WithCancel(ctx)
	defer cancelRun()
	if *dur > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(runCtx, *dur)
		defer cancel()
	}
	daemonCtx, stopDaemon := context.WithCancel(context.Background())
	defer stopDaemon()
	daemonDone := make(chan error, 1)
	go func() { daemonDone <- d.Run(daemonCtx) }()

	select {
	case <-d.Ready():
	case <-runCtx.Done():
		stopDaemon()
		<-daemonDone
		return 0
	}

	out := &alertPrinter{w: stdout}
	ops, err := connect(d.BrokerURL(), "vigia-demo-ops")
	if err != nil {
		fmt.Fprintf(stderr, "vigia demo: operations centre: %v\n", err)
		stopDaemon()
		<-daemonDone
		return 1
	}
	if tok := ops.Subscribe(cfg.TopicPrefix+"alerts/+", 1, out.handle); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		fmt.Fprintf(stderr, "vigia demo: subscribe to alerts: %v\n", tok.Error())
		stopDaemon()
		<-daemonDone
		return 1
	}
	gw, err := connect(d.BrokerURL(), "vigia-demo-gateways")
	if err != nil {
		fmt.Fprintf(stderr, "vigia demo: gateways: %v\n", err)
		stopDaemon()
		<-daemonDone
		return 1
	}

	// The scene starts now (scene time), so the gateways publish live rather than a backlog.
	scene := sim.RioGrande(clock.Now().Add(time.Second).Truncate(time.Second))
	gen, err := sim.NewGenerator(scene, *seed, cfg.TopicPrefix)
	if err != nil {
		fmt.Fprintf(stderr, "vigia demo: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "Vigia demo: scene %q off the Rio Grande at %g× speed (scene time %s), embedded broker %s\n",
		scene.Name, *speed, scene.Start.Format(time.RFC3339), d.BrokerURL())
	fmt.Fprintf(stdout, "  sensors: %s; alerts on %salerts/{uscg,semar,ccg}\n", sensorList(cfg), cfg.TopicPrefix)
	if kp, err := cfg.KeyPath(); err == nil {
		fmt.Fprintf(stdout, "  alerts signed with %s; check them with: vigia alerts -broker %s -agency uscg -verify %s.pub\n",
			kp, d.BrokerURL(), kp)
	}
	if a := d.HTTPAddr(); a != "" {
		fmt.Fprintf(stdout, "  web picture: http://%s/ (API under /api/, metrics at /metrics)\n", a)
	}
	var published int64
	err = sim.Drive(runCtx, gen, clock.Now, *speed, func(m sim.Message) error {
		published++
		gw.Publish(m.Topic, 1, false, m.Payload)
		return nil
	})
	gw.Disconnect(250)
	stopDaemon()
	derr := <-daemonDone
	time.Sleep(100 * time.Millisecond) // let the last acknowledged alerts reach the subscriber
	ops.Disconnect(250)
	if err == nil {
		err = derr
	}
	reports, dropped, revs := d.Counts()
	fmt.Fprintf(stdout, "Vigia demo stopped after %s wall, %s scene: %d reports published, %d fused, %d dropped; %d alert deliveries (%d received by the operations centre)\n",
		time.Since(wallStart).Round(time.Second), clock.Now().Sub(clock.Start).Round(time.Second), published, reports, dropped, revs, out.count())
	if err != nil {
		fmt.Fprintf(stderr, "vigia demo: %v\n", err)
		return 1
	}
	return 0
}

func sensorList(c *config.Config) string {
	var ids []string
	for _, s := range c.Sensors {
		ids = append(ids, s.ID+" ("+s.Kind+")")
	}
	return strings.Join(ids, ", ")
}

// connect opens an MQTT connection for the demo's own clients.
func connect(url, id string) (paho.Client, error) {
	o := paho.NewClientOptions().AddBroker(url).SetClientID(id).SetOrderMatters(true).
		SetAutoReconnect(true).SetConnectTimeout(5 * time.Second)
	c := paho.NewClient(o)
	tok := c.Connect()
	if !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		return nil, fmt.Errorf("connect to %s as %s: %v", url, id, tok.Error())
	}
	return c, nil
}

// alertPrinter prints the alerts an operations centre receives, one line each.
type alertPrinter struct {
	mu sync.Mutex
	w  io.Writer
	n  int
}

func (p *alertPrinter) handle(_ paho.Client, m paho.Message) {
	var a alert.Alert
	agency := m.Topic()[strings.LastIndex(m.Topic(), "/")+1:]
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	if err := json.Unmarshal(m.Payload(), &a); err != nil {
		fmt.Fprintf(p.w, "  [%s] undecodable alert: %v\n", agency, err)
		return
	}
	fmt.Fprintln(p.w, alertLine(agency, &a))
}

func (p *alertPrinter) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}
