package geo

import "math"

// Geodesics on the WGS-84 ellipsoid by Vincenty's formulae (T. Vincenty,
// "Direct and inverse solutions of geodesics on the ellipsoid with
// application of nested equations", Survey Review 23(176), 1975), accurate
// to well under a millimetre wherever they converge.
//
// The inverse iteration is capped at vincentyMaxIter steps. It fails to
// converge only for nearly antipodal points (within about half a degree of
// the antipode); there Distance and Bearing fall back to a great circle on a
// sphere of the ellipsoid's rectifying radius (exact for meridional
// half-circumferences, otherwise within about 0.1 % of the true distance)
// and document it here rather than return NaN or loop. Coincident points give
// distance 0 and bearing 0.

const (
	vincentyMaxIter = 200
	vincentyEps     = 1e-12
	// rectifyingRadius makes π·R equal the WGS-84 pole-to-pole meridian arc.
	rectifyingRadius = 6367449.145823416
)

// inverse solves the inverse geodesic problem: distance (m) and initial
// azimuth (radians, clockwise from north) from a to b; ok is false when the
// iteration did not converge (and the fallback was used).
func inverse(lat1, lon1, lat2, lon2 float64) (s, azi float64, ok bool) {
	if !finite(lat1) || !finite(lon1) || !finite(lat2) || !finite(lon2) {
		return math.NaN(), math.NaN(), false
	}
	const f, b = WGS84F, WGS84B
	phi1, phi2 := clampLat(lat1)*deg2rad, clampLat(lat2)*deg2rad
	L := normRad((lon2 - lon1) * deg2rad)
	tanU1, tanU2 := (1-f)*math.Tan(phi1), (1-f)*math.Tan(phi2)
	cosU1 := 1 / math.Sqrt(1+tanU1*tanU1)
	sinU1 := tanU1 * cosU1
	cosU2 := 1 / math.Sqrt(1+tanU2*tanU2)
	sinU2 := tanU2 * cosU2

	lambda := L
	var sinLambda, cosLambda, sinSigma, cosSigma, sigma, cos2Alpha, cos2SigmaM float64
	converged := false
	for i := 0; i < vincentyMaxIter; i++ {
		sinLambda, cosLambda = math.Sincos(lambda)
		t1 := cosU2 * sinLambda
		t2 := cosU1*sinU2 - sinU1*cosU2*cosLambda
		sinSigma = math.Sqrt(t1*t1 + t2*t2)
		if sinSigma == 0 {
			if sinU1*sinU2+cosU1*cosU2*cosLambda >= 0 {
				return 0, 0, true // coincident points
			}
			break // exactly antipodal: let the fallback answer
		}
		cosSigma = sinU1*sinU2 + cosU1*cosU2*cosLambda
		sigma = math.Atan2(sinSigma, cosSigma)
		sinAlpha := cosU1 * cosU2 * sinLambda / sinSigma
		cos2Alpha = 1 - sinAlpha*sinAlpha
		cos2SigmaM = 0
		if cos2Alpha != 0 { // equatorial line: cos2Alpha = 0
			cos2SigmaM = cosSigma - 2*sinU1*sinU2/cos2Alpha
		}
		C := f / 16 * cos2Alpha * (4 + f*(4-3*cos2Alpha))
		prev := lambda
		lambda = L + (1-C)*f*sinAlpha*(sigma+C*sinSigma*(cos2SigmaM+C*cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)))
		if math.Abs(lambda) > math.Pi || math.IsNaN(lambda) {
			break // diverging (near-antipodal)
		}
		if math.Abs(lambda-prev) <= vincentyEps {
			converged = true
			break
		}
	}
	if !converged {
		d, az := greatCircle(phi1, L, phi2)
		return d, az, false
	}
	u2 := cos2Alpha * ep2
	A := 1 + u2/16384*(4096+u2*(-768+u2*(320-175*u2)))
	B := u2 / 1024 * (256 + u2*(-128+u2*(74-47*u2)))
	c2 := cos2SigmaM * cos2SigmaM
	dSigma := B * sinSigma * (cos2SigmaM + B/4*(cosSigma*(-1+2*c2)-B/6*cos2SigmaM*(-3+4*sinSigma*sinSigma)*(-3+4*c2)))
	s = b * A * (sigma - dSigma)
	azi = math.Atan2(cosU2*sinLambda, cosU1*sinU2-sinU1*cosU2*cosLambda)
	return s, azi, true
}

// greatCircle is the spherical fallback (rectifying radius) used where
// Vincenty's inverse does not converge.
func greatCircle(phi1, dLon, phi2 float64) (s, azi float64) {
	s1, c1 := math.Sincos(phi1)
	s2, c2 := math.Sincos(phi2)
	sdl, cdl := math.Sincos(dLon)
	y := math.Hypot(c2*sdl, c1*s2-s1*c2*cdl)
	x := s1*s2 + c1*c2*cdl
	return rectifyingRadius * math.Atan2(y, x), math.Atan2(c2*sdl, c1*s2-s1*c2*cdl)
}

// Distance returns the geodesic distance in metres between a and b on the
// WGS-84 ellipsoid (surface, altitudes ignored).
func Distance(a, b LLA) float64 {
	s, _, _ := inverse(a.Lat, a.Lon, b.Lat, b.Lon)
	return s
}

// Bearing returns the initial geodesic bearing in degrees [0,360) from a to b.
// It is 0 for coincident points and NaN for non-finite input.
func Bearing(a, b LLA) float64 {
	_, az, _ := inverse(a.Lat, a.Lon, b.Lat, b.Lon)
	return norm360(az * rad2deg)
}

// Inverse returns both the geodesic distance (m) and the initial bearing
// (degrees, [0,360)) from a to b, as Distance and Bearing would, for the
// price of one.
func Inverse(a, b LLA) (dist, bearingDeg float64) {
	s, az, _ := inverse(a.Lat, a.Lon, b.Lat, b.Lon)
	return s, norm360(az * rad2deg)
}

// Destination returns the point reached from a after dist metres along the
// initial bearing bearingDeg.
//
// The altitude of a is carried over unchanged; longitude is normalised to
// [-180, 180). A negative dist travels backwards. Non-finite input yields
// NaN fields.
func Destination(a LLA, bearingDeg, dist float64) LLA {
	if !finite(a.Lat) || !finite(a.Lon) || !finite(bearingDeg) || !finite(dist) {
		return LLA{math.NaN(), math.NaN(), math.NaN()}
	}
	const f, b = WGS84F, WGS84B
	sinA1, cosA1 := math.Sincos(bearingDeg * deg2rad)
	tanU1 := (1 - f) * math.Tan(clampLat(a.Lat)*deg2rad)
	cosU1 := 1 / math.Sqrt(1+tanU1*tanU1)
	sinU1 := tanU1 * cosU1
	sigma1 := math.Atan2(tanU1, cosA1)
	sinAlpha := cosU1 * sinA1
	cos2Alpha := 1 - sinAlpha*sinAlpha
	u2 := cos2Alpha * ep2
	A := 1 + u2/16384*(4096+u2*(-768+u2*(320-175*u2)))
	B := u2 / 1024 * (256 + u2*(-128+u2*(74-47*u2)))

	sigma := dist / (b * A)
	var sinSigma, cosSigma, cos2SigmaM float64
	for i := 0; i < vincentyMaxIter; i++ {
		cos2SigmaM = math.Cos(2*sigma1 + sigma)
		sinSigma, cosSigma = math.Sincos(sigma)
		c2 := cos2SigmaM * cos2SigmaM
		dSigma := B * sinSigma * (cos2SigmaM + B/4*(cosSigma*(-1+2*c2)-B/6*cos2SigmaM*(-3+4*sinSigma*sinSigma)*(-3+4*c2)))
		prev := sigma
		sigma = dist/(b*A) + dSigma
		if !(math.Abs(sigma-prev) > vincentyEps) { // also stops on NaN
			break
		}
	}
	cos2SigmaM = math.Cos(2*sigma1 + sigma)
	sinSigma, cosSigma = math.Sincos(sigma)
	t := sinU1*sinSigma - cosU1*cosSigma*cosA1
	phi2 := math.Atan2(sinU1*cosSigma+cosU1*sinSigma*cosA1, (1-f)*math.Sqrt(sinAlpha*sinAlpha+t*t))
	lambda := math.Atan2(sinSigma*sinA1, cosU1*cosSigma-sinU1*sinSigma*cosA1)
	C := f / 16 * cos2Alpha * (4 + f*(4-3*cos2Alpha))
	L := lambda - (1-C)*f*sinAlpha*(sigma+C*sinSigma*(cos2SigmaM+C*cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)))
	return LLA{phi2 * rad2deg, norm180(a.Lon + L*rad2deg), a.Alt}
}

// clampLat limits a latitude to [-90, 90] degrees.
func clampLat(lat float64) float64 { return math.Max(-90, math.Min(90, lat)) }

// normRad wraps an angle to [-π, π].
func normRad(x float64) float64 {
	x = math.Remainder(x, 2*math.Pi)
	return x
}

// norm360 wraps degrees to [0, 360).
func norm360(d float64) float64 {
	d = math.Mod(d, 360)
	if d < 0 {
		d += 360
	}
	if d >= 360 { // -tiny + 360 rounds to 360
		d = 0
	}
	return d
}

// norm180 wraps degrees to [-180, 180).
func norm180(d float64) float64 {
	d = math.Mod(d+180, 360)
	if d < 0 {
		d += 360
	}
	return d - 180
}
