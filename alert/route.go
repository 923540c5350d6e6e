package alert

import (
	"fmt"
	"slices"
	"time"

	"github.com/vigia-project/vigia/fusion"
	"github.com/vigia-project/vigia/geo"
)

// routeStep is the time step of the prediction that finds whose waters a
// track will enter within the horizon.
const routeStep = 30 * time.Second

// headingHold is the hysteresis of heading_for, as a fraction of the
// horizon: a track already heading for a country's waters keeps that heading
// until its predicted entry is beyond the horizon by this much. Without it, a
// track whose predicted entry hovers at the horizon (every track inbound at
// constant speed passes there) flips heading_for and its agencies on every
// evaluation, each flip a new revision.
const headingHold = 0.5

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
func (m *Manager) route(pos geo.LLA, x fusion.State, frame *geo.Frame, now time.Time, severity string, prev *Heading) (Where, *Heading, []Route) {
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
	limit := m.p.Horizon
	if prev != nil {
		limit += time.Duration(headingHold * float64(m.p.Horizon))
	}
	for dt := routeStep; dt <= limit; dt += routeStep {
		s := dt.Seconds()
		p := frame.FromENU(x[0]+x[2]*s, x[1]+x[3]*s, 0)
		z := m.zones.At(p.Lat, p.Lon)
		if z.Country == "" || z.Country == here.Country {
			continue
		}
		if dt > m.p.Horizon && z.Country != prev.Country {
			break // beyond the horizon only the heading already given is kept
		}
		eta := now.Add(dt)
		heading = &Heading{Country: z.Country, Zone: z.Kind, ETA: fmtTime(eta)}
		for _, a := range m.p.Agencies {
			if a.Country == z.Country {
				add(a.ID, fmt.Sprintf("predicted to enter %s %s by %s (within %s)", z.Country, z.Kind, fmtTime(eta), dt))
			}
		}
		break
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
