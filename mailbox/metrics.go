package mailbox

import "github.com/prometheus/client_golang/prometheus"

type metrics struct {
	sessions *prometheus.GaugeVec   // open connections by service and state
	logins   *prometheus.CounterVec // login attempts by service and result
	refused  *prometheus.CounterVec // connections refused over the limits
	bytes    *prometheus.CounterVec // spliced bytes by service and direction
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		sessions: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "mailaudit_mailbox_sessions", Help: "Open mailbox proxy connections."}, []string{"service", "state"}),
		logins:   prometheus.NewCounterVec(prometheus.CounterOpts{Name: "mailaudit_mailbox_logins_total", Help: "Mailbox login attempts by result."}, []string{"service", "result"}),
		refused:  prometheus.NewCounterVec(prometheus.CounterOpts{Name: "mailaudit_mailbox_refused_total", Help: "Mailbox connections refused over the connection limits."}, []string{"service"}),
		bytes:    prometheus.NewCounterVec(prometheus.CounterOpts{Name: "mailaudit_mailbox_bytes_total", Help: "Bytes moved by logged-in mailbox sessions."}, []string{"service", "direction"}),
	}
	if reg != nil {
		reg.MustRegister(m.sessions, m.logins, m.refused, m.bytes)
	}
	return m
}
