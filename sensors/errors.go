package sensors

// Reasons a report is rejected; they label the drop counters in /metrics.
const (
	ReasonTooLarge    = "too_large"
	ReasonMalformed   = "malformed"
	ReasonBadTime     = "bad_time"
	ReasonBadPosition = "bad_position"
	ReasonBadValue    = "bad_value"
	// ReasonChecksum: an NMEA sentence whose checksum does not match.
	ReasonChecksum = "checksum"
	// ReasonUnsupported: well-formed, but a message type, category or item the decoder does not handle.
	ReasonUnsupported = "unsupported"
	// ReasonIncomplete: a multi-part message whose parts did not all arrive in time.
	ReasonIncomplete = "incomplete"
	// ReasonTruncated: a binary record or block shorter than its length says.
	ReasonTruncated = "truncated"
)

// Error is a rejected payload: the reason (one of the Reason constants) and a
// message naming the field at fault.
//
// Field is the JSON path of the field, with detection indexes
// ("detections[2].lat", "platform.alt_m", "detections[0].id.icao"), or ""
// when the fault is the payload as a whole (its size or its JSON syntax).
type Error struct {
	Reason string
	Field  string
	Msg    string
}

// Error returns "<reason>: <field>: <msg>", or "<reason>: <msg>" when Field
// is empty.
func (e *Error) Error() string {
	if e.Field == "" {
		return e.Reason + ": " + e.Msg
	}
	return e.Reason + ": " + e.Field + ": " + e.Msg
}
