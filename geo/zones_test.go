package geo

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestDefaultZones(t *testing.T) {
	z, err := DefaultZones()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		lat, lon float64
		want     Zone
	}{
		{"8 nm off Brownsville", 26.05, -97.05, Zone{"US", KindTerritorialSea}},
		{"off Matamoros", 25.80, -97.05, Zone{"MX", KindTerritorialSea}},
		{"off Playa Bagdad", 25.90, -97.05, Zone{"MX", KindTerritorialSea}},
		{"off South Padre Island", 26.10, -97.10, Zone{"US", KindTerritorialSea}},
		// About 16 nm from the Mexican coast, south of the treaty line.
		{"Gulf, 16 nm off Tamaulipas", 25.95, -96.85, Zone{"MX", KindContiguousZone}},
		// The 1978 treaty line runs at 26.010 N here: (26.0, -96.3) lies
		// 1.1 km south of it, in Mexico's EEZ; 26.05 N is on the US side.
		{"Gulf, just south of the treaty line", 26.0, -96.3, Zone{"MX", KindEEZ}},
		{"Gulf, just north of the treaty line", 26.05, -96.3, Zone{"US", KindEEZ}},
		{"50 nm into the Gulf", 26.3, -96.0, Zone{"US", KindEEZ}},
		{"Gulf, 16 nm off Padre Island", 26.5, -96.95, Zone{"US", KindContiguousZone}},
		{"Gulf, 60 nm off Tamaulipas", 25.0, -96.5, Zone{"MX", KindEEZ}},
		// 100 m north of the NOAA line, where OSM's own line would say MX.
		{"Rio Grande mouth, US side of the treaty line", 25.97, -97.0, Zone{"US", KindTerritorialSea}},
		{"Rio Grande mouth, MX side of the treaty line", 25.967, -97.0, Zone{"MX", KindTerritorialSea}},
		{"Matamoros, near the Rio Grande", 25.88, -97.50, Zone{"MX", KindLand}},
		{"Brownsville, near the Rio Grande", 25.95, -97.45, Zone{"US", KindLand}},
		{"Brownsville city", 25.90, -97.50, Zone{"US", KindLand}},
		{"Matamoros city", 25.87, -97.50, Zone{"MX", KindLand}},
		{"off Tijuana", 32.45, -117.20, Zone{"MX", KindTerritorialSea}},
		{"off San Diego", 32.70, -117.30, Zone{"US", KindTerritorialSea}},
		{"30 nm off San Diego", 32.60, -117.85, Zone{"US", KindEEZ}},
		{"16 nm off Point Loma", 32.65, -117.55, Zone{"US", KindContiguousZone}},
		{"20 nm off Rosarito", 32.25, -117.6, Zone{"MX", KindContiguousZone}},
		{"45 nm off Ensenada", 31.85, -117.9, Zone{"MX", KindEEZ}},
		// In the OSM data the Canadian side of the boundary in the Strait of
		// Juan de Fuca reaches 48.35,-123.6, which the Natural Earth mask
		// puts on the East Sooke shore (1:10m coastline, ±~1 km).
		{"Juan de Fuca, Canadian side", 48.35, -123.6, Zone{"CA", KindLand}},
		{"Juan de Fuca, Canadian waters", 48.30, -123.6, Zone{"CA", KindTerritorialSea}},
		{"Juan de Fuca, US waters", 48.2, -123.8, Zone{"US", KindTerritorialSea}},
		{"Juan de Fuca, mid-strait", 48.30, -123.80, Zone{"CA", KindTerritorialSea}},
		{"off Cape Flattery", 48.2, -125.2, Zone{"US", KindContiguousZone}},
		{"off Vancouver Island", 48.45, -125.3, Zone{"CA", KindContiguousZone}},
		{"Victoria", 48.4284, -123.3656, Zone{"CA", KindLand}},
		{"Port Angeles", 48.1181, -123.4307, Zone{"US", KindLand}},
		{"outside every box", 40.0, -70.0, Zone{}},
	}
	for _, c := range cases {
		if got := z.At(c.lat, c.lon); got != c.want {
			t.Errorf("%s (%v, %v): got %+v, want %+v", c.name, c.lat, c.lon, got, c.want)
		}
	}
	z2, _ := DefaultZones()
	if z2 != z {
		t.Error("DefaultZones is not shared")
	}
}

// Tiling must not change any answer: compare with untiled polygons on a
// dense random sample of the three boxes.
func TestZonesTilingMatchesWhole(t *testing.T) {
	tiled, err := DefaultZones()
	if err != nil {
		t.Fatal(err)
	}
	whole := &Zones{whole: true}
	if err := loadEmbedded(whole); err != nil {
		t.Fatal(err)
	}
	if len(whole.polys) >= len(tiled.polys) {
		t.Fatalf("no tiling happened: %d vs %d polygons", len(whole.polys), len(tiled.polys))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	counts := map[Zone]int{}
	for _, b := range demoBoxes {
		for i := 0; i < 20000; i++ {
			lon := b[0] + rng.Float64()*(b[1]-b[0])
			lat := b[2] + rng.Float64()*(b[3]-b[2])
			got, want := tiled.At(lat, lon), whole.At(lat, lon)
			if got != want {
				t.Errorf("At(%v, %v): tiled %+v, whole %+v", lat, lon, got, want)
			}
			counts[want]++
		}
	}
	t.Logf("sample: %v", counts)
}

func TestZonesAtOddInput(t *testing.T) {
	z, err := DefaultZones()
	if err != nil {
		t.Fatal(err)
	}
	var nilZones *Zones
	for _, p := range [][2]float64{{nan(), -97}, {26, inf()}, {1e300, -1e300}, {-90, 180}} {
		if got := z.At(p[0], p[1]); got != (Zone{}) {
			t.Errorf("At(%v) = %+v", p, got)
		}
		if got := nilZones.At(p[0], p[1]); got != (Zone{}) {
			t.Errorf("nil At(%v) = %+v", p, got)
		}
	}
}

func TestZonesAtNoAlloc(t *testing.T) {
	z, err := DefaultZones()
	if err != nil {
		t.Fatal(err)
	}
	var sink Zone
	n := testing.AllocsPerRun(200, func() {
		sink = z.At(26.05, -97.05)
		sink = z.At(25.90, -97.50)
		sink = z.At(26.0, -96.0)
	})
	_ = sink
	if n != 0 {
		t.Errorf("At allocates %v times", n)
	}
	n = testing.AllocsPerRun(200, func() {
		z.NearestBoundary(25.97, -97.0, 18520)
		z.NearestBoundary(26.5, -96.0, 18520)
		z.CoastDistance(26.10, -97.10, 18520)
		z.CoastDistance(25.90, -97.50, 18520)
		z.Area(26.07, -97.15)
		z.Area(26.0, -96.8)
	})
	if n != 0 {
		t.Errorf("NearestBoundary/CoastDistance/Area allocate %v times", n)
	}
}

func TestZonesConcurrent(t *testing.T) {
	z, err := DefaultZones()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if got := z.At(26.05, -97.05); got.Country != "US" {
					t.Errorf("concurrent At = %+v", got)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func writeTemp(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "zones.geojson")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const squareA = `[[[0,0],[2,0],[2,2],[0,2],[0,0]]]`

func TestLoadZones(t *testing.T) {
	p := writeTemp(t, `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"country":"FR","zone":"territorial_sea"},"geometry":{"type":"Polygon","coordinates":`+squareA+`}},
{"type":"Feature","properties":{"country":"ES","zone":"territorial_sea"},"geometry":{"type":"MultiPolygon","coordinates":[[[[2,0],[4,0],[4,2],[2,2],[2,0]]],[[[10,10],[11,10],[11,11],[10,10]]]]}},
{"type":"Feature","properties":{"zone":"land"},"geometry":{"type":"Polygon","coordinates":[[[0.5,0.5],[1,0.5],[1,1],[0.5,1],[0.5,0.5]]]}},
{"type":"Feature","properties":{"country":"FR","zone":"harbour"},"geometry":{"type":"Polygon","coordinates":[[[1.5,1.5],[1.9,1.5],[1.9,1.9],[1.5,1.9],[1.5,1.5]],[[1.6,1.6],[1.7,1.6],[1.7,1.7],[1.6,1.6]]]}}
]}`)
	z, err := LoadZones(p)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		lat, lon float64
		want     Zone
	}{
		{1.5, 0.2, Zone{"FR", "territorial_sea"}},
		{0.7, 0.7, Zone{"FR", "land"}}, // overlay refines the kind
		{1.5, 3, Zone{"ES", "territorial_sea"}},
		{10.2, 10.8, Zone{"ES", "territorial_sea"}},
		{5, 5, Zone{}},
		{1.8, 1.8, Zone{"FR", "territorial_sea"}}, // first feature in file order
		{1.65, 1.62, Zone{"FR", "territorial_sea"}},
	}
	for _, c := range cases {
		if got := z.At(c.lat, c.lon); got != c.want {
			t.Errorf("At(%v, %v) = %+v, want %+v", c.lat, c.lon, got, c.want)
		}
	}
}

func TestLoadZonesErrors(t *testing.T) {
	good := `{"type":"Feature","properties":{"country":"FR","zone":"territorial_sea"},"geometry":{"type":"Polygon","coordinates":` + squareA + `}}`
	cases := []struct {
		name, body, want string
	}{
		{"not json", `{"type":`, "zones file"},
		{"not a collection", `{"type":"Feature"}`, "want FeatureCollection"},
		{"feature not object", `{"type":"FeatureCollection","features":[` + good + `,42]}`, "feature 1"},
		{"missing zone", `{"type":"FeatureCollection","features":[` + good + `,{"type":"Feature","properties":{"country":"FR"},"geometry":{"type":"Polygon","coordinates":` + squareA + `}}]}`, `feature 1: missing or non-string property "zone"`},
		{"bad country", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"country":"FRA","zone":"x"},"geometry":{"type":"Polygon","coordinates":` + squareA + `}}]}`, "feature 0: property \"country\" \"FRA\""},
		{"country not string", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"country":7,"zone":"x"},"geometry":{"type":"Polygon","coordinates":` + squareA + `}}]}`, "feature 0"},
		{"no geometry", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"zone":"x"},"geometry":null}]}`, "feature 0: no geometry"},
		{"point geometry", `{"type":"FeatureCollection","features":[` + good + `,` + good + `,{"type":"Feature","properties":{"zone":"x"},"geometry":{"type":"Point","coordinates":[1,2]}}]}`, `feature 2: geometry type "Point"`},
		{"short ring", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"zone":"x"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[0,0]]]}}]}`, "feature 0: polygon 0 ring 0 has 3 positions"},
		{"short position", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"zone":"x"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1],[1,1],[0,0]]]}}]}`, "position 1 has 1 values"},
		{"bad coordinates", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"zone":"x"},"geometry":{"type":"MultiPolygon","coordinates":"nope"}}]}`, "feature 0: multipolygon coordinates"},
		{"empty polygon", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"zone":"x"},"geometry":{"type":"MultiPolygon","coordinates":[[]]}}]}`, "polygon 0 has no rings"},
		{"line for a polygon zone", `{"type":"FeatureCollection","features":[` + good + `,{"type":"Feature","properties":{"zone":"eez","country":"FR"},"geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}]}`, `feature 1: geometry type "LineString", want Polygon`},
		{"polygon for a boundary", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"zone":"boundary","boundary_kind":"land","countries":"FR-ES","name":"b"},"geometry":{"type":"Polygon","coordinates":` + squareA + `}}]}`, `feature 0: geometry type "Polygon", want LineString`},
		{"boundary without name", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"zone":"boundary","boundary_kind":"land","countries":"FR-ES"},"geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}]}`, `feature 0: boundary without property "name"`},
		{"bad boundary kind", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"zone":"boundary","boundary_kind":"sea","countries":"FR-ES","name":"b"},"geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}]}`, `feature 0: property "boundary_kind" "sea"`},
		{"bad countries", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"zone":"boundary","boundary_kind":"land","countries":"FR","name":"b"},"geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}]}`, `feature 0: property "countries" "FR"`},
		{"same countries", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"zone":"boundary","boundary_kind":"land","countries":"FR-FR","name":"b"},"geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}]}`, `feature 0: property "countries" "FR-FR"`},
		{"short line", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"zone":"boundary","boundary_kind":"land","countries":"ES-FR","name":"b"},"geometry":{"type":"MultiLineString","coordinates":[[[0,0],[1,1]],[[2,2]]]}}]}`, `feature 0: line 1 has 1 positions`},
		{"coastline without country", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"zone":"coastline"},"geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}]}`, `feature 0: coastline without property "country"`},
		{"port without name", `{"type":"FeatureCollection","features":[` + good + `,{"type":"Feature","properties":{"zone":"port"},"geometry":{"type":"Polygon","coordinates":` + squareA + `}}]}`, `feature 1: port without property "name"`},
		{"anchorage name not string", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"zone":"anchorage","name":3},"geometry":{"type":"Polygon","coordinates":` + squareA + `}}]}`, `feature 0: property "name" is float64`},
		{"non-finite", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"zone":"coastline","country":"FR"},"geometry":{"type":"LineString","coordinates":[[0,0],[1e999,1]]}}]}`, `feature 0`},
	}
	for _, c := range cases {
		p := writeTemp(t, c.body)
		z, err := LoadZones(p)
		if err == nil {
			t.Errorf("%s: no error (zones %v)", c.name, z)
			continue
		}
		if !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %q does not name the file and %q", c.name, err, c.want)
		}
	}
	if _, err := LoadZones(filepath.Join(t.TempDir(), "missing.geojson")); err == nil || !strings.Contains(err.Error(), "missing.geojson") {
		t.Errorf("missing file: %v", err)
	}
}

// BenchmarkZonesAt looks up random points spread over the three demo
// boxes (land, territorial sea, contiguous zone, EEZ, outside).
func BenchmarkZonesAt(b *testing.B) {
	z := defaultZonesT(b)
	pts := randomPoints(4096)
	b.ReportAllocs()
	i := 0
	var sink Zone
	for b.Loop() {
		p := pts[i%len(pts)]
		sink = z.At(p[0], p[1])
		i++
	}
	_ = sink
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "points/s")
}

// The map export holds the zones, lines and areas, not the land mask.
func TestDefaultZonesGeoJSON(t *testing.T) {
	b, err := DefaultZonesGeoJSON()
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, f := range fc.Features {
		kinds[fmt.Sprint(f.Properties["zone"])]++
	}
	for _, k := range []string{"territorial_sea", "contiguous_zone", "eez", "boundary", "port", "anchorage"} {
		if kinds[k] == 0 {
			t.Errorf("no %s feature (%v)", k, kinds)
		}
	}
	if fc.Type != "FeatureCollection" || kinds["land"] != 0 {
		t.Errorf("type %q, %d land features", fc.Type, kinds["land"])
	}
}
