package adsb

// Mode S parity: a 24-bit CRC with generator polynomial 0x1FFF409 over the
// frame minus its last 3 bytes, which hold the parity (DF11/17/18) or the
// parity XORed with an address (other downlink formats).

const crcPoly = 0xFFF409

var crcTable = func() (t [256]uint32) {
	for i := range t {
		c := uint32(i) << 16
		for range 8 {
			if c&0x800000 != 0 {
				c = c<<1 ^ crcPoly
			} else {
				c <<= 1
			}
		}
		t[i] = c & 0xFFFFFF
	}
	return t
}()

// crcRemainder returns the CRC of frame[:len-3] XORed with the frame's last
// 3 bytes: 0 for an intact DF17/DF18 frame, the interrogator code for an
// intact DF11, the address for the formats with an address/parity field.
// The frame must be 7 or 14 bytes long.
func crcRemainder(frame []byte) uint32 {
	n := len(frame) - 3
	var c uint32
	for _, b := range frame[:n] {
		c = (c<<8 ^ crcTable[byte(c>>16)^b]) & 0xFFFFFF
	}
	return c ^ (uint32(frame[n])<<16 | uint32(frame[n+1])<<8 | uint32(frame[n+2]))
}
