package alert

import (
	"fmt"
	"slices"
	"time"

	"github.com/vigia-project/vigia/fusion"
	"github.com/vigia-project/vigia/geo"
)

// routeStep is the time step of the prediction that finds whose waters a
// track will enter within the horizon (the entry time is then bisected to
// the second).
const routeStep = time.Minute

// headingHold is the hysteresis of heading_for, as a fraction of the
// horizon: a track already heading for a country's waters keeps that heading
// until its predicted entry is beyond the horizon by this much. Without it, a
// track whose predicted entry hovers at the horizon (every track inbound at
// constant speed passes there) flips heading_for and its agencies on every
// evaluation, each flip a new revision.
const headingHold = 0.5

// pathEntry is where a track is predicted to enter another country's waters
// first: after dt, into zone z; ok false when not within the look-ahead.
type pathEntry struct {
	dt time.Duration
	z  geo.Zone
	ok bool
}

// entryCache keeps a track's predicted entry for entryEvery.
type entryCache struct {
	at    time.Time
	entry pathEntry
}

// entryEvery is how often a track's path is predicted anew for routing.
const entryEvery = 10 * time.Second

// entryFor is the track's predicted entry at now (cached per track).
func (m *Manager) entryFor(v *view, now time.Time, eng *fusion.Engine) pathEntry {
	c := &v.st.route
	if c.at.IsZero() || now.Sub(c.at) >= entryEvery || now.Before(c.at) {
		c.at, c.entry = now, m.predictEntry(v.pos, v.x, eng.Frame())
		return c.entry
	}
	e := c.entry
	e.dt -= now.Sub(c.at)
	if e.dt < 0 {
		e.dt = 0
	}
	return e
}

// predictEntry follows the track's straight-line path (its current
// velocity) out to the horizon plus the heading hysteresis and returns
// where it first enters another country's waters.
//
// The path is stepped on the ellipsoid's local radii of curvature at the
// track (a few hundred metres off a geodesic at 50 km: well inside the
// zones' own accuracy) rather than through the frame, which is much dearer.
func (m *Manager) predictEntry(pos geo.LLA, x fusion.State, frame *geo.Frame) pathEntry {
	here := m.zones.At(pos.Lat, pos.Lon)
	limit := m.p.Horizon + time.Duration(headingHold*float64(m.p.Horizon))
	dt, z, ok := m.firstAlong(linearPath(pos, x[2], x[3]), limit, func(z geo.Zone) bool {
		return z.Country != "" && z.Country != here.Country
	})
	return pathEntry{dt: dt, z: z, ok: ok}
}

// route applies the sharing policy to a track at now:
//
//  1. the agencies of the country whose waters hold the track;
//  2. the agencies of the next country whose waters it is predicted to enter
//     within the horizon (straight-line prediction at its current velocity);
//  3. on the high seas (no country's waters, or a country with no configured
//     agency), the agencies configured for the high seas;
//  4. a critical alert goes to every agency.
//
// prev is the heading_for of the alert's last revision (nil if none): the
// heading it names is kept out to the horizon plus headingHold of it.
//
//  5. within BoundaryM of a boundary line (maritime, or the land border for
//     aircraft), the agencies of both sides (SPEC §5 rule 3).
//
// Every route carries its reason.
func (m *Manager) route(pos geo.LLA, next pathEntry, now time.Time, severity string, prev *Heading) (Where, *Heading, []Route) {
	var routes []Route
	add := func(agency, reason string) {
		for _, r := range routes {
			if r.Agency == agency {
				return
			}
		}
		routes = append(routes, Route{Agency: agency, Reason: reason})
	}
	here := m.zones.At(pos.Lat, pos.Lon)
	where := Where{Country: here.Country, Zone: here.Kind}
	if here.Country == "" {
		where.Zone = "high_seas"
	}
	for _, a := range m.p.Agencies {
		if here.Country != "" && a.Country == here.Country {
			add(a.ID, fmt.Sprintf("track in %s %s", here.Country, here.Kind))
		}
	}

	var heading *Heading
	// (A cached entry may have been reached since it was predicted.)
	if next.ok && next.z.Country != here.Country && (next.dt <= m.p.Horizon || prev != nil && next.z.Country == prev.Country) {
		z, dt := next.z, next.dt
		eta := now.Add(dt)
		heading = &Heading{Country: z.Country, Zone: z.Kind, ETA: fmtTime(eta)}
		for _, a := range m.p.Agencies {
			if a.Country == z.Country {
				add(a.ID, fmt.Sprintf("predicted to enter %s %s by %s (within %s)", z.Country, z.Kind, fmtTime(eta), dt))
			}
		}
	}

	if m.p.BoundaryM > 0 {
		if b, d, ok := m.zones.NearestBoundary(pos.Lat, pos.Lon, m.p.BoundaryM); ok {
			for _, c := range b.Countries {
				for _, a := range m.p.Agencies {
					if a.Country == c {
						add(a.ID, fmt.Sprintf("within %.1f nm of the %s %s boundary (%s)", d/1852,
							b.Countries[0]+"–"+b.Countries[1], b.Kind, b.Name))
					}
				}
			}
		}
	}
	if len(routes) == 0 {
		for _, id := range m.p.HighSeas {
			add(id, "no agency's waters hold the track: configured for the high seas")
		}
	}
	if severity == "critical" && m.p.CriticalToAll {
		for _, a := range m.p.Agencies {
			add(a.ID, "critical: shared with every agency")
		}
	}
	slices.SortFunc(routes, func(a, b Route) int {
		if a.Agency < b.Agency {
			return -1
		}
		if a.Agency > b.Agency {
			return 1
		}
		return 0
	})
	return where, heading, routes
}
