package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// ringBounds returns the bound of every ring of p.
func ringBounds(p orb.Polygon) []orb.Bound {
	bs := make([]orb.Bound, len(p))
	for i, r := range p {
		bs[i] = r.Bound()
	}
	return bs
}

// polygonContains reports whether pt lies in p (boundary points count as
// in; a point in a hole is out), given the bounds of p's rings. It gives
// the answers of orb/planar.PolygonContains without recomputing the ring
// bounds on every call.
func polygonContains(p orb.Polygon, bounds []orb.Bound, pt orb.Point) bool {
	if !ringContains(p[0], bounds[0], pt) {
		return false
	}
	for i := 1; i < len(p); i++ {
		if ringContains(p[i], bounds[i], pt) {
			return false
		}
	}
	return true
}

// ringContains is orb/planar.RingContains with a precomputed bound.
func ringContains(r orb.Ring, b orb.Bound, pt orb.Point) bool {
	if !b.Contains(pt) {
		return false
	}
	c, on := rayIntersect(pt, r[0], r[len(r)-1])
	if on {
		return true
	}
	for i := 0; i < len(r)-1; i++ {
		inter, on := rayIntersect(pt, r[i], r[i+1])
		if on {
			return true
		}
		if inter {
			c = !c
		}
	}
	return c
}

// rayIntersect reports whether the vertical ray from p towards +y crosses
// segment s-e, and whether p lies on it. It is orb/planar's rayIntersect (MIT
// licence, from the Rosetta Code ray-casting algorithm), copied unchanged in
// behaviour.
func rayIntersect(p, s, e orb.Point) (intersects, on bool) {
	if s[0] > e[0] {
		s, e = e, s
	}
	switch p[0] {
	case s[0]:
		if p[1] == s[1] {
			return false, true // p == start
		} else if s[0] == e[0] {
			// Vertical segment: on it if between its ends.
			if s[1] > e[1] && s[1] >= p[1] && p[1] >= e[1] {
				return false, true
			}
			if e[1] > s[1] && e[1] >= p[1] && p[1] >= s[1] {
				return false, true
			}
		}
		// Move the x coordinate to deal with the degenerate case.
		p[0] = math.Nextafter(p[0], math.Inf(1))
	case e[0]:
		if p[1] == e[1] {
			return false, true // p == end
		}
		p[0] = math.Nextafter(p[0], math.Inf(1))
	}
	if p[0] < s[0] || p[0] > e[0] {
		return false, false
	}
	if s[1] > e[1] {
		if p[1] > s[1] {
			return false, false
		} else if p[1] < e[1] {
			return true, false
		}
	} else {
		if p[1] > e[1] {
			return false, false
		} else if p[1] < s[1] {
			return true, false
		}
	}
	rs := (p[1] - s[1]) / (p[0] - s[0])
	ds := (e[1] - s[1]) / (e[0] - s[0])
	if rs == ds {
		return false, true
	}
	return rs <= ds, false
}
