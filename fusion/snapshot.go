package fusion

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/vigia-project/vigia/sensors"
)

// snapshotVersion numbers the layout of a Snapshot; Restore refuses another.
const snapshotVersion = 1

// trackSnap is one track as saved: everything but caches and indexes.
type trackSnap struct {
	ID                     uint64
	Status                 Status
	Class                  sensors.Class
	Hits                   int
	T, LastUpdate, SeenAt  time.Time
	Identity               *sensors.Identity
	IdentityTime           time.Time
	X                      State
	P                      Cov
	HasVel                 bool
	Mu                     [nModes]float64
	MX                     [nModes]State
	MP                     [nModes]Cov
	Alt, AltVar            float64
	AltT, Born             time.Time
	Score, MaxScore        float64
	AirVotes, SurfaceVotes int
	PriorAir, PriorSurface int
	TooFast                bool
	Sensors                []string
	SensorNS               []int64
	Conflict               *sensors.Identity
	ConflictTime           time.Time
	DupCount               int
}

type coopSnap struct {
	MMSI uint32
	ICAO string
	E, N float64
	T    time.Time
}

type engineSnap struct {
	Version int
	Now     time.Time
	NextID  uint64
	Tracks  []trackSnap
	Coop    []coopSnap
}

// Snapshot returns the engine's picture — every live track with its filter,
// score, identity and sensors, the track numbering and the recent
// cooperative positions — to be given to Restore after a restart, so that
// tracks (and the alerts on them) carry on under their numbers. The clutter
// map is not saved: it is learnt again.
func (e *Engine) Snapshot() ([]byte, error) {
	s := engineSnap{Version: snapshotVersion, Now: e.now, NextID: e.nextID}
	for _, tr := range e.tracks {
		if tr.status == Deleted {
			continue
		}
		ts := trackSnap{ID: tr.id, Status: tr.status, Class: tr.class, Hits: tr.hits, T: tr.t, LastUpdate: tr.lastUpdate,
			SeenAt: tr.seenAt, Identity: tr.identity, IdentityTime: tr.identityTime, X: tr.f.x, P: tr.f.P, HasVel: tr.f.hasVel,
			Mu: tr.f.mu, MX: tr.f.mx, MP: tr.f.mP, Alt: tr.alt, AltVar: tr.altVar, AltT: tr.altT, Born: tr.born,
			Score: tr.score, MaxScore: tr.maxScore, AirVotes: tr.airVotes, SurfaceVotes: tr.surfaceVotes,
			PriorAir: tr.priorAir, PriorSurface: tr.priorSurface, TooFast: tr.tooFast, Conflict: tr.conflict,
			ConflictTime: tr.conflictTime, DupCount: tr.dupCount}
		for i := 0; i < tr.nSensors; i++ {
			ts.Sensors = append(ts.Sensors, tr.sensors[i].sensor)
			ts.SensorNS = append(ts.SensorNS, tr.sensors[i].ns)
		}
		s.Tracks = append(s.Tracks, ts)
	}
	for k, c := range e.coop {
		s.Coop = append(s.Coop, coopSnap{MMSI: k.mmsi, ICAO: k.icao, E: c.e, N: c.n, T: c.t})
	}
	slices.SortFunc(s.Coop, func(a, b coopSnap) int {
		if a.MMSI != b.MMSI {
			return int(int64(a.MMSI) - int64(b.MMSI))
		}
		return cmpString(a.ICAO, b.ICAO)
	})
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(s); err != nil {
		return nil, fmt.Errorf("fusion: snapshot: %w", err)
	}
	return buf.Bytes(), nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Restore loads a Snapshot into an engine that holds no track yet (the
// same region and parameters are assumed: the frame is the engine's own).
// It returns the snapshot's engine time.
func (e *Engine) Restore(b []byte) (time.Time, error) {
	if len(e.tracks) != 0 {
		return time.Time{}, errors.New("fusion: restore into an engine that already has tracks")
	}
	var s engineSnap
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&s); err != nil {
		return time.Time{}, fmt.Errorf("fusion: restore: %w", err)
	}
	if s.Version != snapshotVersion {
		return time.Time{}, fmt.Errorf("fusion: restore: snapshot version %d, want %d", s.Version, snapshotVersion)
	}
	slices.SortFunc(s.Tracks, func(a, b trackSnap) int { return int(int64(a.ID) - int64(b.ID)) })
	// All or nothing: every track is checked before any is taken.
	for _, ts := range s.Tracks {
		if ts.Class > sensors.ClassAir || ts.Status > Confirmed || len(ts.Sensors) != len(ts.SensorNS) || len(ts.Sensors) > maxTrackSensors {
			return time.Time{}, fmt.Errorf("fusion: restore: track %d is malformed", ts.ID)
		}
	}
	for _, ts := range s.Tracks {
		tr := &Track{id: ts.ID, status: ts.Status, class: ts.Class, hits: ts.Hits, t: ts.T, lastUpdate: ts.LastUpdate,
			seenAt: ts.SeenAt, identity: ts.Identity, identityTime: ts.IdentityTime, alt: ts.Alt, altVar: ts.AltVar,
			altT: ts.AltT, born: ts.Born, score: ts.Score, maxScore: ts.MaxScore, airVotes: ts.AirVotes,
			surfaceVotes: ts.SurfaceVotes, priorAir: ts.PriorAir, priorSurface: ts.PriorSurface, tooFast: ts.TooFast,
			conflict: ts.Conflict, conflictTime: ts.ConflictTime, dupCount: ts.DupCount}
		tr.f.x, tr.f.P, tr.f.hasVel, tr.f.mu, tr.f.mx, tr.f.mP = ts.X, ts.P, ts.HasVel, ts.Mu, ts.MX, ts.MP
		tr.ip = &e.imm[tr.class]
		for i := range ts.Sensors {
			tr.sensors[i] = sensorHit{sensor: ts.Sensors[i], ns: ts.SensorNS[i]}
		}
		tr.nSensors = len(ts.Sensors)
		e.tracks = append(e.tracks, tr)
		e.reindex(tr, s.Now)
	}
	for _, c := range s.Coop {
		cp := &coopPos{key: coopKey{mmsi: c.MMSI, icao: c.ICAO}, e: c.E, n: c.N, t: c.T}
		e.coop[cp.key] = cp
		e.coopIndex.Insert([2]float64{cp.e, cp.n}, [2]float64{cp.e, cp.n}, cp)
	}
	e.nextID = max(e.nextID, s.NextID)
	e.now = s.Now
	return s.Now, nil
}
