package eval

// Numerical helpers that reproduce, bit for bit, what metrics.py gets from
// CPython, NumPy 1.24 and glibc on x86-64, so that the figures it rounds to
// two decimals round the same way here.

import (
	"math"
	"strconv"
	"strings"
)

// pyRound is Python's round(x, nd) for a float: the double nearest to x
// correctly rounded to nd decimals (ties to even on the exact binary value).
func pyRound(x float64, nd int) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(x, 'f', nd, 64), 64)
	if err != nil {
		return x
	}
	return r
}

// hypot is glibc's hypot (2.35 and later, generic x86-64 build without FMA),
// which numpy.hypot calls. Go's math.Hypot differs from it in the last bit
// for about a third of inputs; an exact copy keeps exact assignment ties.
func hypot(x, y float64) float64 {
	if math.IsInf(x, 0) || math.IsInf(y, 0) {
		return math.Inf(1)
	}
	if math.IsNaN(x) || math.IsNaN(y) {
		return x + y
	}
	x, y = math.Abs(x), math.Abs(y)
	ax, ay := x, y
	if x < y {
		ax, ay = y, x
	}
	const (
		scale    = 0x1p-600
		largeVal = 0x1p+511
		tinyVal  = 0x1p-511
		eps      = 0x1p-54
	)
	switch {
	case ax > largeVal:
		if ay <= ax*eps {
			return ax + ay
		}
		return hypotKernel(ax*scale, ay*scale) / scale
	case ay < tinyVal:
		if ax >= ay/eps {
			return ax + ay
		}
		return hypotKernel(ax/scale, ay/scale) * scale
	case ay <= ax*eps:
		return ax + ay
	}
	return hypotKernel(ax, ay)
}

// hypotKernel is glibc's Borges correction step. The float64 conversions
// forbid fused multiply-adds, which glibc's generic build does not use.
func hypotKernel(ax, ay float64) float64 {
	h := math.Sqrt(float64(ax*ax) + float64(ay*ay))
	var t1, t2 float64
	if h <= 2.0*ay {
		delta := h - ay
		t1 = float64(ax * (float64(2.0*delta) - ax))
		t2 = float64((delta - float64(2.0*(ax-ay))) * delta)
	} else {
		delta := h - ax
		t1 = float64(float64(2.0*delta) * (ax - float64(2.0*ay)))
		t2 = float64((float64(4.0*delta)-ay)*ay) + float64(delta*delta)
	}
	return h - (t1+t2)/float64(2.0*h)
}

// npPower is ndarray ** p for a float64 array and a Python float p: NumPy
// turns the exponents -1, 0, 0.5, 1 and 2 into reciprocal, ones, sqrt, copy
// and square, and calls libm pow otherwise.
func npPower(x, p float64) float64 {
	switch p {
	case 2:
		return x * x
	case 1:
		return x
	case 0.5:
		return math.Sqrt(x)
	case 0:
		return 1
	case -1:
		return 1 / x
	}
	return math.Pow(x, p)
}

// npSum is numpy.sum of a float64 vector: pairwise summation with eight
// accumulators in blocks of up to 128 elements.
func npSum(a []float64) float64 {
	return 0 + pairwiseSum(a)
}

func pairwiseSum(a []float64) float64 {
	n := len(a)
	switch {
	case n < 8:
		res := 0.0
		for _, x := range a {
			res += x
		}
		return res
	case n <= 128:
		var r [8]float64
		copy(r[:], a[:8])
		i := 8
		for ; i < n-n%8; i += 8 {
			r[0] += a[i+0]
			r[1] += a[i+1]
			r[2] += a[i+2]
			r[3] += a[i+3]
			r[4] += a[i+4]
			r[5] += a[i+5]
			r[6] += a[i+6]
			r[7] += a[i+7]
		}
		res := ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
		for ; i < n; i++ {
			res += a[i]
		}
		return res
	default:
		n2 := n / 2
		n2 -= n2 % 8
		return pairwiseSum(a[:n2]) + pairwiseSum(a[n2:])
	}
}

// npMean is numpy.mean of a float64 vector; NaN when it is empty.
func npMean(a []float64) float64 {
	if len(a) == 0 {
		return math.NaN()
	}
	return npSum(a) / float64(len(a))
}

// pyRepr is Python's repr() of a float (and so json.dumps's rendering of a
// finite float): shortest round-trip digits, fixed notation for decimal
// exponents from -4 to 15 with at least one digit after the point,
// scientific notation otherwise. json selects JSON's NaN/Infinity spelling
// instead of Python's nan/inf.
func pyRepr(x float64, json bool) string {
	switch {
	case math.IsNaN(x):
		if json {
			return "NaN"
		}
		return "nan"
	case math.IsInf(x, 1):
		if json {
			return "Infinity"
		}
		return "inf"
	case math.IsInf(x, -1):
		if json {
			return "-Infinity"
		}
		return "-inf"
	}
	e := strconv.FormatFloat(x, 'e', -1, 64) // [-]d[.ddd]e±XX
	mant, expStr, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expStr)
	sign := ""
	if mant[0] == '-' {
		sign, mant = "-", mant[1:]
	}
	digits := mant[:1]
	if len(mant) > 2 {
		digits += mant[2:]
	}
	if exp < -4 || exp >= 16 {
		s := sign + digits[:1]
		if len(digits) > 1 {
			s += "." + digits[1:]
		}
		es := strconv.Itoa(abs(exp))
		if len(es) < 2 {
			es = "0" + es
		}
		if exp < 0 {
			return s + "e-" + es
		}
		return s + "e+" + es
	}
	point := exp + 1 // digits before the decimal point
	switch {
	case point <= 0:
		return sign + "0." + strings.Repeat("0", -point) + digits
	case point >= len(digits):
		return sign + digits + strings.Repeat("0", point-len(digits)) + ".0"
	default:
		return sign + digits[:point] + "." + digits[point:]
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
