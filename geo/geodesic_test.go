package geo

import (
	"math"
	"testing"
)

func dms(d, m, s float64) float64 {
	if d < 0 {
		return d - m/60 - s/3600
	}
	return d + m/60 + s/3600
}

// GeographicLib's documented example (GeodSolve(1) man page and
// examples/example-Geodesic.cpp): JFK (40.6, -73.8) to LHR (51.6, -0.5),
// s12 = 5551759.400 m, azi1 = 51.198882845°.
func TestDistanceGeographicLibJFKLHR(t *testing.T) {
	jfk, lhr := LLA{Lat: 40.6, Lon: -73.8}, LLA{Lat: 51.6, Lon: -0.5}
	if d := Distance(jfk, lhr); math.Abs(d-5551759.400) > 1e-3 {
		t.Errorf("Distance(JFK, LHR) = %.4f, want 5551759.400", d)
	}
	if b := Bearing(jfk, lhr); math.Abs(b-51.198882845) > 1e-8 {
		t.Errorf("Bearing(JFK, LHR) = %.9f, want 51.198882845", b)
	}
	// Direct problem back to LHR.
	p := Destination(jfk, 51.198882845, 5551759.400)
	if d := Distance(p, lhr); d > 1e-3 {
		t.Errorf("Destination(JFK, 51.198882845°, 5551759.400 m) = %+v, %.4f m from LHR", p, d)
	}
}

// Vincenty (1975) / Geoscience Australia worked example, Flinders Peak to
// Buninyong (GRS80, which differs from WGS-84 by far less than a millimetre
// over this line): s = 54972.271 m, α12 = 306°52'05.37".
func TestDistanceFlindersPeakBuninyong(t *testing.T) {
	fp := LLA{Lat: dms(-37, 57, 3.72030), Lon: dms(144, 25, 29.52440)}
	bu := LLA{Lat: dms(-37, 39, 10.15610), Lon: dms(143, 55, 35.38390)}
	if d := Distance(fp, bu); math.Abs(d-54972.271) > 1e-3 {
		t.Errorf("Distance = %.4f, want 54972.271", d)
	}
	if b := Bearing(fp, bu); math.Abs(b-dms(306, 52, 5.37)) > 0.01/3600 {
		t.Errorf("Bearing = %.7f, want %.7f", b, dms(306, 52, 5.37))
	}
	if b := Bearing(bu, fp); math.Abs(b-dms(127, 10, 25.07)) > 0.01/3600 {
		t.Errorf("reverse Bearing = %.7f, want %.7f", b, dms(127, 10, 25.07))
	}
	p := Destination(fp, dms(306, 52, 5.37), 54972.271)
	if math.Abs(p.Lat-bu.Lat) > 1e-7 || math.Abs(p.Lon-bu.Lon) > 1e-7 {
		t.Errorf("Destination = %+v, want %+v", p, bu)
	}
}

// Further published values:
//   - Land's End (50.06632, -5.71475) to John o' Groats (58.64402, -3.07009):
//     969954.166 m, initial bearing 9.1419° (C. Veness, "Vincenty solutions
//     of geodesics on the ellipsoid", movable-type.co.uk, test suite);
//   - one degree along the equator is a·π/180 = 111319.490793 m;
//   - equatorial antipodes are joined through a pole: half the WGS-84
//     meridian, 20003931.4586 m (GeographicLib, Karney 2013 §1).
func TestDistanceMoreReferences(t *testing.T) {
	le, jog := LLA{Lat: 50.06632, Lon: -5.71475}, LLA{Lat: 58.64402, Lon: -3.07009}
	if d := Distance(le, jog); math.Abs(d-969954.166) > 2e-3 {
		t.Errorf("Distance(LE, JOG) = %.4f, want 969954.166", d)
	}
	if b := Bearing(le, jog); math.Abs(b-9.1419) > 1e-4 {
		t.Errorf("Bearing(LE, JOG) = %.5f, want 9.1419", b)
	}
	if d := Distance(LLA{}, LLA{Lon: 1}); math.Abs(d-111319.490793) > 1e-5 {
		t.Errorf("1° of equator = %.6f", d)
	}
	if d := Distance(LLA{}, LLA{Lon: 180}); math.Abs(d-20003931.4586) > 1e-3 {
		t.Errorf("equatorial antipodes = %.4f, want 20003931.4586", d)
	}
	if d := Distance(LLA{Lat: 90}, LLA{Lat: -90}); math.Abs(d-20003931.4586) > 1e-3 {
		t.Errorf("pole to pole = %.4f, want 20003931.4586", d)
	}
}

func TestGeodesicEdgeCases(t *testing.T) {
	p := LLA{Lat: 25.9, Lon: -97.2}
	if d, b := Distance(p, p), Bearing(p, p); d != 0 || b != 0 {
		t.Errorf("coincident: %v %v", d, b)
	}
	// Near-antipodal lines where Vincenty's inverse does not converge must
	// still answer, finitely and plausibly.
	for _, c := range [][2]LLA{
		{{}, {Lat: 0.5, Lon: 179.7}},
		{{}, {Lat: -0.1, Lon: 179.9}},
		{{}, {Lat: 0, Lon: 179.5}},
		{p, {Lat: -25.9, Lon: 82.8}},
		{p, {Lat: -25.9, Lon: 82.8000001}},
	} {
		a, q := c[0], c[1]
		d, b := Distance(a, q), Bearing(a, q)
		if math.IsNaN(d) || math.IsNaN(b) || d < 19.8e6 || d > 20.01e6 || b < 0 || b >= 360 {
			t.Errorf("near-antipodal %+v -> %+v: d=%v b=%v", a, q, d, b)
		}
	}
	// Direct/inverse consistency across bearings and ranges.
	for az := 0.0; az < 360; az += 22.5 {
		for _, s := range []float64{1, 1e3, 5e4, 1e6, 1e7} {
			q := Destination(p, az, s)
			if d := Distance(p, q); math.Abs(d-s) > 1e-3 {
				t.Errorf("Destination(%v°, %v m) then Distance = %.4f", az, s, d)
			}
			if s < 1e7 {
				// Within 1e-6° or 10 µm of lateral offset (short lines are
				// limited by the precision of degrees, not the method).
				b := Bearing(p, q)
				if e := math.Abs(math.Remainder(b-az, 360)); e > 1e-6 && e*deg2rad*s > 1e-5 {
					t.Errorf("Destination(%v°, %v m) then Bearing = %.8f", az, s, b)
				}
			}
		}
	}
	// Non-finite input must return (NaN), not loop.
	nan := math.NaN()
	if d := Distance(LLA{Lat: nan}, p); !math.IsNaN(d) {
		t.Errorf("Distance(NaN) = %v", d)
	}
	if b := Bearing(p, LLA{Lon: math.Inf(1)}); !math.IsNaN(b) {
		t.Errorf("Bearing(Inf) = %v", b)
	}
	if q := Destination(p, nan, 100); !math.IsNaN(q.Lat) {
		t.Errorf("Destination(NaN) = %+v", q)
	}
	// Longitudes wrap.
	q := Destination(LLA{Lat: 0, Lon: 179.99}, 90, 5000)
	if q.Lon > -179 || q.Lon < -180 {
		t.Errorf("wrap: %+v", q)
	}
	if d := Distance(LLA{Lon: 179.99}, LLA{Lon: -179.99}); math.Abs(d-2226.38982) > 1e-3 {
		t.Errorf("across antimeridian = %.5f", d)
	}
}

func TestDistanceNoAlloc(t *testing.T) {
	a, b := LLA{Lat: 40.6, Lon: -73.8}, LLA{Lat: 51.6, Lon: -0.5}
	if n := testing.AllocsPerRun(100, func() { _ = Distance(a, b) + Bearing(a, b) }); n != 0 {
		t.Errorf("Distance allocates %v", n)
	}
}

func BenchmarkDistance(b *testing.B) {
	p, q := LLA{Lat: 25.9, Lon: -97.2}, LLA{Lat: 26.05, Lon: -97.05}
	b.ReportAllocs()
	var s float64
	for b.Loop() {
		s += Distance(p, q)
	}
	_ = s
}

func BenchmarkDestination(b *testing.B) {
	p := LLA{Lat: 25.9, Lon: -97.2}
	b.ReportAllocs()
	var s float64
	for b.Loop() {
		s += Destination(p, 67.5, 20000).Lat
	}
	_ = s
}

// Inverse gives exactly what Distance and Bearing give.
func TestInverseIsDistanceAndBearing(t *testing.T) {
	pts := []LLA{{26.07, -97.17, 0}, {25.9, -97.0, 0}, {48.3, -123.8, 0}, {48.3, -123.8, 0}, {-33, 151, 0}, {40, -74, 0}}
	for _, a := range pts {
		for _, b := range pts {
			d, br := Inverse(a, b)
			if d != Distance(a, b) || br != Bearing(a, b) {
				t.Errorf("%v → %v: Inverse %v %v, Distance %v Bearing %v", a, b, d, br, Distance(a, b), Bearing(a, b))
			}
		}
	}
}
