package eval

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// goldens are scenes scored by ../shared/eval/metrics.py; see testdata/README.md.
var goldens = []struct {
	name, tracks, truth string
	opt                 func(*Options)
	out                 string // metrics.py stdout: .metrics.json (--json) or .metrics.txt
}{
	{"s20_seed1_perfect", "s20_seed1_tracks_perfect", "s20_seed1_truth", nil, "s20_seed1_perfect.metrics.json"},
	{"s20_seed1_noisy", "s20_seed1_tracks_noisy", "s20_seed1_truth", nil, "s20_seed1_noisy.metrics.json"},
	{"s20_seed2_perfect", "s20_seed2_tracks_perfect", "s20_seed2_truth", nil, "s20_seed2_perfect.metrics.json"},
	{"s20_seed2_noisy", "s20_seed2_tracks_noisy", "s20_seed2_truth", nil, "s20_seed2_noisy.metrics.json"},
	{"s100_seed1_perfect", "s100_seed1_tracks_perfect", "s100_seed1_truth5s", nil, "s100_seed1_perfect.metrics.json"},
	{"s100_seed1_noisy", "s100_seed1_tracks_noisy", "s100_seed1_truth5s", nil, "s100_seed1_noisy.metrics.json"},
	{"s20_seed2_noisy_c100_p1_w0_i10", "s20_seed2_tracks_noisy", "s20_seed2_truth",
		func(o *Options) { o.C, o.P, o.Warmup, o.Interval = 100, 1, 0, 10 },
		"s20_seed2_noisy_c100_p1_w0_i10.metrics.json"},
	{"s20_seed2_perfect_tmax300_w1000", "s20_seed2_tracks_perfect", "s20_seed2_truth",
		func(o *Options) { t := 300.0; o.TMax, o.Warmup = &t, 1000 },
		"s20_seed2_perfect_tmax300_w1000.metrics.json"},
	{"s20_seed1_noisy_c250_p3_i2.5_w30", "s20_seed1_tracks_noisy", "s20_seed1_truth",
		func(o *Options) { o.C, o.P, o.Interval, o.Warmup = 250, 3, 2.5, 30 },
		"s20_seed1_noisy_c250_p3_i2.5_w30.metrics.txt"},
}

// parsePyJSON decodes metrics.py's JSON, whose NaN is not JSON.
func parsePyJSON(t *testing.T, b []byte) (map[string]any, []string) {
	t.Helper()
	b = bytes.ReplaceAll(bytes.TrimSpace(b), []byte("NaN"), []byte(`"NaN"`))
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	// Key order, from the token stream.
	var keys []string
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.Token()
	for dec.More() {
		k, _ := dec.Token()
		keys = append(keys, k.(string))
		var v any
		dec.Decode(&v)
	}
	return m, keys
}

func num(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case string:
		if x == "NaN" {
			return math.NaN(), true
		}
	}
	return 0, false
}

// compareFields checks every key of want against got to tol and records the
// largest absolute difference per key in maxDiff.
func compareFields(t *testing.T, got, want []byte, tol float64, maxDiff map[string]float64) {
	t.Helper()
	g, gk := parsePyJSON(t, got)
	w, wk := parsePyJSON(t, want)
	if strings.Join(gk, ",") != strings.Join(wk, ",") {
		t.Fatalf("keys\n got %v\nwant %v", gk, wk)
	}
	for _, k := range wk {
		if w[k] == nil || g[k] == nil {
			if w[k] != nil || g[k] != nil {
				t.Errorf("%s: got %v, want %v", k, g[k], w[k])
			}
			continue
		}
		gv, ok1 := num(g[k])
		wv, ok2 := num(w[k])
		if !ok1 || !ok2 {
			t.Fatalf("%s: not numbers: %v %v", k, g[k], w[k])
		}
		if math.IsNaN(gv) || math.IsNaN(wv) {
			if !(math.IsNaN(gv) && math.IsNaN(wv)) {
				t.Errorf("%s: got %v, want %v", k, gv, wv)
			}
			continue
		}
		d := math.Abs(gv - wv)
		if d > tol {
			t.Errorf("%s: got %v, want %v (|diff| %g)", k, gv, wv, d)
		}
		if d > 0 && d <= tol {
			t.Logf("%s: |diff| %g (got %v, want %v)", k, d, gv, wv)
		}
		maxDiff[k] = math.Max(maxDiff[k], d)
	}
}

func logMax(t *testing.T, what string, maxDiff map[string]float64) {
	keys := make([]string, 0, len(maxDiff))
	for k := range maxDiff {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("%s max |Go - metrics.py| %-32s %g", what, k, maxDiff[k])
	}
}

// TestGoldenMetrics scores the committed scenes and requires metrics.py's
// output: every figure to 1e-6 and, beyond that, the identical text.
func TestGoldenMetrics(t *testing.T) {
	maxDiff := map[string]float64{}
	for _, g := range goldens {
		t.Run(g.name, func(t *testing.T) {
			opt := DefaultOptions()
			if g.opt != nil {
				g.opt(&opt)
			}
			res, err := ScoreFiles(filepath.Join("testdata", g.tracks+".csv.gz"),
				filepath.Join("testdata", g.truth+".csv.gz"), opt)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join("testdata", g.out))
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasSuffix(g.out, ".txt") {
				var b bytes.Buffer
				if err := res.WriteText(&b); err != nil {
					t.Fatal(err)
				}
				if b.String() != string(want) {
					t.Fatalf("text output\n got:\n%s\nwant:\n%s", b.String(), want)
				}
				return
			}
			var got bytes.Buffer
			if err := res.WriteJSON(&got); err != nil {
				t.Fatal(err)
			}
			compareFields(t, got.Bytes(), want, 1e-6, maxDiff)
			if got.String() != string(want) {
				t.Errorf("JSON differs from metrics.py's\n got %s\nwant %s", got.Bytes(), want)
			}
			// json.Marshal gives the same figures as strict JSON (NaN as null).
			strict, err := json.Marshal(res)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			if err := json.Unmarshal(strict, &m); err != nil {
				t.Fatal(err)
			}
			py, _ := parsePyJSON(t, want)
			for k, v := range py {
				if v == "NaN" {
					v = nil
				}
				if m[k] != v {
					t.Errorf("json.Marshal %s: %v, metrics.py %v", k, m[k], v)
				}
			}
		})
	}
	logMax(t, "rounded", maxDiff)
}

// TestGoldenUnrounded compares the figures before their rounding to two
// decimals with metrics.py run through testdata/unrounded.py.
func TestGoldenUnrounded(t *testing.T) {
	maxDiff := map[string]float64{}
	for _, g := range goldens {
		t.Run(g.name, func(t *testing.T) {
			opt := DefaultOptions()
			if g.opt != nil {
				g.opt(&opt)
			}
			truth, err := ReadFile(filepath.Join("testdata", g.truth+".csv.gz"), TruthID)
			if err != nil {
				t.Fatal(err)
			}
			tracks, err := ReadFile(filepath.Join("testdata", g.tracks+".csv.gz"), TrackID)
			if err != nil {
				t.Fatal(err)
			}
			res, err := score(tracks, truth, opt, false)
			if err != nil {
				t.Fatal(err)
			}
			name := strings.TrimSuffix(strings.TrimSuffix(g.out, ".metrics.json"), ".metrics.txt")
			want, err := os.ReadFile(filepath.Join("testdata", name+".unrounded.json"))
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			res.WriteJSON(&got)
			compareFields(t, got.Bytes(), want, 1e-9, maxDiff)
		})
	}
	logMax(t, "unrounded", maxDiff)
}

func frames(rows ...any) Frames {
	f := Frames{}
	for k := 0; k < len(rows); k += 4 {
		t := rows[k].(float64)
		f[t] = append(f[t], Object{ID: int64(rows[k+1].(int)), X: rows[k+2].(float64), Y: rows[k+3].(float64)})
	}
	return f
}

func TestScoreHandWorked(t *testing.T) {
	// Two truths at every epoch 0..20 s; tracks:
	//   0 s: none                        -> GOSPA sqrt(250000/2*2) = 500
	//   5 s: 7 on truth 1 at 300 m, 8 on truth 2 at 0 m (300 m)
	//  10 s: 7 at 600 m from truth 1 (>= c: missed+false), 8 on truth 2
	//  15 s: 9 on truth 1 (a switch 7 -> 9), 8 on truth 2, 10 far away (false)
	//  20 s: 8 and 11 both exactly on truth 2 (a tie), nothing near truth 1
	truth := Frames{}
	for _, T := range []float64{0, 5, 10, 15, 20} {
		truth[T] = []Object{{1, 0, 0}, {2, 10000, 0}}
	}
	tracks := frames(
		5.0, 7, 300.0, 0.0, 5.0, 8, 10000.0, 0.0,
		10.0, 7, 0.0, 600.0, 10.0, 8, 10000.0, 0.0,
		15.0, 9, 0.0, 0.0, 15.0, 8, 10000.0, 0.0, 15.0, 10, 50000.0, 0.0,
		20.0, 11, 10000.0, 0.0, 20.0, 8, 10000.0, 0.0,
		7.5, 99, 0.0, 0.0, // off the epoch grid: ignored
	)
	opt := DefaultOptions()
	opt.Warmup = 10
	res, err := score(tracks, truth, opt, false)
	if err != nil {
		t.Fatal(err)
	}
	half := 250000.0 / 2
	want := []Epoch{
		{T: 0, GOSPA: math.Sqrt(2 * half), Missed: 2, NTruth: 2},
		{T: 5, GOSPA: 300, Loc: 90000, NTruth: 2, NTracks: 2},
		{T: 10, GOSPA: math.Sqrt(2 * half), Missed: 1, False: 1, NTruth: 2, NTracks: 2},
		{T: 15, GOSPA: math.Sqrt(half), False: 1, NTruth: 2, NTracks: 3},
		{T: 20, GOSPA: math.Sqrt(2 * half), Missed: 1, False: 1, NTruth: 2, NTracks: 2},
	}
	if len(res.Epochs) != len(want) {
		t.Fatalf("epochs %+v", res.Epochs)
	}
	for i, e := range res.Epochs {
		if math.Abs(e.GOSPA-want[i].GOSPA) > 1e-9 || e.Loc != want[i].Loc || e.Missed != want[i].Missed ||
			e.False != want[i].False || e.NTruth != want[i].NTruth || e.NTracks != want[i].NTracks || e.T != want[i].T {
			t.Errorf("epoch %d: got %+v, want %+v", i, e, want[i])
		}
	}
	// Truth 2 is 8 at 5, 10, 15 s; at 20 s SciPy's tie rule picks track 8
	// (column 1) for it: the reverse scan of free columns meets column 1 first.
	// Truth 1: 7 at 5 s, 9 at 15 s -> one switch.
	if res.IDSwitches != 1 || res.TruthsWithMultipleTrackIDs != 1 || res.DistinctTrackIDs != 5 {
		t.Errorf("switches %d, multi %d, distinct %d", res.IDSwitches, res.TruthsWithMultipleTrackIDs, res.DistinctTrackIDs)
	}
	if *res.LocRMSPerAssignedSteady != 0 { // steady epochs 10..20 have no d>0 assigned pair
		t.Errorf("loc rms %v", *res.LocRMSPerAssignedSteady)
	}
	if res.MissedMeanSteady != 2.0/3 || res.FalseMeanSteady != 1 || res.NTracksMeanSteady != 7.0/3 {
		t.Errorf("steady means %v %v %v", res.MissedMeanSteady, res.FalseMeanSteady, res.NTracksMeanSteady)
	}
}

func TestScoreErrors(t *testing.T) {
	if _, err := Score(Frames{}, Frames{}, DefaultOptions()); !errors.Is(err, ErrNoTruth) {
		t.Errorf("empty truth: %v", err)
	}
	opt := DefaultOptions()
	opt.Interval = 0
	if _, err := Score(Frames{}, frames(0.0, 1, 0.0, 0.0), opt); err == nil {
		t.Error("zero interval accepted")
	}
	tracks := frames(0.0, 1, math.NaN(), 0.0)
	if _, err := Score(tracks, frames(0.0, 1, 0.0, 0.0), DefaultOptions()); err == nil || !strings.Contains(err.Error(), "epoch 0 s") {
		t.Errorf("NaN position: %v", err)
	}
}

func TestReadFrames(t *testing.T) {
	in := "x_m,time_s,extra,track_id,y_m\n" +
		"1.5,5.0004,a,7,2.5\n" +
		"\n" +
		"3,5.0006, b ,8, 4 \n" +
		"5,10,c,9,6\n"
	f, err := ReadFrames(strings.NewReader(in), "tracks.csv", TrackID)
	if err != nil {
		t.Fatal(err)
	}
	if len(f) != 3 || len(f[5]) != 1 || len(f[5.001]) != 1 || len(f[10]) != 1 {
		t.Fatalf("frames %v", f)
	}
	if o := f[5][0]; o != (Object{7, 1.5, 2.5}) {
		t.Errorf("row 1 %+v", o)
	}
	if o := f[5.001][0]; o != (Object{8, 3, 4}) {
		t.Errorf("row 2 %+v", o)
	}

	bad := []struct{ in, want string }{
		{"", "tracks.csv:1: empty file"},
		{"time_s,x_m,y_m\n1,2,3\n", `tracks.csv:1: no "track_id" column`},
		{"time_s,track_id,x_m,y_m\n0,1,2,3\n5,1,x,3\n", `tracks.csv:3: x_m "x" is not a number`},
		{"time_s,track_id,x_m,y_m\n0,1.5,2,3\n", `tracks.csv:2: track_id "1.5" is not an integer`},
		{"time_s,track_id,x_m,y_m\n0,1,2,3\n\n5,1,2\n", "tracks.csv:4: no y_m field"},
		{"time_s,track_id,x_m,y_m\nnan,1,2,3\n", "tracks.csv:2: time_s NaN is not finite"},
	}
	for _, b := range bad {
		_, err := ReadFrames(strings.NewReader(b.in), "tracks.csv", TrackID)
		if err == nil || !strings.HasPrefix(err.Error(), b.want) {
			t.Errorf("%q: error %v, want prefix %q", b.in, err, b.want)
		}
	}
	if _, err := ReadFile(filepath.Join(t.TempDir(), "missing.csv"), TruthID); err == nil {
		t.Error("missing file accepted")
	}
	path := filepath.Join(t.TempDir(), "truth.csv")
	os.WriteFile(path, []byte("time_s,target_id,x_m,y_m\n0,1,1e500,3\n0,2,?,3\n"), 0o644)
	if _, err := ReadFile(path, TruthID); err == nil || !strings.HasPrefix(err.Error(), path+`:3: x_m "?"`) {
		t.Errorf("error %v does not name file and line", err)
	}
	os.WriteFile(path, []byte("time_s,target_id,x_m,y_m\n0,1,1e500,3\n"), 0o644)
	if f, err := ReadFile(path, TruthID); err != nil || !math.IsInf(f[0][0].X, 1) {
		t.Errorf("1e500 (Python: inf): %v %v", f, err)
	}
}

func TestPyRepr(t *testing.T) {
	cases := map[float64]string{
		500: "500.0", 0: "0.0", math.Copysign(0, -1): "-0.0", 0.1: "0.1", 299.59: "299.59",
		1e15: "1000000000000000.0", 1e16: "1e+16", 1.5e16: "1.5e+16", 123456789012345678: "1.2345678901234568e+17",
		0.0001: "0.0001", 0.00012: "0.00012", 1e-5: "1e-05", 1.5e-7: "1.5e-07", -1234.5: "-1234.5",
		1e300: "1e+300", 5e-324: "5e-324",
	}
	for x, want := range cases {
		if got := pyRepr(x, true); got != want {
			t.Errorf("pyRepr(%v) = %q, want %q", x, got, want)
		}
	}
	if pyRepr(math.NaN(), true) != "NaN" || pyRepr(math.NaN(), false) != "nan" || pyRepr(math.Inf(-1), true) != "-Infinity" {
		t.Error("NaN/Inf spelling")
	}
}

func TestPyRound(t *testing.T) {
	cases := []struct{ x, want float64 }{
		{0.125, 0.12}, {0.375, 0.38}, {2.675, 2.67}, {299.58926025439325, 299.59}, {1.005, 1.0},
		{-0.001, math.Copysign(0, -1)}, {20, 20},
	}
	for _, c := range cases {
		if got := pyRound(c.x, 2); got != c.want || math.Signbit(got) != math.Signbit(c.want) {
			t.Errorf("pyRound(%v, 2) = %v, want %v", c.x, got, c.want)
		}
	}
	if !math.IsNaN(pyRound(math.NaN(), 2)) {
		t.Error("NaN")
	}
}

func hexf(t *testing.T, s string) float64 {
	t.Helper()
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// TestHypotMatchesNumPy uses numpy.hypot results (Debian 12, glibc 2.36)
// for inputs where Go's math.Hypot and sqrt(x²+y²) give other last bits.
func TestHypotMatchesNumPy(t *testing.T) {
	cases := [][3]string{
		{"0x1.e77ae147ae100p+7", "0x1.57f5c28f5c280p+7", "0x1.2a4e4442c1fcdp+8"},
		{"-0x1.7351eb851eb80p+8", "0x1.c43851eb85200p+7", "0x1.b2bf082cf4eccp+8"},
		{"0x1.4b80000000000p+8", "-0x1.d40a3d70a3d80p+6", "0x1.5f8b697174e30p+8"},
		{"0x1.9cc7ae147ae14p+7", "0x1.27fae147ae140p+7", "0x1.fbedba69dc828p+7"},
		{"0x1.d70a3d70a0000p-3", "0x1.e48a3d70a3d70p+7", "0x1.e48a4bbff7dcdp+7"},
		{"0x1.3b851eb851f00p+6", "0x1.7beb851eb8540p+8", "0x1.8405b1b1ef653p+8"},
		{"0x1.8b5c28f5c2900p+7", "0x1.24a8f5c28f600p+7", "0x1.ebe4c91046246p+7"},
		{"-0x1.7cd70a3d70a40p+8", "0x1.922e147ae1480p+7", "0x1.aeab6a181dd05p+8"},
	}
	for _, c := range cases {
		x, y, want := hexf(t, c[0]), hexf(t, c[1]), hexf(t, c[2])
		if got := hypot(x, y); got != want {
			t.Errorf("hypot(%v, %v) = %x, numpy %x", x, y, got, want)
		}
	}
	if hypot(3, 4) != 5 || hypot(0, -2) != 2 || !math.IsInf(hypot(math.Inf(-1), math.NaN()), 1) || !math.IsNaN(hypot(math.NaN(), 1)) {
		t.Error("special values")
	}
	if hypot(1e300, 1e300) != math.Hypot(1e300, 1e300) || hypot(1e-300, 3e-300) == 0 {
		t.Error("scaled ranges")
	}
}

// TestNpSum checks NumPy's pairwise summation order on a sequence whose
// sum depends on it (values from numpy.sum on Debian 12, NumPy 1.24).
func TestNpSum(t *testing.T) {
	a := make([]float64, 300)
	for i := range a {
		var p, m float64
		if i%3 == 0 {
			p = 1e6
		}
		if i%3 == 1 {
			m = 1e6
		}
		a[i] = float64((i*7919)%1000)*0.1 + p - m + 1/float64(i+1)
	}
	for n, want := range map[int]string{5: "0x1.4148888888000p+8", 13: "0x1.e88f6c2a0e43bp+19",
		128: "0x1.8e0a215ed8680p+12", 300: "0x1.d56a42e547b94p+13"} {
		if got := npSum(a[:n]); got != hexf(t, want) {
			t.Errorf("npSum(a[:%d]) = %x, numpy %s", n, got, want)
		}
	}
	if !math.IsNaN(npMean(nil)) {
		t.Error("mean of nothing")
	}
}
