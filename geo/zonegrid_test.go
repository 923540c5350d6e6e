package geo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// plainZones returns the built-in set without the grid cache (same tiling
// as DefaultZones).
func plainZones(t testing.TB) *Zones {
	t.Helper()
	z := &Zones{}
	if err := loadEmbedded(z); err != nil {
		t.Fatal(err)
	}
	return z
}

// scaled shortens the exhaustive tests under the race detector and -short.
func scaled(n int) int {
	if raceEnabled || testing.Short() {
		return max(n/20, 1)
	}
	return n
}

// gridProbe compares At of a cached and an uncached zone set.
type gridProbe struct {
	t                     *testing.T
	cached, plain         *Zones
	n, served, mismatches int
}

func (p *gridProbe) check(lat, lon float64) {
	p.n++
	if _, ok := p.cached.grid.at(lat, lon); ok {
		p.served++
	}
	got, want := p.cached.At(lat, lon), p.plain.At(lat, lon)
	if got != want {
		p.mismatches++
		if p.mismatches <= 20 {
			p.t.Errorf("At(%v, %v): cached %+v, search %+v", lat, lon, got, want)
		}
	}
}

// nearEdges checks points on, at and near every polygon vertex and edge of
// z, and on and near the grid lines crossing them.
func (p *gridProbe) nearEdges(z *Zones, rng *rand.Rand, every int) {
	offsets := []float64{0, 1e-15, 1e-13, 1e-11, 1e-9, 3e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3}
	k := 0
	for _, zp := range z.polys {
		for _, r := range zp.poly {
			for j := range r {
				if k++; k%every != 0 {
					continue
				}
				a, b := r[j], r[(j+1)%len(r)]
				t := rng.Float64()
				pt := [2]float64{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
				for _, q := range [][2]float64{a, pt} {
					p.check(q[1], q[0])
					p.check(math.Nextafter(q[1], 90), q[0])
					p.check(q[1], math.Nextafter(q[0], -180))
					o := offsets[rng.IntN(len(offsets))]
					dx, dy := o*(2*rng.Float64()-1), o*(2*rng.Float64()-1)
					p.check(q[1]+dy, q[0]+dx)
					p.check(q[1]+o, q[0])
					p.check(q[1], q[0]-o)
				}
				// The grid lines nearest the point.
				if g := p.cached.grid; g != nil {
					gx := g.x0 + math.Round((pt[0]-g.x0)*g.inv)/g.inv
					gy := g.y0 + math.Round((pt[1]-g.y0)*g.inv)/g.inv
					for _, o := range []float64{0, 1e-14, 1e-12, gridDelta / g.inv, 2 * gridDelta / g.inv, 1e-6} {
						p.check(pt[1], gx+o)
						p.check(pt[1], gx-o)
						p.check(gy+o, pt[0])
						p.check(gy-o, pt[0])
						p.check(gy+o, gx-o)
					}
				}
			}
		}
	}
}

// gridLines checks random points on and near the grid's lines.
func (p *gridProbe) gridLines(rng *rand.Rand, box [4]float64, count int) {
	g := p.cached.grid
	for range count {
		lon := box[0] + rng.Float64()*(box[1]-box[0])
		lat := box[2] + rng.Float64()*(box[3]-box[2])
		gx := g.x0 + math.Round((lon-g.x0)*g.inv)/g.inv
		gy := g.y0 + math.Round((lat-g.y0)*g.inv)/g.inv
		o := []float64{0, 1e-15, 1e-12, 1e-9, 5e-9, 1e-8}[rng.IntN(6)]
		if rng.IntN(2) == 0 {
			o = -o
		}
		p.check(lat, gx+o)
		p.check(gy+o, lon)
		p.check(gy+o, gx-o)
	}
}

func (p *gridProbe) report() {
	p.t.Helper()
	p.t.Logf("%d points, %d mismatches, %.1f%% served by the grid", p.n, p.mismatches, 100*float64(p.served)/float64(p.n))
	if p.mismatches > 0 {
		p.t.Errorf("%d of %d points differ", p.mismatches, p.n)
	}
}

// The grid cache must not change any answer of At on the built-in set:
// random points over the demo boxes and beyond, and points on and near
// every polygon edge and the grid lines.
func TestZoneGridMatchesSearch(t *testing.T) {
	cached := defaultZonesT(t)
	if cached.grid == nil {
		t.Fatal("no grid cache")
	}
	p := &gridProbe{t: t, cached: cached, plain: plainZones(t)}
	rng := rand.New(rand.NewPCG(11, 12))
	n := scaled(1_000_000)
	for _, b := range demoBoxes {
		for range n {
			p.check(b[2]+rng.Float64()*(b[3]-b[2]), b[0]+rng.Float64()*(b[1]-b[0]))
		}
	}
	// The whole grid and a margin around it.
	for range scaled(200_000) {
		p.check(23+rng.Float64()*28, -127+rng.Float64()*33)
	}
	p.nearEdges(cached, rng, scaled(1))
	for _, b := range demoBoxes {
		p.gridLines(rng, b, scaled(200_000))
	}
	p.report()
}

// Under the benchmark's points the grid must answer nearly all queries.
func TestZoneGridCoverage(t *testing.T) {
	z := defaultZonesT(t)
	g := z.grid
	served := 0
	pts := randomPoints(100_000)
	for _, p := range pts {
		if _, ok := g.at(p[0], p[1]); ok {
			served++
		}
	}
	t.Logf("grid: %d×%d blocks of %d² sub-cells (%.5f°), %d sub-cells held, %d answers, %.2f MB; serves %.2f%% of random points",
		g.bcols, g.brows, 1<<g.shift, 1/g.inv, len(g.cells), len(g.zones), float64(g.bytes())/1e6, 100*float64(served)/float64(len(pts)))
	if served < len(pts)*95/100 {
		t.Errorf("grid serves %d of %d points, want ≥ 95%%", served, len(pts))
	}
	if g.bytes() > 20e6 {
		t.Errorf("grid holds %d bytes", g.bytes())
	}
}

// The coastline bound must not change any answer of CoastDistance.
func TestCoastBoundMatchesSearch(t *testing.T) {
	cached, plain := defaultZonesT(t), plainZones(t)
	rng := rand.New(rand.NewPCG(13, 14))
	maxes := []float64{0, 500, 1852, 18520, 40e3, 99e3, 100e3, 150e3, 1e6}
	n, far, bad := 0, 0, 0
	check := func(lat, lon, maxM float64) {
		n++
		if cached.grid.coastFar(lat, lon, maxM) {
			far++
		}
		d1, c1, ok1 := cached.CoastDistance(lat, lon, maxM)
		d2, c2, ok2 := plain.CoastDistance(lat, lon, maxM)
		if d1 != d2 || c1 != c2 || ok1 != ok2 {
			if bad++; bad <= 20 {
				t.Errorf("CoastDistance(%v, %v, %v): cached %v %q %v, search %v %q %v", lat, lon, maxM, d1, c1, ok1, d2, c2, ok2)
			}
		}
	}
	for range scaled(100_000) {
		b := demoBoxes[rng.IntN(len(demoBoxes))]
		lat, lon := b[2]+rng.Float64()*(b[3]-b[2]), b[0]+rng.Float64()*(b[1]-b[0])
		check(lat, lon, maxes[rng.IntN(len(maxes))])
		// Just beyond and just within the true distance.
		if _, d, ok := plain.coastSegs.nearest(lat, lon, 200e3); ok {
			check(lat, lon, d*(1-1e-9))
			check(lat, lon, d)
			check(lat, lon, d*(1+1e-9))
		}
		// At the block's bound.
		g := cached.grid
		fx, fy := (lon-g.x0)*g.inv, (lat-g.y0)*g.inv
		lb := float64(g.coastLB[(int(fy)>>g.shift)*g.bcols+int(fx)>>g.shift])
		check(lat, lon, lb)
		check(lat, lon, math.Nextafter(lb, 0))
	}
	t.Logf("%d queries, %d answered by the bound", n, far)
	if bad > 0 {
		t.Errorf("%d of %d queries differ", bad, n)
	}
	if far == 0 {
		t.Error("the bound answered nothing")
	}
}

// gridTestFile is a user zone file with awkward geometry: raster strips
// sharing edges, overlapping and self-intersecting polygons, holes, a
// zero-area sliver, edges on tile and grid lines, an overlay, slanted and
// axis-parallel edges.
func gridTestFile(rng *rand.Rand) string {
	var feats []string
	add := func(props, geom string) {
		feats = append(feats, `{"type":"Feature","properties":{`+props+`},"geometry":`+geom+`}`)
	}
	ring := func(pts [][2]float64) string {
		var sb strings.Builder
		sb.WriteString("[")
		for _, p := range append(pts, pts[0]) {
			fmt.Fprintf(&sb, "[%v,%v],", p[0], p[1])
		}
		return strings.TrimSuffix(sb.String(), ",") + "]"
	}
	poly := func(rings ...[][2]float64) string {
		var rs []string
		for _, r := range rings {
			rs = append(rs, ring(r))
		}
		return `{"type":"Polygon","coordinates":[` + strings.Join(rs, ",") + `]}`
	}
	rect := func(x0, y0, x1, y1 float64) [][2]float64 {
		return [][2]float64{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}
	}
	// A big EEZ box for each of two countries, split by a slanted line.
	add(`"country":"FR","zone":"eez"`, poly([][2]float64{{0, 0}, {3, 0}, {2, 3}, {0, 3}}))
	add(`"country":"ES","zone":"eez"`, poly([][2]float64{{3, 0}, {5, 0}, {5, 3}, {2, 3}}))
	// Raster strips of a contiguous zone (0.005° rows), as the built-in set.
	for y := 1.0; y < 1.5; y += 0.005 {
		x0 := 0.5 + 0.3*rng.Float64()
		x1 := 2 + 0.3*rng.Float64()
		y0, y1 := math.Round(y*1000)/1000, math.Round((y+0.005)*1000)/1000
		add(`"country":"FR","zone":"contiguous_zone"`, poly(rect(math.Round(x0*200)/200, y0, math.Round(x1*200)/200, y1)))
	}
	// A territorial sea with a hole, and a second one overlapping it.
	add(`"country":"FR","zone":"territorial_sea"`, poly(rect(0.2, 0.2, 1.2, 0.9), rect(0.5, 0.4, 0.7, 0.6)))
	add(`"country":"ES","zone":"territorial_sea"`, poly(rect(1.0, 0.5, 1.6, 0.8)))
	// A self-intersecting bow tie and a random star with many vertices
	// (tiled).
	add(`"country":"ES","zone":"territorial_sea"`, poly([][2]float64{{3.2, 0.2}, {3.8, 0.8}, {3.8, 0.2}, {3.2, 0.8}}))
	var star [][2]float64
	for i := range 200 {
		a := 2 * math.Pi * float64(i) / 200
		r := 0.3 + 0.5*rng.Float64()
		star = append(star, [2]float64{4 + r*math.Cos(a), 2 + r*math.Sin(a)})
	}
	add(`"country":"ES","zone":"land"`, poly(star))
	// Edges on tile lines and on sub-cell lines, and a zero-area sliver on one.
	tx := tileOffset + 20*tileDeg
	add(`"country":"FR","zone":"territorial_sea"`, poly(rect(tx, 2.0, tx+0.3, 2.5)))
	sx := tileOffset + 17*tileDeg + 5*tileDeg/gridSub
	add(`"country":"ES","zone":"territorial_sea"`, poly(rect(sx, 2.2, sx+0.05, 2.4)))
	add(`"country":"ES","zone":"contiguous_zone"`, poly([][2]float64{{sx, 2.5}, {sx, 2.7}, {sx, 2.6}}))
	add(`"country":"ES","zone":"land"`, poly([][2]float64{{0.1, 2.61}, {1.9, 2.61}, {1.0, 2.61}}))
	// A land overlay over parts of both countries.
	add(`"zone":"land"`, poly([][2]float64{{1.5, 1.2}, {3.5, 1.4}, {3.4, 2.8}, {1.7, 2.2}}))
	return `{"type":"FeatureCollection","features":[` + strings.Join(feats, ",\n") + `]}`
}

// The grid cache must not change any answer on a user file with awkward
// geometry.
func TestZoneGridUserFile(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	body := gridTestFile(rng)
	cached, err := LoadZones(writeTemp(t, body))
	if err != nil {
		t.Fatal(err)
	}
	if cached.grid == nil {
		t.Fatal("no grid cache")
	}
	plain := &Zones{}
	if err := plain.add("test", []byte(body)); err != nil {
		t.Fatal(err)
	}
	p := &gridProbe{t: t, cached: cached, plain: plain}
	for range scaled(1_000_000) {
		p.check(-0.5+6*rng.Float64(), -0.5+6*rng.Float64())
	}
	p.nearEdges(cached, rng, 1)
	p.gridLines(rng, [4]float64{0, 5, 0, 3}, scaled(200_000))
	p.report()
}

// Large and absurd extents: coarser blocks, or no cache at all.
func TestZoneGridExtents(t *testing.T) {
	world := `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"country":"FR","zone":"eez"},"geometry":{"type":"Polygon","coordinates":[[[-179,-80],[179,-80],[0,80],[-179,-80]]]}},
{"type":"Feature","properties":{"country":"ES","zone":"territorial_sea"},"geometry":{"type":"Polygon","coordinates":[[[-10,-10],[10,-10],[10,10],[-10,10],[-10,-10]]]}}]}`
	z, err := LoadZones(writeTemp(t, world))
	if err != nil {
		t.Fatal(err)
	}
	if z.grid == nil || z.grid.shift <= 4 {
		t.Fatalf("world grid: %+v", z.grid)
	}
	if b := z.grid.bytes(); b > 20e6 {
		t.Errorf("world grid holds %d bytes", b)
	}
	plain := &Zones{}
	if err := plain.add("world", []byte(world)); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(31, 32))
	p := &gridProbe{t: t, cached: z, plain: plain}
	for range scaled(200_000) {
		p.check(-90+180*rng.Float64(), -180+360*rng.Float64())
	}
	p.nearEdges(z, rng, 1)
	p.report()

	absurd := `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"country":"FR","zone":"eez"},"geometry":{"type":"Polygon","coordinates":[[[-1e12,0],[1e12,0],[0,1e12],[-1e12,0]]]}}]}`
	z, err = LoadZones(writeTemp(t, absurd))
	if err != nil {
		t.Fatal(err)
	}
	if z.grid != nil {
		t.Error("grid for an absurd extent")
	}
	if got := z.At(1, 1); got != (Zone{"FR", KindEEZ}) {
		t.Errorf("At = %+v", got)
	}
}

// TestDefaultZonesBuildTime logs the time to parse the embedded data and to
// build its grid cache (DefaultZones's first-call latency).
func TestDefaultZonesBuildTime(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("timing")
	}
	start := time.Now()
	z := plainZones(t)
	parsed := time.Since(start)
	z.buildGrid()
	t.Logf("parse %v, grid %v", parsed, time.Since(start)-parsed)
}

func BenchmarkZonesAtUncached(b *testing.B) {
	z := plainZones(b)
	pts := randomPoints(4096)
	i := 0
	var sink Zone
	for b.Loop() {
		p := pts[i%len(pts)]
		sink = z.At(p[0], p[1])
		i++
	}
	_ = sink
}

func BenchmarkZoneGridBuild(b *testing.B) {
	z := plainZones(b)
	b.ReportAllocs()
	for b.Loop() {
		z.grid = nil
		z.buildGrid()
	}
	b.ReportMetric(float64(z.grid.bytes()), "grid-bytes")
}
