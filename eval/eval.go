// Package eval scores a tracker's output against ground truth exactly as
// ../shared/eval/metrics.py does (SPEC §8): the same epochs, the same
// rounding of times to 3 decimals and of figures to 2, the same GOSPA
// (cut-off c, order p, alpha = 2) with the same optimal assignment, the
// same track-management counts, and a Result whose JSON has metrics.py's
// keys, order and number formatting.
//
// Data flow: ReadFile/ReadFrames turn each CSV into Frames (rows grouped by
// rounded time, file order kept); Score walks the epochs T = 0, interval,
// 2·interval … up to the last truth time that truth.csv holds, builds the
// truth×track distance matrix per epoch, assigns with internal/lap (which
// reproduces SciPy's linear_sum_assignment, ties included), accumulates the
// per-epoch figures in Result.Epochs and reduces them as metrics.py does.
//
// Agreement with metrics.py: distances use a copy of glibc's hypot (which
// numpy.hypot calls), sums and means copy NumPy's pairwise summation, and
// rounding copies Python's round, so on the committed golden scenes
// (eval/testdata) every per-epoch GOSPA, every assigned pair and every
// reported figure, id_switches on exact ties included, is bit-identical.
// Residual sources of last-bit differences, none of which shows in a
// figure rounded to 0.01 unless its unrounded value lies within a few ulps
// of a rounding boundary:
//   - per-epoch GOSPA is math.Pow(x, 1/p); for p = 2 that is sqrt(x), while
//     metrics.py's x ** 0.5 calls libm pow, which differs from sqrt in the
//     last bit for about 1 value in 1,000 (none in the golden scenes);
//   - exponents p other than -1, 0, 0.5, 1, 2 use Go's math.Pow, not libm
//     pow (1.4e-14 on one golden figure with p = 3);
//   - loc_rms_per_assigned_steady is summed left to right as Python 3.11's
//     sum() does; Python 3.12 and later sum floats with compensation;
//   - metrics.py's results themselves depend on its platform's libm
//     (hypot, pow); the copy here is of glibc >= 2.35 on x86-64.
//
// Assignment ties (equal costs, e.g. a duplicated track, or several pairs
// clipped at c) are broken exactly as SciPy breaks them, because
// internal/lap follows SciPy's algorithm step by step and the cost matrix is
// bit-identical; id_switches and truths_with_multiple_track_ids therefore
// match even on ties. metrics.py's --check-stonesoup has no counterpart.
package eval

import (
	"errors"
	"fmt"
	"math"

	"github.com/vigia-project/vigia/internal/lap"
)

// Options are metrics.py's command-line options.
type Options struct {
	// C is the GOSPA cut-off distance in metres (--c, default 500).
	C float64
	// P is the GOSPA order (--p, default 2). loc_rms_per_assigned_steady is
	// only reported for P == 2.
	P float64
	// Interval is the spacing of scored epochs in seconds (--interval,
	// default 5): T = k·Interval, rounded to 3 decimals.
	Interval float64
	// Warmup is the time in seconds from which an epoch counts as steady
	// state (--warmup, default 60): T >= Warmup.
	Warmup float64
	// TMax, when not nil, scores only epochs T <= *TMax (--t-max).
	TMax *float64
}

// DefaultOptions returns metrics.py's defaults: c = 500 m, p = 2,
// interval 5 s, warm-up 60 s, no time limit.
func DefaultOptions() Options {
	return Options{C: 500, P: 2, Interval: 5, Warmup: 60}
}

// Epoch holds the figures of one scored epoch (metrics.py's per-epoch row).
type Epoch struct {
	// T is the epoch time in seconds.
	T float64
	// GOSPA is the epoch's GOSPA distance in metres.
	GOSPA float64
	// Loc is the localisation part: the sum of d^p over assigned pairs
	// closer than C.
	Loc float64
	// Missed is the number of truths without a track closer than C.
	Missed int
	// False is the number of tracks without a truth closer than C.
	False int
	// NTruth and NTracks count the truth and track rows at T.
	NTruth, NTracks int
}

// Result is what metrics.py prints. Its JSON (MarshalJSON) has metrics.py's
// keys in metrics.py's order, and figures rounded to 2 decimals as there; a
// mean over no epochs is NaN (printed as NaN, as Python's json does).
type Result struct {
	// C, P and Alpha are the GOSPA parameters (Alpha is always 2).
	C     float64 `json:"c"`
	P     float64 `json:"p"`
	Alpha int     `json:"alpha"`
	// NumEpochs is the number of scored epochs.
	NumEpochs int `json:"epochs"`
	// GOSPAMean is the mean GOSPA over all epochs.
	GOSPAMean float64 `json:"gospa_mean"`
	// GOSPAMeanSteady is the mean GOSPA over epochs with T >= Warmup.
	GOSPAMeanSteady float64 `json:"gospa_mean_steady"`
	// LocRMSPerAssignedSteady is sqrt(sum Loc / number of assigned pairs)
	// over steady epochs (the assigned count is taken as at least 1); nil
	// (null) unless P == 2.
	LocRMSPerAssignedSteady *float64 `json:"loc_rms_per_assigned_steady"`
	// GOSPAPerSqrtTruthSteady is the steady mean of GOSPA/sqrt(max(1, #truth)).
	GOSPAPerSqrtTruthSteady float64 `json:"gospa_per_sqrt_truth_steady"`
	// MissedMeanSteady and FalseMeanSteady are the steady means of the
	// missed and false counts.
	MissedMeanSteady float64 `json:"missed_mean_steady"`
	FalseMeanSteady  float64 `json:"false_mean_steady"`
	// NTruthMean is the mean number of truths over all epochs.
	NTruthMean float64 `json:"n_truth_mean"`
	// NTracksMeanSteady is the steady mean number of tracks.
	NTracksMeanSteady float64 `json:"n_tracks_mean_steady"`
	// IDSwitches counts assignments of a truth to a track id other than the
	// one it was last assigned to.
	IDSwitches int `json:"id_switches"`
	// TruthsWithMultipleTrackIDs counts truths assigned to more than one
	// track id over the run.
	TruthsWithMultipleTrackIDs int `json:"truths_with_multiple_track_ids"`
	// DistinctTrackIDs counts the track ids present at scored epochs.
	DistinctTrackIDs int `json:"distinct_track_ids"`
	// WarmupS is the warm-up time used, in seconds.
	WarmupS float64 `json:"warmup_s"`

	// Epochs holds the per-epoch figures, in time order (not in the JSON).
	Epochs []Epoch `json:"-"`
}

// ErrNoTruth is returned when truth.csv holds no rows.
var ErrNoTruth = errors.New("eval: truth has no rows")

// ScoreFiles reads tracks and truth files (".gz" allowed) and scores them.
func ScoreFiles(tracksPath, truthPath string, opt Options) (*Result, error) {
	truth, err := ReadFile(truthPath, TruthID)
	if err != nil {
		return nil, err
	}
	tracks, err := ReadFile(tracksPath, TrackID)
	if err != nil {
		return nil, err
	}
	return Score(tracks, truth, opt)
}

// Score computes metrics.py's figures for tracks against truth.
//
// Epochs are T = round(k·Interval, 3) for k = 0 … int(tEnd/Interval + 1e-9),
// where tEnd is the last truth time (or TMax if smaller), keeping only
// those at which truth has rows; an epoch without track rows has zero
// tracks. At each epoch the truths (rows) and tracks (columns) are assigned
// to minimise sum min(d, C)^P, d the planar distance; pairs with d >= C
// count as one missed plus one false, and
// GOSPA = (sum_{d<C} d^P + C^P/2 · (missed + false))^(1/P).
func Score(tracks, truth Frames, opt Options) (*Result, error) {
	return score(tracks, truth, opt, true)
}

// score is Score; with round false the figures keep full precision (tests
// compare them with metrics.py run without its rounding).
func score(tracks, truth Frames, opt Options, round bool) (*Result, error) {
	r2 := func(x float64) float64 {
		if round {
			return pyRound(x, 2)
		}
		return x
	}
	if len(truth) == 0 {
		return nil, ErrNoTruth
	}
	if !(opt.Interval > 0) {
		return nil, fmt.Errorf("eval: interval %v must be positive", opt.Interval)
	}
	tEnd := math.Inf(-1)
	for t := range truth {
		tEnd = math.Max(tEnd, t)
	}
	if opt.TMax != nil && *opt.TMax < tEnd { // Python's min(): a NaN TMax is ignored
		tEnd = *opt.TMax
	}
	kmax := tEnd/opt.Interval + 1e-9
	if kmax >= math.MaxInt32 {
		return nil, fmt.Errorf("eval: %.0f epochs are too many", kmax)
	}
	var times []float64
	for k := 0; k <= int(kmax); k++ {
		if T := pyRound(float64(k)*opt.Interval, 3); truth[T] != nil {
			times = append(times, T)
		}
	}

	res := &Result{C: opt.C, P: opt.P, Alpha: 2, WarmupS: opt.Warmup}
	g := gospaScorer{c: opt.C, p: opt.P}
	lastMatch := map[int64]int64{}
	idsPerTruth := map[int64]map[int64]struct{}{}
	allTrackIDs := map[int64]struct{}{}
	for _, T := range times {
		tr, tk := truth[T], tracks[T]
		e, err := g.epoch(tr, tk)
		if err != nil {
			return nil, fmt.Errorf("eval: epoch %v s: %w", T, err)
		}
		e.T = T
		for _, pr := range g.pairs {
			gid, kid := tr[pr[0]].ID, tk[pr[1]].ID
			if last, ok := lastMatch[gid]; ok && last != kid {
				res.IDSwitches++
			}
			lastMatch[gid] = kid
			s := idsPerTruth[gid]
			if s == nil {
				s = map[int64]struct{}{}
				idsPerTruth[gid] = s
			}
			s[kid] = struct{}{}
		}
		for _, o := range tk {
			allTrackIDs[o.ID] = struct{}{}
		}
		res.Epochs = append(res.Epochs, e)
	}
	for _, s := range idsPerTruth {
		if len(s) > 1 {
			res.TruthsWithMultipleTrackIDs++
		}
	}
	res.DistinctTrackIDs = len(allTrackIDs)
	res.NumEpochs = len(res.Epochs)

	steady := func(e Epoch) bool { return e.T >= opt.Warmup }
	all := func(Epoch) bool { return true }
	mean := func(f func(Epoch) float64, sel func(Epoch) bool) float64 {
		var v []float64
		for _, e := range res.Epochs {
			if sel(e) {
				v = append(v, f(e))
			}
		}
		return r2(npMean(v))
	}
	res.GOSPAMean = mean(func(e Epoch) float64 { return e.GOSPA }, all)
	res.GOSPAMeanSteady = mean(func(e Epoch) float64 { return e.GOSPA }, steady)
	if opt.P == 2 {
		// Python's built-in sum: left to right from 0.
		loc, assigned := 0.0, 0
		for _, e := range res.Epochs {
			if steady(e) {
				loc += e.Loc
				assigned += e.NTruth - e.Missed
			}
		}
		v := r2(math.Sqrt(loc / float64(max(1, assigned))))
		res.LocRMSPerAssignedSteady = &v
	}
	res.GOSPAPerSqrtTruthSteady = mean(func(e Epoch) float64 {
		return e.GOSPA / math.Sqrt(float64(max(1, e.NTruth)))
	}, steady)
	res.MissedMeanSteady = mean(func(e Epoch) float64 { return float64(e.Missed) }, steady)
	res.FalseMeanSteady = mean(func(e Epoch) float64 { return float64(e.False) }, steady)
	res.NTruthMean = mean(func(e Epoch) float64 { return float64(e.NTruth) }, all)
	res.NTracksMeanSteady = mean(func(e Epoch) float64 { return float64(e.NTracks) }, steady)
	return res, nil
}

// gospaScorer computes one epoch's GOSPA, reusing its buffers.
type gospaScorer struct {
	c, p   float64
	solver lap.Solver
	d      []float64 // distances, truth-major
	cost   []float64 // min(d, c)^p
	rowsol []int
	terms  []float64 // d^p of accepted pairs, in truth order
	pairs  [][2]int  // accepted (truth, track) index pairs, in truth order
}

// epoch is metrics.py's gospa(): it fills g.pairs with the assigned pairs
// closer than c, in truth order.
func (g *gospaScorer) epoch(truth, tracks []Object) (Epoch, error) {
	m, n := len(truth), len(tracks)
	e := Epoch{NTruth: m, NTracks: n}
	g.pairs = g.pairs[:0]
	cp := math.Pow(g.c, g.p)
	if m == 0 || n == 0 {
		e.GOSPA = math.Pow(0.5*cp*float64(m+n), 1/g.p)
		e.Missed, e.False = m, n
		return e, nil
	}
	g.d = grow(g.d, m*n)
	g.cost = grow(g.cost, m*n)
	for i, a := range truth {
		for j, b := range tracks {
			d := hypot(a.X-b.X, a.Y-b.Y)
			g.d[i*n+j] = d
			g.cost[i*n+j] = npPower(npMinimum(d, g.c), g.p)
		}
	}
	if cap(g.rowsol) < m {
		g.rowsol = make([]int, m)
	}
	g.rowsol = g.rowsol[:m]
	if _, err := g.solver.Solve(g.cost, m, n, g.rowsol); err != nil {
		return e, err
	}
	g.terms = g.terms[:0]
	for i, j := range g.rowsol {
		if j >= 0 && g.d[i*n+j] < g.c {
			g.terms = append(g.terms, npPower(g.d[i*n+j], g.p))
			g.pairs = append(g.pairs, [2]int{i, j})
		}
	}
	e.Loc = npSum(g.terms)
	k := len(g.pairs)
	e.Missed, e.False = m-k, n-k
	e.GOSPA = math.Pow(e.Loc+float64(0.5*cp*float64(e.Missed+e.False)), 1/g.p)
	return e, nil
}

// npMinimum is numpy.minimum: NaN propagates.
func npMinimum(a, b float64) float64 {
	if a != a || a < b {
		return a
	}
	return b
}

func grow(b []float64, n int) []float64 {
	if cap(b) < n {
		return make([]float64, n)
	}
	return b[:n]
}
