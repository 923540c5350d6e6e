package config

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"
)

var idRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Kinds of sensor (the {kind} of the observation topic).
var sensorKinds = []string{"aircraft", "aerostat", "radar", "ais", "adsb"}

// Formats the daemon decodes: the native JSON report, NMEA (AIS, ARPA
// TTM/TLL, AIS-catcher envelopes), ADS-B as SBS-1 lines, raw Mode S in AVR
// text or Beast binary, and ASTERIX.
var sensorFormats = []string{"json", "nmea", "sbs", "avr", "beast", "asterix"}

var classes = []string{"surface", "air", "unknown"}
var severities = []string{"low", "medium", "high", "critical"}
var countries = []string{"US", "MX", "CA"}
var assetKinds = []string{"cutter", "boat", "helicopter", "aircraft"}

type validator struct {
	c    *Config
	errs []error
}

func (v *validator) fail(path, format string, args ...any) {
	v.errs = append(v.errs, &Error{File: v.c.File, Line: v.c.lineOf(path), Key: path, Msg: fmt.Sprintf(format, args...)})
}

// lineOf returns the line of path or of its nearest parent given in the file.
func (c *Config) lineOf(path string) int {
	for p := path; p != ""; {
		if l, ok := c.sources[p]; ok {
			return l
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return 0
}

func (c *Config) validate() error {
	v := &validator{c: c}
	if !idRE.MatchString(c.Instance) {
		v.fail("instance", "%q is not a valid id (letters, digits, . _ -; at most 64)", c.Instance)
	}
	if strings.ContainsAny(c.TopicPrefix, "+#") {
		v.fail("topic_prefix", "%q must not contain MQTT wildcards", c.TopicPrefix)
	}
	v.position("region.origin", c.Region.Origin)
	if c.Broker.URL != "" {
		u, err := url.Parse(c.Broker.URL)
		if err != nil || u.Host == "" || !slices.Contains([]string{"tcp", "mqtt", "ssl", "tls", "mqtts", "ws", "wss"}, u.Scheme) {
			v.fail("broker.url", "%q is not a broker URL (tcp://host:port, ssl://host:port, ws://…)", c.Broker.URL)
		}
	}
	v.brokerSecurity()
	if c.Broker.MaxInflight < 1 || c.Broker.MaxInflight > 65535 {
		v.fail("broker.max_inflight", "must be in 1..65535 (MQTT packet ids are 16 bits), got %d", c.Broker.MaxInflight)
	}
	v.positive("broker.max_pending", float64(c.Broker.MaxPending))
	v.positive("ingest.queue_size", float64(c.Ingest.QueueSize))
	v.positive("ingest.max_payload_bytes", float64(c.Ingest.MaxPayloadBytes))
	v.positive("ingest.max_past", c.Ingest.MaxPast.Seconds())
	v.positive("ingest.max_future", c.Ingest.MaxFuture.Seconds())
	v.positive("ingest.reorder_window", c.Ingest.ReorderWindow.Seconds())
	v.positive("ingest.log_interval", c.Ingest.LogInterval.Seconds())
	v.positive("ingest.sensor_rate", c.Ingest.SensorRate)
	v.positive("ingest.sensor_burst", float64(c.Ingest.SensorBurst))

	t := c.Tracker
	v.positive("tracker.gate_chi2", t.GateChi2)
	if t.ConfirmHits < 1 {
		v.fail("tracker.confirm_hits", "must be at least 1, got %d", t.ConfirmHits)
	}
	v.positive("tracker.confirm_score", t.ConfirmScore)
	v.positive("tracker.delete_score", t.DeleteScore)
	v.positive("tracker.delete_score_confirmed", t.DeleteScoreConfirmed)
	v.positive("tracker.clutter_density", t.ClutterDensity)
	v.positive("tracker.coast_time", t.CoastTime.Seconds())
	v.positive("tracker.tentative_timeout", t.TentativeTimeout.Seconds())
	v.positive("tracker.max_sigma_m", t.MaxSigmaM)
	for _, cv := range []struct {
		p string
		v ClassValues
	}{{"tracker.process_noise", t.ProcessNoise}, {"tracker.manoeuvre_noise", t.ManoeuvreNoise}, {"tracker.max_speed", t.MaxSpeed}} {
		v.positive(cv.p+".surface", cv.v.Surface)
		v.positive(cv.p+".air", cv.v.Air)
		v.positive(cv.p+".unknown", cv.v.Unknown)
	}
	v.positive("tracker.air_altitude_m", t.AirAltitudeM)
	v.positive("tracker.oosm_window", t.OOSMWindow.Seconds())

	if e := c.Rules.EvaluateEvery; e < time.Second || e > time.Minute {
		v.fail("rules.evaluate_every", "must be between 1s and 1m, not %s", e)
	}
	dv := c.Rules.DarkVessel
	v.positive("rules.dark_vessel.ais_radius_m", dv.AISRadiusM)
	v.positive("rules.dark_vessel.ais_window", dv.AISWindow.Seconds())
	v.positive("rules.dark_vessel.clear_after", dv.ClearAfter.Seconds())
	v.oneOf("rules.dark_vessel.severity", dv.Severity, severities)

	r := c.Rules
	for _, x := range []struct {
		p string
		v float64
	}{
		{"identity_mismatch.max_offset_m", r.IdentityMismatch.MaxOffsetM},
		{"identity_mismatch.pair_radius_m", r.IdentityMismatch.PairRadiusM},
		{"identity_mismatch.same_velocity_mps", r.IdentityMismatch.SameVelocityMPS},
		{"identity_mismatch.hold", r.IdentityMismatch.Hold.Seconds()},
		{"identity_mismatch.max_implied_speed_kn", r.IdentityMismatch.MaxImpliedSpeedKn},
		{"identity_mismatch.min_jump_m", r.IdentityMismatch.MinJumpM},
		{"identity_mismatch.clear_after", r.IdentityMismatch.ClearAfter.Seconds()},
		{"go_fast.speed_kn", r.GoFast.SpeedKn},
		{"go_fast.sustain", r.GoFast.Sustain.Seconds()},
		{"go_fast.clear_after", r.GoFast.ClearAfter.Seconds()},
		{"zone_entry.hold", r.ZoneEntry.Hold.Seconds()},
		{"zone_entry.active_for", r.ZoneEntry.ActiveFor.Seconds()},
		{"coast_approach.speed_kn", r.CoastApproach.SpeedKn},
		{"coast_approach.time_to_line", r.CoastApproach.TimeToLine.Seconds()},
		{"coast_approach.closest_approach_m", r.CoastApproach.ClosestApproachM},
		{"coast_approach.clear_after", r.CoastApproach.ClearAfter.Seconds()},
		{"rendezvous.distance_m", r.Rendezvous.DistanceM},
		{"rendezvous.duration", r.Rendezvous.Duration.Seconds()},
		{"rendezvous.max_speed_kn", r.Rendezvous.MaxSpeedKn},
		{"rendezvous.clear_after", r.Rendezvous.ClearAfter.Seconds()},
		{"loitering.max_speed_kn", r.Loitering.MaxSpeedKn},
		{"loitering.duration", r.Loitering.Duration.Seconds()},
		{"loitering.clear_after", r.Loitering.ClearAfter.Seconds()},
		{"ais_gap.factor", r.AISGap.Factor},
		{"ais_gap.min_gap", r.AISGap.MinGap.Seconds()},
		{"ais_gap.radar_window", r.AISGap.RadarWindow.Seconds()},
		{"ais_gap.clear_after", r.AISGap.ClearAfter.Seconds()},
		{"low_slow_aircraft.max_speed_kn", r.LowSlowAircraft.MaxSpeedKn},
		{"low_slow_aircraft.max_altitude_ft", r.LowSlowAircraft.MaxAltitudeFt},
		{"low_slow_aircraft.hold", r.LowSlowAircraft.Hold.Seconds()},
		{"low_slow_aircraft.active_for", r.LowSlowAircraft.ActiveFor.Seconds()},
	} {
		v.positive("rules."+x.p, x.v)
	}
	for _, x := range []struct{ p, s string }{
		{"identity_mismatch", r.IdentityMismatch.Severity}, {"go_fast", r.GoFast.Severity},
		{"zone_entry", r.ZoneEntry.Severity}, {"coast_approach", r.CoastApproach.Severity},
		{"rendezvous", r.Rendezvous.Severity}, {"loitering", r.Loitering.Severity},
		{"ais_gap", r.AISGap.Severity}, {"low_slow_aircraft", r.LowSlowAircraft.Severity},
	} {
		v.oneOf("rules."+x.p+".severity", x.s, severities)
	}

	v.positive("sharing.horizon", c.Sharing.Horizon.Seconds())
	v.positive("sharing.boundary_m", c.Sharing.BoundaryM)
	for i, a := range c.Sharing.HighSeas {
		if _, ok := c.AgencyByID(a); !ok {
			v.fail(fmt.Sprintf("sharing.high_seas[%d]", i), "agency %q is not configured under agencies", a)
		}
	}

	seen := map[string]bool{}
	for i, tk := range c.HTTP.Tokens {
		p := fmt.Sprintf("http.tokens[%d]", i)
		switch {
		case len(tk.Token) < 16:
			v.fail(p+".token", "a token must be at least 16 characters")
		case seen[tk.Token]:
			v.fail(p+".token", "token given twice")
		}
		seen[tk.Token] = true
		if tk.Admin == (tk.Agency != "") {
			v.fail(p, "a token is either an agency's (agency: ID) or an admin's (admin: true)")
		} else if tk.Agency != "" {
			if _, ok := c.AgencyByID(tk.Agency); !ok {
				v.fail(p+".agency", "agency %q is not configured under agencies", tk.Agency)
			}
		}
	}
	v.sensors()
	v.agencies()
	v.assets()
	v.oneOf("log.level", c.Log.Level, []string{"debug", "info", "warn", "error"})
	v.oneOf("log.format", c.Log.Format, []string{"text", "json"})
	return errors.Join(v.errs...)
}

func (v *validator) sensors() {
	c := v.c
	if len(c.Sensors) == 0 {
		v.fail("sensors", "no sensors configured: the daemon would have nothing to listen to")
	}
	ids := map[string]bool{}
	topics := map[string]string{}
	for i := range c.Sensors {
		s := &c.Sensors[i]
		p := fmt.Sprintf("sensors[%d]", i)
		if !idRE.MatchString(s.ID) {
			v.fail(p+".id", "%q is not a valid sensor id (letters, digits, . _ -; at most 64)", s.ID)
		} else if ids[s.ID] {
			v.fail(p+".id", "sensor %q is configured twice", s.ID)
		}
		ids[s.ID] = true
		v.oneOf(p+".kind", s.Kind, sensorKinds)
		v.oneOf(p+".format", s.Format, sensorFormats)
		if s.MaxRate < 0 || math.IsNaN(s.MaxRate) {
			v.fail(p+".max_rate", "must not be negative, got %v", s.MaxRate)
		}
		if strings.ContainsAny(s.Topic, "+#") {
			v.fail(p+".topic", "%q must be a topic, not a filter", s.Topic)
		} else if other, dup := topics[s.Topic]; dup {
			v.fail(p+".topic", "topic %q is already used by sensor %q", s.Topic, other)
		}
		topics[s.Topic] = s.ID
		if s.IsFixed() && s.Kind != "ais" && s.Kind != "adsb" && s.Position == nil {
			v.fail(p+".position", "a fixed %s sensor needs its position", s.Kind)
		}
		if s.Position != nil {
			v.position(p+".position", *s.Position)
		}
		v.positive(p+".sigma_range_m", s.SigmaRangeM)
		v.positive(p+".sigma_bearing_deg", s.SigmaBearingDeg)
		v.positive(p+".sigma_m", s.SigmaM)
		if s.RangeM < 0 || math.IsNaN(s.RangeM) {
			v.fail(p+".range_m", "must be ≥ 0 (0: unlimited), got %v", s.RangeM)
		}
		if !(s.Pd > 0 && s.Pd <= 1) {
			v.fail(p+".pd", "must be in (0, 1], got %v", s.Pd)
		}
		v.oneOf(p+".class", s.Class, classes)
		v.oneOf(p+".time", s.Time, []string{"payload", "receive"})
		if s.TimeZone != "" {
			if _, err := time.LoadLocation(s.TimeZone); err != nil {
				v.fail(p+".time_zone", "%q is not a time zone: %v", s.TimeZone, err)
			}
		}
		if !slices.Contains([]string{"", "1.18", "1.19", "1.20", "1.21", "0.17", "auto"}, s.CAT062Edition) {
			v.fail(p+".cat062_edition", "%q is not an edition the decoder knows (\"\" for 1.18–1.21, \"0.17\", \"auto\")", s.CAT062Edition)
		}
		if s.MaxPast < 0 || s.MaxFuture < 0 {
			v.fail(p+".max_past", "clock tolerances must be ≥ 0 (0: the ingest values)")
		}
	}
}

func (v *validator) agencies() {
	c := v.c
	if len(c.Agencies) == 0 {
		v.fail("agencies", "no agencies configured: alerts would go nowhere")
	}
	ids := map[string]bool{}
	for i, a := range c.Agencies {
		p := fmt.Sprintf("agencies[%d]", i)
		if !idRE.MatchString(a.ID) {
			v.fail(p+".id", "%q is not a valid agency id", a.ID)
		} else if ids[a.ID] {
			v.fail(p+".id", "agency %q is configured twice", a.ID)
		}
		ids[a.ID] = true
		v.oneOf(p+".country", a.Country, countries)
		v.oneOf(p+".format", a.Format, []string{"json", "cot", "cap"})
		if strings.ContainsAny(a.Topic, "+#") {
			v.fail(p+".topic", "%q must be a topic, not a filter", a.Topic)
		}
	}
}

func (v *validator) assets() {
	c := v.c
	ids := map[string]bool{}
	for i, a := range c.Assets {
		p := fmt.Sprintf("assets[%d]", i)
		if !idRE.MatchString(a.ID) {
			v.fail(p+".id", "%q is not a valid asset id", a.ID)
		} else if ids[a.ID] {
			v.fail(p+".id", "asset %q is configured twice", a.ID)
		}
		ids[a.ID] = true
		if _, ok := c.AgencyByID(a.Agency); !ok {
			v.fail(p+".agency", "agency %q is not configured under agencies", a.Agency)
		}
		v.oneOf(p+".kind", a.Kind, assetKinds)
		v.position(p+".home", a.Home)
		v.positive(p+".max_speed_mps", a.MaxSpeedMPS)
		if a.ResponseDelay < 0 {
			v.fail(p+".response_delay", "must not be negative, got %s", a.ResponseDelay)
		}
	}
}

func (v *validator) position(path string, p Position) {
	if !(p.Lat >= -90 && p.Lat <= 90) {
		v.fail(path+".lat", "latitude %v out of range [-90, 90]", p.Lat)
	}
	if !(p.Lon >= -180 && p.Lon <= 180) {
		v.fail(path+".lon", "longitude %v out of range [-180, 180]", p.Lon)
	}
	if !(p.Alt >= -1000 && p.Alt <= 100000) {
		v.fail(path+".alt_m", "altitude %v out of range [-1000, 100000]", p.Alt)
	}
}

func (v *validator) positive(path string, x float64) {
	if !(x > 0) || math.IsInf(x, 0) {
		v.fail(path, "must be a positive number, got %v", x)
	}
}

func (v *validator) oneOf(path, val string, allowed []string) {
	if !slices.Contains(allowed, val) {
		v.fail(path, "%q is not one of %s", val, strings.Join(allowed, ", "))
	}
}

// Roles of the embedded broker's users (broker.Roles).
var brokerRoles = []string{"daemon", "gateway", "agency", "admin"}

// brokerSecurity checks broker.tls, broker.listen_tls, broker.users and,
// when users are set, that the daemon logs in as one of the daemon users.
func (v *validator) brokerSecurity() {
	c := v.c
	b := c.Broker
	external := b.URL != ""
	secureURL := false
	if u, err := url.Parse(b.URL); external && err == nil {
		secureURL = slices.Contains([]string{"ssl", "tls", "mqtts", "wss"}, u.Scheme)
	}
	t := b.TLS
	if (t.CertFile == "") != (t.KeyFile == "") {
		if t.CertFile == "" {
			v.fail("broker.tls.cert_file", "required with broker.tls.key_file")
		} else {
			v.fail("broker.tls.key_file", "required with broker.tls.cert_file")
		}
	} else if t.CertFile != "" {
		if _, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile); err != nil {
			v.fail("broker.tls.cert_file", "certificate %s with key %s: %v", t.CertFile, t.KeyFile, err)
		}
	}
	if t.CAFile != "" {
		if pem, err := os.ReadFile(t.CAFile); err != nil {
			v.fail("broker.tls.ca_file", "%v", err)
		} else if !x509.NewCertPool().AppendCertsFromPEM(pem) {
			v.fail("broker.tls.ca_file", "%s: no PEM certificate in it", t.CAFile)
		}
	}
	switch {
	case external:
		if !t.IsZero() && !secureURL {
			v.fail("broker.tls", "set, but broker.url %q does not use TLS (ssl://, tls://, mqtts:// or wss://)", b.URL)
		}
		if b.ListenTLS != "" {
			v.fail("broker.listen_tls", "the embedded broker does not run when broker.url is set")
		}
		if len(b.Users) > 0 {
			v.fail("broker.users", "users of the embedded broker, which does not run when broker.url is set: configure the external broker's own users and ACL")
		}
	case b.ListenTLS != "":
		if t.CertFile == "" {
			v.fail("broker.tls.cert_file", "broker.listen_tls needs the server's certificate and key (broker.tls.cert_file, broker.tls.key_file)")
		}
		if t.ServerName != "" || t.InsecureSkipVerify {
			v.fail("broker.tls", "server_name and insecure_skip_verify are for a client of an external broker (broker.url), not for the embedded broker")
		}
	case !t.IsZero():
		v.fail("broker.tls", "set, but neither broker.url (ssl://…) nor broker.listen_tls is: nothing would use it")
	}

	names := map[string]bool{}
	for i, u := range b.Users {
		p := fmt.Sprintf("broker.users[%d]", i)
		switch {
		case u.Username == "":
			v.fail(p+".username", "required")
		case names[u.Username]:
			v.fail(p+".username", "user %q is listed twice", u.Username)
		}
		names[u.Username] = true
		if u.Password == "" {
			v.fail(p+".password", "required")
		}
		v.oneOf(p+".role", u.Role, brokerRoles)
		if u.Role == "agency" {
			if u.Agency == "" {
				v.fail(p+".agency", "required for role agency")
			} else if _, ok := c.AgencyByID(u.Agency); !ok {
				v.fail(p+".agency", "agency %q is not configured under agencies", u.Agency)
			}
		} else if u.Agency != "" {
			v.fail(p+".agency", "only a user with role agency has an agency (role is %q)", u.Role)
		}
	}
	if len(b.Users) > 0 && !external {
		i := slices.IndexFunc(b.Users, func(u BrokerUser) bool { return u.Username == b.Username })
		switch {
		case b.Username == "":
			v.fail("broker.username", "required when broker.users is set: the daemon logs in to its embedded broker as one of the users with role daemon")
		case i < 0:
			v.fail("broker.username", "%q is not one of broker.users", b.Username)
		case b.Users[i].Role != "daemon":
			v.fail("broker.username", "%q has role %q: the daemon must log in as a user with role daemon", b.Username, b.Users[i].Role)
		case b.Users[i].Password != b.Password:
			v.fail("broker.password", "is not the password of broker.users[%d] (%q)", i, b.Username)
		}
	}
}
