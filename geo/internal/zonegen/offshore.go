package main

import (
	"fmt"
	"log"
	"math"
	"slices"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/tidwall/rtree"
)

// offshore holds the generated contiguous zone and EEZ features.
type offshore struct {
	contiguous []outFeature
	eez        []outFeature
}

// buildOffshore derives the contiguous zone (raster) and the EEZ (lateral
// split of each box) of both countries of every region.
func buildOffshore(cell float64, land orb.MultiPolygon, nec *neCountries, bs *boundarySet) (*offshore, error) {
	out := &offshore{}
	for _, r := range regions {
		chain := bs.chains[r.pair]
		north, south, err := sidePolygons(chain)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.pair, err)
		}
		sides := [2]orb.Polygon{north, south}
		countries := pairSides[r.pair]

		far := expand(r.bound, coastFarDeg)
		var coast [2]*segIndex
		for k, c := range countries {
			coast[k] = newSegIndex(nec.coast[c], far)
		}
		var landRings []orb.Ring
		var landLines []orb.LineString
		for _, p := range land {
			if p.Bound().Intersects(far) {
				for _, ring := range p {
					landRings = append(landRings, ring)
					landLines = append(landLines, orb.LineString(ring))
				}
			}
		}
		shore := newSegIndex(landLines, expand(r.bound, 0.1))
		lateral := newSegIndex([]orb.LineString{chain}, expand(r.bound, 0.1))

		nx := int(math.Ceil((r.bound.Max[0]-r.bound.Min[0])/cell - 1e-9))
		ny := int(math.Ceil((r.bound.Max[1]-r.bound.Min[1])/cell - 1e-9))
		var runs [2]runMerger
		var maxEEZ [2]float64
		cells := [2]int{}
		for j := range ny {
			lat0, lat1 := r.bound.Min[1]+float64(j)*cell, math.Min(r.bound.Min[1]+float64(j+1)*cell, r.bound.Max[1])
			cy := (lat0 + lat1) / 2
			kx, ky := metresPerDeg(cy)
			halfDiag := math.Hypot(cell*kx, cell*ky) / 2
			landX := crossings(landRings, cy)
			sideX := [2][]float64{crossings(sides[0], cy), crossings(sides[1], cy)}
			var row [2][]bool
			row[0], row[1] = make([]bool, nx), make([]bool, nx)
			for i := range nx {
				lon0, lon1 := r.bound.Min[0]+float64(i)*cell, math.Min(r.bound.Min[0]+float64(i+1)*cell, r.bound.Max[0])
				p := orb.Point{(lon0 + lon1) / 2, cy}
				onLand := inside(landX, p[0])
				if onLand && !shore.within(p, landFringeM) {
					continue // deep inland: the territorial sea polygons cover it
				}
				nearLateral := lateral.within(p, halfDiag)
				for k := range 2 {
					onSide := inside(sideX[k], p[0])
					if !onSide && !nearLateral {
						continue
					}
					if coast[k].within(p, contiguousM) {
						row[k][i] = true
						cells[k]++
					}
					// The EEZ is the whole side of the box: check (on a
					// 5-cell lattice) that its sea is within 200 nm.
					if onSide && !onLand && i%5 == 0 && j%5 == 0 {
						d := coast[k].dist(p, 2*eezM)
						maxEEZ[k] = math.Max(maxEEZ[k], d)
						if d > eezM {
							return nil, fmt.Errorf("%s: %v is %.0f nm from the %s coast: beyond the 200 nm EEZ", r.name, p, d/nm, countries[k])
						}
					}
				}
			}
			for k := range 2 {
				runs[k].row(j, row[k])
			}
		}
		for k, c := range countries {
			var mp orb.MultiPolygon
			for _, rc := range runs[k].finish() {
				b := orb.Bound{
					Min: orb.Point{round6(r.bound.Min[0] + float64(rc.i0)*cell), round6(r.bound.Min[1] + float64(rc.j0)*cell)},
					Max: orb.Point{round6(math.Min(r.bound.Min[0]+float64(rc.i1)*cell, r.bound.Max[0])), round6(math.Min(r.bound.Min[1]+float64(rc.j1)*cell, r.bound.Max[1]))},
				}
				if q := cleanPolygon(clip.Polygon(b, sides[k].Clone())); q != nil {
					mp = append(mp, q)
				}
			}
			out.contiguous = append(out.contiguous, outFeature{Props: map[string]string{"country": c, "zone": "contiguous_zone", "region": r.name}, Geom: mp})
			log.Printf("contiguous %s %s: %d cells → %d polygons, %d points", c, r.name, cells[k], len(mp), countPoints(mp))

			e := cleanPolygon(clip.Polygon(r.bound, sides[k].Clone()))
			if e == nil {
				return nil, fmt.Errorf("%s: empty EEZ for %s", r.name, c)
			}
			out.eez = append(out.eez, outFeature{Props: map[string]string{"country": c, "zone": "eez", "region": r.name}, Geom: orb.MultiPolygon{e}})
			log.Printf("eez %s %s: %d points; farthest sampled sea point %.0f nm from the coast", c, r.name, countPoints(orb.MultiPolygon{e}), maxEEZ[k]/nm)
		}
	}
	return out, nil
}

// sidePolygons closes the west-to-east lateral chain into two polygons, the
// one north of it and the one south of it, with far-away corners. The
// chain's first point must be its westernmost and its last the easternmost.
func sidePolygons(chain orb.LineString) (north, south orb.Polygon, err error) {
	b := chain.Bound()
	start, end := chain[0], chain[len(chain)-1]
	if start[0] != b.Min[0] || end[0] != b.Max[0] {
		return nil, nil, fmt.Errorf("lateral chain from %v to %v is not west to east (bound %v)", start, end, b)
	}
	w, e := b.Min[0]-5, b.Max[0]+5
	mk := func(y float64) orb.Polygon {
		r := slices.Clone(orb.Ring(chain))
		r = append(r, orb.Point{e, end[1]}, orb.Point{e, y}, orb.Point{w, y}, orb.Point{w, start[1]}, start)
		return orb.Polygon{r}
	}
	return mk(b.Max[1] + 10), mk(b.Min[1] - 10), nil
}

// metresPerDeg returns the WGS-84 metres per degree of longitude and of
// latitude at lat (local scale; good to well under 1% over tens of km).
func metresPerDeg(lat float64) (kx, ky float64) {
	const a, f = 6378137.0, 1 / 298.257223563
	e2 := f * (2 - f)
	s, c := math.Sincos(lat * math.Pi / 180)
	w := 1 - e2*s*s
	n := a / math.Sqrt(w)
	m := a * (1 - e2) / (w * math.Sqrt(w))
	return n * c * math.Pi / 180, m * math.Pi / 180
}

// segIndex is an R-tree of line segments for distance queries.
type segIndex struct {
	segs [][2]orb.Point
	tree rtree.RTreeG[int32]
}

// newSegIndex indexes the segments of lines that touch keep.
func newSegIndex(lines []orb.LineString, keep orb.Bound) *segIndex {
	s := &segIndex{}
	for _, l := range lines {
		if !l.Bound().Intersects(keep) {
			continue
		}
		for i := 0; i+1 < len(l); i++ {
			a, b := l[i], l[i+1]
			sb := orb.Bound{Min: a, Max: a}.Extend(b)
			if a == b || !sb.Intersects(keep) {
				continue
			}
			s.tree.Insert(sb.Min, sb.Max, int32(len(s.segs)))
			s.segs = append(s.segs, [2]orb.Point{a, b})
		}
	}
	return s
}

// within reports whether some segment lies within r metres of p.
func (s *segIndex) within(p orb.Point, r float64) bool {
	found := false
	s.search(p, r, func(d float64) bool {
		if d <= r {
			found = true
			return false
		}
		return true
	})
	return found
}

// dist is the distance (m) from p to the nearest segment, +Inf when none is
// within maxM.
func (s *segIndex) dist(p orb.Point, maxM float64) float64 {
	best := math.Inf(1)
	s.search(p, maxM, func(d float64) bool {
		best = math.Min(best, d)
		return true
	})
	if best > maxM {
		return math.Inf(1)
	}
	return best
}

// search calls fn with the distance to every segment whose bound meets the
// box of half-size r metres around p, until fn returns false.
func (s *segIndex) search(p orb.Point, r float64, fn func(d float64) bool) {
	kx, ky := metresPerDeg(p[1])
	dx, dy := r/kx*1.01, r/ky*1.01
	s.tree.Search([2]float64{p[0] - dx, p[1] - dy}, [2]float64{p[0] + dx, p[1] + dy}, func(_, _ [2]float64, i int32) bool {
		sg := s.segs[i]
		return fn(segDist((sg[0][0]-p[0])*kx, (sg[0][1]-p[1])*ky, (sg[1][0]-p[0])*kx, (sg[1][1]-p[1])*ky))
	})
}

// segDist is the distance from the origin to segment (ax,ay)-(bx,by).
func segDist(ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
	}
	return math.Hypot(ax+t*dx, ay+t*dy)
}

// crossings returns the sorted longitudes where the rings' edges cross
// latitude y (half-open rule, so each crossing counts once).
func crossings[R ~[]orb.Ring](rings R, y float64) []float64 {
	var xs []float64
	for _, r := range rings {
		for i := 0; i+1 < len(r); i++ {
			a, b := r[i], r[i+1]
			if (a[1] > y) != (b[1] > y) {
				xs = append(xs, a[0]+(y-a[1])*(b[0]-a[0])/(b[1]-a[1]))
			}
		}
		if n := len(r); n > 1 && r[0] != r[n-1] { // close an open ring
			a, b := r[n-1], r[0]
			if (a[1] > y) != (b[1] > y) {
				xs = append(xs, a[0]+(y-a[1])*(b[0]-a[0])/(b[1]-a[1]))
			}
		}
	}
	sort.Float64s(xs)
	return xs
}

// inside reports whether x lies inside, given the sorted crossings of its
// row (even-odd rule).
func inside(xs []float64, x float64) bool { return sort.SearchFloat64s(xs, x)%2 == 1 }

// rect is a block of raster cells: columns [i0, i1), rows [j0, j1).
type rect struct{ i0, i1, j0, j1 int }

// runMerger merges the runs of consecutive set cells of each row into
// rectangles, extending a rectangle downwards while the next row has the
// identical run.
type runMerger struct {
	open map[[2]int]int // run → first row
	done []rect
	rows int // rows seen
}

func (m *runMerger) row(j int, cells []bool) {
	next := map[[2]int]int{}
	for i := 0; i < len(cells); {
		if !cells[i] {
			i++
			continue
		}
		i0 := i
		for i < len(cells) && cells[i] {
			i++
		}
		run := [2]int{i0, i}
		if j0, ok := m.open[run]; ok {
			next[run] = j0
		} else {
			next[run] = j
		}
	}
	for run, j0 := range m.open {
		if _, ok := next[run]; !ok {
			m.done = append(m.done, rect{run[0], run[1], j0, j})
		}
	}
	m.open = next
	m.rows = j + 1
}

// finish closes the open rectangles and returns all, sorted by row then
// column.
func (m *runMerger) finish() []rect {
	for run, j0 := range m.open {
		m.done = append(m.done, rect{run[0], run[1], j0, m.rows})
	}
	m.open = nil
	sort.Slice(m.done, func(a, b int) bool {
		x, y := m.done[a], m.done[b]
		if x.j0 != y.j0 {
			return x.j0 < y.j0
		}
		return x.i0 < y.i0
	})
	return m.done
}
