package main

import (
	"fmt"
	"log"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
)

// The OSM territorial seas meet along OSM's own lateral lines, which lie up
// to ~600 m from the NOAA treaty lines. Within lateralBandM of the NOAA
// maritime boundary the territorial sea is therefore re-cut: in each raster
// cell (lateralCellDeg) of the band, the union of the OSM territorial seas
// is intersected exactly with each country's side of the lateral chain, and
// the pieces are written first in territorial_sea.geojson so that they win
// over the OSM polygons (same kind: first in file order wins).
const (
	lateralBandM   = 2500.0
	lateralCellDeg = 0.01
	maxSplitDepth  = 6 // cells are quartered at most this often
	agreeM         = 5.0
)

// lateralSeas returns the re-cut territorial sea pieces of every region.
func lateralSeas(seas []outFeature, bs *boundarySet) ([]outFeature, error) {
	var out []outFeature
	for _, r := range regions {
		north, south, err := sidePolygons(bs.chains[r.pair])
		if err != nil {
			return nil, err
		}
		sides := [2]orb.Polygon{north, south}
		var subject orb.MultiPolygon // union of the OSM territorial seas (overlapping is fine)
		var source []string          // country of each subject polygon
		for _, f := range seas {
			if f.Props["region"] == r.name {
				for _, p := range f.Geom.(orb.MultiPolygon) {
					subject = append(subject, p)
					source = append(source, f.Props["country"])
				}
			}
		}
		var maritime []orb.LineString
		for _, l := range bs.lines {
			if l.pair == r.pair && l.kind == "maritime" {
				maritime = append(maritime, l.geom...)
			}
		}
		band := newSegIndex(maritime, expand(r.bound, 0.1))
		var pieces [2]orb.MultiPolygon
		nx := int(math.Ceil((r.bound.Max[0]-r.bound.Min[0])/lateralCellDeg - 1e-9))
		ny := int(math.Ceil((r.bound.Max[1]-r.bound.Min[1])/lateralCellDeg - 1e-9))
		cells := 0
		for j := range ny {
			for i := range nx {
				c := orb.Bound{
					Min: orb.Point{round6(r.bound.Min[0] + float64(i)*lateralCellDeg), round6(r.bound.Min[1] + float64(j)*lateralCellDeg)},
					Max: orb.Point{round6(math.Min(r.bound.Min[0]+float64(i+1)*lateralCellDeg, r.bound.Max[0])), round6(math.Min(r.bound.Min[1]+float64(j+1)*lateralCellDeg, r.bound.Max[1]))},
				}
				kx, ky := metresPerDeg(c.Center()[1])
				if !band.within(c.Center(), lateralBandM+math.Hypot((c.Max[0]-c.Min[0])*kx, (c.Max[1]-c.Min[1])*ky)/2) {
					continue
				}
				var local orb.MultiPolygon
				var localSource []string
				covered := 0.0
				for pi, p := range subject {
					if p.Bound().Intersects(c) {
						if q := clip.Polygon(c, p.Clone()); q != nil {
							local = append(local, q)
							localSource = append(localSource, source[pi])
							covered += math.Abs(ringArea(q[0]))
						}
					}
				}
				if len(local) == 0 {
					continue
				}
				// Where OSM already agrees with the treaty line (less than
				// agreeM of misassigned sea on average across the cell),
				// keep the OSM polygons.
				wrong := 0.0
				for k, cc := range pairSides[r.pair] {
					for li, q := range local {
						if localSource[li] != cc {
							for _, piece := range cutCell(c, sides[k], orb.MultiPolygon{q}, 0) {
								wrong += math.Abs(ringArea(piece[0]))
							}
						}
					}
				}
				cellArea := (c.Max[0] - c.Min[0]) * (c.Max[1] - c.Min[1])
				if wrong*kx*ky < agreeM*(c.Max[0]-c.Min[0])*kx {
					continue
				}
				if covered >= cellArea*(1-1e-9) {
					// Sea (or land) throughout: cut the cell itself.
					local = orb.MultiPolygon{{orb.Ring{c.Min, {c.Max[0], c.Min[1]}, c.Max, {c.Min[0], c.Max[1]}, c.Min}}}
				}
				cells++
				for k := range 2 {
					pieces[k] = append(pieces[k], cutCell(c, sides[k], local, 0)...)
				}
			}
		}
		for k, cc := range pairSides[r.pair] {
			if len(pieces[k]) == 0 {
				continue
			}
			out = append(out, outFeature{Props: map[string]string{"country": cc, "zone": "territorial_sea", "region": r.name, "part": "lateral"}, Geom: pieces[k]})
			log.Printf("territorial sea %s %s along the treaty line: %d cells, %d pieces, %d points", cc, r.name, cells, len(pieces[k]), countPoints(pieces[k]))
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no territorial sea along the treaty lines")
	}
	return out, nil
}

// cutCell returns subject ∩ side within cell c. Where side's part of c is
// convex the intersection is exact (Sutherland–Hodgman against the convex
// window); otherwise the cell is quartered. At maxSplitDepth (cells of
// ~0.00016°, ~15 m) a non-convex part is kept whole if the cell's centre
// lies in the subject.
func cutCell(c orb.Bound, side orb.Polygon, subject orb.MultiPolygon, depth int) orb.MultiPolygon {
	w := clip.Polygon(c, side.Clone())
	if w == nil || math.Abs(ringArea(w[0])) == 0 {
		return nil
	}
	if len(w) == 1 && convex(w[0]) {
		var out orb.MultiPolygon
		for _, p := range subject {
			if q := cleanPolygon(clipConvex(p, w[0])); q != nil {
				out = append(out, q)
			}
		}
		return out
	}
	if depth >= maxSplitDepth {
		for _, p := range subject {
			if containsPoint(p, c.Center()) {
				if q := cleanPolygon(w); q != nil {
					return orb.MultiPolygon{q}
				}
			}
		}
		return nil
	}
	m := c.Center()
	var out orb.MultiPolygon
	for _, q := range []orb.Bound{
		{Min: c.Min, Max: m},
		{Min: orb.Point{m[0], c.Min[1]}, Max: orb.Point{c.Max[0], m[1]}},
		{Min: orb.Point{c.Min[0], m[1]}, Max: orb.Point{m[0], c.Max[1]}},
		{Min: m, Max: c.Max},
	} {
		var local orb.MultiPolygon
		for _, p := range subject {
			if p.Bound().Intersects(q) {
				if s := clip.Polygon(q, p.Clone()); s != nil {
					local = append(local, s)
				}
			}
		}
		if len(local) > 0 {
			out = append(out, cutCell(q, side, local, depth+1)...)
		}
	}
	return out
}

// convex reports whether ring r (closed) turns one way only (collinear and
// repeated points ignored).
func convex(r orb.Ring) bool {
	sign := 0
	n := len(r) - 1 // last == first
	for i := range n {
		a, b, c := r[i], r[(i+1)%n], r[(i+2)%n]
		x := (b[0]-a[0])*(c[1]-b[1]) - (b[1]-a[1])*(c[0]-b[0])
		if math.Abs(x) < 1e-16 {
			continue
		}
		s := 1
		if x < 0 {
			s = -1
		}
		if sign == 0 {
			sign = s
		} else if s != sign {
			return false
		}
	}
	return true
}

// clipConvex clips every ring of p against the convex ring w
// (Sutherland–Hodgman).
func clipConvex(p orb.Polygon, w orb.Ring) orb.Polygon {
	ccw := ringArea(w) > 0
	var out orb.Polygon
	for ri, ring := range p {
		pts := []orb.Point(ring[:len(ring)-1])
		for i := 0; i+1 < len(w) && len(pts) > 0; i++ {
			a, b := w[i], w[i+1]
			if a == b {
				continue
			}
			in := func(q orb.Point) bool {
				x := (b[0]-a[0])*(q[1]-a[1]) - (b[1]-a[1])*(q[0]-a[0])
				if ccw {
					return x >= 0
				}
				return x <= 0
			}
			var next []orb.Point
			for k := range pts {
				cur, prev := pts[k], pts[(k+len(pts)-1)%len(pts)]
				if in(cur) {
					if !in(prev) {
						next = append(next, intersectLines(prev, cur, a, b))
					}
					next = append(next, cur)
				} else if in(prev) {
					next = append(next, intersectLines(prev, cur, a, b))
				}
			}
			pts = next
		}
		if len(pts) < 3 {
			if ri == 0 {
				return nil
			}
			continue
		}
		out = append(out, append(orb.Ring(pts), pts[0]))
	}
	return out
}

// intersectLines returns where segment p-q crosses the line through a-b.
func intersectLines(p, q, a, b orb.Point) orb.Point {
	dx, dy := b[0]-a[0], b[1]-a[1]
	fp := dx*(p[1]-a[1]) - dy*(p[0]-a[0])
	fq := dx*(q[1]-a[1]) - dy*(q[0]-a[0])
	t := fp / (fp - fq)
	return orb.Point{p[0] + t*(q[0]-p[0]), p[1] + t*(q[1]-p[1])}
}

// containsPoint is an even-odd point-in-polygon test.
func containsPoint(p orb.Polygon, pt orb.Point) bool {
	in := false
	for _, r := range p {
		for i := 0; i+1 < len(r); i++ {
			a, b := r[i], r[i+1]
			if (a[1] > pt[1]) != (b[1] > pt[1]) && pt[0] < a[0]+(pt[1]-a[1])*(b[0]-a[0])/(b[1]-a[1]) {
				in = !in
			}
		}
	}
	return in
}
