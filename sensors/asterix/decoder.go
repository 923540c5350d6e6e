package asterix

import (
	"strconv"
	"time"

	"github.com/vigia-project/vigia/sensors"
)

// Options configures a Decoder.
type Options struct {
	// Sensor names the sensor in every report (Report.Sensor).
	Sensor string
	// MaxBytes rejects larger payloads before parsing (0: no limit).
	MaxBytes int
	// CAT062Edition is the edition of the CAT062 blocks; ASTERIX does not
	// carry it, so it must be configured per feed:
	//   - "" or "1.18", "1.19", "1.20", "1.21": the 1.x layout (the default);
	//   - "0.17": the pre-1.0 layout (24-bit I062/105, polar I062/180, another
	//     UAP), as sent by older SDPS;
	//   - "auto": per block, the 1.x layout, unless the block fails with it
	//     (a record does not parse, or holds a time or position that is
	//     impossible) and decodes with 0.17 without any error; then 0.17
	//     (Stats.CAT062Fallbacks counts those blocks). This is a heuristic: a
	//     0.17 block that happens to decode cleanly as 1.x is decoded as 1.x,
	//     with wrong values, and a damaged 1.x block that happens to decode
	//     cleanly as 0.17 gives wrong values instead of an error. Prefer the
	//     explicit edition of the feed.
	// Any other value rejects every CAT062 block with ReasonUnsupported
	// (Validate reports it up front).
	CAT062Edition string
}

// CAT062 editions (Options.CAT062Edition), resolved.
const (
	ed062v1x = iota
	ed062v017
	ed062Auto
	ed062Unknown
)

func cat062Edition(s string) int {
	switch s {
	case "", "1.18", "1.19", "1.20", "1.21":
		return ed062v1x
	case "0.17":
		return ed062v017
	case "auto":
		return ed062Auto
	}
	return ed062Unknown
}

// Validate reports options the decoder cannot honour (an unknown
// CAT062Edition), so that a configuration error shows before the first
// payload.
func (o Options) Validate() error {
	if cat062Edition(o.CAT062Edition) == ed062Unknown {
		return newErr(sensors.ReasonUnsupported, "CAT062 edition "+strconv.Quote(o.CAT062Edition)+
			` is not supported ("", "1.18" to "1.21", "0.17" or "auto")`)
	}
	return nil
}

// Stats counts what a Decoder has seen since it was made. Arrays are indexed
// by ASTERIX category.
type Stats struct {
	// Blocks and Records count the data blocks and records of each category
	// that parsed (a rejected block counts in neither).
	Blocks, Records [256]uint64
	// NoPosition counts records that parsed but carry no position (a CAT048
	// end-of-track message without I048/040, a CAT062 track without
	// I062/105, a CAT021 report without I021/130 or I021/131): they give no
	// report and no error.
	NoPosition uint64
	// CAT062Fallbacks counts, with CAT062Edition "auto", the CAT062 blocks
	// that failed with the 1.x layout and were decoded with 0.17 (they count
	// in Blocks and Records too).
	CAT062Fallbacks uint64
}

// Decoder decodes ASTERIX payloads of one sensor; see the package comment.
// It implements sensors.Decoder and, like every decoder, is used from one
// goroutine at a time.
type Decoder struct {
	opt   Options
	ed062 int // cat062Edition(opt.CAT062Edition)
	stats Stats
	// at[frn] is the payload offset of the current record's item at that
	// FRN, 0 when absent (no item can start at payload offset 0).
	at [maxFRN + 1]int
	// day caches the UTC midnight of the last receive time.
	dayStart, dayEnd time.Time
	// cur is the record being mapped (kept here so it does not escape per record).
	cur target
	// hook, when set (tests), sees every mapped record.
	hook func(*target)
}

var _ sensors.Decoder = (*Decoder)(nil)

// NewDecoder returns a decoder with options o.
func NewDecoder(o Options) *Decoder {
	return &Decoder{opt: o, ed062: cat062Edition(o.CAT062Edition)}
}

// Stats returns the counters.
func (d *Decoder) Stats() Stats { return d.stats }

// Decode implements sensors.Decoder. The payload is one or more ASTERIX data
// blocks. Each record of a decoded category gives at most one report,
// appended to dst in payload order. A block with a record that does not
// parse is rejected whole (its reports are withdrawn) with one error; the
// other blocks still decode. A block header whose length runs past the
// payload ends the payload: nothing after it can be framed.
//
// Error messages name the category, record (1-based within its block), item
// and byte offset; offsets count from the start of the payload.
func (d *Decoder) Decode(dst []sensors.Report, payload []byte, received time.Time) ([]sensors.Report, []error) {
	var errs []error
	if d.opt.MaxBytes > 0 && len(payload) > d.opt.MaxBytes {
		return dst, append(errs, newErr(sensors.ReasonTooLarge,
			"payload of "+strconv.Itoa(len(payload))+" bytes exceeds the limit of "+strconv.Itoa(d.opt.MaxBytes)))
	}
	if len(payload) == 0 {
		return dst, append(errs, newErr(sensors.ReasonMalformed, "empty payload"))
	}
	received = received.UTC()
	off := 0
	for off < len(payload) {
		if len(payload)-off < 3 {
			errs = append(errs, newErr(sensors.ReasonTruncated,
				"block at offset "+strconv.Itoa(off)+": "+strconv.Itoa(len(payload)-off)+" bytes left, a block header needs 3"))
			break
		}
		cat := payload[off]
		n := int(payload[off+1])<<8 | int(payload[off+2])
		if n < 3 {
			errs = append(errs, newErr(sensors.ReasonMalformed,
				"block at offset "+strconv.Itoa(off)+": "+catLabel(cat)+" length "+strconv.Itoa(n)+" is shorter than the 3-byte block header"))
			break
		}
		end := off + n
		if end > len(payload) {
			errs = append(errs, newErr(sensors.ReasonTruncated,
				"block at offset "+strconv.Itoa(off)+": "+catLabel(cat)+" length "+strconv.Itoa(n)+" past payload end "+strconv.Itoa(len(payload))))
			break
		}
		u := uaps[cat]
		if u == nil {
			errs = append(errs, newErr(sensors.ReasonUnsupported,
				"block at offset "+strconv.Itoa(off)+": "+catLabel(cat)+" (length "+strconv.Itoa(n)+") is not a supported category"))
			off = end
			continue
		}
		if cat == 62 {
			switch d.ed062 {
			case ed062v017:
				u = &uap062v017
			case ed062Auto:
				if d.probe(u, payload, off, end) != nil && d.probe(&uap062v017, payload, off, end) == nil {
					u = &uap062v017
					d.stats.CAT062Fallbacks++
				}
			case ed062Unknown:
				errs = append(errs, newErr(sensors.ReasonUnsupported,
					"block at offset "+strconv.Itoa(off)+": CAT062 edition "+strconv.Quote(d.opt.CAT062Edition)+" is not supported"))
				off = end
				continue
			}
		}
		var err error
		dst, errs, err = d.block(dst, errs, u, payload, off, end, received)
		if err != nil {
			errs = append(errs, err)
		} else {
			d.stats.Blocks[cat]++
		}
		off = end
	}
	return dst, errs
}

// block decodes the records of one block, payload[off:end]. On a parse
// failure it returns dst as it was before the block and the error.
// Record-level value errors (a time of day past midnight) drop only their
// record and are appended to errs.
func (d *Decoder) block(dst []sensors.Report, errs []error, u *uap, b []byte, off, end int, received time.Time) ([]sensors.Report, []error, error) {
	keep, keepErrs := len(dst), len(errs)
	nrec := 0
	pos := off + 3
	var recs uint64
	for pos < end {
		nrec++
		next, err := d.record(u, b, pos, end, nrec)
		if err != nil {
			return dst[:keep], errs[:keepErrs], err
		}
		recs++
		t := &d.cur
		*t = target{cat: u.cat, rec: b[pos:next]}
		if verr := d.mapRecord(u, t, b); verr != nil {
			errs = append(errs, recErr(u, nrec, verr))
		} else {
			if d.hook != nil {
				d.hook(t)
			}
			dst = d.emit(dst, t, received)
		}
		pos = next
	}
	d.stats.Records[u.cat] += recs
	return dst, errs, nil
}

// mapRecord reads the mapped items of the record just measured into t.
func (d *Decoder) mapRecord(u *uap, t *target, b []byte) error {
	switch u {
	case &uap048:
		return d.map048(t, b)
	case &uap062:
		return d.map062(t, b)
	case &uap062v017:
		return d.map062v017(t, b)
	case &uap021:
		return d.map021(t, b)
	case &uap034:
		return d.map034(t, b)
	case &uap065:
		return d.map065(t, b)
	}
	return nil
}

// probe reports the first error that decoding the block b[off:end] with u
// would give (a record that does not parse, or a value error), without
// emitting, counting or calling the hook.
func (d *Decoder) probe(u *uap, b []byte, off, end int) error {
	nrec := 0
	for pos := off + 3; pos < end; {
		nrec++
		next, err := d.record(u, b, pos, end, nrec)
		if err != nil {
			return err
		}
		t := &d.cur
		*t = target{cat: u.cat, rec: b[pos:next]}
		if err := d.mapRecord(u, t, b); err != nil {
			return recErr(u, nrec, err)
		}
		pos = next
	}
	return nil
}

// record measures the record at b[pos:end]: it reads the FSPEC and every item
// it announces, filling d.at, and returns the offset after the record.
func (d *Decoder) record(u *uap, b []byte, pos, end, nrec int) (int, error) {
	clear(d.at[:])
	fs := pos
	for {
		if fs >= end {
			return 0, recErr(u, nrec, perr{sensors.ReasonTruncated,
				"FSPEC at offset " + strconv.Itoa(pos) + " runs past block end " + strconv.Itoa(end)})
		}
		c := b[fs]
		fs++
		if c&1 == 0 {
			break
		}
	}
	p := fs
	frn := 0
	any := false
	for i := pos; i < fs; i++ {
		c := b[i]
		for bit := 7; bit >= 1; bit-- {
			frn++
			if c&(1<<bit) == 0 {
				continue
			}
			any = true
			if frn > len(u.items) || u.items[frn-1].kind == kNone {
				return 0, recErr(u, nrec, perr{sensors.ReasonMalformed,
					"FSPEC at offset " + strconv.Itoa(pos) + " sets FRN " + strconv.Itoa(frn) + ", which the " + u.label + " UAP does not define"})
			}
			it := &u.items[frn-1]
			n, err := it.size(b, p, end)
			if err != nil {
				return 0, recErr(u, nrec, perr{err.reason, "item " + it.name + " at offset " + strconv.Itoa(p) + ": " + err.msg})
			}
			d.at[frn] = p
			p += n
		}
	}
	if !any {
		return 0, recErr(u, nrec, perr{sensors.ReasonMalformed, "FSPEC at offset " + strconv.Itoa(pos) + " announces no item"})
	}
	return p, nil
}

// perr is a parse failure before the category and record are prefixed.
type perr struct {
	reason string
	msg    string
}

// sizeErr is returned by item.size.
type sizeErr = *perr

// size returns the length of the item starting at b[off], which must end by
// end.
func (it *item) size(b []byte, off, end int) (int, sizeErr) {
	switch it.kind {
	case kFixed:
		if off+it.n > end {
			return 0, pastEnd(it.n, end)
		}
		return it.n, nil
	case kExtended, kRepFX:
		part := it.n
		i := off
		for {
			if i+part > end {
				return 0, &perr{sensors.ReasonTruncated, "FX extension at offset " + strconv.Itoa(i) + " past block end " + strconv.Itoa(end)}
			}
			i += part
			if b[i-1]&1 == 0 {
				return i - off, nil
			}
			if it.kind == kExtended {
				part = it.m
			}
		}
	case kRepetitive:
		if off+1 > end {
			return 0, pastEnd(1, end)
		}
		n := 1 + int(b[off])*it.n
		if off+n > end {
			return 0, &perr{sensors.ReasonTruncated, "repetition count " + strconv.Itoa(int(b[off])) + " gives length " + strconv.Itoa(n) + " past block end " + strconv.Itoa(end)}
		}
		return n, nil
	case kExplicit:
		if off+1 > end {
			return 0, pastEnd(1, end)
		}
		n := int(b[off])
		if n == 0 {
			return 0, &perr{sensors.ReasonMalformed, "explicit length 0 (it counts its own octet)"}
		}
		if off+n > end {
			return 0, pastEnd(n, end)
		}
		return n, nil
	case kCompound:
		// Primary subfield: presence bits, FX-extended.
		i := off
		for {
			if i >= end {
				return 0, &perr{sensors.ReasonTruncated, "compound primary subfield past block end " + strconv.Itoa(end)}
			}
			i++
			if b[i-1]&1 == 0 {
				break
			}
		}
		p := i
		slot := 0
		for j := off; j < i; j++ {
			c := b[j]
			for bit := 7; bit >= 1; bit-- {
				if c&(1<<bit) != 0 {
					if slot >= len(it.subs) || it.subs[slot].kind == kNone {
						return 0, &perr{sensors.ReasonMalformed, "subfield " + strconv.Itoa(slot+1) + " is not defined"}
					}
					n, err := it.subs[slot].size(b, p, end)
					if err != nil {
						return 0, &perr{err.reason, "subfield " + strconv.Itoa(slot+1) + " at offset " + strconv.Itoa(p) + ": " + err.msg}
					}
					p += n
				}
				slot++
			}
		}
		return p - off, nil
	}
	return 0, &perr{sensors.ReasonMalformed, "item has no layout"}
}

// subfield returns the offset of subfield slot k (0-based) of the compound
// item starting at b[off], or 0 when the subfield is absent. The item must
// have been measured by size.
func (it *item) subfield(b []byte, off, k int) int {
	i := off
	for i < len(b) {
		i++
		if b[i-1]&1 == 0 {
			break
		}
	}
	p := i
	slot := 0
	for j := off; j < i; j++ {
		c := b[j]
		for bit := 7; bit >= 1; bit-- {
			if c&(1<<bit) != 0 {
				if slot == k {
					return p
				}
				if slot >= len(it.subs) {
					return 0
				}
				n, err := it.subs[slot].size(b, p, len(b))
				if err != nil {
					return 0
				}
				p += n
			}
			slot++
		}
	}
	return 0
}

func pastEnd(n, end int) sizeErr {
	return &perr{sensors.ReasonTruncated, "length " + strconv.Itoa(n) + " past block end " + strconv.Itoa(end)}
}

// Error implements error so that a perr can travel as one.
func (e perr) Error() string { return e.msg }

// recErr prefixes the category and record number.
func recErr(u *uap, nrec int, err error) error {
	reason := sensors.ReasonMalformed
	msg := err.Error()
	switch e := err.(type) {
	case perr:
		reason = e.reason
	case *perr:
		reason = e.reason
	}
	return newErr(reason, u.label+" record "+strconv.Itoa(nrec)+": "+msg)
}

func newErr(reason, msg string) error {
	return &sensors.Error{Reason: reason, Msg: msg}
}

// catLabel returns "CAT048" for 48.
func catLabel(c uint8) string {
	return "CAT" + string([]byte{'0' + c/100, '0' + c/10%10, '0' + c%10})
}
