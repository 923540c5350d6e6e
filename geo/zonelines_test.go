package geo

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// demoBoxes are the three boxes of the built-in set: lon min, lon max, lat
// min, lat max.
var demoBoxes = [][4]float64{{-98.5, -95.5, 24.5, 27.5}, {-118.5, -116.5, 31.8, 33.2}, {-125.5, -122.0, 47.8, 49.5}}

// randomPoints returns n reproducible random points (lat, lon) spread over
// the three demo boxes.
func randomPoints(n int) [][2]float64 {
	rng := rand.New(rand.NewPCG(7, 8))
	pts := make([][2]float64, n)
	for i := range pts {
		b := demoBoxes[i%len(demoBoxes)]
		pts[i] = [2]float64{b[2] + rng.Float64()*(b[3]-b[2]), b[0] + rng.Float64()*(b[1]-b[0])}
	}
	return pts
}

func defaultZonesT(t testing.TB) *Zones {
	t.Helper()
	z, err := DefaultZones()
	if err != nil {
		t.Fatal(err)
	}
	return z
}

func TestDefaultNearestBoundary(t *testing.T) {
	z := defaultZonesT(t)
	const tenNM = 10 * 1852.0
	cases := []struct {
		name      string
		lat, lon  float64
		maxM      float64
		countries [2]string
		kind      string
		maxDist   float64
	}{
		{"Strait of Juan de Fuca", 48.30, -123.80, tenNM, [2]string{"CA", "US"}, BoundaryMaritime, tenNM},
		{"off the Rio Grande", 25.97, -97.0, tenNM, [2]string{"MX", "US"}, BoundaryMaritime, 300},
		{"off Tijuana", 32.45, -117.20, tenNM, [2]string{"MX", "US"}, BoundaryMaritime, tenNM},
		{"Gulf, 40 nm out", 26.05, -96.3, tenNM, [2]string{"MX", "US"}, BoundaryMaritime, 5000},
		{"Matamoros", 25.88, -97.50, tenNM, [2]string{"MX", "US"}, BoundaryLand, 5000},
		{"San Ysidro", 32.55, -117.03, tenNM, [2]string{"MX", "US"}, BoundaryLand, 3000},
		{"Blaine", 48.99, -122.70, tenNM, [2]string{"CA", "US"}, BoundaryLand, 3000},
		{"Boundary Bay", 49.01, -122.90, tenNM, [2]string{"CA", "US"}, BoundaryMaritime, 2000},
	}
	for _, c := range cases {
		b, d, ok := z.NearestBoundary(c.lat, c.lon, c.maxM)
		if !ok || b.Countries != c.countries || b.Kind != c.kind || d > c.maxDist || d < 0 || b.Name == "" {
			t.Errorf("%s: NearestBoundary(%v, %v) = %+v, %.0f m, %v; want %v %s within %.0f m", c.name, c.lat, c.lon, b, d, ok, c.countries, c.kind, c.maxDist)
		}
	}
	for _, p := range [][3]float64{{27.4, -95.6, tenNM}, {26.07, -97.15, 5000}, {40, -70, 1e5}, {nan(), -97, 1e5}, {26, -97, -1}, {26, -97, nan()}} {
		if b, d, ok := z.NearestBoundary(p[0], p[1], p[2]); ok {
			t.Errorf("NearestBoundary(%v) = %+v, %v, want none", p, b, d)
		}
	}
	var nilZones *Zones
	if _, _, ok := nilZones.NearestBoundary(26, -97, 1e6); ok {
		t.Error("nil Zones has a boundary")
	}
	bs := z.Boundaries()
	if len(bs) < 6 {
		t.Fatalf("Boundaries() = %v", bs)
	}
	for _, b := range bs {
		if b.Countries[0] >= b.Countries[1] || (b.Kind != BoundaryLand && b.Kind != BoundaryMaritime) {
			t.Errorf("bad boundary %+v", b)
		}
	}
}

// bruteNearest is the distance to the nearest segment of s by exhaustive
// search, the nearest point found in the local plane and measured with the
// geodesic Distance.
func bruteNearest(s *segIndex, lat, lon float64) (ref int32, distM float64) {
	kx, ky := metresPerDegree(lat)
	distM, ref = math.Inf(1), -1
	for _, sg := range s.segs {
		ax, ay := (sg.a[0]-lon)*kx, (sg.a[1]-lat)*ky
		vx, vy := (sg.b[0]-sg.a[0])*kx, (sg.b[1]-sg.a[1])*ky
		t := math.Max(0, math.Min(1, -(ax*vx+ay*vy)/(vx*vx+vy*vy)))
		p := LLA{Lat: sg.a[1] + t*(sg.b[1]-sg.a[1]), Lon: sg.a[0] + t*(sg.b[0]-sg.a[0])}
		if d := Distance(LLA{Lat: lat, Lon: lon}, p); d < distM {
			distM, ref = d, sg.ref
		}
	}
	return ref, distM
}

// The R-tree search must find what an exhaustive search finds, with
// distances within 0.5% of geodesic ones.
func TestNearestMatchesBruteForce(t *testing.T) {
	z := defaultZonesT(t)
	const maxM = 40000
	n := 300
	if testing.Short() || raceEnabled {
		n = 60
	}
	for _, p := range randomPoints(n) {
		wantRef, want := bruteNearest(&z.boundSegs, p[0], p[1])
		b, got, ok := z.NearestBoundary(p[0], p[1], maxM)
		switch {
		case want < maxM*0.995 && !ok:
			t.Errorf("NearestBoundary(%v): none, brute force %.0f m", p, want)
		case want > maxM*1.005 && ok:
			t.Errorf("NearestBoundary(%v): %.0f m, brute force %.0f m > max", p, got, want)
		case ok && (math.Abs(got-want) > 0.005*want+1 || (b != z.boundaries[wantRef] && math.Abs(got-want) > 1)):
			t.Errorf("NearestBoundary(%v) = %+v %.1f m, brute force %+v %.1f m", p, b, got, z.boundaries[wantRef], want)
		}

		if zn := z.At(p[0], p[1]); zn.Kind == KindLand {
			continue // CoastDistance is 0 there
		}
		wantRef, want = bruteNearest(&z.coastSegs, p[0], p[1])
		d, c, ok := z.CoastDistance(p[0], p[1], maxM)
		switch {
		case want < maxM*0.995 && !ok:
			t.Errorf("CoastDistance(%v): none, brute force %.0f m", p, want)
		case want > maxM*1.005 && ok:
			t.Errorf("CoastDistance(%v): %.0f m, brute force %.0f m > max", p, d, want)
		case ok && (math.Abs(d-want) > 0.005*want+1 || (c != z.coastCountries[wantRef] && math.Abs(d-want) > 1)):
			t.Errorf("CoastDistance(%v) = %.1f m %s, brute force %.1f m %s", p, d, c, want, z.coastCountries[wantRef])
		}
	}
}

// Distances on synthetic lines against the geodesic.
func TestNearestBoundaryGeometry(t *testing.T) {
	a := LLA{Lat: 48.2, Lon: -123.5}
	b := Destination(a, 60, 30000)
	mid := Destination(a, 60, 15000)
	off := Destination(mid, 150, 7000) // 7 km abeam of the middle
	p := writeTemp(t, fmt.Sprintf(`{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"zone":"boundary","boundary_kind":"maritime","countries":"US-CA","name":"diagonal"},"geometry":{"type":"LineString","coordinates":[[%v,%v],[%v,%v]]}},
{"type":"Feature","properties":{"zone":"boundary","boundary_kind":"land","countries":"FR-ES","name":"equator"},"geometry":{"type":"MultiLineString","coordinates":[[[0,0],[0.5,0]],[[0.5,0],[1,0]]]}}
]}`, a.Lon, a.Lat, b.Lon, b.Lat))
	z, err := LoadZones(p)
	if err != nil {
		t.Fatal(err)
	}
	bd, d, ok := z.NearestBoundary(off.Lat, off.Lon, 20000)
	if !ok || bd.Name != "diagonal" || bd.Countries != [2]string{"CA", "US"} || math.Abs(d-7000) > 35 {
		t.Errorf("diagonal: %+v %.1f m %v, want 7000 m", bd, d, ok)
	}
	// Beyond the end: distance to the end point.
	beyond := Destination(b, 60, 4000)
	if _, d, ok := z.NearestBoundary(beyond.Lat, beyond.Lon, 20000); !ok || math.Abs(d-4000) > 20 {
		t.Errorf("beyond the end: %.1f m %v, want 4000 m", d, ok)
	}
	if _, _, ok := z.NearestBoundary(off.Lat, off.Lon, 6900); ok {
		t.Error("found a line beyond maxM")
	}
	want := Distance(LLA{Lat: 0.01, Lon: 0.5}, LLA{Lat: 0, Lon: 0.5})
	bd, d, ok = z.NearestBoundary(0.01, 0.5, 20000)
	if !ok || bd.Name != "equator" || bd.Kind != BoundaryLand || bd.Countries != [2]string{"ES", "FR"} || math.Abs(d-want) > 1 {
		t.Errorf("equator: %+v %.2f m %v, want %.2f m", bd, d, ok, want)
	}
	// Far away with a huge limit: the search radius grows until it finds.
	if bd, d, ok := z.NearestBoundary(10, 0.5, 1e7); !ok || bd.Name != "equator" || math.Abs(d-Distance(LLA{Lat: 10, Lon: 0.5}, LLA{Lon: 0.5}))/d > 0.01 {
		t.Errorf("far: %+v %.0f m %v", bd, d, ok)
	}
}

func TestDefaultCoastDistance(t *testing.T) {
	z := defaultZonesT(t)
	cases := []struct {
		name       string
		lat, lon   float64
		country    string
		minM, maxM float64
	}{
		{"5 km off South Padre Island", 26.10, -97.10, "US", 3000, 7000},
		{"off Playa Bagdad", 25.90, -97.05, "MX", 7000, 14000},
		{"Brownsville (land)", 25.90, -97.50, "US", 0, 0},
		{"Victoria (land)", 48.4284, -123.3656, "CA", 0, 0},
		{"off Sooke", 48.30, -123.80, "CA", 4000, 10000},
		{"off Point Loma", 32.70, -117.30, "US", 2000, 8000},
	}
	for _, c := range cases {
		d, country, ok := z.CoastDistance(c.lat, c.lon, 20000)
		if !ok || country != c.country || d < c.minM || d > c.maxM {
			t.Errorf("%s: CoastDistance(%v, %v) = %.0f m %s %v, want %s %.0f…%.0f m", c.name, c.lat, c.lon, d, country, ok, c.country, c.minM, c.maxM)
		}
	}
	if d, c, ok := z.CoastDistance(26.0, -96.3, 1852); ok {
		t.Errorf("40 nm out within 1 nm of a coast: %.0f m %s", d, c)
	}
	var nilZones *Zones
	if _, _, ok := nilZones.CoastDistance(26, -97, 1e6); ok {
		t.Error("nil Zones has a coast")
	}
	if _, _, ok := z.CoastDistance(inf(), -97, 1e6); ok {
		t.Error("infinite latitude has a coast")
	}
}

func TestDefaultAreas(t *testing.T) {
	z := defaultZonesT(t)
	cases := []struct {
		lat, lon   float64
		kind, name string // name: a substring
	}{
		{26.07, -97.15, KindAnchorage, "Brazos Santiago"},
		{26.073, -97.208, KindPort, "Port Isabel"},
		{25.985, -97.33, KindPort, "Brownsville"},
		{25.955, -97.40, KindPort, "Brownsville"},
		{32.715, -117.20, KindPort, "San Diego Bay"},
		{32.64, -117.24, KindAnchorage, "San Diego"},
		{48.128, -123.43, KindPort, "Port Angeles"},
		{48.415, -123.39, KindPort, "Victoria"},
		{48.43, -123.45, KindAnchorage, "Royal Roads"},
		{48.10, -122.74, KindAnchorage, "Port Townsend"},
	}
	for _, c := range cases {
		name, kind, ok := z.Area(c.lat, c.lon)
		if !ok || kind != c.kind || !strings.Contains(name, c.name) {
			t.Errorf("Area(%v, %v) = %q %q %v, want %s %q", c.lat, c.lon, name, kind, ok, c.kind, c.name)
		}
	}
	// The anchorage off Brazos Santiago Pass holds 26.07 N 97.15 W with at
	// least 2 km to spare, and the waters 26.03–26.10 N, 97.16–97.08 W.
	centre := LLA{Lat: 26.07, Lon: -97.15}
	for brg := 0.0; brg < 360; brg += 15 {
		p := Destination(centre, brg, 2000)
		if _, kind, ok := z.Area(p.Lat, p.Lon); !ok || kind != KindAnchorage {
			t.Errorf("2 km %v° from the anchorage centre (%v): %q %v", brg, p, kind, ok)
		}
	}
	for lat := 26.03; lat <= 26.1+1e-9; lat += 0.005 {
		for lon := -97.16; lon <= -97.08+1e-9; lon += 0.005 {
			if _, kind, ok := z.Area(lat, lon); !ok || kind != KindAnchorage {
				t.Errorf("Area(%.3f, %.3f) = %q %v, want anchorage", lat, lon, kind, ok)
			}
		}
	}
	for _, p := range [][2]float64{{26.0, -96.8}, {26.2, -97.0}, {25.9, -97.05}, {32.6, -117.85}, {48.3, -123.8}, {40, -70}, {nan(), 0}} {
		if name, kind, ok := z.Area(p[0], p[1]); ok {
			t.Errorf("Area(%v) = %q %q, want none", p, name, kind)
		}
	}
	var nilZones *Zones
	if _, _, ok := nilZones.Area(26.07, -97.15); ok {
		t.Error("nil Zones has an area")
	}
}

// At ranks kinds, not file order: land > territorial_sea > contiguous_zone
// > eez > others; equal kinds go by file order.
func TestZonesKindPriority(t *testing.T) {
	sq := func(a, b float64) string {
		return fmt.Sprintf(`[[[%v,%v],[%v,%v],[%v,%v],[%v,%v],[%v,%v]]]`, a, a, b, a, b, b, a, b, a, a)
	}
	p := writeTemp(t, `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"country":"AA","zone":"fishing"},"geometry":{"type":"Polygon","coordinates":`+sq(0, 10)+`}},
{"type":"Feature","properties":{"country":"BB","zone":"eez"},"geometry":{"type":"Polygon","coordinates":`+sq(0, 9)+`}},
{"type":"Feature","properties":{"country":"CC","zone":"eez"},"geometry":{"type":"Polygon","coordinates":`+sq(0, 9)+`}},
{"type":"Feature","properties":{"country":"BB","zone":"contiguous_zone"},"geometry":{"type":"Polygon","coordinates":`+sq(0, 6)+`}},
{"type":"Feature","properties":{"country":"BB","zone":"territorial_sea"},"geometry":{"type":"Polygon","coordinates":`+sq(0, 4)+`}},
{"type":"Feature","properties":{"country":"BB","zone":"land"},"geometry":{"type":"Polygon","coordinates":`+sq(0, 2)+`}},
{"type":"Feature","properties":{"zone":"port","name":"big port"},"geometry":{"type":"Polygon","coordinates":`+sq(0, 3)+`}},
{"type":"Feature","properties":{"zone":"anchorage","name":"small anchorage","country":"BB"},"geometry":{"type":"Polygon","coordinates":`+sq(2.5, 3.5)+`}}
]}`)
	z, err := LoadZones(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		lat, lon float64
		want     Zone
	}{
		{1, 1, Zone{"BB", KindLand}},
		{3, 3, Zone{"BB", KindTerritorialSea}},
		{5, 5, Zone{"BB", KindContiguousZone}},
		{7, 7, Zone{"BB", KindEEZ}}, // before CC in file order
		{9.5, 9.5, Zone{"AA", "fishing"}},
		{11, 11, Zone{}},
	} {
		if got := z.At(c.lat, c.lon); got != c.want {
			t.Errorf("At(%v, %v) = %+v, want %+v", c.lat, c.lon, got, c.want)
		}
	}
	for _, c := range []struct {
		lat, lon   float64
		name, kind string
	}{
		{1, 1, "big port", KindPort},
		{2.8, 2.8, "small anchorage", KindAnchorage}, // the smaller wins
		{3.2, 3.2, "small anchorage", KindAnchorage},
		{5, 5, "", ""},
	} {
		name, kind, ok := z.Area(c.lat, c.lon)
		if name != c.name || kind != c.kind || ok != (c.name != "") {
			t.Errorf("Area(%v, %v) = %q %q %v, want %q %q", c.lat, c.lon, name, kind, ok, c.name, c.kind)
		}
	}
}

// A user file can carry everything the built-in set carries: the embedded
// layers merged into one file load into an equivalent Zones.
func TestLoadZonesEquivalentToDefault(t *testing.T) {
	var feats []json.RawMessage
	for _, name := range embeddedFiles {
		data, err := zoneFS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var fc geoJSONCollection
		if err := json.Unmarshal(data, &fc); err != nil {
			t.Fatal(err)
		}
		feats = append(feats, fc.Features...)
	}
	body, err := json.Marshal(map[string]any{"type": "FeatureCollection", "features": feats})
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := LoadZones(writeTemp(t, string(body)))
	if err != nil {
		t.Fatal(err)
	}
	def := defaultZonesT(t)
	n := 3000
	if testing.Short() || raceEnabled {
		n = 300
	}
	for _, p := range randomPoints(n) {
		if a, b := loaded.At(p[0], p[1]), def.At(p[0], p[1]); a != b {
			t.Errorf("At(%v): loaded %+v, default %+v", p, a, b)
		}
		b1, d1, ok1 := loaded.NearestBoundary(p[0], p[1], 20000)
		b2, d2, ok2 := def.NearestBoundary(p[0], p[1], 20000)
		if b1 != b2 || d1 != d2 || ok1 != ok2 {
			t.Errorf("NearestBoundary(%v): loaded %+v %v %v, default %+v %v %v", p, b1, d1, ok1, b2, d2, ok2)
		}
		c1, cc1, ok1 := loaded.CoastDistance(p[0], p[1], 20000)
		c2, cc2, ok2 := def.CoastDistance(p[0], p[1], 20000)
		if c1 != c2 || cc1 != cc2 || ok1 != ok2 {
			t.Errorf("CoastDistance(%v): loaded %v %v %v, default %v %v %v", p, c1, cc1, ok1, c2, cc2, ok2)
		}
		n1, k1, ok1 := loaded.Area(p[0], p[1])
		n2, k2, ok2 := def.Area(p[0], p[1])
		if n1 != n2 || k1 != k2 || ok1 != ok2 {
			t.Errorf("Area(%v): loaded %q %q %v, default %q %q %v", p, n1, k1, ok1, n2, k2, ok2)
		}
	}
}

// The built-in zones are consistent: every sea point of a box has a
// country (the EEZ covers the rest of each box), and the contiguous zone
// lies within 24 nm (+ raster and coastline tolerance) of the country's
// coast while the EEZ proper lies beyond ~24 nm.
func TestDefaultZonesCoverage(t *testing.T) {
	z := defaultZonesT(t)
	n := 3000
	if testing.Short() || raceEnabled {
		n = 300
	}
	counts := map[Zone]int{}
	for _, p := range randomPoints(n) {
		zn := z.At(p[0], p[1])
		counts[zn]++
		if zn.Country == "" {
			t.Errorf("At(%v): no country inside a demo box", p)
			continue
		}
		if zn.Kind != KindContiguousZone && zn.Kind != KindEEZ {
			continue
		}
		// Distance to that country's own coast.
		kx, ky := metresPerDegree(p[0])
		best := math.Inf(1)
		for _, sg := range z.coastSegs.segs {
			if z.coastCountries[sg.ref] != zn.Country {
				continue
			}
			ax, ay := (sg.a[0]-p[1])*kx, (sg.a[1]-p[0])*ky
			vx, vy := (sg.b[0]-sg.a[0])*kx, (sg.b[1]-sg.a[1])*ky
			tt := math.Max(0, math.Min(1, -(ax*vx+ay*vy)/(vx*vx+vy*vy)))
			best = math.Min(best, math.Hypot(ax+tt*vx, ay+tt*vy))
		}
		const nm24, tol = 24 * 1852.0, 800.0
		if zn.Kind == KindContiguousZone && best > nm24+tol {
			t.Errorf("At(%v) = %+v but %.1f nm from its coast", p, zn, best/1852)
		}
		if zn.Kind == KindEEZ && best < nm24-tol && !math.IsInf(best, 1) {
			t.Errorf("At(%v) = %+v but only %.1f nm from its coast", p, zn, best/1852)
		}
	}
	t.Logf("sample: %v", counts)
}

func BenchmarkNearestBoundary(b *testing.B) {
	z := defaultZonesT(b)
	pts := randomPoints(4096)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p := pts[i%len(pts)]
		z.NearestBoundary(p[0], p[1], 10*1852)
		i++
	}
}

// BenchmarkNearestBoundaryNear queries points within a few km of the
// Rio Grande treaty line (the common case for the sharing rule).
func BenchmarkNearestBoundaryNear(b *testing.B) {
	z := defaultZonesT(b)
	rng := rand.New(rand.NewPCG(3, 4))
	pts := make([][2]float64, 4096)
	for i := range pts {
		pts[i] = [2]float64{25.9 + rng.Float64()*0.15, -97.14 + rng.Float64()*0.3}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p := pts[i%len(pts)]
		z.NearestBoundary(p[0], p[1], 10*1852)
		i++
	}
}

func BenchmarkCoastDistance(b *testing.B) {
	z := defaultZonesT(b)
	pts := randomPoints(4096)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p := pts[i%len(pts)]
		z.CoastDistance(p[0], p[1], 10*1852)
		i++
	}
}

func BenchmarkArea(b *testing.B) {
	z := defaultZonesT(b)
	pts := randomPoints(4096)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p := pts[i%len(pts)]
		z.Area(p[0], p[1])
		i++
	}
}
