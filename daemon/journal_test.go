package daemon

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/vigia-project/vigia/alert"
	"github.com/vigia-project/vigia/broker"
	"github.com/vigia-project/vigia/geo"
	"github.com/vigia-project/vigia/journal"
)

// An alert journaled by a run that died before the broker acknowledged it
// is published by the next run, first, and leaves the journal; the alerts
// of a normal run leave nothing in it.
func TestJournalRepublishesAfterCrash(t *testing.T) {
	c := testConfig(t, "")
	// What a crashed run left behind.
	j, err := journal.Open(filepath.Join(c.StateDir, "journal.db"))
	if err != nil {
		t.Fatal(err)
	}
	const left = `{"id":"gulf-1/T000042/dark_vessel","rev":3,"state":"active","rule":"dark_vessel"}`
	if _, err := j.Append(journal.Record{Topic: c.TopicPrefix + "alerts/uscg", Payload: []byte(left), Agency: "uscg",
		ID: "gulf-1/T000042/dark_vessel", Rev: 3, Rule: "dark_vessel", State: "active"}); err != nil {
		t.Fatal(err)
	}
	j.Close()

	// The subscriber must be there before the republish: the daemon's own
	// embedded broker starts with it, so hold the publisher back until a
	// watcher has subscribed by connecting a client as soon as the broker is up.
	var mu sync.Mutex
	var got []string
	r := startDaemonWith(t, c, func(url string) {
		w := client(t, url, "ops-journal")
		tok := w.Subscribe(c.TopicPrefix+"alerts/+", 1, func(_ paho.Client, m paho.Message) {
			mu.Lock()
			got = append(got, string(m.Payload()))
			mu.Unlock()
		})
		if !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
			t.Fatal(tok.Error())
		}
	})
	waitFor(t, 10*time.Second, func() error {
		mu.Lock()
		defer mu.Unlock()
		for _, p := range got {
			if p == left {
				return nil
			}
		}
		return fmt.Errorf("the journaled alert was not published again (got %d messages)", len(got))
	})
	waitFor(t, 10*time.Second, func() error {
		if n := r.d.journal.Len(); n != 0 {
			return fmt.Errorf("%d records still pending", n)
		}
		return nil
	})
	// A normal run's alerts are acknowledged and leave the journal.
	runDarkVesselScenario(t, r, nil)
	waitFor(t, 10*time.Second, func() error {
		if n := r.d.journal.Len(); n != 0 {
			return fmt.Errorf("%d records still pending after the scenario", n)
		}
		return nil
	})
	if n := testutil.ToFloat64(r.d.metrics.journalErrors); n != 0 {
		t.Errorf("%v journal errors", n)
	}
}

// A persistent session: QoS 1 reports a gateway publishes while the daemon
// is down (restarting) wait at the broker and are received after it comes
// back with the same client id.
func TestPersistentSessionKeepsReports(t *testing.T) {
	b, err := broker.Start(broker.Options{Addr: "127.0.0.1:0", MaxInflight: 65535, MaxPending: 100000})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	c := testConfig(t, b.URL())
	c.HTTP.Listen = ""
	c.Broker.ClientID = "vigia-persistent-test"
	r1 := startDaemon(t, c)
	r1.stop(t)

	gw := client(t, b.URL(), "gw-persistent")
	radar, _ := c.SensorByID("radar-brownsville")
	const n = 10
	for k := 0; k < n; k++ {
		p := fmt.Appendf(nil, `{"sensor":"radar-brownsville","time":%q,"detections":[{"range_m":%d,"bearing_deg":90}]}`,
			t0.Add(time.Duration(k)*2500*time.Millisecond).Format(time.RFC3339Nano), 20000+k*10)
		if tok := gw.Publish(radar.Topic, 1, false, p); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
			t.Fatal(tok.Error())
		}
	}
	r2 := startDaemon(t, c)
	waitFor(t, 10*time.Second, func() error {
		if got := r2.received(radar.ID); got != n {
			return fmt.Errorf("%v of the %d reports published while the daemon was down received", got, n)
		}
		return nil
	})
}

// A restart carries the picture over: the boat's track keeps its number and
// its dark_vessel alert continues (same id, next revision) instead of being
// raised again as a new alert.
func TestRestartCarriesAlertsOn(t *testing.T) {
	b, err := broker.Start(broker.Options{Addr: "127.0.0.1:0", MaxInflight: 65535, MaxPending: 100000})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	c := testConfig(t, b.URL())
	c.HTTP.Listen = ""
	c.Broker.ClientID = "vigia-restart-test"
	ops := client(t, b.URL(), "ops-restart")
	sink := subscribeAlerts(t, ops, c.TopicPrefix)
	gw := client(t, b.URL(), "gw-restart")
	radarCfg, _ := c.SensorByID("radar-brownsville")
	radar := geo.LLA{Lat: radarCfg.Position.Lat, Lon: radarCfg.Position.Lon, Alt: radarCfg.Position.Alt}
	rng := rand.New(rand.NewPCG(7, 11))
	const step = 2500 * time.Millisecond
	drive := func(r *running, from, to int) {
		for k := from; k <= to; k++ {
			dt := time.Duration(k) * step
			r.clock.Set(t0.Add(dt))
			r.publishAndWait(t, gw, radarCfg.Topic, radarCfg.ID, radarReport(rng, radar, dt))
		}
		r.clock.Set(t0.Add(time.Duration(to)*step + 2*time.Second))
	}
	r1 := startDaemon(t, c)
	drive(r1, 0, 32)
	var first alert.Alert
	waitFor(t, 10*time.Second, func() error {
		var ok bool
		if first, ok = sink.find("uscg", "dark_vessel"); !ok {
			return fmt.Errorf("no dark_vessel alert before the restart")
		}
		return nil
	})
	r1.stop(t)

	r2 := startDaemon(t, c)
	r2.clock.Set(t0.Add(33 * step))
	drive(r2, 33, 80) // 2 more minutes: the boat moves more than 2 km
	waitFor(t, 15*time.Second, func() error {
		sink.mu.Lock()
		defer sink.mu.Unlock()
		for _, a := range sink.got["uscg"] {
			if a.Rule == "dark_vessel" && a.ID == first.ID && a.Rev > first.Rev && a.State == alert.StateActive {
				return nil
			}
		}
		return fmt.Errorf("no later revision of %s after the restart", first.ID)
	})
	sink.mu.Lock()
	defer sink.mu.Unlock()
	for _, a := range sink.got["uscg"] {
		if a.Rule == "dark_vessel" && a.ID != first.ID {
			t.Errorf("after the restart the boat raised a new alert %s rev %d (before: %s)", a.ID, a.Rev, first.ID)
		}
		if a.ID == first.ID && a.State == alert.StateCleared {
			t.Errorf("the alert was cleared across the restart: %s", a.Summary)
		}
	}
}
