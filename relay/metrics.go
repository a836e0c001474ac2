package relay

import "github.com/prometheus/client_golang/prometheus"

type metrics struct {
	sessions   prometheus.Gauge
	refused    *prometheus.CounterVec // reason
	messages   *prometheus.CounterVec // action
	auth       *prometheus.CounterVec // result
	bytes      prometheus.Counter
	upstreamMS prometheus.Histogram
	inspectMS  prometheus.Histogram
	auditFail  prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		sessions: prometheus.NewGauge(prometheus.GaugeOpts{Name: "mailaudit_relay_sessions", Help: "Open client sessions."}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "mailaudit_relay_connections_refused_total", Help: "Connections refused before the greeting."},
			[]string{"reason"}),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "mailaudit_relay_messages_total", Help: "Messages by what the relay did with them."},
			[]string{"action"}),
		auth: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "mailaudit_relay_auth_total", Help: "AUTH attempts by result."},
			[]string{"result"}),
		bytes: prometheus.NewCounter(prometheus.CounterOpts{Name: "mailaudit_relay_message_bytes_total", Help: "Message bytes received."}),
		upstreamMS: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "mailaudit_relay_upstream_seconds", Help: "Time from the final dot to the upstream's reply.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16)}),
		inspectMS: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "mailaudit_relay_inspect_seconds", Help: "Time to classify and apply policy to one message.",
			Buckets: prometheus.ExponentialBuckets(0.00005, 2, 16)}),
		auditFail: prometheus.NewCounter(prometheus.CounterOpts{Name: "mailaudit_relay_audit_record_failures_total", Help: "Audit records that could not be kept after the upstream accepted the message."}),
	}
	if reg != nil {
		reg.MustRegister(m.sessions, m.refused, m.messages, m.auth, m.bytes, m.upstreamMS, m.inspectMS, m.auditFail)
	}
	return m
}
