package geo

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Surface agrees with PolarToLLA's surface case (no elevation, altitude 0),
// converted to the same plane, to a millimetre, for coastal radars, masts,
// aerostats and aircraft, at every range and bearing; and gives up where
// PolarToLLA clamps (a range shorter than the height).
func TestSurfaceMatchesPolarToLLA(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	frame := NewFrame(LLA{Lat: 26, Lon: -97.1})
	worst := 0.0
	for i := range 20000 {
		s := LLA{Lat: -70 + 140*rng.Float64(), Lon: -180 + 360*rng.Float64()}
		if i%2 == 0 {
			s = LLA{Lat: 25.5 + rng.Float64(), Lon: -97.5 + rng.Float64()} // in the frame's region
		}
		switch i % 4 {
		case 0:
			s.Alt = 30
		case 1:
			s.Alt = 600 + rng.Float64()*4000 // aerostat, aircraft
		case 2:
			s.Alt = rng.Float64() * 100
		case 3:
			s.Alt = -5 + rng.Float64()*10
		}
		r := 50 + rng.Float64()*400000
		if i%3 == 0 {
			r = 50 + rng.Float64()*60000
		}
		b := rng.Float64() * 360
		ps := NewPolarSensor(s)
		x, ok := ps.Surface(r, b)
		ref := PolarToLLA(s, Polar{Range: r, Bearing: b}, false, 0)
		if !ok {
			if r > math.Abs(s.Alt)+1 && !math.IsNaN(ref.Lat) && math.Abs(ref.Alt) < 1e-3 {
				t.Fatalf("sensor %+v range %.1f bearing %.2f: no surface point, PolarToLLA gives %+v", s, r, b, ref)
			}
			continue
		}
		if math.Abs(ref.Alt) > 1e-3 {
			t.Fatalf("sensor %+v range %.1f: surface point found where PolarToLLA gives altitude %.3f", s, r, ref.Alt)
		}
		ref.Alt = 0
		d := math.Sqrt(sq(x[0]-ToECEF(ref)[0]) + sq(x[1]-ToECEF(ref)[1]) + sq(x[2]-ToECEF(ref)[2]))
		worst = max(worst, d)
		if d > 1e-3 {
			t.Fatalf("sensor %+v range %.1f bearing %.2f: %.4f m from PolarToLLA", s, r, b, d)
		}
		if i%2 == 0 {
			e1, n1, _ := frame.ECEFToENU(x)
			e2, n2, _ := frame.ToENU(ref)
			if math.Hypot(e1-e2, n1-n2) > 1e-3 {
				t.Fatalf("in the plane: %.4f m apart", math.Hypot(e1-e2, n1-n2))
			}
		}
	}
	t.Logf("worst distance from PolarToLLA: %.2g m", worst)
	// Straight down, and bad input.
	ps := NewPolarSensor(LLA{Lat: 26, Lon: -97, Alt: 500})
	for _, c := range []struct{ r, b float64 }{{400, 10}, {0, 10}, {-1, 10}, {math.NaN(), 10}, {1000, math.Inf(1)}} {
		if _, ok := ps.Surface(c.r, c.b); ok {
			t.Errorf("range %v bearing %v: a surface point", c.r, c.b)
		}
	}
	if _, ok := NewPolarSensor(LLA{Lat: math.NaN()}).Surface(1000, 0); ok {
		t.Error("a surface point from a sensor at NaN")
	}
}

func sq(v float64) float64 { return v * v }

func BenchmarkSurface(b *testing.B) {
	s := LLA{Lat: 26.0725, Lon: -97.1675, Alt: 30}
	ps := NewPolarSensor(s)
	frame := NewFrame(LLA{Lat: 26, Lon: -97.1})
	var sink float64
	for i := 0; b.Loop(); i++ {
		x, _ := ps.Surface(5000+float64(i%40000), float64(i%360))
		e, n, _ := frame.ECEFToENU(x)
		sink += e + n
	}
	_ = sink
}
