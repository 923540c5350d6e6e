// Package recording reads and writes Vigia recordings (SPEC §7): JSON
// Lines, one received MQTT message a line, with its receive time, topic, QoS
// and payload — as text when it is valid UTF-8, else base64:
//
//	{"time":"2026-11-28T06:00:00.25Z","topic":"vigia/obs/radar/radar-brownsville","qos":1,"payload":"{\"sensor\":…}"}
//	{"time":"2026-11-28T06:00:00.5Z","topic":"vigia/obs/radar/asterix-1","qos":0,"payload_b64":"MAAw…"}
//
// Files may be gzipped (.gz); they stay readable with zcat and jq. A torn
// last line (a crash mid-write) is skipped with a warning, never fatal.
package recording

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// Entry is one recorded message.
type Entry struct {
	Time    time.Time // when it was received (UTC)
	Topic   string
	QoS     byte
	Payload []byte
}

// line is an Entry as written.
type line struct {
	Time       string  `json:"time"`
	Topic      string  `json:"topic"`
	QoS        byte    `json:"qos"`
	Payload    *string `json:"payload,omitempty"`
	PayloadB64 *string `json:"payload_b64,omitempty"`
}

// TimeLayout is how entry times are written: RFC 3339, UTC, nanoseconds
// with trailing zeros trimmed.
const TimeLayout = time.RFC3339Nano

// MarshalLine returns the entry as one JSON line, newline included.
func (e *Entry) MarshalLine() ([]byte, error) {
	if e.Topic == "" {
		return nil, errors.New("recording: entry without topic")
	}
	if e.QoS > 2 {
		return nil, fmt.Errorf("recording: entry on %s: QoS %d", e.Topic, e.QoS)
	}
	if y := e.Time.UTC().Year(); y < 0 || y > 9999 {
		return nil, fmt.Errorf("recording: entry on %s: time %v out of range", e.Topic, e.Time)
	}
	l := line{Time: e.Time.UTC().Format(TimeLayout), Topic: e.Topic, QoS: e.QoS}
	if utf8.Valid(e.Payload) {
		s := string(e.Payload)
		l.Payload = &s
	} else {
		s := base64.StdEncoding.EncodeToString(e.Payload)
		l.PayloadB64 = &s
	}
	b, err := json.Marshal(l)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// UnmarshalLine parses one line (without its newline).
func UnmarshalLine(b []byte) (Entry, error) {
	var l line
	if err := json.Unmarshal(b, &l); err != nil {
		return Entry{}, fmt.Errorf("not a recording line: %w", err)
	}
	t, err := time.Parse(time.RFC3339Nano, l.Time)
	if err != nil {
		return Entry{}, fmt.Errorf("time %q: %w", l.Time, err)
	}
	if y := t.UTC().Year(); y < 0 || y > 9999 {
		// RFC 3339 has four-digit years: such a time could not be written back.
		return Entry{}, fmt.Errorf("time %q out of range", l.Time)
	}
	if l.Topic == "" {
		return Entry{}, errors.New("no topic")
	}
	if l.QoS > 2 {
		return Entry{}, fmt.Errorf("QoS %d", l.QoS)
	}
	e := Entry{Time: t.UTC(), Topic: l.Topic, QoS: l.QoS}
	switch {
	case l.Payload != nil && l.PayloadB64 != nil:
		return Entry{}, errors.New("both payload and payload_b64")
	case l.Payload != nil:
		e.Payload = []byte(*l.Payload)
	case l.PayloadB64 != nil:
		if e.Payload, err = base64.StdEncoding.DecodeString(*l.PayloadB64); err != nil {
			return Entry{}, fmt.Errorf("payload_b64: %w", err)
		}
	default:
		e.Payload = []byte{}
	}
	return e, nil
}
