package sim

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// builtin maps the names of the built-in scenes to their constructors.
var builtin = map[string]func(time.Time) *Scene{
	"rio-grande":   RioGrande,
	"tijuana":      Tijuana,
	"juan-de-fuca": JuanDeFuca,
}

// SceneNames lists the names of the built-in scenes.
func SceneNames() []string { return []string{"rio-grande", "tijuana", "juan-de-fuca"} }

// Named returns the built-in scene of that name starting at start:
// "rio-grande" (RioGrande), "tijuana" (Tijuana) or "juan-de-fuca"
// (JuanDeFuca).
func Named(name string, start time.Time) (*Scene, error) {
	mk, ok := builtin[name]
	if !ok {
		return nil, fmt.Errorf("sim: no built-in scene %q (have %s)", name, strings.Join(SceneNames(), ", "))
	}
	return mk(start), nil
}

// TruthHeader is the header line of Scene.WriteTruthCSV.
const TruthHeader = "time,target_id,class,mmsi,icao,lat,lon,alt_m,speed_mps,course_deg"

// WriteTruthCSV writes the ground truth of every target at from, from+step,
// … up to and including to, as CSV with the header TruthHeader: time (RFC
// 3339 UTC, milliseconds), target id, class (surface/air), MMSI and ICAO
// address (empty when the target has none), latitude and longitude (1e-7°),
// altitude (m, 0.01), ground speed (m/s, 0.001) and true course (deg,
// 0.001, [0,360)). Rows come time by time, targets in scene order.
func (s *Scene) WriteTruthCSV(w io.Writer, from, to time.Time, step time.Duration) error {
	if step <= 0 {
		return fmt.Errorf("sim: truth step %v must be positive", step)
	}
	paths := make([]path, len(s.Targets))
	for i := range s.Targets {
		paths[i] = compile(&s.Targets[i])
	}
	b := make([]byte, 0, 64<<10)
	b = append(b, TruthHeader...)
	b = append(b, '\n')
	for t := from; !t.After(to); t = t.Add(step) {
		for i := range paths {
			ts := paths[i].truth(s.Start, t)
			b = t.UTC().AppendFormat(b, TimeLayout)
			b = append(b, ',')
			b = appendCSV(b, ts.ID)
			b = append(b, ',')
			b = append(b, ts.Class...)
			b = append(b, ',')
			if ts.MMSI != 0 {
				b = strconv.AppendUint(b, uint64(ts.MMSI), 10)
			}
			b = append(b, ',')
			b = append(b, ts.ICAO...)
			course := round(ts.CourseDeg, 1000)
			if course >= 360 {
				course = 0
			}
			for _, v := range []struct{ x, scale float64 }{
				{ts.Pos.Lat, 1e7}, {ts.Pos.Lon, 1e7}, {ts.Pos.Alt, 100}, {ts.SpeedMps, 1000}, {course, 1000},
			} {
				b = append(b, ',')
				b = appendNum(b, v.x, v.scale)
			}
			b = append(b, '\n')
		}
		if len(b) > 32<<10 {
			if _, err := w.Write(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	_, err := w.Write(b)
	return err
}

// appendCSV appends a CSV field, quoted when it must be.
func appendCSV(b []byte, s string) []byte {
	if !strings.ContainsAny(s, ",\"\r\n") {
		return append(b, s...)
	}
	return append(append(b, '"'), strings.ReplaceAll(s, `"`, `""`)+`"`...)
}
