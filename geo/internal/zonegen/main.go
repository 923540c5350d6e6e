// Command zonegen builds the embedded maritime zone set of package geo.
//
// Run it from the repository root:
//
//	go run ./geo/internal/zonegen
//
// (or `go generate ./geo`, see the //go:generate line in geo/zones.go). It
// reads two staged data sets:
//
//   - /work/shared/data/geo-osm-countries-maritime/countries_maritime_10m_USA_MEX_CAN.geojson:
//     one MultiPolygon per country (property A3 = USA, MEX, CAN) covering land
//     plus the 12 nm territorial sea, derived from OpenStreetMap
//     (ODbL 1.0, © OpenStreetMap contributors), via @geo-maps/countries-maritime-10m;
//   - /work/shared/data/geo-natural-earth/land-10m.json: the Natural Earth
//     1:10m land polygons as quantized TopoJSON (public domain), via
//     world-atlas; decoded here (transform + delta-encoded arcs).
//
// Both are clipped (orb/clip, Sutherland–Hodgman against each box) to three
// demo boxes — Rio Grande / Gulf of Mexico, Tijuana / San Diego and the
// Strait of Juan de Fuca — optionally simplified with Douglas–Peucker
// (-simplify, degrees; 0 disables, the default), rounded to 1e-6° and
// written as GeoJSON FeatureCollections to geo/zonedata/territorial_sea.geojson
// (properties {"country": "US"|"MX"|"CA", "zone": "territorial_sea"}) and
// geo/zonedata/land.geojson (properties {"zone": "land"}). Each feature also
// carries an informational "region" property.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/simplify"
)

// region is one demo clip box.
type region struct {
	name  string
	bound orb.Bound
}

// regions are the demo boxes (lon/lat degrees).
var regions = []region{
	{"rio_grande_gulf", orb.Bound{Min: orb.Point{-98.5, 24.5}, Max: orb.Point{-95.5, 27.5}}},
	{"tijuana_san_diego", orb.Bound{Min: orb.Point{-118.5, 31.8}, Max: orb.Point{-116.5, 33.2}}},
	{"juan_de_fuca", orb.Bound{Min: orb.Point{-125.5, 47.8}, Max: orb.Point{-122.0, 49.5}}},
}

// alpha2 maps the source's ISO alpha-3 codes to alpha-2.
var alpha2 = map[string]string{"USA": "US", "MEX": "MX", "CAN": "CA"}

func main() {
	osmPath := flag.String("osm", "/work/shared/data/geo-osm-countries-maritime/countries_maritime_10m_USA_MEX_CAN.geojson", "OSM countries + territorial sea GeoJSON")
	landPath := flag.String("land", "/work/shared/data/geo-natural-earth/land-10m.json", "Natural Earth land TopoJSON")
	outDir := flag.String("out", "geo/zonedata", "output directory")
	tol := flag.Float64("simplify", 0, "Douglas-Peucker tolerance in degrees (0: none)")
	flag.Parse()

	seas, err := territorialSeas(*osmPath, *tol)
	if err != nil {
		log.Fatal(err)
	}
	land, err := landMask(*landPath, *tol)
	if err != nil {
		log.Fatal(err)
	}
	if err := write(filepath.Join(*outDir, "territorial_sea.geojson"), seas); err != nil {
		log.Fatal(err)
	}
	if err := write(filepath.Join(*outDir, "land.geojson"), land); err != nil {
		log.Fatal(err)
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

// landMask decodes the Natural Earth TopoJSON land object and clips it.
func landMask(path string, tol float64) ([]outFeature, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	mp, err := decodeTopoLand(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []outFeature
	for _, r := range regions {
		g := clipTo(r.bound, mp, tol)
		if len(g) == 0 {
			continue
		}
		out = append(out, outFeature{Props: map[string]string{"zone": "land", "region": r.name}, Geom: g})
		log.Printf("land %s: %d polygons, %d points", r.name, len(g), countPoints(g))
	}
	return out, nil
}

// topology is the subset of TopoJSON this program needs.
type topology struct {
	Type      string `json:"type"`
	Transform *struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Arcs    [][][]float64 `json:"arcs"`
	Objects map[string]topoObject
}

// topoObject is a TopoJSON geometry or geometry collection.
type topoObject struct {
	Type       string          `json:"type"`
	Arcs       json.RawMessage `json:"arcs"`
	Geometries []topoObject    `json:"geometries"`
}

// decodeTopoLand returns the "land" object as a MultiPolygon.
func decodeTopoLand(data []byte) (orb.MultiPolygon, error) {
	var t topology
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, err
	}
	if t.Type != "Topology" {
		return nil, fmt.Errorf("not a TopoJSON Topology (type %q)", t.Type)
	}
	// Decode every arc once: undo the delta encoding, then the quantization.
	arcs := make([]orb.LineString, len(t.Arcs))
	for i, a := range t.Arcs {
		ls := make(orb.LineString, len(a))
		var x, y float64
		for j, p := range a {
			if len(p) < 2 {
				return nil, fmt.Errorf("arc %d position %d: fewer than 2 values", i, j)
			}
			if t.Transform != nil {
				x += p[0]
				y += p[1]
				ls[j] = orb.Point{x*t.Transform.Scale[0] + t.Transform.Translate[0], y*t.Transform.Scale[1] + t.Transform.Translate[1]}
			} else {
				ls[j] = orb.Point{p[0], p[1]}
			}
		}
		arcs[i] = ls
	}
	obj, ok := t.Objects["land"]
	if !ok {
		return nil, fmt.Errorf("no \"land\" object")
	}
	var mp orb.MultiPolygon
	if err := appendTopoObject(&mp, obj, arcs); err != nil {
		return nil, err
	}
	return mp, nil
}

// appendTopoObject appends the polygons of o to mp.
func appendTopoObject(mp *orb.MultiPolygon, o topoObject, arcs []orb.LineString) error {
	switch o.Type {
	case "GeometryCollection":
		for _, g := range o.Geometries {
			if err := appendTopoObject(mp, g, arcs); err != nil {
				return err
			}
		}
	case "Polygon":
		var rings [][]int
		if err := json.Unmarshal(o.Arcs, &rings); err != nil {
			return err
		}
		p, err := topoPolygon(rings, arcs)
		if err != nil {
			return err
		}
		*mp = append(*mp, p)
	case "MultiPolygon":
		var polys [][][]int
		if err := json.Unmarshal(o.Arcs, &polys); err != nil {
			return err
		}
		for _, rings := range polys {
			p, err := topoPolygon(rings, arcs)
			if err != nil {
				return err
			}
			*mp = append(*mp, p)
		}
	default:
		// Points and lines carry no area: ignore.
	}
	return nil
}

// topoPolygon stitches arc references into rings. A negative index ~i means
// arc i reversed; consecutive arcs share their junction point.
func topoPolygon(rings [][]int, arcs []orb.LineString) (orb.Polygon, error) {
	var p orb.Polygon
	for _, refs := range rings {
		var r orb.Ring
		for k, ref := range refs {
			idx, rev := ref, false
			if ref < 0 {
				idx, rev = ^ref, true
			}
			if idx >= len(arcs) {
				return nil, fmt.Errorf("arc index %d out of range", ref)
			}
			a := arcs[idx]
			for j := range a {
				q := a[j]
				if rev {
					q = a[len(a)-1-j]
				}
				if k > 0 && j == 0 {
					continue // shared with the previous arc's last point
				}
				r = append(r, q)
			}
		}
		if len(r) >= 4 {
			p = append(p, r)
		}
	}
	return p, nil
}

// inCollection is the subset of a GeoJSON FeatureCollection read here
// (orb/geojson is avoided: it drags in a BSON dependency).
type inCollection struct {
	Features []struct {
		Properties map[string]any `json:"properties"`
		Geometry   inGeometry     `json:"geometry"`
	} `json:"features"`
}

// inGeometry is a GeoJSON Polygon or MultiPolygon.
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

// outFeature is one written feature.
type outFeature struct {
	Props map[string]string
	Geom  orb.MultiPolygon
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
		var q orb.Polygon
		for i, r := range c {
			for j := range r {
				r[j] = orb.Point{round6(r[j][0]), round6(r[j][1])}
			}
			if len(r) < 4 || math.Abs(ringArea(r)) == 0 {
				if i == 0 {
					break // outer ring gone: drop the polygon
				}
				continue
			}
			q = append(q, r)
		}
		if len(q) > 0 {
			out = append(out, q)
		}
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

func countPoints(mp orb.MultiPolygon) int {
	n := 0
	for _, p := range mp {
		for _, r := range p {
			n += len(r)
		}
	}
	return n
}

// write stores the features as a compact GeoJSON FeatureCollection, one
// feature per line.
func write(path string, fs []outFeature) error {
	var b []byte
	b = append(b, `{"type":"FeatureCollection","features":[`...)
	for i, f := range fs {
		if i > 0 {
			b = append(b, ',')
		}
		props, err := json.Marshal(f.Props)
		if err != nil {
			return err
		}
		b = append(b, "\n"...)
		b = append(b, `{"type":"Feature","properties":`...)
		b = append(b, props...)
		b = append(b, `,"geometry":{"type":"MultiPolygon","coordinates":[`...)
		for pi, p := range f.Geom {
			if pi > 0 {
				b = append(b, ',')
			}
			b = append(b, '[')
			for ri, r := range p {
				if ri > 0 {
					b = append(b, ',')
				}
				b = append(b, '[')
				for qi, q := range r {
					if qi > 0 {
						b = append(b, ',')
					}
					b = append(b, '[')
					b = strconv.AppendFloat(b, q[0], 'f', -1, 64)
					b = append(b, ',')
					b = strconv.AppendFloat(b, q[1], 'f', -1, 64)
					b = append(b, ']')
				}
				b = append(b, ']')
			}
			b = append(b, ']')
		}
		b = append(b, "]}}"...)
	}
	b = append(b, "\n]}\n"...)
	data := b
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return err
	}
	log.Printf("wrote %s (%d bytes, %d features)", path, len(data), len(fs))
	return nil
}
