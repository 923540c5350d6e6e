package fusion

import (
	"math"
	"math/rand/v2"
	"testing"
)

// predictCTRef is the plain 4×4 form of predictCT.
func predictCTRef(x *State, P *Cov, dt, w, sigmaA float64) {
	s, c := math.Sincos(w * dt)
	a, b := s/w, (1-c)/w
	F := [4][4]float64{{1, 0, a, -b}, {0, 1, b, a}, {0, 0, c, -s}, {0, 0, s, c}}
	var nx State
	for i := 0; i < 4; i++ {
		for k := 0; k < 4; k++ {
			nx[i] += F[i][k] * x[k]
		}
	}
	*x = nx
	var FP, N Cov
	for i := 0; i < 4; i++ {
		for j := 0; j < 4; j++ {
			for k := 0; k < 4; k++ {
				FP[i][j] += F[i][k] * P[k][j]
			}
		}
	}
	for i := 0; i < 4; i++ {
		for j := 0; j < 4; j++ {
			for k := 0; k < 4; k++ {
				N[i][j] += FP[i][k] * F[j][k]
			}
		}
	}
	*P = N
	q := sigmaA * sigmaA
	dt2 := dt * dt
	for i := 0; i < 2; i++ {
		P[i][i] += q * dt2 * dt2 / 4
		P[i][i+2] += q * dt2 * dt / 2
		P[i+2][i] += q * dt2 * dt / 2
		P[i+2][i+2] += q * dt2
	}
}

func TestPredictCTMatchesMatrixForm(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 200; n++ {
		var x State
		var L Cov
		for i := range x {
			x[i] = rng.NormFloat64() * 100
			for j := 0; j <= i; j++ {
				L[i][j] = rng.NormFloat64() * 10
			}
		}
		var P Cov
		for i := 0; i < 4; i++ {
			for j := 0; j < 4; j++ {
				for k := 0; k < 4; k++ {
					P[i][j] += L[i][k] * L[j][k]
				}
			}
		}
		dt, w, q := rng.Float64()*20, (rng.Float64()-0.5)*0.1, rng.Float64()
		x1, P1, x2, P2 := x, P, x, P
		predictCT(&x1, &P1, dt, w, q)
		predictCTRef(&x2, &P2, dt, w, q)
		for i := 0; i < 4; i++ {
			if math.Abs(x1[i]-x2[i]) > 1e-9*(1+math.Abs(x2[i])) {
				t.Fatalf("x[%d] %v vs %v", i, x1[i], x2[i])
			}
			for j := 0; j < 4; j++ {
				if math.Abs(P1[i][j]-P2[i][j]) > 1e-9*(1+math.Abs(P2[i][j])) {
					t.Fatalf("P[%d][%d] %v vs %v", i, j, P1[i][j], P2[i][j])
				}
			}
		}
	}
}
