package fusion

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/vigia-project/vigia/geo"
	"github.com/vigia-project/vigia/sensors"
)

// An engine restored from a snapshot carries on as the one that was saved:
// the same tracks under the same numbers, with their identities, at the
// same places after more scans; new tracks are numbered after them.
func TestSnapshotRestoreCarriesOn(t *testing.T) {
	tgs := []target{
		{start: geo.LLA{Lat: 25.84, Lon: -97.06}, course: 355, speed: 17},
		{start: geo.LLA{Lat: 26.20, Lon: -97.00}, course: 200, speed: 5},
		{start: geo.LLA{Lat: 26.10, Lon: -96.90}, course: 90, speed: 8},
	}
	feed := func(e *Engine, from, to int) {
		rng := rand.New(rand.NewPCG(uint64(from), 9))
		for k := from; k < to; k++ {
			at := t0.Add(time.Duration(k) * 2500 * time.Millisecond)
			if _, err := e.Apply(radarScan(rng, at, (time.Duration(k) * 2500 * time.Millisecond).Seconds(), 0, tgs...)); err != nil {
				t.Fatal(err)
			}
			if k%4 == 0 { // AIS of the second target
				p := tgs[1].at((time.Duration(k) * 2500 * time.Millisecond).Seconds())
				if _, err := e.Apply(&sensors.Report{Sensor: "ais", Time: at, Detections: []sensors.Detection{{Lat: p.Lat, Lon: p.Lon,
					SigmaM: 10, ID: &sensors.Identity{MMSI: 367001234}}}}); err != nil {
					t.Fatal(err)
				}
			}
			e.Advance(at)
		}
	}
	a := testEngine(t)
	feed(a, 0, 40)
	snap, err := a.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	b := testEngine(t)
	now, err := b.Restore(snap)
	if err != nil {
		t.Fatal(err)
	}
	if !now.Equal(a.Now()) || len(confirmed(b)) != len(confirmed(a)) || len(confirmed(a)) != 3 {
		t.Fatalf("restored at %v with %d confirmed tracks; saved at %v with %d", now, len(confirmed(b)), a.Now(), len(confirmed(a)))
	}
	feed(a, 40, 80)
	feed(b, 40, 80)
	ca, cb := confirmed(a), confirmed(b)
	if len(ca) != len(cb) {
		t.Fatalf("after 40 more scans: %d tracks carried on, %d restored", len(ca), len(cb))
	}
	for i := range ca {
		xa, _ := ca[i].StateAt(a.Now())
		xb, _ := cb[i].StateAt(b.Now())
		ida, _ := ca[i].Identity()
		idb, _ := cb[i].Identity()
		if ca[i].ID() != cb[i].ID() || math.Hypot(xa[0]-xb[0], xa[1]-xb[1]) > 1 || (ida == nil) != (idb == nil) ||
			ida != nil && ida.MMSI != idb.MMSI || ca[i].Born() != cb[i].Born() {
			t.Errorf("track %d: carried on at %.0f,%.0f id %v; restored %d at %.0f,%.0f id %v", ca[i].ID(), xa[0], xa[1], ida,
				cb[i].ID(), xb[0], xb[1], idb)
		}
	}
	if _, err := b.Restore(snap); err == nil {
		t.Error("restored into an engine with tracks")
	}
	if _, err := testEngine(t).Restore([]byte("not a snapshot")); err == nil {
		t.Error("restored garbage")
	}
}
