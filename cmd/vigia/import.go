package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/vigia-project/vigia/config"
	"github.com/vigia-project/vigia/importer"
)

// cmdImport turns a log a gateway or receiver wrote into a recording
// (SPEC §6 `vigia import`); see package importer for the rules.
func cmdImport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "", "format of the log: nmea, sbs or asterix (required)")
	sensor := fs.String("sensor", "", "sensor id: the last topic level, and the sensor looked up in the configuration (required)")
	in := fs.String("in", "", "log to read; .gz is decompressed (required)")
	out := fs.String("out", "", "recording to write; .gz is gzipped (required)")
	kind := fs.String("kind", "", "topic kind: ais, radar, adsb, aircraft, aerostat (default: the configured sensor's, else ais for nmea, adsb for sbs, radar for asterix)")
	prefix := fs.String("prefix", "", `topic prefix (default: the configuration's topic_prefix, "vigia/")`)
	cfgPath := fs.String("config", "", "configuration that describes the sensor (default: the built-in configuration)")
	start := fs.String("start", "", "RFC 3339 time of the first entry of a log without times, and of lines before a log's first time")
	interval := fs.Duration("interval", importer.DefaultInterval, "time between successive entries timed from -start")
	zone := fs.String("time-zone", "", "IANA zone of SBS dates and times (default: the sensor's time_zone, else UTC)")
	qos := fs.Int("qos", 0, "QoS of the entries (0, 1 or 2)")
	port := fs.Int("port", 0, "asterix captures: keep only UDP datagrams to or from this port (0: all)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "vigia import: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *format == "" || *sensor == "" || *in == "" || *out == "" {
		fmt.Fprintln(stderr, "vigia import: -format, -sensor, -in and -out are required")
		fs.Usage()
		return 2
	}
	switch *format {
	case importer.FormatNMEA, importer.FormatSBS, importer.FormatASTERIX:
	default:
		fmt.Fprintf(stderr, "vigia import: -format %q: want nmea, sbs or asterix\n", *format)
		return 2
	}
	if *qos < 0 || *qos > 2 {
		fmt.Fprintf(stderr, "vigia import: -qos %d: want 0, 1 or 2\n", *qos)
		return 2
	}
	if *interval <= 0 {
		fmt.Fprintf(stderr, "vigia import: -interval %s: want a positive duration\n", *interval)
		return 2
	}
	if strings.ContainsAny(*sensor, "/+#") {
		fmt.Fprintf(stderr, "vigia import: -sensor %q: a topic level, without '/', '+' or '#'\n", *sensor)
		return 2
	}
	o := importer.Options{Format: *format, QoS: byte(*qos), Interval: *interval, UDPPort: *port}
	if *start != "" {
		t, err := time.Parse(time.RFC3339Nano, *start)
		if err != nil {
			fmt.Fprintf(stderr, "vigia import: -start %q: %v\n", *start, err)
			return 2
		}
		o.Start = t
	}

	c, err := loadConfig(*cfgPath)
	if err != nil {
		fmt.Fprintf(stderr, "vigia import: %v\n", err)
		return 1
	}
	s, known := c.SensorByID(*sensor)
	pfx := c.TopicPrefix
	if *prefix != "" {
		pfx = *prefix
	}
	k := importer.DefaultKind(*format)
	switch {
	case *kind != "":
		k = *kind
	case known:
		k = s.Kind
	}
	o.Topic = importer.Topic(pfx, k, *sensor)
	if known {
		if *kind == "" && *prefix == "" {
			o.Topic = s.Topic // the configured topic, which may be overridden
		}
		if s.Format != *format {
			fmt.Fprintf(stderr, "vigia import: warning: sensor %s is configured with format %q, the recording holds %s payloads: set format: %s for it to replay\n",
				*sensor, s.Format, *format, *format)
		}
	} else {
		fmt.Fprintf(stderr, "vigia import: note: sensor %s is not in the configuration %s: topic %s\n", *sensor, configName(*cfgPath), o.Topic)
	}
	tz := *zone
	if tz == "" && known {
		tz = s.TimeZone
	} else if tz != "" && known && s.TimeZone != "" && s.TimeZone != tz {
		fmt.Fprintf(stderr, "vigia import: warning: -time-zone %s, but sensor %s is configured with time_zone %s\n", tz, *sensor, s.TimeZone)
	}
	if tz != "" {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			fmt.Fprintf(stderr, "vigia import: -time-zone %q: %v\n", tz, err)
			return 2
		}
		o.Location = loc
	}

	res, err := importer.ImportFile(ctx, *in, *out, o)
	if err != nil {
		if errors.Is(err, importer.ErrNoTime) {
			fmt.Fprintf(stderr, "vigia import: %s: %v\n", *in, err)
		} else {
			fmt.Fprintf(stderr, "vigia import: %v\n", err)
		}
		if res != nil && res.Read > 0 {
			fmt.Fprint(stderr, res.Summary())
		}
		return 1
	}
	fmt.Fprintf(stdout, "%s → %s on %s\n", *in, *out, o.Topic)
	fmt.Fprint(stdout, res.Summary())
	return 0
}

func configName(path string) string {
	if path == "" {
		return config.BuiltinName
	}
	return path
}
