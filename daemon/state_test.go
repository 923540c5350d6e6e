package daemon

import (
	"os"
	"testing"
)

// A periodic save still being written when the shutdown save is taken must
// not overwrite it: snapshots are written in the order they were taken.
func TestStateWritesKeepOrder(t *testing.T) {
	d := &Daemon{stateDir: t.TempDir()}
	if err := d.writeStateOrdered([]byte("shutdown"), 2); err != nil {
		t.Fatal(err)
	}
	if err := d.writeStateOrdered([]byte("periodic"), 1); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(d.statePath())
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != "shutdown" {
		t.Fatalf("picture file holds %q, want the later snapshot", b)
	}
	if err := d.writeStateOrdered([]byte("next"), 3); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(d.statePath()); string(b) != "next" {
		t.Fatalf("picture file holds %q after a newer snapshot", b)
	}
}
