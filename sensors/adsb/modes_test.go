package adsb

import (
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/vigia-project/vigia/sensors"
)

// makeFrame builds a DF17 frame for addr with ME me and a correct parity.
func makeFrame(df byte, addr uint32, me uint64) []byte {
	b := make([]byte, 14)
	b[0] = df<<3 | 5
	b[1], b[2], b[3] = byte(addr>>16), byte(addr>>8), byte(addr)
	for i := range 7 {
		b[4+i] = byte(me >> (48 - 8*i))
	}
	p := crcRemainder(b) // parity bytes are zero: the remainder is the parity
	b[11], b[12], b[13] = byte(p>>16), byte(p>>8), byte(p)
	return b
}

func hexUpper(b []byte) string {
	const digits = "0123456789ABCDEF"
	s := make([]byte, 0, 2*len(b))
	for _, c := range b {
		s = append(s, digits[c>>4], digits[c&15])
	}
	return string(s)
}

func TestSquawkDigits(t *testing.T) {
	// DF5 identity reply of pyModeS's tests: 2A00516D492B80 → squawk 0356.
	b := mustHex(t, "2A00516D492B80")
	var sq [4]byte
	squawkDigits(binary.BigEndian.Uint32(b[0:4])&0x1FFF, &sq)
	if string(sq[:]) != "0356" {
		t.Errorf("squawk %s, want 0356", sq)
	}
}

func TestEmergencyStatusTC28(t *testing.T) {
	d := NewModeSDecoder(Options{}, AVR)
	// TC 28 subtype 1, emergency state 5 (unlawful interference), Mode A 7500.
	// 7500: A=7 B=5 C=0 D=0 → C1 A1 C2 A2 C4 A4 X B1 D1 B2 D2 B4 D4 = 0 1 0 1 0 1 0 1 0 0 0 1 0.
	const id7500 = 0b0101010100010
	me := uint64(28)<<51 | uint64(1)<<48 | uint64(5)<<45 | uint64(id7500)<<32
	if _, errs := avr(t, d, hexUpper(makeFrame(17, 0xABCDEF, me)), t0); len(errs) != 0 {
		t.Fatal(errs)
	}
	st, _ := d.ac.get(0xABCDEF, t0)
	if st.squawk != "7500" || st.emergency != sensors.EmergencyHijack {
		t.Errorf("squawk %q emergency %q", st.squawk, st.emergency)
	}
	// Then the Riddle pair for the same address: the report carries both.
	p1 := makeFrame(17, 0xABCDEF, meOf(t, "8D40621D58C386435CC412692AD6"))
	p2 := makeFrame(17, 0xABCDEF, meOf(t, "8D40621D58C382D690C8AC2863A7"))
	avr(t, d, hexUpper(p1), t0)
	reps, _ := avr(t, d, hexUpper(p2), t0.Add(time.Second))
	if len(reps) != 1 || reps[0].Detections[0].Emergency != sensors.EmergencyHijack || reps[0].Detections[0].ID.Squawk != "7500" {
		t.Errorf("reports %+v", reps)
	}
	// Emergency state 4 (no communications) with squawk 7600 → radio failure.
	const id7600 = 0b0101010001010 // A=7 B=6 C=0 D=0
	avr(t, d, hexUpper(makeFrame(17, 0xABCDEF, uint64(28)<<51|uint64(1)<<48|uint64(4)<<45|uint64(id7600)<<32)), t0)
	if st, _ := d.ac.get(0xABCDEF, t0); st.squawk != "7600" || emergencyOf(st.squawk, st.emergency) != sensors.EmergencyRadio {
		t.Errorf("squawk %q emergency %q", st.squawk, st.emergency)
	}
}

func meOf(t *testing.T, m string) uint64 {
	b := mustHex(t, m)
	var me uint64
	for _, c := range b[4:11] {
		me = me<<8 | uint64(c)
	}
	return me
}

// TestCPRLocalFallback: after a global fix, single frames decode locally
// against the last position; a pair further apart than 10 s is not
// combined.
func TestCPRLocalFallback(t *testing.T) {
	d := NewModeSDecoder(Options{}, AVR)
	odd, even := "8D40621D58C386435CC412692AD6", "8D40621D58C382D690C8AC2863A7"
	avr(t, d, odd, t0)
	if reps, _ := avr(t, d, even, t0.Add(11*time.Second)); len(reps) != 0 {
		t.Fatalf("pair 11 s apart decoded: %+v", reps)
	}
	if reps, _ := avr(t, d, odd, t0.Add(12*time.Second)); len(reps) != 1 {
		t.Fatalf("pair 1 s apart not decoded")
	}
	// 40 s later, one even frame: pair stale, reference 40 s old → local.
	reps, _ := avr(t, d, even, t0.Add(52*time.Second))
	if len(reps) != 1 || !near(reps[0].Detections[0].Lat, 52.25720, 1e-5) || !near(reps[0].Detections[0].Lon, 3.91937, 1e-5) {
		t.Fatalf("local decoding: %+v", reps)
	}
	// Velocity 2 minutes old is not attached; altitude comes with the frame.
	if det := reps[0].Detections[0]; det.HasVelocity || !det.HasAlt {
		t.Errorf("detection %+v", det)
	}
	// Reference 70 s old: no position.
	if reps, _ := avr(t, d, even, t0.Add(122*time.Second)); len(reps) != 0 {
		t.Errorf("decoded against a 70 s old reference")
	}
}

func TestAVRForms(t *testing.T) {
	d := NewModeSDecoder(Options{}, AVR)
	payload := "@0123456789AB8D40621D58C386435CC412692AD6;\r\n%0123456789ab8d40621d58c382d690c8ac2863a7;*8D4840D6202CC371C32CE0576098;"
	reps, errs := d.Decode(nil, []byte(payload), t0)
	if len(errs) != 0 || len(reps) != 1 || reps[0].Time != t0 || reps[0].TimeFromPayload {
		t.Fatalf("%v %v", reps, errs)
	}
	for _, c := range []struct{ in, reason string }{
		{"8D4840D6202CC371C32CE0576098", sensors.ReasonMalformed},
		{"*8D4840D6202CC371C32CE057609;", sensors.ReasonMalformed},
		{"*8D4840D6202CC371C32CE05760ZZ;", sensors.ReasonMalformed},
		{"@0123;", sensors.ReasonMalformed},
		{"*8D48;", sensors.ReasonUnsupported},
		{"*8D4840D6202CC371C32CE0576099;", sensors.ReasonChecksum},
		{"*8D4840D6202CC3;", sensors.ReasonMalformed},                 // DF17 in a short frame
		{"*5D484FDEA248F5;", sensors.ReasonUnsupported},               // DF11, good parity
		{"*5D484FDEA248F6;", sensors.ReasonUnsupported},               // interrogator code 1: still good
		{"*5D484FDEA24805;", sensors.ReasonChecksum},                  // DF11, bad parity
		{"*2A00516D492B80;", sensors.ReasonUnsupported},               // DF5
		{"*A0001838CA3E51F0A8000047A2F3;", sensors.ReasonUnsupported}, // DF20
		{"*" + hexUpper(append([]byte{0x91}, mustHex(t, "4840D6202CC371C32CE0576098")...)) + ";", sensors.ReasonChecksum},
		{";;\n ", sensors.ReasonMalformed}, // empty
	} {
		_, errs := NewModeSDecoder(Options{}, AVR).Decode(nil, []byte(c.in), t0)
		if len(errs) != 1 || reason(errs[0]) != c.reason {
			t.Errorf("%q: %v, want %s", c.in, errs, c.reason)
		}
	}
	// DF18 CF=1 with good parity: unsupported; CF=0: decoded like DF17.
	me := meOf(t, "8D4840D6202CC371C32CE0576098")
	f := makeFrame(18, 0x4840D6, me)
	f[0] = 18<<3 | 1
	p := crcRemainder(append(f[:11:11], 0, 0, 0))
	f[11], f[12], f[13] = byte(p>>16), byte(p>>8), byte(p)
	if _, errs := avr(t, NewModeSDecoder(Options{}, AVR), hexUpper(f), t0); len(errs) != 1 || errs[0] != errDF18CF {
		t.Errorf("DF18 CF1: %v", errs)
	}
	f = makeFrame(18, 0x4840D6, me)
	f[0] = 18 << 3
	p = crcRemainder(append(f[:11:11], 0, 0, 0))
	f[11], f[12], f[13] = byte(p>>16), byte(p>>8), byte(p)
	d = NewModeSDecoder(Options{}, AVR)
	if _, errs := avr(t, d, hexUpper(f), t0); len(errs) != 0 || d.Aircraft() != 1 {
		t.Errorf("DF18 CF0: %v", errs)
	}
	if _, errs := NewModeSDecoder(Options{MaxBytes: 10}, AVR).Decode(nil, []byte(payload), t0); len(errs) != 1 || reason(errs[0]) != sensors.ReasonTooLarge {
		t.Errorf("too large: %v", errs)
	}
}

// beastFrame encodes one Beast frame of type typ with escaping.
func beastFrame(typ byte, data []byte) []byte {
	out := []byte{0x1A, typ}
	body := append([]byte{0x1A, 0, 0, 0, 0, 0x1A, 0xC0}, data...) // counter and signal hold 0x1A on purpose
	for _, c := range body {
		out = append(out, c)
		if c == 0x1A {
			out = append(out, 0x1A)
		}
	}
	return out
}

func TestBeastFraming(t *testing.T) {
	odd := mustHex(t, "8D40621D58C386435CC412692AD6")
	even := mustHex(t, "8D40621D58C382D690C8AC2863A7")
	// A frame whose data holds 0x1A, and a Mode A/C frame.
	stream := append(beastFrame('3', odd), beastFrame('1', []byte{0x1A, 0x1A})...)
	stream = append(stream, beastFrame('3', even)...)
	d := NewModeSDecoder(Options{}, Beast)
	reps, errs := d.Decode(nil, stream, t0)
	if len(reps) != 1 || len(errs) != 1 || errs[0] != errModeAC {
		t.Fatalf("%v %v", reps, errs)
	}
	// Garbage before a frame, a frame cut by the next one, an unknown type.
	bad := append([]byte("junk"), beastFrame('3', odd)[:10]...)
	bad = append(bad, beastFrame('3', even)...)
	bad = append(bad, 0x1A, '9', 1, 2)
	d = NewModeSDecoder(Options{}, Beast)
	reps, errs = d.Decode(nil, bad, t0)
	var reasons []string
	for _, e := range errs {
		reasons = append(reasons, reason(e))
	}
	if len(reps) != 0 || strings.Join(reasons, ",") != "malformed,truncated,malformed" {
		t.Errorf("reports %d, errors %v", len(reps), errs)
	}
	if st := d.Stats(); st.BeastCut != 1 || st.BeastSkip != 4+4 || st.Long != 1 {
		t.Errorf("stats %+v", st)
	}
	// An oversized payload is rejected and the partial frame dropped.
	d = NewModeSDecoder(Options{MaxBytes: 64}, Beast)
	f := beastFrame('3', odd)
	d.Decode(nil, f[:5], t0)
	if _, errs := d.Decode(nil, make([]byte, 65), t0); len(errs) != 1 || reason(errs[0]) != sensors.ReasonTooLarge {
		t.Errorf("too large: %v", errs)
	}
	if _, errs := d.Decode(nil, f[5:], t0); len(errs) != 1 || reason(errs[0]) != sensors.ReasonMalformed {
		t.Errorf("after a dropped payload the rest of the frame is garbage: %v", errs)
	}
}

func TestStaleAircraftForgotten(t *testing.T) {
	d := NewModeSDecoder(Options{StaleAfter: 30 * time.Second, MaxAircraft: 50}, AVR)
	avr(t, d, "8D4840D6202CC371C32CE0576098", t0)
	for i := range 200 {
		avr(t, d, hexUpper(makeFrame(17, uint32(i), meOf(t, "8D4840D6202CC371C32CE0576098"))), t0.Add(time.Duration(i)*time.Second))
	}
	if n := d.Aircraft(); n > 50 {
		t.Errorf("%d aircraft, bound 50", n)
	}
	if st, fresh := d.ac.get(0x4840D6, t0.Add(200*time.Second)); !fresh || st.callsign != "" {
		t.Errorf("stale aircraft kept: %+v", st)
	}
}
