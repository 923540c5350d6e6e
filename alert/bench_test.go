package alert

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/vigia-project/vigia/fusion"
	"github.com/vigia-project/vigia/geo"
)

// BenchmarkEvaluate is one pass of all nine rules (routing, intercept
// planning, revisions) over a picture of 200 confirmed tracks: dark vessels
// and AIS traffic off the Rio Grande. ns/op is per pass; per track is that
// divided by 200.
func BenchmarkEvaluate(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 5))
	var vs []vessel
	for i := 0; i < 200; i++ {
		v := vessel{start: geo.LLA{Lat: 25.85 + rng.Float64()*0.45, Lon: -97.1 + rng.Float64()*0.45},
			course: rng.Float64() * 360, speed: rng.Float64() * 15}
		if i%2 == 0 {
			v.mmsi = 367000000 + uint32(i)
		}
		vs = append(vs, v)
	}
	o := world{vessels: vs, dur: 2 * time.Minute, params: allRules(), seed: 3}.run(b)
	now := t0.Add(2 * time.Minute)
	conf := 0
	for _, tr := range o.eng.Tracks() {
		if tr.Status() == fusion.Confirmed {
			conf++
		}
	}
	b.ReportMetric(float64(conf), "confirmed")
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		o.m.Evaluate(now.Add(time.Duration(i)*time.Second), o.eng)
	}
}
