package sim

import (
	"context"
	"time"
)

// Drive publishes the generator's messages as simulated gateways would: each
// at its scene time by the clock now, which runs speed times faster than the
// wall clock (speed ≥ 1 for the demo; the sleep is the scene delay divided by
// speed). It returns when ctx ends, or with publish's first error.
func Drive(ctx context.Context, g *Generator, now func() time.Time, speed float64, publish func(Message) error) error {
	if speed <= 0 {
		speed = 1
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	<-timer.C
	for {
		m := g.Next()
		if wait := m.Time.Sub(now()); wait > 0 {
			timer.Reset(time.Duration(float64(wait) / speed))
			select {
			case <-ctx.Done():
				return nil
			case <-timer.C:
			}
		} else if ctx.Err() != nil {
			return nil
		}
		if err := publish(m); err != nil {
			return err
		}
	}
}
