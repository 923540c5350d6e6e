package importer

import (
	"bytes"
	"context"
	"io"
	"time"

	"github.com/vigia-project/vigia/sensors/adsb"
	"github.com/vigia-project/vigia/sensors/nmea"
)

// Reasons an SBS line is skipped.
const (
	skipNotSBS    = "not_sbs" // not a BaseStation record (MSG, SEL, ID, AIR, STA, CLK)
	skipTooFew    = "too_few_fields"
	skipSBSTime   = "bad_time" // date/time generated present but not a time
	skipSBSLong   = "too_long" // over 1 KiB: no BaseStation line is this long
	sbsMaxLineLen = 1024
)

// sbsLine checks an SBS line (trimmed, non-empty) and returns its time: the
// date and time generated (fields 7–8), else logged (9–10), read by tp.
func sbsLine(line []byte, tp *adsb.SBSTimeParser) (t time.Time, src string, reason string) {
	if len(line) > sbsMaxLineLen {
		return t, "", skipSBSLong
	}
	f := bytes.SplitN(line, []byte{','}, 11)
	switch string(f[0]) {
	case "MSG":
		if len(f) < 10 {
			return t, "", skipTooFew
		}
	case "SEL", "ID", "AIR", "STA", "CLK":
		if len(f) < 5 {
			return t, "", skipTooFew
		}
	default:
		return t, "", skipNotSBS
	}
	if len(f) >= 8 && (len(f[6]) > 0 || len(f[7]) > 0) {
		t, ok := tp.Parse(f[6], f[7])
		if !ok {
			return t, "", skipSBSTime
		}
		return t, "sbs_generated", ""
	}
	if len(f) >= 10 && (len(f[8]) > 0 || len(f[9]) > 0) {
		if t, ok := tp.Parse(f[8], f[9]); ok {
			return t, "sbs_logged", ""
		}
	}
	return time.Time{}, "", ""
}

func importSBS(ctx context.Context, r io.Reader, e *emitter) error {
	clk := newClock(e.o, e.res)
	tp := adsb.NewSBSTimeParser(e.o.Location)
	var held [][]byte
	// The same white space as around an NMEA log's lines (NUL included),
	// and a byte-order mark.
	trim := func(raw []byte) []byte { return nmea.TrimSpace(bytes.TrimPrefix(raw, []byte("\ufeff"))) }
	err := eachLine(ctx, r, e, trim, skipSBSLong, func(line []byte) error {
		fix, src, reason := sbsLine(line, tp)
		if reason != "" {
			e.res.skip(reason)
			return nil
		}
		line = append([]byte(nil), line...)
		t, deferred := clk.stamp(fix, src != "", src)
		if deferred {
			held = append(held, line)
			if len(held) >= maxHeld {
				if !clk.hasStart {
					return ErrNoTime
				}
				for _, h := range held {
					if err := e.put(clk.startTime(), h, 1); err != nil {
						return err
					}
				}
				held = nil
			}
			return nil
		}
		for k, h := range held {
			if err := e.put(clk.heldTime(k, t), h, 1); err != nil {
				return err
			}
		}
		held = nil
		return e.put(t, line, 1)
	})
	if err != nil {
		return err
	}
	if len(held) > 0 {
		if !clk.hasStart {
			return ErrNoTime
		}
		for _, h := range held {
			if err := e.put(clk.startTime(), h, 1); err != nil {
				return err
			}
		}
	}
	return nil
}
