package main

import (
	"log"

	"github.com/paulmach/orb"
)

// area is a hand-drawn port or anchorage.
type area struct {
	name, kind, region string
	ring               [][2]float64 // lon, lat; closed by areaFeatures
}

// areas are drawn by hand from general chart knowledge (harbour outlines,
// channel and jetty positions), good to a few hundred metres at best: they
// are demo overlays, not charted anchorage limits. Where two overlap, package
// geo reports the smaller. The Brazos Santiago anchorage is a demo area
// (there is no charted anchorage of that shape): it is drawn to hold
// 26.07 N 97.15 W with more than 2 km to spare and the waters 26.03–26.10 N,
// 97.16–97.08 W off the pass.
var areas = []area{
	// Lower Rio Grande / Brownsville.
	{"Port Isabel and Brazos Santiago Pass", "port", "rio_grande_gulf", [][2]float64{
		{-97.225, 26.050}, {-97.175, 26.050}, {-97.175, 26.085}, {-97.225, 26.085},
	}},
	{"Port of Brownsville and Brownsville Ship Channel", "port", "rio_grande_gulf", [][2]float64{
		{-97.225, 26.060}, {-97.300, 26.010}, {-97.370, 25.972}, {-97.410, 25.965},
		{-97.410, 25.940}, {-97.370, 25.950}, {-97.300, 25.998}, {-97.225, 26.048},
	}},
	{"Brazos Santiago offshore anchorage (demo)", "anchorage", "rio_grande_gulf", [][2]float64{
		{-97.175, 26.020}, {-97.070, 26.020}, {-97.070, 26.110}, {-97.175, 26.110},
	}},
	// San Diego.
	{"San Diego Bay", "port", "tijuana_san_diego", [][2]float64{
		{-117.245, 32.668}, {-117.222, 32.678}, {-117.225, 32.700}, {-117.190, 32.706},
		{-117.165, 32.695}, {-117.150, 32.665}, {-117.138, 32.615}, {-117.125, 32.583},
		{-117.095, 32.600}, {-117.102, 32.640}, {-117.112, 32.668}, {-117.130, 32.688},
		{-117.155, 32.705}, {-117.172, 32.722}, {-117.195, 32.732}, {-117.215, 32.728},
		{-117.236, 32.712}, {-117.240, 32.690},
	}},
	{"San Diego offshore anchorage (approximate)", "anchorage", "tijuana_san_diego", [][2]float64{
		{-117.270, 32.620}, {-117.210, 32.620}, {-117.210, 32.660}, {-117.270, 32.660},
	}},
	// Strait of Juan de Fuca.
	{"Port Angeles Harbor", "port", "juan_de_fuca", [][2]float64{
		{-123.475, 48.122}, {-123.470, 48.118}, {-123.440, 48.117}, {-123.400, 48.115},
		{-123.395, 48.128}, {-123.410, 48.137}, {-123.445, 48.132},
	}},
	{"Victoria Harbour", "port", "juan_de_fuca", [][2]float64{
		{-123.400, 48.410}, {-123.385, 48.412}, {-123.372, 48.420}, {-123.366, 48.428},
		{-123.372, 48.434}, {-123.388, 48.430}, {-123.402, 48.420},
	}},
	{"Royal Roads anchorage (Victoria)", "anchorage", "juan_de_fuca", [][2]float64{
		{-123.500, 48.410}, {-123.440, 48.410}, {-123.440, 48.440}, {-123.500, 48.440},
	}},
	{"Port Townsend anchorage", "anchorage", "juan_de_fuca", [][2]float64{
		{-122.765, 48.080}, {-122.720, 48.080}, {-122.720, 48.115}, {-122.765, 48.115},
	}},
}

// areaFeatures returns the areas as features (zone = kind, name).
func areaFeatures() []outFeature {
	var out []outFeature
	for _, a := range areas {
		r := make(orb.Ring, 0, len(a.ring)+1)
		for _, p := range a.ring {
			r = append(r, orb.Point(p))
		}
		r = append(r, r[0])
		if ringArea(r) < 0 { // counter-clockwise outer ring (RFC 7946)
			for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
				r[i], r[j] = r[j], r[i]
			}
		}
		out = append(out, outFeature{Props: map[string]string{"zone": a.kind, "name": a.name, "region": a.region}, Geom: orb.MultiPolygon{{r}}})
	}
	log.Printf("areas: %d", len(out))
	return out
}
