package classify

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the classifier's counters. They live on a registry the
// caller passes in (no global state) and outlive a reload: the daemon
// makes one Metrics and hands it to every Classifier it builds.
type Metrics struct {
	panics prometheus.Counter
}

// NewMetrics registers the classifier's counters on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		panics: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mailaudit_classify_panics_total",
			Help: "Messages whose classification panicked (verdict khong_xac_dinh with a \"panic: …\" error). Any value above zero is a bug.",
		}),
	}
	reg.MustRegister(m.panics)
	return m
}

func (m *Metrics) panicked() {
	if m != nil {
		m.panics.Inc()
	}
}
