package fusion

import "github.com/vigia-project/vigia/internal/lap"

// Association within one report: the gated (track, measurement) pairs form
// a bipartite graph; its connected components (clusters) are solved apart,
// each as an optimal assignment, so the cost follows the cluster sizes and
// not the number of tracks. A lone pair is taken directly; a larger cluster
// is solved as a linear assignment (internal/lap, shortest augmenting
// paths) on a matrix whose rows are the
// cluster's measurements and whose columns are its tracks plus one "no
// track" column per measurement (a new track or clutter), priced just
// outside the gate.

// assigner holds the scratch of the per-report assignment, reused.
type assigner struct {
	parent []int32 // union-find over nodes: measurements 0..M-1, tracks M..M+T-1
	tracks []*Track
	// per cluster
	rows, cols []int32
	cost       []float64
	rowCol     []int
	solver     lap.Solver
	// the chaining of clusters
	head, tail, next []int32
	byMeas           []int32 // index in picked of each measurement's chosen pair, -1 for none
	cluster, out     []pair
	picked           []pair
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
