package sensors

import "time"

// Decoder turns the payloads of one sensor into reports. A decoder is made
// per sensor and may keep state between payloads (multi-sentence AIS
// messages, static data by MMSI, ADS-B position pairs, scan timing); it is
// used from one goroutine at a time.
type Decoder interface {
	// Decode decodes one payload received at received, appends the reports it
	// holds to dst and returns the extended slice, with every problem found
	// (each wrapping an *Error, whose Reason labels the drop counter). A
	// payload may give reports and errors both: a good line and a bad one.
	// Decode never panics, whatever the payload.
	Decode(dst []Report, payload []byte, received time.Time) ([]Report, []error)
}

// JSONDecoder decodes the native JSON report (format "json").
type JSONDecoder struct {
	// MaxBytes rejects larger payloads before parsing (0: no limit).
	MaxBytes int
}

// Decode implements Decoder: one payload is one report.
func (d JSONDecoder) Decode(dst []Report, payload []byte, _ time.Time) ([]Report, []error) {
	r, err := DecodeJSON(payload, d.MaxBytes)
	if err != nil {
		return dst, []error{err}
	}
	r.TimeFromPayload = true
	return append(dst, r), nil
}
