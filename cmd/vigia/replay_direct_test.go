package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// vigia sim, then vigia replay -direct twice on the recording: the alert
// files and the pictures are byte-identical, and the built-in configuration
// of the scene's region is picked from the recording's topics.
func TestReplayDirectTwiceIdentical(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // the instance key, shared by both runs
	dir := t.TempDir()
	rec := filepath.Join(dir, "jdf.jsonl.gz")
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"sim", "-scenario", "juan-de-fuca", "-for", "25m", "-seed", "4", "-out", rec}, &out, &errb); code != 0 {
		t.Fatalf("sim: exit %d\n%s", code, errb.String())
	}
	replay := func(n string) (alerts, picture []byte, summary string) {
		a, p := filepath.Join(dir, "alerts-"+n+".jsonl"), filepath.Join(dir, "picture-"+n+".geojson")
		var out, errb bytes.Buffer
		if code := run(context.Background(), []string{"replay", "-direct", "-in", rec, "-out", a, "-picture", p}, &out, &errb); code != 0 {
			t.Fatalf("replay: exit %d\n%s%s", code, out.String(), errb.String())
		}
		ab, err := os.ReadFile(a)
		if err != nil {
			t.Fatal(err)
		}
		pb, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return ab, pb, out.String()
	}
	a1, p1, s1 := replay("1")
	a2, p2, _ := replay("2")
	t.Log(strings.TrimSpace(s1))
	if n := bytes.Count(a1, []byte("\n")); n < 10 || !bytes.Contains(a1, []byte(`"rule":"go_fast"`)) {
		t.Fatalf("%d alert revisions, no go_fast: the scene proves nothing\n%s", n, a1)
	}
	if !strings.Contains(s1, "builtin:juan-de-fuca") || !strings.Contains(s1, "instance jdf-1") {
		t.Errorf("replay did not pick the Juan de Fuca configuration: %s", s1)
	}
	if !bytes.Equal(a1, a2) {
		t.Errorf("alert files differ: %d and %d bytes", len(a1), len(a2))
	}
	if !bytes.Equal(p1, p2) {
		t.Errorf("pictures differ: %d and %d bytes", len(p1), len(p2))
	}
	t.Logf("%d alert revisions (%d bytes) and a %d-byte picture, identical in both runs", bytes.Count(a1, []byte("\n")), len(a1), len(p1))
}
