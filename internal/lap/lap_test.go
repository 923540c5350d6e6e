package lap

import (
	"bufio"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
)

// bruteForce returns the best value over all partial assignments under the
// package's objective: most pairs with finite cost first, then least cost.
func bruteForce(cost []float64, rows, cols int) (pairs int, total float64) {
	bestPairs, bestTotal := -1, math.Inf(1)
	used := make([]bool, cols)
	var rec func(i, n int, sum float64)
	rec = func(i, n int, sum float64) {
		if i == rows {
			if n > bestPairs || (n == bestPairs && sum < bestTotal) {
				bestPairs, bestTotal = n, sum
			}
			return
		}
		rec(i+1, n, sum) // row i unassigned
		for j := 0; j < cols; j++ {
			if c := cost[i*cols+j]; !used[j] && !math.IsInf(c, 1) {
				used[j] = true
				rec(i+1, n+1, sum+c)
				used[j] = false
			}
		}
	}
	rec(0, 0, 0)
	return bestPairs, bestTotal
}

// checkSolution verifies rowsol is a valid partial assignment and returns its size and cost.
func checkSolution(t *testing.T, cost []float64, rows, cols int, rowsol []int) (int, float64) {
	t.Helper()
	seen := make([]bool, cols)
	n, sum := 0, 0.0
	for i, j := range rowsol[:rows] {
		if j == -1 {
			continue
		}
		if j < 0 || j >= cols || seen[j] {
			t.Fatalf("invalid rowsol %v", rowsol)
		}
		if math.IsInf(cost[i*cols+j], 1) {
			t.Fatalf("row %d assigned to forbidden column %d", i, j)
		}
		seen[j] = true
		n++
		sum += cost[i*cols+j]
	}
	return n, sum
}

func TestBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var s Solver
	for trial := 0; trial < 3000; trial++ {
		rows, cols := 1+rng.IntN(7), 1+rng.IntN(7)
		cost := make([]float64, rows*cols)
		kind := trial % 4
		for k := range cost {
			switch kind {
			case 0: // real
				cost[k] = rng.Float64()*200 - 50
			case 1: // integer ties
				cost[k] = float64(rng.IntN(3))
			case 2: // forbidden pairs, often infeasible for SciPy
				if rng.Float64() < 0.45 {
					cost[k] = math.Inf(1)
				} else {
					cost[k] = float64(rng.IntN(5))
				}
			case 3: // sparse rows: whole rows or columns forbidden
				cost[k] = rng.Float64() * 10
				if k/cols%3 == 1 || k%cols%4 == 2 {
					cost[k] = math.Inf(1)
				}
			}
		}
		rowsol := make([]int, rows)
		got, err := s.Solve(cost, rows, cols, rowsol)
		if err != nil {
			t.Fatal(err)
		}
		n, sum := checkSolution(t, cost, rows, cols, rowsol)
		if math.Abs(sum-got) > 1e-9 {
			t.Fatalf("returned total %v, assignment sums to %v", got, sum)
		}
		wantN, wantSum := bruteForce(cost, rows, cols)
		if n != wantN || math.Abs(sum-wantSum) > 1e-9 {
			t.Fatalf("trial %d %dx%d kind %d: got %d pairs cost %v, want %d pairs cost %v\ncost=%v rowsol=%v",
				trial, rows, cols, kind, n, sum, wantN, wantSum, cost, rowsol)
		}
	}
}

// TestMatchesSciPy replays testdata/scipy_cases.txt (see gen_scipy_cases.py):
// the assignment, not only its cost, must be SciPy's, ties included.
func TestMatchesSciPy(t *testing.T) {
	f, err := os.Open("testdata/scipy_cases.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	var s Solver
	line := 0
	for sc.Scan() {
		line++
		left, right, ok := strings.Cut(sc.Text(), " ; ")
		if !ok {
			t.Fatalf("line %d: no ';'", line)
		}
		fs := strings.Fields(left)
		rows, _ := strconv.Atoi(fs[0])
		cols, _ := strconv.Atoi(fs[1])
		cost := make([]float64, rows*cols)
		for k := range cost {
			if cost[k], err = strconv.ParseFloat(fs[2+k], 64); err != nil {
				t.Fatalf("line %d: %v", line, err)
			}
		}
		want := strings.Fields(right)
		rowsol := make([]int, rows)
		if _, err := s.Solve(cost, rows, cols, rowsol); err != nil {
			t.Fatalf("line %d: %v", line, err)
		}
		for i := range rows {
			if w, _ := strconv.Atoi(want[i]); rowsol[i] != w {
				t.Fatalf("line %d (%dx%d): got %v, SciPy %v", line, rows, cols, rowsol, want)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if line < 500 {
		t.Fatalf("only %d cases read", line)
	}
}

func TestRectangularAndEdges(t *testing.T) {
	inf := math.Inf(1)
	cases := []struct {
		name       string
		rows, cols int
		cost       []float64
		want       []int
		total      float64
	}{
		{"empty rows", 0, 3, nil, []int{}, 0},
		{"empty cols", 2, 0, nil, []int{-1, -1}, 0},
		{"1x1", 1, 1, []float64{4}, []int{0}, 4},
		{"wide", 2, 4, []float64{9, 1, 9, 9, 9, 9, 9, 2}, []int{1, 3}, 3},
		{"tall", 4, 2, []float64{9, 9, 1, 9, 9, 9, 9, 2}, []int{-1, 0, -1, 1}, 3},
		{"constant is identity", 3, 3, []float64{5, 5, 5, 5, 5, 5, 5, 5, 5}, []int{0, 1, 2}, 15},
		{"forbidden row", 2, 2, []float64{inf, inf, 1, 2}, []int{-1, 0}, 1},
		{"all forbidden", 2, 2, []float64{inf, inf, inf, inf}, []int{-1, -1}, 0},
		// Greedy row order would give row 0 column 0 (10) and leave row 1 out;
		// the least-cost maximum assignment gives column 0 to row 1.
		{"max cardinality then cost", 2, 2, []float64{10, inf, 1, inf}, []int{-1, 0}, 1},
		{"cardinality beats cost", 2, 2, []float64{1, 100, 1, inf}, []int{1, 0}, 101},
		{"negative costs", 2, 3, []float64{-5, -1, 0, -4, -6, 0}, []int{0, 1}, -11},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rowsol := make([]int, tc.rows)
			total, err := Solve(tc.cost, tc.rows, tc.cols, rowsol)
			if err != nil {
				t.Fatal(err)
			}
			for i := range tc.want {
				if rowsol[i] != tc.want[i] {
					t.Fatalf("rowsol %v, want %v", rowsol, tc.want)
				}
			}
			if total != tc.total {
				t.Fatalf("total %v, want %v", total, tc.total)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	if _, err := Solve([]float64{1, math.NaN()}, 1, 2, make([]int, 1)); err != ErrInvalidCost {
		t.Fatalf("NaN: %v", err)
	}
	if _, err := Solve([]float64{1, math.Inf(-1)}, 1, 2, make([]int, 1)); err != ErrInvalidCost {
		t.Fatalf("-Inf: %v", err)
	}
	if _, err := Solve([]float64{1, 2, 3}, 1, 2, make([]int, 1)); err != ErrShape {
		t.Fatalf("len: %v", err)
	}
	if _, err := Solve([]float64{1, 2}, 2, 1, make([]int, 1)); err != ErrShape {
		t.Fatalf("short rowsol: %v", err)
	}
}

func TestCostNotModifiedAndDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	cost := make([]float64, 9*6)
	for k := range cost {
		cost[k] = float64(rng.IntN(4))
	}
	orig := append([]float64(nil), cost...)
	var s Solver
	first := make([]int, 9)
	s.Solve(cost, 9, 6, first)
	for range 20 {
		got := make([]int, 9)
		s.Solve(cost, 9, 6, got)
		for i := range got {
			if got[i] != first[i] {
				t.Fatalf("non-deterministic: %v vs %v", got, first)
			}
		}
	}
	for k := range cost {
		if cost[k] != orig[k] {
			t.Fatal("cost modified")
		}
	}
}

func TestNoAllocWithSolver(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var s Solver
	for _, sh := range [][2]int{{30, 30}, {20, 35}, {35, 20}} {
		rows, cols := sh[0], sh[1]
		cost := make([]float64, rows*cols)
		for k := range cost {
			cost[k] = rng.Float64()
			if k%7 == 0 {
				cost[k] = math.Inf(1)
			}
		}
		rowsol := make([]int, rows)
		s.Solve(cost, rows, cols, rowsol)
		if a := testing.AllocsPerRun(20, func() { s.Solve(cost, rows, cols, rowsol) }); a != 0 {
			t.Fatalf("%dx%d: %v allocs per Solve", rows, cols, a)
		}
	}
	// The lexicographic fallback must not allocate either once warmed up.
	inf := math.Inf(1)
	cost := []float64{10, inf, inf, 1, inf, inf, 3, 4, 5}
	rowsol := make([]int, 3)
	s.Solve(cost, 3, 3, rowsol)
	if a := testing.AllocsPerRun(20, func() { s.Solve(cost, 3, 3, rowsol) }); a != 0 {
		t.Fatalf("fallback: %v allocs per Solve", a)
	}
}

func benchSolve(b *testing.B, n int) {
	rng := rand.New(rand.NewPCG(7, 8))
	cost := make([]float64, n*n)
	for k := range cost {
		cost[k] = rng.Float64() * 1000
	}
	rowsol := make([]int, n)
	var s Solver
	b.ReportAllocs()
	for b.Loop() {
		s.Solve(cost, n, n, rowsol)
	}
}

func BenchmarkSolve10(b *testing.B)  { benchSolve(b, 10) }
func BenchmarkSolve100(b *testing.B) { benchSolve(b, 100) }
func BenchmarkSolve500(b *testing.B) { benchSolve(b, 500) }

// BenchmarkSolveGated100 is a 100×100 problem where 90% of pairs are
// forbidden, closer to a gated tracker cluster.
func BenchmarkSolveGated100(b *testing.B) {
	rng := rand.New(rand.NewPCG(9, 10))
	n := 100
	cost := make([]float64, n*n)
	for k := range cost {
		cost[k] = math.Inf(1)
		if rng.Float64() < 0.1 || k/n == k%n {
			cost[k] = rng.Float64() * 1000
		}
	}
	rowsol := make([]int, n)
	var s Solver
	b.ReportAllocs()
	for b.Loop() {
		s.Solve(cost, n, n, rowsol)
	}
}
