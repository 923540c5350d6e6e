package asterix

import (
	"encoding/binary"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/vigia-project/vigia/internal/shareddata"
)

// datagram is one UDP payload of a capture and its capture time.
type datagram struct {
	payload []byte
	at      time.Time
}

// readPcap returns the UDP payloads of a classic pcap file (either byte
// order, micro- or nanosecond timestamps; Ethernet with optional 802.1Q tags,
// or raw IPv4; IPv4 without fragments; UDP). Packets that are not IPv4/UDP
// are skipped.
func readPcap(tb testing.TB, path string) []datagram {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	out, err := parsePcap(data)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return out
}

func parsePcap(data []byte) ([]datagram, error) {
	if len(data) < 24 {
		return nil, fmt.Errorf("pcap: %d bytes, no global header", len(data))
	}
	var bo binary.ByteOrder
	nano := false
	switch binary.LittleEndian.Uint32(data) {
	case 0xa1b2c3d4:
		bo = binary.LittleEndian
	case 0xa1b23c4d:
		bo, nano = binary.LittleEndian, true
	case 0xd4c3b2a1:
		bo = binary.BigEndian
	case 0x4d3cb2a1:
		bo, nano = binary.BigEndian, true
	default:
		return nil, fmt.Errorf("pcap: bad magic % x", data[:4])
	}
	link := bo.Uint32(data[20:])
	var out []datagram
	off := 24
	for off < len(data) {
		if len(data)-off < 16 {
			return nil, fmt.Errorf("pcap: record header truncated at %d", off)
		}
		sec, frac, incl := bo.Uint32(data[off:]), bo.Uint32(data[off+4:]), int(bo.Uint32(data[off+8:]))
		off += 16
		if incl > len(data)-off {
			return nil, fmt.Errorf("pcap: packet at %d truncated", off)
		}
		pkt := data[off : off+incl]
		off += incl
		ns := int64(frac) * 1000
		if nano {
			ns = int64(frac)
		}
		at := time.Unix(int64(sec), ns).UTC()
		var ip []byte
		switch link {
		case 1: // Ethernet
			if len(pkt) < 14 {
				continue
			}
			et := binary.BigEndian.Uint16(pkt[12:])
			p := pkt[14:]
			for et == 0x8100 && len(p) >= 4 {
				et = binary.BigEndian.Uint16(p[2:])
				p = p[4:]
			}
			if et != 0x0800 {
				continue
			}
			ip = p
		case 101: // raw IP
			ip = pkt
		default:
			return nil, fmt.Errorf("pcap: link type %d not handled", link)
		}
		if len(ip) < 20 || ip[0]>>4 != 4 || ip[9] != 17 {
			continue
		}
		ihl := int(ip[0]&0x0f) * 4
		total := int(binary.BigEndian.Uint16(ip[2:]))
		if total > len(ip) || ihl+8 > total {
			return nil, fmt.Errorf("pcap: bad IPv4 lengths in packet at %d", off-incl)
		}
		udp := ip[ihl:total]
		ulen := int(binary.BigEndian.Uint16(udp[4:]))
		if ulen < 8 || ulen > len(udp) {
			return nil, fmt.Errorf("pcap: bad UDP length %d", ulen)
		}
		out = append(out, datagram{payload: udp[8:ulen], at: at})
	}
	return out, nil
}

// shared returns the path of a file of the CroatiaControl sample set.
func shared(tb testing.TB, name string) string {
	tb.Helper()
	return shareddata.Path(tb, "asterix-croatiacontrol/"+name)
}

// readRaw returns a file of concatenated ASTERIX blocks as one datagram
// stamped at.
func readRaw(tb testing.TB, name string, at time.Time) []datagram {
	tb.Helper()
	b, err := os.ReadFile(shared(tb, name))
	if err != nil {
		tb.Fatal(err)
	}
	return []datagram{{payload: b, at: at}}
}

// splitBlocks cuts a payload into its data blocks (for seeding and
// counting), stopping at the first block that does not frame.
func splitBlocks(p []byte) [][]byte {
	var out [][]byte
	for len(p) >= 3 {
		n := int(p[1])<<8 | int(p[2])
		if n < 3 || n > len(p) {
			break
		}
		out = append(out, p[:n])
		p = p[n:]
	}
	return out
}
