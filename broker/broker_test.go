package broker

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

func connect(t *testing.T, url, id string) paho.Client {
	t.Helper()
	c := paho.NewClient(paho.NewClientOptions().AddBroker(url).SetClientID(id).SetOrderMatters(true).
		SetConnectTimeout(5 * time.Second).SetMaxResumePubInFlight(1000))
	if tok := c.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("connect: %v", tok.Error())
	}
	t.Cleanup(func() { c.Disconnect(100) })
	return c
}

// burst publishes n QoS 1 messages to a subscriber that is stalled while
// they arrive, then lets it read, and returns how many it got and what the
// broker counted as dropped.
func burst(t *testing.T, opts Options, n int) (received int64, dropped int64) {
	t.Helper()
	b, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	sub := connect(t, b.URL(), "slow-subscriber")
	release := make(chan struct{})
	var got atomic.Int64
	tok := sub.Subscribe("vigia/test", 1, func(_ paho.Client, _ paho.Message) {
		<-release // lag: the first message blocks the client's reader until the burst is over
		got.Add(1)
	})
	if !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatal(tok.Error())
	}
	pub := connect(t, b.URL(), "publisher")
	for i := 0; i < n; i++ {
		pub.Publish("vigia/test", 1, false, fmt.Appendf(nil, "message %d with some payload to fill buffers: %0200d", i, i))
	}
	// Wait until the broker has taken every publish (all acknowledged to the publisher).
	tok = pub.Publish("vigia/test-done", 1, false, "done")
	tok.WaitTimeout(30 * time.Second)
	close(release)
	deadline := time.Now().Add(30 * time.Second)
	for got.Load() < int64(n) && time.Now().Before(deadline) {
		a, c := b.Dropped()
		if got.Load()+a+c >= int64(n) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	a, c := b.Dropped()
	return got.Load(), a + c
}

// Sized as Vigia sizes it by default, the broker delivers every QoS 1
// message to a subscriber that lags behind a burst of 12,000 (mochi's
// default window, 8,192, would drop most of them).
func TestLaggingSubscriberGetsEveryQoS1Message(t *testing.T) {
	const n = 12000
	got, dropped := burst(t, Options{Addr: "127.0.0.1:0", MaxInflight: 65535, MaxPending: 100000}, n)
	if got != n || dropped != 0 {
		t.Fatalf("received %d of %d, broker dropped %d", got, n, dropped)
	}
}

// Sized too small, it drops — and counts what it drops (nothing vanishes uncounted).
func TestDropsAreCounted(t *testing.T) {
	const n = 5000
	got, dropped := burst(t, Options{Addr: "127.0.0.1:0", MaxInflight: 100, MaxPending: 50}, n)
	if dropped == 0 || got+dropped < n {
		t.Fatalf("received %d, dropped %d, of %d: drops must be counted", got, dropped, n)
	}
}

func TestOptionsChecked(t *testing.T) {
	for _, o := range []Options{{Addr: "127.0.0.1:0", MaxInflight: 0, MaxPending: 10}, {Addr: "127.0.0.1:0", MaxInflight: 70000, MaxPending: 10},
		{Addr: "127.0.0.1:0", MaxInflight: 10, MaxPending: 0}, {Addr: "256.0.0.1:1", MaxInflight: 10, MaxPending: 10}} {
		if b, err := Start(o); err == nil {
			b.Close()
			t.Errorf("%+v accepted", o)
		}
	}
}
