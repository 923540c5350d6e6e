package geo

import "math"

// Polar is a detection in sensor-centred polar form: slant range in metres,
// compass bearing in degrees clockwise from true north, elevation in degrees
// above the local horizontal at the sensor (0 when unknown).
type Polar struct {
	Range, Bearing, Elevation float64
}

// PolarToLLA places a polar detection seen from sensor at its geodetic
// position. When the elevation is unknown (hasElev false) and the sensor is
// above the target altitude targetAlt, the elevation is solved so that the
// target lies at targetAlt (e.g. 0 for a surface target seen from an aerostat
// or aircraft).
//
// The conversion is exact on the WGS-84 ellipsoid: the detection is turned
// into east/north/up at the sensor and then through ECEF to geodetic, with no
// flat-earth approximation. The elevation solve uses plain geometry (a
// straight line of sight, no atmospheric refraction): a first estimate on a
// sphere of the sensor's local radius of curvature along the bearing, then a
// few Newton steps on the ellipsoid so the result is at targetAlt to well
// under a millimetre. Ignoring refraction moves the ground position by
// centimetres to metres at radar ranges (the horizontal component ρ·cos(el)
// barely depends on the small elevation), so the standard 4/3-earth model
// would not change the answer meaningfully. For a sensor at 30 m and a
// surface target the solved elevation is a fraction of a degree below the
// horizontal. If the range is shorter than the height difference, the
// elevation is clamped to straight down (or straight up when the target
// altitude is above the sensor) and the target does not reach targetAlt.
// The solve also applies when the sensor is below targetAlt.
//
// A zero range returns the sensor position; a negative or non-finite range,
// bearing or elevation yields NaN fields.
func PolarToLLA(sensor LLA, p Polar, hasElev bool, targetAlt float64) LLA {
	nan := LLA{math.NaN(), math.NaN(), math.NaN()}
	if !finite(p.Range) || p.Range < 0 || !finite(p.Bearing) || !finite(sensor.Lat) || !finite(sensor.Lon) || !finite(sensor.Alt) {
		return nan
	}
	if hasElev && !finite(p.Elevation) {
		return nan
	}
	if !hasElev && !finite(targetAlt) {
		return nan
	}
	if p.Range == 0 {
		return sensor
	}
	var f Frame
	f.init(sensor)
	sAz, cAz := math.Sincos(p.Bearing * deg2rad)
	at := func(el float64) LLA {
		sEl, cEl := math.Sincos(el)
		h := p.Range * cEl
		return f.FromENU(h*sAz, h*cAz, p.Range*sEl)
	}
	if hasElev {
		return at(p.Elevation * deg2rad)
	}
	el := solveElevation(sensor, cAz*cAz, p.Range, targetAlt)
	if math.Abs(el) >= math.Pi/2 {
		return at(el) // clamped: straight down or up
	}
	// Newton refinement on the ellipsoid: d(alt)/d(el) ≈ ρ·cos(el) (plus a
	// tiny curvature term), which is plenty for quadratic convergence here.
	for i := 0; i < 4; i++ {
		q := at(el)
		diff := q.Alt - targetAlt
		if math.Abs(diff) < 1e-5 {
			return LLA{q.Lat, q.Lon, q.Alt}
		}
		d := p.Range * math.Cos(el)
		if d < 1e-9 {
			break
		}
		el -= diff / d
		if el < -math.Pi/2 {
			el = -math.Pi / 2
		} else if el > math.Pi/2 {
			el = math.Pi / 2
		}
	}
	return at(el)
}

// solveElevation returns the line-of-sight elevation (radians) at which a
// straight ray of slant range rho from the sensor reaches altitude targetAlt
// on a sphere whose radius is the ellipsoid's radius of curvature at the
// sensor along the bearing (cos2Az = cos²(bearing)); clamped to ±π/2.
func solveElevation(sensor LLA, cos2Az, rho, targetAlt float64) float64 {
	s := math.Sin(sensor.Lat * deg2rad)
	w := 1 - e2*s*s
	n := WGS84A / math.Sqrt(w)                  // prime vertical radius
	m := WGS84A * (1 - e2) / (w * math.Sqrt(w)) // meridional radius
	r := 1 / (cos2Az/m + (1-cos2Az)/n)          // Euler's radius along the azimuth
	rs, rt := r+sensor.Alt, r+targetAlt
	// Law of cosines in the triangle centre–sensor–target:
	// rt² = rs² + ρ² + 2·rs·ρ·sin(el).
	sinEl := ((rt-rs)*(rt+rs) - rho*rho) / (2 * rs * rho)
	switch {
	case sinEl <= -1 || math.IsNaN(sinEl):
		return -math.Pi / 2
	case sinEl >= 1:
		return math.Pi / 2
	}
	return math.Asin(sinEl)
}

// PolarCovariance returns the 2x2 east/north covariance (m²) of a polar
// detection at ground range r (m) and bearing b (deg) with standard
// deviations sigmaR (m) and sigmaB (deg): the converted-measurement
// covariance J·diag(σr²,σb²)·Jᵀ.
//
// With east = r·sin b and north = r·cos b (b in radians, clockwise from
// north), J = [[sin b, r·cos b], [cos b, −r·sin b]] and σb is converted to
// radians. The result is symmetric; index 0 is east, 1 is north.
func PolarCovariance(r, bearingDeg, sigmaR, sigmaBDeg float64) [2][2]float64 {
	sb, cb := math.Sincos(bearingDeg * deg2rad)
	vr := sigmaR * sigmaR
	sbr := sigmaBDeg * deg2rad
	vb := r * r * sbr * sbr // (r·σb)²: cross-range variance
	ee := sb*sb*vr + cb*cb*vb
	nn := cb*cb*vr + sb*sb*vb
	en := sb * cb * (vr - vb)
	return [2][2]float64{{ee, en}, {en, nn}}
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
