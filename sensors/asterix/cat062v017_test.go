package asterix

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vigia-project/vigia/sensors"
)

// asterix.pcap (CroatiaControl sample data, captured 2008-05-15 from
// 12:47:45.76 UTC for 9.2 s) holds 100 datagrams, each one CAT062 0.17 block
// of one record, all with the FSPEC bb 3d 42. No reference decoding of this
// file exists (decoded-reference/ covers cat_034_048.pcap and
// cat_062_065.pcap only), so the checks are the framing, consistency with
// the capture (times, continuity of each track, positions against
// velocities) and two records decoded by hand from uap062v017:
//
// Block 1 (captured 12:47:45.763759), 55 octets:
//
//	3e 00 37                  CAT062, length 55
//	bb 3d 42                  FSPEC: bb = FRN 1 3 4 5 7 +FX; 3d = FRN 10 11 12 13 +FX; 42 = FRN 16 21
//	19 64                     FRN 1  I062/010 SAC 25 SIC 100
//	59 f8 e1                  FRN 3  I062/070 0x59f8e1 = 5896417/128 s = 46065.7578125 s = 12:47:45.7578125
//	03 7e                     FRN 4  I062/040 track 0x037e = 894
//	1f 7a e9 0c f6 a7         FRN 5  I062/105 lat 0x1f7ae9 = 2063081 × 180/2^23 = 44.268916°,
//	                                  lon 0x0cf6a7 = 849575 × 180/2^23 = 18.229902°
//	0c 3a                     FRN 7  I062/060 0x0c3a & 0x0fff = octal 6072
//	05 50                     FRN 10 I062/136 1360/4 = FL 340 (10363.2 m)
//	07 56 ca d6               FRN 11 I062/180 speed 1878 × 2^-14 NM/s = 212.284 m/s (412.6 kt),
//	                                  heading 51926 × 360/2^16 = 285.238°
//	00                        FRN 12 I062/200
//	00 00                     FRN 13 I062/220
//	01 10                     FRN 16 I062/080 (FX, then one extent)
//	53 88 ...                 FRN 21 I062/390: 53 = CSN FCT DEP +FX, 88 = DST TOD;
//	                                  CSN "BAW891 ", FCT 40, DEP "LBSF", DST "EGLL", TOD REP 1 (08 00 00 00)
//
// which ends exactly at octet 55. BAW891 Sofia–London heading 285° over
// Bosnia is consistent.
//
// Block 100 (captured 12:47:54.965378): 3e 00 37 bb 3d 42 19 64 | 59 fd 7a =
// 5897594/128 = 46074.953125 s | 03 83 = track 899 | 1f e7 1f 0b f0 cf = lat
// 2090783, lon 782543 (44.863336°, 16.791551°) | 02 b4 = octal 1264 | 05 a0
// = FL 360 | 07 63 03 a5 = speed 1891 (213.753 m/s), heading 933 (5.125°) |
// 00 | 00 00 | 01 10 | I062/390 CSN "TAR7320", DEP "DTMB", DST "EPWA"
// (Monastir–Warsaw, heading north).

// handRecord is what a record decodes to, in raw units of the 0.17 layout.
type handRecord struct {
	block          int // 1-based
	tod            int64
	track          uint32
	latRaw, lonRaw int32 // 180/2^23 °
	squawk         string
	fl             int32  // 1/4 FL
	speed, hdg     uint16 // 2^-14 NM/s, 360/2^16 °
}

var handRecords = []handRecord{
	{1, 0x59f8e1, 894, 0x1f7ae9, 0x0cf6a7, "6072", 1360, 1878, 0xcad6},
	{100, 0x59fd7a, 899, 0x1fe71f, 0x0bf0cf, "1264", 1440, 1891, 0x03a5},
}

// TestCAT062v017Capture decodes asterix.pcap with CAT062Edition "0.17".
func TestCAT062v017Capture(t *testing.T) {
	dg := readPcap(t, shared(t, "asterix.pcap"))
	if len(dg) != 100 {
		t.Fatalf("%d datagrams, want 100", len(dg))
	}
	d := NewDecoder(Options{Sensor: "sdps", CAT062Edition: "0.17"})
	var srcs []target
	d.hook = func(tg *target) { srcs = append(srcs, *tg) }
	var reps []sensors.Report
	var at []time.Time // capture time of each report
	for i, g := range dg {
		if n := len(splitBlocks(g.payload)); n != 1 {
			t.Fatalf("datagram %d: %d blocks", i+1, n)
		}
		n := len(reps)
		var errs []error
		reps, errs = d.Decode(reps, g.payload, g.at)
		if len(errs) != 0 {
			t.Fatalf("datagram %d: %v", i+1, errs)
		}
		if len(reps) != n+1 {
			t.Fatalf("datagram %d: %d reports", i+1, len(reps)-n)
		}
		at = append(at, g.at)
	}
	s := d.Stats()
	if s.Blocks[62] != 100 || s.Records[62] != 100 || s.NoPosition != 0 || len(reps) != 100 || len(srcs) != 100 {
		t.Fatalf("blocks %d records %d no-position %d reports %d", s.Blocks[62], s.Records[62], s.NoPosition, len(reps))
	}

	// Every record carries the same items: source, time, track number,
	// position, Mode 3/A, flight level and velocity, and no Mode S data.
	tracks := map[uint32][]int{}
	for i, r := range reps {
		src := srcs[i]
		if !src.hasSrc || src.sac != 25 || src.sic != 100 {
			t.Errorf("record %d: SAC/SIC %v %d/%d", i+1, src.hasSrc, src.sac, src.sic)
		}
		if r.Kind != sensors.KindObservation || r.Sensor != "sdps" || !r.TimeFromPayload || len(r.Detections) != 1 {
			t.Fatalf("record %d: %+v", i+1, r)
		}
		det := r.Detections[0]
		if !det.HasTrackNumber || !det.HasVelocity || !det.HasAlt || det.Polar || det.ID == nil ||
			det.ID.ICAO != "" || det.ID.Callsign != "" || len(det.ID.Squawk) != 4 || det.Emergency != "" {
			t.Errorf("record %d: %+v %+v", i+1, det, det.ID)
		}
		// Time of track information against the capture time: the SDPS
		// stamps each track 5–15 ms before it is sent.
		if lag := at[i].Sub(r.Time); lag < 0 || lag > 50*time.Millisecond {
			t.Errorf("record %d: time %v, captured %v", i+1, r.Time, at[i])
		}
		if i > 0 && r.Time.Before(reps[i-1].Time) {
			t.Errorf("record %d: time %v before the previous %v", i+1, r.Time, reps[i-1].Time)
		}
		// Zagreb FIR and neighbours; flights at FL 14 to 450.
		if det.Lat < 42 || det.Lat > 47 || det.Lon < 12 || det.Lon > 20 {
			t.Errorf("record %d: position %v %v", i+1, det.Lat, det.Lon)
		}
		if fl := det.Alt / (100 * metresPerFt); fl < 10 || fl > 460 || det.Speed < 40 || det.Speed > 320 || det.Course < 0 || det.Course >= 360 {
			t.Errorf("record %d: FL %v speed %v course %v", i+1, fl, det.Speed, det.Course)
		}
		tracks[det.TrackNumber] = append(tracks[det.TrackNumber], i)
	}
	first, last := reps[0].Time, reps[len(reps)-1].Time
	if !first.Equal(time.Date(2008, 5, 15, 12, 47, 45, 757812500, time.UTC)) {
		t.Errorf("first time %v", first)
	}
	if span, capSpan := last.Sub(first), at[len(at)-1].Sub(at[0]); span < 9100*time.Millisecond || span > 9300*time.Millisecond ||
		(span-capSpan).Abs() > 50*time.Millisecond {
		t.Errorf("time span %v, capture span %v", span, capSpan)
	}

	// Continuity: 56 tracks, 44 of them updated twice about 5 s apart.
	// Consecutive positions of a track lie less than 2 km apart, and within
	// 300 m of where the earlier update's velocity puts the aircraft (158 m
	// at most in this file): a wrong scale of position or velocity would
	// break this by kilometres.
	if len(tracks) != 56 {
		t.Errorf("%d tracks, want 56", len(tracks))
	}
	pairs := 0
	for tn, idx := range tracks {
		for k := 1; k < len(idx); k++ {
			a, b := reps[idx[k-1]], reps[idx[k]]
			da, db := a.Detections[0], b.Detections[0]
			dt := b.Time.Sub(a.Time).Seconds()
			north, east := localOffset(da.Lat, da.Lon, db.Lat, db.Lon)
			dist := math.Hypot(north, east)
			pn := da.Speed * dt * math.Cos(da.Course*math.Pi/180)
			pe := da.Speed * dt * math.Sin(da.Course*math.Pi/180)
			if dt <= 0 || dist > 2000 || math.Hypot(north-pn, east-pe) > 300 {
				t.Errorf("track %d: %.0f m in %.2f s, %.0f m from dead reckoning", tn, dist, dt, math.Hypot(north-pn, east-pe))
			}
			pairs++
		}
	}
	if pairs != 44 {
		t.Errorf("%d consecutive pairs, want 44", pairs)
	}

	// The records decoded by hand (see the top of this file).
	day := time.Date(2008, 5, 15, 0, 0, 0, 0, time.UTC)
	for _, h := range handRecords {
		r, src := reps[h.block-1], srcs[h.block-1]
		det := r.Detections[0]
		if int64(src.tod) != h.tod || !r.Time.Equal(day.Add(time.Duration(h.tod)*nsPer128th)) {
			t.Errorf("block %d: time %v (%d)", h.block, r.Time, src.tod)
		}
		if det.TrackNumber != h.track || det.ID.Squawk != h.squawk {
			t.Errorf("block %d: track %d squawk %s", h.block, det.TrackNumber, det.ID.Squawk)
		}
		if det.Lat != float64(h.latRaw)*180/(1<<23) || det.Lon != float64(h.lonRaw)*180/(1<<23) {
			t.Errorf("block %d: position %v %v", h.block, det.Lat, det.Lon)
		}
		if src.fl != h.fl || math.Abs(det.Alt-float64(h.fl)*25*metresPerFt) > 1e-9 {
			t.Errorf("block %d: FL %d alt %v", h.block, src.fl, det.Alt)
		}
		if src.gsp != h.speed || src.hdg != h.hdg || det.Speed != float64(h.speed)*metresPerNM/(1<<14) || det.Course != float64(h.hdg)*360/(1<<16) {
			t.Errorf("block %d: speed %v course %v", h.block, det.Speed, det.Course)
		}
	}
	// The same in round figures, as a reader would check them.
	d1 := reps[0].Detections[0]
	if math.Abs(d1.Lat-44.268916) > 1e-6 || math.Abs(d1.Lon-18.229902) > 1e-6 || math.Abs(d1.Alt-10363.2) > 1e-6 ||
		math.Abs(d1.Speed/metresPerNM*3600-412.646) > 1e-3 || math.Abs(d1.Course-285.238) > 1e-3 {
		t.Errorf("block 1: %+v", d1)
	}
}

// localOffset returns the north and east offsets in metres from (lat1, lon1)
// to (lat2, lon2), on a sphere, for short distances.
func localOffset(lat1, lon1, lat2, lon2 float64) (north, east float64) {
	const r = 6371000.0
	rad := math.Pi / 180
	north = (lat2 - lat1) * rad * r
	east = (lon2 - lon1) * rad * r * math.Cos((lat1+lat2)/2*rad)
	return north, east
}

// v017Record is a CAT062 0.17 record with every item of the UAP but FRN 20,
// encoded by hand from asterix_cat062_0_17.xml: every item kind (fixed,
// extended, compound with fixed and repetitive subfields, repetitive-FX,
// explicit) of the layout.
func v017Record() []byte {
	return recordBytes(map[int][]byte{
		1:  {25, 100},                            // I062/010
		2:  {7},                                  // I062/015
		3:  tod3(45000.5),                        // I062/070
		4:  {0x81, 0x23},                         // I062/040: spare bit set, track 0x0123 = 291
		5:  {0x1f, 0x7a, 0xe9, 0xf3, 0x09, 0x59}, // I062/105: lat 2063081, lon 0xf30959 = -849575
		6:  {0x01, 0x02, 0x03, 0x04},             // I062/100
		7:  {0x07, 0x00},                         // I062/060: octal 3400
		8:  {0x00, 0x10},                         // I062/130
		9:  {0x00, 0x20},                         // I062/135
		10: {0xff, 0xf8},                         // I062/136: -8/4 = FL -2
		11: {0x08, 0x00, 0x40, 0x00},             // I062/180: 2048 × 2^-14 NM/s = 231.5 m/s, 0x4000 = 90°
		12: {0x00},                               // I062/200
		13: {0x00, 0x00},                         // I062/220
		14: {0x00},                               // I062/240
		15: {0x00, 0x00},                         // I062/210
		16: {0x01, 0x01, 0x00},                   // I062/080: first part and two extents
		17: {0x85, 0x80, 1, 2, 3, 4},             // I062/290: PSR ADS +FX, MD1; 1+2+1 octets
		18: {0xc0, 25, 100, 1, 2, 3, 4},          // I062/340: SID, POS
		// I062/380: f8 = MB ADR ID COM ACS; MB REP 2 × 8 octets, ADR 3c660c,
		// ID "DLH4AB", COM 2 octets, ACS 7 octets.
		19: cat([]byte{0xf8, 2, 1, 2, 3, 4, 5, 6, 7, 0x30, 8, 7, 6, 5, 4, 3, 2, 0x40, 0x3c, 0x66, 0x0c},
			ident6("DLH4AB"), []byte{0, 0, 1, 2, 3, 4, 5, 6, 7}),
		// I062/390: 41 = CSN +FX, 08 = TOD; CSN 7 ASCII octets, TOD REP 2 × 4.
		21: {0x41, 0x08, 'A', 'B', 'C', '1', '2', ' ', ' ', 2, 1, 2, 3, 4, 5, 6, 7, 8},
		22: {0x00},                               // I062/110
		23: {0x00, 0x00},                         // I062/120
		24: {0x00, 0x01, 0x01, 0x00, 0x02, 0x00}, // I062/510: master and one slave
		27: {2, 0xaa},                            // RE
		28: {3, 0xbb, 0xcc},                      // SP
	})
}

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// TestCAT062v017Synthetic checks every mapped item of a 0.17 record, the
// measurement of the others, and the rejections particular to 0.17.
func TestCAT062v017Synthetic(t *testing.T) {
	rec := v017Record()
	blk := blockBytes(62, rec, rec)
	d := NewDecoder(Options{Sensor: "s", CAT062Edition: "0.17"})
	reps, errs := d.Decode(nil, blk, day)
	if len(errs) != 0 || len(reps) != 2 {
		t.Fatalf("%d reports, errors %v", len(reps), errs)
	}
	for _, r := range reps {
		det := r.Detections[0]
		if !r.TimeFromPayload || !r.Time.Equal(time.Date(2024, 3, 10, 12, 30, 0, 500000000, time.UTC)) {
			t.Errorf("time %v", r.Time)
		}
		if det.Lat != 2063081*180.0/(1<<23) || det.Lon != -849575*180.0/(1<<23) {
			t.Errorf("position %v %v", det.Lat, det.Lon)
		}
		if det.TrackNumber != 291 || !det.HasAlt || det.Alt != -8*25*metresPerFt ||
			det.Speed != 231.5 || det.Course != 90 {
			t.Errorf("detection %+v", det)
		}
		if det.ID == nil || det.ID.ICAO != "3c660c" || det.ID.Callsign != "DLH4AB" || det.ID.Squawk != "3400" {
			t.Errorf("identity %+v", det.ID)
		}
	}
	// The same bytes read as 1.x do not decode (FRN 2 is spare there).
	if _, errs := NewDecoder(Options{}).Decode(nil, blk, day); len(errs) != 1 {
		t.Errorf("as 1.x: %v", errs)
	}

	for _, c := range []struct {
		name   string
		block  []byte
		reason string
		msg    []string
	}{
		{"FRN 20 (undefined I062/050)", blockBytes(62, recordBytes(map[int][]byte{1: {1, 2}, 20: {0x80, 1, 2}})),
			sensors.ReasonMalformed, []string{"CAT062 0.17 record 1", "FRN 20"}},
		{"FRN 25", blockBytes(62, recordBytes(map[int][]byte{1: {1, 2}, 25: {0}})),
			sensors.ReasonMalformed, []string{"CAT062 0.17 record 1", "FRN 25"}},
		{"I062/380 spare subfield", blockBytes(62, recordBytes(map[int][]byte{1: {1, 2}, 19: {0x04, 0}})),
			sensors.ReasonMalformed, []string{"item I062/380", "subfield 6"}},
		{"I062/105 past end", blockBytes(62, []byte{0x08, 1, 2, 3, 4, 5}),
			sensors.ReasonTruncated, []string{"item I062/105 at offset 4", "length 6"}},
		{"time past midnight", blockBytes(62, recordBytes(map[int][]byte{3: {0xa8, 0xc0, 0x00}, 5: {0, 0, 0, 0, 0, 0}})),
			sensors.ReasonBadTime, []string{"CAT062 0.17 record 1", "item I062/070"}},
		{"position off the earth", blockBytes(62, recordBytes(map[int][]byte{5: {0x7f, 0xff, 0xff, 0, 0, 0}})),
			sensors.ReasonBadPosition, []string{"CAT062 0.17 record 1", "item I062/105"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			reps, errs := NewDecoder(Options{CAT062Edition: "0.17"}).Decode(nil, c.block, day)
			var se *sensors.Error
			if len(reps) != 0 || len(errs) != 1 || !errors.As(errs[0], &se) || se.Reason != c.reason {
				t.Fatalf("%d reports, errors %v", len(reps), errs)
			}
			for _, m := range c.msg {
				if !strings.Contains(se.Msg, m) {
					t.Errorf("message %q lacks %q", se.Msg, m)
				}
			}
		})
	}
}

// TestCAT062Editions checks the edition option: the 1.x names, "auto" on
// 1.x data (no change), "auto" on a block that fails both ways (the 1.x
// error), and an unknown edition.
func TestCAT062Editions(t *testing.T) {
	for _, ed := range []string{"", "1.18", "1.19", "1.20", "1.21", "0.17", "auto"} {
		if err := (Options{CAT062Edition: ed}).Validate(); err != nil {
			t.Errorf("%q: %v", ed, err)
		}
	}
	seeds := syntheticSeeds()
	for _, ed := range []string{"1.18", "1.21", "auto"} {
		for i, p := range seeds {
			want, wantErrs := NewDecoder(Options{Sensor: "e"}).Decode(nil, p, day)
			d := NewDecoder(Options{Sensor: "e", CAT062Edition: ed})
			got, gotErrs := d.Decode(nil, p, day)
			if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotErrs, wantErrs) || d.Stats().CAT062Fallbacks != 0 {
				t.Errorf("%q, seed %d: %v %v, want %v %v", ed, i, got, gotErrs, want, wantErrs)
			}
		}
	}

	// A block that decodes neither way keeps its 1.x error.
	bad := blockBytes(62, []byte{0x01, 0x01, 0x01, 0x01, 0x10, 0})
	d := NewDecoder(Options{CAT062Edition: "auto"})
	_, errs := d.Decode(nil, bad, day)
	var se *sensors.Error
	if len(errs) != 1 || !errors.As(errs[0], &se) || !strings.HasPrefix(se.Msg, "CAT062 record 1") || d.Stats().CAT062Fallbacks != 0 {
		t.Errorf("auto, bad block: %v", errs)
	}
	// A 0.17 block falls back, a 1.x one after it does not.
	v1x := blockBytes(62, recordBytes(map[int][]byte{1: {25, 100}, 4: tod3(45000), 5: be32(0x7f3e9b, 0x25188d), 12: {0x12, 0x69}}))
	reps, errs := d.Decode(nil, append(blockBytes(62, v017Record()), v1x...), day)
	if len(errs) != 0 || len(reps) != 2 || d.Stats().CAT062Fallbacks != 1 || d.Stats().Blocks[62] != 2 ||
		reps[0].Detections[0].ID.Callsign != "DLH4AB" || reps[1].Detections[0].TrackNumber != 0x1269 ||
		reps[1].Detections[0].Lat != 0x7f3e9b*180.0/(1<<25) {
		t.Errorf("auto, 0.17 then 1.x: %v %v %+v", reps, errs, d.Stats())
	}

	// An unknown edition: Validate says so, and CAT062 blocks are rejected
	// as unsupported while the others decode.
	o := Options{CAT062Edition: "1.17"}
	if err := o.Validate(); err == nil || !errors.As(err, &se) || se.Reason != sensors.ReasonUnsupported || !strings.Contains(se.Msg, `"1.17"`) {
		t.Errorf("Validate: %v", err)
	}
	reps, errs = NewDecoder(o).Decode(nil, seeds[5], day) // CAT048, CAT001, CAT062
	if len(reps) != 1 || len(errs) != 2 || !errors.As(errs[1], &se) || se.Reason != sensors.ReasonUnsupported ||
		!strings.Contains(se.Msg, `CAT062 edition "1.17" is not supported`) {
		t.Errorf("unknown edition: %v %v", reps, errs)
	}
}
