package geo

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// The grid cache answers most At queries with two array lookups.
//
// It covers the bounding box of the country and overlay polygons (all their
// rings), plus one block on every side, with a two-level grid aligned with the polygon tiles
// (see insert): blocks of gridSub×gridSub sub-cells per tile, or of several
// tiles for large data sets. A sub-cell whose shrunken rectangle no polygon
// edge (of any ring, of any country or overlay polygon, tiled or whole)
// meets holds a single answer for all its points, stored once; other
// sub-cells are "mixed" and fall back to the exact search.
//
// Why this gives the exact answers: the planar point-in-polygon test (pip.go)
// can only err for points within about 1e-14° of an edge (its slope
// comparison is exact up to a few ulps of the segment's extent; points on a
// vertex's vertical are nudged by one ulp, as if the ray ran just east).
// Away from edges it computes the parity of crossings of a closed
// polyline, which is constant on every connected region that no edge meets,
// and so is every polygon's containment and hence At's answer (the R-tree
// bound filter only drops polygons that cannot hold the point). The cache
// marks a sub-cell mixed when an edge meets its rectangle shrunk by
// gridRho (sub-cell units), and serves only points at least gridDelta from
// the sub-cell's borders (as computed): those lie at least
// gridDelta−gridRho (≈3e-9° for 0.1°/32 sub-cells) from every edge, far
// beyond the rounding of the lookup or of the test. Tile seams run along
// sub-cell borders, so they mark nothing. Outside the grid no polygon's
// bound holds the point, so the answer is the zero Zone.
//
// A sub-cell that only axis-parallel edges meet, such as the seams between
// the built-in contiguous zone's raster strips, is not mixed when all its
// faces between those edges give the same answer (see faces).
//
// Answers are computed with the exact search at one point per region: a
// whole block when no edge meets it, else per sub-cell, joining
// neighbouring sub-cells whose centres are linked by an edge-free segment
// (a flood fill, so that a block costs a few searches rather than one per
// sub-cell).
//
// The coastline bound of a block (coastLB) is the distance from the block
// to the nearest coastline segment, in the metric of segIndex.nearest with
// the smallest metres per degree over the block's latitudes, less a metre:
// no query in the block with a smaller maxM can find a coastline.
const (
	gridSub       = 32      // sub-cells per tile side (0.1°/32 = 0.003125°)
	gridMaxBlocks = 1 << 19 // blocks; larger extents use coarser blocks
	gridMaxScale  = 16      // at most this many tiles per block side
	gridMaxCells  = 1 << 22 // sub-cells held (8 MB); further mixed blocks fall back
	gridRho       = 1e-7    // shrink of a cell's rectangle when testing edges (sub-cells)
	gridDelta     = 1e-6    // points nearer a sub-cell border use the exact search
	gridLink      = 1e-7    // half-width of the links between sub-cell centres

	gridUniform = 1 << 31        // block entry flag: the low 16 bits are its code
	gridMaxCode = math.MaxUint16 // codes are below

	// coastLBCap caps the per-block lower bound of coastline distance (m).
	coastLBCap = 100e3
)

// zoneGrid is the grid cache of At (and the coastline distance bound of
// CoastDistance). It is immutable once built.
type zoneGrid struct {
	x0, y0       float64 // lon, lat of the grid's south-west corner
	inv          float64 // sub-cells per degree
	fcols, frows float64 // size in sub-cells
	shift        uint    // log2 of sub-cells per block side
	bcols, brows int     // size in blocks

	// blocks holds per block either gridUniform|code or the offset in
	// cells of its sub-cells (row-major). Code 0 means mixed: use the
	// exact search; code c > 0 means zones[c-1].
	blocks []uint32
	cells  []uint16
	zones  []Zone

	// coastLB is per block a lower bound (m) of the planar distance, as
	// segIndex.nearest measures it, from any point of the block to any
	// coastline segment; nil without coastlines.
	coastLB []float32
}

// bytes is the memory held by g.
func (g *zoneGrid) bytes() int {
	if g == nil {
		return 0
	}
	return len(g.blocks)*4 + len(g.cells)*2 + len(g.coastLB)*4 + len(g.zones)*32
}

// at returns the cached answer for (lat, lon), finite; ok is false when the
// exact search must answer.
func (g *zoneGrid) at(lat, lon float64) (zn Zone, ok bool) {
	fx := (lon - g.x0) * g.inv
	fy := (lat - g.y0) * g.inv
	if !(fx >= 0 && fy >= 0 && fx < g.fcols && fy < g.frows) {
		return Zone{}, true // beyond every polygon's bound
	}
	ix, iy := int(fx), int(fy)
	if d := fx - float64(ix); d < gridDelta || d > 1-gridDelta {
		return Zone{}, false
	}
	if d := fy - float64(iy); d < gridDelta || d > 1-gridDelta {
		return Zone{}, false
	}
	e := g.blocks[(iy>>g.shift)*g.bcols+ix>>g.shift]
	var code uint32
	if e&gridUniform != 0 {
		code = e & math.MaxUint16
	} else {
		m := 1<<g.shift - 1
		code = uint32(g.cells[int(e)+(iy&m)<<g.shift+ix&m])
	}
	if code == 0 {
		return Zone{}, false
	}
	return g.zones[code-1], true
}

// coastFar reports whether no coastline lies within maxM of (lat, lon),
// finite, by the block's bound.
func (g *zoneGrid) coastFar(lat, lon, maxM float64) bool {
	if g.coastLB == nil {
		return false
	}
	fx := (lon - g.x0) * g.inv
	fy := (lat - g.y0) * g.inv
	if !(fx >= 0 && fy >= 0 && fx < g.fcols && fy < g.frows) {
		return false
	}
	return maxM < float64(g.coastLB[(int(fy)>>g.shift)*g.bcols+int(fx)>>g.shift])
}

// gridWalk calls mark(c, r) for every cell 0 ≤ c < cols, 0 ≤ r < rows whose
// rectangle [c+ox, c+ox+wx] × [r+oy, r+oy+wy] meets the segment a–b (grid
// units). It may repeat a cell.
func gridWalk(ax, ay, bx, by, ox, oy, wx, wy float64, cols, rows int, mark func(c, r int)) {
	xmin, xmax := math.Min(ax, bx), math.Max(ax, bx)
	ymin, ymax := math.Min(ay, by), math.Max(ay, by)
	c0 := math.Max(math.Ceil(xmin-ox-wx), 0)
	c1 := math.Min(math.Floor(xmax-ox), float64(cols-1))
	for cf := c0; cf <= c1; cf++ {
		lo := math.Max(xmin, cf+ox)
		hi := math.Min(xmax, cf+ox+wx)
		if lo > hi {
			continue
		}
		ylo, yhi := ymin, ymax
		if bx != ax {
			k := (by - ay) / (bx - ax)
			y1, y2 := ay+(lo-ax)*k, ay+(hi-ax)*k
			ylo = math.Max(ymin, math.Min(y1, y2))
			yhi = math.Min(ymax, math.Max(y1, y2))
		}
		r0 := math.Max(math.Ceil(ylo-oy-wy), 0)
		r1 := math.Min(math.Floor(yhi-oy), float64(rows-1))
		for rf := r0; rf <= r1; rf++ {
			mark(int(cf), int(rf))
		}
	}
}

// gridBuilder holds the scratch state of buildGrid.
type gridBuilder struct {
	z          *Zones
	g          *zoneGrid
	n          int // sub-cells per block side
	cols, rows int // grid size in sub-cells
	codes      map[Zone]uint32

	// Per held sub-cell (index in g.cells): flags, and the first of its
	// list of touching edges in recs (-1: none).
	flags []uint8
	head  []int32
	recs  []touchRec
}

// touchRec records that edge j (from vertex j to the next) of ring ring of
// polygon poly, axis-parallel, meets a sub-cell.
type touchRec struct {
	next, poly, ring, j int32
}

// Sub-cell flags.
const (
	cellTouched  = 1 << iota // an edge meets the cell
	cellSlanted              // a slanted edge meets it: mixed
	cellCutEast              // an edge meets the link to the east neighbour's centre
	cellCutNorth             // an edge meets the link to the north neighbour's centre
)

// buildGrid builds z's grid cache (z.grid stays nil when z has no polygons
// or spans too much).
func (z *Zones) buildGrid() {
	if len(z.polys) == 0 {
		return
	}
	// All rings, holes too: the edges must lie in the grid (where their
	// coordinates are small enough for the margins).
	b := z.polys[0].bounds[0]
	for i := range z.polys {
		for _, rb := range z.polys[i].bounds {
			b = b.Union(rb)
		}
	}
	t0x := math.Floor((b.Min[0] - tileOffset) / tileDeg)
	t1x := math.Floor((b.Max[0] - tileOffset) / tileDeg)
	t0y := math.Floor((b.Min[1] - tileOffset) / tileDeg)
	t1y := math.Floor((b.Max[1] - tileOffset) / tileDeg)
	scale := 1
	var bx0, by0, bcols, brows float64
	for {
		s := float64(scale)
		bx0, by0 = math.Floor(t0x/s)-1, math.Floor(t0y/s)-1
		bcols, brows = math.Floor(t1x/s)+1-bx0+1, math.Floor(t1y/s)+1-by0+1
		if bcols*brows <= gridMaxBlocks {
			break
		}
		if scale *= 2; scale > gridMaxScale {
			return
		}
	}
	n := gridSub * scale
	g := &zoneGrid{
		x0:    tileOffset + bx0*float64(scale)*tileDeg,
		y0:    tileOffset + by0*float64(scale)*tileDeg,
		inv:   gridSub / tileDeg,
		fcols: bcols * float64(n),
		frows: brows * float64(n),
		shift: uint(math.Log2(float64(n))),
		bcols: int(bcols),
		brows: int(brows),
	}
	bd := &gridBuilder{z: z, g: g, n: n, cols: int(bcols) * n, rows: int(brows) * n, codes: map[Zone]uint32{}}
	bd.blocks()
	bd.subCells()
	g.buildCoastLB(&z.coastSegs)
	z.grid = g
}

// code returns the code of zn (0 when there are too many answers).
func (bd *gridBuilder) code(zn Zone) uint32 {
	c, ok := bd.codes[zn]
	if !ok {
		if len(bd.g.zones) >= gridMaxCode-1 {
			return 0
		}
		bd.g.zones = append(bd.g.zones, zn)
		c = uint32(len(bd.g.zones))
		bd.codes[zn] = c
	}
	return c
}

// edges calls f with every polygon edge, its ends in sub-cell units.
func (bd *gridBuilder) edges(f func(poly, ring, j int, ax, ay, bx, by float64)) {
	g := bd.g
	for i := range bd.z.polys {
		for ri, r := range bd.z.polys[i].poly {
			for j := range r {
				p, q := r[j], r[(j+1)%len(r)]
				f(i, ri, j, (p[0]-g.x0)*g.inv, (p[1]-g.y0)*g.inv, (q[0]-g.x0)*g.inv, (q[1]-g.y0)*g.inv)
			}
		}
	}
}

// blocks fills g.blocks: the answer of blocks that no edge meets, room in
// g.cells for the others (while it lasts).
func (bd *gridBuilder) blocks() {
	g, n := bd.g, bd.n
	fn := float64(n)
	g.blocks = make([]uint32, g.bcols*g.brows)
	mixed := make([]bool, len(g.blocks))
	rho := gridRho / fn
	bd.edges(func(_, _, _ int, ax, ay, bx, by float64) {
		gridWalk(ax/fn, ay/fn, bx/fn, by/fn, rho, rho, 1-2*rho, 1-2*rho, g.bcols, g.brows, func(c, r int) {
			mixed[r*g.bcols+c] = true
		})
	})
	held := 0
	for i := range g.blocks {
		switch {
		case !mixed[i]:
			c, r := i%g.bcols, i/g.bcols
			lat := g.y0 + (float64(r)+0.5)*fn/g.inv
			lon := g.x0 + (float64(c)+0.5)*fn/g.inv
			g.blocks[i] = gridUniform | bd.code(bd.z.atExact(lat, lon))
		case held+n*n <= gridMaxCells:
			g.blocks[i] = uint32(held)
			held += n * n
		default:
			g.blocks[i] = gridUniform // mixed, no room: always search
		}
	}
	g.cells = make([]uint16, held)
}

// cell returns the index in g.cells of sub-cell (c, r), -1 if its block
// holds none.
func (bd *gridBuilder) cell(c, r int) int {
	e := bd.g.blocks[(r/bd.n)*bd.g.bcols+c/bd.n]
	if e&gridUniform != 0 {
		return -1
	}
	return int(e) + (r%bd.n)*bd.n + c%bd.n
}

// subCells fills the sub-cells of the held blocks.
func (bd *gridBuilder) subCells() {
	g, z := bd.g, bd.z
	bd.flags = make([]uint8, len(g.cells))
	bd.head = make([]int32, len(g.cells))
	for i := range bd.head {
		bd.head[i] = -1
	}
	const rho, wid = gridRho, 1 - 2*gridRho
	bd.edges(func(poly, ring, j int, ax, ay, bx, by float64) {
		rg := z.polys[poly].poly[ring]
		p, q := rg[j], rg[(j+1)%len(rg)]
		straight := p[0] == q[0] || p[1] == q[1]
		gridWalk(ax, ay, bx, by, rho, rho, wid, wid, bd.cols, bd.rows, func(c, r int) {
			k := bd.cell(c, r)
			if k < 0 {
				return
			}
			bd.flags[k] |= cellTouched
			if !straight || len(bd.recs) >= math.MaxInt32 {
				bd.flags[k] |= cellSlanted // mixed
			} else if bd.flags[k]&cellSlanted == 0 {
				bd.recs = append(bd.recs, touchRec{next: bd.head[k], poly: int32(poly), ring: int32(ring), j: int32(j)})
				bd.head[k] = int32(len(bd.recs) - 1)
			}
		})
		const o, l = 0.5 - gridLink, 2 * gridLink
		gridWalk(ax, ay, bx, by, o, o, 1+l, l, bd.cols, bd.rows, func(c, r int) {
			if k := bd.cell(c, r); k >= 0 {
				bd.flags[k] |= cellCutEast
			}
		})
		gridWalk(ax, ay, bx, by, o, o, l, 1+l, bd.cols, bd.rows, func(c, r int) {
			if k := bd.cell(c, r); k >= 0 {
				bd.flags[k] |= cellCutNorth
			}
		})
	})

	n := bd.n
	var stack []int
	var fc faceScratch
	for i, e := range g.blocks {
		if e&gridUniform != 0 {
			continue
		}
		base := int(e)
		c0, r0 := (i%g.bcols)*n, (i/g.bcols)*n
		// The polygons whose bounds meet the block.
		fc.near = fc.near[:0]
		lo := orb.Point{g.x0 + float64(c0)/g.inv, g.y0 + float64(r0)/g.inv}
		hi := orb.Point{g.x0 + float64(c0+n)/g.inv, g.y0 + float64(r0+n)/g.inv}
		z.tree.Search(lo, hi, func(_, _ [2]float64, i int32) bool {
			fc.near = append(fc.near, int(i))
			return true
		})
		for k := base; k < base+n*n; k++ {
			if g.cells[k] != 0 {
				continue // filled by the flood below
			}
			c, r := c0+(k-base)%n, r0+(k-base)/n
			switch f := bd.flags[k]; {
			case f&cellSlanted != 0:
				continue // mixed
			case f&cellTouched != 0:
				g.cells[k] = uint16(bd.faces(&fc, k, c, r))
				continue
			}
			// Untouched: one search, spread to the untouched sub-cells
			// linked to it.
			code := uint16(bd.code(z.atExact(g.y0+(float64(r)+0.5)/g.inv, g.x0+(float64(c)+0.5)/g.inv)))
			if code == 0 {
				continue
			}
			g.cells[k] = code
			stack = append(stack[:0], k)
			for len(stack) > 0 {
				k := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				x, y := (k-base)%n, (k-base)/n
				try := func(k2 int) {
					if g.cells[k2] == 0 && bd.flags[k2]&cellTouched == 0 {
						g.cells[k2] = code
						stack = append(stack, k2)
					}
				}
				if x+1 < n && bd.flags[k]&cellCutEast == 0 {
					try(k + 1)
				}
				if x > 0 && bd.flags[k-1]&cellCutEast == 0 {
					try(k - 1)
				}
				if y+1 < n && bd.flags[k]&cellCutNorth == 0 {
					try(k + n)
				}
				if y > 0 && bd.flags[k-n]&cellCutNorth == 0 {
					try(k - n)
				}
			}
		}
	}
}

// faceScratch is reused by faces.
type faceScratch struct {
	near   []int // polygons whose bounds meet the block
	polys  []int
	xs, ys []float64
	sx, sy []float64
}

// faces returns the code of sub-cell k = (c, r), which only axis-parallel
// edges meet, or 0 if its points differ.
//
// Those edges split the cell into faces (open rectangles, open segments
// and points, between the lines through the edges and their ends) on each
// of which every polygon meeting the cell either holds all points or none:
// point-in-polygon decides exactly near axis-parallel edges (comparisons
// of coordinates, no arithmetic), and the cell's points, at least
// gridDelta/2 inside it, are far from the other edges. One point per face
// gives the answer there; polygons meeting no edge of the cell hold all of
// it or none of it, as for an untouched cell, and are found at its centre.
func (bd *gridBuilder) faces(fc *faceScratch, k, c, r int) uint32 {
	g, z := bd.g, bd.z
	const in = gridDelta / 2
	wx0, wx1 := g.x0+(float64(c)+in)/g.inv, g.x0+(float64(c+1)-in)/g.inv
	wy0, wy1 := g.y0+(float64(r)+in)/g.inv, g.y0+(float64(r+1)-in)/g.inv
	fc.polys, fc.xs, fc.ys = fc.polys[:0], fc.xs[:0], fc.ys[:0]
	addX := func(v float64) {
		if wx0 < v && v < wx1 {
			fc.xs = append(fc.xs, v)
		}
	}
	addY := func(v float64) {
		if wy0 < v && v < wy1 {
			fc.ys = append(fc.ys, v)
		}
	}
	for i := bd.head[k]; i >= 0; i = bd.recs[i].next {
		rc := &bd.recs[i]
		if !slices.Contains(fc.polys, int(rc.poly)) {
			fc.polys = append(fc.polys, int(rc.poly))
		}
		rg := z.polys[rc.poly].poly[rc.ring]
		p, q := rg[rc.j], rg[(int(rc.j)+1)%len(rg)]
		addX(p[0])
		addX(q[0])
		addY(p[1])
		addY(q[1])
	}
	fc.sx = faceSamples(fc.sx[:0], wx0, wx1, fc.xs)
	fc.sy = faceSamples(fc.sy[:0], wy0, wy1, fc.ys)

	// The polygons that do not meet the cell, at its centre.
	base := zonePick{best: -1, overlay: -1}
	cx, cy := g.x0+(float64(c)+0.5)/g.inv, g.y0+(float64(r)+0.5)/g.inv
	centre := orb.Point{cx, cy}
	for _, i := range fc.near {
		zp := &z.polys[i]
		if zp.bounds[0].Contains(centre) && !slices.Contains(fc.polys, i) && polygonContains(zp.poly, zp.bounds, centre) {
			z.pickAdd(&base, i)
		}
	}
	var code uint32
	for _, y := range fc.sy {
		for _, x := range fc.sx {
			pk := base
			pt := orb.Point{x, y}
			for _, i := range fc.polys {
				if polygonContains(z.polys[i].poly, z.polys[i].bounds, pt) {
					z.pickAdd(&pk, i)
				}
			}
			cd := bd.code(z.pickZone(pk))
			if cd == 0 || (code != 0 && cd != code) {
				return 0
			}
			code = cd
		}
	}
	return code
}

// faceSamples appends to dst one coordinate in every open interval between
// lo, the sorted distinct splits and hi, and the splits themselves.
func faceSamples(dst []float64, lo, hi float64, splits []float64) []float64 {
	slices.Sort(splits)
	splits = slices.Compact(splits)
	a := lo
	for _, s := range splits {
		if m := a + (s-a)/2; a < m && m < s {
			dst = append(dst, m)
		}
		dst = append(dst, s)
		a = s
	}
	if m := a + (hi-a)/2; a < m && m < hi {
		dst = append(dst, m)
	}
	return dst
}

// zonePick is At's choice among the polygons holding a point: the country
// polygon of the highest rank, then the lowest index, and the overlay of
// the lowest index (-1: none).
type zonePick struct{ best, overlay int }

// pickAdd adds polygon i to pk.
func (z *Zones) pickAdd(pk *zonePick, i int) {
	zp := &z.polys[i]
	if zp.country == "" {
		if pk.overlay < 0 || i < pk.overlay {
			pk.overlay = i
		}
		return
	}
	if pk.best < 0 {
		pk.best = i
		return
	}
	cur := &z.polys[pk.best]
	if zp.rank > cur.rank || (zp.rank == cur.rank && i < pk.best) {
		pk.best = i
	}
}

// pickZone is the Zone of pk, as At answers it.
func (z *Zones) pickZone(pk zonePick) Zone {
	if pk.best < 0 {
		return Zone{}
	}
	zn := Zone{Country: z.polys[pk.best].country, Kind: z.polys[pk.best].kind}
	if pk.overlay >= 0 {
		zn.Kind = z.polys[pk.overlay].kind
	}
	return zn
}

// buildCoastLB computes g.coastLB from the coastline segments.
func (g *zoneGrid) buildCoastLB(s *segIndex) {
	if len(s.segs) == 0 {
		return
	}
	g.coastLB = make([]float32, len(g.blocks))
	side := float64(int(1)<<g.shift) / g.inv
	const pad = 1e-9 // degrees, beyond any rounding of the block lookup
	for i := range g.coastLB {
		c, r := i%g.bcols, i/g.bcols
		lon0 := g.x0 + float64(c)*side - pad
		lon1 := g.x0 + float64(c+1)*side + pad
		lat0 := g.y0 + float64(r)*side - pad
		lat1 := g.y0 + float64(r+1)*side + pad
		if math.Abs(lat0) > 89 || math.Abs(lat1) > 89 {
			continue // nearest answers nothing there anyway; keep 0
		}
		// The smallest metres per degree over the block's latitudes: a
		// lower bound of nearest's metric at any point of the block.
		kx0, ky0 := metresPerDegree(lat0)
		kx1, ky1 := metresPerDegree(lat1)
		kx, ky := math.Min(kx0, kx1), math.Min(ky0, ky1)
		if lat0 < 0 && lat1 > 0 {
			_, ky = metresPerDegree(0)
			ky = math.Min(ky, math.Min(ky0, ky1))
		}
		w, h := (lon1-lon0)*kx, (lat1-lat0)*ky
		// Search growing windows: once one holds a segment within its
		// reach, no segment beyond it can be nearer.
		best := math.Inf(1)
		for reach := coastLBCap / 16; ; reach *= 4 {
			reach = math.Min(reach, coastLBCap)
			dx, dy := reach/kx, reach/ky
			s.tree.Search([2]float64{lon0 - dx, lat0 - dy}, [2]float64{lon1 + dx, lat1 + dy}, func(_, _ [2]float64, j int32) bool {
				sg := &s.segs[j]
				ax, ay := (sg.a[0]-lon0)*kx, (sg.a[1]-lat0)*ky
				bx, by := (sg.b[0]-lon0)*kx, (sg.b[1]-lat0)*ky
				// The segment's bound is no nearer than the segment.
				gx := math.Max(math.Max(-math.Max(ax, bx), math.Min(ax, bx)-w), 0)
				gy := math.Max(math.Max(-math.Max(ay, by), math.Min(ay, by)-h), 0)
				if gx*gx+gy*gy >= best*best {
					return true
				}
				best = math.Min(best, rectSegDist(w, h, ax, ay, bx, by))
				return best > 0
			})
			if best <= reach || reach >= coastLBCap {
				break
			}
		}
		best = math.Min(best, coastLBCap)
		lb := best*(1-1e-6) - 1 // margin for rounding in nearest
		if lb > 0 {
			g.coastLB[i] = float32(lb)
		}
	}
}

// rectSegDist is the distance from rectangle [0, w] × [0, h] to segment a–b.
func rectSegDist(w, h, ax, ay, bx, by float64) float64 {
	if segMeetsRect(w, h, ax, ay, bx, by) {
		return 0
	}
	d := math.Min(pointRectDist(w, h, ax, ay), pointRectDist(w, h, bx, by))
	for _, p := range [4]orb.Point{{0, 0}, {w, 0}, {0, h}, {w, h}} {
		d = math.Min(d, pointSegDist(p[0], p[1], ax, ay, bx, by))
	}
	return d
}

// pointRectDist is the distance from (x, y) to rectangle [0, w] × [0, h].
func pointRectDist(w, h, x, y float64) float64 {
	dx := math.Max(math.Max(-x, x-w), 0)
	dy := math.Max(math.Max(-y, y-h), 0)
	return math.Hypot(dx, dy)
}

// pointSegDist is the distance from (x, y) to segment a–b.
func pointSegDist(x, y, ax, ay, bx, by float64) float64 {
	vx, vy := bx-ax, by-ay
	t := 0.0
	if l2 := vx*vx + vy*vy; l2 > 0 {
		t = math.Max(0, math.Min(1, ((x-ax)*vx+(y-ay)*vy)/l2))
	}
	return math.Hypot(ax+t*vx-x, ay+t*vy-y)
}

// segMeetsRect reports whether segment a–b meets rectangle [0, w] × [0, h]
// (erring towards yes).
func segMeetsRect(w, h, ax, ay, bx, by float64) bool {
	if math.Max(ax, bx) < 0 || math.Min(ax, bx) > w || math.Max(ay, by) < 0 || math.Min(ay, by) > h {
		return false
	}
	// The rectangle's corners all strictly on one side of the line: apart.
	side := func(x, y float64) float64 { return (bx-ax)*(y-ay) - (by-ay)*(x-ax) }
	s1, s2, s3, s4 := side(0, 0), side(w, 0), side(0, h), side(w, h)
	return !(s1 > 0 && s2 > 0 && s3 > 0 && s4 > 0) && !(s1 < 0 && s2 < 0 && s3 < 0 && s4 < 0)
}
