package adsb

import (
	"sort"
	"strconv"
	"time"

	"github.com/vigia-project/vigia/sensors"
)

// Options configures a decoder. The zero value is usable.
type Options struct {
	// Sensor is copied into every report.
	Sensor string
	// MaxBytes rejects larger payloads whole, before parsing, as
	// sensors.ReasonTooLarge (0: no limit).
	MaxBytes int
	// StaleAfter forgets an aircraft (callsign, squawk, velocity, altitude,
	// CPR frames, last position) that has not been heard for this long,
	// measured on the message times. 0 means DefaultStaleAfter.
	StaleAfter time.Duration
	// MaxAircraft bounds the per-aircraft table. 0 means DefaultMaxAircraft.
	MaxAircraft int
	// Location is the time zone in which the SBS date/time fields are
	// written (dump1090 writes the host's local time). nil means UTC. Used
	// by the SBS decoder only.
	Location *time.Location
	// Receiver is the receiver's position, the reference for decoding ADS-B
	// surface positions of aircraft with no recent position of their own
	// (the receiver must be within 45 NM of them). nil: such surface
	// positions are dropped. Used by the Mode S decoder only.
	Receiver *sensors.Position
}

// Defaults of Options.
const (
	DefaultStaleAfter  = 60 * time.Second
	DefaultMaxAircraft = 10000
)

// Freshness limits for enriching a position with separately received data.
const (
	// enrichMaxAge: velocity or altitude older than this (relative to the
	// position) is not attached to it.
	enrichMaxAge = 10 * time.Second
	// cprPairMaxAge: an even and an odd CPR frame further apart than this
	// are not combined (global decoding).
	cprPairMaxAge = 10 * time.Second
	// cprRefMaxAge: a last position older than this is not used as the
	// reference of local CPR decoding.
	cprRefMaxAge = 60 * time.Second
)

const (
	ktToMps = 1852.0 / 3600.0
	ftToM   = 0.3048
	// Altitude and speed bounds, as the native JSON format checks them.
	minAltM   = -1000
	maxAltM   = 100000
	maxSpeedM = 1500
)

func (o Options) staleAfter() time.Duration {
	if o.StaleAfter > 0 {
		return o.StaleAfter
	}
	return DefaultStaleAfter
}

func (o Options) maxAircraft() int {
	if o.MaxAircraft > 0 {
		return o.MaxAircraft
	}
	return DefaultMaxAircraft
}

// table is a bounded map of per-aircraft state keyed by 24-bit address
// (bit 24 set for non-ICAO addresses). Entries not seen for stale are
// reset on access and swept periodically; when the table is full the least
// recently seen tenth is evicted.
type table[T any] struct {
	m         map[uint32]*entry[T]
	max       int
	stale     time.Duration
	lastSweep time.Time
	scratch   []int64
}

type entry[T any] struct {
	seen time.Time
	v    T
}

func newTable[T any](max int, stale time.Duration) table[T] {
	return table[T]{m: make(map[uint32]*entry[T]), max: max, stale: stale}
}

// get returns the state of key at time now, creating it (zeroed) when it is
// absent or stale; fresh reports whether it was created or reset.
func (t *table[T]) get(key uint32, now time.Time) (v *T, fresh bool) {
	if now.Sub(t.lastSweep) > t.stale || t.lastSweep.Sub(now) > t.stale {
		t.sweep(now)
	}
	e, ok := t.m[key]
	if ok {
		if now.Sub(e.seen) > t.stale {
			var zero T
			e.v = zero
			fresh = true
		}
		if now.After(e.seen) {
			e.seen = now
		}
		return &e.v, fresh
	}
	if len(t.m) >= t.max {
		t.sweep(now)
		if len(t.m) >= t.max {
			t.evictOldest()
		}
	}
	e = &entry[T]{seen: now}
	t.m[key] = e
	return &e.v, true
}

// sweep deletes the entries not seen for longer than stale.
func (t *table[T]) sweep(now time.Time) {
	t.lastSweep = now
	for k, e := range t.m {
		if now.Sub(e.seen) > t.stale {
			delete(t.m, k)
		}
	}
}

// evictOldest deletes the least recently seen tenth of the entries (at
// least one), so that a flood of new addresses costs O(log n) per address
// amortised.
func (t *table[T]) evictOldest() {
	t.scratch = t.scratch[:0]
	for _, e := range t.m {
		t.scratch = append(t.scratch, e.seen.UnixNano())
	}
	if len(t.scratch) == 0 {
		return
	}
	sort.Slice(t.scratch, func(i, j int) bool { return t.scratch[i] < t.scratch[j] })
	n := len(t.scratch) / 10
	if n < 1 {
		n = 1
	}
	limit := t.scratch[n-1]
	for k, e := range t.m {
		if e.seen.UnixNano() <= limit {
			delete(t.m, k)
		}
	}
}

// len returns the number of aircraft held.
func (t *table[T]) len() int { return len(t.m) }

// newErr builds a rejection.
func newErr(reason, field, msg string) error {
	return &sensors.Error{Reason: reason, Field: field, Msg: msg}
}

// lineField names field of the line with 0-based index i: "lines[3].lat".
func lineField(i int, field string) string {
	s := "lines[" + strconv.Itoa(i) + "]"
	if field != "" {
		s += "." + field
	}
	return s
}

// quote returns b quoted for an error message, shortened to 40 bytes.
func quote(b []byte) string {
	if len(b) > 40 {
		return strconv.Quote(string(b[:40])) + "…"
	}
	return strconv.Quote(string(b))
}

// hexLower formats a 24-bit address as 6 lower-case hex digits.
func hexLower(a uint32) string {
	const digits = "0123456789abcdef"
	var b [6]byte
	for i := 5; i >= 0; i-- {
		b[i] = digits[a&0xF]
		a >>= 4
	}
	return string(b[:])
}

// emergencyOf returns the emergency an aircraft declares: from its squawk,
// else from a flag or status already mapped to a sensors.Emergency value.
func emergencyOf(squawk, flag string) string {
	if e := sensors.EmergencyForSquawk(squawk); e != "" {
		return e
	}
	return flag
}
