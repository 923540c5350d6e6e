package fusion

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/vigia-project/vigia/geo"
	"github.com/vigia-project/vigia/sensors"
)

// A low aircraft seen by a surface-search radar (whose usual class is
// surface) must become one air track by its speed, not a string of surface tracks.
func TestFastTargetIsOneAirTrack(t *testing.T) {
	e := testEngine(t)
	rng := rand.New(rand.NewPCG(1, 2))
	plane := target{start: geo.LLA{Lat: 25.80, Lon: -97.25}, course: 20, speed: 60}
	for k := 0; k < 60; k++ {
		dt := float64(k) * 2.5
		at := t0.Add(time.Duration(dt * float64(time.Second)))
		if _, err := e.Apply(radarScan(rng, at, dt, 0, plane)); err != nil {
			t.Fatal(err)
		}
		e.Advance(at)
		if k >= 40 {
			c := confirmed(e)
			if len(c) != 1 || c[0].Class() != sensors.ClassAir {
				t.Fatalf("scan %d: %d confirmed tracks, first class %v; want one air track", k, len(c), c[0].Class())
			}
		}
	}
}
