package importer

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"io"
)

// Reasons ASTERIX input is skipped.
const (
	skipNotASTERIX = "not_asterix" // a UDP payload that is not a whole sequence of data blocks
	skipOtherPort  = "other_port"  // a datagram not to or from Options.UDPPort
	skipBadBlock   = "bad_block"   // raw file: a block header with a length below 3 (the rest is unreadable)
	skipTornBlock  = "torn_block"  // raw file: the file ends inside a block
)

// IsASTERIX reports whether b is a whole sequence of ASTERIX data blocks:
// each a category octet (not 0), a two-octet big-endian length counting the
// whole block (at least 3), the blocks ending exactly at the end of b.
func IsASTERIX(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for len(b) > 0 {
		if len(b) < 3 || b[0] == 0 {
			return false
		}
		n := int(binary.BigEndian.Uint16(b[1:]))
		if n < 3 || n > len(b) {
			return false
		}
		b = b[n:]
	}
	return true
}

func importASTERIX(ctx context.Context, r io.Reader, e *emitter) error {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	head, _ := br.Peek(4)
	if IsCapture(head) {
		return importCapture(ctx, br, e)
	}
	e.res.Container = "raw"
	return importRawASTERIX(ctx, br, e)
}

func importCapture(ctx context.Context, r io.Reader, e *emitter) error {
	c, err := NewCaptureReader(r)
	if err != nil {
		return err
	}
	e.res.Container = c.Format
	clk := newClock(e.o, e.res)
	defer func() {
		e.res.Read = c.Packets
		for k, v := range c.Skipped {
			if e.res.Skipped == nil {
				e.res.Skipped = map[string]int{}
			}
			e.res.Skipped[k] += v
		}
	}()
	for n := 0; ; n++ {
		if n&1023 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		d, err := c.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if p := e.o.UDPPort; p != 0 && int(d.Src.Port()) != p && int(d.Dst.Port()) != p {
			e.res.skip(skipOtherPort)
			continue
		}
		if !IsASTERIX(d.Payload) {
			e.res.skip(skipNotASTERIX)
			continue
		}
		t, _ := clk.stamp(d.Time, true, "capture")
		if err := e.put(t, d.Payload, 1); err != nil {
			return err
		}
	}
}

func importRawASTERIX(ctx context.Context, r io.Reader, e *emitter) error {
	clk := newClock(e.o, e.res)
	var h [3]byte
	for n := 0; ; n++ {
		if n&1023 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		_, err := io.ReadFull(r, h[:])
		if errors.Is(err, io.EOF) {
			return nil
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			e.res.Read++
			e.res.skip(skipTornBlock)
			return nil
		}
		if err != nil {
			return err
		}
		e.res.Read++
		size := int(binary.BigEndian.Uint16(h[1:]))
		if size < 3 || h[0] == 0 {
			e.res.skip(skipBadBlock)
			return nil
		}
		block := make([]byte, size)
		copy(block, h[:])
		if _, err := io.ReadFull(r, block[3:]); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				e.res.skip(skipTornBlock)
				return nil
			}
			return err
		}
		if !clk.hasStart {
			return ErrNoTime
		}
		if err := e.put(clk.startTime(), block, 1); err != nil {
			return err
		}
	}
}
