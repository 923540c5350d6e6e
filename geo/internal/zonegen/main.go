// Command zonegen builds the embedded maritime zone set of package geo.
//
// Run it from the repository root:
//
//	go run ./geo/internal/zonegen
//
// (or `go generate ./geo`, see the //go:generate line in geo/zones.go). It
// reads four staged data sets (flags give their paths):
//
//   - OSM countries + 12 nm territorial sea (-osm): one MultiPolygon per
//     country (property A3 = USA, MEX, CAN), derived from OpenStreetMap
//     (ODbL 1.0, © OpenStreetMap contributors), via
//     @geo-maps/countries-maritime-10m;
//   - Natural Earth 1:10m land (-land) and countries (-countries) as
//     quantized TopoJSON (public domain), via world-atlas; decoded here
//     (transform + delta-encoded arcs). Arcs used by exactly one country are
//     coastline, arcs shared by two countries are land borders;
//   - NOAA U.S. Maritime Limits and Boundaries v4.1 (-noaa, public domain):
//     the US–Mexico treaty lines (Gulf and Pacific) and the US–Canada
//     boundary (Juan de Fuca / Haro Strait, 49th parallel, and the seaward
//     line claimed by the US).
//
// and writes to -out (geo/zonedata), all deterministic:
//
//   - territorial_sea.geojson: OSM land + 12 nm per country, clipped to the
//     demo boxes (zone "territorial_sea"), preceded by pieces re-cut exactly
//     along the NOAA treaty lines where OSM's lateral lines differ (see
//     lateral.go);
//   - contiguous_zone.geojson: a raster (-cell degrees) of the cells within
//     24 nm of the country's Natural Earth coastline, merged into row-run
//     rectangles, each cut exactly along the lateral boundary
//     (zone "contiguous_zone");
//   - eez.geojson: each box split along the lateral boundary (NOAA treaty
//     line + Natural Earth land border); the generator checks that every sea
//     cell is within 200 nm of that side's coast (zone "eez");
//   - land.geojson: the Natural Earth land mask (overlay, zone "land");
//   - lines.geojson: boundary lines (zone "boundary") and coastlines
//     (zone "coastline", with "country");
//   - areas.geojson: hand-drawn ports and anchorages (see areas.go).
//
// See geo/zonedata/README.md for the accuracy of each layer.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/simplify"
)

// region is one demo clip box and the two countries whose waters it holds;
// pair selects the lateral boundary between them.
type region struct {
	name  string
	bound orb.Bound
	pair  string // "MX-US" or "CA-US" (sorted alpha-2 codes)
}

// regions are the demo boxes (lon/lat degrees).
var regions = []region{
	{"rio_grande_gulf", orb.Bound{Min: orb.Point{-98.5, 24.5}, Max: orb.Point{-95.5, 27.5}}, "MX-US"},
	{"tijuana_san_diego", orb.Bound{Min: orb.Point{-118.5, 31.8}, Max: orb.Point{-116.5, 33.2}}, "MX-US"},
	{"juan_de_fuca", orb.Bound{Min: orb.Point{-125.5, 47.8}, Max: orb.Point{-122.0, 49.5}}, "CA-US"},
}

// pairSides are the countries of each lateral boundary: [0] lies on the
// north side of the chain, [1] on the south side (see sidePolygons).
var pairSides = map[string][2]string{"MX-US": {"US", "MX"}, "CA-US": {"CA", "US"}}

// alpha2 maps the source's ISO alpha-3 codes to alpha-2.
var alpha2 = map[string]string{"USA": "US", "MEX": "MX", "CAN": "CA"}

// Distances (metres).
const (
	nm            = 1852.0
	contiguousM   = 24 * nm
	eezM          = 200 * nm
	landFringeM   = 2000.0 // land cells nearer the coast than this are rasterized too
	lineMarginDeg = 0.5    // boundary lines and coastlines are kept this far beyond each box
	coastFarDeg   = 1.5    // coastlines this far beyond a box count for its distances
)

func main() {
	osmPath := flag.String("osm", "/work/shared/data/geo-osm-countries-maritime/countries_maritime_10m_USA_MEX_CAN.geojson", "OSM countries + territorial sea GeoJSON")
	landPath := flag.String("land", "/work/shared/data/geo-natural-earth/land-10m.json", "Natural Earth land TopoJSON")
	countriesPath := flag.String("countries", "/work/shared/data/geo-natural-earth/countries-10m.json", "Natural Earth countries TopoJSON")
	noaaPath := flag.String("noaa", "/work/shared/data/geo-noaa-us-maritime-limits/us_maritime_limits_v4.1.derived.geojson", "NOAA maritime limits GeoJSON")
	outDir := flag.String("out", "geo/zonedata", "output directory")
	tol := flag.Float64("simplify", 0, "Douglas-Peucker tolerance in degrees for the territorial sea and land mask (0: none)")
	cell := flag.Float64("cell", 0.005, "contiguous zone raster cell size in degrees")
	flag.Parse()

	seas, err := territorialSeas(*osmPath, *tol)
	if err != nil {
		log.Fatal(err)
	}
	landMP, err := readTopoLand(*landPath)
	if err != nil {
		log.Fatal(err)
	}
	land := landMask(landMP, *tol)
	nec, err := readCountries(*countriesPath)
	if err != nil {
		log.Fatal(err)
	}
	noaa, err := readNOAA(*noaaPath)
	if err != nil {
		log.Fatal(err)
	}
	bl, err := buildBoundaries(noaa, nec)
	if err != nil {
		log.Fatal(err)
	}
	lateral, err := lateralSeas(seas, bl)
	if err != nil {
		log.Fatal(err)
	}
	seas = append(lateral, seas...)
	offshore, err := buildOffshore(*cell, landMP, nec, bl)
	if err != nil {
		log.Fatal(err)
	}
	lines := boundaryFeatures(bl, nec)
	outputs := []struct {
		name string
		fs   []outFeature
	}{
		{"territorial_sea.geojson", seas},
		{"contiguous_zone.geojson", offshore.contiguous},
		{"eez.geojson", offshore.eez},
		{"land.geojson", land},
		{"lines.geojson", lines},
		{"areas.geojson", areaFeatures()},
	}
	for _, o := range outputs {
		if err := write(filepath.Join(*outDir, o.name), o.fs); err != nil {
			log.Fatal(err)
		}
	}
}

// territorialSeas clips each country's land + 12 nm polygon to the regions.
func territorialSeas(path string, tol float64) ([]outFeature, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var fc inCollection
	if err := json.Unmarshal(data, &fc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []outFeature
	for i, f := range fc.Features {
		a3, _ := f.Properties["A3"].(string)
		cc, ok := alpha2[a3]
		if !ok {
			return nil, fmt.Errorf("%s: feature %d: unexpected A3 %q", path, i, a3)
		}
		mp, err := f.Geometry.multiPolygon()
		if err != nil {
			return nil, fmt.Errorf("%s: feature %d: %w", path, i, err)
		}
		for _, r := range regions {
			g := clipTo(r.bound, mp, tol)
			if len(g) == 0 {
				continue
			}
			out = append(out, outFeature{Props: map[string]string{"country": cc, "zone": "territorial_sea", "region": r.name}, Geom: g})
			log.Printf("%s %s: %d polygons, %d points", cc, r.name, len(g), countPoints(g))
		}
	}
	return out, nil
}

// landMask clips the Natural Earth land polygons to the regions.
func landMask(mp orb.MultiPolygon, tol float64) []outFeature {
	var out []outFeature
	for _, r := range regions {
		g := clipTo(r.bound, mp, tol)
		if len(g) == 0 {
			continue
		}
		out = append(out, outFeature{Props: map[string]string{"zone": "land", "region": r.name}, Geom: g})
		log.Printf("land %s: %d polygons, %d points", r.name, len(g), countPoints(g))
	}
	return out
}

// inCollection is the subset of a GeoJSON FeatureCollection read here
// (orb/geojson is avoided: it drags in a BSON dependency).
type inCollection struct {
	Features []struct {
		Properties map[string]any `json:"properties"`
		Geometry   inGeometry     `json:"geometry"`
	} `json:"features"`
}

// inGeometry is a GeoJSON geometry.
type inGeometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

// multiPolygon decodes Polygon or MultiPolygon coordinates.
func (g inGeometry) multiPolygon() (orb.MultiPolygon, error) {
	switch g.Type {
	case "Polygon":
		var p [][][2]float64
		if err := json.Unmarshal(g.Coordinates, &p); err != nil {
			return nil, err
		}
		return orb.MultiPolygon{toPolygon(p)}, nil
	case "MultiPolygon":
		var mp [][][][2]float64
		if err := json.Unmarshal(g.Coordinates, &mp); err != nil {
			return nil, err
		}
		out := make(orb.MultiPolygon, len(mp))
		for i, p := range mp {
			out[i] = toPolygon(p)
		}
		return out, nil
	}
	return nil, fmt.Errorf("geometry type %q is not Polygon or MultiPolygon", g.Type)
}

// multiLineString decodes LineString or MultiLineString coordinates (extra
// values such as altitude are dropped).
func (g inGeometry) multiLineString() (orb.MultiLineString, error) {
	var lines [][][]float64
	switch g.Type {
	case "LineString":
		var l [][]float64
		if err := json.Unmarshal(g.Coordinates, &l); err != nil {
			return nil, err
		}
		lines = [][][]float64{l}
	case "MultiLineString":
		if err := json.Unmarshal(g.Coordinates, &lines); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("geometry type %q is not LineString or MultiLineString", g.Type)
	}
	out := make(orb.MultiLineString, 0, len(lines))
	for _, l := range lines {
		ls := make(orb.LineString, 0, len(l))
		for _, q := range l {
			if len(q) < 2 {
				return nil, fmt.Errorf("position with %d values", len(q))
			}
			ls = append(ls, orb.Point{q[0], q[1]})
		}
		out = append(out, ls)
	}
	return out, nil
}

func toPolygon(p [][][2]float64) orb.Polygon {
	out := make(orb.Polygon, len(p))
	for i, r := range p {
		ring := make(orb.Ring, len(r))
		for j, q := range r {
			ring[j] = orb.Point(q)
		}
		out[i] = ring
	}
	return out
}

// outFeature is one written feature: Geom is an orb.MultiPolygon or an
// orb.MultiLineString.
type outFeature struct {
	Props map[string]string
	Geom  orb.Geometry
}

// clipTo clips a copy of mp to b, simplifies when tol > 0, rounds to 1e-6°
// and drops degenerate rings.
func clipTo(b orb.Bound, mp orb.MultiPolygon, tol float64) orb.MultiPolygon {
	var out orb.MultiPolygon
	for _, p := range mp {
		if !p.Bound().Intersects(b) {
			continue
		}
		c := clip.Polygon(b, p.Clone())
		if c == nil {
			continue
		}
		if tol > 0 {
			c = simplify.DouglasPeucker(tol).Polygon(c)
		}
		if q := cleanPolygon(c); q != nil {
			out = append(out, q)
		}
	}
	return out
}

// cleanPolygon rounds p to 1e-6° in place and drops degenerate rings; nil
// when the outer ring is degenerate.
func cleanPolygon(p orb.Polygon) orb.Polygon {
	var q orb.Polygon
	for i, r := range p {
		for j := range r {
			r[j] = orb.Point{round6(r[j][0]), round6(r[j][1])}
		}
		r = dedup(r)
		if len(r) < 4 || math.Abs(ringArea(r)) == 0 {
			if i == 0 {
				return nil // outer ring gone: drop the polygon
			}
			continue
		}
		q = append(q, r)
	}
	return q
}

// dedup drops consecutive repeated positions of a ring.
func dedup(r orb.Ring) orb.Ring {
	out := r[:0]
	for i, p := range r {
		if i > 0 && p == out[len(out)-1] {
			continue
		}
		out = append(out, p)
	}
	return out
}

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// ringArea is the signed shoelace area (deg²).
func ringArea(r orb.Ring) float64 {
	var s float64
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s / 2
}

func countPoints(g orb.Geometry) int {
	n := 0
	switch g := g.(type) {
	case orb.MultiPolygon:
		for _, p := range g {
			for _, r := range p {
				n += len(r)
			}
		}
	case orb.MultiLineString:
		for _, l := range g {
			n += len(l)
		}
	}
	return n
}

// write stores the features as a compact GeoJSON FeatureCollection, one
// feature per line, properties in key order.
func write(path string, fs []outFeature) error {
	var b []byte
	b = append(b, `{"type":"FeatureCollection","features":[`...)
	for i, f := range fs {
		if i > 0 {
			b = append(b, ',')
		}
		props, err := json.Marshal(f.Props) // map keys are sorted
		if err != nil {
			return err
		}
		b = append(b, "\n"...)
		b = append(b, `{"type":"Feature","properties":`...)
		b = append(b, props...)
		switch g := f.Geom.(type) {
		case orb.MultiPolygon:
			b = append(b, `,"geometry":{"type":"MultiPolygon","coordinates":[`...)
			for pi, p := range g {
				if pi > 0 {
					b = append(b, ',')
				}
				b = append(b, '[')
				for ri, r := range p {
					if ri > 0 {
						b = append(b, ',')
					}
					b = appendPoints(b, r)
				}
				b = append(b, ']')
			}
		case orb.MultiLineString:
			b = append(b, `,"geometry":{"type":"MultiLineString","coordinates":[`...)
			for li, l := range g {
				if li > 0 {
					b = append(b, ',')
				}
				b = appendPoints(b, l)
			}
		default:
			return fmt.Errorf("%s: feature %d: unsupported geometry %T", path, i, f.Geom)
		}
		b = append(b, "]}}"...)
	}
	b = append(b, "\n]}\n"...)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return err
	}
	log.Printf("wrote %s (%d bytes, %d features)", path, len(b), len(fs))
	return nil
}

// appendPoints appends [[x,y],…] with coordinates rounded to 1e-6°.
func appendPoints[T ~[]orb.Point](b []byte, pts T) []byte {
	b = append(b, '[')
	for qi, q := range pts {
		if qi > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = strconv.AppendFloat(b, round6(q[0]), 'f', -1, 64)
		b = append(b, ',')
		b = strconv.AppendFloat(b, round6(q[1]), 'f', -1, 64)
		b = append(b, ']')
	}
	return append(b, ']')
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
