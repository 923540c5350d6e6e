package daemon

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are the daemon's Prometheus series, on a registry of its own so
// that several daemons can run in one process (tests, the demo).
type metrics struct {
	reg *prometheus.Registry

	received      *prometheus.CounterVec // sensor
	dropped       *prometheus.CounterVec // sensor, reason
	detections    *prometheus.CounterVec // sensor
	rejected      *prometheus.CounterVec // sensor, reason (single detections)
	tracks        *prometheus.GaugeVec   // state
	alerts        *prometheus.CounterVec // rule, agency, state
	published     prometheus.Histogram
	pubRetries    prometheus.Counter
	connected     prometheus.Gauge
	kinds         *prometheus.CounterVec // sensor, kind
	clockOffset   *prometheus.GaugeVec   // sensor
	acks          *prometheus.CounterVec // agency
	journalErrors prometheus.Counter
}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.received = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vigia_reports_received_total",
		Help: "Sensor reports received from MQTT, by sensor (the sensor whose topic they came on)."}, []string{"sensor"})
	m.dropped = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vigia_reports_dropped_total",
		Help: "Sensor reports dropped, by sensor and reason."}, []string{"sensor", "reason"})
	m.detections = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vigia_detections_total",
		Help: "Detections applied to the track picture, by sensor."}, []string{"sensor"})
	m.rejected = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vigia_detections_rejected_total",
		Help: "Single detections refused inside an accepted report, by sensor and reason."}, []string{"sensor", "reason"})
	m.tracks = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "vigia_tracks",
		Help: "Live tracks by state."}, []string{"state"})
	m.alerts = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vigia_alerts_total",
		Help: "Alert revisions published, by rule, agency and state."}, []string{"rule", "agency", "state"})
	m.published = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "vigia_alert_publish_seconds",
		Help:    "Time from handing an alert revision to the MQTT client to the broker's acknowledgement.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16)})
	m.acks = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vigia_acks_total",
		Help: "Operators' acknowledgements recorded on alerts, by agency (refused ones count as drops of sensor \"acks\")."},
		[]string{"agency"})
	m.journalErrors = prometheus.NewCounter(prometheus.CounterOpts{Name: "vigia_journal_errors_total",
		Help: "Alert journal writes or removals that failed (the alert was still published)."})
	m.pubRetries = prometheus.NewCounter(prometheus.CounterOpts{Name: "vigia_alert_publish_retries_total",
		Help: "Alert publishes that failed or timed out and were tried again."})
	m.connected = prometheus.NewGauge(prometheus.GaugeOpts{Name: "vigia_broker_connected",
		Help: "1 while the daemon's MQTT client is connected to the broker."})
	m.kinds = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vigia_reports_decoded_total",
		Help: "Reports decoded, by sensor and kind (observation, static, base_station, aid_to_navigation, service)."}, []string{"sensor", "kind"})
	m.clockOffset = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "vigia_sensor_clock_offset_seconds",
		Help: "Receive time minus the time an AIS base station reported, by sensor: the receiver's clock offset and latency."}, []string{"sensor"})
	m.reg.MustRegister(m.journalErrors, m.acks, m.kinds, m.clockOffset, m.received, m.dropped, m.detections, m.rejected, m.tracks, m.alerts, m.published, m.pubRetries, m.connected,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}
