package sim

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/vigia-project/vigia/geo"
)

// The geography checks of the Tijuana and Juan de Fuca scenes, against
// Vigia's zone data.

var newScenes = []func(time.Time) *Scene{Tijuana, JuanDeFuca}

func zones(t *testing.T) *geo.Zones {
	t.Helper()
	z, err := geo.DefaultZones()
	if err != nil {
		t.Fatal(err)
	}
	return z
}

// agencyOf maps countries to agencies.
var agencyOf = map[string]string{"US": "uscg", "MX": "semar", "CA": "ccg"}

func TestRegionScenesValidate(t *testing.T) {
	for _, mk := range newScenes {
		s := mk(testStart)
		if err := s.Validate(); err != nil {
			t.Errorf("%s: %v", s.Name, err)
		}
		if s.Region != s.Name || s.Duration != 80*time.Minute {
			t.Errorf("%s: region %q, duration %v", s.Name, s.Region, s.Duration)
		}
	}
}

func TestRegionBehaviours(t *testing.T) {
	z := zones(t)
	for _, mk := range newScenes {
		s := mk(testStart)
		t.Run(s.Name, func(t *testing.T) {
			scripted := map[string]bool{}
			for _, b := range s.Behaviours {
				scripted[b.Target] = true
				if b.Partner != "" {
					scripted[b.Partner] = true
				}
				if b.After < 0 || b.After > s.Duration-10*time.Minute {
					t.Errorf("%s/%s: After %v outside the script", b.Rule, b.Target, b.After)
				}
				if len(b.Agencies) == 0 || !slices.IsSorted(b.Agencies) || b.Note == "" {
					t.Errorf("%s/%s: agencies %v, note %q", b.Rule, b.Target, b.Agencies, b.Note)
				}
				// The sharing policy at the time the behaviour is due: the
				// waters holding the track, and both sides within 10 nm of a
				// boundary.
				tr := truthOf(t, s, b.Target, b.After)
				want := map[string]bool{}
				if c := z.At(tr.Pos.Lat, tr.Pos.Lon).Country; c != "" {
					want[agencyOf[c]] = true
				}
				if bd, _, ok := z.NearestBoundary(tr.Pos.Lat, tr.Pos.Lon, 18520); ok {
					for _, c := range bd.Countries {
						want[agencyOf[c]] = true
					}
				}
				for a := range want {
					if !slices.Contains(b.Agencies, a) {
						t.Errorf("%s/%s at %v (%.4f, %.4f): agencies %v miss %s", b.Rule, b.Target, b.After, tr.Pos.Lat, tr.Pos.Lon, b.Agencies, a)
					}
				}
				switch b.Rule {
				case "zone_entry", "low_slow_aircraft":
					// The crossing happens within 10 s before After.
					before := truthOf(t, s, b.Target, b.After-10*time.Second)
					c0 := z.At(before.Pos.Lat, before.Pos.Lon).Country
					c1 := z.At(tr.Pos.Lat, tr.Pos.Lon).Country
					if c0 == c1 || c1 != "US" && b.Rule == "low_slow_aircraft" {
						t.Errorf("%s/%s: %s at %v, %s 10 s before", b.Rule, b.Target, c1, b.After, c0)
					}
				}
			}
			for _, tg := range s.Targets {
				if scripted[tg.ID] == slices.Contains(s.Legitimate, tg.ID) {
					t.Errorf("%s: scripted %v, legitimate %v", tg.ID, scripted[tg.ID], !scripted[tg.ID])
				}
				if tg.Class == ClassSurface && tg.MMSI == 0 && !slices.ContainsFunc(s.Behaviours, func(b Behaviour) bool {
					return b.Target == tg.ID && b.Rule == "dark_vessel"
				}) {
					t.Errorf("%s is dark but no dark_vessel behaviour names it", tg.ID)
				}
			}
			for _, id := range s.Legitimate {
				tg := s.Target(id)
				if tg.Class == ClassAir {
					if tg.ICAO == "" {
						t.Errorf("legitimate aircraft %s without ADS-B", id)
					}
					continue
				}
				if tg.MMSI == 0 || len(tg.AISOff) != 0 || tg.AISOffsetM != [2]float64{} || tg.MMSI/100000000 < 2 || tg.MMSI/100000000 > 7 {
					t.Errorf("%s is not plain, valid AIS traffic", id)
				}
			}
		})
	}
}

// TestRegionGeography: legitimate vessels keep 1 nm off the coast outside
// ports and anchorages (and their approaches, within 3 km of a port area), never loiter outside them, never exceed 25 kn, and
// during the script keep fast enough that their AIS reports at least every
// 30 s; dark vessels stay off land; surface targets keep 3 km apart but for
// the rendezvous pair.
func TestRegionGeography(t *testing.T) {
	z := zones(t)
	for _, mk := range newScenes {
		s := mk(testStart)
		t.Run(s.Name, func(t *testing.T) {
			pairs := map[string]bool{}
			for _, b := range s.Behaviours {
				if b.Partner != "" {
					pairs[b.Target+"/"+b.Partner], pairs[b.Partner+"/"+b.Target] = true, true
				}
			}
			slow := map[string]time.Duration{}
			minCoast := map[string]float64{}
			for d := time.Duration(0); d <= 2*s.Duration; d += 10 * time.Second {
				tr := s.Truth(s.Start.Add(d))
				for _, x := range tr {
					tg := s.Target(x.ID)
					if x.Class != ClassSurface {
						continue
					}
					zn := z.At(x.Pos.Lat, x.Pos.Lon)
					_, _, inArea := z.Area(x.Pos.Lat, x.Pos.Lon)
					approach := nearPort(z, x.Pos)
					coast, _, ok := z.CoastDistance(x.Pos.Lat, x.Pos.Lon, 20000)
					if !ok {
						coast = 20000
					}
					if zn.Kind == geo.KindLand || coast < 200 && !inArea {
						t.Fatalf("%s on land or within 200 m of the coast (outside a port) at %v (%.5f, %.5f)", x.ID, d, x.Pos.Lat, x.Pos.Lon)
					}
					if _, seen := minCoast[x.ID]; !seen || coast < minCoast[x.ID] {
						minCoast[x.ID] = coast
					}
					if !slices.Contains(s.Legitimate, x.ID) {
						continue
					}
					if x.SpeedMps > 25*knot {
						t.Fatalf("%s at %.1f kn", x.ID, x.SpeedMps/knot)
					}
					if d <= s.Duration && AISReportInterval(tg.AISClass, x.SpeedMps) > 30*time.Second {
						t.Errorf("%s at %.1f kn during the script: AIS every %v", x.ID, x.SpeedMps/knot, AISReportInterval(tg.AISClass, x.SpeedMps))
					}
					if inArea {
						continue
					}
					if coast < 1852 && !approach {
						t.Fatalf("%s %.0f m off the coast at %v (%.5f, %.5f), outside ports and anchorages", x.ID, coast, d, x.Pos.Lat, x.Pos.Lon)
					}
					if x.SpeedMps < 2*knot {
						slow[x.ID] += 10 * time.Second
					}
				}
				if d > s.Duration {
					continue
				}
				type pt struct {
					id  string
					pos LLA
				}
				var pts []pt
				for _, x := range tr {
					if x.Class != ClassSurface {
						continue
					}
					pts = append(pts, pt{x.ID, x.Pos})
					if off := s.Target(x.ID).AISOffsetM; off != [2]float64{} {
						f := newFrame(x.Pos)
						pts = append(pts, pt{x.ID, f.lla(off[0], off[1], 0)})
					}
				}
				for i, a := range pts {
					for _, b := range pts[i+1:] {
						if a.id == b.id || pairs[a.id+"/"+b.id] {
							continue
						}
						if dist := haversine(a.pos, b.pos); dist < 3000 {
							t.Fatalf("%s and %s %.0f m apart at %v", a.id, b.id, dist, d)
						}
					}
				}
			}
			for id, d := range slow {
				if d > 0 {
					t.Errorf("%s under 2 kn for %v outside ports and anchorages", id, d)
				}
			}
			for id, c := range minCoast {
				t.Logf("%s: closest to the coast %.0f m", id, c)
			}
		})
	}
}

// nearPort reports whether p is within 3 km of a port area: a harbour's
// approaches, where a vessel entering or leaving must pass within 1 nm of
// its heads (Ediz Hook at Port Angeles).
func nearPort(z *geo.Zones, p LLA) bool {
	f := newFrame(p)
	for _, r := range []float64{1000, 2000, 3000} {
		for b := 0.0; b < 360; b += 22.5 {
			sb, cb := math.Sincos(b * deg)
			q := f.lla(r*sb, r*cb, 0)
			if _, kind, ok := z.Area(q.Lat, q.Lon); ok && kind == "port" {
				return true
			}
		}
	}
	return false
}

// TestRegionCoverage: during the script every surface target is within
// range of a radar that sees surface targets, every AIS vessel of the AIS
// receiver, and each aircraft of a radar that sees aircraft until 10
// minutes after it crosses the border.
func TestRegionCoverage(t *testing.T) {
	for _, mk := range newScenes {
		s := mk(testStart)
		t.Run(s.Name, func(t *testing.T) {
			sample(s, 30*time.Second, func(d time.Duration, tr []TruthState) {
				for _, x := range tr {
					seen, heard := false, x.MMSI == 0
					for i := range s.Sensors {
						sn := &s.Sensors[i]
						f := newFrame(s.PlatformAt(sn, s.Start.Add(d)))
						r, _, _ := f.polar(x.Pos)
						switch {
						case sn.Kind == KindAIS:
							heard = heard || r < sn.RangeM-3000
						case sn.Kind == KindADSB:
						case x.Class == ClassAir && sn.PdAir > 0:
							seen = seen || r < sn.RangeM-2000
						case x.Class == ClassSurface && sn.PdSurface > 0:
							seen = seen || r < sn.RangeM-2000
						}
					}
					if x.Class == ClassAir && d > 15*time.Minute {
						continue // flown on, past the border
					}
					if !seen || !heard {
						t.Fatalf("%s out of coverage at %v (radar %v, AIS %v)", x.ID, d, seen, heard)
					}
				}
			})
		})
	}
}

func TestRegionRendezvousAndLoiterer(t *testing.T) {
	s := JuanDeFuca(testStart)
	z := zones(t)
	run, best := time.Duration(0), time.Duration(0)
	loiter := time.Duration(0)
	sample(s, 5*time.Second, func(d time.Duration, tr []TruthState) {
		m, k := truthOf(t, s, "mothership-1", d), truthOf(t, s, "skiff-1", d)
		if haversine(m.Pos, k.Pos) < 400 && m.SpeedMps < 3*knot && k.SpeedMps < 3*knot {
			run += 5 * time.Second
			best = max(best, run)
			if _, _, ok := z.Area(m.Pos.Lat, m.Pos.Lon); ok {
				t.Fatalf("rendezvous in a port area at %v", d)
			}
		} else {
			run = 0
		}
		if l := truthOf(t, s, "loiterer-1", d); l.SpeedMps < 2*knot {
			if _, _, ok := z.Area(l.Pos.Lat, l.Pos.Lon); ok {
				t.Fatalf("loiterer in a port area at %v", d)
			}
			loiter += 5 * time.Second
		}
	})
	if best < 19*time.Minute {
		t.Errorf("pair within 400 m and under 3 kn for %v", best)
	}
	if loiter < 65*time.Minute {
		t.Errorf("loiterer slow for %v", loiter)
	}
}

// TestRegionCrossings prints where the scripted crossings are (a debugging
// aid) and checks the go-fasts' speeds.
func TestRegionCrossings(t *testing.T) {
	z := zones(t)
	for _, c := range []struct {
		s  *Scene
		id string
	}{{Tijuana(testStart), "panga-1"}, {JuanDeFuca(testStart), "fastboat-1"}, {Tijuana(testStart), "ultralight-1"}, {Tijuana(testStart), "cessna-1"}} {
		prev := ""
		for d := time.Duration(0); d < 30*time.Minute; d += time.Second {
			tr := truthOf(t, c.s, c.id, d)
			cc := z.At(tr.Pos.Lat, tr.Pos.Lon).Country
			if prev != "" && cc != prev {
				t.Logf("%s: %s → %s at %v (%.4f, %.4f)", c.id, prev, cc, d, tr.Pos.Lat, tr.Pos.Lon)
			}
			prev = cc
		}
	}
	for _, id := range []string{"panga-1"} {
		if v := truthOf(t, Tijuana(testStart), id, 0).SpeedMps / knot; v < 27 || math.IsNaN(v) {
			t.Errorf("%s at %.1f kn", id, v)
		}
	}
	_ = fmt.Sprint
}
