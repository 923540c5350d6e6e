package daemon

import (
	"fmt"
	"testing"
	"time"
)

// TestFloodThrottled: one gateway floods its topic; it is throttled at its
// rate and counted (rate_limited) before the engine's queue, while another
// sensor's reports all get through.
func TestFloodThrottled(t *testing.T) {
	c := testConfig(t, "")
	c.Ingest.SensorRate, c.Ingest.SensorBurst = 200, 200
	r := startDaemon(t, c)
	flooder, _ := c.SensorByID("radar-brownsville")
	quiet, _ := c.SensorByID("tars-rgv")
	gwFlood := client(t, r.d.BrokerURL(), "gw-flood")
	gwQuiet := client(t, r.d.BrokerURL(), "gw-quiet")

	const flood = 20000
	done := make(chan struct{})
	go func() {
		defer close(done)
		junk := []byte(`{"sensor":"radar-brownsville","time":"2026-11-28T06:00:00Z","detections":[]}`)
		for i := 0; i < flood; i++ {
			gwFlood.Publish(flooder.Topic, 0, false, junk)
		}
	}()
	const quietN = 20
	for k := 0; k < quietN; k++ {
		at := t0.Add(time.Duration(k) * 100 * time.Millisecond)
		p := fmt.Appendf(nil, `{"sensor":"tars-rgv","time":%q,"detections":[{"range_m":%d,"bearing_deg":120,"elevation_deg":0.1}]}`,
			at.Format(time.RFC3339Nano), 40000+k*10)
		if tok := gwQuiet.Publish(quiet.Topic, 1, false, p); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
			t.Fatal(tok.Error())
		}
	}
	<-done
	waitFor(t, 20*time.Second, func() error {
		if n := r.received(quiet.ID); n != quietN {
			return fmt.Errorf("quiet sensor: %v of %d received", n, quietN)
		}
		got := r.received(flooder.ID) + r.dropped(flooder.ID, "rate_limited")
		if got < flood*9/10 { // QoS 0: the broker may shed some of a flood itself
			return fmt.Errorf("flood: %v of %d messages seen so far", got, flood)
		}
		return nil
	})
	limited, passed := r.dropped(flooder.ID, "rate_limited"), r.received(flooder.ID)
	for _, reason := range []string{"queue_full", "rate_limited"} {
		if n := r.dropped(quiet.ID, reason); n != 0 {
			t.Errorf("quiet sensor: %v dropped as %s", n, reason)
		}
	}
	if n := r.dropped(flooder.ID, "queue_full"); n != 0 {
		t.Errorf("the flood reached the queue: %v queue_full", n)
	}
	if limited < flood/2 || passed > flood/2 {
		t.Errorf("flood of %d: %v passed, %v rate_limited", flood, passed, limited)
	}
	t.Logf("flood of %d messages: %v passed the 200/s limit, %v dropped as rate_limited; the other sensor: %d of %d, none dropped",
		flood, passed, limited, quietN, quietN)
}
