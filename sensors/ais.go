package sensors

import "time"

// knotMPS is one knot in m/s.
const knotMPS = 1852.0 / 3600

// AISReportInterval is the ITU-R M.1371 reporting interval of a vessel's
// position reports by AIS class ("B"; anything else is class A) and speed
// over ground (m/s): class A every 2 s above 23 kn, 6 s above 14 kn, 10 s
// above 3 kn, 3 min slower (at anchor); class B every 30 s above 2 kn,
// 3 min slower.
func AISReportInterval(class string, speedMPS float64) time.Duration {
	kn := speedMPS / knotMPS
	if class == "B" {
		if kn > 2 {
			return 30 * time.Second
		}
		return 3 * time.Minute
	}
	switch {
	case kn > 23:
		return 2 * time.Second
	case kn > 14:
		return 6 * time.Second
	case kn > 3:
		return 10 * time.Second
	}
	return 3 * time.Minute
}
