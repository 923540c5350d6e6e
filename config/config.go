// Package config holds every setting of a Vigia instance in one struct,
// loaded from strict YAML (an unknown or misspelt key is an error naming the
// file, line and key), with defaults filled in one place (defaults.go) and
// validated in one place (validate.go). The built-in configuration
// (builtin.yaml, embedded) describes the demo deployment off the Rio Grande.
package config

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Config is the whole configuration of one Vigia instance.
type Config struct {
	// Instance names this instance; it prefixes alert ids and the status topic.
	Instance string `yaml:"instance"`
	// TopicPrefix is prepended to every MQTT topic ("vigia/").
	TopicPrefix string `yaml:"topic_prefix"`
	// Region is the area this instance owns; its origin anchors the local tangent plane.
	Region Region `yaml:"region"`
	// Broker says which MQTT broker to use: an external one by URL, or the embedded one.
	Broker Broker `yaml:"broker"`
	// HTTP is the metrics and health endpoint.
	HTTP HTTP `yaml:"http"`
	// Ingest bounds what the daemon accepts from gateways.
	Ingest Ingest `yaml:"ingest"`
	// Tracker tunes association, filtering and track management.
	Tracker Tracker `yaml:"tracker"`
	// Rules holds each behaviour rule's thresholds.
	Rules Rules `yaml:"rules"`
	// Sharing is the policy that routes alerts to agencies.
	Sharing Sharing `yaml:"sharing"`
	// Signing is the key alerts are signed with.
	Signing Signing `yaml:"signing"`
	// StateDir holds what must survive a restart: the alert journal and the
	// MQTT session store. Empty: $XDG_STATE_HOME/vigia/{instance} (by default
	// ~/.local/state/vigia/{instance}).
	StateDir string `yaml:"state_dir"`
	// Zones names the maritime zone polygons; empty means the built-in set.
	Zones Zones `yaml:"zones"`
	// Sensors are the gateways this instance listens to.
	Sensors []Sensor `yaml:"sensors"`
	// Agencies are the coast guards alerts are shared with.
	Agencies []Agency `yaml:"agencies"`
	// Assets are interceptors known before any live position arrives.
	Assets []Asset `yaml:"assets"`
	// Log sets the structured log output.
	Log Log `yaml:"log"`

	// File is the path the configuration was read from ("builtin" for the built-in one).
	File string `yaml:"-"`
	// sources maps a setting's path (e.g. "tracker.gate_chi2") to the line it was set on.
	sources map[string]int
}

// Region is the area an instance owns.
type Region struct {
	// Name is a human name for the region ("rio-grande").
	Name string `yaml:"name"`
	// Origin is the local tangent plane's origin; pick the region's centre.
	Origin Position `yaml:"origin"`
}

// Position is a geodetic position in degrees and metres above the ellipsoid.
type Position struct {
	Lat float64 `yaml:"lat"`
	Lon float64 `yaml:"lon"`
	Alt float64 `yaml:"alt_m"`
}

// Broker configures the MQTT connection.
type Broker struct {
	// URL of an external broker (tcp://host:1883, ssl://…); empty starts the embedded broker.
	URL string `yaml:"url"`
	// Listen is the embedded broker's TCP address (used only when URL is empty).
	Listen string `yaml:"listen"`
	// ClientID is the daemon's fixed MQTT client id; default "vigia-{instance}".
	ClientID string `yaml:"client_id"`
	// Username and Password authenticate the daemon to the broker: an
	// external one, or the embedded one when Users is set (they must then
	// be those of a user with role daemon).
	Username string `yaml:"username"`
	// Password authenticates the daemon to the broker (see Username).
	Password string `yaml:"password"`
	// TLS holds certificates: as a client of an external broker with an
	// ssl://, tls:// or mqtts:// URL, the CA to verify the broker with and an
	// optional client certificate; for the embedded broker, the certificate
	// its ListenTLS listener presents and an optional CA its clients'
	// certificates must be signed by.
	TLS BrokerTLS `yaml:"tls"`
	// ListenTLS is the embedded broker's TLS address (empty: no TLS
	// listener). It needs tls.cert_file and tls.key_file.
	ListenTLS string `yaml:"listen_tls"`
	// Users of the embedded broker. Empty: the embedded broker is open to
	// anyone who reaches it (the demo, on loopback). Otherwise every client
	// must log in, and each may use only its role's topics.
	Users []BrokerUser `yaml:"users"`
	// KeepAlive is the MQTT keep-alive interval.
	KeepAlive time.Duration `yaml:"keep_alive"`
	// ConnectTimeout bounds each connection attempt.
	ConnectTimeout time.Duration `yaml:"connect_timeout"`
	// MaxInflight is the embedded broker's per-client window of unacknowledged QoS 1/2 messages
	// (at most 65535: a subscriber further behind than that loses messages, counted).
	MaxInflight int `yaml:"max_inflight"`
	// MaxPending is the embedded broker's per-client queue of messages waiting to be written.
	MaxPending int `yaml:"max_pending"`
}

// BrokerTLS holds the certificates of the MQTT connection (see Broker.TLS).
type BrokerTLS struct {
	// CAFile is a PEM file of CA certificates. As a client: the CAs the
	// broker's certificate is verified against (empty: the system's). For
	// the embedded broker: clients of listen_tls must present a certificate
	// signed by one of them (empty: no client certificate asked for).
	CAFile string `yaml:"ca_file"`
	// CertFile is a PEM certificate (chain): the client certificate the
	// daemon presents to an external broker, or the embedded broker's
	// server certificate.
	CertFile string `yaml:"cert_file"`
	// KeyFile is the PEM private key of CertFile.
	KeyFile string `yaml:"key_file"`
	// ServerName overrides the host name the external broker's certificate
	// is checked against (default: the host of broker.url).
	ServerName string `yaml:"server_name"`
	// InsecureSkipVerify turns off verification of the external broker's
	// certificate: for tests only, it lets anyone in the middle read and
	// forge alerts.
	InsecureSkipVerify bool `yaml:"insecure_skip_verify"`
}

// IsZero reports whether no TLS setting is given.
func (t BrokerTLS) IsZero() bool { return t == BrokerTLS{} }

// BrokerUser is one account of the embedded broker.
type BrokerUser struct {
	// Username is the MQTT user name.
	Username string `yaml:"username"`
	// Password is the MQTT password, in plain text (keep the file private).
	Password string `yaml:"password"`
	// Role is daemon (everything), gateway (publish {prefix}obs/# only),
	// agency (read {prefix}alerts/{agency}, {prefix}tracks and
	// {prefix}status/+; publish {prefix}acks/{agency} and
	// {prefix}assets/{agency}/#) or admin (everything).
	Role string `yaml:"role"`
	// Agency is the agency id of an agency user (one of agencies[].id).
	Agency string `yaml:"agency"`
}

// HTTP configures the daemon's HTTP endpoint (/metrics, /healthz).
type HTTP struct {
	// Listen is the address to serve on; empty turns the endpoint off.
	Listen string `yaml:"listen"`
	// Tokens grant access to the web picture and the API: an agency's token
	// sees only that agency's alerts and their tracks; an admin token sees
	// all. With no tokens the picture is open to anyone who reaches it (as
	// an admin): for the demo on loopback only.
	Tokens []Token `yaml:"tokens"`
}

// Token is one bearer token of the HTTP API.
type Token struct {
	// Token is the secret, sent as "Authorization: Bearer TOKEN" or ?token=TOKEN.
	Token string `yaml:"token"`
	// Agency is the agency whose operators use it (empty for an admin token).
	Agency string `yaml:"agency"`
	// Admin sees every agency's alerts.
	Admin bool `yaml:"admin"`
}

// Ingest bounds what is accepted from gateways.
type Ingest struct {
	// QueueSize is the bounded queue between the MQTT client and the engine; overflow is counted and dropped.
	QueueSize int `yaml:"queue_size"`
	// MaxPayloadBytes rejects larger payloads before decoding.
	MaxPayloadBytes int `yaml:"max_payload_bytes"`
	// MaxPast rejects reports whose measurement time is older than this, relative to the clock.
	MaxPast time.Duration `yaml:"max_past"`
	// MaxFuture rejects reports whose measurement time is ahead of the clock by more than this.
	MaxFuture time.Duration `yaml:"max_future"`
	// ReorderWindow holds reports this long so they are applied in measurement-time order.
	ReorderWindow time.Duration `yaml:"reorder_window"`
	// LogInterval limits drop logging to one line per (sensor, reason) per interval.
	LogInterval time.Duration `yaml:"log_interval"`
	// SensorRate is the most messages per second one sensor's topic may bring
	// (a token bucket; more are dropped as rate_limited before they reach the
	// engine's queue), so that a flooding gateway cannot starve the others.
	SensorRate float64 `yaml:"sensor_rate"`
	// SensorBurst is how many messages above the rate a sensor may bring at once.
	SensorBurst int `yaml:"sensor_burst"`
}

// ClassValues holds one value per target class.
type ClassValues struct {
	// Surface is the value for vessels.
	Surface float64 `yaml:"surface"`
	// Air is the value for aircraft.
	Air float64 `yaml:"air"`
	// Unknown is the value for targets of unknown class.
	Unknown float64 `yaml:"unknown"`
}

// Tracker tunes the fusion engine.
type Tracker struct {
	// GateChi2 is the chi-square gate on the 2-D Mahalanobis distance (13.82 = 99.9 %).
	GateChi2 float64 `yaml:"gate_chi2"`
	// ConfirmHits is the fewest detections that confirm a tentative track …
	ConfirmHits int `yaml:"confirm_hits"`
	// ConfirmScore … and the track score (log-likelihood ratio of target against clutter) it must reach.
	ConfirmScore float64 `yaml:"confirm_score"`
	// DeleteScore deletes a tentative track whose score falls this far below its best.
	DeleteScore float64 `yaml:"delete_score"`
	// DeleteScoreConfirmed deletes a confirmed track whose score falls this far below its best.
	DeleteScoreConfirmed float64 `yaml:"delete_score_confirmed"`
	// ClutterDensity is the prior density of false detections per m² per scan, before the clutter map has learnt it.
	ClutterDensity float64 `yaml:"clutter_density"`
	// CoastTime deletes a confirmed track not updated for this long.
	CoastTime time.Duration `yaml:"coast_time"`
	// TentativeTimeout deletes a tentative track not updated for this long.
	TentativeTimeout time.Duration `yaml:"tentative_timeout"`
	// MaxSigmaM deletes a track whose position standard deviation grows beyond this.
	MaxSigmaM float64 `yaml:"max_sigma_m"`
	// ProcessNoise is the quiet motion mode's acceleration standard deviation (m/s²) per class.
	ProcessNoise ClassValues `yaml:"process_noise"`
	// ManoeuvreNoise is the manoeuvring motion mode's acceleration standard deviation (m/s²) per class.
	ManoeuvreNoise ClassValues `yaml:"manoeuvre_noise"`
	// OOSMWindow is how far behind the newest applied report a report may be and still be
	// applied, by retrodiction (beyond the reorder window); older ones are dropped as late.
	OOSMWindow time.Duration `yaml:"oosm_window"`
	// MaxSpeed is the largest plausible speed (m/s) per class; it sizes a new track's velocity uncertainty.
	MaxSpeed ClassValues `yaml:"max_speed"`
	// AirAltitudeM: a detection placed above this altitude is an aircraft.
	AirAltitudeM float64 `yaml:"air_altitude_m"`
	// TracksInterval is how often the fused picture is published on {prefix}tracks (negative turns it off).
	TracksInterval time.Duration `yaml:"tracks_interval"`
}

// Rules holds each rule's thresholds.
type Rules struct {
	// EvaluateEvery is how often the rules run over the whole picture (on
	// whole multiples of engine time). A track a report confirms or names
	// is looked at by the rules at once, whatever this says.
	EvaluateEvery time.Duration `yaml:"evaluate_every"`
	// DarkVessel raises an alert for a confirmed surface track with no AIS nearby.
	DarkVessel DarkVessel `yaml:"dark_vessel"`
	// IdentityMismatch: AIS far from the radar track, one MMSI in two places, or an invalid MMSI.
	IdentityMismatch IdentityMismatch `yaml:"identity_mismatch"`
	// GoFast: a fast surface track without AIS.
	GoFast GoFast `yaml:"go_fast"`
	// ZoneEntry: an inbound crossing into a territorial sea or across a maritime boundary.
	ZoneEntry ZoneEntry `yaml:"zone_entry"`
	// CoastApproach: a fast run at the 12 nm line, or a course passing close to the coast.
	CoastApproach CoastApproach `yaml:"coast_approach"`
	// Rendezvous: two slow vessels close together for a long time away from port.
	Rendezvous Rendezvous `yaml:"rendezvous"`
	// Loitering: a vessel nearly stopped for a long time outside anchorages.
	Loitering Loitering `yaml:"loitering"`
	// AISGap: a vessel's AIS silent for too long while radar still holds it.
	AISGap AISGap `yaml:"ais_gap"`
	// LowSlowAircraft: an air track without transponder, low and slow, crossing the land border inbound.
	LowSlowAircraft LowSlowAircraft `yaml:"low_slow_aircraft"`
}

// IdentityMismatch is the identity_mismatch rule.
type IdentityMismatch struct {
	// Enabled turns the rule on (default true).
	Enabled *bool `yaml:"enabled"`
	// MaxOffsetM: an AIS track this far or farther from a dark radar track moving with it disagrees with it.
	MaxOffsetM float64 `yaml:"max_offset_m"`
	// PairRadiusM is how far from an AIS track a radar track moving with it is looked for.
	PairRadiusM float64 `yaml:"pair_radius_m"`
	// SameVelocityMPS: the two tracks' velocities differ by less than this.
	SameVelocityMPS float64 `yaml:"same_velocity_mps"`
	// Hold: the disagreement must last this long.
	Hold time.Duration `yaml:"hold"`
	// MaxImpliedSpeedKn: one MMSI reported at two positions this fast apart is in two places.
	MaxImpliedSpeedKn float64 `yaml:"max_implied_speed_kn"`
	// MinJumpM: jumps shorter than this are noise, whatever the implied speed.
	MinJumpM float64 `yaml:"min_jump_m"`
	// Severity of the alert: low, medium, high or critical.
	Severity string `yaml:"severity"`
	// ClearAfter clears the alert once no mismatch has been seen for this long.
	ClearAfter time.Duration `yaml:"clear_after"`
}

// GoFast is the go_fast rule.
type GoFast struct {
	// Enabled turns the rule on (default true).
	Enabled *bool `yaml:"enabled"`
	// SpeedKn: surface speed above this...
	SpeedKn float64 `yaml:"speed_kn"`
	// Sustain: ...held this long, without AIS.
	Sustain time.Duration `yaml:"sustain"`
	// Severity of the alert: low, medium, high or critical.
	Severity string `yaml:"severity"`
	// ClearAfter clears the alert once the condition has not held for this long.
	ClearAfter time.Duration `yaml:"clear_after"`
}

// ZoneEntry is the zone_entry rule.
type ZoneEntry struct {
	// Enabled turns the rule on (default true).
	Enabled *bool `yaml:"enabled"`
	// Hold is the hysteresis: a track is in a new zone only once it has stayed there this long.
	Hold time.Duration `yaml:"hold"`
	// Identified also watches tracks with an AIS identity (default false: cooperative traffic enters waters all day).
	Identified bool `yaml:"identified"`
	// Severity of the alert: low, medium, high or critical.
	Severity string `yaml:"severity"`
	// ActiveFor: the alert of a crossing is cleared this long after it, or when the track leaves the zone.
	ActiveFor time.Duration `yaml:"active_for"`
}

// CoastApproach is the coast_approach rule.
type CoastApproach struct {
	// Enabled turns the rule on (default true).
	Enabled *bool `yaml:"enabled"`
	// SpeedKn: faster than this and closing on a territorial sea...
	SpeedKn float64 `yaml:"speed_kn"`
	// TimeToLine: ...reached within this (the 12 nm line).
	TimeToLine time.Duration `yaml:"time_to_line"`
	// ClosestApproachM: a predicted course passing closer than this to the coast (within time_to_line).
	ClosestApproachM float64 `yaml:"closest_approach_m"`
	// Identified also watches tracks with an AIS identity (default false).
	Identified bool `yaml:"identified"`
	// Severity of the alert: low, medium, high or critical.
	Severity string `yaml:"severity"`
	// ClearAfter clears the alert once the condition has not held for this long.
	ClearAfter time.Duration `yaml:"clear_after"`
}

// Rendezvous is the rendezvous rule.
type Rendezvous struct {
	// Enabled turns the rule on (default true).
	Enabled *bool `yaml:"enabled"`
	// DistanceM: two vessels within this of each other...
	DistanceM float64 `yaml:"distance_m"`
	// Duration: ...for this long...
	Duration time.Duration `yaml:"duration"`
	// MaxSpeedKn: ...both slower than this, outside port and anchorage areas.
	MaxSpeedKn float64 `yaml:"max_speed_kn"`
	// Severity of the alert: low, medium, high or critical.
	Severity string `yaml:"severity"`
	// ClearAfter clears the alert once the condition has not held for this long.
	ClearAfter time.Duration `yaml:"clear_after"`
}

// Loitering is the loitering rule.
type Loitering struct {
	// Enabled turns the rule on (default true).
	Enabled *bool `yaml:"enabled"`
	// MaxSpeedKn: slower than this...
	MaxSpeedKn float64 `yaml:"max_speed_kn"`
	// Duration: ...for this long, outside anchorages and ports.
	Duration time.Duration `yaml:"duration"`
	// Severity of the alert: low, medium, high or critical.
	Severity string `yaml:"severity"`
	// ClearAfter clears the alert once the condition has not held for this long.
	ClearAfter time.Duration `yaml:"clear_after"`
}

// AISGap is the ais_gap rule.
type AISGap struct {
	// Enabled turns the rule on (default true).
	Enabled *bool `yaml:"enabled"`
	// Factor: AIS silent for longer than the class's expected reporting interval times this.
	Factor float64 `yaml:"factor"`
	// MinGap: never less than this (the fast-vessel intervals of 2 s would otherwise make seconds a gap).
	MinGap time.Duration `yaml:"min_gap"`
	// RadarWindow: a non-cooperative sensor must have updated the track this recently.
	RadarWindow time.Duration `yaml:"radar_window"`
	// Severity of the alert: low, medium, high or critical.
	Severity string `yaml:"severity"`
	// ClearAfter clears the alert once the condition has not held for this long.
	ClearAfter time.Duration `yaml:"clear_after"`
}

// LowSlowAircraft is the low_slow_aircraft rule.
type LowSlowAircraft struct {
	// Enabled turns the rule on (default true).
	Enabled *bool `yaml:"enabled"`
	// MaxSpeedKn: slower than this...
	MaxSpeedKn float64 `yaml:"max_speed_kn"`
	// MaxAltitudeFt: ...and lower than this...
	MaxAltitudeFt float64 `yaml:"max_altitude_ft"`
	// Hold: ...and on the other side of the land border for this long (hysteresis).
	Hold time.Duration `yaml:"hold"`
	// Severity of the alert: low, medium, high or critical.
	Severity string `yaml:"severity"`
	// ActiveFor: the alert of a crossing is cleared this long after it.
	ActiveFor time.Duration `yaml:"active_for"`
}

// KeyPath returns the signing key file in force: KeyFile, or the default
// under the user's configuration directory.
func (c *Config) KeyPath() (string, error) {
	if c.Signing.KeyFile != "" {
		return c.Signing.KeyFile, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("signing key: no key_file set and no user config directory: %w", err)
	}
	return filepath.Join(dir, "vigia", c.Instance+"-ed25519.pem"), nil
}

// StatePath returns the state directory in force: StateDir, or the default
// under the user's state directory.
func (c *Config) StatePath() (string, error) {
	if c.StateDir != "" {
		return c.StateDir, nil
	}
	base := os.Getenv("XDG_STATE_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("state: no state_dir set and no home directory: %w", err)
		}
		base = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(base, "vigia", c.Instance), nil
}

// Signing is the instance's Ed25519 alert signing key.
type Signing struct {
	// KeyFile is the PEM private key; generated on first run (with KEY.pub beside it) when missing.
	// Empty: {user config dir}/vigia/{instance}-ed25519.pem (e.g. ~/.config/vigia/gulf-1-ed25519.pem).
	KeyFile string `yaml:"key_file"`
}

// DarkVessel is the dark_vessel rule: a confirmed surface track with no AIS
// identity within AISRadiusM and AISWindow.
type DarkVessel struct {
	// Enabled turns the rule on (default true).
	Enabled *bool `yaml:"enabled"`
	// AISRadiusM is how close an AIS report must be to count for the track.
	AISRadiusM float64 `yaml:"ais_radius_m"`
	// AISWindow is how recent an AIS report must be; the track must also have been held this long.
	AISWindow time.Duration `yaml:"ais_window"`
	// Severity of the alert: low, medium, high or critical.
	Severity string `yaml:"severity"`
	// ClearAfter clears the alert once AIS has been heard for the track for this long, or the track is lost.
	ClearAfter time.Duration `yaml:"clear_after"`
}

// Sharing is the routing policy among agencies.
type Sharing struct {
	// Horizon: an agency whose waters the track is predicted to enter within it gets the alert.
	Horizon time.Duration `yaml:"horizon"`
	// HighSeas are the agencies that get alerts for tracks in no country's waters.
	HighSeas []string `yaml:"high_seas"`
	// CriticalToAll sends critical alerts to every agency.
	CriticalToAll *bool `yaml:"critical_to_all"`
	// BoundaryM: a track within this distance of a maritime boundary goes to the agencies of both sides.
	BoundaryM float64 `yaml:"boundary_m"`
}

// Zones names the zone data.
type Zones struct {
	// File is a GeoJSON FeatureCollection with "country" and "zone" properties; empty uses the built-in set.
	File string `yaml:"file"`
}

// Sensor is one gateway's sensor.
type Sensor struct {
	// ID is the sensor's id, as in the topic and the report's "sensor" field.
	ID string `yaml:"id"`
	// Kind is aircraft, aerostat, radar, ais or adsb.
	Kind string `yaml:"kind"`
	// Format is the payload format: json (nmea, sbs and asterix are planned).
	Format string `yaml:"format"`
	// Topic overrides the default {prefix}obs/{kind}/{id}.
	Topic string `yaml:"topic"`
	// Position of a fixed sensor; moving platforms (aircraft) report theirs.
	Position *Position `yaml:"position"`
	// SigmaRangeM is the default range standard deviation of polar detections.
	SigmaRangeM float64 `yaml:"sigma_range_m"`
	// SigmaBearingDeg is the default bearing standard deviation of polar detections.
	SigmaBearingDeg float64 `yaml:"sigma_bearing_deg"`
	// SigmaM is the default circular standard deviation of geodetic detections.
	SigmaM float64 `yaml:"sigma_m"`
	// RangeM is the sensor's coverage radius (0: unlimited); a track outside it is not missed by it.
	RangeM float64 `yaml:"range_m"`
	// Pd is the probability of detection.
	Pd float64 `yaml:"pd"`
	// Class is the class of what the sensor sees when a detection does not say (surface, air, unknown).
	Class string `yaml:"class"`
	// MaxRate overrides ingest.sensor_rate for this sensor (messages/s; 0: the ingest default).
	MaxRate float64 `yaml:"max_rate"`
	// MaxPast and MaxFuture override ingest.max_past / max_future for this sensor:
	// its clock-offset tolerance (0: the ingest values).
	MaxPast   time.Duration `yaml:"max_past"`
	MaxFuture time.Duration `yaml:"max_future"`
	// Time is where measurement times come from: "payload" (the time the
	// format carries, the receive time where it carries none) or "receive"
	// (always the receive time, for a gateway whose clock is not trusted).
	Time string `yaml:"time"`
	// TimeZone is the IANA zone of the SBS date and time fields (default UTC).
	TimeZone string `yaml:"time_zone"`
	// CAT062Edition is the edition of an ASTERIX sensor's CAT062 blocks:
	// "" (1.18–1.21), "0.17", or "auto".
	CAT062Edition string `yaml:"cat062_edition"`
}

// Agency is a coast guard alerts are shared with.
type Agency struct {
	// ID is the agency's id: uscg, semar, ccg.
	ID string `yaml:"id"`
	// Name is the agency's full name.
	Name string `yaml:"name"`
	// Country is the ISO 3166 alpha-2 code of the waters it acts in (US, MX, CA).
	Country string `yaml:"country"`
	// Format of its alerts: json, cot (Cursor-on-Target XML) or cap (OASIS CAP 1.2).
	Format string `yaml:"format"`
	// Topic overrides the default {prefix}alerts/{id}.
	Topic string `yaml:"topic"`
}

// Asset is an interceptor of an agency.
type Asset struct {
	// ID names the asset (e.g. USCGC-RAYMOND-EVANS).
	ID string `yaml:"id"`
	// Agency is the id of the agency it belongs to.
	Agency string `yaml:"agency"`
	// Kind is cutter, boat, helicopter or aircraft.
	Kind string `yaml:"kind"`
	// Home is where it waits before a live position arrives.
	Home Position `yaml:"home"`
	// MaxSpeedMPS is its top speed.
	MaxSpeedMPS float64 `yaml:"max_speed_mps"`
	// ResponseDelay is how long it takes to get under way (default by kind: boat 5m, cutter 10m, helicopter 15m, aircraft 20m).
	ResponseDelay time.Duration `yaml:"response_delay"`
}

// Log sets the log output.
type Log struct {
	// Level is debug, info, warn or error.
	Level string `yaml:"level"`
	// Format is text or json.
	Format string `yaml:"format"`
}

// SensorByID returns the sensor with that id.
func (c *Config) SensorByID(id string) (*Sensor, bool) {
	for i := range c.Sensors {
		if c.Sensors[i].ID == id {
			return &c.Sensors[i], true
		}
	}
	return nil, false
}

// AgencyByID returns the agency with that id.
func (c *Config) AgencyByID(id string) (*Agency, bool) {
	for i := range c.Agencies {
		if c.Agencies[i].ID == id {
			return &c.Agencies[i], true
		}
	}
	return nil, false
}

// IsFixed reports whether a sensor of this kind stands still (its position comes from config).
func (s *Sensor) IsFixed() bool { return s.Kind != "aircraft" }
