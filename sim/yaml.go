package sim

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"time"

	"go.yaml.in/yaml/v3"
)

// LoadScene reads a scene from a YAML file (the format is described in
// SCENES.md) and validates it. Durations are Go duration strings ("10m",
// "2.5s"); unknown keys are errors. The scene starts at start. Errors name
// the file and line: "scene.yaml:12: sensors[1]: …".
func LoadScene(path string, start time.Time) (*Scene, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseScene(data, path, start)
}

// ParseScene is LoadScene on the YAML text data; name is the file name
// errors carry.
func ParseScene(data []byte, name string, start time.Time) (*Scene, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(name, err)
	}
	var f yamlScene
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty scene file", name)
		}
		return nil, yamlError(name, err)
	}
	s, err := f.scene(start)
	if err == nil {
		err = s.Validate()
	}
	if err != nil {
		line := 0
		var le *locError
		if errors.As(err, &le) {
			line = listLine(&root, le.list, le.idx)
		}
		if line > 0 {
			return nil, fmt.Errorf("%s:%d: %s[%d]: %w", name, line, le.list, le.idx, err)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}

// yamlLineRE finds yaml's "line N: " in its messages.
var yamlLineRE = regexp.MustCompile(`line (\d+): `)

// yamlError turns yaml's errors into "file:line: message" lines.
func yamlError(name string, err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg := ""
		for i, e := range te.Errors {
			if i > 0 {
				msg += "\n"
			}
			msg += fileLine(name, e)
		}
		return errors.New(msg)
	}
	return errors.New(fileLine(name, err.Error()))
}

var yamlPrefixRE = regexp.MustCompile(`^yaml: `)

// fileLine rewrites one yaml message as "file:line: message".
func fileLine(name, msg string) string {
	msg = yamlPrefixRE.ReplaceAllString(msg, "")
	if m := yamlLineRE.FindStringSubmatchIndex(msg); m != nil {
		return name + ":" + msg[m[2]:m[3]] + ": " + msg[:m[0]] + msg[m[1]:]
	}
	return name + ": " + msg
}

// listLine returns the line of item idx of the top-level list key, 0 if
// there is none.
func listLine(root *yaml.Node, key string, idx int) int {
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return 0
	}
	m := root.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			l := m.Content[i+1]
			if idx < len(l.Content) {
				return l.Content[idx].Line
			}
			return l.Line
		}
	}
	return 0
}

// duration is a Go duration string in YAML.
type duration time.Duration

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil || n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: %q is not a duration (e.g. \"10m\", \"2.5s\")", n.Line, n.Value)
	}
	*d = duration(v)
	return nil
}

// yamlPos is a position in YAML.
type yamlPos struct {
	Lat  float64 `yaml:"lat"`
	Lon  float64 `yaml:"lon"`
	AltM float64 `yaml:"alt_m"`
}

func (p yamlPos) lla() LLA { return LLA{Lat: p.Lat, Lon: p.Lon, Alt: p.AltM} }

type yamlOrbit struct {
	RadiusM          float64 `yaml:"radius_m"`
	SpeedMps         float64 `yaml:"speed_mps"`
	CounterClockwise bool    `yaml:"counter_clockwise"`
	StartBearingDeg  float64 `yaml:"start_bearing_deg"`
}

type yamlSensor struct {
	ID                string     `yaml:"id"`
	Kind              string     `yaml:"kind"`
	Format            string     `yaml:"format"`
	Position          yamlPos    `yaml:"position"`
	Orbit             *yamlOrbit `yaml:"orbit"`
	Period            duration   `yaml:"period"`
	SlowPeriod        duration   `yaml:"slow_period"`
	Phase             duration   `yaml:"phase"`
	RangeM            float64    `yaml:"range_m"`
	PdSurface         float64    `yaml:"pd_surface"`
	PdAir             float64    `yaml:"pd_air"`
	MaxAirAltM        float64    `yaml:"max_air_alt_m"`
	SigmaRangeM       float64    `yaml:"sigma_range_m"`
	SigmaBearingDeg   float64    `yaml:"sigma_bearing_deg"`
	SigmaElevationDeg float64    `yaml:"sigma_elevation_deg"`
	Elevation         bool       `yaml:"elevation"`
	ClutterMean       float64    `yaml:"clutter_mean"`
	SigmaPosM         float64    `yaml:"sigma_pos_m"`
	ReportedSigmaM    float64    `yaml:"reported_sigma_m"`
}

type yamlLeg struct {
	AfterM    float64  `yaml:"after_m"`
	At        duration `yaml:"at"`
	Hold      duration `yaml:"hold"`
	CourseDeg float64  `yaml:"course_deg"`
	SpeedMps  float64  `yaml:"speed_mps"`
}

type yamlInterval struct {
	From duration `yaml:"from"`
	To   duration `yaml:"to"`
}

type yamlTarget struct {
	ID          string         `yaml:"id"`
	Class       string         `yaml:"class"`
	Start       yamlPos        `yaml:"start"`
	CourseDeg   float64        `yaml:"course_deg"`
	SpeedMps    float64        `yaml:"speed_mps"`
	Legs        []yamlLeg      `yaml:"legs"`
	MMSI        uint32         `yaml:"mmsi"`
	Name        string         `yaml:"name"`
	AISClass    string         `yaml:"ais_class"`
	Callsign    string         `yaml:"callsign"`
	ShipType    uint8          `yaml:"ship_type"`
	LengthM     float64        `yaml:"length_m"`
	BeamM       float64        `yaml:"beam_m"`
	Destination string         `yaml:"destination"`
	ICAO        string         `yaml:"icao"`
	AISOff      []yamlInterval `yaml:"ais_off"`
	AISOffsetM  [2]float64     `yaml:"ais_offset_m"`
}

type yamlAsset struct {
	ID          string    `yaml:"id"`
	Agency      string    `yaml:"agency"`
	Kind        string    `yaml:"kind"`
	Start       yamlPos   `yaml:"start"`
	CourseDeg   float64   `yaml:"course_deg"`
	SpeedMps    float64   `yaml:"speed_mps"`
	Legs        []yamlLeg `yaml:"legs"`
	MaxSpeedMps float64   `yaml:"max_speed_mps"`
	Period      duration  `yaml:"period"`
}

type yamlBehaviour struct {
	Rule     string   `yaml:"rule"`
	Target   string   `yaml:"target"`
	Partner  string   `yaml:"partner"`
	After    duration `yaml:"after"`
	Agencies []string `yaml:"agencies"`
	Note     string   `yaml:"note"`
}

type yamlScene struct {
	Name       string          `yaml:"name"`
	Region     string          `yaml:"region"`
	Duration   duration        `yaml:"duration"`
	Sensors    []yamlSensor    `yaml:"sensors"`
	Targets    []yamlTarget    `yaml:"targets"`
	Assets     []yamlAsset     `yaml:"assets"`
	Behaviours []yamlBehaviour `yaml:"behaviours"`
	Legitimate []string        `yaml:"legitimate"`
}

func legs(in []yamlLeg) []Leg {
	var out []Leg
	for _, l := range in {
		out = append(out, Leg{AfterM: l.AfterM, At: time.Duration(l.At), Hold: time.Duration(l.Hold), CourseDeg: l.CourseDeg, SpeedMps: l.SpeedMps})
	}
	return out
}

// scene converts the file to a Scene starting at start.
func (f *yamlScene) scene(start time.Time) (*Scene, error) {
	s := &Scene{
		Name: f.Name, Region: f.Region, Start: start.UTC(), Duration: time.Duration(f.Duration),
		Legitimate: f.Legitimate,
	}
	if s.Name == "" {
		return nil, errors.New("a scene needs a name")
	}
	for _, y := range f.Sensors {
		sn := Sensor{
			ID: y.ID, Kind: Kind(y.Kind), Format: y.Format, Position: y.Position.lla(),
			Period: time.Duration(y.Period), SlowPeriod: time.Duration(y.SlowPeriod), Phase: time.Duration(y.Phase),
			RangeM: y.RangeM, PdSurface: y.PdSurface, PdAir: y.PdAir, MaxAirAltM: y.MaxAirAltM,
			SigmaRangeM: y.SigmaRangeM, SigmaBearingDeg: y.SigmaBearingDeg, SigmaElevationDeg: y.SigmaElevationDeg,
			Elevation: y.Elevation, ClutterMean: y.ClutterMean, SigmaPosM: y.SigmaPosM, ReportedSigmaM: y.ReportedSigmaM,
		}
		if y.Orbit != nil {
			sn.Orbit = &Orbit{RadiusM: y.Orbit.RadiusM, SpeedMps: y.Orbit.SpeedMps,
				CounterClockwise: y.Orbit.CounterClockwise, StartBearingDeg: y.Orbit.StartBearingDeg}
		}
		s.Sensors = append(s.Sensors, sn)
	}
	for _, y := range f.Targets {
		t := Target{
			ID: y.ID, Class: Class(y.Class), Start: y.Start.lla(), CourseDeg: y.CourseDeg, SpeedMps: y.SpeedMps,
			Legs: legs(y.Legs), MMSI: y.MMSI, Name: y.Name, AISClass: y.AISClass, Callsign: y.Callsign,
			ShipType: y.ShipType, LengthM: y.LengthM, BeamM: y.BeamM, Destination: y.Destination,
			AISOffsetM: y.AISOffsetM, ICAO: y.ICAO,
		}
		for _, iv := range y.AISOff {
			t.AISOff = append(t.AISOff, Interval{From: time.Duration(iv.From), To: time.Duration(iv.To)})
		}
		s.Targets = append(s.Targets, t)
	}
	for _, y := range f.Assets {
		s.Assets = append(s.Assets, Asset{
			ID: y.ID, Agency: y.Agency, Kind: AssetKind(y.Kind), Start: y.Start.lla(), CourseDeg: y.CourseDeg,
			SpeedMps: y.SpeedMps, Legs: legs(y.Legs), MaxSpeedMps: y.MaxSpeedMps, Period: time.Duration(y.Period),
		})
	}
	for _, y := range f.Behaviours {
		s.Behaviours = append(s.Behaviours, Behaviour{
			Rule: y.Rule, Target: y.Target, Partner: y.Partner, After: time.Duration(y.After),
			Agencies: y.Agencies, Note: y.Note,
		})
	}
	if s.Duration <= 0 {
		return nil, errors.New("sim: a scene needs a positive duration")
	}
	return s, nil
}
