package fusion

import "math"

// box is an axis-aligned rectangle in the engine's plane (east, north metres).
type box struct {
	lo, hi [2]float64
}

// intersects is the R-tree's test (tidwall/rtree rect.intersects): closed
// boxes, touching counts. Candidates found through a cellGrid pass it
// before anything else, so that they are exactly those an R-tree search of
// the same boxes would have visited.
func (b *box) intersects(lo, hi [2]float64) bool {
	return !(lo[0] > b.hi[0] || hi[0] < b.lo[0] || lo[1] > b.hi[1] || hi[1] < b.lo[1])
}

// bigHalf: a box whose half-size exceeds bigHalf times the mean one is
// kept apart in a cellGrid, so that one large box does not widen every
// query.
const bigHalf = 4

// cellGrid is a uniform grid of square cells over a set of boxes, each box
// listed in the one cell that holds its centre, in compressed rows: the
// boxes of cell c are items[start[c]:start[c+1]], by ascending index. A
// query widens the box asked about by reach, the largest half-size of a
// listed box, so that every box that may touch it is found without listing
// a box twice. It is rebuilt from scratch (its memory kept) for each use —
// a report's measurements, an Advance's confirmed tracks — and answers
// "which boxes may touch this one" with a few array reads where an R-tree
// search walks its nodes. Boxes much larger than the others (or not
// finite) are kept apart, candidates of every query.
type cellGrid struct {
	x0, y0 float64 // lower-left corner of cell 0
	inv    float64 // 1 / cell side
	reach  float64
	nx, ny int
	start  []int32
	items  []int32
	big    []int32
	cell   []int32 // scratch of build: each box's cell, -1 for a big one
}

// build indexes boxes (their positions in the slice are the answers' indices).
func (g *cellGrid) build(boxes []box) {
	n := len(boxes)
	g.big = g.big[:0]
	g.cell = growInt32(g.cell, n)
	// The extent of the finite boxes' centres, and their mean half-size.
	lo := [2]float64{math.Inf(1), math.Inf(1)}
	hi := [2]float64{math.Inf(-1), math.Inf(-1)}
	sum, finite := 0.0, 0
	for i := range boxes {
		b := &boxes[i]
		if !finiteBox(b) {
			g.cell[i] = -1
			continue
		}
		g.cell[i] = 0
		ce, cn := (b.lo[0]+b.hi[0])/2, (b.lo[1]+b.hi[1])/2
		lo[0], lo[1] = math.Min(lo[0], ce), math.Min(lo[1], cn)
		hi[0], hi[1] = math.Max(hi[0], ce), math.Max(hi[1], cn)
		sum += halfSize(b)
		finite++
	}
	g.nx, g.ny, g.reach = 0, 0, 0
	if finite > 0 {
		limit := bigHalf * sum / float64(finite)
		for i := range boxes {
			if g.cell[i] >= 0 {
				if h := halfSize(&boxes[i]); h > limit {
					g.cell[i] = -1
				} else {
					g.reach = math.Max(g.reach, h)
				}
			}
		}
		// A margin for rounding: the reach only has to be no less than any
		// listed box's half-size.
		g.reach = g.reach*(1+1e-9) + 1e-6
		// About one box per cell, and cells no smaller than the boxes.
		w, h := hi[0]-lo[0], hi[1]-lo[1]
		side := math.Max(math.Sqrt(w*h/float64(finite)), g.reach)
		side = math.Max(side, math.Max(w, h)/float64(finite))
		if !(side > 0) || math.IsInf(side, 0) {
			side = 1
		}
		g.x0, g.y0, g.inv = lo[0], lo[1], 1/side
		g.nx = min(int(w*g.inv)+1, finite)
		g.ny = min(int(h*g.inv)+1, finite)
	}
	nc := g.nx * g.ny
	g.start = growInt32(g.start, nc+1)
	clear(g.start)
	// Count, then place (by ascending index).
	for i := range boxes {
		if g.cell[i] < 0 {
			g.big = append(g.big, int32(i))
			continue
		}
		b := &boxes[i]
		x := g.clamp(((b.lo[0]+b.hi[0])/2-g.x0)*g.inv, g.nx)
		y := g.clamp(((b.lo[1]+b.hi[1])/2-g.y0)*g.inv, g.ny)
		c := int32(y*g.nx + x)
		g.cell[i] = c
		g.start[c+1]++
	}
	for c := 1; c <= nc; c++ {
		g.start[c] += g.start[c-1]
	}
	g.items = growInt32(g.items, int(g.start[nc]))
	for i, c := range g.cell {
		if c >= 0 {
			g.items[g.start[c]] = int32(i)
			g.start[c]++
		}
	}
	// Placing moved each start to the next cell's: move them back.
	copy(g.start[1:], g.start[:nc])
	g.start[0] = 0
}

// clamp returns the cell index of v (in cells from the grid's edge) within 0..n-1.
func (g *cellGrid) clamp(v float64, n int) int {
	switch {
	case !(v >= 0):
		return 0
	case v >= float64(n-1):
		return n - 1
	}
	return int(v)
}

// query appends to dst, each once, the boxes held by the cells that lo–hi,
// widened by the grid's reach, overlaps, and the big ones: a superset of
// the boxes it touches (the caller tests each one), in no particular order.
func (g *cellGrid) query(dst []int32, lo, hi [2]float64) []int32 {
	dst = append(dst, g.big...)
	if g.nx == 0 {
		return dst
	}
	if !finite2(lo) || !finite2(hi) {
		return append(dst, g.items...)
	}
	x0 := (lo[0] - g.reach - g.x0) * g.inv
	y0 := (lo[1] - g.reach - g.y0) * g.inv
	x1 := (hi[0] + g.reach - g.x0) * g.inv
	y1 := (hi[1] + g.reach - g.y0) * g.inv
	if x1 < 0 || y1 < 0 {
		return dst // below every centre by more than the reach
	}
	// (Beyond the last row or column, the last ones: they hold what lies there.)
	cx0, cy0, cx1, cy1 := g.clamp(x0, g.nx), g.clamp(y0, g.ny), g.clamp(x1, g.nx), g.clamp(y1, g.ny)
	for y := cy0; y <= cy1; y++ {
		row := y * g.nx
		dst = append(dst, g.items[g.start[row+cx0]:g.start[row+cx1+1]]...)
	}
	return dst
}

// halfSize is the larger half-side of a box.
func halfSize(b *box) float64 {
	return math.Max(b.hi[0]-b.lo[0], b.hi[1]-b.lo[1]) / 2
}

func finiteBox(b *box) bool {
	// A non-finite corner (or an overflowing size) makes the sum NaN or ±Inf.
	d := (b.hi[0] - b.lo[0]) + (b.hi[1] - b.lo[1])
	return d-d == 0 && b.lo[0] <= b.hi[0] && b.lo[1] <= b.hi[1]
}
