package sensors

import (
	"strconv"
	"time"
)

// Class is what kind of target a detection is.
type Class uint8

// Target classes.
const (
	ClassUnknown Class = iota
	ClassSurface
	ClassAir
)

// String returns "unknown", "surface" or "air" (and "Class(N)" for a value
// that is none of the constants).
func (c Class) String() string {
	switch c {
	case ClassUnknown:
		return "unknown"
	case ClassSurface:
		return "surface"
	case ClassAir:
		return "air"
	}
	return "Class(" + strconv.Itoa(int(c)) + ")"
}

// ParseClass returns the Class named s ("surface", "air" or "unknown",
// exactly, lower-case) and whether s named one.
func ParseClass(s string) (Class, bool) {
	switch s {
	case "unknown":
		return ClassUnknown, true
	case "surface":
		return ClassSurface, true
	case "air":
		return ClassAir, true
	}
	return ClassUnknown, false
}

// Identity is a cooperative identity a sensor attached to a detection.
type Identity struct {
	MMSI     uint32 // 0 when absent
	ICAO     string // lower-case 6 hex digits, "" when absent
	Callsign string
	Name     string
}

// Report is one message of one sensor: a scan, a dwell or a single plot.
type Report struct {
	Sensor     string
	Time       time.Time // measurement time, UTC
	Seq        uint64
	HasSeq     bool
	Platform   *Position // where the sensor was; nil when the payload did not say
	Detections []Detection
}

// Position is a geodetic position (degrees, metres above the ellipsoid).
type Position struct {
	Lat, Lon, Alt float64
	HasAlt        bool
}

// Detection is one plot: polar (range/bearing from the platform) or geodetic.
type Detection struct {
	Polar bool
	// Polar form.
	Range, Bearing, Elevation float64
	HasElevation              bool
	// Geodetic form.
	Lat, Lon, Alt float64
	HasAlt        bool
	// Uncertainty; zero means "not given, take the sensor's".
	SigmaRange, SigmaBearing float64    // m, deg (polar)
	SigmaM                   float64    // circular, m
	Cov                      [3]float64 // σ²e, σen, σ²n (m²)
	HasCov                   bool
	Class                    Class
	Speed                    float64 // m/s
	Course                   float64 // deg true
	HasVelocity              bool
	ID                       *Identity
}
