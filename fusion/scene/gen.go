package scene

import (
	"math"
	"math/rand/v2"

	"github.com/vigia-project/vigia/fusion"
)

// GenOptions describe a synthetic scene made in Go, for tests and
// benchmarks that must not need Python: the same sensor models as
// ../shared/eval/gen_scenario.py's coastal radar (fixed at the origin, a
// scan every 2.5 s, range 65 km, σ 25 m and 0.15°, Pd 0.9), vessels at 5–40
// kn with coordinated turns, and uniform clutter.
type GenOptions struct {
	Targets  int
	Clutter  float64 // mean false detections per scan
	Duration float64 // s
	Seed     uint64
	// TurnEvery is the mean time between turns of a target (s); TurnRate the turn rate (deg/s), TurnFor how long (s).
	TurnEvery, TurnRate, TurnFor float64
	// Extent is the half-width of the square the targets start in (m, default 30 km).
	Extent float64
	// RangeM is the radar's coverage (default 65 km; negative: unlimited).
	RangeM float64
	// SigmaM, when set, replaces the radar's polar noise by a circular
	// position noise of this standard deviation (m), the same at any range:
	// scaling benchmarks over large areas keep the same gate sizes.
	SigmaM float64
}

// TruthState is one target's true state at one time.
type TruthState struct {
	ID           int
	X, Y, VX, VY float64
	Turning      bool
}

// Generated is a synthetic scene: its scans and its truth at every scan time.
type Generated struct {
	Scenario *Scenario
	Scans    []Scan
	// Truth[k] holds every target's state at Scans[k].Time.
	Truth [][]TruthState
}

// Generate makes a deterministic synthetic scene.
func Generate(o GenOptions) *Generated {
	if o.Duration <= 0 {
		o.Duration = 600
	}
	if o.TurnRate == 0 {
		o.TurnRate = 1.5
	}
	if o.TurnFor == 0 {
		o.TurnFor = 40
	}
	if o.TurnEvery == 0 {
		o.TurnEvery = 180
	}
	if o.Extent == 0 {
		o.Extent = 30000
	}
	maxR := o.RangeM
	if maxR == 0 {
		maxR = 65000
	}
	if maxR < 0 {
		maxR = math.Inf(1)
	}
	const (
		period  = 2.5
		sigR    = 25.0
		sigB    = 0.15 * math.Pi / 180
		pd      = 0.9
		cy      = 35000.0 // the targets' square is centred 35 km north of the radar
		knot    = 0.514444
		simStep = 0.5
	)
	rng := rand.New(rand.NewPCG(o.Seed, 0x5ce4e))
	type tgt struct {
		x, y, speed, heading, omega, turnLeft float64
	}
	ts := make([]tgt, o.Targets)
	for i := range ts {
		ts[i] = tgt{x: (rng.Float64()*2 - 1) * o.Extent, y: cy + (rng.Float64()*2-1)*o.Extent,
			speed: (5 + rng.Float64()*35) * knot, heading: rng.Float64() * 2 * math.Pi}
	}
	sc := &Scenario{DurationS: o.Duration}
	sc.Sensors = append(sc.Sensors, struct {
		Name       string  `json:"name"`
		Kind       string  `json:"kind"`
		MaxRangeM  float64 `json:"max_range_m"`
		Pd         float64 `json:"pd"`
		SigmaRange float64 `json:"sigma_range_m"`
		SigmaBrg   float64 `json:"sigma_bearing_deg"`
	}{Name: "coastal", Kind: "fixed", MaxRangeM: math.Min(maxR, 0), Pd: pd, SigmaRange: sigR, SigmaBrg: 0.15})
	if !math.IsInf(maxR, 1) {
		sc.Sensors[0].MaxRangeM = maxR
	}
	g := &Generated{Scenario: sc}
	nextScan := 0.0
	for t := 0.0; t <= o.Duration+1e-9; t += simStep {
		if t >= nextScan-1e-9 {
			nextScan += period
			s := Scan{Time: t, Sensor: "coastal", ID: len(g.Scans)}
			truth := make([]TruthState, len(ts))
			for i := range ts {
				tg := &ts[i]
				truth[i] = TruthState{ID: i, X: tg.x, Y: tg.y, VX: tg.speed * math.Cos(tg.heading), VY: tg.speed * math.Sin(tg.heading), Turning: tg.turnLeft > 0}
				r := math.Hypot(tg.x, tg.y)
				if r > maxR || rng.Float64() >= pd {
					continue
				}
				if o.SigmaM > 0 {
					v := o.SigmaM * o.SigmaM
					s.Plots = append(s.Plots, fusion.Plot{E: tg.x + o.SigmaM*rng.NormFloat64(), N: tg.y + o.SigmaM*rng.NormFloat64(),
						R: [2][2]float64{{v, 0}, {0, v}}})
				} else {
					rm := r + sigR*rng.NormFloat64()
					bm := math.Atan2(tg.y, tg.x) + sigB*rng.NormFloat64()
					s.Plots = append(s.Plots, polarPlot(rm, bm, sigR, sigB))
				}
				s.TruthIDs = append(s.TruthIDs, i)
			}
			for n := poisson(rng, o.Clutter); n > 0; n-- {
				x := (rng.Float64()*2 - 1) * (o.Extent + 10000)
				y := cy + (rng.Float64()*2-1)*(o.Extent+10000)
				s.Plots = append(s.Plots, polarPlot(math.Hypot(x, y), math.Atan2(y, x), sigR, sigB))
				s.TruthIDs = append(s.TruthIDs, -1)
			}
			rng.Shuffle(len(s.Plots), func(a, b int) {
				s.Plots[a], s.Plots[b] = s.Plots[b], s.Plots[a]
				s.TruthIDs[a], s.TruthIDs[b] = s.TruthIDs[b], s.TruthIDs[a]
			})
			g.Scans = append(g.Scans, s)
			g.Truth = append(g.Truth, truth)
		}
		for i := range ts {
			tg := &ts[i]
			if tg.turnLeft <= 0 && rng.Float64() < simStep/o.TurnEvery {
				tg.turnLeft = o.TurnFor
				tg.omega = o.TurnRate * math.Pi / 180
				if rng.Float64() < 0.5 {
					tg.omega = -tg.omega
				}
			}
			w := 0.0
			if tg.turnLeft > 0 {
				w = tg.omega
				tg.turnLeft -= simStep
			}
			if w == 0 {
				tg.x += tg.speed * math.Cos(tg.heading) * simStep
				tg.y += tg.speed * math.Sin(tg.heading) * simStep
			} else {
				h1 := tg.heading + w*simStep
				tg.x += tg.speed / w * (math.Sin(h1) - math.Sin(tg.heading))
				tg.y += tg.speed / w * (math.Cos(tg.heading) - math.Cos(h1))
				tg.heading = h1
			}
		}
	}
	return g
}

// polarPlot converts a range/bearing (radians from east) measurement at the
// origin to a plot with its converted covariance.
func polarPlot(r, b, sr, sb float64) fusion.Plot {
	s, c := math.Sincos(b)
	x, y := r*c, r*s
	// J = [[c, −r s], [s, r c]]
	cxx := c*c*sr*sr + r*r*s*s*sb*sb
	cyy := s*s*sr*sr + r*r*c*c*sb*sb
	cxy := c*s*sr*sr - r*r*s*c*sb*sb
	return fusion.Plot{E: x, N: y, R: [2][2]float64{{cxx, cxy}, {cxy, cyy}}}
}

func poisson(rng *rand.Rand, mu float64) int {
	if mu <= 0 {
		return 0
	}
	l, k, p := math.Exp(-mu), 0, 1.0
	for {
		p *= rng.Float64()
		if p < l {
			return k
		}
		k++
	}
}
