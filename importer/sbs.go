package importer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"time"
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
// date and time generated (fields 7–8), else logged (9–10), in loc.
func sbsLine(line []byte, loc *time.Location) (t time.Time, src string, reason string) {
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
		t, ok := sbsTime(f[6], f[7], loc)
		if !ok {
			return t, "", skipSBSTime
		}
		return t, "sbs_generated", ""
	}
	if len(f) >= 10 && (len(f[8]) > 0 || len(f[9]) > 0) {
		if t, ok := sbsTime(f[8], f[9], loc); ok {
			return t, "sbs_logged", ""
		}
	}
	return time.Time{}, "", ""
}

// sbsTime parses "2008/11/28" ("-" accepted too) and "23:48:18.611"
// (fraction optional, up to 9 digits) in loc, as the decoder does.
func sbsTime(date, clock []byte, loc *time.Location) (time.Time, bool) {
	if len(date) != 10 || len(clock) < 8 || clock[2] != ':' || clock[5] != ':' {
		return time.Time{}, false
	}
	if (date[4] != '/' || date[7] != '/') && (date[4] != '-' || date[7] != '-') {
		return time.Time{}, false
	}
	y, ok1 := digits(date[0:4])
	mo, ok2 := digits(date[5:7])
	dd, ok3 := digits(date[8:10])
	h, ok4 := digits(clock[0:2])
	mi, ok5 := digits(clock[3:5])
	s, ok6 := digits(clock[6:8])
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 {
		return time.Time{}, false
	}
	ns := 0
	if len(clock) > 8 {
		frac := clock[9:]
		if clock[8] != '.' || len(frac) == 0 || len(frac) > 9 {
			return time.Time{}, false
		}
		v, ok := digits(frac)
		if !ok {
			return time.Time{}, false
		}
		for i := len(frac); i < 9; i++ {
			v *= 10
		}
		ns = v
	}
	if _, ok := validDate(y, mo, dd, h, mi, s, ns); !ok {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), dd, h, mi, s, ns, loc).UTC(), true
}

func importSBS(ctx context.Context, r io.Reader, e *emitter) error {
	clk := newClock(e.o, e.res)
	var held [][]byte
	lr := newLineReader(r, 64<<10)
	for n := 0; ; n++ {
		if n&4095 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		raw, tooLong, err := lr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		line := trimSpace(bytes.TrimPrefix(raw, []byte("\ufeff")))
		if len(line) == 0 {
			continue
		}
		e.res.Read++
		if tooLong {
			e.res.skip(skipSBSLong)
			continue
		}
		fix, src, reason := sbsLine(line, e.o.Location)
		if reason != "" {
			e.res.skip(reason)
			continue
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
			continue
		}
		for k, h := range held {
			if err := e.put(clk.heldTime(k, t), h, 1); err != nil {
				return err
			}
		}
		held = nil
		if err := e.put(t, line, 1); err != nil {
			return err
		}
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
