package daemon

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// fakeMessage is a paho.Message for handler tests.
type fakeMessage struct {
	topic   string
	payload []byte
}

func (m fakeMessage) Duplicate() bool   { return false }
func (m fakeMessage) Qos() byte         { return 1 }
func (m fakeMessage) Retained() bool    { return false }
func (m fakeMessage) Topic() string     { return m.topic }
func (m fakeMessage) MessageID() uint16 { return 1 }
func (m fakeMessage) Payload() []byte   { return m.payload }
func (m fakeMessage) Ack()              {}

// The MQTT handler never blocks: when the queue to the engine is full, the
// message is dropped and counted as queue_full for its sensor.
func TestQueueFullDroppedAndCounted(t *testing.T) {
	c := testConfig(t, "tcp://127.0.0.1:1") // never connected: New starts nothing
	c.HTTP.Listen = ""
	c.Ingest.QueueSize = 2
	d, err := New(c, Options{Clock: newManualClock(t0)})
	if err != nil {
		t.Fatal(err)
	}
	radar, _ := c.SensorByID("radar-brownsville")
	done := make(chan struct{})
	go func() {
		for i := 0; i < 5; i++ {
			d.onMessage(nil, fakeMessage{topic: radar.Topic, payload: []byte("{}")})
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the MQTT handler blocked on a full queue")
	}
	if got := testutil.ToFloat64(d.metrics.dropped.WithLabelValues(radar.ID, "queue_full")); got != 3 {
		t.Fatalf("queue_full drops = %v, want 3", got)
	}
	if len(d.queue) != 2 {
		t.Fatalf("queue holds %d, want 2", len(d.queue))
	}
}
