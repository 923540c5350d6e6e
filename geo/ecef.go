package geo

import "math"

// WGS-84 ellipsoid constants.
const (
	// WGS84A is the WGS-84 semi-major axis (equatorial radius) in metres.
	WGS84A = 6378137.0
	// WGS84F is the WGS-84 flattening.
	WGS84F = 1 / 298.257223563
	// WGS84B is the WGS-84 semi-minor axis (polar radius) in metres.
	WGS84B = WGS84A * (1 - WGS84F)

	e2  = WGS84F * (2 - WGS84F)              // first eccentricity squared
	ep2 = e2 / ((1 - WGS84F) * (1 - WGS84F)) // second eccentricity squared
	e4  = e2 * e2

	deg2rad = math.Pi / 180
	rad2deg = 180 / math.Pi
)

// LLA is a WGS-84 geodetic position: latitude and longitude in degrees,
// altitude above the ellipsoid in metres.
type LLA struct {
	Lat, Lon, Alt float64
}

// ECEF is an earth-centred, earth-fixed position in metres.
type ECEF [3]float64

// ToECEF converts a geodetic position to ECEF.
func ToECEF(p LLA) ECEF {
	sLat, cLat := math.Sincos(p.Lat * deg2rad)
	sLon, cLon := math.Sincos(p.Lon * deg2rad)
	n := WGS84A / math.Sqrt(1-e2*sLat*sLat) // prime vertical radius of curvature
	return ECEF{
		(n + p.Alt) * cLat * cLon,
		(n + p.Alt) * cLat * sLon,
		(n*(1-e2) + p.Alt) * sLat,
	}
}

// FromECEF converts an ECEF position to geodetic (exact to < 1 mm).
//
// It uses the closed form of Zhu (1994) / Heikkinen (1982), which is exact
// (no iteration) for all points farther than ~43 km from the earth's centre;
// on the polar axis and inside the small central region where that form is
// singular it falls back to a bounded bisection (see fromECEFIterative).
// Non-finite input yields NaN fields; it never loops forever.
func FromECEF(x ECEF) LLA {
	X, Y, Z := x[0], x[1], x[2]
	if math.IsNaN(X+Y+Z) || math.IsInf(X+Y+Z, 0) {
		return LLA{math.NaN(), math.NaN(), math.NaN()}
	}
	lon := math.Atan2(Y, X) * rad2deg
	p := math.Hypot(X, Y)
	if p == 0 {
		// On the polar axis: latitude is ±90 (or 0 at the very centre).
		switch {
		case Z > 0:
			return LLA{90, lon, Z - WGS84B}
		case Z < 0:
			return LLA{-90, lon, -Z - WGS84B}
		}
		return LLA{0, lon, -WGS84A}
	}
	const a, b = WGS84A, WGS84B
	z2 := Z * Z
	F := 54 * b * b * z2
	G := p*p + (1-e2)*z2 - e2*(a*a-b*b)
	if G > 0 {
		c := e4 * F * p * p / (G * G * G)
		s := math.Cbrt(1 + c + math.Sqrt(c*c+2*c))
		k := s + 1 + 1/s
		P := F / (3 * k * k * G * G)
		Q := math.Sqrt(1 + 2*e4*P)
		rad := 0.5*a*a*(1+1/Q) - P*(1-e2)*z2/(Q*(1+Q)) - 0.5*P*p*p
		if rad < 0 && rad > -1e-9*a*a {
			rad = 0 // rounding near the polar axis, where r0 → 0
		}
		if rad >= 0 {
			r0 := -P*e2*p/(1+Q) + math.Sqrt(rad)
			t := p - e2*r0
			U := math.Hypot(t, Z)
			V := math.Sqrt(t*t + (1-e2)*z2)
			z0 := b * b * Z / (a * V)
			h := U * (1 - b*b/(a*V))
			lat := math.Atan2(Z+ep2*z0, p) * rad2deg
			if !math.IsNaN(lat + h) {
				return LLA{lat, lon, h}
			}
		}
	}
	return fromECEFIterative(p, Z, lon)
}

// fromECEFIterative finds a geodetic latitude of (p, z) by bisection on
// g(φ) = p·sinφ − z·cosφ − e²·N(φ)·sinφ·cosφ, which vanishes exactly when
// (p, z) lies on the ellipsoid normal at φ. g changes sign between 0 and
// ±π/2 (toward z), so 64 halvings always reach full precision. It is used
// only where the closed form is singular: within ~43 km of the earth's
// centre, where the normal through a point is not unique and any of the
// valid latitudes is returned (0 in the equatorial plane).
func fromECEFIterative(p, z, lon float64) LLA {
	g := func(phi float64) float64 {
		s, c := math.Sincos(phi)
		n := WGS84A / math.Sqrt(1-e2*s*s)
		return p*s - z*c - e2*n*s*c
	}
	lo, hi := 0.0, math.Pi/2
	if z < 0 {
		lo, hi = -math.Pi/2, 0
	}
	phi := 0.0
	if z != 0 {
		glo := g(lo)
		for i := 0; i < 64; i++ {
			mid := 0.5 * (lo + hi)
			gm := g(mid)
			if (gm < 0) == (glo < 0) {
				lo, glo = mid, gm
			} else {
				hi = mid
			}
		}
		phi = 0.5 * (lo + hi)
	}
	s, c := math.Sincos(phi)
	h := p*c + z*s - WGS84A*math.Sqrt(1-e2*s*s)
	return LLA{phi * rad2deg, lon, h}
}

// Radii returns the WGS-84 meridian (m) and prime-vertical (n) radii of
// curvature at a latitude in degrees: a small step north of dN metres is
// dN/m radians of latitude, a step east of dE metres dE/(n·cos φ) radians
// of longitude.
func Radii(latDeg float64) (m, n float64) {
	s := math.Sin(latDeg * math.Pi / 180)
	w := math.Sqrt(1 - e2*s*s)
	return WGS84A * (1 - e2) / (w * w * w), WGS84A / w
}
