package geo

import "math"

// PolarSensor converts polar detections seen from one sensor position; it
// holds the sensor's tangent plane so that a scan's plots share it.
type PolarSensor struct {
	pos   LLA
	f     Frame
	valid bool // the position is finite
}

// NewPolarSensor returns the converter for a sensor at pos.
func NewPolarSensor(pos LLA) *PolarSensor {
	ps := &PolarSensor{pos: pos, valid: finite(pos.Lat) && finite(pos.Lon) && finite(pos.Alt)}
	if ps.valid {
		ps.f.init(pos)
	}
	return ps
}

// Surface places a polar detection without elevation on the sea surface —
// the WGS-84 ellipsoid itself, altitude 0 — and returns it in ECEF: the
// point at slant range rng (m) from the sensor, in the vertical plane of
// the compass bearing (degrees), that lies on the ellipsoid. It is
// PolarToLLA's surface case (no elevation, target altitude 0) without going
// through geodetic coordinates: the ellipsoid is the surface
// (x²+y²)/a² + z²/b² = 1, so the elevation is found by Newton steps on that
// equation (each a handful of multiplications) from PolarToLLA's spherical
// first estimate, to well under a millimetre. ok is false, and the caller
// should use PolarToLLA, when the range cannot reach the surface (shorter
// than the sensor's height) or the input is not finite.
func (ps *PolarSensor) Surface(rng, bearing float64) (x ECEF, ok bool) {
	if !ps.valid || !finite(rng) || !finite(bearing) || rng <= 0 {
		return ECEF{}, false
	}
	sAz, cAz := math.Sincos(bearing * deg2rad)
	el := solveElevation(ps.pos, cAz*cAz, rng, 0)
	if math.Abs(el) >= math.Pi/2 {
		return ECEF{}, false
	}
	r := &ps.f.r
	// Unit vectors in ECEF: h horizontal along the bearing, u up.
	var h, u [3]float64
	for i := range 3 {
		h[i] = sAz*r[0][i] + cAz*r[1][i]
		u[i] = r[2][i]
	}
	o := ps.f.o
	const ia2, ib2 = 1 / (WGS84A * WGS84A), 1 / (WGS84B * WGS84B)
	for range 8 {
		sEl, cEl := math.Sincos(el)
		var t, dt ECEF
		for i := range 3 {
			t[i] = o[i] + rng*(cEl*h[i]+sEl*u[i])
			dt[i] = rng * (cEl*u[i] - sEl*h[i])
		}
		g := (t[0]*t[0]+t[1]*t[1])*ia2 + t[2]*t[2]*ib2 - 1
		dg := 2 * ((t[0]*dt[0]+t[1]*dt[1])*ia2 + t[2]*dt[2]*ib2)
		if dg == 0 || !finite(dg) {
			return ECEF{}, false
		}
		step := g / dg
		el -= step
		if math.Abs(step)*rng < 1e-6 {
			sEl, cEl = math.Sincos(el)
			for i := range 3 {
				t[i] = o[i] + rng*(cEl*h[i]+sEl*u[i])
			}
			return t, true
		}
	}
	return ECEF{}, false
}
