// Package lap solves the rectangular linear assignment problem: given an
// rows×cols cost matrix, pick at most one column per row and at most one row
// per column so that as many rows as possible are assigned (min(rows, cols)
// when every cost is finite) and the sum of the chosen costs is least.
//
// The algorithm is the shortest augmenting path method (Jonker–Volgenant
// family) in the form given by D. F. Crouse, "On implementing 2D rectangular
// assignment algorithms", IEEE TAES 52(4), 2016. It follows SciPy's
// implementation of scipy.optimize.linear_sum_assignment (rectangular_lsap.cpp
// by P. M. Larsen, BSD 3-clause) operation for operation: the same row order,
// the same reverse scan of free columns, the same tie rule (among equally
// short paths prefer one that ends at a free column), the same transposition
// of tall matrices and the same floating-point expressions. For a finite
// matrix, or one whose +Inf entries still leave a full assignment, Solve
// therefore returns exactly the assignment SciPy returns, ties included
// (checked against SciPy 1.10.1 in testdata/scipy_cases.txt). Time is
// O(rows²·cols) in the worst case for rows <= cols.
//
// Forbidden pairs are given as +Inf. SciPy rejects a matrix whose +Inf
// entries make a full assignment impossible; Solve instead assigns as many
// rows as it can and, among those maximum assignments, returns one of least
// total cost, leaving the other rows at -1. It does so by running the same
// algorithm on lexicographic (number of forbidden pairs, finite cost) costs.
//
// A Solver keeps its scratch buffers between calls, so repeated solves of
// the same or smaller size allocate nothing.
package lap

import (
	"errors"
	"math"
)

// ErrInvalidCost is returned when the cost matrix holds a NaN or -Inf.
var ErrInvalidCost = errors.New("lap: cost matrix contains NaN or -Inf")

// ErrShape is returned when len(cost) != rows*cols, a dimension is negative,
// or rowsol is shorter than rows.
var ErrShape = errors.New("lap: cost matrix or rowsol does not match rows×cols")

// Solver holds the scratch space of the assignment algorithm. The zero value
// is ready to use. Buffers grow to the largest problem seen and are reused,
// so after the first call of a given size Solve does not allocate. A Solver
// must not be used by more than one goroutine at a time.
type Solver struct {
	tcost     []float64 // transposed copy of a tall cost matrix
	u, v      []float64 // row and column dual variables
	spc       []float64 // shortest path cost to each column
	path      []int     // predecessor row of each column on the shortest path tree
	col4row   []int     // column assigned to each row, -1 if none
	row4col   []int     // row assigned to each column, -1 if none
	remaining []int     // columns not yet scanned in the current search
	sr, sc    []bool    // rows / columns scanned in the current search

	// Lexicographic fallback: the first component counts forbidden pairs.
	ku, kv, kspc []float64
}

// Solve is a convenience wrapper that solves one problem with a fresh
// Solver. It allocates; use a Solver for repeated solves.
func Solve(cost []float64, rows, cols int, rowsol []int) (float64, error) {
	var s Solver
	return s.Solve(cost, rows, cols, rowsol)
}

// Solve assigns columns to rows. cost is the rows×cols matrix in row-major
// order (cost[i*cols+j] is the cost of giving column j to row i); +Inf marks
// a forbidden pair. cost is not modified. On return rowsol[i] is the column
// assigned to row i, or -1 if row i is unassigned (always the case for
// rows-cols rows when rows > cols, and for rows that cannot be given a
// column at finite cost). rowsol must have at least rows elements; only the
// first rows are written. The result is the total cost of the assigned
// pairs, summed in row order.
//
// The returned assignment assigns as many rows as possible with finite cost
// and, among such assignments, has least total cost. Ties are broken exactly
// as scipy.optimize.linear_sum_assignment breaks them, so the result is
// deterministic and matches SciPy whenever SciPy has a solution.
//
// A NaN or -Inf cost yields ErrInvalidCost; inconsistent sizes yield
// ErrShape. An empty matrix (rows or cols zero) is valid and costs 0.
func (s *Solver) Solve(cost []float64, rows, cols int, rowsol []int) (float64, error) {
	if rows < 0 || cols < 0 || len(cost) != rows*cols || len(rowsol) < rows {
		return 0, ErrShape
	}
	for _, c := range cost {
		if c != c || c == math.Inf(-1) {
			return 0, ErrInvalidCost
		}
	}
	rowsol = rowsol[:rows]
	for i := range rowsol {
		rowsol[i] = -1
	}
	if rows == 0 || cols == 0 {
		return 0, nil
	}

	// A tall matrix is solved transposed, as SciPy does: the algorithm
	// needs rows <= cols, and the transposition decides how ties fall.
	c, nr, nc := cost, rows, cols
	transpose := cols < rows
	if transpose {
		s.tcost = growF(s.tcost, rows*cols)
		t := s.tcost
		for i := 0; i < rows; i++ {
			for j, x := range cost[i*cols : i*cols+cols] {
				t[j*rows+i] = x
			}
		}
		c, nr, nc = t, cols, rows
	}
	s.grow(nr, nc)
	if !s.solveFloat(c, nr, nc) {
		s.solveLex(c, nr, nc)
	}

	total := 0.0
	if transpose {
		for j, i := range s.col4row[:nr] {
			if c[j*nc+i] != math.Inf(1) {
				rowsol[i] = j
			}
		}
	} else {
		for i, j := range s.col4row[:nr] {
			if c[i*nc+j] != math.Inf(1) {
				rowsol[i] = j
			}
		}
	}
	for i, j := range rowsol {
		if j >= 0 {
			total += cost[i*cols+j]
		}
	}
	return total, nil
}

// grow sizes the scratch buffers for an nr×nc problem (nr <= nc).
func (s *Solver) grow(nr, nc int) {
	s.u = growF(s.u, nr)
	s.v = growF(s.v, nc)
	s.spc = growF(s.spc, nc)
	s.path = growI(s.path, nc)
	s.col4row = growI(s.col4row, nr)
	s.row4col = growI(s.row4col, nc)
	s.remaining = growI(s.remaining, nc)
	if cap(s.sr) < nr {
		s.sr = make([]bool, nr)
	}
	s.sr = s.sr[:nr]
	if cap(s.sc) < nc {
		s.sc = make([]bool, nc)
	}
	s.sc = s.sc[:nc]
}

func growF(b []float64, n int) []float64 {
	if cap(b) < n {
		return make([]float64, n)
	}
	return b[:n]
}

func growI(b []int, n int) []int {
	if cap(b) < n {
		return make([]int, n)
	}
	return b[:n]
}

// solveFloat is SciPy's solver on an nr×nc matrix with nr <= nc. It reports
// false when some row cannot be augmented at finite cost (SciPy's
// "infeasible"), leaving the buffers in an undefined state.
func (s *Solver) solveFloat(cost []float64, nr, nc int) bool {
	u, v, spc := s.u[:nr], s.v[:nc], s.spc[:nc]
	path, col4row, row4col := s.path[:nc], s.col4row[:nr], s.row4col[:nc]
	remaining, sr, sc := s.remaining[:nc], s.sr[:nr], s.sc[:nc]
	for i := range u {
		u[i] = 0
		col4row[i] = -1
	}
	for j := range v {
		v[j] = 0
		path[j] = -1
		row4col[j] = -1
	}
	inf := math.Inf(1)

	for curRow := 0; curRow < nr; curRow++ {
		// Shortest augmenting path from curRow (Dijkstra on reduced costs).
		minVal := 0.0
		for it := range remaining {
			remaining[it] = nc - it - 1
		}
		numRemaining := nc
		clear(sr)
		clear(sc)
		for j := range spc {
			spc[j] = inf
		}
		i := curRow
		sink := -1
		for sink == -1 {
			index := -1
			lowest := inf
			sr[i] = true
			crow := cost[i*nc : i*nc+nc]
			crow, vv, rc := crow[:nc], v[:nc], row4col[:nc] // one bounds check each
			ui := u[i]
			for it, j := range remaining[:numRemaining] {
				r := minVal + crow[j] - ui - vv[j]
				sj := spc[j]
				if r < sj {
					path[j] = i
					spc[j] = r
					sj = r
				}
				if sj < lowest || (sj == lowest && rc[j] == -1) {
					lowest = sj
					index = it
				}
			}
			minVal = lowest
			if minVal == inf {
				return false
			}
			j := remaining[index]
			if row4col[j] == -1 {
				sink = j
			} else {
				i = row4col[j]
			}
			sc[j] = true
			numRemaining--
			remaining[index] = remaining[numRemaining]
		}

		// Update the dual variables.
		u[curRow] += minVal
		for i := range u {
			if sr[i] && i != curRow {
				u[i] += minVal - spc[col4row[i]]
			}
		}
		for j := range v {
			if sc[j] {
				v[j] -= minVal - spc[j]
			}
		}

		// Augment the previous solution along the path.
		j := sink
		for {
			i := path[j]
			row4col[j] = i
			col4row[i], j = j, col4row[i]
			if i == curRow {
				break
			}
		}
	}
	return true
}

// solveLex runs the same algorithm with lexicographic costs (k, x): k is 1
// for a forbidden (+Inf) pair and 0 otherwise, x is the finite cost (0 for
// forbidden pairs). Every row then gets a column, the number of forbidden
// pairs used is least, and among those the finite cost is least; forbidden
// pairs are dropped by the caller. Components are compared k first.
func (s *Solver) solveLex(cost []float64, nr, nc int) {
	s.ku = growF(s.ku, nr)
	s.kv = growF(s.kv, nc)
	s.kspc = growF(s.kspc, nc)
	u, v, spc := s.u[:nr], s.v[:nc], s.spc[:nc]
	ku, kv, kspc := s.ku[:nr], s.kv[:nc], s.kspc[:nc]
	path, col4row, row4col := s.path[:nc], s.col4row[:nr], s.row4col[:nc]
	remaining, sr, sc := s.remaining[:nc], s.sr[:nr], s.sc[:nc]
	for i := range u {
		u[i], ku[i] = 0, 0
		col4row[i] = -1
	}
	for j := range v {
		v[j], kv[j] = 0, 0
		path[j] = -1
		row4col[j] = -1
	}
	inf := math.Inf(1)
	less := func(ak, ax, bk, bx float64) bool { return ak < bk || (ak == bk && ax < bx) }

	for curRow := 0; curRow < nr; curRow++ {
		minK, minX := 0.0, 0.0
		for it := range remaining {
			remaining[it] = nc - it - 1
		}
		numRemaining := nc
		clear(sr)
		clear(sc)
		for j := range spc {
			spc[j], kspc[j] = inf, inf
		}
		i := curRow
		sink := -1
		for sink == -1 {
			index := -1
			lowK, lowX := inf, inf
			sr[i] = true
			for it, j := range remaining[:numRemaining] {
				ck, cx := 0.0, cost[i*nc+j]
				if cx == inf {
					ck, cx = 1, 0
				}
				rk := minK + ck - ku[i] - kv[j]
				rx := minX + cx - u[i] - v[j]
				if less(rk, rx, kspc[j], spc[j]) {
					path[j] = i
					kspc[j], spc[j] = rk, rx
				}
				if less(kspc[j], spc[j], lowK, lowX) ||
					(kspc[j] == lowK && spc[j] == lowX && row4col[j] == -1) {
					lowK, lowX = kspc[j], spc[j]
					index = it
				}
			}
			minK, minX = lowK, lowX
			j := remaining[index]
			if row4col[j] == -1 {
				sink = j
			} else {
				i = row4col[j]
			}
			sc[j] = true
			numRemaining--
			remaining[index] = remaining[numRemaining]
		}

		u[curRow] += minX
		ku[curRow] += minK
		for i := range u {
			if sr[i] && i != curRow {
				u[i] += minX - spc[col4row[i]]
				ku[i] += minK - kspc[col4row[i]]
			}
		}
		for j := range v {
			if sc[j] {
				v[j] -= minX - spc[j]
				kv[j] -= minK - kspc[j]
			}
		}

		j := sink
		for {
			i := path[j]
			row4col[j] = i
			col4row[i], j = j, col4row[i]
			if i == curRow {
				break
			}
		}
	}
}
