package geo

import (
	"math"
	"testing"
)

// Reference values from pymap3d's test suite (geospace-code/pymap3d,
// tests/test_geodetic.py and tests/test_aer.py), which were checked against
// MATLAB's Mapping Toolbox:
//
//	geodetic2ecef(42, -82, 200)       = (660675.2518247, -4700948.68316, 4245737.66222)
//	aer2geodetic(33, 70, 1000, lla0)  = (42.002582, -81.997752, 1139.7018)
//	aer2ecef(33, 70, 1000, lla0)      = (660930.2, -4701424.0, 4246579.6)
//	aer2enu(33, 70, 1000)             = (186.277521, 286.842228, 939.692621)
var (
	refLLA0  = LLA{42, -82, 200}
	refXYZ0  = ECEF{660675.2518247, -4700948.68316, 4245737.66222}
	refLLA1  = LLA{42.002582, -81.997752, 1139.7018}
	refAXYZ0 = ECEF{660930.2, -4701424.0, 4246579.6}
	refENU0  = [3]float64{186.277521, 286.842228, 939.692621}
)

func ecefDist(a, b ECEF) float64 {
	return math.Sqrt((a[0]-b[0])*(a[0]-b[0]) + (a[1]-b[1])*(a[1]-b[1]) + (a[2]-b[2])*(a[2]-b[2]))
}

func TestToECEFReference(t *testing.T) {
	got := ToECEF(refLLA0)
	if d := ecefDist(got, refXYZ0); d > 1e-3 {
		t.Errorf("ToECEF(%v) = %v, want %v (off by %.6f m)", refLLA0, got, refXYZ0, d)
	}
	back := FromECEF(refXYZ0)
	if math.Abs(back.Lat-42) > 1e-9 || math.Abs(back.Lon+82) > 1e-9 || math.Abs(back.Alt-200) > 1e-3 {
		t.Errorf("FromECEF(%v) = %+v, want %+v", refXYZ0, back, refLLA0)
	}
}

// Axis and interior cases from pymap3d's tests (xyzlla table): A, B are the
// WGS-84 semi-axes.
func TestFromECEFSpecialPoints(t *testing.T) {
	const A, B = WGS84A, WGS84B
	cases := []struct {
		x    ECEF
		want LLA
	}{
		{ECEF{A, 0, 0}, LLA{0, 0, 0}},
		{ECEF{A - 1, 0, 0}, LLA{0, 0, -1}},
		{ECEF{A + 1, 0, 0}, LLA{0, 0, 1}},
		{ECEF{0.1 * A, 0, 0}, LLA{0, 0, -0.9 * A}},
		{ECEF{0.001 * A, 0, 0}, LLA{0, 0, -0.999 * A}},
		{ECEF{0, A, 0}, LLA{0, 90, 0}},
		{ECEF{0, A - 1, 0}, LLA{0, 90, -1}},
		{ECEF{0, 0, B - 1}, LLA{90, 0, -1}},
		{ECEF{0, 0, -B + 1}, LLA{-90, 0, -1}},
		{ECEF{-A + 1, 0, 0}, LLA{0, 180, -1}},
		{ECEF{A / 2, 0, 0}, LLA{0, 0, -A / 2}},
		{ECEF{0, 0, B / 2}, LLA{90, 0, -B / 2}},
	}
	for _, c := range cases {
		got := FromECEF(c.x)
		if math.Abs(got.Lat-c.want.Lat) > 1e-9 || math.Abs(got.Lon-c.want.Lon) > 1e-9 || math.Abs(got.Alt-c.want.Alt) > 1e-3 {
			t.Errorf("FromECEF(%v) = %+v, want %+v", c.x, got, c.want)
		}
	}
}

func TestECEFRoundTrip(t *testing.T) {
	for lat := -90.0; lat <= 90; lat += 7.5 {
		for lon := -180.0; lon < 180; lon += 37 {
			for _, alt := range []float64{-6e6, -1e6, -1e4, -100, 0, 30, 1e4, 1e6, 3.6e7} {
				p := LLA{lat, lon, alt}
				x := ToECEF(p)
				q := FromECEF(x)
				if d := ecefDist(ToECEF(q), x); d > 1e-3 || math.IsNaN(d) {
					t.Fatalf("round trip %+v -> %+v: %.6f m", p, q, d)
				}
				if math.Abs(q.Alt-alt) > 1e-3 {
					t.Fatalf("round trip %+v -> %+v: altitude off", p, q)
				}
			}
		}
	}
}

// Deep-interior points exercise the bisection fallback.
func TestFromECEFInterior(t *testing.T) {
	for _, x := range []ECEF{{1000, 0, 5000}, {-3000, 2000, -100}, {20000, 0, 1}, {10, 10, -10}, {1e-3, 0, 0}} {
		q := FromECEF(x)
		if d := ecefDist(ToECEF(q), x); d > 1e-3 || math.IsNaN(d) {
			t.Errorf("FromECEF(%v) = %+v: round trip off by %.6f m", x, q, d)
		}
	}
}

func TestFromECEFNonFinite(t *testing.T) {
	for _, x := range []ECEF{{math.NaN(), 0, 0}, {math.Inf(1), 0, 0}, {0, 0, 0}} {
		got := FromECEF(x) // must return, not loop or panic
		_ = got
	}
	if got := FromECEF(ECEF{math.NaN(), 1, 2}); !math.IsNaN(got.Lat) {
		t.Errorf("FromECEF(NaN) = %+v, want NaN", got)
	}
}

func TestFrameReference(t *testing.T) {
	f := NewFrame(refLLA0)
	if f.Origin() != refLLA0 {
		t.Fatalf("Origin = %+v", f.Origin())
	}
	// ENU of the aer2geodetic reference point; lla1 is given to 1e-6° and
	// 0.1 mm, i.e. about ±0.1 m.
	e, n, u := f.ToENU(refLLA1)
	if math.Abs(e-refENU0[0]) > 0.1 || math.Abs(n-refENU0[1]) > 0.1 || math.Abs(u-refENU0[2]) > 0.1 {
		t.Errorf("ToENU(%+v) = (%.4f, %.4f, %.4f), want %v", refLLA1, e, n, u, refENU0)
	}
	// aer2ecef's MATLAB reference is printed to ~5 significant decimals
	// (y as -4701424), so allow 0.5 m.
	x := f.ENUToECEF(refENU0[0], refENU0[1], refENU0[2])
	if d := ecefDist(x, refAXYZ0); d > 0.5 {
		t.Errorf("ENUToECEF = %v, want %v (%.3f m)", x, refAXYZ0, d)
	}
	p := f.FromENU(refENU0[0], refENU0[1], refENU0[2])
	if math.Abs(p.Lat-refLLA1.Lat) > 2e-6 || math.Abs(p.Lon-refLLA1.Lon) > 2e-6 || math.Abs(p.Alt-refLLA1.Alt) > 1e-3 {
		t.Errorf("FromENU = %+v, want %+v", p, refLLA1)
	}
	// Origin maps to zero and back.
	if e, n, u := f.ToENU(refLLA0); math.Abs(e)+math.Abs(n)+math.Abs(u) > 1e-6 {
		t.Errorf("ToENU(origin) = %v %v %v", e, n, u)
	}
}

func TestFrameRoundTripAndAxes(t *testing.T) {
	f := NewFrame(LLA{25.9, -97.2, 30})
	for _, v := range [][3]float64{{0, 0, 0}, {1000, 0, 0}, {0, -5000, 0}, {12345, 67890, -30}, {-40000, 25000, 500}} {
		p := f.FromENU(v[0], v[1], v[2])
		e, n, u := f.ToENU(p)
		if math.Abs(e-v[0]) > 1e-3 || math.Abs(n-v[1]) > 1e-3 || math.Abs(u-v[2]) > 1e-3 {
			t.Errorf("ENU round trip %v -> %+v -> %v %v %v", v, p, e, n, u)
		}
	}
	// North is north: 1 km north has higher latitude, same longitude.
	p := f.FromENU(0, 1000, 0)
	if p.Lat <= 25.9 || math.Abs(p.Lon+97.2) > 1e-9 {
		t.Errorf("FromENU(0,1000,0) = %+v", p)
	}
	p = f.FromENU(1000, 0, 0)
	if p.Lon <= -97.2 {
		t.Errorf("FromENU(1000,0,0) = %+v, want east", p)
	}
}

func TestToENUNoAlloc(t *testing.T) {
	f := NewFrame(refLLA0)
	var sink float64
	allocs := testing.AllocsPerRun(100, func() {
		e, n, u := f.ToENU(refLLA1)
		p := f.FromENU(e, n, u)
		sink += p.Lat
	})
	if allocs != 0 {
		t.Errorf("ToENU/FromENU allocate %v times", allocs)
	}
}

func BenchmarkToENU(b *testing.B) {
	f := NewFrame(refLLA0)
	b.ReportAllocs()
	var s float64
	for b.Loop() {
		e, n, u := f.ToENU(refLLA1)
		s += e + n + u
	}
	_ = s
}

func BenchmarkFromENU(b *testing.B) {
	f := NewFrame(refLLA0)
	b.ReportAllocs()
	var s float64
	for b.Loop() {
		p := f.FromENU(186.277521, 286.842228, 939.692621)
		s += p.Lat
	}
	_ = s
}

// Radii agree with the local east/north steps of the frame.
func TestRadii(t *testing.T) {
	for _, lat := range []float64{0, 25.9, 48.3, 70} {
		p := LLA{Lat: lat, Lon: -97}
		f := NewFrame(p)
		m, n := Radii(lat)
		north := f.FromENU(0, 100, 0)
		east := f.FromENU(100, 0, 0)
		if d := (north.Lat - lat) * math.Pi / 180 * m; math.Abs(d-100) > 1e-3 {
			t.Errorf("lat %v: 100 m north is %v m by the meridian radius", lat, d)
		}
		if d := (east.Lon + 97) * math.Pi / 180 * n * math.Cos(lat*math.Pi/180); math.Abs(d-100) > 1e-3 {
			t.Errorf("lat %v: 100 m east is %v m by the prime-vertical radius", lat, d)
		}
	}
}
