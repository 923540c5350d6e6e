package importer

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"io"
	"os"
	"testing"
	"time"

	"github.com/vigia-project/vigia/sensors"
	"github.com/vigia-project/vigia/sensors/asterix"
)

var update = flag.Bool("update", false, "rewrite testdata/edge.pcap")

// cat034 returns a hand-made CAT034 north marker data block: SAC/SIC
// 25/201, message type 1, time of day tod (seconds since midnight UTC).
func cat034(tod float64) []byte {
	v := uint32(tod * 128)
	return []byte{34, 0, 10, 0xE0, 25, 201, 1, byte(v >> 16), byte(v >> 8), byte(v)}
}

func udpHeader(sport, dport uint16, payload []byte) []byte {
	u := make([]byte, 8, 8+len(payload))
	binary.BigEndian.PutUint16(u[0:], sport)
	binary.BigEndian.PutUint16(u[2:], dport)
	binary.BigEndian.PutUint16(u[4:], uint16(8+len(payload)))
	return append(u, payload...)
}

func ipv4Packet(proto byte, id uint16, flagsOff uint16, payload []byte) []byte {
	ip := make([]byte, 20, 20+len(payload))
	ip[0] = 0x45
	binary.BigEndian.PutUint16(ip[2:], uint16(20+len(payload)))
	binary.BigEndian.PutUint16(ip[4:], id)
	binary.BigEndian.PutUint16(ip[6:], flagsOff)
	ip[8], ip[9] = 64, proto
	copy(ip[12:], []byte{10, 0, 0, 1})
	copy(ip[16:], []byte{239, 1, 1, 1})
	return append(ip, payload...)
}

func ipv6Packet(next byte, payload []byte) []byte {
	ip := make([]byte, 40, 40+len(payload))
	ip[0] = 0x60
	binary.BigEndian.PutUint16(ip[4:], uint16(len(payload)))
	ip[6], ip[7] = next, 64
	ip[23], ip[39] = 1, 2
	return append(ip, payload...)
}

func ether(ethertype uint16, vlan bool, payload []byte) []byte {
	f := []byte{1, 0, 0x5e, 1, 1, 1, 2, 0, 0, 0, 0, 1}
	if vlan {
		f = append(f, 0x81, 0x00, 0x00, 0x64)
	}
	f = binary.BigEndian.AppendUint16(f, ethertype)
	return append(f, payload...)
}

type testPacket struct {
	at    time.Time
	frame []byte
	orig  int // original length when the frame is cut, else 0
	torn  bool
}

// pcapBytes writes a classic pcap file.
func pcapBytes(bo binary.AppendByteOrder, nano bool, link uint32, pkts []testPacket) []byte {
	magic := uint32(pcapMagicMicro)
	if nano {
		magic = pcapMagicNano
	}
	b := bo.AppendUint32(nil, magic)
	b = bo.AppendUint16(b, 2)
	b = bo.AppendUint16(b, 4)
	b = bo.AppendUint32(b, 0)
	b = bo.AppendUint32(b, 0)
	b = bo.AppendUint32(b, 65535)
	b = bo.AppendUint32(b, link)
	for _, p := range pkts {
		frac := uint32(p.at.Nanosecond())
		if !nano {
			frac /= 1000
		}
		orig := len(p.frame)
		if p.orig > 0 {
			orig = p.orig
		}
		b = bo.AppendUint32(b, uint32(p.at.Unix()))
		b = bo.AppendUint32(b, frac)
		if p.torn {
			b = bo.AppendUint32(b, uint32(len(p.frame)+50))
			b = bo.AppendUint32(b, uint32(len(p.frame)+50))
		} else {
			b = bo.AppendUint32(b, uint32(len(p.frame)))
			b = bo.AppendUint32(b, uint32(orig))
		}
		b = append(b, p.frame...)
	}
	return b
}

// edgePcap is testdata/edge.pcap: a big-endian, nanosecond pcap on
// Ethernet, 2026-11-28 12:00:00 UTC on.
func edgePcap() []byte {
	t0 := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	two := append(cat034(43200.0), cat034(43200.5)...)
	dgram := udpHeader(40000, 8600, two) // 28 bytes: fragments of 16 and 12
	cut := ether(0x0800, false, ipv4Packet(17, 9, 0, udpHeader(40000, 8600, cat034(43202))))
	return pcapBytes(binary.BigEndian, true, linkEthernet, []testPacket{
		{at: at(0), frame: ether(0x0806, false, make([]byte, 28))},                                                  // 1 ARP: not_ip
		{at: at(10), frame: ether(0x0800, false, ipv4Packet(6, 1, 0x4000, make([]byte, 20)))},                       // 2 TCP: not_udp
		{at: at(100), frame: ether(0x0800, true, ipv4Packet(17, 2, 0x4000, udpHeader(40000, 8600, cat034(43200))))}, // 3 802.1Q, UDP: entry
		{at: at(200), frame: ether(0x0800, false, ipv4Packet(17, 3, 0x2000, dgram[:16]))},                           // 4 first fragment
		{at: at(210), frame: ether(0x0800, false, ipv4Packet(17, 3, 2, dgram[16:]))},                                // 5 last fragment: entry of two blocks
		{at: at(300), frame: ether(0x0800, false, ipv4Packet(17, 4, 0, udpHeader(40000, 8600, []byte("hello"))))},   // 6 not_asterix
		{at: at(400), frame: ether(0x0800, false, ipv4Packet(17, 5, 0, udpHeader(40000, 9999, cat034(43200.4))))},   // 7 another port: entry
		{at: at(500), frame: ether(0x86dd, false, ipv6Packet(17, udpHeader(40000, 8600, cat034(43200.5))))},         // 8 IPv6: entry
		{at: at(600), frame: cut[:len(cut)-4], orig: len(cut)},                                                      // 9 cut by the snap length: truncated
		{at: at(450), frame: ether(0x0800, false, ipv4Packet(17, 6, 0, udpHeader(40000, 8600, cat034(43200.45))))},  // 10 earlier: behind, entry at 12:00:00.5
		{at: at(700), frame: make([]byte, 10), torn: true},                                                          // 11 the file ends inside it
	})
}

// TestEdgePcapFixture checks testdata/edge.pcap (rewrite it with -update)
// and imports it.
func TestEdgePcapFixture(t *testing.T) {
	want := edgePcap()
	if *update {
		if err := os.WriteFile("testdata/edge.pcap", want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("testdata/edge.pcap")
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("testdata/edge.pcap is not what edgePcap makes (run go test -run TestEdgePcapFixture -update): %v", err)
	}
	entries, res, err := importTestdata(t, "edge.pcap", Options{Format: FormatASTERIX})
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time { return mustTime(t, "2026-11-28T12:00:"+s+"Z") }
	wantT := []time.Time{at("00.1"), at("00.21"), at("00.4"), at("00.5"), at("00.5")}
	if len(entries) != len(wantT) {
		t.Fatalf("%d entries", len(entries))
	}
	for i, w := range wantT {
		if !entries[i].Time.Equal(w) {
			t.Errorf("entry %d at %s, want %s", i, entries[i].Time, w)
		}
	}
	if len(entries[1].Payload) != 20 {
		t.Errorf("reassembled datagram: %d bytes", len(entries[1].Payload))
	}
	if res.Container != "pcap" || res.Read != 11 || res.Behind != 1 ||
		!eqCounts(res.Skipped, map[string]int{"not_ip": 1, "not_udp": 1, "not_asterix": 1, "truncated": 1, "torn_record": 1}) {
		t.Errorf("container %s read %d behind %d skipped %v", res.Container, res.Read, res.Behind, res.Skipped)
	}
	ds, reasons := decodeAll(t, asterix.NewDecoder(asterix.Options{Sensor: "test"}), entries)
	n := 0
	for _, d := range ds {
		for _, r := range d.reports {
			n++
			if r.Kind != sensors.KindService || !r.TimeFromPayload {
				t.Errorf("report %+v", r)
			}
		}
	}
	if n != 6 || len(reasons) != 0 {
		t.Errorf("%d reports, decoder errors %v", n, reasons)
	}
	if got := ds[0].reports[0].Time; !got.Equal(at("00")) {
		t.Errorf("first report at %s", got)
	}

	// -port keeps the datagrams of one port.
	_, res, err = importTestdata(t, "edge.pcap", Options{Format: FormatASTERIX, UDPPort: 8600})
	if err != nil || res.Entries != 4 || res.Skipped["other_port"] != 1 {
		t.Errorf("UDPPort: %d entries, skipped %v, %v", res.Entries, res.Skipped, err)
	}
}

// pcapngBytes writes a little-endian pcapng: an Ethernet interface with
// nanosecond timestamps, a Linux cooked (SLL2) interface with the default
// microseconds, an enhanced packet on each, a simple packet (no time), a
// packet of an undescribed interface.
func pcapngBytes() []byte {
	le := binary.LittleEndian
	block := func(typ uint32, body []byte) []byte {
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
		b := le.AppendUint32(nil, typ)
		b = le.AppendUint32(b, uint32(12+len(body)))
		b = append(b, body...)
		return le.AppendUint32(b, uint32(12+len(body)))
	}
	shb := le.AppendUint32(nil, pcapngBOM)
	shb = le.AppendUint16(shb, 1)
	shb = le.AppendUint16(shb, 0)
	shb = le.AppendUint64(shb, ^uint64(0))
	idb := func(link uint16, tsresol int) []byte {
		b := le.AppendUint16(nil, link)
		b = le.AppendUint16(b, 0)
		b = le.AppendUint32(b, 65535)
		if tsresol >= 0 {
			b = le.AppendUint16(b, 9)
			b = le.AppendUint16(b, 1)
			b = append(b, byte(tsresol), 0, 0, 0)
		}
		b = le.AppendUint16(b, 0)
		return le.AppendUint16(b, 0)
	}
	epb := func(iface uint32, ts uint64, data []byte) []byte {
		b := le.AppendUint32(nil, iface)
		b = le.AppendUint32(b, uint32(ts>>32))
		b = le.AppendUint32(b, uint32(ts))
		b = le.AppendUint32(b, uint32(len(data)))
		b = le.AppendUint32(b, uint32(len(data)))
		return append(b, data...)
	}
	t0 := uint64(time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC).Unix())
	sll2 := make([]byte, 20)
	binary.BigEndian.PutUint16(sll2, 0x0800)
	var f []byte
	f = append(f, block(pcapngSHB, shb)...)
	f = append(f, block(1, idb(linkEthernet, 9))...)
	f = append(f, block(1, idb(linkSLL2, -1))...)
	f = append(f, block(6, epb(0, t0*1e9+250_000_000, ether(0x0800, false, ipv4Packet(17, 1, 0, udpHeader(1, 8600, cat034(43200.25))))))...)
	f = append(f, block(3, le.AppendUint32(nil, 10))...)
	f = append(f, block(6, epb(1, t0*1e6+750_000, append(sll2, ipv4Packet(17, 2, 0, udpHeader(1, 8600, cat034(43200.75)))...)))...)
	f = append(f, block(6, epb(7, 0, make([]byte, 40)))...)
	f = append(f, block(5, make([]byte, 8))...) // interface statistics: ignored
	return f
}

func TestPcapng(t *testing.T) {
	entries, res, err := collect(t, bytes.NewReader(pcapngBytes()), Options{Format: FormatASTERIX})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || !entries[0].Time.Equal(mustTime(t, "2026-11-28T12:00:00.25Z")) || !entries[1].Time.Equal(mustTime(t, "2026-11-28T12:00:00.75Z")) {
		t.Fatalf("entries %v", entries)
	}
	if res.Container != "pcapng" || res.Read != 4 || !eqCounts(res.Skipped, map[string]int{"no_time": 1, "unknown_interface": 1}) {
		t.Errorf("container %s read %d skipped %v", res.Container, res.Read, res.Skipped)
	}
}

// Classic pcap variants: little-endian microseconds, raw IP and Linux
// cooked links.
func TestPcapVariants(t *testing.T) {
	at := time.Date(2026, 11, 28, 12, 0, 0, 123456000, time.UTC)
	ip := ipv4Packet(17, 1, 0, udpHeader(1, 2, cat034(43200)))
	sll := make([]byte, 16)
	binary.BigEndian.PutUint16(sll[14:], 0x0800)
	for _, c := range []struct {
		name  string
		bo    binary.AppendByteOrder
		nano  bool
		link  uint32
		frame []byte
	}{
		{"le µs raw", binary.LittleEndian, false, linkRaw, ip},
		{"be µs ipv4", binary.BigEndian, false, linkIPv4, ip},
		{"le ns sll", binary.LittleEndian, true, linkSLL, append(sll, ip...)},
		{"le µs null", binary.LittleEndian, false, linkNull, append([]byte{2, 0, 0, 0}, ip...)},
	} {
		c := c
		r, err := NewCaptureReader(bytes.NewReader(pcapBytes(c.bo, c.nano, c.link, []testPacket{{at: at, frame: c.frame}})))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		d, err := r.Next()
		if err != nil || !d.Time.Equal(at) || !bytes.Equal(d.Payload, cat034(43200)) || d.Dst.Port() != 2 || d.Src.Addr().String() != "10.0.0.1" {
			t.Errorf("%s: %+v %v", c.name, d, err)
		}
		if _, err := r.Next(); !errors.Is(err, io.EOF) {
			t.Errorf("%s: after the last: %v", c.name, err)
		}
	}
	if _, err := NewCaptureReader(bytes.NewReader(pcapBytes(binary.LittleEndian, false, 147, nil))); err == nil {
		t.Error("link type 147: no error")
	}
}
