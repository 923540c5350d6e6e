package asterix

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigia-project/vigia/sensors"
)

// The reference decoder is CroatiaControl's asterix tool; its text (-l) and
// JSON (-j) output for the staged captures is in decoded-reference/. The
// tests below decode the same captures and compare, record by record, every
// value the decoder maps, both as read (raw units, through Decoder.hook) and
// as reported (sensors.Report in SI units, recomputed here from the
// reference's raw values).

// refRecord is one record of the reference text output.
type refRecord struct {
	hex   string
	items map[string]map[string]string // item code -> field label -> value text
}

// refBlock is one data block of the reference text output.
type refBlock struct {
	cat     int
	length  int
	records []refRecord
}

// parseRefText parses the reference decoder's text output.
func parseRefText(tb testing.TB, path string) []refBlock {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var blocks []refBlock
	var rec *refRecord
	var fields map[string]string
	inRecord := false
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "Data Block "):
			blocks = append(blocks, refBlock{})
			inRecord, rec = false, nil
		case strings.HasPrefix(line, "Data Record "):
			b := &blocks[len(blocks)-1]
			b.records = append(b.records, refRecord{items: map[string]map[string]string{}})
			rec = &b.records[len(b.records)-1]
			inRecord, fields = true, nil
		case strings.HasPrefix(line, "Category: ") && !inRecord:
			blocks[len(blocks)-1].cat, _ = strconv.Atoi(strings.TrimPrefix(line, "Category: "))
		case strings.HasPrefix(line, "Len: ") && !inRecord:
			blocks[len(blocks)-1].length, _ = strconv.Atoi(strings.TrimPrefix(line, "Len: "))
		case strings.HasPrefix(line, "HexData: ") && inRecord && rec != nil && rec.hex == "":
			rec.hex = strings.ToLower(strings.TrimPrefix(line, "HexData: "))
		case strings.HasPrefix(line, "Item ") && rec != nil:
			code := strings.Fields(line)[1]
			fields = map[string]string{}
			rec.items[code] = fields
		case strings.HasPrefix(line, "\t") && fields != nil:
			label, val, ok := strings.Cut(strings.TrimPrefix(line, "\t"), ": ")
			if !ok {
				continue
			}
			if _, dup := fields[label]; !dup { // first occurrence (V and G repeat only across items)
				fields[label] = val
			}
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return blocks
}

// refInt returns the leading integer of a reference value ("50607 (197.68 NM)").
func refInt(tb testing.TB, v string) int64 {
	tb.Helper()
	s, _, _ := strings.Cut(v, " ")
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		tb.Fatalf("reference value %q: %v", v, err)
	}
	return n
}

// decoded is one record as the decoder saw it, with its report (nil when it
// gave none).
type decoded struct {
	t   target
	rep *sensors.Report
}

// decodeAll decodes the datagrams and returns, per data block, the records
// in order; it fails on any error.
func decodeAll(tb testing.TB, dg []datagram) (blocks [][]decoded, reports int) {
	tb.Helper()
	d := NewDecoder(Options{Sensor: "ref"})
	for _, g := range dg {
		var recs []target
		d.hook = func(t *target) { recs = append(recs, *t) }
		reps, errs := d.Decode(nil, g.payload, g.at)
		for _, e := range errs {
			tb.Errorf("datagram at %v: %v", g.at, e)
		}
		reports += len(reps)
		ri := 0
		i := 0
		for _, blk := range splitBlocks(g.payload) {
			var out []decoded
			for p := 3; p < len(blk); {
				if i >= len(recs) {
					tb.Fatalf("datagram at %v: fewer records decoded than framed", g.at)
				}
				x := decoded{t: recs[i]}
				x.t.rec = append([]byte(nil), x.t.rec...)
				if x.t.kind != sensors.KindObservation || x.t.hasPos {
					x.rep = &reps[ri]
					ri++
				}
				out = append(out, x)
				p += len(recs[i].rec)
				i++
			}
			blocks = append(blocks, out)
		}
		if ri != len(reps) || i != len(recs) {
			tb.Fatalf("datagram at %v: %d reports for %d, %d records for %d", g.at, len(reps), ri, len(recs), i)
		}
	}
	return blocks, reports
}

// cmp counts comparisons and reports mismatches.
type cmp struct {
	tb               testing.TB
	fields, mismatch int
	records          int
	where            string
	capture          time.Time // date of the capture, for completing times of day
	signedFL         int       // flight levels read as negative where the reference reads them unsigned
}

func (c *cmp) eq(name string, got, want any) {
	c.fields++
	if got != want {
		c.mismatch++
		if c.mismatch <= 20 {
			c.tb.Errorf("%s: %s = %v, reference %v", c.where, name, got, want)
		}
	}
}

func (c *cmp) near(name string, got, want, tol float64) {
	c.fields++
	if math.Abs(got-want) > tol || math.IsNaN(got) {
		c.mismatch++
		if c.mismatch <= 20 {
			c.tb.Errorf("%s: %s = %.9f, reference %.9f", c.where, name, got, want)
		}
	}
}

// TestReferenceCAT048CAT034 compares every CAT048 and CAT034 record of
// cat_034_048.pcap with the reference decoder's text output.
func TestReferenceCAT048CAT034(t *testing.T) {
	dg := readPcap(t, shared(t, "cat_034_048.pcap"))
	ref := parseRefText(t, shared(t, "decoded-reference/cat_034_048.txt"))
	got, _ := decodeAll(t, dg)
	if len(got) != len(ref) {
		t.Fatalf("%d blocks decoded, reference has %d", len(got), len(ref))
	}
	c := &cmp{tb: t, capture: dg[0].at}
	var n048, n034 int
	for bi, rb := range ref {
		if len(got[bi]) != len(rb.records) {
			t.Fatalf("block %d: %d records, reference %d", bi+1, len(got[bi]), len(rb.records))
		}
		for ri, rr := range rb.records {
			g := got[bi][ri]
			c.where = "block " + strconv.Itoa(bi+1) + " record " + strconv.Itoa(ri+1)
			c.records++
			c.eq("category", int(g.t.cat), rb.cat)
			c.eq("record bytes", hex.EncodeToString(g.t.rec), rr.hex)
			src := rr.items["010"]
			c.eq("SAC", int64(g.t.sac), refInt(t, src["System Area Code"]))
			c.eq("SIC", int64(g.t.sic), refInt(t, src["System Identification Code"]))
			switch rb.cat {
			case 48:
				n048++
				compare048(t, c, g, rr)
			case 34:
				n034++
				tod := refInt(t, rr.items["030"]["Time of Day"])
				c.eq("I034/030", int64(g.t.tod), tod)
				c.eq("I034/000", int64(g.t.serviceMsgType), refInt(t, rr.items["000"]["Message Type"]))
				c.eq("kind", g.rep.Kind, sensors.KindService)
				c.eq("detections", len(g.rep.Detections), 0)
				c.eq("time", g.rep.Time, wantTime(dg[0].at, tod))
				c.eq("time from payload", g.rep.TimeFromPayload, true)
				if p := rr.items["120"]; p != nil {
					c.eq("platform present", g.rep.Platform != nil, true)
					if g.rep.Platform != nil {
						c.near("platform alt", g.rep.Platform.Alt, float64(refInt(t, p["Height of Data Source"])), 0)
						c.near("platform lat", g.rep.Platform.Lat, refFloatParen(t, p["Latitude"]), 1e-6)
						c.near("platform lon", g.rep.Platform.Lon, refFloatParen(t, p["Longitude"]), 1e-6)
					}
				}
			default:
				t.Fatalf("%s: category %d", c.where, rb.cat)
			}
		}
	}
	t.Logf("cat_034_048.pcap: %d records compared (%d CAT048, %d CAT034), %d field comparisons, %d mismatches; %d flight levels negative (reference: unsigned)",
		c.records, n048, n034, c.fields, c.mismatch, c.signedFL)
	if n048 != 128 || n034 != 34 {
		t.Errorf("compared %d CAT048 and %d CAT034 records, want 128 and 34", n048, n034)
	}
}

// refFloatParen returns the value in parentheses ("123 (45.5 deg)" -> 45.5).
func refFloatParen(tb testing.TB, v string) float64 {
	tb.Helper()
	_, rest, ok := strings.Cut(v, "(")
	if !ok {
		tb.Fatalf("reference value %q has no scaled value", v)
	}
	s, _, _ := strings.Cut(rest, " ")
	s = strings.TrimSuffix(s, ")")
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		tb.Fatalf("reference value %q: %v", v, err)
	}
	return f
}

// wantTime completes a time of day (1/128 s) on the date of the capture,
// as the decoder should (the captures are far from midnight).
func wantTime(capture time.Time, tod int64) time.Time {
	y, m, d := capture.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Add(time.Duration(tod) * time.Second / 128)
}

func compare048(t *testing.T, c *cmp, g decoded, rr refRecord) {
	tod := refInt(t, rr.items["140"]["Time of Day"])
	c.eq("I048/140", int64(g.t.tod), tod)
	pos, hasPos := rr.items["040"]
	c.eq("has I048/040", g.t.hasPos, hasPos)
	c.eq("has report", g.rep != nil, hasPos)
	if !hasPos || g.rep == nil {
		return
	}
	r := g.rep
	c.eq("kind", r.Kind, sensors.KindObservation)
	c.eq("sensor", r.Sensor, "ref")
	c.eq("time", r.Time, wantTime(c.capture, tod))
	c.eq("time from payload", r.TimeFromPayload, true)
	c.eq("detections", len(r.Detections), 1)
	det := r.Detections[0]
	rho, theta := refInt(t, pos["RHO"]), refInt(t, pos["THETA"])
	c.eq("RHO", int64(g.t.rho), rho)
	c.eq("THETA", int64(g.t.theta), theta)
	c.eq("polar", det.Polar, true)
	c.near("range m", det.Range, float64(rho)/256*1852, 1e-9)
	c.near("bearing", det.Bearing, float64(theta)*360/65536, 1e-12)
	c.near("range NM vs reference", det.Range/1852, refFloatParen(t, pos["RHO"]), 1e-6)
	c.near("bearing vs reference", det.Bearing, refFloatParen(t, pos["THETA"]), 1e-6)

	if fl, ok := rr.items["090"]; ok {
		valid := refInt(t, fl["V"]) == 0 && refInt(t, fl["G"]) == 0
		c.eq("HasAlt", det.HasAlt, valid)
		if valid {
			raw := refInt(t, fl["FL"])
			// The 14 bits must agree. The reference reads them unsigned
			// (its CAT048 1.30 definition); the EUROCONTROL item is two's
			// complement (-12 to 1270 FL), which the decoder follows: the
			// two records with 0x3ffc (an aircraft on the ground, squawk
			// 7000, 5 kt) read FL -1 here and FL 4095 there.
			c.eq("FL bits", int64(g.t.fl)&0x3fff, raw)
			signed := raw
			if signed >= 1<<13 {
				signed -= 1 << 14
				c.signedFL++
			} else {
				c.near("FL vs reference", det.Alt/0.3048/100, refFloatParen(t, fl["FL"]), 1e-6)
			}
			c.near("alt m", det.Alt, float64(signed)/4*100*0.3048, 1e-9)
		}
	} else {
		c.eq("HasAlt", det.HasAlt, false)
	}

	var wantICAO, wantCS, wantSquawk string
	if m, ok := rr.items["070"]; ok {
		code := m["Mode-3/A Reply in Octal Representation"]
		c.eq("Mode-3/A raw", squawk(g.t.mode3A), code)
		if refInt(t, m["V"]) == 0 && refInt(t, m["G"]) == 0 {
			wantSquawk = code
		}
	}
	if a, ok := rr.items["220"]; ok {
		wantICAO = strconv.FormatInt(refInt(t, a["Aircraft Address"]), 16)
		wantICAO = strings.Repeat("0", 6-len(wantICAO)) + wantICAO
	}
	if id, ok := rr.items["240"]; ok {
		wantCS = strings.TrimRight(id["Aircraft Identification"], " ")
	}
	compareID(c, det, wantICAO, wantCS, wantSquawk)

	if tn, ok := rr.items["161"]; ok {
		c.eq("HasTrackNumber", det.HasTrackNumber, true)
		c.eq("track number", int64(det.TrackNumber), refInt(t, tn["Track Number"]))
	} else {
		c.eq("HasTrackNumber", det.HasTrackNumber, false)
	}
	if v, ok := rr.items["200"]; ok {
		gs, hdg := refInt(t, v["Calculated Groundspeed"]), refInt(t, v["Calculated Heading"])
		c.eq("HasVelocity", det.HasVelocity, true)
		c.eq("GSP", int64(g.t.gsp), gs)
		c.eq("HDG", int64(g.t.hdg), hdg)
		c.near("speed m/s", det.Speed, float64(gs)/16384*1852, 1e-9)
		c.near("course", det.Course, float64(hdg)*360/65536, 1e-12)
		c.near("speed NM/s vs reference", det.Speed/1852, refFloatParen(t, v["Calculated Groundspeed"]), 1e-6)
	} else {
		c.eq("HasVelocity", det.HasVelocity, false)
	}
}

// compareID checks the identity of a detection against expected values
// ("" = absent).
func compareID(c *cmp, det sensors.Detection, icao, callsign, squawk string) {
	if icao == "" && callsign == "" && squawk == "" {
		c.eq("ID", det.ID == nil, true)
		return
	}
	c.eq("ID present", det.ID != nil, true)
	if det.ID == nil {
		return
	}
	c.eq("ICAO", det.ID.ICAO, icao)
	c.eq("callsign", det.ID.Callsign, callsign)
	c.eq("squawk", det.ID.Squawk, squawk)
	c.eq("emergency", det.Emergency, sensors.EmergencyForSquawk(squawk))
}

// TestReferenceCAT062CAT065 compares the CAT062 and CAT065 records of
// cat_062_065.pcap (and the same records in cat062cat065.raw) with the
// reference decoder's JSON output.
func TestReferenceCAT062CAT065(t *testing.T) {
	type refLine struct {
		Cat    int                        `json:"cat"`
		Hex    string                     `json:"hexdata"`
		CAT062 map[string]json.RawMessage `json:"CAT062"`
		CAT065 map[string]json.RawMessage `json:"CAT065"`
	}
	raw, err := os.ReadFile(shared(t, "decoded-reference/cat_062_065_json.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var ref []refLine
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var l refLine
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("reference line %q: %v", line, err)
		}
		ref = append(ref, l)
	}
	pc := readPcap(t, shared(t, "cat_062_065.pcap"))
	for _, src := range []struct {
		name string
		dg   []datagram
	}{
		{"cat_062_065.pcap", pc},
	} {
		blocks, _ := decodeAll(t, src.dg)
		var recs []decoded
		for _, b := range blocks {
			recs = append(recs, b...)
		}
		if len(recs) != len(ref) {
			t.Fatalf("%s: %d records, reference %d", src.name, len(recs), len(ref))
		}
		c := &cmp{tb: t}
		for i, l := range ref {
			g := recs[i]
			c.where = src.name + " record " + strconv.Itoa(i+1)
			c.records++
			c.eq("category", int(g.t.cat), l.Cat)
			c.eq("record bytes", hex.EncodeToString(g.t.rec), strings.ToLower(l.Hex))
			items := l.CAT062
			if l.Cat == 65 {
				items = l.CAT065
			}
			get := func(item string, dst any) bool {
				m, ok := items[item]
				if !ok {
					return false
				}
				if err := json.Unmarshal(m, dst); err != nil {
					t.Fatalf("%s: %s: %v", c.where, item, err)
				}
				return true
			}
			var src struct{ SAC, SIC int }
			get("I010", &src)
			c.eq("SAC", int(g.t.sac), src.SAC)
			c.eq("SIC", int(g.t.sic), src.SIC)
			r := g.rep
			if l.Cat == 65 {
				var tom struct{ ToM float64 }
				var mt struct{ MT int }
				get("I030", &tom)
				get("I000", &mt)
				c.near("I065/030", float64(g.t.tod)/128, tom.ToM, 0)
				c.eq("I065/000", int(g.t.serviceMsgType), mt.MT)
				c.eq("kind", r.Kind, sensors.KindService)
				c.eq("time", r.Time, wantTime(pc[0].at, int64(tom.ToM*128)))
				continue
			}
			var tot struct{ TOTI float64 }
			get("I070", &tot)
			c.near("I062/070", float64(g.t.tod)/128, tot.TOTI, 0)
			c.eq("time", r.Time, wantTime(pc[0].at, int64(tot.TOTI*128)))
			c.eq("time from payload", r.TimeFromPayload, true)
			c.eq("kind", r.Kind, sensors.KindObservation)
			det := r.Detections[0]
			var pos struct{ LAT, LON float64 }
			if get("I105", &pos) {
				c.eq("polar", det.Polar, false)
				c.near("lat", det.Lat, pos.LAT, 0.6e-7)
				c.near("lon", det.Lon, pos.LON, 0.6e-7)
			}
			var vel struct{ VX, VY float64 }
			if get("I185", &vel) {
				c.near("VX", float64(g.t.vx)/4, vel.VX, 0)
				c.near("VY", float64(g.t.vy)/4, vel.VY, 0)
				c.near("speed", det.Speed, math.Hypot(vel.VX, vel.VY), 1e-9)
				course := math.Mod(math.Atan2(vel.VX, vel.VY)*180/math.Pi+360, 360)
				c.near("course", det.Course, course, 1e-9)
			}
			var tn struct{ TN int }
			if get("I040", &tn) {
				c.eq("HasTrackNumber", det.HasTrackNumber, true)
				c.eq("track number", int(det.TrackNumber), tn.TN)
			}
			var mfl struct{ MFL float64 }
			if get("I136", &mfl) {
				c.eq("HasAlt", det.HasAlt, true)
				c.near("FL", float64(g.t.fl)/4, mfl.MFL, 0)
				c.near("alt m", det.Alt, mfl.MFL*100*0.3048, 1e-9)
			}
			var m3 struct {
				V, G   int
				MODE3A string
			}
			var sq, icao, cs string
			if get("I060", &m3) {
				c.eq("Mode 3/A raw", squawk(g.t.mode3A), m3.MODE3A)
				if m3.V == 0 && m3.G == 0 {
					sq = m3.MODE3A
				}
			}
			var add struct {
				ADR struct{ ADR int64 }
				ID  struct{ ID string }
			}
			if get("I380", &add) {
				icao = strconv.FormatInt(add.ADR.ADR, 16)
				icao = strings.Repeat("0", 6-len(icao)) + icao
				cs = strings.TrimRight(add.ID.ID, " ")
			}
			compareID(c, det, icao, cs, sq)
		}
		t.Logf("%s: %d records compared, %d field comparisons, %d mismatches", src.name, c.records, c.fields, c.mismatch)
	}
}
