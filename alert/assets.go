package alert

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/vigia-project/vigia/geo"
	"github.com/vigia-project/vigia/intercept"
	"github.com/vigia-project/vigia/sensors"
)

// Asset is an interceptor: a cutter, boat, helicopter or aircraft of an agency.
type Asset struct {
	ID     string
	Agency string
	Kind   string // cutter, boat, helicopter, aircraft
	Pos    geo.LLA
	// MaxSpeedMPS is its top speed; ResponseDelay how long it takes to get under way.
	MaxSpeedMPS   float64
	ResponseDelay time.Duration
	Available     bool
	// Time of the position (zero for a configured home position).
	Time time.Time
}

// Asset kinds.
var assetKinds = []string{"cutter", "boat", "helicopter", "aircraft"}

// SetAsset adds or updates an interceptor (a live position report, or one
// from configuration). A live report may leave the response delay zero: the
// delay last known for the asset (its configured one) is kept.
func (m *Manager) SetAsset(a Asset) error {
	switch {
	case a.ID == "":
		return errors.New("asset without id")
	case !slices.Contains(assetKinds, a.Kind):
		return fmt.Errorf("asset %s: kind %q is not one of %v", a.ID, a.Kind, assetKinds)
	case !finite(a.Pos.Lat) || !finite(a.Pos.Lon) || a.Pos.Lat < -90 || a.Pos.Lat > 90 || a.Pos.Lon < -180 || a.Pos.Lon > 180:
		return fmt.Errorf("asset %s: position %v, %v out of range", a.ID, a.Pos.Lat, a.Pos.Lon)
	case !(a.MaxSpeedMPS > 0 && a.MaxSpeedMPS < 400):
		return fmt.Errorf("asset %s: max speed %v m/s out of range (0, 400)", a.ID, a.MaxSpeedMPS)
	case a.ResponseDelay < 0:
		return fmt.Errorf("asset %s: negative response delay", a.ID)
	}
	if _, ok := m.agencies[a.Agency]; !ok {
		return fmt.Errorf("asset %s: agency %q is not configured", a.ID, a.Agency)
	}
	old, ok := m.assets[a.ID]
	if ok {
		if old.Agency != a.Agency {
			return fmt.Errorf("asset %s belongs to %s, not %s", a.ID, old.Agency, a.Agency)
		}
		if !a.Time.IsZero() && a.Time.Before(old.Time) {
			return fmt.Errorf("asset %s: report of %s is older than the one held (%s)", a.ID, fmtTime(a.Time), fmtTime(old.Time))
		}
		if a.ResponseDelay == 0 {
			a.ResponseDelay = old.ResponseDelay
		}
	} else {
		m.assetIDs = append(m.assetIDs, a.ID)
		slices.Sort(m.assetIDs)
	}
	cp := a
	m.assets[a.ID] = &cp
	return nil
}

// Assets returns the interceptors known, ordered by id.
func (m *Manager) Assets() []Asset {
	out := make([]Asset, 0, len(m.assetIDs))
	for _, id := range m.assetIDs {
		out = append(out, *m.assets[id])
	}
	return out
}

// intercept plans the earliest intercept of the track by an available
// asset of an agency that may act where the intercept happens: in its own
// country's waters (or land, for aircraft), or on the high seas when it is
// one of the high-seas agencies. Surface tracks are intercepted by cutters,
// boats and helicopters; air tracks by helicopters and aircraft. A plan
// whose point lies on land is refused for a surface track. The asset of the
// previous plan (prev) is kept while its ETA is within assetHold of the
// best, so that two assets with close ETAs do not take turns. Nil when no
// asset can catch it.
func (m *Manager) intercept(v *view, now time.Time, prev *Intercept) *Intercept {
	if v.icDone && (prev == nil) == (v.icPrev == "") && (prev == nil || prev.Asset == v.icPrev) {
		return v.ic // another alert of the same track, this evaluation
	}
	ic := m.interceptNow(v, now, prev)
	v.icDone, v.ic = true, ic
	v.icPrev = ""
	if prev != nil {
		v.icPrev = prev.Asset
	}
	return ic
}

func (m *Manager) interceptNow(v *view, now time.Time, prev *Intercept) *Intercept {
	air := v.tr.Class() == sensors.ClassAir
	var best, kept *intercept.GeoSolution
	var bestAsset, keptAsset *Asset
	for _, id := range m.assetIDs {
		a := m.assets[id]
		if !a.Available {
			continue
		}
		flies := a.Kind == "helicopter" || a.Kind == "aircraft"
		if air && !flies || !air && a.Kind == "aircraft" {
			continue
		}
		isPrev := prev != nil && prev.Asset == a.ID
		pl, ok := intercept.Plan(a.Pos, a.MaxSpeedMPS, a.ResponseDelay, v.pos, v.x[2], v.x[3], now)
		if !ok || (!isPrev && best != nil && !pl.At.Before(best.At)) {
			continue
		}
		z := m.zones.At(pl.Point.Lat, pl.Point.Lon)
		if !air && z.Kind == geo.KindLand {
			continue
		}
		if !m.mayAct(a.Agency, z) {
			continue
		}
		p := pl
		if isPrev {
			kept, keptAsset = &p, a
		}
		if best == nil || p.At.Before(best.At) {
			best, bestAsset = &p, a
		}
	}
	if best == nil {
		return nil
	}
	if kept != nil && kept.At.Sub(best.At) <= assetHold {
		best, bestAsset = kept, keptAsset
	}
	return &Intercept{Asset: bestAsset.ID, Agency: bestAsset.Agency, Lat: round(best.Point.Lat, 5), Lon: round(best.Point.Lon, 5),
		ETA: fmtTime(best.At), CourseDeg: round(best.CourseDeg, 0)}
}

// mayAct reports whether an agency may act in a zone: its own country's, or
// the high seas when it is configured for them.
func (m *Manager) mayAct(agency string, z geo.Zone) bool {
	if z.Country == "" {
		return slices.Contains(m.p.HighSeas, agency)
	}
	return m.agencies[agency].Country == z.Country
}
