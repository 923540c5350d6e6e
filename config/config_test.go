package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBuiltinIsValid(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatalf("built-in config rejected: %v", err)
	}
	if c.Instance != "gulf-1" || len(c.Sensors) != 4 || len(c.Agencies) != 3 {
		t.Fatalf("unexpected built-in config: instance %q, %d sensors, %d agencies", c.Instance, len(c.Sensors), len(c.Agencies))
	}
	s, ok := c.SensorByID("radar-brownsville")
	if !ok || s.Topic != "vigia/obs/radar/radar-brownsville" || s.Format != "json" {
		t.Fatalf("radar-brownsville: %+v", s)
	}
	a, _ := c.AgencyByID("semar")
	if a.Topic != "vigia/alerts/semar" {
		t.Fatalf("semar topic %q", a.Topic)
	}
}

func TestExampleFileMatchesBuiltin(t *testing.T) {
	c, err := Load(filepath.Join("builtin.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if c.File != "builtin.yaml" {
		t.Fatalf("file %q", c.File)
	}
}

func TestMisspeltKeyNamesFileLineKey(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "bad.yaml")
	text := strings.Replace(string(builtinYAML), "    sigma_bearing_deg: 0.3\n", "    sigma_bearing_dg: 0.3\n", 1)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	wantLine := 0
	for i, l := range strings.Split(text, "\n") {
		if strings.Contains(l, "sigma_bearing_dg") {
			wantLine = i + 1
		}
	}
	_, err := Load(p)
	if err == nil {
		t.Fatal("misspelt key accepted")
	}
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("error is %T: %v", err, err)
	}
	if ce.File != p || ce.Line != wantLine || ce.Key != "sigma_bearing_dg" {
		t.Fatalf("got file %q line %d key %q, want %q %d sigma_bearing_dg; msg %v", ce.File, ce.Line, ce.Key, p, wantLine, err)
	}
	if !strings.Contains(err.Error(), p+":") || !strings.Contains(err.Error(), "sigma_bearing_dg") {
		t.Fatalf("message does not name file and key: %v", err)
	}
}

func TestValidationErrors(t *testing.T) {
	cases := []struct {
		name, from, to, want string
	}{
		{"bad latitude", "lat: 26.0725", "lat: 126.0725", "sensors[0].position.lat: latitude 126.0725 out of range"},
		{"unknown kind", "kind: aerostat", "kind: blimp", `sensors[1].kind: "blimp" is not one of`},
		{"duplicate sensor", "id: tars-rgv", "id: radar-brownsville", `sensor "radar-brownsville" is configured twice`},
		{"unknown format", "    kind: aerostat\n", "    kind: aerostat\n    format: asterisk\n", `sensors[1].format: "asterisk" is not one of json, nmea, sbs, avr, beast, asterix`},
		{"asset of unknown agency", "agency: semar, kind: boat", "agency: marina, kind: boat", `agency "marina" is not configured`},
		{"bad pd", "pd: 0.85", "pd: 1.85", "sensors[1].pd: must be in (0, 1]"},
		{"bad duration", "ais_window: 60s", "ais_window: sixty", "cannot unmarshal"},
		{"high seas agency", "high_seas: [uscg]", "high_seas: [usgc]", `sharing.high_seas[0]: agency "usgc" is not configured`},
		{"bad yaml", "sensors:\n", "sensors: [\n", "bad.yaml:"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			text := strings.Replace(string(builtinYAML), tc.from, tc.to, 1)
			if text == string(builtinYAML) {
				t.Fatalf("replacement %q not found", tc.from)
			}
			_, err := Parse([]byte(text), "bad.yaml")
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not contain %q", err, tc.want)
			}
			if !strings.Contains(err.Error(), "bad.yaml") {
				t.Fatalf("error %q does not name the file", err)
			}
		})
	}
}

func TestSettingsSources(t *testing.T) {
	c, err := Parse(builtinYAML, "b.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Setting{}
	for _, s := range c.Settings() {
		got[s.Path] = s
	}
	if s := got["rules.dark_vessel.ais_window"]; s.Value != "1m0s" || !strings.HasPrefix(s.Source, "b.yaml:") {
		t.Fatalf("ais_window: %+v", s)
	}
	if s := got["tracker.gate_chi2"]; s.Value != "18.4" || s.Source != "default" {
		t.Fatalf("gate_chi2: %+v", s)
	}
	if s := got["sensors[0].topic"]; s.Value != "vigia/obs/radar/radar-brownsville" || s.Source != "default" {
		t.Fatalf("sensors[0].topic: %+v", s)
	}
}

func TestEmptyAndGarbage(t *testing.T) {
	for _, in := range []string{"", "\x00\x01", "- a\n- b\n", "instance: [1,2"} {
		if _, err := Parse([]byte(in), "x.yaml"); err == nil {
			t.Fatalf("%q accepted", in)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(builtinYAML)
	f.Add([]byte("instance: x\nsensors: [{id: a, kind: radar, position: {lat: 1, lon: 2}}]\nagencies: [{id: uscg, country: US}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, "fuzz.yaml")
		if err == nil && (len(c.Sensors) == 0 || len(c.Agencies) == 0) {
			t.Fatal("accepted a config without sensors or agencies")
		}
	})
}
