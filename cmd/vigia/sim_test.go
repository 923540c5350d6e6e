package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigia-project/vigia/recording"
	"github.com/vigia-project/vigia/sim"
)

func TestSimCommand(t *testing.T) {
	dir := t.TempDir()
	run := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := cmdSim(context.Background(), args, &out, &errb)
		return code, out.String(), errb.String()
	}
	rec, truth := filepath.Join(dir, "tj.jsonl.gz"), filepath.Join(dir, "truth.csv")
	code, out, errs := run("-scenario", "tijuana", "-out", rec, "-truth", truth, "-for", "5m", "-seed", "3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "vigia/obs/ais/ais-sd") || !strings.Contains(out, "vigia/obs/adsb/adsb-otay") || !strings.Contains(out, "builtin-tijuana.yaml") {
		t.Errorf("summary:\n%s", out)
	}
	f, err := os.Open(rec)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		e, err := recording.UnmarshalLine(sc.Bytes())
		if err != nil || e.QoS != 1 {
			t.Fatalf("line %d: %v %+v", n, err, e)
		}
		n++
	}
	if n < 500 {
		t.Errorf("%d entries in 5 minutes", n)
	}
	tb, err := os.ReadFile(truth)
	if err != nil || !strings.HasPrefix(string(tb), sim.TruthHeader+"\n") {
		t.Fatalf("truth: %v %.100s", err, tb)
	}
	// A scene file, uncompressed; the same seed gives the same bytes.
	a, b := filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.jsonl")
	for _, p := range []string{a, b} {
		if code, _, errs := run("-scenario", "../../sim/testdata/example-scene.yaml", "-out", p, "-for", "2m"); code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
	}
	ab, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if len(ab) == 0 || !bytes.Equal(ab, bb) {
		t.Error("recordings differ for the same seed")
	}
	if code, _, errs := run("-scenario", "atlantis", "-out", a); code != 1 || !strings.Contains(errs, "juan-de-fuca") {
		t.Errorf("unknown scene: exit %d, %s", code, errs)
	}
	if code, _, _ := run("-out", a); code != 2 {
		t.Errorf("missing -scenario: exit %d", code)
	}
}
