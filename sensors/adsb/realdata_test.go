package adsb

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigia-project/vigia/internal/shareddata"
	"github.com/vigia-project/vigia/sensors"
)

// haversine returns the great-circle distance in metres.
func haversine(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371008.8
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	dp, dl := p2-p1, (lon2-lon1)*math.Pi/180
	a := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}

func reason(err error) string {
	var e *sensors.Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return "not *sensors.Error: " + err.Error()
}

// TestPyModeSSample feeds the 2,000 DF17 messages of pyModeS's sample
// (one aircraft, 406B90, 2016-03-14) as AVR lines, each at its row's time.
func TestPyModeSSample(t *testing.T) {
	f, err := os.Open(shareddata.Path(t, "pymodes-adsb/sample_data_adsb.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := NewModeSDecoder(Options{Sensor: "delft"}, AVR)
	byTC := map[int]int{}
	var reps []sensors.Report
	rows := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rec := strings.Split(strings.TrimPrefix(sc.Text(), "\ufeff"), ",")
		if len(rec) != 4 {
			t.Fatalf("row %d: %q", rows, sc.Text())
		}
		ts, err1 := strconv.ParseInt(rec[0], 10, 64)
		tc, err2 := strconv.Atoi(rec[3])
		if err1 != nil || err2 != nil {
			t.Fatalf("row %d: %q", rows, sc.Text())
		}
		rows++
		byTC[tc]++
		msg := strings.Trim(rec[1], `"`)
		var errs []error
		reps, errs = d.Decode(reps, []byte("*"+msg+";\n"), time.Unix(ts, 0))
		if len(errs) != 0 {
			t.Errorf("row %d %s: %v", rows, msg, errs)
		}
	}
	if rows != 2000 || byTC[19] != 965 || byTC[11] != 937 || byTC[4] != 98 {
		t.Errorf("rows %d by type code %v, want 2000: TC19 965, TC11 937, TC4 98", rows, byTC)
	}
	st := d.Stats()
	if st.ByTypeCode[19] != 965 || st.ByTypeCode[11] != 937 || st.ByTypeCode[4] != 98 || st.BadCRC != 0 || st.Squitters != 2000 {
		t.Errorf("decoder counts: TC19 %d TC11 %d TC4 %d bad CRC %d squitters %d",
			st.ByTypeCode[19], st.ByTypeCode[11], st.ByTypeCode[4], st.BadCRC, st.Squitters)
	}
	if d.Aircraft() != 1 {
		t.Errorf("%d aircraft, want 1", d.Aircraft())
	}
	// Every TC11 gives a position but the very first (no pair, no reference yet).
	t.Logf("%d positions from %d TC11 messages", len(reps), byTC[11])
	if len(reps) < 930 || len(reps) > 937 {
		t.Errorf("%d positions, want 930..937", len(reps))
	}
	icaos := map[string]bool{}
	var maxJump, minSpeed, maxSpeed float64
	minSpeed = math.Inf(1)
	withCallsign, withVel, withAlt := 0, 0, 0
	for i, r := range reps {
		if len(r.Detections) != 1 {
			t.Fatalf("report %d: %d detections", i, len(r.Detections))
		}
		det := r.Detections[0]
		icaos[det.ID.ICAO] = true
		if det.ID.Callsign != "" {
			withCallsign++
			if det.ID.Callsign != "EZY85MH" {
				t.Errorf("report %d: callsign %q", i, det.ID.Callsign)
			}
		}
		if det.HasAlt {
			withAlt++
		}
		if det.HasVelocity {
			withVel++
			minSpeed = math.Min(minSpeed, det.Speed)
			maxSpeed = math.Max(maxSpeed, det.Speed)
		}
		if i > 0 {
			p := reps[i-1].Detections[0]
			dt := r.Time.Sub(reps[i-1].Time)
			dist := haversine(p.Lat, p.Lon, det.Lat, det.Lon)
			if dt < 60*time.Second && dist > 20000 {
				t.Errorf("report %d: jump of %.0f m in %v", i, dist, dt)
			}
			maxJump = math.Max(maxJump, dist)
		}
	}
	first, last := reps[0].Detections[0], reps[len(reps)-1].Detections[0]
	t.Logf("first %.5f %.5f alt %.0f m, last %.5f %.5f; max step %.0f m; speed %.1f..%.1f m/s; callsign on %d, velocity on %d, altitude on %d",
		first.Lat, first.Lon, first.Alt, last.Lat, last.Lon, maxJump, minSpeed, maxSpeed, withCallsign, withVel, withAlt)
	if len(icaos) != 1 || !icaos["406b90"] {
		t.Errorf("ICAOs %v, want 406b90", icaos)
	}
	if withCallsign < len(reps)-20 || withVel < len(reps)*9/10 || withAlt != len(reps) {
		t.Errorf("enrichment: callsign %d velocity %d altitude %d of %d", withCallsign, withVel, withAlt, len(reps))
	}
	if minSpeed < 50 || maxSpeed > 300 {
		t.Errorf("implausible speeds %.1f..%.1f m/s for an airliner", minSpeed, maxSpeed)
	}
	// The receiver is at TU Delft: the aircraft stays within ~400 km of it.
	for i, r := range reps {
		det := r.Detections[0]
		if haversine(det.Lat, det.Lon, 52.0, 4.37) > 450000 {
			t.Fatalf("report %d at %.4f %.4f: far from Delft", i, det.Lat, det.Lon)
		}
	}
}

// TestPyModeSCommB feeds the 10,000 DF20/DF21 Comm-B replies: each is
// rejected as unsupported; the address recovered from the address/parity
// field must equal the file's ICAO column.
func TestPyModeSCommB(t *testing.T) {
	for _, c := range []struct {
		file string
		df   int
	}{{"pymodes-adsb/sample_data_commb_df20.csv", 20}, {"pymodes-adsb/sample_data_commb_df21.csv", 21}} {
		data, err := os.ReadFile(shareddata.Path(t, c.file))
		if err != nil {
			t.Fatal(err)
		}
		data = bytes.TrimPrefix(data, []byte("\ufeff"))
		d := NewModeSDecoder(Options{}, AVR)
		rows, unsupported, addrMatch := 0, 0, 0
		icaos := map[string]bool{}
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			rec := strings.Split(strings.TrimSpace(line), ",")
			if len(rec) != 3 {
				t.Fatalf("%s: %q", c.file, line)
			}
			rows++
			icaos[rec[1]] = true
			reps, errs := d.Decode(nil, []byte("*"+rec[2]+";"), t0)
			if len(reps) != 0 || len(errs) != 1 {
				t.Fatalf("%s: %s: %v %v", c.file, rec[2], reps, errs)
			}
			if reason(errs[0]) == sensors.ReasonUnsupported {
				unsupported++
			}
			b, _ := hex.DecodeString(rec[2])
			if strings.EqualFold(hexLower(crcRemainder(b)), rec[1]) {
				addrMatch++
			} else {
				t.Logf("%s: %s: AP gives %s, ICAO column %s", c.file, rec[2], hexLower(crcRemainder(b)), rec[1])
			}
		}
		st := d.Stats()
		t.Logf("%s: %d rows, %d aircraft, %d unsupported, %d addresses recovered from AP match the ICAO column",
			c.file, rows, len(icaos), unsupported, addrMatch)
		if rows != 5000 || unsupported != 5000 || st.ByDF[c.df] != 5000 || st.Long != 5000 || d.Aircraft() != 0 {
			t.Errorf("%s: rows %d unsupported %d DF%d %d long %d aircraft %d", c.file, rows, unsupported, c.df, st.ByDF[c.df], st.Long, d.Aircraft())
		}
		// Three DF20 replies carry bit errors: their AP field differs from
		// pyModeS's ICAO column in a few bits (measured).
		if want := map[int]int{20: 4997, 21: 5000}[c.df]; addrMatch != want {
			t.Errorf("%s: %d of %d AP addresses match, want %d", c.file, addrMatch, rows, want)
		}
	}
}

// beastFrames splits a Beast capture independently of the decoder (a
// plain unescaping walk over the whole buffer), for cross-checking.
func beastFrames(t testing.TB, b []byte) (frames [][]byte, types []byte) {
	for i := 0; i < len(b); {
		if b[i] != 0x1A || i+1 >= len(b) {
			t.Fatalf("byte %d: %#x out of frame", i, b[i])
		}
		typ := b[i+1]
		n := map[byte]int{'1': 2, '2': 7, '3': 14}[typ]
		if n == 0 {
			t.Fatalf("byte %d: type %#x", i, typ)
		}
		i += 2
		var f []byte
		for len(f) < 7+n {
			if b[i] == 0x1A {
				if b[i+1] != 0x1A {
					t.Fatalf("byte %d: lone 0x1A", i)
				}
				i++
			}
			f = append(f, b[i])
			i++
		}
		frames = append(frames, f[7:])
		types = append(types, typ)
	}
	return frames, types
}

type beastResult struct {
	reps    []sensors.Report
	reasons map[string]int
	stats   ModeSStats
}

func runBeast(data []byte, cuts []int) beastResult {
	d := NewModeSDecoder(Options{Sensor: "lfbo"}, Beast)
	res := beastResult{reasons: map[string]int{}}
	prev := 0
	for _, c := range append(cuts, len(data)) {
		var errs []error
		res.reps, errs = d.Decode(res.reps, data[prev:c], t0)
		for _, e := range errs {
			res.reasons[reason(e)]++
		}
		prev = c
	}
	res.stats = d.Stats()
	return res
}

// TestBeastSample decodes traffic's dump1090 Beast capture whole and split
// at random points.
func TestBeastSample(t *testing.T) {
	data, err := os.ReadFile("testdata/sample_dump1090.beast.bin")
	if err != nil {
		t.Fatal(err)
	}
	frames, types := beastFrames(t, data)
	nShort, nLong, okDF17, badDF17, okDF11, badDF11, apKnown, apTotal := 0, 0, 0, 0, 0, 0, 0, 0
	known := map[uint32]bool{}
	for i, f := range frames {
		df := f[0] >> 3
		switch types[i] {
		case '2':
			nShort++
		case '3':
			nLong++
		}
		switch {
		case df == 17 || df == 18:
			if crcRemainder(f) == 0 {
				okDF17++
				known[uint32(f[1])<<16|uint32(f[2])<<8|uint32(f[3])] = true
			} else {
				badDF17++
			}
		case df == 11:
			if crcRemainder(f)&^0x7F == 0 {
				okDF11++
				known[uint32(f[1])<<16|uint32(f[2])<<8|uint32(f[3])] = true
			} else {
				badDF11++
			}
		}
	}
	for _, f := range frames {
		if df := f[0] >> 3; df == 0 || df == 4 || df == 5 || df == 16 || df == 20 || df == 21 {
			apTotal++
			if known[crcRemainder(f)] {
				apKnown++
			}
		}
	}
	t.Logf("%d frames: %d short, %d long; DF17/18 parity ok %d bad %d; DF11 ok %d bad %d; %d addresses; %d of %d AP frames carry a known address",
		len(frames), nShort, nLong, okDF17, badDF17, okDF11, badDF11, len(known), apKnown, apTotal)

	whole := runBeast(data, nil)
	st := whole.stats
	t.Logf("decoder: short %d long %d bad CRC %d squitters %d positions %d; by DF %v; by TC %v; reasons %v",
		st.Short, st.Long, st.BadCRC, st.Squitters, st.Positions, st.ByDF, st.ByTypeCode, whole.reasons)
	if int(st.Short) != nShort || int(st.Long) != nLong || st.BeastSkip != 0 || st.BeastCut != 0 || st.ModeAC != 0 {
		t.Errorf("decoder saw short %d long %d skip %d cut %d, want %d %d 0 0", st.Short, st.Long, st.BeastSkip, st.BeastCut, nShort, nLong)
	}
	if int(st.Squitters) != okDF17 || int(st.BadCRC) != badDF17+badDF11 {
		t.Errorf("squitters %d bad CRC %d", st.Squitters, st.BadCRC)
	}
	if len(frames) != 239 || nShort != 185 || nLong != 54 {
		t.Errorf("%d frames (%d short, %d long), provenance says 239 (185, 54)", len(frames), nShort, nLong)
	}
	// Measured: 23 DF17 squitters and 90 DF11 all-call replies, all with good
	// parity; every DF0/4/5/16/20/21 reply's address/parity field resolves to
	// one of the 4 addresses heard in DF11/DF17.
	var addrs []string
	for a := range known {
		addrs = append(addrs, hexLower(a))
	}
	sortStrings(addrs)
	if okDF17 != 23 || badDF17 != 0 || okDF11 != 90 || badDF11 != 0 || apKnown != apTotal || apTotal != 126 ||
		strings.Join(addrs, ",") != "3981e4,440062,44ce69,48520a" {
		t.Errorf("parity: DF17 %d/%d DF11 %d/%d AP %d/%d addresses %v", okDF17, badDF17, okDF11, badDF11, apKnown, apTotal, addrs)
	}
	if whole.reasons[sensors.ReasonUnsupported] != 239-23 || len(whole.reasons) != 1 {
		t.Errorf("rejections %v, want 216 unsupported", whole.reasons)
	}
	icaos := map[string]int{}
	for _, r := range whole.reps {
		icaos[r.Detections[0].ID.ICAO]++
		checkReport(t, r)
	}
	t.Logf("%d reports, ICAOs %v, addresses heard %v", len(whole.reps), icaos, addrs)
	if len(whole.reps) != 3 || icaos["48520a"] != 3 {
		t.Errorf("reports by ICAO %v, want 3 of 48520a", icaos)
	}

	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 300 {
		n := 1 + rng.IntN(60)
		if trial < 20 {
			n = len(data) / (trial + 1) // many tiny pieces
		}
		cuts := make([]int, 0, n)
		for range n {
			cuts = append(cuts, 1+rng.IntN(len(data)-1))
		}
		sortInts(cuts)
		cuts = dedupe(cuts) // an empty payload is an error of its own
		got := runBeast(data, cuts)
		if !reflect.DeepEqual(reportsValue(got.reps), reportsValue(whole.reps)) || !reflect.DeepEqual(got.reasons, whole.reasons) ||
			got.stats != whole.stats {
			t.Fatalf("trial %d (%d cuts): results differ from the whole file: reasons %v vs %v", trial, n, got.reasons, whole.reasons)
		}
	}
	// Byte by byte.
	cuts := make([]int, len(data))
	for i := range cuts {
		cuts[i] = i + 1
	}
	cuts = cuts[:len(cuts)-1]
	if got := runBeast(data, cuts); got.stats != whole.stats || !reflect.DeepEqual(reportsValue(got.reps), reportsValue(whole.reps)) {
		t.Fatal("byte-by-byte feeding differs")
	}
}

func sortStrings(a []string) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

func dedupe(a []int) []int {
	out := a[:0]
	for i, v := range a {
		if i == 0 || v != a[i-1] {
			out = append(out, v)
		}
	}
	return out
}

func sortInts(a []int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// reportsValue flattens reports (identities by value) for comparison.
func reportsValue(reps []sensors.Report) []any {
	var out []any
	for _, r := range reps {
		for _, d := range r.Detections {
			id := sensors.Identity{}
			if d.ID != nil {
				id = *d.ID
			}
			d.ID = nil
			out = append(out, r.Time, r.Sensor, d, id)
		}
	}
	return out
}

// stateVector is one OpenSky state vector of traffic's border_control sample.
type stateVector struct {
	Timestamp   int64   `json:"timestamp"`
	ICAO24      string  `json:"icao24"`
	Latitude    float64 `json:"latitude"`
	Longitude   float64 `json:"longitude"`
	Groundspeed float64 `json:"groundspeed"`
	Track       float64 `json:"track"`
	Vertical    float64 `json:"vertical_rate"`
	Callsign    string  `json:"callsign"`
	Squawk      string  `json:"squawk"`
	Altitude    float64 `json:"altitude"`
}

// sbsLines converts a state vector into the SBS lines dump1090 would have
// written for it: MSG,1 (callsign), MSG,6 (squawk), MSG,4 (velocity),
// MSG,3 (position).
func sbsLines(v stateVector) string {
	tm := time.UnixMilli(v.Timestamp).UTC()
	date, clock := tm.Format("2006/01/02"), tm.Format("15:04:05.000")
	hdr := func(tt int) string {
		return "MSG," + strconv.Itoa(tt) + ",1,1," + strings.ToUpper(v.ICAO24) + ",1," + date + "," + clock + "," + date + "," + clock + ","
	}
	num := func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
	var b strings.Builder
	b.WriteString(hdr(1) + v.Callsign + ",,,,,,,,,,,0\r\n")
	b.WriteString(hdr(6) + ",,,,,,," + v.Squawk + ",0,0,0,0\r\n")
	b.WriteString(hdr(4) + ",," + num(v.Groundspeed) + "," + num(v.Track) + ",,," + num(v.Vertical) + ",,,,,0\r\n")
	b.WriteString(hdr(3) + "," + num(v.Altitude) + ",,," + num(v.Latitude) + "," + num(v.Longitude) + ",,,0,0,0,0\r\n")
	return b.String()
}

// TestSBSBorderControl rebuilds SBS lines from the OpenSky track of the UK
// Border Force patrol aircraft GTEKV (Dover Strait, 4 h) and checks that the
// SBS decoder reproduces every position, speed, track, altitude, callsign
// and squawk exactly.
func TestSBSBorderControl(t *testing.T) {
	f, err := os.Open(shareddata.Path(t, "traffic-adsb/border_control.json.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var vs []stateVector
	if err := json.NewDecoder(zr).Decode(&vs); err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1465 {
		t.Fatalf("%d state vectors, want 1465", len(vs))
	}
	check := func(t *testing.T, reps []sensors.Report) {
		t.Helper()
		if len(reps) != len(vs) {
			t.Fatalf("%d reports, want %d", len(reps), len(vs))
		}
		for i, v := range vs {
			r := reps[i]
			det := r.Detections[0]
			course := v.Track
			if course == 360 {
				course = 0
			}
			want := sensors.Detection{Lat: v.Latitude, Lon: v.Longitude, Alt: v.Altitude * ftToM, HasAlt: true,
				Class: sensors.ClassAir, Speed: v.Groundspeed * ktToMps, Course: course, HasVelocity: true}
			got := det
			got.ID = nil
			if got != want || det.ID == nil || *det.ID != (sensors.Identity{ICAO: "407918", Callsign: "GTEKV", Squawk: v.Squawk}) ||
				!r.Time.Equal(time.UnixMilli(v.Timestamp)) || !r.TimeFromPayload || r.Time.Location() != time.UTC {
				t.Fatalf("vector %d: got %+v %+v at %v, want %+v %s at %v", i, got, det.ID, r.Time, want, v.Squawk, time.UnixMilli(v.Timestamp).UTC())
			}
		}
	}
	t.Run("per-vector payloads", func(t *testing.T) {
		d := NewSBSDecoder(Options{Sensor: "patrol"})
		var reps []sensors.Report
		for _, v := range vs {
			var errs []error
			reps, errs = d.Decode(reps, []byte(sbsLines(v)), time.Time{})
			if len(errs) != 0 {
				t.Fatal(errs)
			}
		}
		check(t, reps)
	})
	t.Run("one payload", func(t *testing.T) {
		var b strings.Builder
		for _, v := range vs {
			b.WriteString(sbsLines(v))
		}
		reps, errs := NewSBSDecoder(Options{}).Decode(nil, []byte(b.String()), time.Time{})
		if len(errs) != 0 {
			t.Fatal(errs)
		}
		check(t, reps)
	})
}
