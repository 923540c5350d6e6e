package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/vigia-project/vigia/config"
	"github.com/vigia-project/vigia/loadtest"
)

// cmdBench runs the daemon in this process under simulated gateways'
// load through a real broker: the highest detection rate it sustains with
// zero drops, and the latency from a report's publication to its alert.
func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	brokerURL := fs.String("broker", "", "an external broker (tcp://host:port); default: the daemon's embedded broker")
	mosq := fs.Bool("mosquitto", false, "start "+loadtest.DefaultMosquitto+" on a free loopback port, configured for the load")
	mosqPath := fs.String("mosquitto-path", loadtest.DefaultMosquitto, "the mosquitto binary for -mosquitto")
	rates := fs.String("rates", "10000,25000,50000,100000,200000,400000", "ramp steps, detections/s; the ramp stops at the first failing step")
	stepDur := fs.Duration("step", 10*time.Second, "how long each rate is offered")
	perReport := fs.Int("per-report", 50, "detections per report message (one radar scan: 80% targets, the rest clutter)")
	radars := fs.Int("radars", 8, "bench radars sharing the load (non-overlapping coverages)")
	publishers := fs.Int("publishers", 4, "MQTT clients publishing the reports")
	qos := fs.Int("qos", 1, "QoS of the reports, 0 or 1")
	latRate := fs.Float64("latency-rate", 10000, "background load during the latency runs, detections/s")
	probes := fs.Int("probes", 200, "probes per latency run at random phases (plus a quarter as many aligned)")
	windows := fs.String("reorder", "20ms,1s", "ingest.reorder_window values the latency is measured with (20ms is the default setting)")
	noRamp := fs.Bool("no-ramp", false, "skip the throughput ramp")
	noLatency := fs.Bool("no-latency", false, "skip the latency runs")
	asJSON := fs.Bool("json", false, "print the result as one JSON object")
	verbose := fs.Bool("v", false, "log the daemons' warnings (drops, reconnections) on stderr")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "vigia bench: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *mosq && *brokerURL != "" {
		fmt.Fprintln(stderr, "vigia bench: -broker and -mosquitto exclude each other")
		return 2
	}
	if *qos != 0 && *qos != 1 {
		fmt.Fprintf(stderr, "vigia bench: -qos %d: 0 or 1\n", *qos)
		return 2
	}
	o := loadtest.Options{BrokerURL: *brokerURL, Mosquitto: *mosq, MosquittoPath: *mosqPath, Step: *stepDur,
		PerReport: *perReport, Radars: *radars, Publishers: *publishers, QoS: byte(*qos), LatencyRate: *latRate,
		Probes: *probes, NoRamp: *noRamp, NoLatency: *noLatency}
	for f := range strings.SplitSeq(*rates, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || !(v > 0) {
			fmt.Fprintf(stderr, "vigia bench: -rates: %q is not a positive rate\n", f)
			return 2
		}
		o.Rates = append(o.Rates, v)
	}
	for f := range strings.SplitSeq(*windows, ",") {
		v, err := time.ParseDuration(strings.TrimSpace(f))
		if err != nil || v <= 0 {
			fmt.Fprintf(stderr, "vigia bench: -reorder: %q is not a positive duration\n", f)
			return 2
		}
		o.ReorderWindows = append(o.ReorderWindows, v)
	}
	if *perReport < 2 || *stepDur <= 0 || *probes < 1 || !(*latRate > 0) {
		fmt.Fprintln(stderr, "vigia bench: -per-report must be ≥ 2, -step, -probes and -latency-rate positive")
		return 2
	}
	level := "error"
	if *verbose {
		level = "warn"
	}
	o.Logger = newLogger(stderr, config.Log{Level: level, Format: "text"})
	o.Progress = func(format string, args ...any) {
		fmt.Fprintf(stderr, "vigia bench: "+format+"\n", args...)
	}
	res, err := loadtest.Run(ctx, o)
	if res != nil {
		if *asJSON {
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			enc.Encode(res)
		} else {
			loadtest.WriteText(stdout, res)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "vigia bench: %v\n", err)
		return 1
	}
	return 0
}
