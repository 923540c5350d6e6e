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
// Zero values mean "not known".
type Identity struct {
	MMSI     uint32 // 0 when absent
	ICAO     string // lower-case 6 hex digits, "" when absent
	Callsign string
	Name     string
	// AIS static data (messages 5 and 24), attached by the AIS decoder from its cache.
	IMO      uint32
	ShipType uint8   // AIS ship and cargo type (0 unknown)
	LengthM  float64 // overall length
	BeamM    float64 // overall beam
	AISClass string  // "A" or "B"
	// Squawk is the Mode 3/A code, four octal digits ("7500"), "" when absent.
	Squawk string
}

// Kind says what a report is for.
type Kind uint8

// Report kinds. Only observations are fused into tracks; the others inform
// the daemon (identity, time, scan timing) and are counted.
const (
	// KindObservation: detections of targets.
	KindObservation Kind = iota
	// KindAidToNavigation: an AIS aid to navigation (message 21): fixed, kept apart from vessels.
	KindAidToNavigation
	// KindBaseStation: an AIS base station report (message 4): a shore station's position and UTC, a time reference.
	KindBaseStation
	// KindStatic: identity only (AIS messages 5, 24), no position; the decoder also caches it by MMSI.
	KindStatic
	// KindService: a radar service message (ASTERIX CAT034 north marker, sector crossing): scan timing.
	KindService
)

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case KindObservation:
		return "observation"
	case KindAidToNavigation:
		return "aid_to_navigation"
	case KindBaseStation:
		return "base_station"
	case KindStatic:
		return "static"
	case KindService:
		return "service"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Report is one message of one sensor: a scan, a dwell or a single plot.
type Report struct {
	Sensor string
	Kind   Kind
	Time   time.Time // measurement time, UTC
	// TimeFromPayload is true when Time came from the payload (JSON time,
	// NMEA tag block, ASTERIX time of day, ...), false when it is the receive time.
	TimeFromPayload bool
	Seq             uint64
	HasSeq          bool
	Platform        *Position // where the sensor was; nil when the payload did not say
	Detections      []Detection
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
	// TrackNumber is the sensor's own track number (ASTERIX, ARPA TTM), when HasTrackNumber.
	TrackNumber    uint32
	HasTrackNumber bool
	// Emergency is set from an emergency squawk: EmergencyHijack (7500),
	// EmergencyRadio (7600), EmergencyGeneral (7700), or from an AIS/ADS-B emergency flag.
	Emergency string
}

// Emergencies a detection can carry.
const (
	EmergencyHijack  = "hijack"
	EmergencyRadio   = "radio_failure"
	EmergencyGeneral = "emergency"
)

// EmergencyForSquawk returns the emergency a Mode 3/A code declares, "" for none.
func EmergencyForSquawk(squawk string) string {
	switch squawk {
	case "7500":
		return EmergencyHijack
	case "7600":
		return EmergencyRadio
	case "7700":
		return EmergencyGeneral
	}
	return ""
}
