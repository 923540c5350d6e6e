package adsb

import "math"

// Compact Position Reporting (CPR), airborne and surface, as specified by
// ICAO Annex 10 Vol. IV / DO-260B and explained in "The 1090 MHz Riddle"
// (J. Sun). Latitudes and longitudes are encoded as 17-bit fractions of a
// zone; even frames (i = 0) divide the latitude span into 60 zones, odd
// frames (i = 1) into 59. Airborne CPR spans 360°, surface CPR 90°.

const (
	cprNZ    = 15
	cprScale = 1 << 17
)

// cprNLConst is 1 − cos(π / (2·NZ)), the numerator of the NL formula.
var cprNLConst = 1 - math.Cos(math.Pi/(2*cprNZ))

// NL returns the number of longitude zones at latitude lat (degrees), by the
// closed form of the standard:
//
//	NL(lat) = floor(2π / acos(1 − (1 − cos(π/(2·NZ))) / cos²(π·lat/180)))
//
// with NL(0) = 59, NL(±87) = 2 and NL = 1 beyond ±87°.
func NL(lat float64) int {
	lat = math.Abs(lat)
	switch {
	case lat == 0:
		return 59
	case lat == 87:
		return 2
	case lat > 87 || math.IsNaN(lat):
		return 1
	}
	c := math.Cos(math.Pi / 180 * lat)
	x := 1 - cprNLConst/(c*c)
	if x <= -1 {
		return 1
	}
	nl := int(math.Floor(2 * math.Pi / math.Acos(x)))
	if nl < 1 {
		return 1
	}
	if nl > 59 {
		return 59
	}
	return nl
}

// mod is the always-non-negative remainder of the CPR standard.
func mod(x, y float64) float64 { return x - y*math.Floor(x/y) }

// cprGlobal decodes an airborne position from an even frame (latE, lonE)
// and an odd frame (latO, lonO); oddNewer selects the frame whose zone gives
// the result (the more recent one). ok is false when the two frames lie in
// different longitude-zone bands (the aircraft crossed an NL boundary
// between them: wait for the next pair) or the result is off the earth.
func cprGlobal(latE, lonE, latO, lonO uint32, oddNewer bool) (lat, lon float64, ok bool) {
	yE, xE := float64(latE)/cprScale, float64(lonE)/cprScale
	yO, xO := float64(latO)/cprScale, float64(lonO)/cprScale
	j := math.Floor(59*yE - 60*yO + 0.5)
	latEven := 360.0 / 60 * (mod(j, 60) + yE)
	latOdd := 360.0 / 59 * (mod(j, 59) + yO)
	if latEven >= 270 {
		latEven -= 360
	}
	if latOdd >= 270 {
		latOdd -= 360
	}
	if latEven < -90 || latEven > 90 || latOdd < -90 || latOdd > 90 {
		return 0, 0, false
	}
	nl := NL(latEven)
	if nl != NL(latOdd) {
		return 0, 0, false
	}
	m := math.Floor(xE*float64(nl-1) - xO*float64(nl) + 0.5)
	if oddNewer {
		lat = latOdd
		ni := float64(max(nl-1, 1))
		lon = 360 / ni * (mod(m, ni) + xO)
	} else {
		lat = latEven
		ni := float64(max(nl, 1))
		lon = 360 / ni * (mod(m, ni) + xE)
	}
	lon = normLon(lon)
	return lat, lon, true
}

// cprLocal decodes one frame (odd says which) relative to a reference
// position within half a zone of the target: span is 360 for airborne
// positions, 90 for surface positions.
func cprLocal(latC, lonC uint32, odd bool, refLat, refLon, span float64) (lat, lon float64, ok bool) {
	i := 0.0
	if odd {
		i = 1
	}
	y, x := float64(latC)/cprScale, float64(lonC)/cprScale
	dlat := span / (60 - i)
	j := math.Floor(refLat/dlat) + math.Floor(0.5+mod(refLat, dlat)/dlat-y)
	lat = dlat * (j + y)
	if lat < -90 || lat > 90 || math.IsNaN(lat) {
		return 0, 0, false
	}
	ni := float64(max(NL(lat)-int(i), 1))
	dlon := span / ni
	m := math.Floor(refLon/dlon) + math.Floor(0.5+mod(refLon, dlon)/dlon-x)
	lon = normLon(dlon * (m + x))
	return lat, lon, true
}

// normLon brings a longitude into [-180, 180).
func normLon(lon float64) float64 {
	lon = mod(lon+180, 360) - 180
	return lon
}
