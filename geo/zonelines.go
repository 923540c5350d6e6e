package geo

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// segment is one line segment (lon/lat degrees) of a boundary or coastline.
type segment struct {
	a, b orb.Point
	ref  int32
}

// segIndex is an R-tree of line segments for nearest-line queries.
type segIndex struct {
	segs []segment
	tree rtree.RTreeG[int32]
}

// add indexes the segments of l (zero-length ones are skipped) under ref.
func (s *segIndex) add(l orb.LineString, ref int32) {
	for i := 0; i+1 < len(l); i++ {
		a, b := l[i], l[i+1]
		if a == b {
			continue
		}
		bd := orb.Bound{Min: a, Max: a}.Extend(b)
		s.tree.Insert(bd.Min, bd.Max, int32(len(s.segs)))
		s.segs = append(s.segs, segment{a: a, b: b, ref: ref})
	}
}

// firstSearchM is the radius of the first search of nearest; it grows
// fourfold up to the caller's limit.
const firstSearchM = 2000.0

// maxSearchM caps the search radius (a quarter of the equator).
const maxSearchM = 1e7

// nearest returns the ref of the segment nearest (lat, lon) and its
// distance in metres, if one lies within maxM.
//
// Candidates are compared in a local plane at the query point (metres per
// degree from the WGS-84 radii of curvature there); the distance to the
// nearest point found is then recomputed with the radii at the mean
// latitude, which is good to better than 0.1% below 100 km. Longitudes are
// not wrapped (no data crosses the antimeridian).
func (s *segIndex) nearest(lat, lon, maxM float64) (ref int32, distM float64, ok bool) {
	if len(s.segs) == 0 || !finite(lat) || !finite(lon) || math.Abs(lat) > 89 || !(maxM >= 0) {
		return -1, 0, false
	}
	maxM = math.Min(maxM, maxSearchM)
	kx, ky := metresPerDegree(lat)
	r := math.Min(maxM, firstSearchM)
	for {
		best2, besti, bestt := r*r, int32(-1), 0.0
		dx, dy := r/kx, r/ky
		s.tree.Search([2]float64{lon - dx, lat - dy}, [2]float64{lon + dx, lat + dy}, func(_, _ [2]float64, i int32) bool {
			sg := &s.segs[i]
			ax, ay := (sg.a[0]-lon)*kx, (sg.a[1]-lat)*ky
			vx, vy := (sg.b[0]-sg.a[0])*kx, (sg.b[1]-sg.a[1])*ky
			t := -(ax*vx + ay*vy) / (vx*vx + vy*vy)
			t = math.Max(0, math.Min(1, t))
			px, py := ax+t*vx, ay+t*vy
			if d2 := px*px + py*py; d2 <= best2 {
				best2, besti, bestt = d2, i, t
			}
			return true
		})
		if besti >= 0 {
			// Every segment within r meets the search box, so the best
			// one within r is the nearest of all.
			sg := &s.segs[besti]
			plon := sg.a[0] + bestt*(sg.b[0]-sg.a[0])
			plat := sg.a[1] + bestt*(sg.b[1]-sg.a[1])
			mx, my := metresPerDegree((lat + plat) / 2)
			return sg.ref, math.Hypot((plon-lon)*mx, (plat-lat)*my), true
		}
		if r >= maxM {
			return -1, 0, false
		}
		r = math.Min(4*r, maxM)
	}
}

// metresPerDegree returns the WGS-84 metres per degree of longitude and of
// latitude at latitude lat (degrees).
func metresPerDegree(lat float64) (kx, ky float64) {
	s, c := math.Sincos(lat * math.Pi / 180)
	w := 1 - e2*s*s
	n := WGS84A / math.Sqrt(w) // prime vertical radius of curvature
	m := n * (1 - e2) / w      // meridional radius of curvature
	return n * c * math.Pi / 180, m * math.Pi / 180
}

// NearestBoundary returns the boundary line nearest (lat, lon) if one lies
// within maxM metres, with the distance in metres to it.
//
// Distances use a local ellipsoidal plane around the point, good to better
// than 0.5% within 100 km (far better than the lines themselves, see
// zonedata/README.md). Segments are indexed in an R-tree searched with a
// radius growing from 2 km to maxM, so the cost depends on how near the
// line is rather than on maxM. It does not allocate. A nil Zones, a
// non-finite position or a negative maxM give ok == false.
func (z *Zones) NearestBoundary(lat, lon, maxM float64) (b Boundary, distM float64, ok bool) {
	if z == nil {
		return Boundary{}, 0, false
	}
	ref, d, ok := z.boundSegs.nearest(lat, lon, maxM)
	if !ok {
		return Boundary{}, 0, false
	}
	return z.boundaries[ref], d, true
}

// CoastDistance returns the distance in metres from (lat, lon) to the
// nearest coastline within maxM, and whose coast that is (alpha-2).
//
// A point on land (At reports kind "land") is at distance 0, with the
// country At reports. Otherwise the coastline segments (Natural Earth 1:10m
// in the built-in set, about ±1 km) are searched as for NearestBoundary.
// It does not allocate. ok is false when no coastline lies within maxM (or
// for a nil Zones, a non-finite position or a negative maxM); with the
// grid cache (see Zones) that answer is immediate when maxM is below a
// lower bound of the distance kept for every 0.1° block.
func (z *Zones) CoastDistance(lat, lon, maxM float64) (distM float64, country string, ok bool) {
	if z == nil || !finite(lat) || !finite(lon) || !(maxM >= 0) {
		return 0, "", false
	}
	if zn := z.At(lat, lon); zn.Kind == KindLand && zn.Country != "" {
		return 0, zn.Country, true
	}
	if z.grid != nil && z.grid.coastFar(lat, lon, maxM) {
		return 0, "", false // no coastline that near anywhere in the cell
	}
	ref, d, ok := z.coastSegs.nearest(lat, lon, maxM)
	if !ok {
		return 0, "", false
	}
	return d, z.coastCountries[ref], true
}
