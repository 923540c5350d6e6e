package fusion

import (
	"math"
)

// The motion model is an interacting multiple model (IMM) of three modes:
// a quiet constant-velocity mode (small acceleration noise: a vessel holding
// course and speed) and two manoeuvring modes, coordinated turns to port and
// to starboard at a fixed rate with a larger acceleration noise (which also
// covers sprints and other turn rates). Mode probabilities follow a Markov
// chain whose switching probabilities depend on the time step. Everything
// works on fixed arrays: an update allocates nothing.

const (
	quiet  = 0
	moving = 1 // the first manoeuvring mode; the last is nModes-1
	nModes = 3
)

// immParams are the IMM's noise levels for one class and its switching rates.
type immParams struct {
	q        [nModes]float64 // acceleration σ per mode (m/s²)
	omega    [nModes]float64 // turn rate per mode (rad/s, counter-clockwise), 0 for constant velocity
	toMoving float64         // rate (1/s) of quiet → manoeuvring
	toQuiet  float64         // rate (1/s) of manoeuvring → quiet
	single   bool            // the quiet mode alone (comparisons with a plain CV filter)
}

// transition returns the mode transition matrix for a step of dt seconds.
func (ip *immParams) transition(dt float64) (p [nModes][nModes]float64) {
	a := 1 - math.Exp(-ip.toMoving*dt)
	b := 1 - math.Exp(-ip.toQuiet*dt)
	man := float64(nModes - 1)
	for i := 0; i < nModes; i++ {
		for j := 0; j < nModes; j++ {
			switch {
			case i == quiet && j == quiet:
				p[i][j] = 1 - a
			case i == quiet:
				p[i][j] = a / man
			case j == quiet:
				p[i][j] = b
			case i == j:
				p[i][j] = 1 - b
			}
		}
	}
	return p
}

// turnTerms are the sine and cosine of a turn over one step, shared by the
// port and starboard modes (sin(−x) = −sin x).
type turnTerms struct {
	dt, s, c float64
}

// terms returns the turn terms of the manoeuvring modes for a step of dt.
func (ip *immParams) terms(dt float64) turnTerms {
	s, c := math.Sincos(math.Abs(ip.omega[moving]) * dt)
	return turnTerms{dt: dt, s: s, c: c}
}

// predictMode moves one mode's estimate dt seconds ahead.
func (ip *immParams) predictMode(j int, x *State, P *Cov, tt *turnTerms) {
	w := ip.omega[j]
	if w == 0 {
		predictCV(x, P, tt.dt, ip.q[j])
		return
	}
	s := tt.s
	if w < 0 {
		s = -s
	}
	predictCTsc(x, P, tt.dt, w, s, tt.c, ip.q[j])
}

// predictCT moves x and P dt seconds ahead along a coordinated turn of rate w
// (rad/s, counter-clockwise) with white acceleration noise sigmaA.
//
// F = [[I, A], [0, B]] with A = [[a, −b], [b, a]], B = [[c, −s], [s, c]]
// (a = sin(w dt)/w, b = (1−cos(w dt))/w, c = cos(w dt), s = sin(w dt)); the
// product F P Fᵀ is written out by 2×2 blocks.
func predictCT(x *State, P *Cov, dt, w, sigmaA float64) {
	if dt == 0 {
		return
	}
	s, c := math.Sincos(w * dt)
	predictCTsc(x, P, dt, w, s, c, sigmaA)
}

// predictCTsc is predictCT with sin(w dt) and cos(w dt) given.
func predictCTsc(x *State, P *Cov, dt, w, s, c, sigmaA float64) {
	if dt == 0 {
		return
	}
	a, b := s/w, (1-c)/w
	vx, vy := x[2], x[3]
	x[0] += a*vx - b*vy
	x[1] += b*vx + a*vy
	x[2], x[3] = c*vx-s*vy, s*vx+c*vy
	A := [2][2]float64{{a, -b}, {b, a}}
	B := [2][2]float64{{c, -s}, {s, c}}
	var P11, P12, P22 [2][2]float64
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			P11[i][j], P12[i][j], P22[i][j] = P[i][j], P[i][j+2], P[i+2][j+2]
		}
	}
	// T = P12 + A P22 (the top-right block of F P before the right-hand Fᵀ).
	var T, AP22 [2][2]float64
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			AP22[i][j] = A[i][0]*P22[0][j] + A[i][1]*P22[1][j]
			T[i][j] = P12[i][j] + AP22[i][j]
		}
	}
	// New blocks: N11 = P11 + A P21 + T Aᵀ... written as (P11 + A P12ᵀ) + T Aᵀ;
	// N12 = T Bᵀ; N22 = B P22 Bᵀ.
	var N11, N12, N22, BP22 [2][2]float64
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			ap21 := A[i][0]*P12[j][0] + A[i][1]*P12[j][1] // (A P21)[i][j], P21 = P12ᵀ
			N11[i][j] = P11[i][j] + ap21 + T[i][0]*A[j][0] + T[i][1]*A[j][1]
			N12[i][j] = T[i][0]*B[j][0] + T[i][1]*B[j][1]
			BP22[i][j] = B[i][0]*P22[0][j] + B[i][1]*P22[1][j]
		}
	}
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			N22[i][j] = BP22[i][0]*B[j][0] + BP22[i][1]*B[j][1]
		}
	}
	q := sigmaA * sigmaA
	dt2 := dt * dt
	q11, q12, q22 := q*dt2*dt2/4, q*dt2*dt/2, q*dt2
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			P[i][j] = N11[i][j]
			P[i][j+2] = N12[i][j]
			P[j+2][i] = N12[i][j]
			P[i+2][j+2] = N22[i][j]
		}
	}
	// Symmetrise the diagonal blocks against rounding.
	P[0][1] = (P[0][1] + P[1][0]) / 2
	P[1][0] = P[0][1]
	P[2][3] = (P[2][3] + P[3][2]) / 2
	P[3][2] = P[2][3]
	for i := 0; i < 2; i++ {
		P[i][i] += q11
		P[i][i+2] += q12
		P[i+2][i] += q12
		P[i+2][i+2] += q22
	}
}

// immState is one track's filter: per-mode estimates, mode probabilities,
// and the combined estimate, all at the same time.
type immState struct {
	// The combined estimate first: gating reads it, and it shares cache lines
	// with the track's other hot fields.
	x State
	P Cov
	// hasVel is true when the velocity was known from the start (a reported one).
	hasVel bool
	mu     [nModes]float64
	mx     [nModes]State
	mP     [nModes]Cov
}

// init starts every mode on the same estimate.
func (s *immState) init(x State, P Cov, ip *immParams) {
	for j := 0; j < nModes; j++ {
		s.mx[j], s.mP[j] = x, P
	}
	s.mu[quiet] = 0.8
	for j := moving; j < nModes; j++ {
		s.mu[j] = 0.2 / (nModes - 1)
	}
	if ip.single {
		s.mu = [nModes]float64{1}
	}
	s.x, s.P = x, P
}

// combine computes the combined estimate from the modes.
func (s *immState) combine() {
	s.x = State{}
	for j := 0; j < nModes; j++ {
		for i := 0; i < 4; i++ {
			s.x[i] += s.mu[j] * s.mx[j][i]
		}
	}
	s.P = Cov{}
	for j := 0; j < nModes; j++ {
		var d State
		for i := 0; i < 4; i++ {
			d[i] = s.mx[j][i] - s.x[i]
		}
		for r := 0; r < 4; r++ {
			for c := r; c < 4; c++ {
				s.P[r][c] += s.mu[j] * (s.mP[j][r][c] + d[r]*d[c])
			}
		}
	}
	for r := 1; r < 4; r++ {
		for c := 0; c < r; c++ {
			s.P[r][c] = s.P[c][r]
		}
	}
}

// predicted returns the combined estimate predicted dt seconds ahead, without
// changing the filter (each mode predicted with its own noise, combined with
// the current probabilities).
func (s *immState) predicted(dt float64, ip *immParams) (x State, P Cov) {
	if dt <= 0 {
		return s.x, s.P
	}
	if ip.single {
		x, P = s.x, s.P
		predictCV(&x, &P, dt, ip.q[quiet])
		return x, P
	}
	var mx [nModes]State
	var mP [nModes]Cov
	tt := ip.terms(dt)
	for j := 0; j < nModes; j++ {
		mx[j], mP[j] = s.mx[j], s.mP[j]
		ip.predictMode(j, &mx[j], &mP[j], &tt)
	}
	for j := 0; j < nModes; j++ {
		for i := 0; i < 4; i++ {
			x[i] += s.mu[j] * mx[j][i]
		}
	}
	for j := 0; j < nModes; j++ {
		var d State
		for i := 0; i < 4; i++ {
			d[i] = mx[j][i] - x[i]
		}
		for r := 0; r < 4; r++ {
			for c := 0; c < 4; c++ {
				P[r][c] += s.mu[j] * (mP[j][r][c] + d[r]*d[c])
			}
		}
	}
	return x, P
}

// update runs one IMM cycle: mix, predict dt seconds, update every mode with
// the position z (covariance R), reweigh the modes by their likelihoods, and
// combine. It returns false, leaving the filter as it was, when the result
// would not be finite.
func (s *immState) update(dt float64, z [2]float64, R [2][2]float64, ip *immParams) bool {
	if ip.single {
		x, P := s.mx[quiet], s.mP[quiet]
		predictCV(&x, &P, dt, ip.q[quiet])
		if !updatePos(&x, &P, z, R) || !finiteState(&x, &P) {
			return false
		}
		s.mx[quiet], s.mP[quiet], s.x, s.P = x, P, x, P
		return true
	}
	pt := ip.transition(math.Max(dt, 0))
	// Mixing (on the upper triangle of the covariances: they are symmetric).
	var c [nModes]float64
	for j := 0; j < nModes; j++ {
		for i := 0; i < nModes; i++ {
			c[j] += pt[i][j] * s.mu[i]
		}
	}
	var x0 [nModes]State
	var P0 [nModes]Cov
	for j := 0; j < nModes; j++ {
		if c[j] <= 0 {
			x0[j], P0[j] = s.mx[j], s.mP[j]
			continue
		}
		var w [nModes]float64
		for i := 0; i < nModes; i++ {
			w[i] = pt[i][j] * s.mu[i] / c[j]
			for k := 0; k < 4; k++ {
				x0[j][k] += w[i] * s.mx[i][k]
			}
		}
		for i := 0; i < nModes; i++ {
			var d State
			for k := 0; k < 4; k++ {
				d[k] = s.mx[i][k] - x0[j][k]
			}
			wi := w[i]
			for r := 0; r < 4; r++ {
				for cc := r; cc < 4; cc++ {
					P0[j][r][cc] += wi * (s.mP[i][r][cc] + d[r]*d[cc])
				}
			}
		}
		for r := 1; r < 4; r++ {
			for cc := 0; cc < r; cc++ {
				P0[j][r][cc] = P0[j][cc][r]
			}
		}
	}
	// Predict and update each mode; log-likelihoods for the reweighing.
	var logL [nModes]float64
	tt := ip.terms(dt)
	for j := 0; j < nModes; j++ {
		ip.predictMode(j, &x0[j], &P0[j], &tt)
		nu, S := innovation(&x0[j], &P0[j], z, R)
		Si, det, ok := inv2(S)
		if !ok {
			return false
		}
		logL[j] = -0.5*mahalanobis2(nu, Si) - 0.5*math.Log(det)
		applyGain(&x0[j], &P0[j], nu, Si, R)
	}
	maxL := logL[0]
	for j := 1; j < nModes; j++ {
		maxL = math.Max(maxL, logL[j])
	}
	var mu [nModes]float64
	var sum float64
	for j := 0; j < nModes; j++ {
		mu[j] = c[j] * math.Exp(logL[j]-maxL)
		sum += mu[j]
	}
	if !(sum > 0) {
		return false
	}
	for j := 0; j < nModes; j++ {
		// Keep a floor so a mode can always come back.
		mu[j] = math.Max(mu[j]/sum, 1e-6)
	}
	n := immState{mx: x0, mP: P0, mu: mu, hasVel: s.hasVel}
	n.combine()
	if !finiteState(&n.x, &n.P) {
		return false
	}
	*s = n
	return true
}

// retrodictUpdate applies a position measurement taken lag seconds before
// the filter's time (an out-of-sequence measurement): the state is
// retrodicted along the constant-velocity model, the measurement's
// cross-covariance with the present state is that of the retrodiction
// (process noise over the lag added to the innovation, as in the one-lag
// approximations of Bar-Shalom), and every mode is corrected with it. The
// mode probabilities are left alone.
func (s *immState) retrodictUpdate(lag float64, z [2]float64, R [2][2]float64, ip *immParams) bool {
	old := *s
	for j := 0; j < nModes; j++ {
		x, P := &s.mx[j], &s.mP[j]
		// Retrodicted position: p − lag·v. H F(−lag) = [I, −lag·I].
		hx := [2]float64{x[0] - lag*x[2], x[1] - lag*x[3]}
		// P_xz = P (H F)ᵀ : 4×2.
		var Pxz [4][2]float64
		for i := 0; i < 4; i++ {
			Pxz[i][0] = P[i][0] - lag*P[i][2]
			Pxz[i][1] = P[i][1] - lag*P[i][3]
		}
		// S = H F P Fᵀ Hᵀ + Q_pos(lag) + R.
		qa := ip.q[j] * ip.q[j]
		q11 := qa * lag * lag * lag * lag / 4
		var S [2][2]float64
		for a := 0; a < 2; a++ {
			for b := 0; b < 2; b++ {
				S[a][b] = Pxz[a][b] - lag*Pxz[a+2][b] + R[a][b]
			}
			S[a][a] += q11
		}
		Si, _, ok := inv2(S)
		if !ok {
			*s = old
			return false
		}
		nu := [2]float64{z[0] - hx[0], z[1] - hx[1]}
		var K [4][2]float64
		for i := 0; i < 4; i++ {
			K[i][0] = Pxz[i][0]*Si[0][0] + Pxz[i][1]*Si[1][0]
			K[i][1] = Pxz[i][0]*Si[0][1] + Pxz[i][1]*Si[1][1]
		}
		for i := 0; i < 4; i++ {
			x[i] += K[i][0]*nu[0] + K[i][1]*nu[1]
		}
		// P −= K Pxzᵀ  (= K S Kᵀ), kept symmetric.
		for r := 0; r < 4; r++ {
			for c := r; c < 4; c++ {
				v := P[r][c] - (K[r][0]*Pxz[c][0] + K[r][1]*Pxz[c][1])
				P[r][c], P[c][r] = v, v
			}
		}
	}
	s.combine()
	if !finiteState(&s.x, &s.P) || s.P[0][0] <= 0 || s.P[1][1] <= 0 {
		*s = old
		return false
	}
	return true
}
