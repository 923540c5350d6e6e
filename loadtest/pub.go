package loadtest

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// publishers are the simulated gateways: MQTT clients, each publishing the
// scans of its share of the bench radars (one radar is always published by
// the same client, so a sensor's reports leave in measurement-time order).
type publishers struct {
	qos     byte
	clients []paho.Client
	radars  [][]*radar // by client
	tokens  []chan paho.Token
	waiters sync.WaitGroup

	// Counters since the start.
	published, detections, acked, failed atomic.Int64
}

func connect(url, id string) (paho.Client, error) {
	o := paho.NewClientOptions().AddBroker(url).SetClientID(id).SetCleanSession(true).
		SetKeepAlive(30 * time.Second).SetAutoReconnect(false).SetWriteTimeout(10 * time.Second)
	c := paho.NewClient(o)
	t := c.Connect()
	if !t.WaitTimeout(10*time.Second) || t.Error() != nil {
		return nil, fmt.Errorf("connect %s to %s: %v", id, url, t.Error())
	}
	return c, nil
}

func newPublishers(url string, n int, radars []*radar, qos byte) (*publishers, error) {
	n = max(1, min(n, len(radars)))
	p := &publishers{qos: qos, radars: make([][]*radar, n)}
	for i, g := range radars {
		p.radars[i%n] = append(p.radars[i%n], g)
	}
	for i := range n {
		c, err := connect(url, fmt.Sprintf("vigia-bench-%d-gw-%d", os.Getpid(), i))
		if err != nil {
			p.close()
			return nil, err
		}
		p.clients = append(p.clients, c)
		ch := make(chan paho.Token, 1<<16)
		p.tokens = append(p.tokens, ch)
		p.waiters.Go(func() {
			for t := range ch {
				if !t.WaitTimeout(30*time.Second) || t.Error() != nil {
					p.failed.Add(1)
				} else {
					p.acked.Add(1)
				}
			}
		})
	}
	return p, nil
}

// run publishes msgRate report messages per second in all, spread evenly
// over the clients and paced against the clock, for dur or until ctx ends.
// It returns how long it published.
func (p *publishers) run(ctx context.Context, msgRate float64, dur time.Duration) time.Duration {
	start := time.Now()
	var wg sync.WaitGroup
	for i, c := range p.clients {
		rate := msgRate / float64(len(p.clients))
		radars, tokens := p.radars[i], p.tokens[i]
		wg.Go(func() {
			timer := time.NewTimer(time.Hour)
			defer timer.Stop()
			var sent int64
			for {
				el := time.Since(start)
				if el >= dur || ctx.Err() != nil {
					return
				}
				due := int64(el.Seconds()*rate) + 1
				for ; sent < due; sent++ {
					g := radars[sent%int64(len(radars))]
					payload := g.scan(time.Now())
					tokens <- c.Publish(g.topic, p.qos, false, payload)
					p.published.Add(1)
					p.detections.Add(int64(g.detections()))
				}
				next := start.Add(time.Duration(float64(sent) / rate * float64(time.Second)))
				if d := time.Until(next); d > 0 {
					timer.Reset(d)
					select {
					case <-timer.C:
					case <-ctx.Done():
						return
					}
				}
			}
		})
	}
	wg.Wait()
	return min(time.Since(start), dur)
}

// waitAcks waits until every message published so far is acknowledged (or
// failed), at most timeout.
func (p *publishers) waitAcks(timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for p.acked.Load()+p.failed.Load() < p.published.Load() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

func (p *publishers) close() {
	for _, ch := range p.tokens {
		close(ch)
	}
	p.waiters.Wait()
	for _, c := range p.clients {
		c.Disconnect(250)
	}
}
