package geo

//go:generate go run ./internal/zonegen -out zonedata

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/planar"
	"github.com/tidwall/rtree"
)

// Zone kinds used by the built-in data.
const (
	// KindTerritorialSea is the 12 nm territorial sea (plus internal waters).
	KindTerritorialSea = "territorial_sea"
	// KindLand is land.
	KindLand = "land"
)

// Zone is where a point lies: a country code (ISO 3166 alpha-2: "US", "MX",
// "CA") and a zone kind ("territorial_sea", "land"); empty Country means
// none of the loaded zones holds it (high seas or outside the data).
type Zone struct {
	Country string
	Kind    string
}

// Zones answers which country's waters hold a point.
//
// A zone set holds two sorts of polygon features:
//
//   - country features (property "country" set): the point belongs to that
//     country with the feature's kind. When several country features hold
//     the point, one of kind "land" wins, otherwise the first in file order;
//   - overlay features (no "country"): they name no country but refine the
//     kind of a point that a country feature holds — the built-in "land"
//     mask turns a country's land + territorial sea polygon into "land" on
//     shore. A point held only by overlays has the zero Zone.
//
// Polygon bounding boxes are indexed in an R-tree; candidates are tested
// with planar point-in-polygon (boundary points count as inside). Polygons
// of more than 64 vertices are first cut (orb/clip) into 0.1° grid tiles so
// each test touches few vertices. A Zones is
// immutable after loading and safe for concurrent use.
type Zones struct {
	polys []zonePoly
	tree  rtree.RTreeG[int32]
	whole bool // never tile (tests compare against this)
}

// zonePoly is one polygon of a feature.
type zonePoly struct {
	poly    orb.Polygon
	country string // "" for overlays
	kind    string
}

//go:embed zonedata/territorial_sea.geojson zonedata/land.geojson
var zoneFS embed.FS

// defaultZones parses the embedded data once.
var defaultZones = sync.OnceValues(func() (*Zones, error) {
	z := &Zones{}
	for _, name := range []string{"zonedata/territorial_sea.geojson", "zonedata/land.geojson"} {
		data, err := zoneFS.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("geo: embedded zones %s: %w", name, err)
		}
		if err := z.add("embedded "+name, data); err != nil {
			return nil, err
		}
	}
	return z, nil
})

// DefaultZones returns the built-in zone set (embedded data) for the demo
// regions of North America.
//
// It covers three boxes only — Rio Grande / Gulf of Mexico (lon −98.5…−95.5,
// lat 24.5…27.5), Tijuana / San Diego (−118.5…−116.5, 31.8…33.2) and the
// Strait of Juan de Fuca (−125.5…−122.0, 47.8…49.5) — with OpenStreetMap
// territorial seas (© OpenStreetMap contributors, ODbL) and the Natural
// Earth 1:10m land mask; see zonedata/README.md for sources and accuracy.
// Outside the boxes At returns the zero Zone. The set is parsed once and
// shared.
func DefaultZones() (*Zones, error) { return defaultZones() }

// LoadZones reads a GeoJSON FeatureCollection of Polygon/MultiPolygon
// features, each with properties "country" (alpha-2) and "zone" (kind).
//
// "zone" is required; "country" may be omitted (or empty) for overlay
// features such as a land mask (see Zones). Errors name the file and the
// feature index.
func LoadZones(path string) (*Zones, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("geo: load zones: %w", err)
	}
	z := &Zones{}
	if err := z.add(path, data); err != nil {
		return nil, err
	}
	return z, nil
}

// geoJSONCollection and geoJSONFeature are the parts of GeoJSON read here.
type geoJSONCollection struct {
	Type     string            `json:"type"`
	Features []json.RawMessage `json:"features"`
}

type geoJSONFeature struct {
	Type       string         `json:"type"`
	Properties map[string]any `json:"properties"`
	Geometry   *struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	} `json:"geometry"`
}

// add parses one FeatureCollection (name is used in errors) into z.
func (z *Zones) add(name string, data []byte) error {
	var fc geoJSONCollection
	if err := json.Unmarshal(data, &fc); err != nil {
		return fmt.Errorf("geo: zones file %s: %w", name, err)
	}
	if fc.Type != "FeatureCollection" {
		return fmt.Errorf("geo: zones file %s: type %q, want FeatureCollection", name, fc.Type)
	}
	for i, raw := range fc.Features {
		if err := z.addFeature(raw); err != nil {
			return fmt.Errorf("geo: zones file %s: feature %d: %w", name, i, err)
		}
	}
	return nil
}

// addFeature validates and indexes one feature.
func (z *Zones) addFeature(raw json.RawMessage) error {
	var f geoJSONFeature
	if err := json.Unmarshal(raw, &f); err != nil {
		return err
	}
	if f.Type != "Feature" {
		return fmt.Errorf("type %q, want Feature", f.Type)
	}
	kind, ok := f.Properties["zone"].(string)
	if !ok || kind == "" {
		return errors.New(`missing or non-string property "zone"`)
	}
	var country string
	if v, present := f.Properties["country"]; present && v != nil {
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf(`property "country" is %T, want string`, v)
		}
		if s != "" && !isAlpha2(s) {
			return fmt.Errorf(`property "country" %q is not an ISO 3166 alpha-2 code`, s)
		}
		country = s
	}
	if f.Geometry == nil {
		return errors.New("no geometry")
	}
	var polys [][][][]float64
	switch f.Geometry.Type {
	case "Polygon":
		var p [][][]float64
		if err := json.Unmarshal(f.Geometry.Coordinates, &p); err != nil {
			return fmt.Errorf("polygon coordinates: %w", err)
		}
		polys = [][][][]float64{p}
	case "MultiPolygon":
		if err := json.Unmarshal(f.Geometry.Coordinates, &polys); err != nil {
			return fmt.Errorf("multipolygon coordinates: %w", err)
		}
	default:
		return fmt.Errorf("geometry type %q, want Polygon or MultiPolygon", f.Geometry.Type)
	}
	for pi, p := range polys {
		if len(p) == 0 {
			return fmt.Errorf("polygon %d has no rings", pi)
		}
		poly := make(orb.Polygon, len(p))
		for ri, r := range p {
			if len(r) < 4 {
				return fmt.Errorf("polygon %d ring %d has %d positions, want at least 4", pi, ri, len(r))
			}
			ring := make(orb.Ring, len(r))
			for qi, q := range r {
				if len(q) < 2 {
					return fmt.Errorf("polygon %d ring %d position %d has %d values, want at least 2", pi, ri, qi, len(q))
				}
				ring[qi] = orb.Point{q[0], q[1]}
			}
			poly[ri] = ring
		}
		if err := z.insert(poly, country, kind); err != nil {
			return err
		}
	}
	return nil
}

// Large polygons are cut into grid tiles so that a lookup tests a few
// dozen vertices instead of thousands. Tiles are tileDeg wide; the grid is
// offset by tileOffset so that its lines fall on unlikely coordinates
// (clipping can leave zero-width edges along tile borders, and planar
// point-in-polygon counts boundary points as inside).
const (
	tileVertices = 64 // polygons with more vertices are tiled
	tileDeg      = 0.1
	tileOffset   = 0.0123456789
	maxTiles     = 1 << 16 // per polygon; larger polygons are kept whole
)

// insert indexes poly, tiled when large.
func (z *Zones) insert(poly orb.Polygon, country, kind string) error {
	b := poly[0].Bound() // holes lie inside the outer ring
	n := 0
	for _, r := range poly {
		n += len(r)
	}
	i0 := math.Floor((b.Min[0] - tileOffset) / tileDeg)
	i1 := math.Floor((b.Max[0] - tileOffset) / tileDeg)
	j0 := math.Floor((b.Min[1] - tileOffset) / tileDeg)
	j1 := math.Floor((b.Max[1] - tileOffset) / tileDeg)
	tiles := (i1 - i0 + 1) * (j1 - j0 + 1)
	if z.whole || n <= tileVertices || !(tiles <= maxTiles) {
		return z.insertOne(poly, b, country, kind)
	}
	for i := i0; i <= i1; i++ {
		for j := j0; j <= j1; j++ {
			cell := orb.Bound{
				Min: orb.Point{tileOffset + i*tileDeg, tileOffset + j*tileDeg},
				Max: orb.Point{tileOffset + (i+1)*tileDeg, tileOffset + (j+1)*tileDeg},
			}
			t := clip.Polygon(cell, poly.Clone())
			if len(t) == 0 || ringArea(t[0]) == 0 {
				continue
			}
			if err := z.insertOne(t, t[0].Bound(), country, kind); err != nil {
				return err
			}
		}
	}
	return nil
}

func (z *Zones) insertOne(poly orb.Polygon, b orb.Bound, country, kind string) error {
	if len(z.polys) >= math.MaxInt32 {
		return errors.New("too many polygons")
	}
	z.tree.Insert(b.Min, b.Max, int32(len(z.polys)))
	z.polys = append(z.polys, zonePoly{poly: poly, country: country, kind: kind})
	return nil
}

// ringArea is the shoelace area of r (deg², unsigned).
func ringArea(r orb.Ring) float64 {
	var s float64
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return math.Abs(s / 2)
}

func isAlpha2(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// At returns the zone holding (lat, lon); a zero Zone when none does.
//
// It does not allocate. Non-finite coordinates and a nil Zones give the zero
// Zone.
func (z *Zones) At(lat, lon float64) Zone {
	if z == nil || !finite(lat) || !finite(lon) {
		return Zone{}
	}
	pt := orb.Point{lon, lat}
	country, overlay := -1, -1
	z.tree.Search(pt, pt, func(_, _ [2]float64, i int32) bool {
		zp := &z.polys[i]
		if zp.country == "" {
			if (overlay < 0 || int(i) < overlay) && planar.PolygonContains(zp.poly, pt) {
				overlay = int(i)
			}
			return true
		}
		if country >= 0 {
			cur := &z.polys[country]
			better := (zp.kind == KindLand && cur.kind != KindLand) ||
				((zp.kind == KindLand) == (cur.kind == KindLand) && int(i) < country)
			if !better {
				return true
			}
		}
		if planar.PolygonContains(zp.poly, pt) {
			country = int(i)
		}
		return true
	})
	if country < 0 {
		return Zone{}
	}
	zone := Zone{Country: z.polys[country].country, Kind: z.polys[country].kind}
	if overlay >= 0 {
		zone.Kind = z.polys[overlay].kind
	}
	return zone
}
