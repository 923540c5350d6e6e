package daemon

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vigia-project/vigia/alert"
	"github.com/vigia-project/vigia/geo"
)

// The HTTP API of the operations-centre picture (README "HTTP API"):
// /api/tracks, /api/alerts, /api/zones, /api/sensors, /api/whoami,
// /api/stream (Server-Sent Events) and POST /api/acks. The engine goroutine
// publishes a snapshot of the picture and the alerts once a second; handlers
// only read snapshots, so they never touch the engine.

// principal is who is asking: an agency's operator or an admin.
type principal struct {
	agency string
	admin  bool
}

// sees reports whether p may see an alert with this audience.
func (p principal) sees(audience []string) bool {
	return p.admin || slices.Contains(audience, p.agency)
}

// apiTrack is a confirmed track as the API shows it.
type apiTrack struct {
	pictureTrack
	Alerts []string     `json:"alerts"`
	Trail  [][2]float64 `json:"trail"`
}

// snapshot is the picture and the alerts at one time.
type snapshot struct {
	time   time.Time
	origin string
	tracks []apiTrack
	alerts []alert.Shared // by id
}

// sseEvent is one Server-Sent Event with the agencies that may see it
// (nil: everyone who may see the tracks it concerns; filtered per client).
type sseEvent struct {
	name     string
	audience []string
	data     []byte
	snap     *snapshot // tracks events: rendered per client
}

// subscriber is one /api/stream client.
type subscriber struct {
	who principal
	ch  chan sseEvent
}

// sensorStat is what /api/sensors tells of one sensor.
type sensorStat struct {
	received   int64
	lastReport time.Time
	perSecond  [60]int64 // reports received in each of the last 60 seconds (ring by Unix second)
	second     int64     // the Unix second of the newest slot
	dropped    map[string]int64
}

// count adds a report received at Unix second sec to the ring.
func (s *sensorStat) count(sec int64) {
	if sec > s.second {
		for t := max(s.second+1, sec-59); t <= sec; t++ {
			s.perSecond[t%60] = 0
		}
		s.second = sec
	}
	if sec > s.second-60 {
		s.perSecond[((sec%60)+60)%60]++
	}
}

// lastMinute is the number of reports received in the minute up to sec.
func (s *sensorStat) lastMinute(sec int64) int64 {
	var n int64
	for t := max(s.second-59, sec-59); t <= min(s.second, sec); t++ {
		n += s.perSecond[((t%60)+60)%60]
	}
	return n
}

// api is the daemon's HTTP API state.
type api struct {
	d      *Daemon
	mu     sync.RWMutex
	snap   *snapshot
	subs   map[*subscriber]bool
	trails map[string][][2]float64 // by track id, oldest first
	trailT map[string]time.Time
	smu    sync.Mutex
	sens   map[string]*sensorStat
	zones  func() ([]byte, error)
}

const (
	trailEvery = 10 * time.Second // a trail point every 10 s…
	trailLen   = 30               // …for 5 minutes
)

func newAPI(d *Daemon) *api {
	a := &api{d: d, subs: map[*subscriber]bool{}, trails: map[string][][2]float64{}, trailT: map[string]time.Time{},
		sens: map[string]*sensorStat{}}
	a.zones = sync.OnceValues(func() ([]byte, error) {
		if f := d.cfg.Zones.File; f != "" {
			return os.ReadFile(f)
		}
		return geo.DefaultZonesGeoJSON()
	})
	for _, s := range d.cfg.Sensors {
		a.sens[s.ID] = &sensorStat{dropped: map[string]int64{}}
	}
	return a
}

// received and dropped keep the per-sensor figures of /api/sensors (from
// the MQTT handler and the engine goroutine alike).
func (a *api) received(sensor string, at time.Time) {
	a.smu.Lock()
	defer a.smu.Unlock()
	s, ok := a.sens[sensor]
	if !ok {
		return
	}
	s.received++
	s.lastReport = at
	s.count(at.Unix())
}

func (a *api) dropped(sensor, reason string) {
	a.smu.Lock()
	defer a.smu.Unlock()
	if s, ok := a.sens[sensor]; ok {
		s.dropped[reason]++
	}
}

// publish builds the snapshot at now (engine goroutine) and tells the streams.
func (a *api) publish(now time.Time) {
	d := a.d
	pic := d.picture(now)
	shared := d.manager.SharedAlerts()
	byTrack := map[string][]string{}
	for _, s := range shared {
		if s.Alert.State == alert.StateActive {
			byTrack[s.Alert.Track.ID] = append(byTrack[s.Alert.Track.ID], s.Alert.ID)
		}
	}
	live := map[string]bool{}
	tracks := make([]apiTrack, 0, len(pic))
	for _, p := range pic {
		live[p.ID] = true
		if now.Sub(a.trailT[p.ID]) >= trailEvery {
			a.trailT[p.ID] = now
			tr := append(a.trails[p.ID], [2]float64{p.Lon, p.Lat})
			if len(tr) > trailLen {
				tr = tr[len(tr)-trailLen:]
			}
			a.trails[p.ID] = tr
		}
		al := byTrack[p.ID]
		if al == nil {
			al = []string{}
		}
		tracks = append(tracks, apiTrack{pictureTrack: p, Alerts: al, Trail: slices.Clone(a.trails[p.ID])})
	}
	for id := range a.trails {
		if !live[id] {
			delete(a.trails, id)
			delete(a.trailT, id)
		}
	}
	snap := &snapshot{time: now, origin: d.cfg.Instance, tracks: tracks, alerts: shared}
	a.mu.Lock()
	a.snap = snap
	a.mu.Unlock()
	a.broadcast(sseEvent{name: "tracks", snap: snap})
}

// alertRevision tells the streams of a new alert revision.
func (a *api) alertRevision(al *alert.Alert, audience []string, payload []byte) {
	a.broadcast(sseEvent{name: "alert", audience: audience, data: payload})
}

// broadcast hands an event to every stream that may see it; a stream too
// slow to take it is closed (its browser reconnects and refetches).
func (a *api) broadcast(ev sseEvent) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for s := range a.subs {
		if ev.audience != nil && !s.who.sees(ev.audience) {
			continue
		}
		select {
		case s.ch <- ev:
		default:
			close(s.ch)
			delete(a.subs, s)
		}
	}
}

// view is a snapshot as one principal may see it: its alerts, and the
// tracks those alerts are about (an admin sees everything).
func (s *snapshot) view(who principal) (tracks []apiTrack, alerts []alert.Alert) {
	tracks, alerts = []apiTrack{}, []alert.Alert{}
	if s == nil {
		return
	}
	seen := map[string]bool{}
	for _, sh := range s.alerts {
		if who.sees(sh.Audience) {
			alerts = append(alerts, sh.Alert)
			seen[sh.Alert.Track.ID] = true
		}
	}
	for _, t := range s.tracks {
		if who.admin || seen[t.ID] {
			if !who.admin {
				t.Alerts = slices.DeleteFunc(slices.Clone(t.Alerts), func(id string) bool {
					return !slices.ContainsFunc(alerts, func(a alert.Alert) bool { return a.ID == id })
				})
			}
			tracks = append(tracks, t)
		}
	}
	// Newest first.
	slices.SortStableFunc(alerts, func(x, y alert.Alert) int { return strings.Compare(y.Time, x.Time) })
	return tracks, alerts
}

// geoJSON renders tracks as the FeatureCollection of /api/tracks.
func (s *snapshot) geoJSON(tracks []apiTrack) ([]byte, error) {
	type feature struct {
		Type       string   `json:"type"`
		ID         string   `json:"id"`
		Geometry   point    `json:"geometry"`
		Properties apiTrack `json:"properties"`
	}
	fc := struct {
		Type     string    `json:"type"`
		Time     string    `json:"time"`
		Origin   string    `json:"origin"`
		Features []feature `json:"features"`
	}{Type: "FeatureCollection", Features: []feature{}}
	if s != nil {
		fc.Time, fc.Origin = s.time.UTC().Format(time.RFC3339Nano), s.origin
	}
	for _, t := range tracks {
		fc.Features = append(fc.Features, feature{Type: "Feature", ID: t.ID,
			Geometry: point{Type: "Point", Coordinates: [2]float64{t.Lon, t.Lat}}, Properties: t})
	}
	return json.Marshal(fc)
}

// authenticate finds the principal of a request: its bearer token (header,
// or ?token= for EventSource, which cannot set headers). With no tokens
// configured everyone is an admin.
func (a *api) authenticate(r *http.Request) (principal, bool) {
	toks := a.d.cfg.HTTP.Tokens
	if len(toks) == 0 {
		return principal{admin: true}, true
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		got = r.URL.Query().Get("token")
	}
	if got == "" {
		return principal{}, false
	}
	for _, t := range toks {
		if subtle.ConstantTimeCompare([]byte(got), []byte(t.Token)) == 1 {
			return principal{agency: t.Agency, admin: t.Admin}, true
		}
	}
	return principal{}, false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func apiError(w http.ResponseWriter, status int, format string, args ...any) {
	writeJSON(w, status, map[string]string{"error": fmt.Sprintf(format, args...)})
}

// auth wraps a handler with authentication.
func (a *api) auth(h func(w http.ResponseWriter, r *http.Request, who principal)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		who, ok := a.authenticate(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="vigia"`)
			apiError(w, http.StatusUnauthorized, "a valid token is required (Authorization: Bearer TOKEN, or ?token=TOKEN)")
			return
		}
		h(w, r, who)
	}
}

func (a *api) current() *snapshot {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.snap
}

// routes adds the API to mux.
func (a *api) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/whoami", a.auth(func(w http.ResponseWriter, _ *http.Request, who principal) {
		if who.admin {
			writeJSON(w, http.StatusOK, map[string]any{"admin": true})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"agency": who.agency})
	}))
	mux.HandleFunc("GET /api/tracks", a.auth(func(w http.ResponseWriter, _ *http.Request, who principal) {
		s := a.current()
		tracks, _ := s.view(who)
		b, err := s.geoJSON(tracks)
		if err != nil {
			apiError(w, http.StatusInternalServerError, "%v", err)
			return
		}
		w.Header().Set("Content-Type", "application/geo+json")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(b)
	}))
	mux.HandleFunc("GET /api/alerts", a.auth(func(w http.ResponseWriter, _ *http.Request, who principal) {
		_, alerts := a.current().view(who)
		writeJSON(w, http.StatusOK, alerts)
	}))
	mux.HandleFunc("GET /api/zones", a.auth(func(w http.ResponseWriter, _ *http.Request, _ principal) {
		b, err := a.zones()
		if err != nil {
			apiError(w, http.StatusInternalServerError, "%v", err)
			return
		}
		w.Header().Set("Content-Type", "application/geo+json")
		w.Header().Set("Cache-Control", "max-age=3600")
		w.Write(b)
	}))
	mux.HandleFunc("GET /api/sensors", a.auth(func(w http.ResponseWriter, _ *http.Request, _ principal) {
		type out struct {
			ID            string           `json:"id"`
			Kind          string           `json:"kind"`
			Format        string           `json:"format"`
			Topic         string           `json:"topic"`
			Received      int64            `json:"received"`
			LastReport    *string          `json:"last_report"`
			PerMinute     int64            `json:"reports_last_minute"`
			DroppedReason map[string]int64 `json:"dropped"`
		}
		a.smu.Lock()
		defer a.smu.Unlock()
		list := []out{}
		for _, s := range a.d.cfg.Sensors {
			st := a.sens[s.ID]
			o := out{ID: s.ID, Kind: s.Kind, Format: s.Format, Topic: s.Topic, Received: st.received,
				PerMinute: st.lastMinute(a.d.clock.Now().Unix()), DroppedReason: map[string]int64{}}
			for k, v := range st.dropped {
				o.DroppedReason[k] = v
			}
			if !st.lastReport.IsZero() {
				t := st.lastReport.UTC().Format(time.RFC3339Nano)
				o.LastReport = &t
			}
			list = append(list, o)
		}
		writeJSON(w, http.StatusOK, list)
	}))
	mux.HandleFunc("POST /api/acks", a.auth(a.ack))
	mux.HandleFunc("GET /api/stream", a.auth(a.stream))
}

// ack publishes an operator's acknowledgement on {prefix}acks/{agency}, the
// topic every instance listens to; the acknowledged revision comes back on
// the stream. An admin names the agency in the body.
func (a *api) ack(w http.ResponseWriter, r *http.Request, who principal) {
	var req struct {
		ID     string `json:"id"`
		Rev    int    `json:"rev"`
		By     string `json:"by"`
		Agency string `json:"agency"`
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxControlBytes)
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		apiError(w, http.StatusBadRequest, "malformed acknowledgement: %v", err)
		return
	}
	agency := who.agency
	if who.admin {
		agency = req.Agency
	}
	s := a.current()
	var found *alert.Shared
	if s != nil {
		for i := range s.alerts {
			if s.alerts[i].Alert.ID == req.ID {
				found = &s.alerts[i]
			}
		}
	}
	if who.admin && agency == "" && found != nil && len(found.Audience) > 0 {
		agency = found.Audience[0] // an admin who names no agency acknowledges for the first that has it
	}
	if agency == "" || strings.TrimSpace(req.By) == "" || req.ID == "" || req.Rev < 1 {
		apiError(w, http.StatusBadRequest, "an acknowledgement needs id, rev, by (and agency, for an admin)")
		return
	}
	if _, ok := a.d.cfg.AgencyByID(agency); !ok {
		apiError(w, http.StatusBadRequest, "unknown agency %q", agency)
		return
	}
	if found == nil || !slices.Contains(found.Audience, agency) || (!who.admin && !who.sees(found.Audience)) {
		apiError(w, http.StatusNotFound, "no alert %q for %s", req.ID, agency)
		return
	}
	if a.d.client == nil || !a.d.client.IsConnectionOpen() {
		apiError(w, http.StatusServiceUnavailable, "not connected to the broker")
		return
	}
	payload, _ := json.Marshal(ackMessage{ID: req.ID, Rev: req.Rev, By: req.By})
	tok := a.d.client.Publish(a.d.cfg.TopicPrefix+"acks/"+agency, 1, false, payload)
	if !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		apiError(w, http.StatusServiceUnavailable, "acknowledgement not published: %v", tok.Error())
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"ok": true, "topic": a.d.cfg.TopicPrefix + "acks/" + agency})
}

// stream is /api/stream: Server-Sent Events "tracks" (the principal's
// picture, once a second) and "alert" (each revision it may see).
func (a *api) stream(w http.ResponseWriter, r *http.Request, who principal) {
	fl, ok := w.(http.Flusher)
	if !ok {
		apiError(w, http.StatusInternalServerError, "streaming unsupported")
		return
	}
	sub := &subscriber{who: who, ch: make(chan sseEvent, 64)}
	a.mu.Lock()
	a.subs[sub] = true
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		if a.subs[sub] {
			delete(a.subs, sub)
		}
		a.mu.Unlock()
	}()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprintf(w, "retry: 2000\n\n")
	if s := a.current(); s != nil {
		a.writeTracks(w, s, who)
	}
	fl.Flush()
	beat := time.NewTicker(15 * time.Second)
	defer beat.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-beat.C:
			fmt.Fprintf(w, ": keep-alive\n\n")
		case ev, open := <-sub.ch:
			if !open {
				return // too slow: the browser reconnects
			}
			if ev.snap != nil {
				a.writeTracks(w, ev.snap, who)
			} else {
				fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev.name, ev.data)
			}
		}
		fl.Flush()
	}
}

func (a *api) writeTracks(w http.ResponseWriter, s *snapshot, who principal) {
	tracks, _ := s.view(who)
	b, err := s.geoJSON(tracks)
	if err != nil {
		return
	}
	fmt.Fprintf(w, "event: tracks\ndata: %s\n\n", b)
}
