package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/vigia-project/vigia/config"
)

func TestCheckBuiltinAndExample(t *testing.T) {
	for _, args := range [][]string{{"check"}, {"check", "-config", "../../config/builtin.yaml"}} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), args, &out, &errb); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errb.String())
		}
		if !strings.Contains(out.String(), ": ok (4 sensors, 3 agencies") {
			t.Fatalf("%v: output %q", args, out.String())
		}
		if !regexp.MustCompile(`tracker\.gate_chi2\s+18\.4\s+default`).MatchString(out.String()) {
			t.Fatalf("%v: settings do not say where gate_chi2 came from:\n%s", args, out.String())
		}
	}
}

// vigia check on a config with a misspelt key exits non-zero naming the file, line and key.
func TestCheckMisspeltKey(t *testing.T) {
	text := strings.Replace(string(config.BuiltinYAML()), "  horizon: 30m", "  horizn: 30m", 1)
	path := filepath.Join(t.TempDir(), "vigia.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	line := 0
	for i, l := range strings.Split(text, "\n") {
		if strings.Contains(l, "horizn") {
			line = i + 1
		}
	}
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"check", "-config", path}, &out, &errb)
	if code == 0 {
		t.Fatalf("exit 0 for a misspelt key; stdout %q", out.String())
	}
	want := path + ":" + strconv.Itoa(line) + ": horizn: unknown key \"horizn\""
	if !strings.Contains(errb.String(), want) {
		t.Fatalf("stderr %q does not contain %q", errb.String(), want)
	}
}

func TestUnknownCommand(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"frobnicate"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "unknown command") {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
}

// The demo, fast: the whole system in one process raises the dark_vessel
// alert for the go-fast boat and routes it to SEMAR and USCG.
func TestDemoRaisesDarkVessel(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo for 10 s")
	}
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // the demo's signing key goes there
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"demo", "-for", "10s", "-speed", "15"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	for _, ag := range []string{"semar", "uscg"} {
		if !regexp.MustCompile(`ALERT to ` + ag + ` +dark_vessel rev 1 active \[gulf-1/T\d{6}/dark_vessel\]: Dark surface contact`).MatchString(out.String()) {
			t.Errorf("no dark_vessel alert to %s in the demo output:\n%s", ag, out.String())
		}
	}
	if strings.Contains(out.String(), "ALERT to ccg") {
		t.Errorf("CCG got a Gulf of Mexico alert:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "Vigia demo stopped after") {
		t.Errorf("no closing summary:\n%s", out.String())
	}
}
