// Package intercept computes where and when an asset (a patrol boat, an
// aircraft) can meet a target that keeps a constant velocity.
//
// The asset waits a response delay, then travels in a straight line at its
// top speed. In a local flat east/north frame (metres, seconds) the intercept
// time T is the earliest T ≥ delay with
//
//	|p + v·T − a| = s·(T − delay)
//
// which Solve finds in closed form. Plan does the same for geodetic positions
// in a local tangent plane centred on the target; the flat-earth error is well
// under a metre for intercepts a few tens of kilometres away.
//
// Nothing here reads a clock; the functions are pure and safe for concurrent
// use.
package intercept

import (
	"math"
	"time"

	"github.com/vigia-project/vigia/geo"
)

// Solution is an intercept in a local flat east/north frame.
type Solution struct {
	// T is the intercept time in seconds from time 0 (T ≥ the delay).
	T float64
	// Point is where the asset meets the target, east and north metres.
	Point [2]float64
	// CourseDeg is the asset's course to Point in degrees clockwise from
	// north, in [0, 360). It is 0 when the asset need not move.
	CourseDeg float64
}

// equalSpeedTol is the relative difference below which the target's speed and
// the asset's top speed count as equal (the equation degenerates to linear).
// It absorbs the rounding of |v| = hypot(vEast, vNorth), so that nominally
// equal speeds never produce an intercept ~1e16 seconds away.
const equalSpeedTol = 8 * 0x1p-52

// Solve finds the intercept of a target at p (east, north metres) moving with
// constant velocity v (east, north m/s) from time 0, by an asset at a with top
// speed s (m/s) that leaves after delay d (seconds) and then travels straight
// at top speed.
//
// It returns the earliest time T ≥ d at which the asset reaches the target's
// position p + v·T, that point, and the asset's course. ok is false when the
// asset can never catch the target (the target is at least as fast and not
// closing enough), when s ≤ 0, d < 0, any input is NaN or infinite, or the
// result would overflow. A target already at the asset with d = 0 gives T = 0.
//
// Squaring |r + v·T| = s·(T − d) with r = p − a gives
//
//	(|v|² − s²)·T² + 2·(r·v + s²·d)·T + (|r|² − s²·d²) = 0,
//
// solved with the cancellation-free form of the quadratic formula; every root
// T ≥ d of it is a genuine intercept, and the smallest is the earliest. Equal
// speeds (|v| = s, to rounding) are solved as the linear equation they are.
func Solve(a [2]float64, s, d float64, p, v [2]float64) (Solution, bool) {
	if !finite(a[0], a[1], s, d, p[0], p[1], v[0], v[1]) || s <= 0 || d < 0 {
		return Solution{}, false
	}
	r := [2]float64{p[0] - a[0], p[1] - a[1]}
	vn := math.Hypot(v[0], v[1])
	rn := math.Hypot(r[0], r[1])

	// Coefficients of A·T² + 2·h·T + C = 0; the differences of squares are
	// factored to keep their precision.
	A := (vn - s) * (vn + s)
	if math.Abs(vn-s) <= equalSpeedTol*s {
		A = 0
	}
	h := r[0]*v[0] + r[1]*v[1] + s*s*d
	C := (rn - s*d) * (rn + s*d)
	if !finite(A, h, C) {
		return Solution{}, false
	}

	var roots [2]float64
	n := 0
	switch {
	case A == 0:
		// Equal speeds: 2·h·T + C = 0.
		switch {
		case h != 0:
			roots[0], n = -C/(2*h), 1
		case C == 0:
			// Every T solves the equation, which means the target is at the
			// asset when it leaves: f(d) = |r + v·d|² = 0.
			roots[0], n = d, 1
		}
	default:
		disc := h*h - A*C
		if !finite(disc) {
			return Solution{}, false
		}
		if disc < 0 {
			// A tangent (double root) case can come out a hair negative.
			if disc < -1e-12*(h*h+math.Abs(A*C)) {
				return Solution{}, false
			}
			disc = 0
		}
		q := -(h + math.Copysign(math.Sqrt(disc), h))
		if q == 0 {
			// h = 0 and A·C = 0, so C = 0: a double root at 0.
			roots[0], n = 0, 1
		} else {
			roots[0], roots[1], n = q/A, C/q, 2
		}
	}

	// The smallest root T ≥ d, allowing for rounding right at d (a target
	// that passes over the asset just as it leaves).
	tol := 1e-9 * math.Max(1, d)
	best := math.Inf(1)
	for _, t := range roots[:n] {
		if !finite(t) || t < d-tol {
			continue
		}
		best = math.Min(best, math.Max(t, d))
	}
	if !finite(best) {
		return Solution{}, false
	}
	pt := [2]float64{p[0] + v[0]*best, p[1] + v[1]*best}
	if !finite(pt[0], pt[1]) {
		return Solution{}, false
	}
	return Solution{T: best, Point: pt, CourseDeg: course(pt[0]-a[0], pt[1]-a[1])}, true
}

// GeoSolution is an intercept on the earth, as returned by Plan. (Go does not
// allow a type and a function both named Plan in one package.)
type GeoSolution struct {
	// Point is where the asset meets the target; its altitude is the
	// target's.
	Point geo.LLA
	// At is when the asset meets the target.
	At time.Time
	// CourseDeg is the asset's initial geodesic bearing to Point in degrees
	// clockwise from true north, in [0, 360); 0 when the asset need not move.
	CourseDeg float64
	// Distance is how far the asset travels, in metres: the geodesic
	// distance from the asset to Point. It matches speed·(At − t0 − delay)
	// to within the flat-frame approximation (< 1 m at ~30 km).
	Distance float64
}

// maxSeconds bounds T so that t0 + T stays a valid time.Duration.
const maxSeconds = float64(math.MaxInt64) / float64(time.Second) * 0.999

// Plan computes the intercept of a target at target moving at vEast, vNorth
// m/s at time t0 by an asset at asset (at t0) with top speed speed (m/s)
// that leaves after delay, working in a local tangent plane centred on the
// target (see Solve). ok is false when Solve's is, when the intercept lies
// beyond what a time.Duration can hold (~292 years), or for non-finite
// positions.
func Plan(asset geo.LLA, speed float64, delay time.Duration, target geo.LLA, vEast, vNorth float64, t0 time.Time) (GeoSolution, bool) {
	if !finite(asset.Lat, asset.Lon, asset.Alt, target.Lat, target.Lon, target.Alt) {
		return GeoSolution{}, false
	}
	f := geo.NewFrame(target)
	ae, an, _ := f.ToENU(asset)
	sol, ok := Solve([2]float64{ae, an}, speed, delay.Seconds(), [2]float64{0, 0}, [2]float64{vEast, vNorth})
	if !ok || sol.T > maxSeconds {
		return GeoSolution{}, false
	}
	pt := f.FromENU(sol.Point[0], sol.Point[1], 0)
	pt.Alt = target.Alt // FromENU of the tangent plane sits above the ellipsoid
	if !finite(pt.Lat, pt.Lon) {
		return GeoSolution{}, false
	}
	dist, crs := geo.Inverse(asset, pt)
	if dist == 0 {
		crs = sol.CourseDeg
	}
	if !finite(dist, crs) {
		return GeoSolution{}, false
	}
	return GeoSolution{
		Point:     pt,
		At:        t0.Add(time.Duration(math.Round(sol.T * float64(time.Second)))),
		CourseDeg: crs,
		Distance:  dist,
	}, true
}

// course is the direction of (east, north) in degrees clockwise from north,
// in [0, 360); 0 for the zero vector.
func course(east, north float64) float64 {
	if east == 0 && north == 0 {
		return 0
	}
	c := math.Atan2(east, north) * 180 / math.Pi
	if c < 0 {
		c += 360
	}
	if c >= 360 { // -tiny + 360 rounds to 360
		c = 0
	}
	return c
}

// finite reports whether every x is neither NaN nor infinite.
func finite(xs ...float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}
