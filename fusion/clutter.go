package fusion

import (
	"cmp"
	"math"
	"slices"
)

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

// tileCells is the side of a tile of cells; the map is a hash of tiles, each
// a dense array, so that a lookup touches little memory however large the
// picture.
const tileCells = 64

type tileKey struct {
	sensor int32
	x, y   int32
}

// clutterTile holds the densities of tileCells² cells; 0 means not learnt yet.
type clutterTile [tileCells][tileCells]float32

type clutterMap struct {
	prior  float64
	tiles  map[tileKey]*clutterTile
	counts []cellCount // scratch: unassigned detections of this scan, by cell
	// the last tile looked up, a cache for runs of lookups in one area
	lastKey  tileKey
	lastTile *clutterTile
}

func newClutterMap(prior float64) *clutterMap {
	return &clutterMap{prior: prior, tiles: map[tileKey]*clutterTile{}}
}

func cellOf(e, n float64) (int32, int32) {
	return int32(math.Floor(e / clutterCell)), int32(math.Floor(n / clutterCell))
}

// tile returns the tile of sensor s holding cell (x, y) and the cell's place
// in it; with create, a missing tile is made.
func (c *clutterMap) tile(s *Sensor, x, y int32, create bool) (*clutterTile, int32, int32) {
	tx, ty := floorDiv(x, tileCells), floorDiv(y, tileCells)
	k := tileKey{s.index, tx, ty}
	t := c.lastTile
	if t == nil || k != c.lastKey {
		t = c.tiles[k]
		if t == nil {
			if !create {
				return nil, 0, 0
			}
			t = new(clutterTile)
			c.tiles[k] = t
		}
		c.lastKey, c.lastTile = k, t
	}
	return t, x - tx*tileCells, y - ty*tileCells
}

func floorDiv(a, b int32) int32 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// density returns the clutter density of sensor s at (e, n).
func (c *clutterMap) density(s *Sensor, e, n float64) float64 {
	x, y := cellOf(e, n)
	t, i, j := c.tile(s, x, y, false)
	if t == nil || t[i][j] == 0 {
		return c.prior
	}
	return float64(t[i][j])
}

// learn updates the cells covered by one scan of s from (pe, pn) with the
// measurements no track took. A wide-area sensor covers thousands of cells,
// nearly all without a detection: the scan's detections are counted into a
// list sorted by cell, and the walk over the coverage (a chord of cells per
// column) meets them in the same order, with no lookup per cell.
func (c *clutterMap) learn(s *Sensor, pe, pn float64, meas []measurement) {
	cc := c.counts[:0]
	for i := range meas {
		m := &meas[i]
		if m.assigned || m.rejected {
			continue
		}
		x, y := cellOf(m.E, m.N)
		cc = append(cc, cellCount{x: x, y: y, n: 1})
	}
	slices.SortFunc(cc, func(a, b cellCount) int {
		if a.x != b.x {
			return cmp.Compare(a.x, b.x)
		}
		return cmp.Compare(a.y, b.y)
	})
	if len(cc) > 1 { // one entry per cell, its count summed
		w := 0
		for _, e := range cc[1:] {
			if e.x == cc[w].x && e.y == cc[w].y {
				cc[w].n += e.n
				continue
			}
			w++
			cc[w] = e
		}
		cc = cc[:w+1]
	}
	c.counts = cc
	area := clutterCell * clutterCell
	visit := func(x, y int32, n int) {
		t, i, j := c.tile(s, x, y, true)
		d := float64(t[i][j])
		if d == 0 {
			d = c.prior
		}
		d = (1-clutterAlpha)*d + clutterAlpha*float64(n)/area
		t[i][j] = float32(math.Max(d, clutterFloor))
	}
	if s.RangeM <= 0 {
		// Unlimited coverage: only the cells where something was seen learn.
		for _, e := range cc {
			visit(e.x, e.y, e.n)
		}
		return
	}
	x0, y0 := cellOf(pe-s.RangeM, pn-s.RangeM)
	x1, y1 := cellOf(pe+s.RangeM, pn+s.RangeM)
	k := 0 // the next counted cell, in (x, y) order
	for x := x0; x <= x1; x++ {
		ce := (float64(x) + 0.5) * clutterCell
		dx := ce - pe
		if math.Abs(dx) > s.RangeM {
			continue
		}
		// The cells of this column whose centres may lie in the coverage (a
		// cell of margin each side; the exact test below decides).
		h := math.Sqrt(s.RangeM*s.RangeM - dx*dx)
		_, lo := cellOf(0, pn-h)
		_, hi := cellOf(0, pn+h)
		lo, hi = max(lo-1, y0), min(hi+1, y1)
		for y := lo; y <= hi; y++ {
			for k < len(cc) && (cc[k].x < x || cc[k].x == x && cc[k].y < y) {
				k++
			}
			// Two cells in from the chord's ends a centre is in range by
			// half a cell at least: only the ends need the exact test.
			if y < lo+2 || y > hi-2 {
				cn := (float64(y) + 0.5) * clutterCell
				if math.Hypot(dx, cn-pn) > s.RangeM {
					continue
				}
			}
			n := 0
			if k < len(cc) && cc[k].x == x && cc[k].y == y {
				n = cc[k].n
			}
			visit(x, y, n)
		}
	}
}

// cellCount is the number of unassigned detections of one scan in a cell.
type cellCount struct {
	x, y int32
	n    int
}
