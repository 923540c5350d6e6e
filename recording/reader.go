package recording

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/vigia-project/vigia/internal/gzfile"
)

// MaxLineBytes is the longest line a Reader accepts (a 16 MB payload,
// base64-encoded or JSON-escaped, fits).
const MaxLineBytes = 64 << 20

// Warning is a defect a Reader skipped: a torn or invalid last line, or a
// gzipped file cut short (both what a crash mid-write leaves).
type Warning struct {
	File string
	Line int // 0 when the warning is about the whole file
	Err  error
}

// Error returns the warning as "file:line: what".
func (w Warning) Error() string {
	if w.Line == 0 {
		return fmt.Sprintf("%s: %v", w.File, w.Err)
	}
	return fmt.Sprintf("%s:%d: %v", w.File, w.Line, w.Err)
}

// Reader reads the entries of one or more recording files in order, each
// plain or gzipped (.gz). In each file a torn or invalid last line is
// skipped with a Warning; an invalid line before the last is an error that
// names the file and line.
type Reader struct {
	paths []string
	log   *slog.Logger

	i    int // index of the current file in paths
	rc   io.ReadCloser
	sc   *bufio.Scanner
	line int // line number in the current file
	warn []Warning
	err  error // sticky
}

// NewReader returns a Reader of paths, in that order. Warnings are kept
// (Warnings) and also logged to log when it is not nil.
func NewReader(paths []string, log *slog.Logger) *Reader {
	return &Reader{paths: paths, log: log, i: -1}
}

// Next returns the next entry, or io.EOF after the last one.
func (r *Reader) Next() (Entry, error) {
	for r.err == nil {
		if r.sc == nil {
			if err := r.nextFile(); err != nil {
				r.err = err
				break
			}
			continue
		}
		if !r.sc.Scan() {
			r.endFile()
			continue
		}
		r.line++
		b := r.sc.Bytes()
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		e, err := UnmarshalLine(b)
		if err == nil {
			return e, nil
		}
		// Invalid: fine only when it is the file's last line.
		bad := r.line
		for r.sc.Scan() {
			r.line++
			if len(bytes.TrimSpace(r.sc.Bytes())) > 0 {
				r.err = fmt.Errorf("%s:%d: %w", r.paths[r.i], bad, err)
				return Entry{}, r.err
			}
		}
		r.warnf(bad, "last line skipped (torn or invalid): %w", err)
		r.endFile()
	}
	return Entry{}, r.err
}

// nextFile opens the next file, or returns io.EOF after the last.
func (r *Reader) nextFile() error {
	r.i++
	if r.i >= len(r.paths) {
		return io.EOF
	}
	path := r.paths[r.i]
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("recording: %w", err)
	}
	r.line = 0
	if st.Size() == 0 {
		// Nothing written yet (not even a gzip header): an empty recording.
		r.rc = io.NopCloser(strings.NewReader(""))
	} else if r.rc, err = gzfile.Open(path); err != nil {
		return fmt.Errorf("recording: %w", err)
	}
	r.sc = bufio.NewScanner(r.rc)
	r.sc.Buffer(make([]byte, 64<<10), MaxLineBytes)
	return nil
}

// endFile closes the current file after its last line, noting how it ended.
func (r *Reader) endFile() {
	err := r.sc.Err()
	r.rc.Close()
	r.rc, r.sc = nil, nil
	switch {
	case err == nil:
	case errors.Is(err, io.ErrUnexpectedEOF):
		// A gzip stream cut short: everything up to the last flush was read.
		r.warnf(0, "gzip stream ends early after line %d (not closed cleanly)", r.line)
	default:
		r.err = fmt.Errorf("%s:%d: %w", r.paths[r.i], r.line+1, err)
	}
}

func (r *Reader) warnf(line int, format string, args ...any) {
	w := Warning{File: r.paths[r.i], Line: line, Err: fmt.Errorf(format, args...)}
	r.warn = append(r.warn, w)
	if r.log != nil {
		r.log.Warn("recording: "+w.Err.Error(), "file", w.File, "line", w.Line)
	}
}

// Warnings returns what was skipped so far.
func (r *Reader) Warnings() []Warning { return r.warn }

// Position returns the file and line of the entry Next returned last.
func (r *Reader) Position() (file string, line int) {
	if r.i < 0 || r.i >= len(r.paths) {
		return "", 0
	}
	return r.paths[r.i], r.line
}

// Close closes the file being read.
func (r *Reader) Close() error {
	if r.rc != nil {
		err := r.rc.Close()
		r.rc, r.sc = nil, nil
		return err
	}
	return nil
}

// ReadAll reads every entry of paths.
func ReadAll(paths ...string) ([]Entry, []Warning, error) {
	r := NewReader(paths, nil)
	defer r.Close()
	var es []Entry
	for {
		e, err := r.Next()
		if err == io.EOF {
			return es, r.Warnings(), nil
		}
		if err != nil {
			return es, r.Warnings(), err
		}
		es = append(es, e)
	}
}

// CountLines returns the number of lines in plain recording files (their
// entries, for progress, unless some are blank or torn), or -1 when one of
// them is gzipped.
func CountLines(paths ...string) (int64, error) {
	var n int64
	for _, p := range paths {
		if strings.HasSuffix(p, ".gz") {
			return -1, nil
		}
	}
	buf := make([]byte, 256<<10)
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return 0, fmt.Errorf("recording: %w", err)
		}
		last := byte('\n')
		for {
			k, err := f.Read(buf)
			if k > 0 {
				n += int64(bytes.Count(buf[:k], []byte{'\n'}))
				last = buf[k-1]
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				f.Close()
				return 0, fmt.Errorf("recording: %w", err)
			}
		}
		f.Close()
		if last != '\n' {
			n++ // a last line without its newline
		}
	}
	return n, nil
}
