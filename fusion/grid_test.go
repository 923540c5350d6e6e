package fusion

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/vigia-project/vigia/geo"
	"github.com/vigia-project/vigia/sensors"
)

// A grid query finds every box that touches the one asked about, each
// once, whatever the boxes' sizes (a few huge, some not finite, some flat).
func TestCellGridFindsEveryTouchingBox(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var g cellGrid
	for round := 0; round < 50; round++ {
		n := 1 + rng.IntN(300)
		boxes := make([]box, n)
		for i := range boxes {
			ce, cn := rng.Float64()*50000-25000, rng.Float64()*20000
			w, h := rng.ExpFloat64()*400, rng.ExpFloat64()*400
			switch rng.IntN(40) {
			case 0:
				w *= 100 // a huge one
			case 1:
				w, h = 0, 0 // a point
			case 2:
				ce = math.NaN()
			case 3:
				w = math.Inf(1)
			}
			boxes[i] = box{lo: [2]float64{ce - w, cn - h}, hi: [2]float64{ce + w, cn + h}}
		}
		g.build(boxes)
		for q := 0; q < 200; q++ {
			ce, cn := rng.Float64()*70000-35000, rng.Float64()*30000-5000
			r := rng.ExpFloat64() * 1000
			lo, hi := [2]float64{ce - r, cn - r}, [2]float64{ce + r, cn + r}
			if q == 0 {
				lo[0] = math.NaN()
			}
			got := g.query(nil, lo, hi)
			seen := map[int32]bool{}
			for _, i := range got {
				if seen[i] {
					t.Fatalf("round %d: box %d found twice", round, i)
				}
				seen[i] = true
			}
			for i := range boxes {
				if boxes[i].intersects(lo, hi) && !seen[int32(i)] {
					t.Fatalf("round %d: box %d %+v touches %v–%v but was not found", round, i, boxes[i], lo, hi)
				}
			}
		}
	}
}

// denseScene returns radar scans every 2.5 s of n targets in clutter, with
// an AIS report of some of them between scans (one identity per target,
// and now and then another vessel's identity close to a target).
func denseScene(n, clutter int, scans int) []*sensors.Report {
	rng := rand.New(rand.NewPCG(5, 6))
	tgs := make([]target, n)
	for i := range tgs {
		tgs[i] = target{start: geo.Destination(radarPos, 20+rng.Float64()*150, 5000+rng.Float64()*40000),
			course: rng.Float64() * 360, speed: rng.Float64() * 15}
	}
	var out []*sensors.Report
	for k := 0; k < scans; k++ {
		dt := float64(k) * 2.5
		at := t0.Add(time.Duration(dt * float64(time.Second)))
		r := radarScan(rng, at, dt, clutter, tgs...)
		r.Detections = slices.DeleteFunc(r.Detections, func(sensors.Detection) bool { return rng.Float64() < 0.1 })
		out = append(out, r)
		for j := 0; j < 3; j++ {
			i := rng.IntN(min(n, 40))
			p := tgs[i].at(dt + 1)
			mmsi := uint32(367000000 + i)
			if rng.IntN(10) == 0 {
				mmsi++ // another vessel's identity inside the gate
			}
			out = append(out, &sensors.Report{Sensor: "ais", Time: at.Add(time.Second), Detections: []sensors.Detection{{
				Lat: p.Lat, Lon: p.Lon, SigmaM: 10, ID: &sensors.Identity{MMSI: mmsi}}}})
		}
	}
	return out
}

// quickPos computes, to the bit, the position part of quickState.
func TestQuickPosIsQuickState(t *testing.T) {
	e := testEngine(t)
	reports := denseScene(200, 40, 12)
	for _, r := range reports {
		if _, err := e.Apply(r); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	for _, tr := range e.Tracks() {
		for _, dt := range []time.Duration{-time.Second, 0, 1500 * time.Millisecond, 47 * time.Second} {
			at := e.Now().Add(dt)
			x, P := tr.quickState(at)
			q := tr.quickPos(at)
			if q.x != x || q.a != P[0][0] || q.b != P[0][1] || q.c != P[1][1] || q.sigma != posSigma(&P) {
				t.Fatalf("track %d at %v: %v %v %v %v %v against %v %v", tr.id, dt, q.x, q.a, q.b, q.c, q.sigma, x, P)
			}
			n++
		}
	}
	if n < 400 {
		t.Fatalf("only %d checks", n)
	}
}

// BenchmarkDenseScans is the engine alone (Apply, and Advance every second)
// on 5 minutes of dense radar scans (2.5 s) and a few AIS reports.
func BenchmarkDenseScans(b *testing.B) {
	for _, sc := range []struct{ targets, clutter int }{{100, 200}, {1000, 20}} {
		reports := denseScene(sc.targets, sc.clutter, 120)
		dets := 0
		for _, r := range reports {
			dets += len(r.Detections)
		}
		b.Run(fmt.Sprintf("targets=%d/clutter=%d", sc.targets, sc.clutter), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				e := testEngine(b)
				next := reports[0].Time
				for _, r := range reports {
					for !next.After(r.Time) {
						e.Advance(next)
						next = next.Add(time.Second)
					}
					if _, err := e.Apply(r); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(dets)*float64(b.N)/b.Elapsed().Seconds(), "det/s")
		})
	}
}
