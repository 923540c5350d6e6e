package fusion

import "math"

// The clutter map learns, per sensor and per cell of the plane, how many
// false detections a scan brings: after every scan, each cell inside the
// sensor's coverage moves its estimate towards the number of detections that
// no track took there (an exponentially weighted mean). The track score
// divides a detection's likelihood by this density, so the same settings
// hold in a calm sea and in heavy clutter.

const (
	clutterCell  = 5000.0 // m
	clutterAlpha = 0.05   // weight of one scan
	clutterFloor = 1e-11  // per m² per scan: never believe a cell perfectly clean
)

type cellKey struct {
	sensor int32
	x, y   int32
}

type clutterMap struct {
	prior  float64
	cells  map[cellKey]float64 // density per m² per scan
	counts map[cellKey]int     // scratch: unassigned detections of this scan
}

func newClutterMap(prior float64) *clutterMap {
	return &clutterMap{prior: prior, cells: map[cellKey]float64{}, counts: map[cellKey]int{}}
}

func cellOf(e, n float64) (int32, int32) {
	return int32(math.Floor(e / clutterCell)), int32(math.Floor(n / clutterCell))
}

// density returns the clutter density of sensor s at (e, n).
func (c *clutterMap) density(s *Sensor, e, n float64) float64 {
	x, y := cellOf(e, n)
	if d, ok := c.cells[cellKey{s.index, x, y}]; ok {
		return math.Max(d, clutterFloor)
	}
	return c.prior
}

// learn updates the cells covered by one scan of s from (pe, pn) with the
// measurements no track took.
func (c *clutterMap) learn(s *Sensor, pe, pn float64, meas []measurement) {
	clear(c.counts)
	for i := range meas {
		m := &meas[i]
		if m.assigned || m.rejected {
			continue
		}
		x, y := cellOf(m.E, m.N)
		c.counts[cellKey{s.index, x, y}]++
	}
	area := clutterCell * clutterCell
	visit := func(k cellKey) {
		d, ok := c.cells[k]
		if !ok {
			d = c.prior
		}
		c.cells[k] = (1-clutterAlpha)*d + clutterAlpha*float64(c.counts[k])/area
	}
	if s.RangeM <= 0 {
		// Unlimited coverage: only the cells where something was seen learn.
		for k := range c.counts {
			visit(k)
		}
		return
	}
	x0, y0 := cellOf(pe-s.RangeM, pn-s.RangeM)
	x1, y1 := cellOf(pe+s.RangeM, pn+s.RangeM)
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			ce, cn := (float64(x)+0.5)*clutterCell, (float64(y)+0.5)*clutterCell
			if math.Hypot(ce-pe, cn-pn) > s.RangeM {
				continue
			}
			visit(cellKey{s.index, x, y})
		}
	}
}
