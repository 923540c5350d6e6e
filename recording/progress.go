package recording

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// ProgressPrinter shows a replay's Progress: on a terminal as one line
// rewritten in place ('\r'), elsewhere (a log file, a pipe) as a line every
// Every and a summary at the end.
type ProgressPrinter struct {
	W        io.Writer     // where the lines go
	Terminal bool          // rewrite one line in place
	Every    time.Duration // between lines off a terminal; default 10 s

	printed bool          // a line was printed
	last    time.Duration // Elapsed at the last line off a terminal
	width   int           // length of the line on the terminal
}

// Update shows p; pass it as ReplayerOptions.Progress.
func (pp *ProgressPrinter) Update(p Progress) {
	every := pp.Every
	if every <= 0 {
		every = 10 * time.Second
	}
	switch {
	case p.Done && pp.Terminal:
		pp.rewrite("")
		fmt.Fprintln(pp.W, Summary(p))
	case p.Done:
		fmt.Fprintln(pp.W, Summary(p))
	case pp.Terminal:
		pp.rewrite(progressLine(p))
	case !pp.printed || p.Elapsed-pp.last >= every:
		fmt.Fprintln(pp.W, progressLine(p))
		pp.printed, pp.last = true, p.Elapsed
	}
}

// rewrite replaces the terminal line with s.
func (pp *ProgressPrinter) rewrite(s string) {
	pad := max(pp.width-len(s), 0)
	fmt.Fprintf(pp.W, "\r%s%s", s, strings.Repeat(" ", pad))
	if s == "" {
		fmt.Fprint(pp.W, "\r")
	}
	pp.width = len(s)
}

// progressLine is one progress report: sent/total, scene time, rate, ETA.
func progressLine(p Progress) string {
	var b strings.Builder
	if p.Total > 0 {
		fmt.Fprintf(&b, "replay: %d/%d sent (%.1f%%)", p.Sent, p.Total, 100*float64(p.Sent)/float64(p.Total))
	} else {
		fmt.Fprintf(&b, "replay: %d sent", p.Sent)
	}
	fmt.Fprintf(&b, ", scene %s, %.1f msg/s", p.Scene.UTC().Format("2006-01-02 15:04:05Z"), p.Rate())
	if eta, ok := p.ETA(); ok {
		fmt.Fprintf(&b, ", ETA %s", eta.Round(time.Second))
	}
	return b.String()
}

// Summary is the line that ends a replay.
func Summary(p Progress) string {
	if p.Sent == 0 {
		return "replay: nothing to send (empty recording)"
	}
	return fmt.Sprintf("replay: %d messages sent in %s (%.1f msg/s); scene %s – %s (%s)",
		p.Sent, p.Elapsed.Round(time.Millisecond), p.Rate(),
		p.SceneStart.UTC().Format(time.RFC3339), p.Scene.UTC().Format(time.RFC3339),
		p.Scene.Sub(p.SceneStart).Round(time.Millisecond))
}
