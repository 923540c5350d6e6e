package geo

import (
	"fmt"
	"math"
)

// Place is a named reference point for human summaries ("14 km ESE of Matamoros").
type Place struct {
	Name     string
	Lat, Lon float64
}

// DefaultPlaces returns a small gazetteer for the three demo regions (lower
// Rio Grande / Gulf coast, Tijuana–San Diego, Strait of Juan de Fuca).
// Coordinates are approximate town centres (about ±1 km). The slice is a
// fresh copy on each call.
func DefaultPlaces() []Place {
	return []Place{
		// Lower Rio Grande / Gulf of Mexico.
		{"Brownsville", 25.9017, -97.4975},
		{"Port Isabel", 26.0734, -97.2086},
		{"South Padre Island", 26.1118, -97.1681},
		{"Matamoros", 25.8697, -97.5027},
		{"Playa Bagdad", 25.9389, -97.1472},
		{"Port Mansfield", 26.5553, -97.4247},
		// Tijuana / San Diego.
		{"San Diego", 32.7157, -117.1611},
		{"Tijuana", 32.5149, -117.0382},
		{"Rosarito", 32.3614, -117.0553},
		{"Imperial Beach", 32.5839, -117.1131},
		// Strait of Juan de Fuca.
		{"Port Angeles", 48.1181, -123.4307},
		{"Victoria", 48.4284, -123.3656},
		{"Neah Bay", 48.3681, -124.6247},
		{"Sooke", 48.3740, -123.7270},
	}
}

// compass16 are the 16 compass points, clockwise from north.
var compass16 = [16]string{"N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE", "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW"}

// CompassPoint returns the 16-point compass name (N, NNE, … NNW) of a
// bearing in degrees; "" for a non-finite bearing.
func CompassPoint(bearingDeg float64) string {
	if !finite(bearingDeg) {
		return ""
	}
	i := int(math.Floor(norm360(bearingDeg)/22.5+0.5)) % 16
	return compass16[i]
}

// Describe returns a short description of p relative to the nearest place in
// places, e.g. "14 km ESE of Matamoros"; "" when places is empty.
//
// The nearest place is chosen by geodesic distance; the direction is the
// 16-point compass point of the bearing from the place to p. From 950 m
// (which rounds to 1 km) the distance is given in whole kilometres
// ("14 km ESE of Matamoros"); from 50 m to 950 m it is rounded to 100 m
// ("800 m N of Matamoros"); under 50 m the result is "at Matamoros".
// Non-finite positions give "".
func Describe(p LLA, places []Place) string {
	best, bestD := -1, math.Inf(1)
	for i, pl := range places {
		d := Distance(LLA{Lat: pl.Lat, Lon: pl.Lon}, p)
		if d < bestD { // false for NaN
			best, bestD = i, d
		}
	}
	if best < 0 {
		return ""
	}
	pl := places[best]
	if bestD < 50 {
		return "at " + pl.Name
	}
	dir := CompassPoint(Bearing(LLA{Lat: pl.Lat, Lon: pl.Lon}, p))
	if bestD < 950 {
		return fmt.Sprintf("%d m %s of %s", int(math.Round(bestD/100))*100, dir, pl.Name)
	}
	return fmt.Sprintf("%d km %s of %s", int(math.Round(bestD/1000)), dir, pl.Name)
}
