package daemon

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"encoding/json"
	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/vigia-project/vigia/alert"
	"github.com/vigia-project/vigia/sim"
)

// mosq is a real mosquitto that can be stopped and started again on the
// same port, with its persistence file (subscribers' sessions and queued
// QoS 1 messages survive a restart).
type mosq struct {
	t    *testing.T
	bin  string
	conf string
	port int
	cmd  *exec.Cmd
	log  *os.File
}

func newMosq(t *testing.T) *mosq {
	t.Helper()
	m := &mosq{t: t, bin: mosquittoPath(t), port: freePort(t)}
	dir := t.TempDir()
	m.conf = filepath.Join(dir, "mosquitto.conf")
	// user root: started as root (CI), mosquitto would drop to the
	// mosquitto user, which cannot write the test's persistence directory.
	text := fmt.Sprintf(`listener %d 127.0.0.1
user root
allow_anonymous true
persistence true
persistence_location %s/
autosave_interval 1
max_queued_messages 100000
max_inflight_messages 0
log_dest stderr
log_type error
log_type warning
`, m.port, dir)
	if err := os.WriteFile(m.conf, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	var err error
	if m.log, err = os.Create(filepath.Join(dir, "mosquitto.log")); err != nil {
		t.Fatal(err)
	}
	m.start()
	t.Cleanup(func() {
		m.stop(syscall.SIGKILL)
		if t.Failed() {
			b, _ := os.ReadFile(m.log.Name())
			t.Logf("mosquitto log:\n%s", b)
		}
		m.log.Close()
	})
	return m
}

func (m *mosq) url() string { return fmt.Sprintf("tcp://127.0.0.1:%d", m.port) }

func (m *mosq) start() {
	m.t.Helper()
	m.cmd = exec.Command(m.bin, "-c", m.conf)
	m.cmd.Stdout, m.cmd.Stderr = m.log, m.log
	if err := m.cmd.Start(); err != nil {
		m.t.Fatalf("start mosquitto: %v", err)
	}
	waitFor(m.t, 10*time.Second, func() error {
		c := paho.NewClient(paho.NewClientOptions().AddBroker(m.url()).SetClientID("probe").SetConnectTimeout(time.Second))
		if tok := c.Connect(); !tok.WaitTimeout(2*time.Second) || tok.Error() != nil {
			return fmt.Errorf("mosquitto not accepting connections: %v", tok.Error())
		}
		c.Disconnect(0)
		return nil
	})
}

// stop ends mosquitto with sig (SIGTERM: it saves its persistence file first).
func (m *mosq) stop(sig syscall.Signal) {
	if m.cmd == nil {
		return
	}
	m.cmd.Process.Signal(sig)
	m.cmd.Wait()
	m.cmd = nil
}

// agencyOps is an operations centre with a persistent session: what is
// routed to it while the broker is down is delivered when it is back.
type agencyOps struct {
	mu  sync.Mutex
	got map[string]int // "id#rev" → deliveries
}

func newAgencyOps(t *testing.T, url, id, prefix string) *agencyOps {
	t.Helper()
	a := &agencyOps{got: map[string]int{}}
	handle := func(_ paho.Client, m paho.Message) {
		var al alert.Alert
		if json.Unmarshal(m.Payload(), &al) != nil {
			return
		}
		ag := m.Topic()[strings.LastIndex(m.Topic(), "/")+1:]
		a.mu.Lock()
		a.got[fmt.Sprintf("%s %s#%d", ag, al.ID, al.Rev)]++
		a.mu.Unlock()
	}
	o := paho.NewClientOptions().AddBroker(url).SetClientID(id).SetCleanSession(false).
		SetConnectRetry(true).SetConnectRetryInterval(200 * time.Millisecond).SetAutoReconnect(true).
		SetMaxReconnectInterval(time.Second).SetOrderMatters(true).SetDefaultPublishHandler(handle)
	o.SetOnConnectHandler(func(c paho.Client) { c.Subscribe(prefix+"alerts/+", 1, handle) })
	c := paho.NewClient(o)
	if tok := c.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatal(tok.Error())
	}
	t.Cleanup(func() { c.Disconnect(100) })
	return a
}

func (a *agencyOps) keys() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for k := range a.got {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// faultRun drives 6 minutes of the Rio Grande scene through a real
// mosquitto into the daemon, report by report (each waited for), with the
// daemon's clock following the scene; restartAt > 0 stops mosquitto
// (SIGTERM) before that message and starts it again a second later. It
// returns every (agency, id, rev) the operations centre received.
func faultRun(t *testing.T, restartAt int) []string {
	m := newMosq(t)
	c := testConfig(t, m.url())
	c.HTTP.Listen = ""
	c.Broker.ClientID = "vigia-fault"
	c.Tracker.TracksInterval = -1
	ops := newAgencyOps(t, m.url(), "ops-fault", c.TopicPrefix)
	r := startDaemon(t, c)
	o := paho.NewClientOptions().AddBroker(m.url()).SetClientID("gw-fault").SetCleanSession(false).
		SetConnectRetry(true).SetConnectRetryInterval(200 * time.Millisecond).SetAutoReconnect(true).
		SetMaxReconnectInterval(time.Second).SetOrderMatters(true)
	gw := paho.NewClient(o)
	if tok := gw.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatal(tok.Error())
	}
	defer gw.Disconnect(100)

	s := sim.RioGrande(t0)
	g, err := sim.NewGenerator(s, 2, c.TopicPrefix)
	if err != nil {
		t.Fatal(err)
	}
	sensorOf := map[string]string{}
	for _, sn := range c.Sensors {
		sensorOf[sn.Topic] = sn.ID
	}
	total := 0.0
	k := 0
	for msg := g.Next(); msg.Time.Before(t0.Add(6 * time.Minute)); msg = g.Next() {
		sensor, ok := sensorOf[msg.Topic]
		if !ok {
			continue // asset positions: not counted per sensor
		}
		k++
		if k == restartAt {
			// The broker goes down; the daemon's clock moves on, so rules
			// run and alerts are raised while it is down: they wait in the
			// journal and the publisher retries.
			m.stop(syscall.SIGTERM)
			r.clock.Set(msg.Time)
			waitFor(t, 10*time.Second, func() error {
				if n := r.d.journal.Len(); n == 0 {
					return fmt.Errorf("no alert raised while the broker is down yet")
				}
				return nil
			})
			t.Logf("broker down at %s: %d alert messages waiting in the journal", msg.Time.Format("15:04:05"), r.d.journal.Len())
			time.Sleep(time.Second)
			m.start()
		}
		r.clock.Set(msg.Time)
		before := r.received(sensor)
		tok := gw.Publish(msg.Topic, 1, false, msg.Payload)
		if !tok.WaitTimeout(30*time.Second) || tok.Error() != nil {
			t.Fatalf("publish %d: %v", k, tok.Error())
		}
		waitFor(t, 30*time.Second, func() error {
			if r.received(sensor) <= before {
				return fmt.Errorf("message %d on %s not received", k, msg.Topic)
			}
			return nil
		})
		total++
	}
	r.clock.Set(t0.Add(6*time.Minute + 5*time.Second))
	// Everything published and acknowledged, and delivered to the ops centre.
	waitFor(t, 30*time.Second, func() error {
		if n := r.d.journal.Len(); n != 0 {
			return fmt.Errorf("%d alert messages not yet acknowledged by the broker", n)
		}
		_, _, sent := r.d.Counts()
		if got := len(ops.keys()); int64(got) < sent/2 || sent == 0 {
			return fmt.Errorf("ops centre has %d distinct alert messages of %d sent", got, sent)
		}
		return nil
	})
	time.Sleep(500 * time.Millisecond) // stragglers of the persistent session
	t.Logf("%v reports through mosquitto (restart before message %d); %d distinct (agency, id, rev) received", total, restartAt, len(ops.keys()))
	return ops.keys()
}

// TestBrokerRestartLosesNoAlert: mosquitto is stopped and started again in
// the middle of a run; the operations centre ends up with every alert
// revision a run without the restart delivers (duplicates allowed).
func TestBrokerRestartLosesNoAlert(t *testing.T) {
	if testing.Short() {
		t.Skip("two runs through a real broker")
	}
	// The broker goes down just before the message that brings the scene
	// (less the reorder window) past 06:01:00, when the first dark_vessel
	// alerts are raised.
	restartAt := 0
	window := testConfig(t, "").Ingest.ReorderWindow
	{
		g, err := sim.NewGenerator(sim.RioGrande(t0), 2, "vigia/")
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; ; {
			msg := g.Next()
			if strings.Contains(msg.Topic, "/assets/") {
				continue
			}
			k++
			if msg.Time.After(t0.Add(time.Minute + window)) {
				restartAt = k
				break
			}
		}
	}
	clean := faultRun(t, 0)
	faulty := faultRun(t, restartAt)
	if len(clean) < 10 {
		t.Fatalf("only %d alert messages in the clean run: the scene proves nothing", len(clean))
	}
	have := map[string]bool{}
	for _, k := range faulty {
		have[k] = true
	}
	var missing []string
	for _, k := range clean {
		if !have[k] {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d of %d alert messages missing after the broker restart:\n%s", len(missing), len(clean), strings.Join(missing, "\n"))
	}
	t.Logf("clean run: %d alert messages; with a broker restart: %d, none missing", len(clean), len(faulty))
}
