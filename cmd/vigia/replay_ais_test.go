package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigia-project/vigia/geo"
	"github.com/vigia-project/vigia/internal/shareddata"
	"github.com/vigia-project/vigia/recording"
	"github.com/vigia-project/vigia/sensors"
	"github.com/vigia-project/vigia/sensors/nmea"
)

// A real AIS log (Signal K's NAIS sample: 14 s of traffic off the Dutch
// coast, times from the receiver's RMC fixes), imported and replayed
// directly: one identified track per MMSI at its reported position, and no
// dark_vessel (nor any other) alert for ships that all report AIS.
func TestImportedAISReplay(t *testing.T) {
	log := shareddata.Path(t, "signalk-samples/nais400-merrimac.log")
	dir := t.TempDir()
	rec := filepath.Join(dir, "nais.jsonl")
	cfgPath := filepath.Join(dir, "vigia.yaml")
	if err := os.WriteFile(cfgPath, []byte(`instance: nl-test
region: {name: frisian-coast, origin: {lat: 53.25, lon: 5.4}}
signing: {key_file: `+filepath.Join(dir, "key.pem")+`}
sensors:
  - {id: ais-nl, kind: ais, format: nmea, sigma_m: 10}
agencies:
  - {id: uscg, name: United States Coast Guard, country: US}
sharing: {high_seas: [uscg]}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"import", "-format", "nmea", "-sensor", "ais-nl", "-config", cfgPath,
		"-in", log, "-out", rec}, &out, &errb); code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, out.String(), errb.String())
	}
	alerts, pic := filepath.Join(dir, "alerts.jsonl"), filepath.Join(dir, "picture.geojson")
	out.Reset()
	if code := run(context.Background(), []string{"replay", "-direct", "-config", cfgPath, "-in", rec, "-out", alerts,
		"-picture", pic}, &out, &errb); code != 0 {
		t.Fatalf("replay: exit %d\n%s%s", code, out.String(), errb.String())
	}
	t.Log(strings.TrimSpace(out.String()))

	// What the log says: the last position of every MMSI.
	last := map[uint32]geo.LLA{}
	rd := recording.NewReader([]string{rec}, nil)
	dec := nmea.NewDecoder(nmea.Options{Sensor: "ais-nl"})
	var reps []sensors.Report
	for {
		e, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		reps, _ = dec.Decode(reps[:0], e.Payload, e.Time)
		for _, r := range reps {
			for _, d := range r.Detections {
				if r.Kind == sensors.KindObservation && d.ID != nil && !d.Polar {
					last[d.ID.MMSI] = geo.LLA{Lat: d.Lat, Lon: d.Lon}
				}
			}
		}
	}

	b, err := os.ReadFile(pic)
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			ID       string `json:"id"`
			Geometry struct {
				Coordinates [2]float64 `json:"coordinates"`
			} `json:"geometry"`
			Properties struct {
				Identity *struct {
					MMSI uint32 `json:"mmsi"`
				} `json:"identity"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	seen := map[uint32]string{}
	far := 0
	for _, f := range fc.Features {
		if f.Properties.Identity == nil || f.Properties.Identity.MMSI == 0 {
			t.Errorf("track %s has no MMSI", f.ID)
			continue
		}
		mmsi := f.Properties.Identity.MMSI
		if other, dup := seen[mmsi]; dup {
			t.Errorf("MMSI %d on two tracks: %s and %s", mmsi, other, f.ID)
		}
		seen[mmsi] = f.ID
		p, ok := last[mmsi]
		if !ok {
			t.Errorf("track %s carries MMSI %d, which the log never reported", f.ID, mmsi)
			continue
		}
		// The track is extrapolated to the end of the replay; the log's last
		// report of the ship may be up to its 14 s older.
		if d := geo.Distance(p, geo.LLA{Lat: f.Geometry.Coordinates[1], Lon: f.Geometry.Coordinates[0]}); d > 500 {
			far++
			t.Errorf("MMSI %d: track %s is %.0f m from the ship's last reported position", mmsi, f.ID, d)
		}
	}
	// Every MMSI the log reports a position for has its track.
	for mmsi := range last {
		if _, ok := seen[mmsi]; !ok {
			t.Errorf("MMSI %d reported a position but has no track", mmsi)
		}
	}
	ab, err := os.ReadFile(alerts)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(ab, []byte("\n")); n != 0 || bytes.Contains(ab, []byte("dark_vessel")) {
		t.Errorf("%d alerts for ships that all report AIS:\n%s", n, ab)
	}
	t.Logf("%d MMSIs with positions in the log, %d tracks, each with its own MMSI; %d alerts", len(last), len(fc.Features), bytes.Count(ab, []byte("\n")))
}
