package mailbox

import (
	"context"
	"time"
)

// sweepEvery is how often the guard is asked for refusal counts whose
// report period (a minute) ended without another attempt to carry them.
const sweepEvery = 15 * time.Second

func (p *Proxy) sweepLoop() {
	t := time.NewTicker(sweepEvery)
	defer t.Stop()
	for {
		select {
		case <-p.stopSweep:
			return
		case <-t.C:
			p.reportRefusals()
		}
	}
}

// reportRefusals writes the refusal counts of locked addresses as one
// auth_events row each. The guard is the gateway's and the SMTP relay
// sweeps it too: each count comes out of one sweep only, so whichever side
// takes it writes it, under the service the refusals came over.
func (p *Proxy) reportRefusals() {
	cfg := p.runtime().Config
	for _, r := range p.guard.Sweep() {
		ev := r.Event(cfg.Instance)
		if err := p.sink.RecordAuth(context.Background(), ev); err != nil {
			p.log.Error("mailbox login audit record lost", "client", ev.ClientIP, "err", err)
		}
	}
}
