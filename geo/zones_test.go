package geo

import (
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
		{"50 nm into the Gulf", 26.0, -96.0, Zone{}},
		{"Brownsville city", 25.90, -97.50, Zone{"US", KindLand}},
		{"Matamoros city", 25.87, -97.50, Zone{"MX", KindLand}},
		{"off Tijuana", 32.45, -117.20, Zone{"MX", KindTerritorialSea}},
		{"off San Diego", 32.70, -117.30, Zone{"US", KindTerritorialSea}},
		{"30 nm off San Diego", 32.60, -117.85, Zone{}},
		// In the OSM data the Canadian side of the boundary in the Strait of
		// Juan de Fuca reaches 48.35,-123.6, which the Natural Earth mask
		// puts on the East Sooke shore (1:10m coastline, ±~1 km).
		{"Juan de Fuca, Canadian side", 48.35, -123.6, Zone{"CA", KindLand}},
		{"Juan de Fuca, Canadian waters", 48.30, -123.6, Zone{"CA", KindTerritorialSea}},
		{"Juan de Fuca, US waters", 48.2, -123.8, Zone{"US", KindTerritorialSea}},
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
	for _, name := range []string{"zonedata/territorial_sea.geojson", "zonedata/land.geojson"} {
		data, err := zoneFS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := whole.add(name, data); err != nil {
			t.Fatal(err)
		}
	}
	if len(whole.polys) >= len(tiled.polys) {
		t.Fatalf("no tiling happened: %d vs %d polygons", len(whole.polys), len(tiled.polys))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	boxes := [][4]float64{{-98.5, -95.5, 24.5, 27.5}, {-118.5, -116.5, 31.8, 33.2}, {-125.5, -122.0, 47.8, 49.5}}
	counts := map[Zone]int{}
	for _, b := range boxes {
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

func BenchmarkZonesAt(b *testing.B) {
	z, err := DefaultZones()
	if err != nil {
		b.Fatal(err)
	}
	pts := [][2]float64{{26.05, -97.05}, {25.80, -97.05}, {26.0, -96.0}, {25.90, -97.50}, {32.45, -117.20}, {32.70, -117.30}, {48.35, -123.6}, {48.2, -123.8}}
	b.ReportAllocs()
	i := 0
	var sink Zone
	for b.Loop() {
		p := pts[i%len(pts)]
		sink = z.At(p[0], p[1])
		i++
	}
	_ = sink
}
