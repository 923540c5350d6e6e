package nmea

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/vigia-project/vigia/sensors"
)

// envelope is an AIS-catcher JSON message (MSGFORMAT JSON_NMEA or
// JSON_FULL): the sentences of one AIS message in "nmea", the receive time
// in "rxuxtime" (unix seconds, fractional) and "rxtime" ("YYYYMMDDhhmmss",
// UTC). Its HTTP/batch form wraps several in "msgs". Other fields (the
// decoded values of JSON_FULL, signal power, …) are ignored: the sentences
// are decoded here.
type envelope struct {
	NMEA     []string    `json:"nmea"`
	RxTime   *string     `json:"rxtime"`
	RxUxTime *float64    `json:"rxuxtime"`
	Msgs     []*envelope `json:"msgs"`
}

// decodeEnvelopes decodes a payload of one or more JSON objects (one per
// line or concatenated).
func (d *Decoder) decodeEnvelopes(c *call, payload []byte) {
	dec := json.NewDecoder(bytes.NewReader(payload))
	for obj := 0; ; obj++ {
		// The line the next object starts on.
		off := skipSpace(payload, int(dec.InputOffset()))
		line := 1 + bytes.Count(payload[:off], []byte{'\n'})
		var e envelope
		err := dec.Decode(&e)
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			c.errs = append(c.errs, errAt(sensors.ReasonMalformed, loc{line: line}, "AIS-catcher JSON: %v", err))
			return
		}
		d.stats.Envelopes++
		if e.Msgs != nil {
			for i, m := range e.Msgs {
				if m == nil {
					continue
				}
				d.decodeEnvelope(c, m, line, 2, i)
			}
			continue
		}
		d.decodeEnvelope(c, &e, line, 1, 0)
	}
}

func (d *Decoder) decodeEnvelope(c *call, e *envelope, line, env, msg int) {
	l0 := loc{line: line, env: env, msg: msg, idx: -1}
	if len(e.NMEA) == 0 {
		c.errs = append(c.errs, errAt(sensors.ReasonMalformed, l0, "AIS-catcher JSON without an \"nmea\" array"))
		return
	}
	c.hasEnv, c.envTime = false, stamp{}
	switch {
	case e.RxUxTime != nil:
		v := *e.RxUxTime
		if !(v > 0 && v < 1e11) {
			c.errs = append(c.errs, errAt(sensors.ReasonBadTime, l0, "rxuxtime %v is not a unix time", v))
			return
		}
		sec, frac := math.Modf(v)
		t := time.Unix(int64(sec), int64(math.Round(frac*1e6))*1000).UTC()
		c.hasEnv, c.envTime = true, stamp{t: t, fromPayload: true}
	case e.RxTime != nil:
		t, ok := parseRxTime(*e.RxTime)
		if !ok {
			c.errs = append(c.errs, errAt(sensors.ReasonBadTime, l0, "rxtime %q is not YYYYMMDDhhmmss", truncate([]byte(*e.RxTime), 20)))
			return
		}
		c.hasEnv, c.envTime = true, stamp{t: t, fromPayload: true}
	}
	for i, s := range e.NMEA {
		l := l0
		l.idx = i
		b := TrimSpace([]byte(s))
		if len(b) == 0 {
			c.errs = append(c.errs, errAt(sensors.ReasonMalformed, l, "empty sentence"))
			continue
		}
		d.decodeLine(c, b, l)
	}
	c.hasEnv, c.envTime = false, stamp{}
}

func parseRxTime(s string) (time.Time, bool) {
	if len(s) != 14 {
		return time.Time{}, false
	}
	var v [6]int
	w := [6]int{4, 2, 2, 2, 2, 2}
	p := 0
	for i := range v {
		n, err := strconv.Atoi(s[p : p+w[i]])
		if err != nil || n < 0 {
			return time.Time{}, false
		}
		v[i] = n
		p += w[i]
	}
	return Date(v[0], v[1], v[2], v[3], v[4], v[5], 0)
}
