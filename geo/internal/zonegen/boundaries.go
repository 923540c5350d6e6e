package main

import (
	"encoding/json"
	"fmt"
	"log"
	"math"
	"os"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
)

// readNOAA reads the NOAA maritime limits GeoJSON (converted from the KMZ)
// into Boundary ID → lines.
func readNOAA(path string) (map[string]orb.MultiLineString, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var fc inCollection
	if err := json.Unmarshal(data, &fc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := map[string]orb.MultiLineString{}
	for i, f := range fc.Features {
		id, _ := f.Properties["Boundary ID"].(string)
		if id == "" {
			continue
		}
		mls, err := f.Geometry.multiLineString()
		if err != nil {
			return nil, fmt.Errorf("%s: feature %d (%s): %w", path, i, id, err)
		}
		out[id] = append(out[id], mls...)
	}
	return out, nil
}

// boundaryLine is one named boundary line (unclipped).
type boundaryLine struct {
	name string
	kind string // "maritime" or "land"
	pair string // sorted alpha-2 pair, "MX-US"
	geom orb.MultiLineString
}

// boundarySet holds the lateral chains (maritime boundary + land border +
// maritime boundary, west to east) used to split the boxes between two
// countries, and the boundary lines written to lines.geojson.
type boundarySet struct {
	chains map[string]orb.LineString
	lines  []boundaryLine
}

// NOAA Boundary IDs, in order from the seaward end towards the coast.
var (
	noaaGulf    = []string{"B0037", "B0071", "B0103", "B0072"} // 1970/1978 treaties, Rio Grande mouth last
	noaaPacific = []string{"B0052", "B0057", "B0051", "B0053"} // 1970/1978 treaties, Tijuana coast last
	noaaJdF     = []string{"B0056", "B0058", "B0055", "B0098"} // US claim seaward, then Juan de Fuca / Haro Strait to 49°N
	noaa49th    = "B0086"                                      // 49th parallel, east to west
)

// Longitudes at which the 49th parallel line is cut (degrees): the part
// west of boundaryBayEast crosses Boundary Bay (water); the lateral chain
// is followed to chain49East.
const (
	boundaryBayEast = -122.75
	chain49East     = -121.0
)

// buildBoundaries assembles the US–Mexico and US–Canada chains and lines.
func buildBoundaries(noaa map[string]orb.MultiLineString, nec *neCountries) (*boundarySet, error) {
	get := func(ids []string) ([]orb.LineString, error) {
		var out []orb.LineString
		for _, id := range ids {
			mls, ok := noaa[id]
			if !ok || len(mls) != 1 {
				return nil, fmt.Errorf("NOAA boundary %s: want one line, have %d", id, len(mls))
			}
			out = append(out, mls[0])
		}
		return out, nil
	}
	gulfParts, err := get(noaaGulf)
	if err != nil {
		return nil, err
	}
	pacParts, err := get(noaaPacific)
	if err != nil {
		return nil, err
	}
	jdfParts, err := get(noaaJdF)
	if err != nil {
		return nil, err
	}
	b49, err := get([]string{noaa49th})
	if err != nil {
		return nil, err
	}

	gulf, err := joinOrdered(gulfParts...)
	if err != nil {
		return nil, fmt.Errorf("the Gulf boundary: %w", err)
	}
	pacific, err := joinOrdered(pacParts...)
	if err != nil {
		return nil, fmt.Errorf("the Pacific boundary: %w", err)
	}
	jdf, err := joinOrdered(jdfParts...)
	if err != nil {
		return nil, fmt.Errorf("the Juan de Fuca boundary: %w", err)
	}
	landMX := joinArcs(nec.borders["MX-US"])
	if len(landMX) != 1 {
		return nil, fmt.Errorf("US–Mexico land border: %d chains, want 1", len(landMX))
	}
	// West to east: Pacific treaty line (seaward end first), land border,
	// Gulf treaty line (reversed: Rio Grande mouth first).
	usmx := slices.Clone(pacific)
	for _, part := range []orb.LineString{landMX[0], gulf} {
		if usmx, err = appendOriented(usmx, part, 0.05); err != nil {
			return nil, fmt.Errorf("US–Mexico chain: %w", err)
		}
	}
	// US–Canada: US seaward claim, Juan de Fuca, Haro Strait to 49°N, then
	// east along the 49th parallel.
	along49 := orient(b49[0], jdf[len(jdf)-1])
	var bay, east49 orb.LineString
	for _, p := range along49 {
		if p[0] <= boundaryBayEast {
			bay = append(bay, p)
		}
		if p[0] <= chain49East {
			east49 = append(east49, p)
		}
	}
	usca, err := appendOriented(slices.Clone(jdf), east49, 0.001)
	if err != nil {
		return nil, fmt.Errorf("US–Canada chain: %w", err)
	}
	for name, c := range map[string]orb.LineString{"MX-US": usmx, "CA-US": usca} {
		log.Printf("lateral chain %s: %d points from %v to %v", name, len(c), c[0], c[len(c)-1])
	}
	bs := &boundarySet{
		chains: map[string]orb.LineString{"MX-US": usmx, "CA-US": usca},
		lines: []boundaryLine{
			{"US-Mexico maritime boundary, Gulf of Mexico (1970/1978 treaties, NOAA)", "maritime", "MX-US", orb.MultiLineString{gulf}},
			{"US-Mexico maritime boundary, Pacific (1970/1978 treaties, NOAA)", "maritime", "MX-US", orb.MultiLineString{pacific}},
			{"US-Mexico land border (Natural Earth)", "land", "MX-US", orb.MultiLineString{landMX[0]}},
			{"US-Canada maritime boundary, Strait of Juan de Fuca and Haro Strait (NOAA; seaward part as claimed by the US)", "maritime", "CA-US", orb.MultiLineString{jdf}},
			{"US-Canada boundary, 49th parallel across Boundary Bay (NOAA)", "maritime", "CA-US", orb.MultiLineString{bay}},
			{"US-Canada land border (Natural Earth)", "land", "CA-US", orb.MultiLineString(nec.borders["CA-US"])},
		},
	}
	return bs, nil
}

// boundaryFeatures clips the boundary lines and the coastlines to each box
// (plus lineMarginDeg).
func boundaryFeatures(bs *boundarySet, nec *neCountries) []outFeature {
	var out []outFeature
	for _, r := range regions {
		eb := expand(r.bound, lineMarginDeg)
		for _, l := range bs.lines {
			g := clipLines(eb, l.geom)
			if len(g) == 0 {
				continue
			}
			out = append(out, outFeature{Props: map[string]string{
				"zone": "boundary", "boundary_kind": l.kind, "countries": l.pair, "name": l.name, "region": r.name,
			}, Geom: g})
			log.Printf("boundary %s %q: %d lines, %d points", r.name, l.name, len(g), countPoints(g))
		}
	}
	for _, r := range regions {
		eb := expand(r.bound, lineMarginDeg)
		for _, c := range sortedKeys(nec.coast) {
			g := clipLines(eb, orb.MultiLineString(nec.coast[c]))
			if len(g) == 0 {
				continue
			}
			out = append(out, outFeature{Props: map[string]string{"zone": "coastline", "country": c, "region": r.name}, Geom: g})
			log.Printf("coastline %s %s: %d lines, %d points", r.name, c, len(g), countPoints(g))
		}
	}
	return out
}

// clipLines clips lines to b, rounds to 1e-6° and drops degenerate pieces.
func clipLines(b orb.Bound, mls orb.MultiLineString) orb.MultiLineString {
	var out orb.MultiLineString
	for _, l := range mls {
		if !l.Bound().Intersects(b) {
			continue
		}
		for _, piece := range clip.LineString(b, slices.Clone(l)) {
			var q orb.LineString
			for _, p := range piece {
				p = orb.Point{round6(p[0]), round6(p[1])}
				if len(q) > 0 && q[len(q)-1] == p {
					continue
				}
				q = append(q, p)
			}
			if len(q) >= 2 {
				out = append(out, q)
			}
		}
	}
	return out
}

// expand grows b by d degrees on every side.
func expand(b orb.Bound, d float64) orb.Bound {
	return orb.Bound{Min: orb.Point{b.Min[0] - d, b.Min[1] - d}, Max: orb.Point{b.Max[0] + d, b.Max[1] + d}}
}

// joinOrdered concatenates lines given in order, reversing each as needed
// so that consecutive lines meet (gaps up to 1e-3° are bridged).
func joinOrdered(parts ...orb.LineString) (orb.LineString, error) {
	out := slices.Clone(parts[0])
	if len(parts) > 1 {
		n := parts[1]
		head := math.Min(deg(out[0], n[0]), deg(out[0], n[len(n)-1]))
		tail := math.Min(deg(out[len(out)-1], n[0]), deg(out[len(out)-1], n[len(n)-1]))
		if head < tail {
			slices.Reverse(out)
		}
	}
	var err error
	for _, p := range parts[1:] {
		if out, err = appendOriented(out, p, 1e-3); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// appendOriented appends p (reversed if its last point is nearer the tail
// of out) to out; the gap must not exceed maxGap degrees.
func appendOriented(out, p orb.LineString, maxGap float64) (orb.LineString, error) {
	q := orient(p, out[len(out)-1])
	tail := out[len(out)-1]
	if g := deg(tail, q[0]); g > maxGap {
		return nil, fmt.Errorf("gap of %.4f° between %v and %v", g, tail, q[0])
	}
	if q[0] == tail {
		q = q[1:]
	}
	return append(out, q...), nil
}

// orient returns a copy of l that starts at the end nearer to p.
func orient(l orb.LineString, p orb.Point) orb.LineString {
	q := slices.Clone(l)
	if deg(p, q[len(q)-1]) < deg(p, q[0]) {
		slices.Reverse(q)
	}
	return q
}

// deg is the planar distance in degrees (for matching endpoints only).
func deg(a, b orb.Point) float64 { return math.Hypot(a[0]-b[0], a[1]-b[1]) }

// joinArcs joins arcs sharing exact endpoints into chains (greedy, in input
// order).
func joinArcs(arcs []orb.LineString) []orb.LineString {
	used := make([]bool, len(arcs))
	var chains []orb.LineString
	for s := range arcs {
		if used[s] {
			continue
		}
		used[s] = true
		c := slices.Clone(arcs[s])
		for grown := true; grown; {
			grown = false
			for i, a := range arcs {
				if used[i] {
					continue
				}
				head, tail := c[0], c[len(c)-1]
				switch {
				case a[0] == tail:
					c = append(c, a[1:]...)
				case a[len(a)-1] == tail:
					r := slices.Clone(a)
					slices.Reverse(r)
					c = append(c, r[1:]...)
				case a[len(a)-1] == head:
					c = append(slices.Clone(a[:len(a)-1]), c...)
				case a[0] == head:
					r := slices.Clone(a)
					slices.Reverse(r)
					c = append(r[:len(r)-1], c...)
				default:
					continue
				}
				used[i], grown = true, true
			}
		}
		chains = append(chains, c)
	}
	return chains
}
