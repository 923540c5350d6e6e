package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"

	"github.com/vigia-project/vigia/recording"
)

// cmdRecord records live feeds from a broker into a recording file until
// interrupted (or -for), then prints what it recorded.
func cmdRecord(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("record", flag.ContinueOnError)
	fs.SetOutput(stderr)
	brokerURL := fs.String("broker", "", "MQTT broker URL, e.g. tcp://127.0.0.1:1883")
	topics := fs.String("topics", "", "topic filters to record, comma-separated, e.g. vigia/obs/#")
	out := fs.String("out", "", "recording file, JSON Lines (.gz: gzipped); an existing plain file is appended to")
	rotateSize := fs.String("rotate-size", "0", "start a new file before this many bytes of JSON Lines (uncompressed; k, M, G: KiB, MiB, GiB); 0: never")
	rotateEvery := fs.Duration("rotate-every", 0, "start a new file after this long; 0: never. Finished files are renamed REC-<start time>")
	clientID := fs.String("client-id", "", "fixed MQTT client id, which keeps the broker session across reconnects; default: a random one")
	dur := fs.Duration("for", 0, "stop after this long; 0: until interrupted")
	queue := fs.Int("queue", 65536, "messages held between the broker and the file; beyond that they are dropped and counted")
	verbose := fs.Bool("v", false, "log connections and subscriptions too")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "vigia record: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	filters := splitCommaList(*topics)
	if *brokerURL == "" || len(filters) == 0 || *out == "" {
		fmt.Fprintln(stderr, "vigia record: give -broker URL, -topics FILTER[,FILTER…] and -out REC")
		return 2
	}
	maxBytes, err := parseByteCount(*rotateSize)
	if err != nil {
		fmt.Fprintf(stderr, "vigia record: -rotate-size: %v\n", err)
		return 2
	}
	if *rotateEvery < 0 || *dur < 0 || *queue <= 0 {
		fmt.Fprintln(stderr, "vigia record: -rotate-every and -for must not be negative, -queue must be positive")
		return 2
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelInfo
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	w, err := recording.NewWriter(*out, recording.WriterOptions{MaxBytes: maxBytes, MaxAge: *rotateEvery})
	if err != nil {
		fmt.Fprintf(stderr, "vigia record: %v\n", err)
		return 1
	}
	rec, err := recording.NewRecorder(recording.RecorderOptions{Broker: *brokerURL, Topics: filters, ClientID: *clientID,
		Out: w, QueueSize: *queue, Logger: log})
	if err != nil {
		w.Close()
		fmt.Fprintf(stderr, "vigia record: %v\n", err)
		return 2
	}
	if *dur > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *dur)
		defer cancel()
	}
	fmt.Fprintf(stdout, "vigia record: recording %s from %s to %s (interrupt to stop)\n", strings.Join(filters, ", "), *brokerURL, *out)
	runErr := rec.Run(ctx) // closes w

	rs, ws := rec.Stats(), w.Stats()
	files := strings.Join(ws.Files, ", ")
	if len(ws.Files) > 4 {
		files = ws.Files[0] + " … " + ws.Files[len(ws.Files)-1]
	}
	fmt.Fprintf(stdout, "vigia record: %d messages, %s in %d file(s) (%s); %d dropped\n",
		ws.Entries, formatByteCount(ws.Bytes), len(ws.Files), files, rs.Dropped)
	if runErr != nil {
		fmt.Fprintf(stderr, "vigia record: %v\n", runErr)
		return 1
	}
	if rs.Dropped > 0 {
		fmt.Fprintf(stderr, "vigia record: %d messages dropped: the file could not keep up (raise -queue or use faster storage)\n", rs.Dropped)
	}
	return 0
}

// splitCommaList splits a comma-separated flag value, dropping empty items.
func splitCommaList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// parseByteCount reads a byte count with an optional k, M or G suffix (powers of 1024).
func parseByteCount(s string) (int64, error) {
	mult := int64(1)
	t := strings.TrimSuffix(strings.TrimSpace(s), "B")
	if n := len(t); n > 0 {
		switch t[n-1] {
		case 'k', 'K':
			mult, t = 1<<10, t[:n-1]
		case 'M':
			mult, t = 1<<20, t[:n-1]
		case 'G':
			mult, t = 1<<30, t[:n-1]
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("%q is not a byte count (e.g. 500M)", s)
	}
	return n * mult, nil
}

// formatByteCount writes n bytes for a person.
func formatByteCount(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
