package importer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"net/netip"
	"sort"
	"time"
)

// Datagram is one UDP datagram of a capture.
type Datagram struct {
	// Time is the capture time of the packet (of its last fragment).
	Time time.Time
	// Src and Dst are the addresses and ports of the datagram.
	Src, Dst netip.AddrPort
	// Payload is the UDP payload. It is the datagram's own copy.
	Payload []byte
}

// Reasons a captured packet is skipped.
const (
	skipNotIP        = "not_ip"            // a link-layer frame that holds neither IPv4 nor IPv6
	skipNotUDP       = "not_udp"           // an IP packet that is not UDP (or IPv6 with extension headers)
	skipTruncated    = "truncated"         // cut by the capture's snap length, or bad IP/UDP lengths
	skipFragment     = "fragment"          // an IPv4 fragment whose datagram never completed
	skipNoTime       = "no_time"           // pcapng simple packet block: no timestamp
	skipTornRecord   = "torn_record"       // the capture ends inside a packet record
	skipCorrupt      = "corrupt"           // a record header that makes no sense: the rest is unreadable
	skipBadInterface = "unknown_interface" // pcapng packet of an interface not described
)

// Link types handled (https://www.tcpdump.org/linktypes.html).
const (
	linkNull     = 0   // BSD loopback: 4-byte address family, host order
	linkEthernet = 1   // Ethernet II, 802.1Q/802.1ad tags
	linkRaw      = 101 // raw IPv4 or IPv6
	linkRawBSD1  = 12  // DLT_RAW on some BSDs
	linkRawBSD2  = 14  // DLT_RAW on OpenBSD
	linkLoop     = 108 // OpenBSD loopback: 4-byte address family, network order
	linkSLL      = 113 // Linux cooked capture v1
	linkIPv4     = 228
	linkIPv6     = 229
	linkSLL2     = 276 // Linux cooked capture v2
)

func linkSupported(l uint32) bool {
	switch l {
	case linkNull, linkEthernet, linkRaw, linkRawBSD1, linkRawBSD2, linkLoop, linkSLL, linkIPv4, linkIPv6, linkSLL2:
		return true
	}
	return false
}

// maxRecord bounds a packet record; beyond it the capture is corrupt.
const maxRecord = 16 << 20

// CaptureReader reads the UDP datagrams of a classic libpcap capture
// (either byte order, micro- or nanosecond timestamps) or of a pcapng
// capture (every section and interface, with its timestamp resolution and
// offset). Packets that are not UDP are counted in Skipped; IPv4 fragments
// are reassembled.
type CaptureReader struct {
	r       io.Reader
	ng      bool
	bo      binary.ByteOrder
	nano    bool
	link    uint32
	ifaces  []ngIface
	buf     []byte
	frags   map[fragKey]*fragments
	fragSeq []fragKey
	done    bool
	// Format is "pcap" or "pcapng".
	Format string
	// Packets counts the packet records read.
	Packets int
	// Skipped counts the packets not returned, by reason.
	Skipped map[string]int
}

type ngIface struct {
	link   uint32
	unitNs uint64 // nanoseconds per unit when resolution is 10^-n, n <= 9
	div10  uint64 // divisor to nanoseconds when 10^-n, n > 9
	pow2   uint   // 2^-pow2 units when > 0
	offset int64  // if_tsoffset, seconds
}

// Magic numbers.
const (
	pcapMagicMicro = 0xa1b2c3d4
	pcapMagicNano  = 0xa1b23c4d
	pcapngSHB      = 0x0a0d0d0a
	pcapngBOM      = 0x1a2b3c4d
)

// IsCapture reports whether the first four bytes of a file are those of a
// pcap or pcapng capture.
func IsCapture(head []byte) bool {
	if len(head) < 4 {
		return false
	}
	switch binary.LittleEndian.Uint32(head) {
	case pcapMagicMicro, pcapMagicNano, 0xd4c3b2a1, 0x4d3cb2a1, pcapngSHB:
		return true
	}
	return false
}

// NewCaptureReader reads the global header of a pcap capture, or the first
// section header of a pcapng capture.
func NewCaptureReader(r io.Reader) (*CaptureReader, error) {
	c := &CaptureReader{r: r, Skipped: map[string]int{}, frags: map[fragKey]*fragments{}}
	var h [24]byte
	if _, err := io.ReadFull(r, h[:4]); err != nil {
		return nil, fmt.Errorf("capture: no header: %w", err)
	}
	switch binary.LittleEndian.Uint32(h[:]) {
	case pcapMagicMicro:
		c.bo = binary.LittleEndian
	case pcapMagicNano:
		c.bo, c.nano = binary.LittleEndian, true
	case 0xd4c3b2a1:
		c.bo = binary.BigEndian
	case 0x4d3cb2a1:
		c.bo, c.nano = binary.BigEndian, true
	case pcapngSHB:
		c.ng, c.Format = true, "pcapng"
		if err := c.readSHB(); err != nil {
			return nil, err
		}
		return c, nil
	default:
		return nil, fmt.Errorf("capture: magic % x is neither pcap nor pcapng", h[:4])
	}
	c.Format = "pcap"
	if _, err := io.ReadFull(r, h[4:]); err != nil {
		return nil, fmt.Errorf("pcap: global header: %w", err)
	}
	c.link = c.bo.Uint32(h[20:]) & 0xffff
	if !linkSupported(c.link) {
		return nil, fmt.Errorf("pcap: link type %d not handled (Ethernet, Linux cooked, loopback and raw IP are)", c.link)
	}
	return c, nil
}

func (c *CaptureReader) skip(reason string) { c.Skipped[reason]++ }

// Next returns the next UDP datagram, or io.EOF after the last. Packets
// that cannot be used are counted in Skipped, not returned as errors; an
// error other than io.EOF is a read error of the underlying reader.
func (c *CaptureReader) Next() (Datagram, error) {
	for !c.done {
		at, link, frame, err := c.record()
		if err != nil {
			if errors.Is(err, io.EOF) {
				c.finish()
			}
			return Datagram{}, err
		}
		if frame == nil {
			continue
		}
		d, ok := c.frame(at, link, frame)
		if ok {
			return d, nil
		}
	}
	return Datagram{}, io.EOF
}

// finish counts what is left at the end of the capture.
func (c *CaptureReader) finish() {
	if c.done {
		return
	}
	c.done = true
	for _, f := range c.frags {
		c.Skipped[skipFragment] += f.n
	}
	c.frags = nil
}

// readFull reads n bytes into c.buf; io.ErrUnexpectedEOF becomes a torn record.
func (c *CaptureReader) readFull(n int) ([]byte, error) {
	if cap(c.buf) < n {
		c.buf = make([]byte, n)
	}
	b := c.buf[:n]
	if _, err := io.ReadFull(c.r, b); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			c.skip(skipTornRecord)
			return nil, io.EOF
		}
		return nil, err
	}
	return b, nil
}

// record returns the next packet record: its time, link type and frame
// (nil for a record that is not a packet, or a packet skipped).
func (c *CaptureReader) record() (time.Time, uint32, []byte, error) {
	if c.ng {
		return c.ngBlock()
	}
	var h [16]byte
	n, err := io.ReadFull(c.r, h[:])
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) && n > 0 {
			c.skip(skipTornRecord)
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			err = io.EOF
		}
		return time.Time{}, 0, nil, err
	}
	sec, frac, incl := c.bo.Uint32(h[0:]), c.bo.Uint32(h[4:]), c.bo.Uint32(h[8:])
	if incl > maxRecord {
		c.skip(skipCorrupt)
		c.finish()
		return time.Time{}, 0, nil, io.EOF
	}
	c.Packets++
	b, err := c.readFull(int(incl))
	if err != nil {
		return time.Time{}, 0, nil, err
	}
	if len(b) == 0 {
		c.skip(skipTruncated)
		return time.Time{}, 0, nil, nil
	}
	ns := int64(frac)
	if !c.nano {
		ns *= 1000
	}
	if ns >= 1e9 {
		c.skip(skipCorrupt)
		return time.Time{}, 0, nil, nil
	}
	return time.Unix(int64(sec), ns).UTC(), c.link, b, nil
}

// readSHB reads the rest of a pcapng section header block (its type is read).
func (c *CaptureReader) readSHB() error {
	var h [8]byte
	if _, err := io.ReadFull(c.r, h[:]); err != nil {
		return fmt.Errorf("pcapng: section header: %w", err)
	}
	switch binary.LittleEndian.Uint32(h[4:]) {
	case pcapngBOM:
		c.bo = binary.LittleEndian
	case 0x4d3c2b1a:
		c.bo = binary.BigEndian
	default:
		return fmt.Errorf("pcapng: byte-order magic % x", h[4:])
	}
	total := c.bo.Uint32(h[0:])
	if total < 28 || total%4 != 0 || total > maxRecord {
		return fmt.Errorf("pcapng: section header length %d", total)
	}
	if _, err := c.readFull(int(total) - 12); err != nil {
		return fmt.Errorf("pcapng: section header: %w", err)
	}
	c.ifaces = c.ifaces[:0]
	return nil
}

// ngBlock reads one pcapng block.
func (c *CaptureReader) ngBlock() (time.Time, uint32, []byte, error) {
	var h [8]byte
	n, err := io.ReadFull(c.r, h[:4])
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) && n > 0 {
			c.skip(skipTornRecord)
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			err = io.EOF
		}
		return time.Time{}, 0, nil, err
	}
	if binary.LittleEndian.Uint32(h[:4]) == pcapngSHB {
		if err := c.readSHB(); err != nil {
			c.skip(skipCorrupt)
			c.finish()
			return time.Time{}, 0, nil, io.EOF
		}
		return time.Time{}, 0, nil, nil
	}
	if _, err := io.ReadFull(c.r, h[4:]); err != nil {
		c.skip(skipTornRecord)
		return time.Time{}, 0, nil, io.EOF
	}
	typ, total := c.bo.Uint32(h[0:]), c.bo.Uint32(h[4:])
	if total < 12 || total%4 != 0 || total > maxRecord {
		c.skip(skipCorrupt)
		c.finish()
		return time.Time{}, 0, nil, io.EOF
	}
	body, err := c.readFull(int(total) - 8)
	if err != nil {
		return time.Time{}, 0, nil, err
	}
	body = body[:len(body)-4] // the trailing total length
	switch typ {
	case 1: // interface description
		if len(body) < 8 {
			c.skip(skipCorrupt)
			return time.Time{}, 0, nil, nil
		}
		c.ifaces = append(c.ifaces, c.parseIDB(body))
		return time.Time{}, 0, nil, nil
	case 6, 2: // enhanced packet, (obsolete) packet
		c.Packets++
		var id uint32
		var hi, lo, capLen uint32
		var data []byte
		if typ == 6 {
			if len(body) < 20 {
				c.skip(skipCorrupt)
				return time.Time{}, 0, nil, nil
			}
			id = c.bo.Uint32(body[0:])
			hi, lo, capLen = c.bo.Uint32(body[4:]), c.bo.Uint32(body[8:]), c.bo.Uint32(body[12:])
			data = body[20:]
		} else {
			if len(body) < 20 {
				c.skip(skipCorrupt)
				return time.Time{}, 0, nil, nil
			}
			id = uint32(c.bo.Uint16(body[0:]))
			hi, lo, capLen = c.bo.Uint32(body[4:]), c.bo.Uint32(body[8:]), c.bo.Uint32(body[12:])
			data = body[20:]
		}
		if uint64(capLen) > uint64(len(data)) {
			c.skip(skipCorrupt)
			return time.Time{}, 0, nil, nil
		}
		if int(id) >= len(c.ifaces) {
			c.skip(skipBadInterface)
			return time.Time{}, 0, nil, nil
		}
		if capLen == 0 {
			c.skip(skipTruncated)
			return time.Time{}, 0, nil, nil
		}
		ifc := c.ifaces[id]
		return ifc.time(uint64(hi)<<32 | uint64(lo)), ifc.link, data[:capLen], nil
	case 3: // simple packet: no timestamp
		c.Packets++
		c.skip(skipNoTime)
		return time.Time{}, 0, nil, nil
	}
	return time.Time{}, 0, nil, nil
}

// parseIDB reads an interface description block body.
func (c *CaptureReader) parseIDB(body []byte) ngIface {
	ifc := ngIface{link: uint32(c.bo.Uint16(body[0:])), unitNs: 1000}
	opts := body[8:]
	for len(opts) >= 4 {
		code, l := c.bo.Uint16(opts[0:]), int(c.bo.Uint16(opts[2:]))
		if code == 0 || 4+l > len(opts) {
			break
		}
		v := opts[4 : 4+l]
		switch {
		case code == 9 && l >= 1: // if_tsresol
			r := v[0]
			ifc.unitNs, ifc.div10, ifc.pow2 = 0, 0, 0
			switch {
			case r&0x80 != 0:
				ifc.pow2 = uint(r & 0x7f)
				if ifc.pow2 == 0 {
					ifc.unitNs = 1e9
				}
			case r <= 9:
				ifc.unitNs = pow10(9 - int(r))
			case r <= 19:
				ifc.div10 = pow10(int(r) - 9)
			default:
				ifc.div10 = pow10(10) // absurd: treat as 10^-19
			}
		case code == 14 && l == 8: // if_tsoffset
			ifc.offset = int64(c.bo.Uint64(v))
		}
		opts = opts[4+(l+3)&^3:]
	}
	if !linkSupported(ifc.link) {
		ifc.link = 0xffffffff
	}
	return ifc
}

func pow10(n int) uint64 {
	p := uint64(1)
	for range n {
		p *= 10
	}
	return p
}

// time converts a pcapng timestamp of the interface.
func (ifc ngIface) time(ts uint64) time.Time {
	var sec, ns uint64
	switch {
	case ifc.pow2 > 0 && ifc.pow2 < 64:
		sec = ts >> ifc.pow2
		hi, lo := bits.Mul64(ts&(1<<ifc.pow2-1), 1e9)
		ns, _ = bits.Div64(hi, lo, 1<<ifc.pow2)
	case ifc.pow2 >= 64:
		ns = 0
	case ifc.div10 > 0:
		sec, ns = (ts/ifc.div10)/1e9, (ts/ifc.div10)%1e9
	default:
		hi, lo := bits.Mul64(ts, ifc.unitNs)
		if hi >= 1e9 {
			return time.Unix(1<<62, 0) // absurd; the clock check handles it
		}
		q, r := bits.Div64(hi, lo, 1e9)
		sec, ns = q, r
	}
	if sec > 1<<62 {
		sec = 1 << 62
	}
	return time.Unix(int64(sec)+ifc.offset, int64(ns)).UTC()
}

// frame extracts the UDP datagram of a link-layer frame.
func (c *CaptureReader) frame(at time.Time, link uint32, frame []byte) (Datagram, bool) {
	var ip []byte
	switch link {
	case linkEthernet:
		if len(frame) < 14 {
			c.skip(skipTruncated)
			return Datagram{}, false
		}
		et := binary.BigEndian.Uint16(frame[12:])
		p := frame[14:]
		for (et == 0x8100 || et == 0x88a8 || et == 0x9100) && len(p) >= 4 {
			et = binary.BigEndian.Uint16(p[2:])
			p = p[4:]
		}
		if et != 0x0800 && et != 0x86dd {
			c.skip(skipNotIP)
			return Datagram{}, false
		}
		ip = p
	case linkSLL:
		if len(frame) < 16 {
			c.skip(skipTruncated)
			return Datagram{}, false
		}
		if et := binary.BigEndian.Uint16(frame[14:]); et != 0x0800 && et != 0x86dd {
			c.skip(skipNotIP)
			return Datagram{}, false
		}
		ip = frame[16:]
	case linkSLL2:
		if len(frame) < 20 {
			c.skip(skipTruncated)
			return Datagram{}, false
		}
		if et := binary.BigEndian.Uint16(frame[0:]); et != 0x0800 && et != 0x86dd {
			c.skip(skipNotIP)
			return Datagram{}, false
		}
		ip = frame[20:]
	case linkNull, linkLoop:
		if len(frame) < 4 {
			c.skip(skipTruncated)
			return Datagram{}, false
		}
		ip = frame[4:] // the address family is checked by the IP version below
	case linkRaw, linkRawBSD1, linkRawBSD2, linkIPv4, linkIPv6:
		ip = frame
	default:
		c.skip(skipNotIP)
		return Datagram{}, false
	}
	if len(ip) < 1 {
		c.skip(skipTruncated)
		return Datagram{}, false
	}
	switch ip[0] >> 4 {
	case 4:
		return c.ipv4(at, ip)
	case 6:
		return c.ipv6(at, ip)
	}
	c.skip(skipNotIP)
	return Datagram{}, false
}

func (c *CaptureReader) ipv4(at time.Time, ip []byte) (Datagram, bool) {
	if len(ip) < 20 {
		c.skip(skipTruncated)
		return Datagram{}, false
	}
	ihl := int(ip[0]&0x0f) * 4
	total := int(binary.BigEndian.Uint16(ip[2:]))
	if ihl < 20 || total < ihl {
		c.skip(skipTruncated)
		return Datagram{}, false
	}
	if total > len(ip) {
		c.skip(skipTruncated) // cut by the snap length
		return Datagram{}, false
	}
	if ip[9] != 17 {
		c.skip(skipNotUDP)
		return Datagram{}, false
	}
	src := netip.AddrFrom4([4]byte(ip[12:16]))
	dst := netip.AddrFrom4([4]byte(ip[16:20]))
	flags := binary.BigEndian.Uint16(ip[6:])
	more, off := flags&0x2000 != 0, int(flags&0x1fff)*8
	body := ip[ihl:total]
	if more || off > 0 {
		k := fragKey{src: src.As4(), dst: dst.As4(), id: binary.BigEndian.Uint16(ip[4:])}
		whole, ok := c.fragment(k, off, more, body)
		if !ok {
			return Datagram{}, false
		}
		body = whole
	}
	return c.udp(at, src, dst, body)
}

func (c *CaptureReader) ipv6(at time.Time, ip []byte) (Datagram, bool) {
	if len(ip) < 40 {
		c.skip(skipTruncated)
		return Datagram{}, false
	}
	plen := int(binary.BigEndian.Uint16(ip[4:]))
	if 40+plen > len(ip) {
		c.skip(skipTruncated)
		return Datagram{}, false
	}
	if ip[6] != 17 {
		c.skip(skipNotUDP)
		return Datagram{}, false
	}
	src := netip.AddrFrom16([16]byte(ip[8:24]))
	dst := netip.AddrFrom16([16]byte(ip[24:40]))
	return c.udp(at, src, dst, ip[40:40+plen])
}

func (c *CaptureReader) udp(at time.Time, src, dst netip.Addr, u []byte) (Datagram, bool) {
	if len(u) < 8 {
		c.skip(skipTruncated)
		return Datagram{}, false
	}
	ulen := int(binary.BigEndian.Uint16(u[4:]))
	if ulen < 8 || ulen > len(u) {
		c.skip(skipTruncated)
		return Datagram{}, false
	}
	return Datagram{
		Time:    at,
		Src:     netip.AddrPortFrom(src, binary.BigEndian.Uint16(u[0:])),
		Dst:     netip.AddrPortFrom(dst, binary.BigEndian.Uint16(u[2:])),
		Payload: append([]byte(nil), u[8:ulen]...),
	}, true
}

// IPv4 reassembly.

type fragKey struct {
	src, dst [4]byte
	id       uint16
}

type fragments struct {
	parts []fragPart
	end   int // total length once the last fragment is seen, else -1
	n     int // fragments held
}

type fragPart struct {
	off  int
	data []byte
}

// maxFragDatagrams bounds the datagrams being reassembled.
const maxFragDatagrams = 64

// fragment adds an IPv4 fragment (the IP payload at byte offset off) and
// returns the whole IP payload once every byte of it has been seen.
func (c *CaptureReader) fragment(k fragKey, off int, more bool, data []byte) ([]byte, bool) {
	f := c.frags[k]
	if f == nil {
		if len(c.frags) >= maxFragDatagrams {
			old := c.fragSeq[0]
			c.fragSeq = c.fragSeq[1:]
			if g := c.frags[old]; g != nil {
				c.Skipped[skipFragment] += g.n
				delete(c.frags, old)
			}
		}
		f = &fragments{end: -1}
		c.frags[k] = f
		c.fragSeq = append(c.fragSeq, k)
	}
	f.parts = append(f.parts, fragPart{off, append([]byte(nil), data...)})
	f.n++
	if !more {
		f.end = off + len(data)
	}
	if f.end < 0 || f.end > 65535 {
		if f.end > 65535 {
			c.Skipped[skipFragment] += f.n
			c.dropFrag(k)
		}
		return nil, false
	}
	sort.Slice(f.parts, func(i, j int) bool { return f.parts[i].off < f.parts[j].off })
	covered := 0
	for _, p := range f.parts {
		if p.off > covered {
			return nil, false // a hole
		}
		covered = max(covered, p.off+len(p.data))
	}
	if covered < f.end {
		return nil, false
	}
	whole := make([]byte, f.end)
	for _, p := range f.parts {
		if p.off < f.end {
			copy(whole[p.off:], p.data)
		}
	}
	c.dropFrag(k)
	return whole, true
}

func (c *CaptureReader) dropFrag(k fragKey) {
	delete(c.frags, k)
	for i, x := range c.fragSeq {
		if x == k {
			c.fragSeq = append(c.fragSeq[:i], c.fragSeq[i+1:]...)
			break
		}
	}
}
