package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigia-project/vigia/alert"
	"github.com/vigia-project/vigia/sign"
)

// vigia alerts -verify accepts the instance's signed alerts and rejects a
// tampered one, with a non-zero exit.
func TestAlertsVerifyRejectsTampered(t *testing.T) {
	dir := t.TempDir()
	keyPath := filepath.Join(dir, "gulf-1-ed25519.pem")
	key, _, err := sign.LoadOrCreateKey(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	a := alert.Alert{ID: "gulf-1/T000142/dark_vessel", Rev: 3, State: "active", Rule: "dark_vessel", Severity: "high",
		Time: "2026-11-28T06:04:10Z", FirstTime: "2026-11-28T05:58:02Z", Summary: "Dark surface contact 14 km ESE of Matamoros, 275° at 32 kn, no AIS",
		Track: alert.TrackInfo{ID: "T000142", Lat: 25.88, Lon: -97.02, SigmaM: 85, SpeedMPS: 16.4, CourseDeg: 275, Class: "surface",
			Sensors: []string{"radar-brownsville"}},
		Where: alert.Where{Country: "MX", Zone: "territorial_sea"}, Agencies: []string{"semar", "uscg"}, Origin: "gulf-1"}
	var lines []string
	for _, summary := range []string{a.Summary, "Cleared: AIS now reported (MMSI 345070335)"} {
		a.Summary = summary
		p, err := a.JSON()
		if err != nil {
			t.Fatal(err)
		}
		signed, err := sign.Sign(key, p)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(signed))
	}
	good := filepath.Join(dir, "good.jsonl")
	if err := os.WriteFile(good, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"alerts", "-in", good, "-verify", keyPath + ".pub"}, &out, &errb); code != 0 {
		t.Fatalf("genuine alerts: exit %d\n%s%s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "2 alerts: 2 verified, 0 rejected") {
		t.Errorf("genuine alerts:\n%s", out.String())
	}

	// The first alert with its speed changed.
	lines[0] = strings.Replace(lines[0], `"speed_mps":16.4`, `"speed_mps":6.4`, 1)
	bad := filepath.Join(dir, "tampered.jsonl")
	if err := os.WriteFile(bad, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if code := run(context.Background(), []string{"alerts", "-in", bad, "-verify", keyPath + ".pub"}, &out, &errb); code != 1 {
		t.Fatalf("tampered alert: exit %d, want 1\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "REJECTED: sign: ") || !strings.Contains(out.String(), "2 alerts: 1 verified, 1 rejected") {
		t.Errorf("tampered alert:\n%s", out.String())
	}

	// Another instance's key rejects both.
	other := filepath.Join(dir, "other.pem")
	if _, _, err := sign.LoadOrCreateKey(other); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if code := run(context.Background(), []string{"alerts", "-in", good, "-verify", other + ".pub"}, &out, &errb); code != 1 ||
		!strings.Contains(out.String(), "2 alerts: 0 verified, 2 rejected") {
		t.Errorf("wrong key: exit %d\n%s", code, out.String())
	}
	t.Logf("\n%s", out.String())
}
