package fusion

import (
	"math"
	"math/rand/v2"
	"testing"
)

// learnReference is the clutter map's update written plainly: every cell
// of the coverage's bounding square whose centre is in range moves towards
// the count of unassigned detections in it.
func learnReference(c *clutterMap, s *Sensor, pe, pn float64, meas []measurement) {
	counts := map[[2]int32]int{}
	for i := range meas {
		if m := &meas[i]; !m.assigned && !m.rejected {
			x, y := cellOf(m.E, m.N)
			counts[[2]int32{x, y}]++
		}
	}
	visit := func(x, y int32) {
		t, i, j := c.tile(s, x, y, true)
		d := float64(t[i][j])
		if d == 0 {
			d = c.prior
		}
		d = (1-clutterAlpha)*d + clutterAlpha*float64(counts[[2]int32{x, y}])/(clutterCell*clutterCell)
		t[i][j] = float32(math.Max(d, clutterFloor))
	}
	if s.RangeM <= 0 {
		for k := range counts {
			visit(k[0], k[1])
		}
		return
	}
	x0, y0 := cellOf(pe-s.RangeM, pn-s.RangeM)
	x1, y1 := cellOf(pe+s.RangeM, pn+s.RangeM)
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			if math.Hypot((float64(x)+0.5)*clutterCell-pe, (float64(y)+0.5)*clutterCell-pn) <= s.RangeM {
				visit(x, y)
			}
		}
	}
}

// The clutter map's learn (sorted counts met along chords of the coverage)
// leaves every cell exactly as the plain update does, for sensors of every
// range (and unlimited), anywhere in the plane, over many scans.
func TestClutterLearnMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, rangeM := range []float64{0, 2000, 48000, 120000, 370000} {
		s := &Sensor{RangeM: rangeM, index: 1}
		fast, ref := newClutterMap(1e-8), newClutterMap(1e-8)
		pe, pn := (rng.Float64()-0.5)*400000, (rng.Float64()-0.5)*400000
		for scan := 0; scan < 30; scan++ {
			r := rangeM
			if r == 0 {
				r = 200000
			}
			var meas []measurement
			for i := rng.IntN(300); i > 0; i-- {
				a, d := rng.Float64()*2*math.Pi, r*math.Sqrt(rng.Float64())
				m := measurement{}
				m.E, m.N = pe+d*math.Sin(a), pn+d*math.Cos(a)
				m.assigned = rng.IntN(4) == 0
				meas = append(meas, m)
				if rng.IntN(10) == 0 { // several in one cell
					meas = append(meas, m)
				}
			}
			fast.learn(s, pe, pn, meas)
			learnReference(ref, s, pe, pn, meas)
		}
		if len(fast.tiles) != len(ref.tiles) {
			t.Fatalf("range %.0f: %d tiles, reference %d", rangeM, len(fast.tiles), len(ref.tiles))
		}
		for k, rt := range ref.tiles {
			ft := fast.tiles[k]
			if ft == nil || *ft != *rt {
				t.Fatalf("range %.0f: tile %v differs from the reference", rangeM, k)
			}
		}
	}
}
