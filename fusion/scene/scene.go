// Package scene runs the fusion engine on an evaluation scene (SPEC §8):
// detections.csv and scenario.json in a local east/north plane, as written
// by ../shared/eval/gen_scenario.py, to tracks.csv — one row per confirmed
// track at every epoch T = 0, 5, 10 … s, written after every scan with
// time_s ≤ T, each state extrapolated to T.
package scene

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"time"

	"github.com/vigia-project/vigia/fusion"
	"github.com/vigia-project/vigia/geo"
	"github.com/vigia-project/vigia/internal/gzfile"
	"github.com/vigia-project/vigia/sensors"
)

// epoch0 is the time origin of a scene (time_s = 0).
var epoch0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Scan is one sensor scan of a scene: every detection shares its time.
type Scan struct {
	Time     float64 // s
	Sensor   string
	ID       int
	SensorE  float64
	SensorN  float64
	Plots    []fusion.Plot
	TruthIDs []int // for evaluation only; the tracker ignores them
}

// Scenario is the part of scenario.json the tracker uses.
type Scenario struct {
	Sensors []struct {
		Name       string  `json:"name"`
		Kind       string  `json:"kind"`
		MaxRangeM  float64 `json:"max_range_m"`
		Pd         float64 `json:"pd"`
		SigmaRange float64 `json:"sigma_range_m"`
		SigmaBrg   float64 `json:"sigma_bearing_deg"`
	} `json:"sensors"`
	DurationS float64 `json:"duration_s"`
}

// ReadScenario reads scenario.json.
func ReadScenario(path string) (*Scenario, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s Scenario
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(s.Sensors) == 0 {
		return nil, fmt.Errorf("%s: no sensors", path)
	}
	return &s, nil
}

// ReadDetections reads detections.csv (gzipped when the name ends in .gz)
// into scans, in file order (the generator sorts them by time).
func ReadDetections(path string) ([]Scan, error) {
	r, err := gzfile.Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return parseDetections(r, path)
}

var detHeader = []string{"time_s", "sensor", "scan_id", "sensor_x_m", "sensor_y_m", "range_m", "bearing_rad",
	"sigma_range_m", "sigma_bearing_rad", "x_m", "y_m", "cov_xx", "cov_xy", "cov_yy", "truth_id"}

func parseDetections(r io.Reader, name string) ([]Scan, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	var scans []Scan
	line := 0
	var fields [15][]byte
	for sc.Scan() {
		line++
		b := sc.Bytes()
		n := 0
		start := 0
		for i := 0; i <= len(b); i++ {
			if i == len(b) || b[i] == ',' {
				if n < len(fields) {
					fields[n] = b[start:i]
				}
				n++
				start = i + 1
			}
		}
		if n != len(fields) {
			return nil, fmt.Errorf("%s:%d: %d fields, want %d", name, line, n, len(fields))
		}
		if line == 1 {
			for i, h := range detHeader {
				if string(fields[i]) != h {
					return nil, fmt.Errorf("%s:1: column %d is %q, want %q", name, i+1, fields[i], h)
				}
			}
			continue
		}
		var v [15]float64
		for i := range fields {
			if i == 1 {
				continue
			}
			x, err := strconv.ParseFloat(string(fields[i]), 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("%s:%d: %s %q is not a number", name, line, detHeader[i], fields[i])
			}
			v[i] = x
		}
		sensor := string(fields[1])
		id := int(v[2])
		if len(scans) == 0 || scans[len(scans)-1].ID != id || scans[len(scans)-1].Sensor != sensor {
			if len(scans) > 0 && v[0] < scans[len(scans)-1].Time {
				return nil, fmt.Errorf("%s:%d: time %v before the previous scan's %v", name, line, v[0], scans[len(scans)-1].Time)
			}
			scans = append(scans, Scan{Time: v[0], Sensor: sensor, ID: id, SensorE: v[3], SensorN: v[4]})
		}
		s := &scans[len(scans)-1]
		s.Plots = append(s.Plots, fusion.Plot{E: v[9], N: v[10], R: [2][2]float64{{v[11], v[12]}, {v[12], v[13]}}})
		s.TruthIDs = append(s.TruthIDs, int(v[14]))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line, err)
	}
	return scans, nil
}

// Stats are figures of one run.
type Stats struct {
	Detections int
	Scans      int
	// Engine is the time spent in the engine (CSV parsing and output excluded).
	Engine time.Duration
}

// Run feeds the scans to a new engine with params and writes tracks.csv to w,
// with epochs every interval seconds up to the last scan's time (or
// durationS, whichever is later).
func Run(sc *Scenario, scans []Scan, params fusion.Params, interval, durationS float64, w io.Writer) (Stats, error) {
	var list []fusion.Sensor
	for _, s := range sc.Sensors {
		list = append(list, fusion.Sensor{ID: s.Name, Kind: s.Kind, RangeM: s.MaxRangeM, Pd: s.Pd, Class: sensors.ClassSurface})
	}
	eng, err := fusion.New(geo.NewFrame(geo.LLA{}), params, list)
	if err != nil {
		return Stats{}, err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString("time_s,track_id,x_m,y_m,vx,vy\n")
	var st Stats
	end := durationS
	if n := len(scans); n > 0 {
		end = math.Max(end, scans[n-1].Time)
	}
	k := 0
	buf := make([]byte, 0, 128)
	writeEpoch := func(T float64) {
		at := epoch0.Add(time.Duration(math.Round(T * 1e9)))
		t0 := time.Now()
		eng.Advance(at)
		st.Engine += time.Since(t0)
		for _, tr := range eng.Tracks() {
			if tr.Status() != fusion.Confirmed {
				continue
			}
			x, _ := tr.StateAt(at)
			buf = buf[:0]
			buf = strconv.AppendFloat(buf, T, 'f', 1, 64)
			buf = append(buf, ',')
			buf = strconv.AppendUint(buf, tr.ID(), 10)
			for _, v := range x {
				buf = append(buf, ',')
				buf = strconv.AppendFloat(buf, v, 'f', 3, 64)
			}
			buf = append(buf, '\n')
			bw.Write(buf)
		}
	}
	for epoch := 0; ; epoch++ {
		T := float64(epoch) * interval
		if T > end+1e-9 {
			break
		}
		for k < len(scans) && scans[k].Time <= T+1e-9 {
			s := &scans[k]
			at := epoch0.Add(time.Duration(math.Round(s.Time * 1e9)))
			t0 := time.Now()
			if _, err := eng.ApplyPlots(s.Sensor, at, s.SensorE, s.SensorN, s.Plots); err != nil {
				return st, fmt.Errorf("scan %d (%s at %v s): %w", s.ID, s.Sensor, s.Time, err)
			}
			st.Engine += time.Since(t0)
			st.Detections += len(s.Plots)
			st.Scans++
			k++
		}
		writeEpoch(T)
	}
	return st, bw.Flush()
}
