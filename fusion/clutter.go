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
	counts map[[2]int32]int // scratch: unassigned detections of this scan, by cell
	// the last tile looked up, a cache for runs of lookups in one area
	lastKey  tileKey
	lastTile *clutterTile
}

func newClutterMap(prior float64) *clutterMap {
	return &clutterMap{prior: prior, tiles: map[tileKey]*clutterTile{}, counts: map[[2]int32]int{}}
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
// measurements no track took.
func (c *clutterMap) learn(s *Sensor, pe, pn float64, meas []measurement) {
	clear(c.counts)
	for i := range meas {
		m := &meas[i]
		if m.assigned || m.rejected {
			continue
		}
		x, y := cellOf(m.E, m.N)
		c.counts[[2]int32{x, y}]++
	}
	area := clutterCell * clutterCell
	visit := func(x, y int32) {
		t, i, j := c.tile(s, x, y, true)
		d := float64(t[i][j])
		if d == 0 {
			d = c.prior
		}
		d = (1-clutterAlpha)*d + clutterAlpha*float64(c.counts[[2]int32{x, y}])/area
		t[i][j] = float32(math.Max(d, clutterFloor))
	}
	if s.RangeM <= 0 {
		// Unlimited coverage: only the cells where something was seen learn.
		for k := range c.counts {
			visit(k[0], k[1])
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
			visit(x, y)
		}
	}
}
