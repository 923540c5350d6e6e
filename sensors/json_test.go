package sensors

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// specExample is the example of SPEC §3, verbatim.
const specExample = `{
  "sensor": "tars-rgv",
  "time": "2026-11-28T06:00:00.250Z",
  "seq": 18231,
  "platform": {"lat": 26.10, "lon": -97.35, "alt_m": 4500},
  "detections": [
    {"range_m": 42150.0, "bearing_deg": 131.52, "sigma_range_m": 60, "sigma_bearing_deg": 0.5},
    {"lat": 25.981, "lon": -97.012, "alt_m": 300, "sigma_m": 150, "class": "air"},
    {"lat": 25.950, "lon": -96.990, "cov_m2": [400, 50, 900], "speed_mps": 20.5, "course_deg": 95}
  ]
}`

func TestDecodeJSONSpecExample(t *testing.T) {
	r, err := DecodeJSON([]byte(specExample), 0)
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, r)
	want := Report{
		Sensor: "tars-rgv",
		Time:   time.Date(2026, 11, 28, 6, 0, 0, 250_000_000, time.UTC),
		Seq:    18231, HasSeq: true,
		Platform: &Position{Lat: 26.10, Lon: -97.35, Alt: 4500, HasAlt: true},
		Detections: []Detection{
			{Polar: true, Range: 42150, Bearing: 131.52, SigmaRange: 60, SigmaBearing: 0.5},
			{Lat: 25.981, Lon: -97.012, Alt: 300, HasAlt: true, SigmaM: 150, Class: ClassAir},
			{Lat: 25.950, Lon: -96.990, Cov: [3]float64{400, 50, 900}, HasCov: true,
				Speed: 20.5, Course: 95, HasVelocity: true},
		},
	}
	if r.Sensor != want.Sensor || !r.Time.Equal(want.Time) || r.Seq != want.Seq || r.HasSeq != want.HasSeq {
		t.Errorf("header = %q %v %d %v, want %q %v %d %v", r.Sensor, r.Time, r.Seq, r.HasSeq,
			want.Sensor, want.Time, want.Seq, want.HasSeq)
	}
	if r.Time.Location() != time.UTC {
		t.Errorf("time location = %v, want UTC", r.Time.Location())
	}
	if r.Platform == nil || *r.Platform != *want.Platform {
		t.Errorf("platform = %+v, want %+v", r.Platform, want.Platform)
	}
	if len(r.Detections) != len(want.Detections) {
		t.Fatalf("%d detections, want %d", len(r.Detections), len(want.Detections))
	}
	for i := range want.Detections {
		if r.Detections[i] != want.Detections[i] {
			t.Errorf("detections[%d] =\n%+v, want\n%+v", i, r.Detections[i], want.Detections[i])
		}
	}
}

// rep wraps detections (JSON objects) into an otherwise valid report.
func rep(dets ...string) string {
	return `{"sensor":"s1","time":"2026-11-28T06:00:00Z","detections":[` + strings.Join(dets, ",") + `]}`
}

// hdr builds a report from header fields (JSON members, without braces) and
// an empty detections array.
func hdr(members string) string {
	if members != "" {
		members += ","
	}
	return `{` + members + `"detections":[]}`
}

const okHdr = `"sensor":"s1","time":"2026-11-28T06:00:00Z"`

// acceptCase is a payload DecodeJSON accepts, with checks of the result.
type acceptCase struct {
	name    string
	payload string
	check   func(t *testing.T, r Report)
}

// acceptCases are the accepted forms of TestDecodeJSONAccepts (also seeds of
// FuzzDecodeJSONDifferential).
func acceptCases() []acceptCase {
	det := func(f func(t *testing.T, d Detection)) func(t *testing.T, r Report) {
		return func(t *testing.T, r Report) {
			t.Helper()
			if len(r.Detections) != 1 {
				t.Fatalf("%d detections, want 1", len(r.Detections))
			}
			f(t, r.Detections[0])
		}
	}
	many := make([]string, MaxDetections)
	for i := range many {
		many[i] = `{"range_m":1,"bearing_deg":0}`
	}
	return []acceptCase{
		{"minimal polar", rep(`{"range_m":1000,"bearing_deg":90}`), det(func(t *testing.T, d Detection) {
			if !d.Polar || d.Range != 1000 || d.Bearing != 90 || d.HasElevation || d.HasCov || d.HasVelocity || d.ID != nil ||
				d.SigmaRange != 0 || d.SigmaBearing != 0 || d.SigmaM != 0 || d.Class != ClassUnknown {
				t.Errorf("got %+v", d)
			}
		})},
		{"polar with elevation", rep(`{"range_m":1000,"bearing_deg":90,"elevation_deg":-2.5}`), det(func(t *testing.T, d Detection) {
			if !d.HasElevation || d.Elevation != -2.5 {
				t.Errorf("got %+v", d)
			}
		})},
		{"elevation bounds", rep(`{"range_m":1,"bearing_deg":0,"elevation_deg":90}`, `{"range_m":1,"bearing_deg":0,"elevation_deg":-90}`), nil},
		{"bearing 360 is 0", rep(`{"range_m":1000,"bearing_deg":360}`), det(func(t *testing.T, d Detection) {
			if d.Bearing != 0 || math.Signbit(d.Bearing) {
				t.Errorf("bearing = %v, want 0", d.Bearing)
			}
		})},
		{"bearing -0 is 0", rep(`{"range_m":1000,"bearing_deg":-0}`), det(func(t *testing.T, d Detection) {
			if d.Bearing != 0 || math.Signbit(d.Bearing) {
				t.Errorf("bearing = %v, want +0", d.Bearing)
			}
		})},
		{"range at limit", rep(`{"range_m":2e6,"bearing_deg":359.999}`), det(func(t *testing.T, d Detection) {
			if d.Range != 2e6 || d.Bearing != 359.999 {
				t.Errorf("got %+v", d)
			}
		})},
		{"tiny range", rep(`{"range_m":1e-300,"bearing_deg":1}`), nil},
		{"minimal geodetic", rep(`{"lat":25.5,"lon":-97}`), det(func(t *testing.T, d Detection) {
			if d.Polar || d.Lat != 25.5 || d.Lon != -97 || d.HasAlt {
				t.Errorf("got %+v", d)
			}
		})},
		{"geodetic with alt", rep(`{"lat":25.5,"lon":-97,"alt_m":-12.5}`), det(func(t *testing.T, d Detection) {
			if !d.HasAlt || d.Alt != -12.5 {
				t.Errorf("got %+v", d)
			}
		})},
		{"geodetic alt 0", rep(`{"lat":0,"lon":0,"alt_m":0}`), det(func(t *testing.T, d Detection) {
			if !d.HasAlt || d.Alt != 0 {
				t.Errorf("got %+v", d)
			}
		})},
		{"geodetic bounds", rep(`{"lat":90,"lon":180,"alt_m":100000}`, `{"lat":-90,"lon":-180,"alt_m":-1000}`), nil},
		{"empty scan", rep(), func(t *testing.T, r Report) {
			if r.Detections == nil || len(r.Detections) != 0 {
				t.Errorf("detections = %#v, want non-nil empty", r.Detections)
			}
		}},
		{"no platform no seq", rep(), func(t *testing.T, r Report) {
			if r.Platform != nil || r.HasSeq || r.Seq != 0 {
				t.Errorf("got %+v", r)
			}
		}},
		{"platform without alt", hdr(okHdr + `,"platform":{"lat":-10,"lon":170}`), func(t *testing.T, r Report) {
			if r.Platform == nil || *r.Platform != (Position{Lat: -10, Lon: 170}) {
				t.Errorf("platform = %+v", r.Platform)
			}
		}},
		{"platform alt bounds", hdr(okHdr + `,"platform":{"lat":90,"lon":-180,"alt_m":100000}`), nil},
		{"seq 0", hdr(okHdr + `,"seq":0`), func(t *testing.T, r Report) {
			if !r.HasSeq || r.Seq != 0 {
				t.Errorf("seq = %d %v", r.Seq, r.HasSeq)
			}
		}},
		{"seq max int64", hdr(okHdr + `,"seq":9223372036854775807`), func(t *testing.T, r Report) {
			if r.Seq != math.MaxInt64 {
				t.Errorf("seq = %d", r.Seq)
			}
		}},
		{"time with offset to UTC", hdr(`"sensor":"s1","time":"2026-11-28T00:30:00.123456789-05:30"`), func(t *testing.T, r Report) {
			want := time.Date(2026, 11, 28, 6, 0, 0, 123456789, time.UTC)
			if !r.Time.Equal(want) || r.Time.Location() != time.UTC {
				t.Errorf("time = %v, want %v", r.Time, want)
			}
		}},
		{"time offset bounds", hdr(`"sensor":"s1","time":"2026-11-28T06:00:00.5+23:59"`), func(t *testing.T, r Report) {
			if r.Time != time.Date(2026, 11, 27, 6, 1, 0, 5e8, time.UTC) {
				t.Errorf("time = %v", r.Time)
			}
		}},
		{"time long fraction", hdr(`"sensor":"s1","time":"2026-11-28T06:00:00.1234567891234Z"`), nil},
		{"time without fraction", hdr(`"sensor":"s1","time":"2026-11-28T06:00:00+00:00"`), func(t *testing.T, r Report) {
			if r.Time != time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC) {
				t.Errorf("time = %v", r.Time)
			}
		}},
		{"sensor 64 characters", hdr(`"sensor":"` + strings.Repeat("é", 64) + `","time":"2026-11-28T06:00:00Z"`), func(t *testing.T, r Report) {
			if r.Sensor != strings.Repeat("é", 64) {
				t.Errorf("sensor = %q", r.Sensor)
			}
		}},
		{"unknown fields ignored", `{"sensor":"s1","time":"2026-11-28T06:00:00Z","v":2,"extra":{"a":[1,{"b":null}]},` +
			`"platform":{"lat":1,"lon":2,"heading_deg":3},` +
			`"detections":[{"lat":1,"lon":2,"snr_db":12,"id":{"mmsi":366999999,"flag":"US"}}]}`, det(func(t *testing.T, d Detection) {
			if d.Lat != 1 || d.ID == nil || d.ID.MMSI != 366999999 {
				t.Errorf("got %+v", d)
			}
		})},
		{"null fields are absent", `{"sensor":"s1","time":"2026-11-28T06:00:00Z","seq":null,"platform":null,` +
			`"detections":[{"lat":1,"lon":2,"alt_m":null,"range_m":null,"sigma_m":null,"cov_m2":null,"class":null,"speed_mps":null,"course_deg":null,"id":null}]}`,
			func(t *testing.T, r Report) {
				d := r.Detections[0]
				if r.HasSeq || r.Platform != nil || d.Polar || d.HasAlt || d.HasCov || d.HasVelocity || d.ID != nil || d.SigmaM != 0 {
					t.Errorf("got %+v %+v", r, d)
				}
			}},
		{"whitespace around object", " \t\r\n" + rep() + "\n\n", nil},
		{"only sigma_range", rep(`{"range_m":1,"bearing_deg":1,"sigma_range_m":25}`), det(func(t *testing.T, d Detection) {
			if d.SigmaRange != 25 || d.SigmaBearing != 0 {
				t.Errorf("got %+v", d)
			}
		})},
		{"only sigma_bearing", rep(`{"range_m":1,"bearing_deg":1,"sigma_bearing_deg":0.25}`), det(func(t *testing.T, d Detection) {
			if d.SigmaBearing != 0.25 || d.SigmaRange != 0 {
				t.Errorf("got %+v", d)
			}
		})},
		{"sigma_m on polar", rep(`{"range_m":1,"bearing_deg":1,"sigma_m":50}`), det(func(t *testing.T, d Detection) {
			if d.SigmaM != 50 {
				t.Errorf("got %+v", d)
			}
		})},
		{"cov on polar", rep(`{"range_m":1,"bearing_deg":1,"cov_m2":[1,-0.5,1]}`), det(func(t *testing.T, d Detection) {
			if !d.HasCov || d.Cov != [3]float64{1, -0.5, 1} {
				t.Errorf("got %+v", d)
			}
		})},
		{"class surface", rep(`{"lat":1,"lon":1,"class":"surface"}`), det(func(t *testing.T, d Detection) {
			if d.Class != ClassSurface {
				t.Errorf("class = %v", d.Class)
			}
		})},
		{"class unknown", rep(`{"lat":1,"lon":1,"class":"unknown"}`), det(func(t *testing.T, d Detection) {
			if d.Class != ClassUnknown {
				t.Errorf("class = %v", d.Class)
			}
		})},
		{"velocity bounds", rep(`{"lat":1,"lon":1,"speed_mps":0,"course_deg":360}`, `{"lat":1,"lon":1,"speed_mps":1500,"course_deg":0}`), func(t *testing.T, r Report) {
			d0, d1 := r.Detections[0], r.Detections[1]
			if !d0.HasVelocity || d0.Speed != 0 || d0.Course != 0 || !d1.HasVelocity || d1.Speed != 1500 {
				t.Errorf("got %+v %+v", d0, d1)
			}
		}},
		{"id mmsi", rep(`{"lat":1,"lon":1,"id":{"mmsi":999999999}}`), det(func(t *testing.T, d Detection) {
			if d.ID == nil || *d.ID != (Identity{MMSI: 999999999}) {
				t.Errorf("id = %+v", d.ID)
			}
		})},
		{"id icao lower-cased", rep(`{"lat":1,"lon":1,"id":{"icao":"A1b2C3","callsign":"N123AB"}}`), det(func(t *testing.T, d Detection) {
			if d.ID == nil || *d.ID != (Identity{ICAO: "a1b2c3", Callsign: "N123AB"}) {
				t.Errorf("id = %+v", d.ID)
			}
		})},
		{"id all", rep(`{"lat":1,"lon":1,"id":{"mmsi":1,"icao":"abcdef","callsign":"` + strings.Repeat("C", 16) +
			`","name":"` + strings.Repeat("ñ", 64) + `"}}`), det(func(t *testing.T, d Detection) {
			want := Identity{MMSI: 1, ICAO: "abcdef", Callsign: strings.Repeat("C", 16), Name: strings.Repeat("ñ", 64)}
			if d.ID == nil || *d.ID != want {
				t.Errorf("id = %+v", d.ID)
			}
		})},
		{"id name only, empty callsign", rep(`{"lat":1,"lon":1,"id":{"callsign":"","name":"LA NIÑA"}}`), det(func(t *testing.T, d Detection) {
			if d.ID == nil || *d.ID != (Identity{Name: "LA NIÑA"}) {
				t.Errorf("id = %+v", d.ID)
			}
		})},
		{"ids are distinct", rep(`{"lat":1,"lon":1,"id":{"mmsi":1}}`, `{"lat":1,"lon":1}`, `{"lat":1,"lon":1,"id":{"mmsi":2}}`), func(t *testing.T, r Report) {
			if r.Detections[0].ID.MMSI != 1 || r.Detections[1].ID != nil || r.Detections[2].ID.MMSI != 2 {
				t.Errorf("ids = %v %v %v", r.Detections[0].ID, r.Detections[1].ID, r.Detections[2].ID)
			}
		}},
		{"max detections", rep(many...), func(t *testing.T, r Report) {
			if len(r.Detections) != MaxDetections {
				t.Errorf("%d detections", len(r.Detections))
			}
		}},
	}
}

func TestDecodeJSONAccepts(t *testing.T) {
	tests := acceptCases()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := DecodeJSON([]byte(tc.payload), 0)
			if err != nil {
				t.Fatalf("rejected: %v\npayload: %s", err, tc.payload)
			}
			checkInvariants(t, r)
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}

// rejectCase is a payload DecodeJSON rejects, with the error it must give.
type rejectCase struct {
	name    string
	payload string
	reason  string
	field   string // want Error.Field exactly
	msg     string // substring of Error.Msg, if any
}

// rejectCases are the rejections of TestDecodeJSONRejects (also seeds of
// FuzzDecodeJSONDifferential).
func rejectCases() []rejectCase {
	many := make([]string, MaxDetections+1)
	for i := range many {
		many[i] = `{"range_m":1,"bearing_deg":0}`
	}
	polar := `"range_m":1000,"bearing_deg":10`
	geo := `"lat":1,"lon":1`
	return []rejectCase{
		// Payload as a whole.
		{"empty", ``, ReasonMalformed, "", "empty"},
		{"blank", " \n\t", ReasonMalformed, "", "empty"},
		{"null", `null`, ReasonMalformed, "", "not a JSON object"},
		{"array", `[` + rep() + `]`, ReasonMalformed, "", "not a JSON object"},
		{"number", `42`, ReasonMalformed, "", "not a JSON object"},
		{"string", `"x"`, ReasonMalformed, "", "not a JSON object"},
		{"syntax", `{"sensor":"s1",}`, ReasonMalformed, "", "invalid JSON"},
		{"truncated", rep(`{` + geo + `}`)[:40], ReasonMalformed, "", "invalid JSON"},
		{"trailing garbage", rep() + ` x`, ReasonMalformed, "", "after top-level value"},
		{"two objects", rep() + rep(), ReasonMalformed, "", "after top-level value"},
		{"NaN literal", rep(`{"lat":NaN,"lon":1}`), ReasonMalformed, "", "invalid JSON"},
		// Type errors.
		{"sensor number", hdr(`"sensor":7,"time":"2026-11-28T06:00:00Z"`), ReasonMalformed, "sensor", "string"},
		{"time number", hdr(`"sensor":"s1","time":1764309600`), ReasonMalformed, "time", "string"},
		{"seq string", hdr(okHdr + `,"seq":"1"`), ReasonMalformed, "seq", "integer"},
		{"seq fraction", hdr(okHdr + `,"seq":1.5`), ReasonMalformed, "seq", "integer"},
		{"seq overflow", hdr(okHdr + `,"seq":9223372036854775808`), ReasonMalformed, "seq", "integer"},
		{"platform array", hdr(okHdr + `,"platform":[1,2]`), ReasonMalformed, "platform", "object"},
		{"platform lat string", hdr(okHdr + `,"platform":{"lat":"1","lon":2}`), ReasonMalformed, "platform.lat", "number"},
		{"detections object", `{` + okHdr + `,"detections":{}}`, ReasonMalformed, "detections", "array"},
		{"detection not object", rep(`{`+geo+`}`, `7`), ReasonMalformed, "detections[1]", "object"},
		{"detection lat string", rep(`{`+geo+`}`, `{`+geo+`}`, `{"lat":"25.9","lon":1}`), ReasonMalformed, "detections[2].lat", "number"},
		{"detection lat overflow", rep(`{"lat":1e400,"lon":1}`), ReasonMalformed, "detections[0].lat", "1e400 is beyond"},
		{"cov string", rep(`{` + geo + `,"cov_m2":"1,0,1"}`), ReasonMalformed, "detections[0].cov_m2", "array"},
		{"cov element string", rep(`{` + geo + `,"cov_m2":[1,"0",1]}`), ReasonMalformed, "detections[0].cov_m2", "number"},
		{"class number", rep(`{` + geo + `,"class":1}`), ReasonMalformed, "detections[0].class", "string"},
		{"mmsi string", rep(`{`+geo+`}`, `{`+geo+`,"id":{"mmsi":"366999999"}}`), ReasonMalformed, "detections[1].id.mmsi", "integer"},
		{"mmsi fraction", rep(`{` + geo + `,"id":{"mmsi":3.5}}`), ReasonMalformed, "detections[0].id.mmsi", "integer"},
		{"id string", rep(`{` + geo + `,"id":"366999999"}`), ReasonMalformed, "detections[0].id", "object"},
		// Size.
		{"too large", rep(`{` + geo + `}`), ReasonTooLarge, "", "exceeds the limit of 20"},
		{"too many detections", rep(many...), ReasonTooLarge, "detections", "10001"},
		// Header values.
		{"sensor missing", hdr(`"time":"2026-11-28T06:00:00Z"`), ReasonBadValue, "sensor", "missing"},
		{"sensor empty", hdr(`"sensor":"","time":"2026-11-28T06:00:00Z"`), ReasonBadValue, "sensor", "missing"},
		{"sensor null", hdr(`"sensor":null,"time":"2026-11-28T06:00:00Z"`), ReasonBadValue, "sensor", "missing"},
		{"sensor too long", hdr(`"sensor":"` + strings.Repeat("x", 65) + `","time":"2026-11-28T06:00:00Z"`), ReasonBadValue, "sensor", "64"},
		{"sensor slash", hdr(`"sensor":"a/b","time":"2026-11-28T06:00:00Z"`), ReasonBadValue, "sensor", "'/'"},
		{"sensor plus", hdr(`"sensor":"a+","time":"2026-11-28T06:00:00Z"`), ReasonBadValue, "sensor", "'+'"},
		{"sensor hash", hdr(`"sensor":"#","time":"2026-11-28T06:00:00Z"`), ReasonBadValue, "sensor", "'#'"},
		{"sensor control", hdr(`"sensor":"a\u0000b","time":"2026-11-28T06:00:00Z"`), ReasonBadValue, "sensor", "control"},
		{"time missing", hdr(`"sensor":"s1"`), ReasonBadTime, "time", "missing"},
		{"time null", hdr(`"sensor":"s1","time":null`), ReasonBadTime, "time", "missing"},
		{"time garbage", hdr(`"sensor":"s1","time":"yesterday"`), ReasonBadTime, "time", "RFC 3339"},
		{"time date only", hdr(`"sensor":"s1","time":"2026-11-28"`), ReasonBadTime, "time", "RFC 3339"},
		{"time no zone", hdr(`"sensor":"s1","time":"2026-11-28T06:00:00"`), ReasonBadTime, "time", "RFC 3339"},
		{"time bad hour", hdr(`"sensor":"s1","time":"2026-11-28T24:00:00Z"`), ReasonBadTime, "time", "RFC 3339"},
		{"time one-digit hour", hdr(`"sensor":"s1","time":"2026-11-28T6:00:00Z"`), ReasonBadTime, "time", "RFC 3339"},
		{"time comma fraction", hdr(`"sensor":"s1","time":"2026-11-28T06:00:00,5Z"`), ReasonBadTime, "time", "RFC 3339"},
		{"time empty fraction", hdr(`"sensor":"s1","time":"2026-11-28T06:00:00.Z"`), ReasonBadTime, "time", "RFC 3339"},
		{"time offset 24h", hdr(`"sensor":"s1","time":"2026-11-28T06:00:00+24:00"`), ReasonBadTime, "time", "RFC 3339"},
		{"time offset minutes", hdr(`"sensor":"s1","time":"2026-11-28T06:00:00+01:60"`), ReasonBadTime, "time", "RFC 3339"},
		{"time short offset", hdr(`"sensor":"s1","time":"2026-11-28T06:00:00+01"`), ReasonBadTime, "time", "RFC 3339"},
		{"time lower-case", hdr(`"sensor":"s1","time":"2026-11-28t06:00:00z"`), ReasonBadTime, "time", "RFC 3339"},
		{"time space", hdr(`"sensor":"s1","time":"2026-11-28 06:00:00Z"`), ReasonBadTime, "time", "RFC 3339"},
		{"time leap second", hdr(`"sensor":"s1","time":"2016-12-31T23:59:60Z"`), ReasonBadTime, "time", "RFC 3339"},
		{"time 30 February", hdr(`"sensor":"s1","time":"2026-02-30T06:00:00Z"`), ReasonBadTime, "time", "RFC 3339"},
		{"time year 0", hdr(`"sensor":"s1","time":"0000-06-01T00:00:00Z"`), ReasonBadTime, "time", "zero"},
		{"time zero", hdr(`"sensor":"s1","time":"0001-01-01T00:00:00Z"`), ReasonBadTime, "time", "zero"},
		{"time zero via offset", hdr(`"sensor":"s1","time":"0001-01-01T01:00:00+01:00"`), ReasonBadTime, "time", "zero"},
		{"seq negative", hdr(okHdr + `,"seq":-1`), ReasonBadValue, "seq", "-1"},
		// Platform.
		{"platform empty", hdr(okHdr + `,"platform":{}`), ReasonBadValue, "platform.lat", "missing"},
		{"platform no lon", hdr(okHdr + `,"platform":{"lat":1,"alt_m":3}`), ReasonBadValue, "platform.lon", "missing"},
		{"platform lat", hdr(okHdr + `,"platform":{"lat":90.01,"lon":1}`), ReasonBadPosition, "platform.lat", "90.01 out of range [-90, 90]"},
		{"platform lon", hdr(okHdr + `,"platform":{"lat":1,"lon":-180.5}`), ReasonBadPosition, "platform.lon", "-180.5 out of range [-180, 180]"},
		{"platform alt low", hdr(okHdr + `,"platform":{"lat":1,"lon":1,"alt_m":-1000.1}`), ReasonBadPosition, "platform.alt_m", "out of range"},
		{"platform alt high", hdr(okHdr + `,"platform":{"lat":1,"lon":1,"alt_m":100001}`), ReasonBadPosition, "platform.alt_m", "out of range"},
		// Detections array.
		{"detections missing", `{` + okHdr + `}`, ReasonBadValue, "detections", "missing"},
		{"detections null", `{` + okHdr + `,"detections":null}`, ReasonBadValue, "detections", "missing"},
		// Form.
		{"both forms", rep(`{` + polar + `,` + geo + `}`), ReasonBadValue, "detections[0]", "both"},
		{"polar with alt", rep(`{` + polar + `,"alt_m":300}`), ReasonBadValue, "detections[0]", "both"},
		{"elevation with lat lon", rep(`{` + geo + `,"elevation_deg":1}`), ReasonBadValue, "detections[0]", "both"},
		{"neither form", rep(`{"sigma_m":5}`), ReasonBadValue, "detections[0]", "neither"},
		{"empty detection", rep(`{`+geo+`}`, `{}`), ReasonBadValue, "detections[1]", "neither"},
		{"null detection", rep(`null`), ReasonBadValue, "detections[0]", "neither"},
		{"range without bearing", rep(`{"range_m":5}`), ReasonBadValue, "detections[0].bearing_deg", "missing"},
		{"bearing without range", rep(`{"bearing_deg":5}`), ReasonBadValue, "detections[0].range_m", "missing"},
		{"elevation alone", rep(`{"elevation_deg":5}`), ReasonBadValue, "detections[0].range_m", "missing"},
		{"lat without lon", rep(`{"lat":5}`), ReasonBadValue, "detections[0].lon", "missing"},
		{"lon without lat", rep(`{"lon":5}`), ReasonBadValue, "detections[0].lat", "missing"},
		{"alt alone", rep(`{"alt_m":5}`), ReasonBadValue, "detections[0].lat", "missing"},
		// Polar values.
		{"range zero", rep(`{"range_m":0,"bearing_deg":1}`), ReasonBadValue, "detections[0].range_m", "0 out of range (0, 2000000]"},
		{"range negative", rep(`{"range_m":-5,"bearing_deg":1}`), ReasonBadValue, "detections[0].range_m", "out of range"},
		{"range too far", rep(`{"range_m":2000000.5,"bearing_deg":1}`), ReasonBadValue, "detections[0].range_m", "out of range"},
		{"bearing negative", rep(`{"range_m":1,"bearing_deg":-0.1}`), ReasonBadValue, "detections[0].bearing_deg", "-0.1 out of range [0, 360]"},
		{"bearing over 360", rep(`{"range_m":1,"bearing_deg":360.01}`), ReasonBadValue, "detections[0].bearing_deg", "out of range"},
		{"elevation high", rep(`{"range_m":1,"bearing_deg":1,"elevation_deg":90.5}`), ReasonBadValue, "detections[0].elevation_deg", "out of range"},
		{"elevation low", rep(`{"range_m":1,"bearing_deg":1,"elevation_deg":-91}`), ReasonBadValue, "detections[0].elevation_deg", "out of range"},
		// Geodetic values.
		{"lat 91.5 at index 2", rep(`{`+geo+`}`, `{`+polar+`}`, `{"lat":91.5,"lon":1}`), ReasonBadPosition, "detections[2].lat", "91.5 out of range [-90, 90]"},
		{"lat low", rep(`{"lat":-90.0001,"lon":1}`), ReasonBadPosition, "detections[0].lat", "out of range"},
		{"lon high", rep(`{"lat":1,"lon":180.0001}`), ReasonBadPosition, "detections[0].lon", "out of range"},
		{"lon low", rep(`{"lat":1,"lon":-181}`), ReasonBadPosition, "detections[0].lon", "out of range"},
		{"alt low", rep(`{"lat":1,"lon":1,"alt_m":-1001}`), ReasonBadPosition, "detections[0].alt_m", "out of range"},
		{"alt high", rep(`{"lat":1,"lon":1,"alt_m":1e6}`), ReasonBadPosition, "detections[0].alt_m", "out of range"},
		// Uncertainty.
		{"sigma_range zero", rep(`{` + polar + `,"sigma_range_m":0}`), ReasonBadValue, "detections[0].sigma_range_m", "> 0"},
		{"sigma_range negative", rep(`{` + polar + `,"sigma_range_m":-1}`), ReasonBadValue, "detections[0].sigma_range_m", "> 0"},
		{"sigma_bearing zero", rep(`{` + polar + `,"sigma_bearing_deg":0}`), ReasonBadValue, "detections[0].sigma_bearing_deg", "> 0"},
		{"sigma_m zero", rep(`{` + geo + `,"sigma_m":0}`), ReasonBadValue, "detections[0].sigma_m", "> 0"},
		{"sigma_m negative", rep(`{` + geo + `,"sigma_m":-3}`), ReasonBadValue, "detections[0].sigma_m", "> 0"},
		{"sigma_range on geodetic", rep(`{` + geo + `,"sigma_range_m":5}`), ReasonBadValue, "detections[0].sigma_range_m", "polar"},
		{"sigma_bearing on geodetic", rep(`{` + geo + `,"sigma_bearing_deg":5}`), ReasonBadValue, "detections[0].sigma_bearing_deg", "polar"},
		{"sigma_m and cov", rep(`{` + geo + `,"sigma_m":5,"cov_m2":[1,0,1]}`), ReasonBadValue, "detections[0]", "more than one uncertainty"},
		{"polar sigmas and sigma_m", rep(`{` + polar + `,"sigma_range_m":5,"sigma_m":5}`), ReasonBadValue, "detections[0]", "more than one uncertainty"},
		{"cov empty", rep(`{` + geo + `,"cov_m2":[]}`), ReasonBadValue, "detections[0].cov_m2", "0 elements"},
		{"cov short", rep(`{` + geo + `,"cov_m2":[1,0]}`), ReasonBadValue, "detections[0].cov_m2", "2 elements"},
		{"cov long", rep(`{` + geo + `,"cov_m2":[1,0,1,0]}`), ReasonBadValue, "detections[0].cov_m2", "4 elements"},
		{"cov zero east", rep(`{` + geo + `,"cov_m2":[0,0,1]}`), ReasonBadValue, "detections[0].cov_m2", "not a covariance"},
		{"cov negative north", rep(`{` + geo + `,"cov_m2":[1,0,-1]}`), ReasonBadValue, "detections[0].cov_m2", "not a covariance"},
		{"cov singular", rep(`{` + geo + `,"cov_m2":[4,6,9]}`), ReasonBadValue, "detections[0].cov_m2", "not a covariance"},
		{"cov not positive", rep(`{` + geo + `,"cov_m2":[400,-700,900]}`), ReasonBadValue, "detections[0].cov_m2", "not a covariance"},
		// Class.
		{"class other", rep(`{` + geo + `,"class":"ship"}`), ReasonBadValue, "detections[0].class", `"ship"`},
		{"class empty", rep(`{` + geo + `,"class":""}`), ReasonBadValue, "detections[0].class", "not one of"},
		{"class upper", rep(`{` + geo + `,"class":"AIR"}`), ReasonBadValue, "detections[0].class", "not one of"},
		// Velocity.
		{"speed without course", rep(`{` + geo + `,"speed_mps":3}`), ReasonBadValue, "detections[0].course_deg", "missing"},
		{"course without speed", rep(`{` + geo + `,"course_deg":3}`), ReasonBadValue, "detections[0].speed_mps", "missing"},
		{"speed negative", rep(`{` + geo + `,"speed_mps":-1,"course_deg":3}`), ReasonBadValue, "detections[0].speed_mps", "out of range [0, 1500]"},
		{"speed too fast", rep(`{` + geo + `,"speed_mps":1500.5,"course_deg":3}`), ReasonBadValue, "detections[0].speed_mps", "out of range"},
		{"course over 360", rep(`{` + geo + `,"speed_mps":1,"course_deg":361}`), ReasonBadValue, "detections[0].course_deg", "out of range [0, 360]"},
		{"course negative", rep(`{` + geo + `,"speed_mps":1,"course_deg":-1}`), ReasonBadValue, "detections[0].course_deg", "out of range"},
		// Identity.
		{"id empty", rep(`{` + geo + `,"id":{}}`), ReasonBadValue, "detections[0].id", "empty"},
		{"id only unknown fields", rep(`{` + geo + `,"id":{"imo":9074729}}`), ReasonBadValue, "detections[0].id", "empty"},
		{"id only empty strings", rep(`{` + geo + `,"id":{"callsign":"","name":""}}`), ReasonBadValue, "detections[0].id", "empty"},
		{"mmsi zero", rep(`{` + geo + `,"id":{"mmsi":0}}`), ReasonBadValue, "detections[0].id.mmsi", "out of range [1, 999999999]"},
		{"mmsi ten digits", rep(`{` + geo + `,"id":{"mmsi":1000000000}}`), ReasonBadValue, "detections[0].id.mmsi", "out of range"},
		{"mmsi negative", rep(`{` + geo + `,"id":{"mmsi":-366999999}}`), ReasonBadValue, "detections[0].id.mmsi", "out of range"},
		{"icao short", rep(`{` + geo + `,"id":{"icao":"abc"}}`), ReasonBadValue, "detections[0].id.icao", "6 hexadecimal"},
		{"icao not hex", rep(`{` + geo + `,"id":{"icao":"abcdeg"}}`), ReasonBadValue, "detections[0].id.icao", "6 hexadecimal"},
		{"icao empty", rep(`{` + geo + `,"id":{"icao":""}}`), ReasonBadValue, "detections[0].id.icao", "6 hexadecimal"},
		{"callsign long", rep(`{` + geo + `,"id":{"callsign":"` + strings.Repeat("C", 17) + `"}}`), ReasonBadValue, "detections[0].id.callsign", "16"},
		{"name long", rep(`{` + geo + `,"id":{"name":"` + strings.Repeat("ñ", 65) + `"}}`), ReasonBadValue, "detections[0].id.name", "64"},
	}
}

func TestDecodeJSONRejects(t *testing.T) {
	tests := rejectCases()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			max := 0
			if tc.reason == ReasonTooLarge && tc.field == "" {
				max = 20
			}
			r, err := DecodeJSON([]byte(tc.payload), max)
			if err == nil {
				t.Fatalf("accepted: %+v\npayload: %s", r, tc.payload)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v is not *Error", err, err)
			}
			if e.Reason != tc.reason || e.Field != tc.field || !strings.Contains(e.Msg, tc.msg) {
				t.Errorf("got reason %q field %q msg %q\nwant reason %q field %q msg containing %q",
					e.Reason, e.Field, e.Msg, tc.reason, tc.field, tc.msg)
			}
			if tc.field != "" && !strings.Contains(e.Error(), tc.field) {
				t.Errorf("Error() %q does not name the field %q", e.Error(), tc.field)
			}
			if !strings.HasPrefix(e.Error(), tc.reason+": ") {
				t.Errorf("Error() %q does not start with the reason", e.Error())
			}
			if r.Sensor != "" || r.Detections != nil || r.Platform != nil || !r.Time.IsZero() {
				t.Errorf("rejection returned a non-zero report %+v", r)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	e := &Error{ReasonBadPosition, "detections[2].lat", "91.5 out of range [-90, 90]"}
	if got, want := e.Error(), "bad_position: detections[2].lat: 91.5 out of range [-90, 90]"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	e = &Error{ReasonTooLarge, "", "payload of 9 bytes exceeds the limit of 8"}
	if got, want := e.Error(), "too_large: payload of 9 bytes exceeds the limit of 8"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	_, err := DecodeJSON([]byte(rep(`{"lat":1,"lon":1}`, `{"lat":1,"lon":1}`, `{"lat":91.5,"lon":1}`)), 0)
	if got, want := err.Error(), "bad_position: detections[2].lat: 91.5 out of range [-90, 90]"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestDecodeJSONMaxBytes(t *testing.T) {
	p := []byte(rep())
	if _, err := DecodeJSON(p, len(p)); err != nil {
		t.Errorf("payload of exactly maxBytes rejected: %v", err)
	}
	if _, err := DecodeJSON(p, -1); err != nil {
		t.Errorf("maxBytes < 0 should mean no limit: %v", err)
	}
	_, err := DecodeJSON(p, len(p)-1)
	var e *Error
	if !errors.As(err, &e) || e.Reason != ReasonTooLarge {
		t.Errorf("payload over maxBytes: err = %v, want too_large", err)
	}
	// The size check comes before parsing.
	_, err = DecodeJSON([]byte("not json at all"), 5)
	if !errors.As(err, &e) || e.Reason != ReasonTooLarge {
		t.Errorf("oversized garbage: err = %v, want too_large", err)
	}
}

func TestClass(t *testing.T) {
	for _, c := range []Class{ClassUnknown, ClassSurface, ClassAir} {
		got, ok := ParseClass(c.String())
		if !ok || got != c {
			t.Errorf("ParseClass(%q) = %v, %v", c.String(), got, ok)
		}
	}
	if s := Class(9).String(); s != "Class(9)" {
		t.Errorf("Class(9).String() = %q", s)
	}
	if _, ok := ParseClass("Air"); ok {
		t.Error(`ParseClass("Air") accepted`)
	}
}

// checkInvariants fails t unless r satisfies everything DecodeJSON promises.
func checkInvariants(t *testing.T, r Report) {
	t.Helper()
	fin := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	in := func(v, lo, hi float64) bool { return fin(v) && v >= lo && v <= hi }
	if r.Sensor == "" || utf8.RuneCountInString(r.Sensor) > MaxSensorLen || strings.ContainsAny(r.Sensor, "/+#") {
		t.Errorf("bad sensor %q", r.Sensor)
	}
	for _, c := range r.Sensor {
		if c < 0x20 || c == 0x7f {
			t.Errorf("control character in sensor %q", r.Sensor)
		}
	}
	if !r.Time.After(time.Time{}) || r.Time.Location() != time.UTC {
		t.Errorf("bad time %v", r.Time)
	}
	if !r.HasSeq && r.Seq != 0 || r.Seq > math.MaxInt64 {
		t.Errorf("bad seq %d %v", r.Seq, r.HasSeq)
	}
	if p := r.Platform; p != nil {
		if !in(p.Lat, -90, 90) || !in(p.Lon, -180, 180) || !in(p.Alt, MinAlt, MaxAlt) || !p.HasAlt && p.Alt != 0 {
			t.Errorf("bad platform %+v", *p)
		}
	}
	if r.Detections == nil || len(r.Detections) > MaxDetections {
		t.Errorf("bad detections: nil=%v len=%d", r.Detections == nil, len(r.Detections))
	}
	for i, d := range r.Detections {
		bad := func(what string) { t.Errorf("detections[%d]: %s: %+v", i, what, d) }
		if d.Polar {
			if !(fin(d.Range) && d.Range > 0 && d.Range <= MaxRange) {
				bad("range")
			}
			if !in(d.Bearing, 0, 360) || d.Bearing == 360 || math.Signbit(d.Bearing) {
				bad("bearing")
			}
			if !in(d.Elevation, -90, 90) || !d.HasElevation && d.Elevation != 0 {
				bad("elevation")
			}
			if d.Lat != 0 || d.Lon != 0 || d.Alt != 0 || d.HasAlt {
				bad("geodetic fields on a polar detection")
			}
		} else {
			if !in(d.Lat, -90, 90) || !in(d.Lon, -180, 180) || !in(d.Alt, MinAlt, MaxAlt) || !d.HasAlt && d.Alt != 0 {
				bad("position")
			}
			if d.Range != 0 || d.Bearing != 0 || d.Elevation != 0 || d.HasElevation || d.SigmaRange != 0 || d.SigmaBearing != 0 {
				bad("polar fields on a geodetic detection")
			}
		}
		forms := 0
		for _, s := range []float64{d.SigmaRange, d.SigmaBearing, d.SigmaM} {
			if !fin(s) || s < 0 {
				bad("sigma")
			}
		}
		if d.SigmaRange != 0 || d.SigmaBearing != 0 {
			forms++
		}
		if d.SigmaM != 0 {
			forms++
		}
		if d.HasCov {
			forms++
			c := d.Cov
			if !fin(c[0]) || !fin(c[1]) || !fin(c[2]) || !(c[0] > 0 && c[2] > 0 && c[1]*c[1] < c[0]*c[2]) {
				bad("covariance")
			}
		} else if d.Cov != [3]float64{} {
			bad("cov without HasCov")
		}
		if forms > 1 {
			bad("several uncertainty forms")
		}
		if d.Class > ClassAir {
			bad("class")
		}
		if d.HasVelocity {
			if !in(d.Speed, 0, MaxSpeed) || math.Signbit(d.Speed) || !in(d.Course, 0, 360) || d.Course == 360 || math.Signbit(d.Course) {
				bad("velocity")
			}
		} else if d.Speed != 0 || d.Course != 0 {
			bad("velocity without HasVelocity")
		}
		if id := d.ID; id != nil {
			if *id == (Identity{}) || id.MMSI > MaxMMSI ||
				utf8.RuneCountInString(id.Callsign) > MaxCallsignLen || utf8.RuneCountInString(id.Name) > MaxNameLen {
				bad("identity")
			}
			if id.ICAO != "" && (len(id.ICAO) != 6 || strings.Trim(id.ICAO, "0123456789abcdef") != "") {
				bad("icao")
			}
		}
	}
}

func FuzzDecodeJSON(f *testing.F) {
	f.Add([]byte(specExample))
	f.Add([]byte(rep()))
	f.Add([]byte(rep(`{"range_m":1e3,"bearing_deg":360,"elevation_deg":-3,"sigma_range_m":5,"sigma_bearing_deg":0.2,"class":"surface"}`)))
	f.Add([]byte(rep(`{"lat":-90,"lon":180,"alt_m":-1000,"cov_m2":[1,0.5,1],"speed_mps":0,"course_deg":0,"id":{"mmsi":366999999,"icao":"A1B2C3","callsign":"NAVY1","name":"X"}}`)))
	f.Add([]byte(`{"sensor":"a","time":"2026-11-28T01:00:00+09:00","seq":0,"platform":{"lat":1,"lon":1},"detections":[{"lat":1,"lon":1,"id":{}}]}`))
	f.Add([]byte(rep(`{"lat":91.5,"lon":1}`)))
	f.Add([]byte(`{"sensor":"a/b","time":"x","detections":null}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"detections":[{"range_m":"1"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := DecodeJSON(data, 1<<20)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *Error: %v", err, err)
			}
			switch e.Reason {
			case ReasonTooLarge, ReasonMalformed, ReasonBadTime, ReasonBadPosition, ReasonBadValue:
			default:
				t.Fatalf("unknown reason %q", e.Reason)
			}
			if e.Msg == "" {
				t.Fatalf("empty message: %v", err)
			}
			return
		}
		checkInvariants(t, r)
	})
}

// benchReport returns a report with n detections cycling through the forms
// of the SPEC example.
func benchReport(n int) []byte {
	forms := []string{
		`{"range_m": 42150.0, "bearing_deg": 131.52, "sigma_range_m": 60, "sigma_bearing_deg": 0.5}`,
		`{"lat": 25.981, "lon": -97.012, "alt_m": 300, "sigma_m": 150, "class": "air"}`,
		`{"lat": 25.950, "lon": -96.990, "cov_m2": [400, 50, 900], "speed_mps": 20.5, "course_deg": 95}`,
	}
	dets := make([]string, n)
	for i := range dets {
		dets[i] = forms[i%len(forms)]
	}
	return []byte(`{"sensor": "tars-rgv", "time": "2026-11-28T06:00:00.250Z", "seq": 18231, ` +
		`"platform": {"lat": 26.10, "lon": -97.35, "alt_m": 4500}, "detections": [` +
		strings.Join(dets, ",\n    ") + `]}`)
}

func BenchmarkDecodeJSON(b *testing.B) {
	for _, n := range []int{3, 100} {
		p := benchReport(n)
		b.Run(strconv.Itoa(n)+"detections", func(b *testing.B) {
			b.SetBytes(int64(len(p)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := DecodeJSON(p, 0); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "detections/s")
		})
	}
}

// TestReportSchema checks that report.schema.json is a JSON Schema document
// (draft 2020-12) whose objects have exactly the properties DecodeJSON
// knows, and whose references resolve.
func TestReportSchema(t *testing.T) {
	data, err := os.ReadFile("report.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatalf("report.schema.json: %v", err)
	}
	if schema["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema = %v, want draft 2020-12", schema["$schema"])
	}
	defs, _ := schema["$defs"].(map[string]any)
	obj := func(v any) map[string]any { m, _ := v.(map[string]any); return m }
	props := func(v any) []string {
		var names []string
		for k := range obj(obj(v)["properties"]) {
			names = append(names, k)
		}
		slices.Sort(names)
		return names
	}
	sorted := func(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }
	for _, c := range []struct {
		what   string
		schema any
		keys   []string
	}{
		{"report", schema, reportKeys[:]},
		{"platform", obj(schema["properties"])["platform"], platformKeys[:]},
		{"detection", defs["detection"], detKeys[:]},
		{"identity", defs["identity"], idKeys[:]},
	} {
		if got, want := props(c.schema), sorted(c.keys); !slices.Equal(got, want) {
			t.Errorf("%s: schema properties %q, decoder keys %q", c.what, got, want)
		}
	}
	// Every $ref names a definition, and every definition is used.
	used := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if k == "$ref" {
					ref, _ := x.(string)
					name, ok := strings.CutPrefix(ref, "#/$defs/")
					if !ok || defs[name] == nil {
						t.Errorf("unresolved $ref %q", ref)
					}
					used[name] = true
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(schema)
	for name := range defs {
		if !used[name] {
			t.Errorf("$defs/%s is not used", name)
		}
	}
}
