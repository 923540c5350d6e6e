package loadtest

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/vigia-project/vigia/config"
	"github.com/vigia-project/vigia/daemon"
)

// benchConfig is the built-in configuration adapted to the bench: the
// broker to use, state and key in a temporary directory, no HTTP, no
// picture, ingest limits that do not throttle the load, and the bench's
// sensors.
func benchConfig(o *Options, brokerURL, dir, name string, reorder time.Duration) (*config.Config, error) {
	c, err := config.Builtin()
	if err != nil {
		return nil, err
	}
	c.Broker.URL = brokerURL
	c.Broker.Listen = "127.0.0.1:0"
	c.Broker.ClientID = fmt.Sprintf("vigia-bench-%d-%s", os.Getpid(), name)
	c.Broker.MaxInflight = 65535
	c.Broker.MaxPending = 1 << 20
	c.HTTP.Listen = ""
	c.StateDir = filepath.Join(dir, "state")
	c.Signing.KeyFile = filepath.Join(dir, "key.pem")
	c.Ingest.SensorRate = 1e6
	c.Ingest.SensorBurst = 1 << 20
	c.Ingest.QueueSize = o.QueueSize
	if reorder > 0 {
		c.Ingest.ReorderWindow = reorder
	}
	c.Tracker.TracksInterval = -1
	addBenchSensors(c, o.Radars)
	return c, nil
}

// runningDaemon is a daemon of the bench, in this process.
type runningDaemon struct {
	d       *daemon.Daemon
	cfg     *config.Config
	reg     *prometheus.Registry
	cancel  context.CancelFunc
	done    chan error
	dir     string
	started time.Time
}

// startDaemon builds and runs a daemon and waits until it has subscribed.
func startDaemon(ctx context.Context, o *Options, brokerURL, name string, reorder time.Duration) (*runningDaemon, error) {
	dir, err := os.MkdirTemp("", "vigia-bench-")
	if err != nil {
		return nil, err
	}
	cfg, err := benchConfig(o, brokerURL, dir, name, reorder)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	d, err := daemon.New(cfg, daemon.Options{Logger: log.With("daemon", name), FlushTimeout: 5 * time.Second})
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	rctx, cancel := context.WithCancel(context.Background())
	r := &runningDaemon{d: d, cfg: cfg, reg: d.Registry(), cancel: cancel, done: make(chan error, 1), dir: dir, started: time.Now()}
	go func() { r.done <- d.Run(rctx) }()
	select {
	case <-d.Ready():
		return r, nil
	case <-time.After(20 * time.Second):
		r.stop()
		return nil, fmt.Errorf("daemon did not connect to %s and subscribe within 20 s", d.BrokerURL())
	case <-ctx.Done():
		r.stop()
		return nil, ctx.Err()
	}
}

// stop shuts the daemon down (it drains what it holds first) and removes its directory.
func (r *runningDaemon) stop() error {
	r.cancel()
	err := <-r.done
	os.RemoveAll(r.dir)
	return err
}

// snapshot is what the daemon's registry says at one moment.
type snapshot struct {
	at            time.Time
	received      float64            // reports received on the bench radars' topics
	probes        float64            // reports received on the probes' topic
	detections    float64            // detections applied, bench radars
	rejected      float64            // detections refused inside accepted reports, every sensor
	dropped       float64            // reports dropped, every sensor and reason
	byReason      map[string]float64 // dropped, by reason
	brokerDropped float64            // the embedded broker's drops (0 with an external broker)
	queue         float64
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

// take reads the registry.
func (r *runningDaemon) take() (snapshot, error) {
	s := snapshot{at: time.Now(), byReason: map[string]float64{}}
	mfs, err := r.reg.Gather()
	if err != nil {
		return s, err
	}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			sensor := label(m, "sensor")
			bench := strings.HasPrefix(sensor, radarPrefix)
			switch mf.GetName() {
			case "vigia_reports_received_total":
				if bench {
					s.received += m.GetCounter().GetValue()
				} else if sensor == aisSensor {
					s.probes += m.GetCounter().GetValue()
				}
			case "vigia_detections_total":
				if bench {
					s.detections += m.GetCounter().GetValue()
				}
			case "vigia_detections_rejected_total":
				s.rejected += m.GetCounter().GetValue()
			case "vigia_reports_dropped_total":
				v := m.GetCounter().GetValue()
				s.dropped += v
				s.byReason[label(m, "reason")] += v
			case "vigia_broker_dropped_total":
				s.brokerDropped += m.GetCounter().GetValue()
			case "vigia_ingest_queue_depth":
				s.queue = m.GetGauge().GetValue()
			}
		}
	}
	return s, nil
}
