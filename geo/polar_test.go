package geo

import (
	"math"
	"testing"
)

// pymap3d aer2geodetic(33°, 70°, 1000 m) from (42, -82, 200) =
// (42.002582, -81.997752, 1139.7018) (see ecef_test.go for the source).
func TestPolarToLLAWithElevationReference(t *testing.T) {
	got := PolarToLLA(refLLA0, Polar{Range: 1000, Bearing: 33, Elevation: 70}, true, 0)
	if math.Abs(got.Lat-refLLA1.Lat) > 1e-6 || math.Abs(got.Lon-refLLA1.Lon) > 1e-6 || math.Abs(got.Alt-refLLA1.Alt) > 1e-3 {
		t.Errorf("PolarToLLA = %+v, want %+v", got, refLLA1)
	}
	x := ToECEF(got)
	if d := ecefDist(x, refAXYZ0); d > 0.5 {
		t.Errorf("ECEF = %v, want %v", x, refAXYZ0)
	}
}

func TestPolarToLLASolvedElevation(t *testing.T) {
	sensor := LLA{Lat: 26.07, Lon: -97.21, Alt: 30}
	f := NewFrame(sensor)
	for _, rng := range []float64{100, 1000, 10000, 20000, 40000} {
		for _, brg := range []float64{0, 45, 90, 200, 315} {
			got := PolarToLLA(sensor, Polar{Range: rng, Bearing: brg}, false, 0)
			if math.Abs(got.Alt) > 1e-3 {
				t.Errorf("r=%v b=%v: altitude %.6f, want 0", rng, brg, got.Alt)
			}
			e, n, u := f.ToENU(got)
			slant := math.Sqrt(e*e + n*n + u*u)
			if math.Abs(slant-rng) > 1e-3 {
				t.Errorf("r=%v b=%v: slant range %.4f", rng, brg, slant)
			}
			az := math.Mod(math.Atan2(e, n)*rad2deg+360, 360)
			if math.Abs(math.Remainder(az-brg, 360)) > 1e-6 {
				t.Errorf("r=%v b=%v: azimuth %.8f", rng, brg, az)
			}
			el := math.Asin(u/slant) * rad2deg
			// Near-horizontal for a 30 m mast: below the horizontal, by less
			// than 17.5° even at 100 m and under 0.5° beyond 10 km.
			if el >= 0 || (rng >= 10000 && el < -0.5) {
				t.Errorf("r=%v b=%v: elevation %.4f°", rng, brg, el)
			}
			if d := Distance(sensor, got); math.Abs(d-math.Sqrt(rng*rng-30*30)) > 0.01*rng {
				t.Errorf("r=%v b=%v: ground distance %.2f", rng, brg, d)
			}
		}
	}
	// Aerostat at 1000 m, target at 200 m altitude.
	got := PolarToLLA(LLA{Lat: 48.2, Lon: -123.6, Alt: 1000}, Polar{Range: 30000, Bearing: 270}, false, 200)
	if math.Abs(got.Alt-200) > 1e-3 {
		t.Errorf("aerostat: %+v", got)
	}
}

func TestPolarToLLAClampStraightDown(t *testing.T) {
	sensor := LLA{Lat: 32.6, Lon: -117.2, Alt: 1000}
	got := PolarToLLA(sensor, Polar{Range: 500, Bearing: 80}, false, 0)
	if math.Abs(got.Alt-500) > 1e-3 || Distance(sensor, got) > 1e-3 {
		t.Errorf("straight down: %+v", got)
	}
	// Sensor below the target altitude with too short a range: straight up.
	got = PolarToLLA(LLA{Lat: 32.6, Lon: -117.2}, Polar{Range: 50, Bearing: 80}, false, 100)
	if math.Abs(got.Alt-50) > 1e-3 {
		t.Errorf("straight up: %+v", got)
	}
}

func TestPolarToLLABadInput(t *testing.T) {
	s := LLA{Lat: 26, Lon: -97, Alt: 30}
	if got := PolarToLLA(s, Polar{}, false, 0); got != s {
		t.Errorf("zero range: %+v", got)
	}
	nan := math.NaN()
	for _, c := range []struct {
		s       LLA
		p       Polar
		hasElev bool
		alt     float64
	}{
		{s, Polar{Range: -1}, false, 0},
		{s, Polar{Range: nan}, false, 0},
		{s, Polar{Range: 10, Bearing: math.Inf(1)}, false, 0},
		{s, Polar{Range: 10, Elevation: nan}, true, 0},
		{s, Polar{Range: 10}, false, nan},
		{LLA{Lat: nan}, Polar{Range: 10}, false, 0},
	} {
		got := PolarToLLA(c.s, c.p, c.hasElev, c.alt)
		if !math.IsNaN(got.Lat) {
			t.Errorf("PolarToLLA(%+v, %+v) = %+v, want NaN", c.s, c.p, got)
		}
	}
}

func TestPolarCovariance(t *testing.T) {
	const r, sr, sb = 10000.0, 20.0, 0.5
	cross := r * sb * deg2rad // cross-range σ, m
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }
	// North: range error along north, bearing error along east.
	c := PolarCovariance(r, 0, sr, sb)
	if !near(c[0][0], cross*cross) || !near(c[1][1], sr*sr) || math.Abs(c[0][1]) > 1e-9 || c[0][1] != c[1][0] {
		t.Errorf("bearing 0: %v", c)
	}
	c = PolarCovariance(r, 90, sr, sb)
	if !near(c[0][0], sr*sr) || !near(c[1][1], cross*cross) || math.Abs(c[0][1]) > 1e-9 {
		t.Errorf("bearing 90: %v", c)
	}
	// 45°: against the explicit J·diag·Jᵀ and its invariants.
	for _, b := range []float64{45, 123, 301} {
		c = PolarCovariance(r, b, sr, sb)
		sB, cB := math.Sincos(b * deg2rad)
		J := [2][2]float64{{sB, r * cB}, {cB, -r * sB}}
		D := [2]float64{sr * sr, sb * deg2rad * sb * deg2rad}
		for i := 0; i < 2; i++ {
			for j := 0; j < 2; j++ {
				want := J[i][0]*D[0]*J[j][0] + J[i][1]*D[1]*J[j][1]
				if !near(c[i][j], want) {
					t.Errorf("b=%v C[%d][%d] = %v, want %v", b, i, j, c[i][j], want)
				}
			}
		}
		if tr := c[0][0] + c[1][1]; !near(tr, sr*sr+cross*cross) {
			t.Errorf("b=%v trace %v", b, tr)
		}
		if det := c[0][0]*c[1][1] - c[0][1]*c[1][0]; math.Abs(det-sr*sr*cross*cross) > 1e-6*sr*sr*cross*cross {
			t.Errorf("b=%v det %v", b, det)
		}
	}
}

func BenchmarkPolarToLLA(b *testing.B) {
	sensor := LLA{Lat: 26.07, Lon: -97.21, Alt: 30}
	b.ReportAllocs()
	var s float64
	for b.Loop() {
		s += PolarToLLA(sensor, Polar{Range: 18000, Bearing: 101}, false, 0).Lat
	}
	_ = s
}
