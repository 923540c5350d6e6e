package fusion

import "math"

// Association within one report: the gated (track, measurement) pairs form
// a bipartite graph; its connected components (clusters) are solved apart,
// each as an optimal assignment, so the cost follows the cluster sizes and
// not the number of tracks. A lone pair is taken directly; a larger cluster
// is solved with the Hungarian method on a matrix whose rows are the
// cluster's measurements and whose columns are its tracks plus one "no
// track" column per measurement (a new track or clutter), priced just
// outside the gate.

// forbidden is the cost of a pair that is not in the gate.
const forbidden = 1e12

// assigner holds the scratch of the per-report assignment, reused.
type assigner struct {
	parent []int32 // union-find over nodes: measurements 0..M-1, tracks M..M+T-1
	tracks []*Track
	// per cluster
	rows, cols []int32
	cost       []float64
	rowCol     []int32
	chosen     []pair
	// Hungarian scratch
	u, v, minv []float64
	p, way     []int32
	used       []bool
}

func (a *assigner) find(i int32) int32 {
	for a.parent[i] != i {
		a.parent[i] = a.parent[a.parent[i]]
		i = a.parent[i]
	}
	return i
}

func (a *assigner) union(i, j int32) {
	ri, rj := a.find(i), a.find(j)
	if ri == rj {
		return
	}
	if ri < rj {
		a.parent[rj] = ri
	} else {
		a.parent[ri] = rj
	}
}

// hungarian solves the n×m assignment (n ≤ m) of a.cost (row-major) and
// writes each row's column into rowCol. Costs must be finite.
func (a *assigner) hungarian(n, m int, rowCol []int32) {
	grow := func(s []float64, k int) []float64 {
		if cap(s) < k {
			return make([]float64, k)
		}
		return s[:k]
	}
	a.u, a.v, a.minv = grow(a.u, n+1), grow(a.v, m+1), grow(a.minv, m+1)
	if cap(a.p) < m+1 {
		a.p, a.way, a.used = make([]int32, m+1), make([]int32, m+1), make([]bool, m+1)
	}
	u, v, minv := a.u, a.v, a.minv
	p, way, used := a.p[:m+1], a.way[:m+1], a.used[:m+1]
	clear(u)
	clear(v)
	clear(p)
	clear(way)
	for i := 1; i <= n; i++ {
		p[0] = int32(i)
		j0 := 0
		for j := range minv {
			minv[j] = math.Inf(1)
		}
		clear(used)
		for {
			used[j0] = true
			i0 := int(p[j0])
			delta, j1 := math.Inf(1), 0
			for j := 1; j <= m; j++ {
				if used[j] {
					continue
				}
				cur := a.cost[(i0-1)*m+(j-1)] - u[i0] - v[j]
				if cur < minv[j] {
					minv[j] = cur
					way[j] = int32(j0)
				}
				if minv[j] < delta {
					delta, j1 = minv[j], j
				}
			}
			for j := 0; j <= m; j++ {
				if used[j] {
					u[p[j]] += delta
					v[j] -= delta
				} else {
					minv[j] -= delta
				}
			}
			j0 = j1
			if p[j0] == 0 {
				break
			}
		}
		for j0 != 0 {
			j1 := way[j0]
			p[j0] = p[j1]
			j0 = int(j1)
		}
	}
	for j := 1; j <= m; j++ {
		if p[j] != 0 {
			rowCol[p[j]-1] = int32(j - 1)
		}
	}
}
