package geo

//go:generate go run ./internal/zonegen -out zonedata

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/tidwall/rtree"
)

// Zone kinds: the values of a feature's "zone" property. The first four
// are country zones, in increasing order of precedence for At; port and
// anchorage are named overlay areas (see Zones.Area); boundary and
// coastline features are lines (see Zones.NearestBoundary and
// Zones.CoastDistance).
const (
	// KindEEZ is the exclusive economic zone (to 200 nm).
	KindEEZ = "eez"
	// KindContiguousZone is the contiguous zone (12 to 24 nm).
	KindContiguousZone = "contiguous_zone"
	// KindTerritorialSea is the 12 nm territorial sea (plus internal waters).
	KindTerritorialSea = "territorial_sea"
	// KindLand is land.
	KindLand = "land"
	// KindPort is a port or harbour area.
	KindPort = "port"
	// KindAnchorage is an anchorage area.
	KindAnchorage = "anchorage"
	// KindBoundary marks a boundary line feature.
	KindBoundary = "boundary"
	// KindCoastline marks a coastline feature.
	KindCoastline = "coastline"
)

// Boundary kinds (Boundary.Kind, property "boundary_kind").
const (
	// BoundaryMaritime is a boundary at sea (treaty or claimed line).
	BoundaryMaritime = "maritime"
	// BoundaryLand is a land border.
	BoundaryLand = "land"
)

// kindRank orders country zone kinds for At: the most specific wins.
func kindRank(kind string) int8 {
	switch kind {
	case KindLand:
		return 4
	case KindTerritorialSea:
		return 3
	case KindContiguousZone:
		return 2
	case KindEEZ:
		return 1
	}
	return 0 // other kinds: below every known one
}

// Zone is where a point lies: a country code (ISO 3166 alpha-2: "US", "MX",
// "CA") and a zone kind ("land", "territorial_sea", "contiguous_zone",
// "eez"); empty Country means none of the loaded zones holds it (high seas
// or outside the data).
type Zone struct {
	Country string
	Kind    string
}

// Boundary is a boundary line between two countries.
type Boundary struct {
	// Name describes the line and its source.
	Name string
	// Kind is "maritime" (BoundaryMaritime) or "land" (BoundaryLand).
	Kind string
	// Countries are the ISO 3166 alpha-2 codes of both sides, sorted.
	Countries [2]string
}

// Zones answers which country's waters hold a point, which named port or
// anchorage area holds it, and how far it is from a boundary line or a
// coastline.
//
// A zone set holds these sorts of features:
//
//   - country features (Polygon/MultiPolygon, property "country" set): the
//     point belongs to that country with the feature's kind. When several
//     hold the point the most specific kind wins — land, then
//     territorial_sea, contiguous_zone, eez, then any other kind — and
//     among equals the first in file order;
//   - overlay features (Polygon/MultiPolygon, no "country", kind other than
//     port/anchorage): they name no country but refine the kind of a point
//     that a country feature holds — the built-in "land" mask turns a
//     country's zone into "land" on shore. A point held only by overlays has
//     the zero Zone;
//   - areas (Polygon/MultiPolygon, zone "port" or "anchorage", property
//     "name"): see Area. They do not change At;
//   - boundaries (LineString/MultiLineString, zone "boundary", properties
//     "boundary_kind", "countries" such as "US-MX", "name"): see
//     NearestBoundary;
//   - coastlines (LineString/MultiLineString, zone "coastline", property
//     "country"): see CoastDistance.
//
// Polygon bounding boxes are indexed in an R-tree; candidates are tested
// with planar point-in-polygon (boundary points count as inside). Polygons
// of more than 64 vertices are first cut (orb/clip) into 0.1° grid tiles so
// each test touches few vertices. Line segments are indexed in their own
// R-trees. Zones loaded by LoadZones or DefaultZones also cache At in a
// grid of 0.003125° cells over the polygons' bounding box: a cell that no
// polygon edge crosses or touches, or only axis-parallel edges that leave
// it a single answer (such as seams between raster strips), stores that
// answer (exactly that of the search, see zonegrid.go); only points in the
// other cells, or within about 1e-8° of a cell border, are searched. A Zones is immutable after
// loading and safe for concurrent use.
type Zones struct {
	polys []zonePoly
	tree  rtree.RTreeG[int32]
	whole bool      // never tile (tests compare against this)
	grid  *zoneGrid // cache of At; nil: always search (see buildGrid)

	areas    []areaPoly
	areaTree rtree.RTreeG[int32]

	boundaries []Boundary
	boundaryID map[Boundary]int32
	boundSegs  segIndex // ref: index into boundaries

	coastCountries []string
	coastSegs      segIndex // ref: index into coastCountries
}

// zonePoly is one polygon of a country or overlay feature.
type zonePoly struct {
	poly    orb.Polygon
	bounds  []orb.Bound // of each ring
	country string      // "" for overlays
	kind    string
	rank    int8
}

// areaPoly is one polygon of a port or anchorage.
type areaPoly struct {
	poly   orb.Polygon
	bounds []orb.Bound
	name   string
	kind   string
	size   float64 // approximate area (deg² scaled by cos lat), smaller wins
}

// embeddedFiles are the built-in layers, in load order (file order breaks
// ties between country zones of equal kind).
var embeddedFiles = []string{
	"zonedata/territorial_sea.geojson",
	"zonedata/contiguous_zone.geojson",
	"zonedata/eez.geojson",
	"zonedata/land.geojson",
	"zonedata/lines.geojson",
	"zonedata/areas.geojson",
}

//go:embed zonedata/*.geojson
var zoneFS embed.FS

// loadEmbedded adds the built-in layers to z.
func loadEmbedded(z *Zones) error {
	for _, name := range embeddedFiles {
		data, err := zoneFS.ReadFile(name)
		if err != nil {
			return fmt.Errorf("geo: embedded zones %s: %w", name, err)
		}
		if err := z.add("embedded "+name, data); err != nil {
			return err
		}
	}
	return nil
}

// defaultZones parses the embedded data once.
var defaultZones = sync.OnceValues(func() (*Zones, error) {
	z := &Zones{}
	if err := loadEmbedded(z); err != nil {
		return nil, err
	}
	z.buildGrid()
	return z, nil
})

// DefaultZones returns the built-in zone set (embedded data) for the demo
// regions of North America.
//
// It covers three boxes only — Rio Grande / Gulf of Mexico (lon −98.5…−95.5,
// lat 24.5…27.5), Tijuana / San Diego (−118.5…−116.5, 31.8…33.2) and the
// Strait of Juan de Fuca (−125.5…−122.0, 47.8…49.5) — for the US, Mexico
// and Canada:
//
//   - land and territorial sea: OpenStreetMap land + 12 nm polygons
//     (© OpenStreetMap contributors, ODbL) with the Natural Earth 1:10m land
//     mask;
//   - contiguous zone: within 24 nm of the country's Natural Earth
//     coastline, rasterized at 0.005° and cut along the lateral boundary;
//   - EEZ: the rest of the box on the country's side of the lateral
//     boundary (NOAA treaty lines: US–Mexico in the Gulf and the Pacific;
//     US–Canada in the Strait of Juan de Fuca, seaward as claimed by the US);
//   - boundary lines (NOAA maritime boundaries, Natural Earth land borders)
//     and coastlines (Natural Earth) up to 0.5° beyond the boxes;
//   - hand-drawn, approximate ports and anchorages.
//
// See zonedata/README.md for sources, derivation and accuracy. Outside the
// boxes At returns the zero Zone. The set is parsed once and shared.
func DefaultZones() (*Zones, error) { return defaultZones() }

// LoadZones reads a GeoJSON FeatureCollection of zones (see Zones for the
// feature sorts and their properties); it can hold everything the built-in
// set holds.
//
// Polygon/MultiPolygon features need "zone" (kind) and may have "country"
// (alpha-2; omitted or empty for overlays); ports and anchorages need
// "name". LineString/MultiLineString features need zone "boundary" with
// "boundary_kind" ("maritime" or "land"), "countries" (two alpha-2 codes
// joined by "-", e.g. "US-MX") and "name", or zone "coastline" with
// "country". Errors name the file and the feature index.
func LoadZones(path string) (*Zones, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("geo: load zones: %w", err)
	}
	z := &Zones{}
	if err := z.add(path, data); err != nil {
		return nil, err
	}
	z.buildGrid()
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

// stringProp returns property key as a string; present reports whether it
// was given (and not null).
func stringProp(props map[string]any, key string) (s string, present bool, err error) {
	v, ok := props[key]
	if !ok || v == nil {
		return "", false, nil
	}
	s, ok = v.(string)
	if !ok {
		return "", true, fmt.Errorf("property %q is %T, want string", key, v)
	}
	return s, true, nil
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
	country, _, err := stringProp(f.Properties, "country")
	if err != nil {
		return err
	}
	if country != "" && !isAlpha2(country) {
		return fmt.Errorf(`property "country" %q is not an ISO 3166 alpha-2 code`, country)
	}
	if f.Geometry == nil {
		return errors.New("no geometry")
	}
	switch kind {
	case KindBoundary:
		return z.addBoundary(f.Properties, f.Geometry.Type, f.Geometry.Coordinates)
	case KindCoastline:
		if country == "" {
			return errors.New(`coastline without property "country"`)
		}
		lines, err := parseLines(f.Geometry.Type, f.Geometry.Coordinates)
		if err != nil {
			return err
		}
		id := int32(-1)
		for i, c := range z.coastCountries {
			if c == country {
				id = int32(i)
			}
		}
		if id < 0 {
			id = int32(len(z.coastCountries))
			z.coastCountries = append(z.coastCountries, country)
		}
		for _, l := range lines {
			z.coastSegs.add(l, id)
		}
		return nil
	}
	polys, err := parsePolygons(f.Geometry.Type, f.Geometry.Coordinates)
	if err != nil {
		return err
	}
	if kind == KindPort || kind == KindAnchorage {
		name, _, err := stringProp(f.Properties, "name")
		if err != nil {
			return err
		}
		if name == "" {
			return fmt.Errorf(`%s without property "name"`, kind)
		}
		for _, p := range polys {
			z.addArea(p, name, kind)
		}
		return nil
	}
	for _, p := range polys {
		if err := z.insert(p, country, kind); err != nil {
			return err
		}
	}
	return nil
}

// addBoundary indexes a boundary line feature.
func (z *Zones) addBoundary(props map[string]any, geomType string, coords json.RawMessage) error {
	var b Boundary
	var err error
	if b.Name, _, err = stringProp(props, "name"); err != nil {
		return err
	}
	if b.Name == "" {
		return errors.New(`boundary without property "name"`)
	}
	if b.Kind, _, err = stringProp(props, "boundary_kind"); err != nil {
		return err
	}
	if b.Kind != BoundaryMaritime && b.Kind != BoundaryLand {
		return fmt.Errorf(`property "boundary_kind" %q, want %q or %q`, b.Kind, BoundaryMaritime, BoundaryLand)
	}
	cs, _, err := stringProp(props, "countries")
	if err != nil {
		return err
	}
	a, c, found := strings.Cut(cs, "-")
	if !found || !isAlpha2(a) || !isAlpha2(c) || a == c {
		return fmt.Errorf(`property "countries" %q, want two different alpha-2 codes such as "US-MX"`, cs)
	}
	if a > c {
		a, c = c, a
	}
	b.Countries = [2]string{a, c}
	lines, err := parseLines(geomType, coords)
	if err != nil {
		return err
	}
	id, ok := z.boundaryID[b]
	if !ok {
		if z.boundaryID == nil {
			z.boundaryID = map[Boundary]int32{}
		}
		id = int32(len(z.boundaries))
		z.boundaries = append(z.boundaries, b)
		z.boundaryID[b] = id
	}
	for _, l := range lines {
		z.boundSegs.add(l, id)
	}
	return nil
}

// parsePolygons decodes Polygon or MultiPolygon coordinates.
func parsePolygons(geomType string, coords json.RawMessage) ([]orb.Polygon, error) {
	var polys [][][][]float64
	switch geomType {
	case "Polygon":
		var p [][][]float64
		if err := json.Unmarshal(coords, &p); err != nil {
			return nil, fmt.Errorf("polygon coordinates: %w", err)
		}
		polys = [][][][]float64{p}
	case "MultiPolygon":
		if err := json.Unmarshal(coords, &polys); err != nil {
			return nil, fmt.Errorf("multipolygon coordinates: %w", err)
		}
	default:
		return nil, fmt.Errorf("geometry type %q, want Polygon or MultiPolygon", geomType)
	}
	out := make([]orb.Polygon, 0, len(polys))
	for pi, p := range polys {
		if len(p) == 0 {
			return nil, fmt.Errorf("polygon %d has no rings", pi)
		}
		poly := make(orb.Polygon, len(p))
		for ri, r := range p {
			if len(r) < 4 {
				return nil, fmt.Errorf("polygon %d ring %d has %d positions, want at least 4", pi, ri, len(r))
			}
			ring := make(orb.Ring, len(r))
			for qi, q := range r {
				if len(q) < 2 {
					return nil, fmt.Errorf("polygon %d ring %d position %d has %d values, want at least 2", pi, ri, qi, len(q))
				}
				if !finite(q[0]) || !finite(q[1]) {
					return nil, fmt.Errorf("polygon %d ring %d position %d is not finite", pi, ri, qi)
				}
				ring[qi] = orb.Point{q[0], q[1]}
			}
			poly[ri] = ring
		}
		out = append(out, poly)
	}
	return out, nil
}

// parseLines decodes LineString or MultiLineString coordinates.
func parseLines(geomType string, coords json.RawMessage) ([]orb.LineString, error) {
	var lines [][][]float64
	switch geomType {
	case "LineString":
		var l [][]float64
		if err := json.Unmarshal(coords, &l); err != nil {
			return nil, fmt.Errorf("linestring coordinates: %w", err)
		}
		lines = [][][]float64{l}
	case "MultiLineString":
		if err := json.Unmarshal(coords, &lines); err != nil {
			return nil, fmt.Errorf("multilinestring coordinates: %w", err)
		}
	default:
		return nil, fmt.Errorf("geometry type %q, want LineString or MultiLineString", geomType)
	}
	out := make([]orb.LineString, 0, len(lines))
	for li, l := range lines {
		if len(l) < 2 {
			return nil, fmt.Errorf("line %d has %d positions, want at least 2", li, len(l))
		}
		ls := make(orb.LineString, len(l))
		for qi, q := range l {
			if len(q) < 2 {
				return nil, fmt.Errorf("line %d position %d has %d values, want at least 2", li, qi, len(q))
			}
			if !finite(q[0]) || !finite(q[1]) {
				return nil, fmt.Errorf("line %d position %d is not finite", li, qi)
			}
			ls[qi] = orb.Point{q[0], q[1]}
		}
		out = append(out, ls)
	}
	return out, nil
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
	z.polys = append(z.polys, zonePoly{poly: poly, bounds: ringBounds(poly), country: country, kind: kind, rank: kindRank(kind)})
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
// Of the country zones holding the point the most specific kind wins (land,
// territorial_sea, contiguous_zone, eez, other kinds), then file order; an
// overlay holding the point replaces the kind (see Zones). It does not
// allocate. Non-finite coordinates and a nil Zones give the zero Zone.
func (z *Zones) At(lat, lon float64) Zone {
	if z == nil || !finite(lat) || !finite(lon) {
		return Zone{}
	}
	if z.grid != nil {
		if zn, ok := z.grid.at(lat, lon); ok {
			return zn
		}
	}
	return z.atExact(lat, lon)
}

// atExact is At without the grid cache: an R-tree search of the polygon
// bounds and point-in-polygon tests; lat and lon are finite.
func (z *Zones) atExact(lat, lon float64) Zone {
	pt := orb.Point{lon, lat}
	best, overlay := -1, -1
	z.tree.Search(pt, pt, func(_, _ [2]float64, i int32) bool {
		zp := &z.polys[i]
		if zp.country == "" {
			if (overlay < 0 || int(i) < overlay) && polygonContains(zp.poly, zp.bounds, pt) {
				overlay = int(i)
			}
			return true
		}
		if best >= 0 {
			cur := &z.polys[best]
			if zp.rank < cur.rank || (zp.rank == cur.rank && int(i) > best) {
				return true // cannot beat the current answer
			}
		}
		if polygonContains(zp.poly, zp.bounds, pt) {
			best = int(i)
		}
		return true
	})
	if best < 0 {
		return Zone{}
	}
	zone := Zone{Country: z.polys[best].country, Kind: z.polys[best].kind}
	if overlay >= 0 {
		zone.Kind = z.polys[overlay].kind
	}
	return zone
}

// addArea indexes one port or anchorage polygon.
func (z *Zones) addArea(p orb.Polygon, name, kind string) {
	b := p[0].Bound()
	size := ringArea(p[0])
	for _, h := range p[1:] {
		size -= ringArea(h)
	}
	size *= math.Cos(b.Center()[1] * math.Pi / 180)
	z.areaTree.Insert(b.Min, b.Max, int32(len(z.areas)))
	z.areas = append(z.areas, areaPoly{poly: p, bounds: ringBounds(p), name: name, kind: kind, size: size})
}

// Area returns the port or anchorage area holding (lat, lon): its name and
// kind ("port" or "anchorage"); ok is false when none does. Where areas
// overlap the smallest wins (then file order). It does not allocate.
func (z *Zones) Area(lat, lon float64) (name, kind string, ok bool) {
	if z == nil || !finite(lat) || !finite(lon) {
		return "", "", false
	}
	pt := orb.Point{lon, lat}
	best := -1
	z.areaTree.Search(pt, pt, func(_, _ [2]float64, i int32) bool {
		a := &z.areas[i]
		if best >= 0 {
			cur := &z.areas[best]
			if a.size > cur.size || (a.size == cur.size && int(i) > best) {
				return true
			}
		}
		if polygonContains(a.poly, a.bounds, pt) {
			best = int(i)
		}
		return true
	})
	if best < 0 {
		return "", "", false
	}
	return z.areas[best].name, z.areas[best].kind, true
}

// Boundaries returns the boundary lines of the set (a fresh copy, sorted by
// name).
func (z *Zones) Boundaries() []Boundary {
	if z == nil {
		return nil
	}
	out := append([]Boundary(nil), z.boundaries...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// DefaultZonesGeoJSON returns the built-in zone set as one GeoJSON
// FeatureCollection, for maps: the territorial seas, contiguous zones and
// EEZs, the boundary lines and coastlines, and the ports and anchorages (the
// land mask is left out: a map has its own land). The features and their
// properties are those of the embedded files (see zonedata/README.md).
func DefaultZonesGeoJSON() ([]byte, error) {
	var features []json.RawMessage
	for _, name := range embeddedFiles {
		if name == "zonedata/land.geojson" {
			continue
		}
		data, err := zoneFS.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("geo: embedded zones %s: %w", name, err)
		}
		var fc geoJSONCollection
		if err := json.Unmarshal(data, &fc); err != nil {
			return nil, fmt.Errorf("geo: embedded zones %s: %w", name, err)
		}
		features = append(features, fc.Features...)
	}
	return json.Marshal(geoJSONCollection{Type: "FeatureCollection", Features: features})
}
