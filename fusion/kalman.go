package fusion

import "math"

// State is a constant-velocity state in the engine's local tangent plane:
// east, north (m), east and north velocity (m/s).
type State [4]float64

// Cov is the 4×4 covariance of a State.
type Cov [4][4]float64

// predictCV moves x and P forward by dt seconds under a constant-velocity
// model with white-noise acceleration of standard deviation sigmaA (m/s²).
// It works on fixed arrays and does not allocate.
func predictCV(x *State, P *Cov, dt, sigmaA float64) {
	if dt == 0 {
		return
	}
	x[0] += dt * x[2]
	x[1] += dt * x[3]
	// P = F P Fᵀ with F = [I dt·I; 0 I], written out per 2×2 block.
	// Blocks: A = P[pos,pos], B = P[pos,vel], C = P[vel,vel].
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			P[i][j] += dt*(P[i][j+2]+P[i+2][j]) + dt*dt*P[i+2][j+2]
		}
	}
	for i := 0; i < 2; i++ {
		for j := 2; j < 4; j++ {
			P[i][j] += dt * P[i+2][j]
			P[j][i] = P[i][j]
		}
	}
	q := sigmaA * sigmaA
	dt2 := dt * dt
	q11, q12, q22 := q*dt2*dt2/4, q*dt2*dt/2, q*dt2
	for i := 0; i < 2; i++ {
		P[i][i] += q11
		P[i][i+2] += q12
		P[i+2][i] += q12
		P[i+2][i+2] += q22
	}
}

// innovation returns the position innovation ν = z − Hx and its covariance
// S = H P Hᵀ + R for a position measurement.
func innovation(x *State, P *Cov, z [2]float64, R [2][2]float64) (nu [2]float64, S [2][2]float64) {
	nu = [2]float64{z[0] - x[0], z[1] - x[1]}
	S = [2][2]float64{
		{P[0][0] + R[0][0], P[0][1] + R[0][1]},
		{P[1][0] + R[1][0], P[1][1] + R[1][1]},
	}
	return nu, S
}

// inv2 inverts a 2×2 symmetric matrix; ok is false when it is singular or not finite.
func inv2(S [2][2]float64) (inv [2][2]float64, det float64, ok bool) {
	det = S[0][0]*S[1][1] - S[0][1]*S[1][0]
	if !(det > 0) || math.IsInf(det, 0) {
		return inv, det, false
	}
	inv = [2][2]float64{{S[1][1] / det, -S[0][1] / det}, {-S[1][0] / det, S[0][0] / det}}
	return inv, det, true
}

// mahalanobis2 returns νᵀ S⁻¹ ν.
func mahalanobis2(nu [2]float64, Si [2][2]float64) float64 {
	return nu[0]*(Si[0][0]*nu[0]+Si[0][1]*nu[1]) + nu[1]*(Si[1][0]*nu[0]+Si[1][1]*nu[1])
}

// updatePos applies a position measurement z with covariance R (Joseph form,
// so P stays symmetric and positive definite). It returns false and leaves
// the state alone when the innovation covariance is singular.
func updatePos(x *State, P *Cov, z [2]float64, R [2][2]float64) bool {
	nu, S := innovation(x, P, z, R)
	Si, _, ok := inv2(S)
	if !ok {
		return false
	}
	applyGain(x, P, nu, Si, R)
	return true
}

// applyGain is the update of updatePos with the innovation nu and the inverse
// innovation covariance Si already computed.
func applyGain(x *State, P *Cov, nu [2]float64, Si [2][2]float64, R [2][2]float64) {
	// K = P Hᵀ S⁻¹ (4×2); P Hᵀ is the first two columns of P.
	var K [4][2]float64
	for i := 0; i < 4; i++ {
		K[i][0] = P[i][0]*Si[0][0] + P[i][1]*Si[1][0]
		K[i][1] = P[i][0]*Si[0][1] + P[i][1]*Si[1][1]
	}
	for i := 0; i < 4; i++ {
		x[i] += K[i][0]*nu[0] + K[i][1]*nu[1]
	}
	// P = P − K H P (H P is the first two rows of P), kept symmetric. Cheaper
	// than the Joseph form; a result that is not positive on its diagonal
	// (rounding on a degenerate covariance) falls back to the Joseph form.
	old := *P
	for i := 0; i < 4; i++ {
		for j := i; j < 4; j++ {
			v := old[i][j] - (K[i][0]*old[0][j] + K[i][1]*old[1][j])
			w := old[j][i] - (K[j][0]*old[0][i] + K[j][1]*old[1][i])
			P[i][j] = (v + w) / 2
			P[j][i] = P[i][j]
		}
	}
	if P[0][0] > 0 && P[1][1] > 0 && P[2][2] > 0 && P[3][3] > 0 {
		return
	}
	*P = old
	joseph(P, &K, R)
}

// posSigma returns the standard deviation of position along the worse axis (m).
func posSigma(P *Cov) float64 {
	return posSigmaOf(P[0][0], P[0][1], P[1][1])
}

// posSigmaOf is posSigma of the position covariance [[a b] [b c]].
func posSigmaOf(a, b, c float64) float64 {
	// largest eigenvalue of [[a b][b c]]
	l := (a+c)/2 + math.Sqrt((a-c)*(a-c)/4+b*b)
	return math.Sqrt(math.Max(l, 0))
}

// finiteState reports whether every element of x and P is a finite number.
func finiteState(x *State, P *Cov) bool {
	for i := 0; i < 4; i++ {
		if math.IsNaN(x[i]) || math.IsInf(x[i], 0) {
			return false
		}
		for j := 0; j < 4; j++ {
			if math.IsNaN(P[i][j]) || math.IsInf(P[i][j], 0) {
				return false
			}
		}
	}
	return true
}

// PositionSigma returns the standard deviation of position along the worse
// axis of a covariance (m): the radius alerts report as sigma_m.
func PositionSigma(P *Cov) float64 { return posSigma(P) }

// inv4 inverts a 4×4 matrix by Gauss–Jordan elimination with partial
// pivoting; ok is false when it is singular.
func inv4(A [4][4]float64) (inv [4][4]float64, ok bool) {
	for i := 0; i < 4; i++ {
		inv[i][i] = 1
	}
	for c := 0; c < 4; c++ {
		p := c
		for r := c + 1; r < 4; r++ {
			if math.Abs(A[r][c]) > math.Abs(A[p][c]) {
				p = r
			}
		}
		if !(math.Abs(A[p][c]) > 1e-300) {
			return inv, false
		}
		A[c], A[p] = A[p], A[c]
		inv[c], inv[p] = inv[p], inv[c]
		d := A[c][c]
		for k := 0; k < 4; k++ {
			A[c][k] /= d
			inv[c][k] /= d
		}
		for r := 0; r < 4; r++ {
			if r == c || A[r][c] == 0 {
				continue
			}
			f := A[r][c]
			for k := 0; k < 4; k++ {
				A[r][k] -= f * A[c][k]
				inv[r][k] -= f * inv[c][k]
			}
		}
	}
	return inv, true
}

// joseph sets P = (I−KH) P (I−KH)ᵀ + K R Kᵀ, the Joseph form of the update.
func joseph(P *Cov, K *[4][2]float64, R [2][2]float64) {
	var A Cov // I − KH
	for i := 0; i < 4; i++ {
		A[i][i] = 1
		A[i][0] -= K[i][0]
		A[i][1] -= K[i][1]
	}
	var AP Cov
	for i := 0; i < 4; i++ {
		for j := 0; j < 4; j++ {
			var s float64
			for k := 0; k < 4; k++ {
				s += A[i][k] * P[k][j]
			}
			AP[i][j] = s
		}
	}
	for i := 0; i < 4; i++ {
		for j := i; j < 4; j++ {
			var s float64
			for k := 0; k < 4; k++ {
				s += AP[i][k] * A[j][k]
			}
			kr0 := K[i][0]*R[0][0] + K[i][1]*R[1][0]
			kr1 := K[i][0]*R[0][1] + K[i][1]*R[1][1]
			s += kr0*K[j][0] + kr1*K[j][1]
			P[i][j] = s
			P[j][i] = s
		}
	}
}
