package intercept

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/vigia-project/vigia/geo"
)

func TestSolve(t *testing.T) {
	type vec = [2]float64
	tests := []struct {
		name   string
		a      vec
		s, d   float64
		p, v   vec
		ok     bool
		T      float64
		point  vec
		course float64
	}{
		{
			// Closing speed 10+15 = 25 m/s over 20 km: T = 20000/25 = 800 s;
			// the target has run 800·10 = 8000 m south: (0, 12000) = 15·800 north.
			name: "head-on", s: 15, p: vec{0, 20000}, v: vec{0, -10},
			ok: true, T: 800, point: vec{0, 12000}, course: 0,
		},
		{
			// Meet at (9000, 12000): the asset runs √(9000²+12000²) = 15000 m
			// = 15·1000 s; the target runs 19000−9000 = 10000 m = 10·1000 s.
			// Other root: product of roots C/A = (19000²+12000²)/(100−225)
			// = −4.04e6, so it is −4040 s < 0. Course atan2(9000,12000) = 36.8699°.
			name: "crossing", s: 15, p: vec{19000, 12000}, v: vec{-10, 0},
			ok: true, T: 1000, point: vec{9000, 12000}, course: 36.86989764584402,
		},
		{
			// Gap 10000 m closed at 15−10 = 5 m/s: T = 2000 s; the target
			// is then at 5000 + 2000·10 = 25000 m east.
			name: "stern chase", a: vec{-5000, 0}, s: 15, p: vec{5000, 0}, v: vec{10, 0},
			ok: true, T: 2000, point: vec{25000, 0}, course: 90,
		},
		{
			// Target 10 km north running north at 20 > 15 m/s: the gap only
			// grows (A = 400−225 > 0, h = 200000 > 0, C > 0: both roots < 0).
			name: "cannot catch: faster target running away", s: 15, p: vec{0, 10000}, v: vec{0, 20},
			ok: false,
		},
		{
			// A faster target coming straight at the asset: closing at
			// 20+15 = 35 m/s, T = 20000/35 = 571.4286 s; the asset has
			// run 15·T = 8571.43 m north.
			name: "faster target approaching", s: 15, p: vec{0, 20000}, v: vec{0, -20},
			ok: true, T: 20000.0 / 35, point: vec{0, 20000 - 20*20000.0/35}, course: 0,
		},
		{
			// Target at (−1000+30T, 10000), asset reach 10T:
			// (30T−1000)² + 1e8 = 100T² → 800T² − 60000T + 1.01e8 = 0,
			// discriminant/4 = 9e8 − 800·1.01e8 < 0: never in reach.
			name: "cannot catch: fast crossing target far ahead", s: 10, p: vec{-1000, 10000}, v: vec{30, 0},
			ok: false,
		},
		{
			// Equal speeds head-on: closing 30 m/s, T = 20000/30 = 666.667 s,
			// the asset runs 15·T = 10000 m: (0, 10000).
			name: "equal speeds head-on", s: 15, p: vec{0, 20000}, v: vec{0, -15},
			ok: true, T: 20000.0 / 30, point: vec{0, 10000}, course: 0,
		},
		{
			// Equal speeds crossing: linear 2hT + C = 0 with h = r·v =
			// −10000·15 = −150000, C = 2e8: T = 2e8/3e5 = 666.667 s; the
			// target is at (−10000+10000, 10000) = (0, 10000), 15·T from the asset.
			name: "equal speeds crossing", s: 15, p: vec{-10000, 10000}, v: vec{15, 0},
			ok: true, T: 2e8 / 3e5, point: vec{0, 10000}, course: 0,
		},
		{
			// Equal speeds, |(−9,−12)| = 15, target 5000 m away on the line
			// 3-4-5 coming straight in: T = 5000/30 = 166.667 s, point
			// (3000−9T, 4000−12T) = (1500, 2000), course atan2(3,4) = 36.8699°.
			name: "equal speeds diagonal approaching", s: 15, p: vec{3000, 4000}, v: vec{-9, -12},
			ok: true, T: 5000.0 / 30, point: vec{1500, 2000}, course: 36.86989764584402,
		},
		{
			// Equal speeds, target running straight away: the gap stays
			// 10000 m forever (h = 150000 > 0: linear root negative).
			name: "equal speeds running away", s: 15, p: vec{0, 10000}, v: vec{0, 15},
			ok: false,
		},
		{
			// Same, diagonally: |(9,12)| = 15.
			name: "equal speeds diagonal running away", s: 15, p: vec{3000, 4000}, v: vec{9, 12},
			ok: false,
		},
		{
			// Head-on with 300 s delay: 20000 − 10T = 15(T − 300)
			// → 25T = 24500 → T = 980 s, point (0, 20000−9800) = (0, 10200)
			// = 15·680 north.
			name: "head-on with delay", s: 15, d: 300, p: vec{0, 20000}, v: vec{0, -10},
			ok: true, T: 980, point: vec{0, 10200}, course: 0,
		},
		{
			// Target starts on the asset running north at 10; the asset leaves
			// 300 s later at 15: 15(T − 300) = 10T → T = 900 s, point (0, 9000).
			name: "delay, stern chase from the asset", s: 15, d: 300, v: vec{0, 10},
			ok: true, T: 900, point: vec{0, 9000}, course: 0,
		},
		{
			// The target (3000 m north, south at 10 m/s) passes over the asset
			// exactly as it leaves at 300 s: T = 300 s, point (0, 0), no move.
			name: "target over the asset at departure", s: 15, d: 300, p: vec{0, 3000}, v: vec{0, -10},
			ok: true, T: 300, point: vec{0, 0}, course: 0,
		},
		{
			// Faster target 5000 m north coming south at 20 m/s: with no delay
			// T = 5000/35 = 142.857 s, point (0, 5000−20T) = (0, 2142.86).
			name: "faster target, no delay", s: 15, p: vec{0, 5000}, v: vec{0, -20},
			ok: true, T: 5000.0 / 35, point: vec{0, 5000 - 20*5000.0/35}, course: 0,
		},
		{
			// Same with 300 s delay: at 300 s the target is 1000 m south and
			// running away at 20 > 15 m/s: never.
			name: "faster target, delay too long", s: 15, d: 300, p: vec{0, 5000}, v: vec{0, -20},
			ok: false,
		},
		{
			// Target on the asset, no delay: T = 0 there.
			name: "target at the asset", a: vec{100, 200}, s: 10, p: vec{100, 200}, v: vec{3, 4},
			ok: true, T: 0, point: vec{100, 200}, course: 0,
		},
		{
			// Stationary target 5 km west, no delay: T = 5000/10 = 500 s, course 270.
			name: "stationary target", s: 10, p: vec{-5000, 0},
			ok: true, T: 500, point: vec{-5000, 0}, course: 270,
		},
		{name: "zero speed", s: 0, p: vec{0, 1000}, ok: false},
		{name: "negative speed", s: -5, p: vec{0, 1000}, ok: false},
		{name: "negative delay", s: 5, d: -1, p: vec{0, 1000}, ok: false},
		{name: "NaN position", s: 5, p: vec{math.NaN(), 1000}, ok: false},
		{name: "Inf velocity", s: 5, p: vec{0, 1000}, v: vec{math.Inf(1), 0}, ok: false},
		{name: "NaN speed", s: math.NaN(), p: vec{0, 1000}, ok: false},
		{name: "Inf delay", s: 5, d: math.Inf(1), p: vec{0, 1000}, ok: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Solve(tc.a, tc.s, tc.d, tc.p, tc.v)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v (got %+v)", ok, tc.ok, got)
			}
			if !ok {
				if got != (Solution{}) {
					t.Errorf("not ok but solution %+v", got)
				}
				return
			}
			if math.Abs(got.T-tc.T) > 1 {
				t.Errorf("T = %.3f s, want %.3f", got.T, tc.T)
			}
			if d := math.Hypot(got.Point[0]-tc.point[0], got.Point[1]-tc.point[1]); d > 1 {
				t.Errorf("point = %.3f, want %.3f (off by %.3f m)", got.Point, tc.point, d)
			}
			if d := math.Abs(math.Remainder(got.CourseDeg-tc.course, 360)); d > 1e-6 {
				t.Errorf("course = %.6f°, want %.6f°", got.CourseDeg, tc.course)
			}
			if got.CourseDeg < 0 || got.CourseDeg >= 360 {
				t.Errorf("course %v out of [0, 360)", got.CourseDeg)
			}
		})
	}
}

// gap is how far the asset, leaving a at d and running at s, still is from
// the target at time t (positive: out of reach).
func gap(a [2]float64, s, d float64, p, v [2]float64, t float64) float64 {
	return math.Hypot(p[0]+v[0]*t-a[0], p[1]+v[1]*t-a[1]) - s*(t-d)
}

func TestSolveProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	const scan = 400
	var oks, fails int
	for i := 0; i < n; i++ {
		u := func(lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }
		a := [2]float64{u(-50e3, 50e3), u(-50e3, 50e3)}
		p := [2]float64{u(-50e3, 50e3), u(-50e3, 50e3)}
		v := [2]float64{u(-30, 30), u(-30, 30)}
		s := u(0.5, 40)
		d := 0.0
		if rng.IntN(2) == 0 {
			d = u(0, 2000)
		}
		switch rng.IntN(10) {
		case 0: // equal speeds
			s = math.Hypot(v[0], v[1])
			if s == 0 {
				s = 1
			}
		case 1: // target at the asset
			p = a
		}
		sol, ok := Solve(a, s, d, p, v)
		// Scale for relative tolerances: the largest distance involved.
		scale := math.Max(1, math.Hypot(p[0]-a[0], p[1]-a[1]))
		if !ok {
			fails++
			// Never within reach: scan a long horizon.
			H := d + 100*scale/s
			for k := 0; k <= scan; k++ {
				tt := d + (H-d)*float64(k)/scan
				if g := gap(a, s, d, p, v, tt); g < -1e-6*math.Max(scale, s*tt) {
					t.Fatalf("case %d: not ok, but at t=%v the asset is %v m past the target (a=%v s=%v d=%v p=%v v=%v)",
						i, tt, -g, a, s, d, p, v)
				}
			}
			continue
		}
		oks++
		if !finite(sol.T, sol.Point[0], sol.Point[1], sol.CourseDeg) || sol.T < d {
			t.Fatalf("case %d: bad solution %+v for d=%v", i, sol, d)
		}
		scale = math.Max(scale, s*sol.T)
		// Both are at Point at T.
		tp := [2]float64{p[0] + v[0]*sol.T, p[1] + v[1]*sol.T}
		if math.Hypot(tp[0]-sol.Point[0], tp[1]-sol.Point[1]) > 1e-9*scale {
			t.Fatalf("case %d: point %v but target at %v", i, sol.Point, tp)
		}
		run := math.Hypot(sol.Point[0]-a[0], sol.Point[1]-a[1])
		if math.Abs(run-s*(sol.T-d)) > 1e-6*scale {
			t.Fatalf("case %d: asset runs %v m but can run %v m by T=%v (a=%v s=%v d=%v p=%v v=%v)",
				i, run, s*(sol.T-d), sol.T, a, s, d, p, v)
		}
		// No earlier T' ≥ d in reach.
		for k := 0; k < scan; k++ {
			tt := d + (sol.T-d)*float64(k)/scan
			if g := gap(a, s, d, p, v, tt); g < -1e-6*scale {
				t.Fatalf("case %d: earlier intercept at %v < T=%v (gap %v) (a=%v s=%v d=%v p=%v v=%v)",
					i, tt, sol.T, g, a, s, d, p, v)
			}
		}
	}
	if oks == 0 || fails == 0 {
		t.Errorf("unbalanced random cases: %d ok, %d not", oks, fails)
	}
	t.Logf("%d cases: %d intercepts, %d cannot catch", n, oks, fails)
}

func FuzzSolve(f *testing.F) {
	f.Add(0.0, 0.0, 15.0, 0.0, 0.0, 20000.0, 0.0, -10.0)
	f.Add(-5000.0, 0.0, 15.0, 300.0, 5000.0, 0.0, 10.0, 0.0)
	f.Add(0.0, 0.0, 15.0, 0.0, 0.0, 10000.0, 0.0, 15.0)
	f.Add(0.0, 0.0, 15.0, 0.0, 3000.0, 4000.0, -9.0, -12.0)
	f.Add(1e300, -1e300, 1e-300, 1e300, 1e308, 1e-308, 1e200, -1e200)
	f.Add(0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0)
	f.Fuzz(func(t *testing.T, ax, ay, s, d, px, py, vx, vy float64) {
		a, p, v := [2]float64{ax, ay}, [2]float64{px, py}, [2]float64{vx, vy}
		sol, ok := Solve(a, s, d, p, v)
		if !ok {
			return
		}
		if !finite(sol.T, sol.Point[0], sol.Point[1], sol.CourseDeg) {
			t.Fatalf("ok with non-finite solution %+v", sol)
		}
		if sol.T < d {
			t.Fatalf("T = %v before the delay %v", sol.T, d)
		}
		if sol.CourseDeg < 0 || sol.CourseDeg >= 360 {
			t.Fatalf("course %v out of [0, 360)", sol.CourseDeg)
		}
	})
}

func TestPlanHeadOn(t *testing.T) {
	// The head-on case on the earth: asset 20 km due south of a target that
	// runs south at 10 m/s; asset 15 m/s, no delay. Flat answer: T = 800 s,
	// 12000 m north of the asset, course 0.
	target := geo.LLA{Lat: 43.5, Lon: -9.2}
	asset := geo.Destination(target, 180, 20000)
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	pl, ok := Plan(asset, 15, 0, target, 0, -10, t0)
	if !ok {
		t.Fatal("not ok")
	}
	if dt := pl.At.Sub(t0).Seconds(); math.Abs(dt-800) > 1 {
		t.Errorf("At = t0 + %.3f s, want 800", dt)
	}
	if math.Abs(pl.Distance-12000) > 1 {
		t.Errorf("Distance = %.3f m, want 12000", pl.Distance)
	}
	if d := math.Abs(math.Remainder(pl.CourseDeg, 360)); d > 0.01 {
		t.Errorf("course = %.4f°, want 0", pl.CourseDeg)
	}
	if d := geo.Distance(pl.Point, geo.Destination(asset, 0, 12000)); d > 1 {
		t.Errorf("point %+v is %.3f m from 12 km north of the asset", pl.Point, d)
	}
}

func TestPlanGeodesic(t *testing.T) {
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name          string
		target        geo.LLA
		rangeM, brg   float64 // asset relative to target
		speed         float64
		delay         time.Duration
		vEast, vNorth float64
	}{
		{"Galicia crossing", geo.LLA{Lat: 43.5, Lon: -9.2}, 30000, 200, 20, 10 * time.Minute, 5, -8},
		{"Canaries stern chase", geo.LLA{Lat: 28.1, Lon: -15.4}, 25000, 270, 25, 5 * time.Minute, 9, 0},
		{"North Cape head-on", geo.LLA{Lat: 71.2, Lon: 25.8}, 30000, 45, 18, 0, 7, 7},
		{"antimeridian", geo.LLA{Lat: -17.7, Lon: 179.95}, 28000, 100, 15, 2 * time.Minute, 6, 3},
		{"southern, aircraft asset", geo.LLA{Lat: -34.9, Lon: 18.3}, 35000, 330, 60, 15 * time.Minute, -4, 10},
		{"equator slow target", geo.LLA{Lat: 0.2, Lon: 6.7}, 30000, 10, 12, 0, 0.5, 0.5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			asset := geo.Destination(tc.target, tc.brg, tc.rangeM)
			pl, ok := Plan(asset, tc.speed, tc.delay, tc.target, tc.vEast, tc.vNorth, t0)
			if !ok {
				t.Fatal("not ok")
			}
			T := pl.At.Sub(t0).Seconds()
			if T < tc.delay.Seconds() {
				t.Fatalf("intercept at %v s, before the delay %v", T, tc.delay)
			}
			run := geo.Distance(asset, pl.Point)
			if want := tc.speed * (T - tc.delay.Seconds()); math.Abs(run-want) > 1 {
				t.Errorf("asset runs %.3f m (geodesic), speed·(T−delay) = %.3f m", run, want)
			}
			t.Logf("T=%.1f s, asset runs %.1f m (residual %.3f m), target runs %.1f m (residual %.3f m)",
				T, run, run-tc.speed*(T-tc.delay.Seconds()), geo.Distance(tc.target, pl.Point),
				geo.Distance(tc.target, pl.Point)-math.Hypot(tc.vEast, tc.vNorth)*T)
			if math.Abs(pl.Distance-run) > 1e-6 {
				t.Errorf("Distance %.3f, geodesic %.3f", pl.Distance, run)
			}
			trun := geo.Distance(tc.target, pl.Point)
			if want := math.Hypot(tc.vEast, tc.vNorth) * T; math.Abs(trun-want) > 1 {
				t.Errorf("target runs %.3f m (geodesic), |v|·T = %.3f m", trun, want)
			}
			// The course leads there.
			if d := geo.Distance(geo.Destination(asset, pl.CourseDeg, pl.Distance), pl.Point); d > 1 {
				t.Errorf("course %.3f° for %.0f m misses the point by %.3f m", pl.CourseDeg, pl.Distance, d)
			}
			if pl.Point.Alt != tc.target.Alt {
				t.Errorf("altitude %v, want the target's %v", pl.Point.Alt, tc.target.Alt)
			}
		})
	}
}

func TestPlanRejects(t *testing.T) {
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	target := geo.LLA{Lat: 43.5, Lon: -9.2}
	asset := geo.Destination(target, 180, 20000)
	if _, ok := Plan(asset, 15, 0, target, 0, 20, t0); ok {
		t.Error("faster target running away: ok")
	}
	if _, ok := Plan(asset, 0, 0, target, 0, 0, t0); ok {
		t.Error("zero speed: ok")
	}
	if _, ok := Plan(geo.LLA{Lat: math.NaN()}, 15, 0, target, 0, 0, t0); ok {
		t.Error("NaN asset: ok")
	}
	if _, ok := Plan(asset, 15, -time.Second, target, 0, 0, t0); ok {
		t.Error("negative delay: ok")
	}
	// A stern chase at 1 mm/s of overtaking speed over 20 km takes 2e7 s
	// (fine); at 1e-12 m/s it would overflow time.Duration.
	if _, ok := Plan(asset, 10+1e-3, 0, target, 0, 10, t0); !ok {
		t.Error("slow stern chase: not ok")
	}
	if _, ok := Plan(asset, 1e-9, 0, target, 0, 0, t0); ok {
		t.Error("intercept centuries away: ok")
	}
}
