package geo

import "math"

// Frame is a local tangent plane (east, north, up) at an origin.
//
// The rotation between ECEF and ENU is precomputed by NewFrame; ToENU and
// FromENU do not allocate. A Frame is immutable and safe for concurrent use.
type Frame struct {
	origin LLA
	o      ECEF          // origin in ECEF
	r      [3][3]float64 // rows: east, north, up unit vectors in ECEF
}

// NewFrame returns the local tangent plane at origin.
func NewFrame(origin LLA) *Frame {
	f := new(Frame)
	f.init(origin)
	return f
}

// init sets f up as the tangent plane at origin.
func (f *Frame) init(origin LLA) {
	sLat, cLat := math.Sincos(origin.Lat * deg2rad)
	sLon, cLon := math.Sincos(origin.Lon * deg2rad)
	*f = Frame{
		origin: origin,
		o:      ToECEF(origin),
		r: [3][3]float64{
			{-sLon, cLon, 0},
			{-sLat * cLon, -sLat * sLon, cLat},
			{cLat * cLon, cLat * sLon, sLat},
		},
	}
}

// Origin returns the frame's origin.
func (f *Frame) Origin() LLA { return f.origin }

// ToENU converts a geodetic position to east, north, up metres in the frame.
func (f *Frame) ToENU(p LLA) (e, n, u float64) {
	return f.ECEFToENU(ToECEF(p))
}

// ECEFToENU rotates an ECEF position into east, north, up metres in the frame.
func (f *Frame) ECEFToENU(x ECEF) (e, n, u float64) {
	dx, dy, dz := x[0]-f.o[0], x[1]-f.o[1], x[2]-f.o[2]
	r := &f.r
	e = r[0][0]*dx + r[0][1]*dy + r[0][2]*dz
	n = r[1][0]*dx + r[1][1]*dy + r[1][2]*dz
	u = r[2][0]*dx + r[2][1]*dy + r[2][2]*dz
	return e, n, u
}

// ENUToECEF converts east, north, up metres in the frame to ECEF.
func (f *Frame) ENUToECEF(e, n, u float64) ECEF {
	r := &f.r
	return ECEF{
		f.o[0] + r[0][0]*e + r[1][0]*n + r[2][0]*u,
		f.o[1] + r[0][1]*e + r[1][1]*n + r[2][1]*u,
		f.o[2] + r[0][2]*e + r[1][2]*n + r[2][2]*u,
	}
}

// FromENU converts east, north, up metres in the frame to geodetic.
func (f *Frame) FromENU(e, n, u float64) LLA {
	return FromECEF(f.ENUToECEF(e, n, u))
}
