package loadtest

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// WriteText writes a result as tables and summary lines.
func WriteText(w io.Writer, r *Result) error {
	broker := r.Broker
	if r.Broker == "embedded" {
		broker = "embedded (mochi-mqtt, in the daemon's process)"
	} else if r.Broker == "mosquitto" {
		broker = "mosquitto " + r.BrokerURL + " (started by the bench)"
	}
	targets, clutter := split(r.PerReport)
	fmt.Fprintf(w, "broker: %s; reports QoS %d; %d detections per report (%d targets + %d clutter, one scan); %d radars, %d targets; %d publishers\n",
		broker, r.QoS, r.PerReport, targets, clutter, r.Radars, r.Targets, r.Publishers)
	if len(r.Steps) > 0 {
		fmt.Fprintf(w, "\nramp, %.0f s per step:\n", r.StepS)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "offered/s\tpublished/s\tapplied/s\tmessages\treceived\tgap\tdropped\tbroker drop\trejected\tqueue max\tqueue 1st→4th qtr\ttrend/s\tdrain s\tresult\t")
		for _, s := range r.Steps {
			res := "pass"
			if !s.Pass {
				res = "FAIL"
			}
			fmt.Fprintf(tw, "%.0f\t%.0f\t%.0f\t%d\t%d\t%d\t%d\t%d\t%d\t%.0f\t%.0f→%.0f\t%+.0f\t%.1f\t%s\t\n",
				s.Offered, s.Published, s.Applied, s.Messages, s.Received, s.Gap, s.Dropped, s.BrokerDropped, s.Rejected,
				s.QueueMax, s.QueueFirst, s.QueueLast, s.QueueSlope, s.DrainS, res)
		}
		tw.Flush()
		for _, s := range r.Steps {
			if !s.Pass {
				fmt.Fprintf(w, "step %.0f/s failed: %s\n", s.Offered, s.Why)
			}
		}
		if r.MaxSustained > 0 {
			fmt.Fprintf(w, "highest sustained rate with zero drops: %.0f detections/s offered (%.0f applied/s)\n", r.MaxSustained, r.MaxApplied)
		} else {
			fmt.Fprintln(w, "highest sustained rate with zero drops: none of the steps passed")
		}
	}
	if len(r.Latency) > 0 {
		fmt.Fprintln(w, "\nlatency, report publish → alert receipt (identity_mismatch on a new AIS track), ms:")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "reorder window\tbackground/s\tprobes\tphase\tp50\tp90\tp99\tmax\tmin\tno alert\tbg gap\tdropped\trejected\t")
		for _, l := range r.Latency {
			for _, x := range []struct {
				name string
				s    Stats
			}{{"random", l.Random}, {"aligned", l.Aligned}} {
				fmt.Fprintf(tw, "%gms\t%.0f\t%d\t%s\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%d\t%d\t%d\t%d\t\n", l.ReorderWindowMS, l.BackgroundDPS,
					x.s.Probes, x.name, x.s.P50, x.s.P90, x.s.P99, x.s.Max, x.s.Min, x.s.Missing, l.BackgroundGap, l.Dropped, l.Rejected)
			}
		}
		tw.Flush()
		fmt.Fprintln(w, "random: probes at random phases of the second; aligned: published 20 ms before a whole second.")
		fmt.Fprintln(w, "bounds: a report is held ingest.reorder_window, then applied; the rules run at once on a track it")
		fmt.Fprintln(w, "confirms or names, and the alert is journaled (one disk sync per batch) before it is published.")
	}
	return nil
}
