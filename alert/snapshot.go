package alert

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/vigia-project/vigia/geo"
)

// entrySnap is one alert's life as saved.
type entrySnap struct {
	Track                                  uint64
	Rule                                   string
	A                                      Alert
	SentTo                                 []string
	LastPos                                geo.LLA
	FalseFor, LastETA, LastSent, CheckedAt time.Time
}

type managerSnap struct {
	Version int
	Entries []entrySnap
	Assets  []Asset
}

// Snapshot returns the alerts the manager keeps — each one's id, revision,
// audience and timers, keyed by track — and the interceptors' last
// positions, for Restore after a restart: with the engine's tracks restored
// under their numbers, an alert carries on (its next revision is rev+1 to
// the same agencies) instead of being raised again as new. What the rules
// remember of each track (sustained speeds, zone hysteresis, position
// history) is not saved: those conditions are measured again.
func (m *Manager) Snapshot() ([]byte, error) {
	s := managerSnap{Version: 1, Assets: m.Assets()}
	for _, id := range slices.Sorted(maps.Keys(m.byID)) {
		e := m.byID[id]
		s.Entries = append(s.Entries, entrySnap{Track: e.track, Rule: e.a.Rule, A: e.a, SentTo: slices.Sorted(maps.Keys(e.sentTo)),
			LastPos: e.lastPos, FalseFor: e.falseFor, LastETA: e.lastETA, LastSent: e.lastSent, CheckedAt: e.checkedAt})
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(s); err != nil {
		return nil, fmt.Errorf("alert: snapshot: %w", err)
	}
	return buf.Bytes(), nil
}

// Restore loads a Snapshot into a manager that keeps no alert yet. Alerts
// of rules no longer enabled are dropped; it returns how many were restored.
func (m *Manager) Restore(b []byte) (int, error) {
	if len(m.byID) != 0 {
		return 0, fmt.Errorf("alert: restore into a manager that already has alerts")
	}
	var s managerSnap
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&s); err != nil {
		return 0, fmt.Errorf("alert: restore: %w", err)
	}
	if s.Version != 1 {
		return 0, fmt.Errorf("alert: restore: snapshot version %d, want 1", s.Version)
	}
	n := 0
	for _, es := range s.Entries {
		ri := slices.IndexFunc(m.rules, func(r rule) bool { return r.name == es.Rule })
		if ri < 0 {
			continue
		}
		e := &entry{a: es.A, track: es.Track, sentTo: map[string]bool{}, lastPos: es.LastPos, falseFor: es.FalseFor,
			lastETA: es.LastETA, lastSent: es.LastSent, checkedAt: es.CheckedAt}
		for _, ag := range es.SentTo {
			e.sentTo[ag] = true
		}
		m.alerts[alertKey{es.Track, ri}] = e
		m.byID[es.A.ID] = e
		st := m.states[es.Track]
		if st == nil {
			st = &trackState{}
			m.states[es.Track] = st
		}
		st.alerts++
		n++
	}
	for _, a := range s.Assets {
		if err := m.SetAsset(a); err != nil {
			m.log.Warn("asset in the snapshot ignored", "asset", a.ID, "err", err)
		}
	}
	return n, nil
}

// DropMissing clears the alerts whose track is not in the engine (a
// restored snapshot's alert whose track did not come back): each gets its
// cleared revision, so no agency is left with an alert that never ends.
func (m *Manager) DropMissing(now time.Time, live map[uint64]bool) []Delivery {
	var out []Delivery
	for _, id := range slices.Sorted(maps.Keys(m.byID)) {
		e := m.byID[id]
		if live[e.track] {
			continue
		}
		if e.a.State == StateActive {
			e.a.Rev++
			e.a.State = StateCleared
			e.a.Time = fmtTime(now)
			e.a.Summary = "Cleared: track " + e.a.Track.ID + " not carried over a restart of the instance"
			out = append(out, m.deliver(e)...)
		}
		for k, v := range m.alerts {
			if v == e {
				delete(m.alerts, k)
			}
		}
		delete(m.byID, id)
		delete(m.states, e.track)
	}
	return out
}
