package sim

// Earth geometry private to the simulator. It is deliberately self-contained
// (the repo's geo package is written in parallel and sim must not depend on
// it): WGS-84 geodetic <-> ECEF, a local east/north/up frame at any point, and
// rhumb-line (constant true course) dead reckoning on the ellipsoid.
//
// Targets move along rhumb lines, so a target's course is its true course at
// every point and its speed is its true ground speed. Sensors measure through
// a local ENU frame at the sensor: slant range is the straight-line distance,
// bearing is measured clockwise from true north at the sensor and elevation
// from the sensor's local horizontal.

import "math"

const (
	wgsA  = 6378137.0               // semi-major axis, m
	wgsF  = 1 / 298.257223563       // flattening
	wgsE2 = wgsF * (2 - wgsF)       // first eccentricity squared
	deg   = math.Pi / 180           // radians per degree
	knot  = 1852.0 / 3600.0         // m/s per knot
	wgsE  = 0.081819190842621486805 // sqrt(wgsE2)
)

// LLA is a WGS-84 geodetic position: latitude and longitude in degrees,
// altitude above the ellipsoid in metres.
type LLA struct {
	Lat, Lon, Alt float64
}

type ecef [3]float64

// toECEF converts a geodetic position to earth-centred earth-fixed metres.
func toECEF(p LLA) ecef {
	sl, cl := math.Sincos(p.Lat * deg)
	so, co := math.Sincos(p.Lon * deg)
	n := wgsA / math.Sqrt(1-wgsE2*sl*sl)
	return ecef{(n + p.Alt) * cl * co, (n + p.Alt) * cl * so, (n*(1-wgsE2) + p.Alt) * sl}
}

// fromECEF converts ECEF metres to geodetic (iterative; sub-millimetre near
// the surface after a few rounds).
func fromECEF(x ecef) LLA {
	lon := math.Atan2(x[1], x[0])
	p := math.Hypot(x[0], x[1])
	lat := math.Atan2(x[2], p*(1-wgsE2))
	var h float64
	for range 6 {
		sl, cl := math.Sincos(lat)
		n := wgsA / math.Sqrt(1-wgsE2*sl*sl)
		if cl > 1e-12 {
			h = p/cl - n
		} else {
			h = math.Abs(x[2]) - n*(1-wgsE2)
		}
		lat = math.Atan2(x[2], p*(1-wgsE2*n/(n+h)))
	}
	return LLA{Lat: lat / deg, Lon: lon / deg, Alt: h}
}

// frame is a local east/north/up tangent frame at an origin.
type frame struct {
	o                      ecef
	sLat, cLat, sLon, cLon float64
}

func newFrame(origin LLA) frame {
	f := frame{o: toECEF(origin)}
	f.sLat, f.cLat = math.Sincos(origin.Lat * deg)
	f.sLon, f.cLon = math.Sincos(origin.Lon * deg)
	return f
}

// enu returns p in the frame, metres east, north, up.
func (f *frame) enu(p LLA) (e, n, u float64) {
	x := toECEF(p)
	dx, dy, dz := x[0]-f.o[0], x[1]-f.o[1], x[2]-f.o[2]
	e = -f.sLon*dx + f.cLon*dy
	n = -f.sLat*f.cLon*dx - f.sLat*f.sLon*dy + f.cLat*dz
	u = f.cLat*f.cLon*dx + f.cLat*f.sLon*dy + f.sLat*dz
	return e, n, u
}

// lla returns the geodetic position of the frame point (e, n, u).
func (f *frame) lla(e, n, u float64) LLA {
	dx := -f.sLon*e - f.sLat*f.cLon*n + f.cLat*f.cLon*u
	dy := f.cLon*e - f.sLat*f.sLon*n + f.cLat*f.sLon*u
	dz := f.cLat*n + f.sLat*u
	return fromECEF(ecef{f.o[0] + dx, f.o[1] + dy, f.o[2] + dz})
}

// polar is what a sensor at the frame origin measures of p: slant range (m),
// compass bearing (deg, [0,360)) and elevation (deg above the local
// horizontal).
func (f *frame) polar(p LLA) (rng, brg, elev float64) {
	e, n, u := f.enu(p)
	g := math.Hypot(e, n)
	return math.Sqrt(g*g + u*u), wrap360(math.Atan2(e, n) / deg), math.Atan2(u, g) / deg
}

// wrap360 folds an angle in degrees into [0,360).
func wrap360(a float64) float64 {
	a = math.Mod(a, 360)
	if a < 0 {
		a += 360
	}
	if a >= 360 {
		a = 0
	}
	return a
}

// radii returns the meridian (M) and prime-vertical (N) radii of curvature
// at latitude lat (radians).
func radii(lat float64) (m, n float64) {
	s := math.Sin(lat)
	w := 1 - wgsE2*s*s
	n = wgsA / math.Sqrt(w)
	return n * (1 - wgsE2) / w, n
}

// Series coefficients of the meridian arc length.
var (
	mA0 = 1 + 3.0/4*wgsE2 + 45.0/64*wgsE2*wgsE2 + 175.0/256*wgsE2*wgsE2*wgsE2
	mA2 = 3.0 / 8 * (wgsE2 + 3.0/4*wgsE2*wgsE2 + 15.0/128*wgsE2*wgsE2*wgsE2)
	mA4 = 15.0 / 256 * (wgsE2*wgsE2 + 3.0/4*wgsE2*wgsE2*wgsE2)
	mA6 = 35.0 / 3072 * wgsE2 * wgsE2 * wgsE2
)

// meridianArc is the distance (m) along the meridian from the equator to
// latitude lat (radians).
func meridianArc(lat float64) float64 {
	return wgsA * (1 - wgsE2) * (mA0*lat - mA2*math.Sin(2*lat) + mA4*math.Sin(4*lat) - mA6*math.Sin(6*lat))
}

// latFromArc inverts meridianArc by Newton's method.
func latFromArc(m float64) float64 {
	lat := m / (wgsA * (1 - wgsE2) * mA0)
	for range 8 {
		rm, _ := radii(lat)
		d := (meridianArc(lat) - m) / rm
		lat -= d
		if math.Abs(d) < 1e-15 {
			break
		}
	}
	return lat
}

// isoLat is the isometric latitude ψ of lat (radians).
func isoLat(lat float64) float64 {
	s := math.Sin(lat)
	return math.Atanh(s) - wgsE*math.Atanh(wgsE*s)
}

// rhumbDest returns the point reached from p after dist metres on the rhumb
// line of true course courseDeg. Altitude is carried over.
func rhumbDest(p LLA, courseDeg, dist float64) LLA {
	if dist == 0 {
		return p
	}
	sc, cc := math.Sincos(courseDeg * deg)
	lat1 := p.Lat * deg
	lat2 := latFromArc(meridianArc(lat1) + dist*cc)
	var dLon float64
	if math.Abs(lat2-lat1) < 1e-10 {
		// Along (nearly) a parallel: the rhumb line is the parallel.
		_, n := radii(lat1)
		dLon = dist * sc / (n * math.Cos(lat1))
	} else {
		dLon = sc / cc * (isoLat(lat2) - isoLat(lat1))
	}
	lon := p.Lon + dLon/deg
	if lon > 180 {
		lon -= 360
	} else if lon < -180 {
		lon += 360
	}
	return LLA{Lat: lat2 / deg, Lon: lon, Alt: p.Alt}
}

// rhumbInverse returns the true course (deg) and distance (m) of the rhumb
// line from a to b.
func rhumbInverse(a, b LLA) (courseDeg, dist float64) {
	lat1, lat2 := a.Lat*deg, b.Lat*deg
	dLon := (b.Lon - a.Lon) * deg
	if dLon > math.Pi {
		dLon -= 2 * math.Pi
	} else if dLon < -math.Pi {
		dLon += 2 * math.Pi
	}
	dPsi := isoLat(lat2) - isoLat(lat1)
	c := math.Atan2(dLon, dPsi)
	if math.Abs(lat2-lat1) < 1e-10 {
		_, n := radii(lat1)
		return wrap360(c / deg), math.Abs(dLon) * n * math.Cos(lat1)
	}
	return wrap360(c / deg), (meridianArc(lat2) - meridianArc(lat1)) / math.Cos(c)
}
