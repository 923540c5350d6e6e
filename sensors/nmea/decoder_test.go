package nmea

import (
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigia-project/vigia/internal/shareddata"
	"github.com/vigia-project/vigia/sensors"
)

// decodeAll decodes the lines of a file, one payload per line.
func decodeAll(t *testing.T, path string) ([]sensors.Report, []error) {
	t.Helper()
	lines, _ := readLines(t, path)
	d := NewDecoder(Options{Sensor: "test"})
	var reps []sensors.Report
	var all []error
	for i, l := range lines {
		var errs []error
		reps, errs = d.Decode(reps, []byte(l), epoch.Add(time.Duration(i)*10*time.Millisecond))
		all = append(all, errs...)
	}
	return reps, all
}

// find returns the first report of kind k about mmsi.
func find(t *testing.T, reps []sensors.Report, k sensors.Kind, mmsi uint32) sensors.Report {
	t.Helper()
	for _, r := range reps {
		if r.Kind == k && len(r.Detections) > 0 && r.Detections[0].ID != nil && r.Detections[0].ID.MMSI == mmsi {
			return r
		}
	}
	t.Fatalf("no %s report for MMSI %d", k, mmsi)
	return sensors.Report{}
}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.7f, want %.7f (±%g)", what, got, want, tol)
	}
}

// pos checks a geodetic detection against expected values (degrees; speed
// in knots and course in degrees, or speed < 0 for "no velocity").
func pos(t *testing.T, name string, det sensors.Detection, lat, lon, sog, cog, sigma float64) {
	t.Helper()
	near(t, name+" lat", det.Lat, lat, 1e-5)
	near(t, name+" lon", det.Lon, lon, 1e-5)
	if sigma != 0 {
		near(t, name+" sigma", det.SigmaM, sigma, 0)
	}
	if sog < 0 {
		if det.HasVelocity {
			t.Errorf("%s: velocity %v %v, want none", name, det.Speed, det.Course)
		}
		return
	}
	if !det.HasVelocity {
		t.Fatalf("%s: no velocity", name)
	}
	near(t, name+" speed", det.Speed, sog*1852/3600, 1e-4)
	near(t, name+" course", det.Course, cog, 1e-4)
}

func identity(t *testing.T, name string, got *sensors.Identity, want sensors.Identity) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: no identity", name)
	}
	if *got != want {
		t.Errorf("%s: identity\n got %+v\nwant %+v", name, *got, want)
	}
}

// TestGpsdSampleAIVDM checks values against gpsd's expected decodes
// (ntpsec/gpsd test/sample.aivdm.chk: unscaled, lat/lon in 1/10000 minute,
// speed and course in tenths).
func TestGpsdSampleAIVDM(t *testing.T) {
	reps, _ := decodeAll(t, "testdata/gpsd-ais/sample.aivdm")
	// 1|0|371798000|0|-127|123|1|-74037230|29028980|2240|215|33|...
	r := find(t, reps, sensors.KindObservation, 371798000)
	pos(t, "type 1", r.Detections[0], 29028980/600000.0, -74037230/600000.0, 12.3, 224.0, SigmaHighAccuracy)
	if id := r.Detections[0].ID; id.AISClass != "A" || r.Detections[0].Class != sensors.ClassSurface {
		t.Errorf("type 1 class %q %v", id.AISClass, r.Detections[0].Class)
	}
	// 3|0|563808000|5|0|0|1|-45796520|22146000|2520|352|35|...
	r = find(t, reps, sensors.KindObservation, 563808000)
	pos(t, "type 3", r.Detections[0], 22146000/600000.0, -45796520/600000.0, 0, 252.0, SigmaHighAccuracy)
	// 4|0|003669702|2007-05-14T19:57:39Z|1|-45811417|22130260|7|0|0x105df
	r = find(t, reps, sensors.KindBaseStation, 3669702)
	if want := time.Date(2007, 5, 14, 19, 57, 39, 0, time.UTC); !r.Time.Equal(want) || !r.TimeFromPayload {
		t.Errorf("type 4 time %v (from payload %v), want %v", r.Time, r.TimeFromPayload, want)
	}
	pos(t, "type 4", r.Detections[0], 22130260/600000.0, -45811417/600000.0, -1, 0, SigmaHighAccuracy)
	// 5|0|351759000|9134270|0|3FOF8|EVER DIADEM|70|225|70|1|31|...
	r = find(t, reps, sensors.KindStatic, 351759000)
	identity(t, "type 5", r.Detections[0].ID, sensors.Identity{MMSI: 351759000, IMO: 9134270, Callsign: "3FOF8",
		Name: "EVER DIADEM", ShipType: 70, LengthM: 295, BeamM: 32, AISClass: "A"})
	// 9|0|111232511|303|42|0|-3767306|34886400|1545|...
	r = find(t, reps, sensors.KindObservation, 111232511)
	pos(t, "type 9", r.Detections[0], 34886400/600000.0, -3767306/600000.0, 42, 154.5, SigmaLowAccuracy)
	if d := r.Detections[0]; d.Class != sensors.ClassAir || !d.HasAlt || d.Alt != 303 {
		t.Errorf("type 9: class %v alt %v %v, want air at 303 m", d.Class, d.HasAlt, d.Alt)
	}
	// 18|0|338087471|0|1|0|-44443279|24410724|796|511|49|...
	r = find(t, reps, sensors.KindObservation, 338087471)
	pos(t, "type 18", r.Detections[0], 24410724/600000.0, -44443279/600000.0, 0.1, 79.6, SigmaLowAccuracy)
	if r.Detections[0].ID.AISClass != "B" {
		t.Errorf("type 18 class %q", r.Detections[0].ID.AISClass)
	}
	// 19|0|367059850|248|87|0|-53286235|17726217|3359|511|46|0x4|CAPT.J.RIMES|70|5|21|4|4|...
	r = find(t, reps, sensors.KindObservation, 367059850)
	pos(t, "type 19", r.Detections[0], 17726217/600000.0, -53286235/600000.0, 8.7, 335.9, SigmaLowAccuracy)
	identity(t, "type 19", r.Detections[0].ID, sensors.Identity{MMSI: 367059850, Name: "CAPT.J.RIMES", ShipType: 70,
		LengthM: 26, BeamM: 8, AISClass: "B"})
	// 21|0|123456789|20|CHINA ROSE MURPHY EXPRESS ALERT|0|-73619155|28752371|5|5|5|5|...
	r = find(t, reps, sensors.KindAidToNavigation, 123456789)
	pos(t, "type 21", r.Detections[0], 28752371/600000.0, -73619155/600000.0, -1, 0, SigmaLowAccuracy)
	identity(t, "type 21", r.Detections[0].ID, sensors.Identity{MMSI: 123456789, Name: "CHINA ROSE MURPHY EXPRESS ALERT", LengthM: 10, BeamM: 10})
	// 24|0|271041815|PROGUY|60|1D00014|12|199796|TC6163|0|15|0|5 (part B after part A)
	r = find(t, reps, sensors.KindStatic, 271041815)
	if r.Detections[0].ID.Name != "PROGUY" {
		t.Errorf("type 24 A: name %q", r.Detections[0].ID.Name)
	}
	var last sensors.Report
	for _, x := range reps {
		if x.Kind == sensors.KindStatic && x.Detections[0].ID.MMSI == 271041815 {
			last = x
		}
	}
	identity(t, "type 24 A+B", last.Detections[0].ID, sensors.Identity{MMSI: 271041815, Name: "PROGUY", ShipType: 60,
		Callsign: "TC6163", LengthM: 15, BeamM: 5, AISClass: "B"})
	// 27|1|206914217|2|0|82214|2904|57|167|0|0: lon/lat in 1/10 minute.
	r = find(t, reps, sensors.KindObservation, 206914217)
	pos(t, "type 27", r.Detections[0], 2904/600.0, 82214/600.0, 57, 167, SigmaLongRangeLow)
	// The two type 1 with 5 fill bits too many (163 bits): decoded as gpsd does.
	// 1|0|244740981|0|-128|0|1|3442480|31919541|0|511|45|...
	r = find(t, reps, sensors.KindObservation, 244740981)
	pos(t, "type 1 short", r.Detections[0], 31919541/600000.0, 3442480/600000.0, 0, 0, SigmaHighAccuracy)
}

// TestGpsdRawMessages checks values against gpsd's
// test/daemon/ais-raw-messages.log.chk (unscaled JSON).
func TestGpsdRawMessages(t *testing.T) {
	reps, _ := decodeAll(t, "testdata/gpsd-ais/ais-raw-messages.log")
	// "mmsi":240205400,"speed":0,"accuracy":false,"lon":14181563,"lat":22766550,"course":314
	r := find(t, reps, sensors.KindObservation, 240205400)
	pos(t, "240205400", r.Detections[0], 22766550/600000.0, 14181563/600000.0, 0, 31.4, SigmaLowAccuracy)
	// "mmsi":240241100,"speed":0,"course":3600: course not available, no velocity.
	r = find(t, reps, sensors.KindObservation, 240241100)
	pos(t, "240241100", r.Detections[0], 22750304/600000.0, 13861246/600000.0, -1, 0, SigmaHighAccuracy)
	// "mmsi":2393200,"timestamp":"0000-00-00T24:60:60Z": no UTC, time is the received time.
	r = find(t, reps, sensors.KindBaseStation, 2393200)
	if r.TimeFromPayload {
		t.Errorf("type 4 without UTC: time %v from payload", r.Time)
	}
	pos(t, "2393200", r.Detections[0], 23692793/600000.0, 12155395/600000.0, -1, 0, SigmaLowAccuracy)
	// "mmsi":237201800,"imo":0,"callsign":"SX4314","shipname":"VERGINA","shiptype":52,
	// "to_bow":5,"to_stern":15,"to_port":2,"to_starboard":4
	r = find(t, reps, sensors.KindStatic, 237201800)
	identity(t, "VERGINA", r.Detections[0].ID, sensors.Identity{MMSI: 237201800, Callsign: "SX4314", Name: "VERGINA",
		ShipType: 52, LengthM: 20, BeamM: 6, AISClass: "A"})
	// "mmsi":992411001,"name":"BUOY 1","accuracy":true,"lon":13852939,"lat":22746167, 3/3/3/3
	r = find(t, reps, sensors.KindAidToNavigation, 992411001)
	pos(t, "BUOY 1", r.Detections[0], 22746167/600000.0, 13852939/600000.0, -1, 0, SigmaHighAccuracy)
	identity(t, "BUOY 1", r.Detections[0].ID, sensors.Identity{MMSI: 992411001, Name: "BUOY 1", LengthM: 6, BeamM: 6})
}

// TestLibaisTypeExamples checks values against libais's own decodes
// (schwehr/libais test/data/typeexamples.json, float32) and the USCG
// receiver time after the checksum.
func TestLibaisTypeExamples(t *testing.T) {
	reps, errs := decodeAll(t, "testdata/libais/typeexamples.nmea")
	for _, r := range reps {
		if !r.TimeFromPayload {
			t.Errorf("%s report without payload time", r.Kind)
		}
	}
	// "type": 1, "mmsi": 367033650, "lat": 42.79854965209961, "lon": -70.34690856933594,
	// "speed": 8.6, "course": 35.9, "accuracy": false; receiver time 1325394060.
	r := find(t, reps, sensors.KindObservation, 367033650)
	pos(t, "type 1", r.Detections[0], 42.79854965209961, -70.34690856933594, 8.6, 35.9, SigmaLowAccuracy)
	if want := time.Unix(1325394060, 0).UTC(); !r.Time.Equal(want) {
		t.Errorf("type 1 time %v, want %v (NAIS metadata)", r.Time, want)
	}
	// "type": 3, "mmsi": 636091044, "lat": 42.41001510620117, "lon": -70.78727722167969,
	// "speed": 0.1, "course": 233.8, "accuracy": true
	r = find(t, reps, sensors.KindObservation, 636091044)
	pos(t, "type 3", r.Detections[0], 42.41001510620117, -70.78727722167969, 0.1, 233.8, SigmaHighAccuracy)
	// "type": 5, "mmsi": 249190000, "shipname": "RUTH THERESA", "callsign": "9HMQ9",
	// "imo": "9383663", "shiptype": 80, to_bow 78, to_stern 23, to_port 1, to_starboard 17
	r = find(t, reps, sensors.KindStatic, 249190000)
	identity(t, "type 5", r.Detections[0].ID, sensors.Identity{MMSI: 249190000, Name: "RUTH THERESA", Callsign: "9HMQ9",
		IMO: 9383663, ShipType: 80, LengthM: 101, BeamM: 18, AISClass: "A"})
	// "type": 18, "mmsi": 366764000, "lat": 43.07215881347656, "lon": -70.71106719970703, speed 0, course 0
	r = find(t, reps, sensors.KindObservation, 366764000)
	pos(t, "type 18", r.Detections[0], 43.07215881347656, -70.71106719970703, 0, 0, SigmaLowAccuracy)
	// "type": 24, "mmsi": 366764000, "shipname": "R/V GULF CHALLENGER"
	r = find(t, reps, sensors.KindStatic, 366764000)
	if r.Detections[0].ID.Name != "R/V GULF CHALLENGER" {
		t.Errorf("type 24 name %q", r.Detections[0].ID.Name)
	}
	// "type": 21, "mmsi": 852992994, "lat": -77.43352508544922, "lon": -51.758460998535156,
	// to_bow 395, to_stern 351, to_port 59, to_starboard 38, accuracy true
	r = find(t, reps, sensors.KindAidToNavigation, 852992994)
	pos(t, "type 21", r.Detections[0], -77.43352508544922, -51.758460998535156, -1, 0, SigmaHighAccuracy)
	if id := r.Detections[0].ID; id.LengthM != 746 || id.BeamM != 97 {
		t.Errorf("type 21 dimensions %v × %v", id.LengthM, id.BeamM)
	}
	// "type": 4, "mmsi": 3669713, "lat": 91.0, "lon": 181.0, timestamp 0000-00-00T24:60:60Z:
	// a base station report without position or UTC; time from the receiver.
	r = sensors.Report{}
	for _, x := range reps {
		if x.Kind == sensors.KindBaseStation {
			r = x
		}
	}
	if len(r.Detections) != 0 || !r.Time.Equal(time.Unix(1325394060, 0)) {
		t.Errorf("type 4: %d detections, time %v", len(r.Detections), r.Time)
	}
	// "type": 2 lat -101.5, "type": 9 lat -99.4, "type": 27 lon 200.2: out of range.
	n := 0
	for _, e := range errs {
		var se *sensors.Error
		if errors.As(e, &se) && se.Reason == sensors.ReasonBadPosition {
			n++
			if !strings.Contains(se.Msg, "out of range") {
				t.Errorf("bad position message %q", se.Msg)
			}
		}
	}
	if n != 3 {
		t.Errorf("%d bad positions, want 3", n)
	}
}

// TestLibaisTagBlock checks tag block times and a 2-part message grouped
// by g: with another sentence in between (libais test/data/tagblock.json).
func TestLibaisTagBlock(t *testing.T) {
	reps, errs := decodeAll(t, "testdata/libais/tagblock.nmea")
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	// "mmsi": 219005012, "shipname": "ROSINANTE", "callsign": "XPD5019", to_bow 9, to_stern 3,
	// to_port 3, to_starboard 0, "tagblock_timestamp": "2014-12-10T00:00:01Z"
	r := find(t, reps, sensors.KindStatic, 219005012)
	identity(t, "ROSINANTE", r.Detections[0].ID, sensors.Identity{MMSI: 219005012, Name: "ROSINANTE", Callsign: "XPD5019",
		LengthM: 12, BeamM: 3, AISClass: "A"})
	if want := time.Date(2014, 12, 10, 0, 0, 1, 0, time.UTC); !r.Time.Equal(want) || !r.TimeFromPayload {
		t.Errorf("type 5 time %v, want %v", r.Time, want)
	}
	// "mmsi": 224651000, "lat": -5.277916431427002, "lon": -161.88265991210938, speed 1.2,
	// course 224.6, "tagblock_timestamp": "2014-12-10T00:41:53Z"
	r = find(t, reps, sensors.KindObservation, 224651000)
	pos(t, "type 1", r.Detections[0], -5.277916431427002, -161.88265991210938, 1.2, 224.6, SigmaLowAccuracy)
	if want := time.Date(2014, 12, 10, 0, 41, 53, 0, time.UTC); !r.Time.Equal(want) {
		t.Errorf("type 1 time %v, want %v", r.Time, want)
	}
}

// TestPGHP checks the DMA $PGHP time and the static data cache on real
// sentences.
func TestPGHP(t *testing.T) {
	reps, _ := decodeAll(t, "testdata/dma-aislib/replay_dump.txt")
	// $PGHP,1,2013,3,18,9,19,9,499,... then the type 1 of 308672000? The first report:
	if want := time.Date(2013, 3, 18, 9, 19, 9, 499_000_000, time.UTC); !reps[0].Time.Equal(want) || !reps[0].TimeFromPayload {
		t.Errorf("first report time %v, want %v", reps[0].Time, want)
	}
	for i := 1; i < len(reps); i++ {
		if d := reps[i].Time.Sub(reps[i-1].Time); d < -5*time.Second || d > 5*time.Second {
			t.Errorf("report %d: time %v jumps from %v", i, reps[i].Time, reps[i-1].Time)
		}
	}
	// A $PGHP declaring another checksum does not stamp the sentence.
	d := NewDecoder(Options{})
	got, errs := d.Decode(nil, []byte("$PGHP,1,2013,3,18,9,19,9,499,219,,2190048,1,29*22\r\n!BSVDM,1,1,,B,14VliT002O0q2DBP:dAu7JRD0<0s,0*28"), epoch)
	if len(errs) != 0 || len(got) != 1 || got[0].TimeFromPayload || !got[0].Time.Equal(epoch) {
		t.Errorf("mismatched $PGHP: %+v %v", got, errs)
	}
}

// TestStaticCache: a position report after static data carries it.
func TestStaticCache(t *testing.T) {
	d := NewDecoder(Options{Sensor: "s"})
	// libais typeexamples: type 18 of 366764000, its type 24 A, the type 18 again.
	b18 := "!AIVDM,1,1,,B,B5MiOp0006g4up6:EV403wr5oP06,0*38"
	b24 := "!AIVDM,1,1,,B,H5MiOp1:uJ0MDhJ0<P4hhDpLE80,2*33"
	reps, errs := d.Decode(nil, []byte(b18+"\n"+b24+"\n"+b18), epoch)
	if len(errs) != 0 || len(reps) != 3 {
		t.Fatalf("%d reports, errors %v", len(reps), errs)
	}
	if reps[0].Detections[0].ID.Name != "" || reps[2].Detections[0].ID.Name != "R/V GULF CHALLENGER" {
		t.Errorf("names %q then %q", reps[0].Detections[0].ID.Name, reps[2].Detections[0].ID.Name)
	}
	if reps[1].Kind != sensors.KindStatic || reps[1].Detections[0].ID.AISClass != "B" {
		t.Errorf("static report %+v", reps[1])
	}
	// Reports do not share identities.
	reps[2].Detections[0].ID.Name = "CHANGED"
	again, _ := d.Decode(nil, []byte(b18), epoch)
	if again[0].Detections[0].ID.Name != "R/V GULF CHALLENGER" {
		t.Errorf("cache changed through a report: %q", again[0].Detections[0].ID.Name)
	}

	// The cache is bounded.
	c := newStaticCache(10)
	for i := uint32(1); i <= 1000; i++ {
		c.merge(sensors.Identity{MMSI: i, Name: "X"})
		if c.len() > 10 {
			t.Fatalf("cache holds %d entries, limit 10", c.len())
		}
	}
	if _, ok := c.get(1000); !ok {
		t.Error("latest entry evicted")
	}
	if _, ok := c.get(1); ok {
		t.Error("oldest entry kept")
	}
}

// TestMarineCadastreOverlap compares vessel names with the MarineCadastre
// (USCG NAIS) extract for the MMSIs that also appear in a decoded file.
func TestMarineCadastreOverlap(t *testing.T) {
	f, err := os.Open(shareddata.Path(t, "marinecadastre-noaa/AIS_2023_01_11_sample1000.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	names, calls := map[uint32]string{}, map[uint32]string{}
	for _, r := range rows[1:] {
		var mmsi uint32
		for _, c := range r[0] {
			mmsi = mmsi*10 + uint32(c-'0')
		}
		names[mmsi], calls[mmsi] = r[7], r[9]
	}
	if len(names) != 1000 {
		t.Fatalf("%d MMSIs in the CSV", len(names))
	}
	// MMSI -> the names the decoded files give it.
	decoded := map[uint32]map[string]bool{}
	decodedCalls := map[uint32]string{}
	for _, fc := range fileCases {
		lines, _ := readLines(t, fc.path(t))
		s := decodeLines(t, lines, 64, 10*time.Millisecond)
		for _, r := range s.reports {
			if len(r.Detections) == 0 || r.Detections[0].ID == nil {
				continue
			}
			id := r.Detections[0].ID
			if _, ok := names[id.MMSI]; !ok {
				continue
			}
			if decoded[id.MMSI] == nil {
				decoded[id.MMSI] = map[string]bool{}
			}
			if id.Name != "" {
				decoded[id.MMSI][id.Name] = true
			}
			if id.Callsign != "" {
				decodedCalls[id.MMSI] = id.Callsign
			}
		}
	}
	withNames, same := 0, 0
	var differ []string
	for mmsi, ns := range decoded {
		if len(ns) == 0 || names[mmsi] == "" {
			continue
		}
		withNames++
		if ns[names[mmsi]] {
			same++
		} else {
			for n := range ns {
				differ = append(differ, fmt.Sprintf("%d %s/%s", mmsi, n, names[mmsi]))
			}
		}
	}
	slices.Sort(differ)
	var callsDiffer []string
	callsBoth := 0
	for mmsi, c := range decodedCalls {
		if calls[mmsi] != "" {
			callsBoth++
			if calls[mmsi] != c {
				callsDiffer = append(callsDiffer, fmt.Sprintf("%d %s/%s", mmsi, c, calls[mmsi]))
			}
		}
	}
	slices.Sort(callsDiffer)
	t.Logf("call signs: %d on both sides, differing %v", callsBoth, callsDiffer)
	wantCallsDiffer := []string{"316003600 CFN5543/VY7102", "366961280 WDB8592/WDH5470"}
	if callsBoth != 13 || !slices.Equal(callsDiffer, wantCallsDiffer) {
		t.Errorf("call signs changed: %d on both sides, differing %v", callsBoth, callsDiffer)
	}
	t.Logf("%d MMSIs in common, %d named on both sides, %d with the same name; differing: %v", len(decoded), withNames, same, differ)
	// The AISHub sample (2015, worldwide) shares vessels with the 2023 US
	// extract (68 MMSIs). Of the 13 named on both sides, 11 names agree;
	// the other two vessels were renamed in those eight years, keeping their
	// call signs (ZCTI8, WDF9412) and, for the yacht, its IMO (1009302).
	// Two vessels kept their names under a new call sign.
	wantDiffer := []string{"319917000 SPACE/SPORT", "367504890 FRED A.SETTOON/SAVAGE VISION"}
	if len(decoded) != 68 || withNames != 13 || same != 11 || !slices.Equal(differ, wantDiffer) {
		t.Errorf("overlap changed: %d MMSIs, %d named, %d same, differing %v", len(decoded), withNames, same, differ)
	}
}

// TestRadar checks TTM and TLL on hand-written sentences.
func TestRadar(t *testing.T) {
	d := NewDecoder(Options{Sensor: "radar"})
	rx := time.Date(2026, 11, 28, 8, 30, 20, 0, time.UTC)
	payload := strings.Join([]string{
		"$RATTM,12,5.40,045.0,T,12.5,270.0,T,1.2,-3.5,N,TARGET12,T,,083015.50,A*37",
		"$RATTM,03,2.000,310.0,R,,,T,,,K,,Q,*6D",                // 13 fields (NMEA 2), relative bearing, no speed
		"$RATTM,07,1.5,90.0,T,10.0,180.0,T,,,N,,L,,083016,A*3F", // lost
		"$RATTM,04,1.5,90.0,T,10.0,180.0,T,,,X,,T,,,A*3E",       // bad units
		"$RATTM,05,0.0,90.0,T,,,T,,,N,,T,,,A*15",                // zero range
		"$RATLL,21,2558.860,N,09700.720,W,BUOY,235959.00,T,*34",
		"$RATLL,22,2558.860,N,09700.720,W,,,L,*01", // lost
		"$RATLL,23,9558.860,N,09700.720,W,,,T,*13", // latitude 95°
		"$GPRMC,083015.50,A,2558.860,N,09700.720,W,0.0,0.0,281126,,,A*47",
	}, "\r\n")
	reps, errs := d.Decode(nil, []byte(payload), rx)
	if len(reps) != 3 {
		t.Fatalf("%d reports, want 3: %+v", len(reps), reps)
	}
	r := reps[0].Detections[0]
	near(t, "TTM 12 range", r.Range, 5.40*1852, 1e-6)
	if !r.Polar || r.Bearing != 45 || !r.HasTrackNumber || r.TrackNumber != 12 {
		t.Errorf("TTM 12: %+v", r)
	}
	near(t, "TTM 12 speed", r.Speed, 12.5*1852/3600, 1e-9)
	if r.Course != 270 || !r.HasVelocity {
		t.Errorf("TTM 12 course %v", r.Course)
	}
	if want := time.Date(2026, 11, 28, 8, 30, 15, 500_000_000, time.UTC); !reps[0].Time.Equal(want) || !reps[0].TimeFromPayload {
		t.Errorf("TTM 12 time %v, want %v", reps[0].Time, want)
	}
	r = reps[1].Detections[0]
	if r.Range != 2000 || r.Bearing != 310 || r.HasVelocity || r.TrackNumber != 3 || reps[1].TimeFromPayload || !reps[1].Time.Equal(rx) {
		t.Errorf("TTM 3: %+v at %v", r, reps[1].Time)
	}
	r = reps[2].Detections[0]
	near(t, "TLL lat", r.Lat, 25+58.860/60, 1e-9)
	near(t, "TLL lon", r.Lon, -(97 + 0.720/60), 1e-9)
	if r.Polar || r.TrackNumber != 21 {
		t.Errorf("TLL: %+v", r)
	}
	// 23:59:59 completed to the day nearest 08:30:20: the day before
	// (8.5 h earlier rather than 15.5 h later).
	if want := time.Date(2026, 11, 27, 23, 59, 59, 0, time.UTC); !reps[2].Time.Equal(want) {
		t.Errorf("TLL time %v", reps[2].Time)
	}
	wantReasons := []string{sensors.ReasonMalformed, sensors.ReasonBadValue, sensors.ReasonMalformed, sensors.ReasonUnsupported}
	wantLines := []string{"line 4", "line 5", "line 8", "line 9"}
	if len(errs) != len(wantReasons) {
		t.Fatalf("errors %v", errs)
	}
	for i, e := range errs {
		se := e.(*sensors.Error)
		if se.Reason != wantReasons[i] || se.Field != wantLines[i] {
			t.Errorf("error %d: %v, want %s at %s", i, e, wantReasons[i], wantLines[i])
		}
	}
	if s := d.Stats(); s.TTM != 4 || s.TLL != 2 || s.Lost != 2 {
		t.Errorf("stats %+v", s)
	}
	// At 11:00, 23:59:59 is the same day.
	reps, _ = d.Decode(nil, []byte("$RATLL,21,2558.860,N,09700.720,W,BUOY,235959.00,T,*34"), time.Date(2026, 11, 28, 12, 0, 5, 0, time.UTC))
	if want := time.Date(2026, 11, 28, 23, 59, 59, 0, time.UTC); len(reps) != 1 || !reps[0].Time.Equal(want) {
		t.Errorf("TLL at noon: %+v", reps)
	}
}

// TestAISCatcher decodes AIS-catcher JSON envelopes.
func TestAISCatcher(t *testing.T) {
	d := NewDecoder(Options{Sensor: "catcher"})
	// JSON_NMEA: rxuxtime; the example sentence from AIS-catcher's release notes.
	one := `{"class":"AIS","device":"AIS-catcher","version":70,"channel":"B","rxtime":"20231113123456","rxuxtime":1699878896.25,` +
		`"nmea":["!AIVDM,1,1,,B,3776k` + "`" + `5000a3SLPEKnDQQWpH0000,0*78"],"signalpower":-37.4,"type":3,"mmsi":477213600}`
	reps, errs := d.Decode(nil, []byte(one), epoch)
	if len(errs) != 0 || len(reps) != 1 {
		t.Fatalf("%+v %v", reps, errs)
	}
	// AIS-catcher's own decode of it: "lon":126.605469,"lat":37.460617,"speed":0,"course":39,"accuracy":true
	pos(t, "catcher", reps[0].Detections[0], 37.460617, 126.605469, 0, 39, SigmaHighAccuracy)
	if want := time.Unix(1699878896, 250_000_000).UTC(); !reps[0].Time.Equal(want) || !reps[0].TimeFromPayload {
		t.Errorf("time %v, want %v", reps[0].Time, want)
	}
	// rxtime only; a batch ("msgs") with a 2-part message; two objects on two lines.
	batch := `{"protocol":"jsonaiscatcher","msgs":[{"rxtime":"20231113123456","nmea":["!AIVDM,2,1,6,A,53R=aR800001=SC?7@1HE8LTp40000000000000l0` + "`" + `?2453a052Dm23B@@00,0*72","!AIVDM,2,2,6,A,00000000002,2*20"]},` +
		`{"rxtime":"2023111312345x","nmea":["!AIVDM,1,1,,B,13U4vF0P001d<UnEeSmQ>gv` + "`" + `04hd,0*4C"]}]}` + "\n" +
		`{"rxuxtime":1699878897,"nmea":["!AIVDM,1,1,,B,13U4vF0P001d<UnEeSmQ>gv` + "`" + `04hd,0*4D"]}`
	reps, errs = d.Decode(nil, []byte(batch), epoch)
	if len(reps) != 1 || reps[0].Kind != sensors.KindStatic || reps[0].Detections[0].ID.Name != "VERGINA" {
		t.Fatalf("batch: %+v", reps)
	}
	if want := time.Date(2023, 11, 13, 12, 34, 56, 0, time.UTC); !reps[0].Time.Equal(want) {
		t.Errorf("rxtime: %v", reps[0].Time)
	}
	if len(errs) != 2 {
		t.Fatalf("errors %v", errs)
	}
	if se := errs[0].(*sensors.Error); se.Reason != sensors.ReasonBadTime || se.Field != "line 1: msgs[1]" {
		t.Errorf("error 0: %v", errs[0])
	}
	if se := errs[1].(*sensors.Error); se.Reason != sensors.ReasonChecksum || se.Field != "line 2: nmea[0]" || se.Msg != "checksum 0x4D, computed 0x4C" {
		t.Errorf("error 1: %v", errs[1])
	}
	// Broken JSON.
	_, errs = d.Decode(nil, []byte(`{"nmea":["x"`), epoch)
	if len(errs) != 1 || errs[0].(*sensors.Error).Reason != sensors.ReasonMalformed {
		t.Errorf("broken JSON: %v", errs)
	}
}

// TestErrors checks reasons and where they point.
func TestErrors(t *testing.T) {
	good := "!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*30"
	cases := []struct {
		name, payload string
		max           int
		reason, field string
		msg           string
	}{
		{"checksum", "\n\n" + strings.Replace(good, "*30", "*31", 1), 0, sensors.ReasonChecksum, "line 3", "checksum 0x31, computed 0x30"},
		{"too large", good, 20, sensors.ReasonTooLarge, "", "payload is 47 bytes, limit 20"},
		{"long line", "!" + strings.Repeat("A", 1100), 0, sensors.ReasonMalformed, "line 1", "line is 1101 bytes, limit 1024"},
		{"no checksum", "!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0", 0, sensors.ReasonMalformed, "line 1", `sentence "!AIVDM" has no checksum`},
		{"empty", " \r\n ", 0, sensors.ReasonMalformed, "", "empty payload"},
		{"not nmea", "hello", 0, sensors.ReasonMalformed, "line 1", `sentence starts with 'h', not '$' or '!'`},
		{"tag checksum", `\c:1418169601*00\` + good, 0, sensors.ReasonChecksum, "line 1", "tag block checksum 0x00, computed 0x5C"},
		{"unsupported type", "!AIVDM,1,1,,B,803Ovrh0EP:024`@02PN04da=3V<>N0000,4*39", 0, sensors.ReasonUnsupported, "line 1", "AIS message type 8 (binary broadcast) not decoded"},
		{"unavailable", "!AIVDM,1,1,,A,1=Rrj`QP?w<tSF0l4Q@>4?wv0l1?,0*0B", 0, sensors.ReasonBadPosition, "line 1", "AIS type 1 MMSI 909030050: position not available (lat 91, lon 181)"},
		{"fragment", "!AIVDM,1,2,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*33", 0, sensors.ReasonMalformed, "line 1", "fragment 2 of 1"},
		{"after checksum", good + "xyz", 0, sensors.ReasonMalformed, "line 1", `unexpected "xyz" after the checksum`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := NewDecoder(Options{MaxBytes: c.max})
			reps, errs := d.Decode(nil, []byte(c.payload), epoch)
			if len(reps) != 0 || len(errs) != 1 {
				t.Fatalf("%d reports, errors %v", len(reps), errs)
			}
			se := errs[0].(*sensors.Error)
			if se.Reason != c.reason || se.Field != c.field || se.Msg != c.msg {
				t.Errorf("got %q %q %q\nwant %q %q %q", se.Reason, se.Field, se.Msg, c.reason, c.field, c.msg)
			}
		})
	}
}

// TestReassembly: parts across payloads, the timeout, velocity unavailable.
func TestReassembly(t *testing.T) {
	p1 := "!AIVDM,2,1,6,A,53R=aR800001=SC?7@1HE8LTp40000000000000l0`?2453a052Dm23B@@00,0*72"
	p2 := "!AIVDM,2,2,6,A,00000000002,2*20"
	d := NewDecoder(Options{ReassemblyTimeout: 5 * time.Second})
	reps, errs := d.Decode(nil, []byte(p1), epoch)
	if len(reps)+len(errs) != 0 {
		t.Fatalf("first part: %v %v", reps, errs)
	}
	reps, errs = d.Decode(nil, []byte(p2), epoch.Add(4*time.Second))
	if len(errs) != 0 || len(reps) != 1 || reps[0].Detections[0].ID.Name != "VERGINA" || !reps[0].Time.Equal(epoch.Add(4*time.Second)) {
		t.Fatalf("reassembled: %+v %v", reps, errs)
	}
	// Second part too late: the first is dropped as incomplete, the second waits.
	d.Decode(nil, []byte(p1), epoch)
	reps, errs = d.Decode(nil, []byte(p2), epoch.Add(6*time.Second))
	if len(reps) != 0 || len(errs) != 1 || errs[0].(*sensors.Error).Reason != sensors.ReasonIncomplete {
		t.Fatalf("late part: %+v %v", reps, errs)
	}
	if errs := d.Expire(epoch.Add(time.Minute)); len(errs) != 1 {
		t.Fatalf("expire: %v", errs)
	}
	// Parts out of order.
	reps, _ = d.Decode(nil, []byte(p2+"\n"+p1), epoch)
	if len(reps) != 1 {
		t.Errorf("out of order: %+v", reps)
	}
	// The bound on pending messages.
	d = NewDecoder(Options{MaxPending: 2})
	var all []error
	for i := 0; i < 5; i++ {
		_, errs := d.Decode(nil, []byte(strings.Replace(p1, "2,1,6", "2,1,"+string(rune('0'+i)), 1)), epoch)
		all = append(all, errs...)
	}
	// The checksum no longer matches after the replace, except for id 6.
	for _, e := range all {
		if r := e.(*sensors.Error).Reason; r != sensors.ReasonChecksum && r != sensors.ReasonIncomplete {
			t.Errorf("unexpected %v", e)
		}
	}
	if len(d.pending) > 2 {
		t.Errorf("%d pending", len(d.pending))
	}
}

// TestUnavailableVelocity: SOG 102.3 gives no velocity; COG 360 neither.
func TestUnavailableVelocity(t *testing.T) {
	d := NewDecoder(Options{})
	// gpsd ais-raw-messages: 240241100 with course 3600.
	reps, _ := d.Decode(nil, []byte("!AIVDM,1,1,,A,13U79k?P00Qah;tEdTH>4?vV2<0I,0*33"), epoch)
	if len(reps) != 1 || reps[0].Detections[0].HasVelocity {
		t.Errorf("COG 360: %+v", reps)
	}
	// A type 1 whose SOG field is 1023 (made with the same bits: speed bits set).
	bits := make([]byte, 168)
	set := func(off, width int, v uint64) {
		for i := 0; i < width; i++ {
			bits[off+i] = byte(v >> (width - 1 - i) & 1)
		}
	}
	set(0, 6, 1)
	set(8, 30, 244000000)
	set(50, 10, 1023)
	set(61, 28, uint64(int64(10*600000)&(1<<28-1)))
	set(89, 27, uint64(50*600000))
	set(116, 12, 900)
	c := call{received: epoch}
	d.decodeAIS(&c, bits, stamp{t: epoch}, loc{line: 1})
	if len(c.dst) != 1 || c.dst[0].Detections[0].HasVelocity || c.dst[0].Detections[0].Lat != 50 || c.dst[0].Detections[0].Lon != 10 {
		t.Errorf("SOG 102.3: %+v %v", c.dst, c.errs)
	}
	// Emergency: an AIS-SART MMSI.
	set(8, 30, 970123456)
	c = call{received: epoch}
	d.decodeAIS(&c, bits, stamp{t: epoch}, loc{line: 1})
	if len(c.dst) != 1 || c.dst[0].Detections[0].Emergency != sensors.EmergencyGeneral {
		t.Errorf("SART: %+v", c.dst)
	}
}

// TestParseFunctions: the framing functions the importer shares with the
// Decoder; their errors have no Field (the Decoder names the line).
func TestParseFunctions(t *testing.T) {
	line := `\g:1-2-1604,s:rORBCOMM008,c:1418169601,T:2014-12-10 00.00.01*37\!AIVDM,2,1,6,A,53@o0E000001Q0CG37U8u<Tp4q@D00000000000018330400000000000000,0*63`
	tb, rest, err := ParseTagBlocks([]byte(line))
	if err != nil || tb != (TagBlock{Time: time.Unix(1418169601, 0).UTC(), HasTime: true, Source: "rORBCOMM008", Group: "1604"}) || string(rest) != line[strings.IndexByte(line, '!'):] {
		t.Fatalf("ParseTagBlocks: %+v %q %v", tb, rest, err)
	}
	s, err := ParseSentence(rest)
	if err != nil || string(s.Text) != string(rest) || s.Checksum != 0x63 || !s.NAISTime.IsZero() || string(s.Body()) != string(rest[:len(rest)-3]) {
		t.Fatalf("ParseSentence: %+v %v", s, err)
	}
	s, err = ParseSentence([]byte("!AIVDM,1,1,,A,403Ovl@000Htt<tSF0l4Q@100`Pq,0*28,d-109,S2105,t050056.00,T56.13718694,r003669946,1325394060,1325394001"))
	if err != nil || string(s.Text) != "!AIVDM,1,1,,A,403Ovl@000Htt<tSF0l4Q@100`Pq,0*28" || !s.NAISTime.Equal(time.Unix(1325394060, 0)) {
		t.Fatalf("ParseSentence (NAIS): %+v %v", s, err)
	}
	p, err := ParsePGHP([]byte("$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B"))
	if err != nil || !p.Time.Equal(time.Date(2010, 6, 11, 11, 46, 11, 390e6, time.UTC)) || p.Next != 0x2B {
		t.Fatalf("ParsePGHP: %+v %v", p, err)
	}
	tbErr := func(s string) error { _, _, err := ParseTagBlocks([]byte(s)); return err }
	sErr := func(s string) error { _, err := ParseSentence([]byte(s)); return err }
	pErr := func(s string) error { _, err := ParsePGHP([]byte(s)); return err }
	for _, c := range []struct {
		name   string
		err    error
		reason string
		msg    string
	}{
		{"tag block unclosed", tbErr(`\c:1418169601*00`), sensors.ReasonMalformed, `tag block without its closing '\'`},
		{"tag block c:", tbErr(`\c:0*69\`), sensors.ReasonBadTime, `tag block c:"0" is not a positive unix time`},
		{"sentence start", sErr("AIVDM*00"), sensors.ReasonMalformed, `sentence starts with 'A', not '$' or '!'`},
		{"sentence checksum", sErr("!AIVDM*00"), sensors.ReasonChecksum, "checksum 0x00, computed 0x57"},
		{"PGHP type", pErr("$PGHP,2,x"), sensors.ReasonUnsupported, `$PGHP message type "2" not decoded`},
		{"PGHP fields", pErr("$PGHP,1,2010,6,11"), sensors.ReasonMalformed, "$PGHP has 4 fields, want 13"},
		// 76480200929599801 ms × 10⁶ overflows to 64 ns: refused, not taken for 11:46:11.000000064.
		{"PGHP ms", pErr("$PGHP,1,2010,6,11,11,46,11,76480200929599801,231,45,992190934,1,2B"), sensors.ReasonBadTime, "$PGHP time 2010-06-11 11:46:11.76480200929599801 is not a date"},
	} {
		var se *sensors.Error
		if !errors.As(c.err, &se) || se.Reason != c.reason || se.Field != "" || se.Msg != c.msg {
			t.Errorf("%s: %#v, want %q %q", c.name, c.err, c.reason, c.msg)
		}
	}
}
