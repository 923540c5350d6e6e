package recording

// The Writer appends entries to the active file of a recording and rotates
// it. Data moves: Write → MarshalLine → bufio (→ gzip for .gz) → file; a
// ticker goroutine flushes both buffers every FlushInterval, so a crash
// loses at most that much.
//
// Rotation scheme: the active file always has the name given (night.jsonl).
// When it is rotated it is closed and renamed after the time (UTC, to the
// second, by the Writer's clock) its segment was started, the time going
// between the base name and the extension:
//
//	night.jsonl     → night-20261128T060000Z.jsonl
//	night.jsonl.gz  → night-20261128T060000Z.jsonl.gz
//
// A name already taken gets a sequence number (night-20261128T060000Z_2.jsonl);
// no file is ever overwritten. Segments lists a recording's files in order.

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RotatedTimeLayout is the time in a rotated file's name.
const RotatedTimeLayout = "20060102T150405Z"

// WriterOptions configures a Writer. The zero value writes one file,
// flushed every second.
type WriterOptions struct {
	// MaxBytes rotates the active file before an entry would take it past
	// this many bytes of JSON Lines (uncompressed, for .gz too); 0: no limit.
	// An entry larger than MaxBytes gets a file of its own.
	MaxBytes int64
	// MaxAge rotates the active file when an entry comes this long after the
	// file was started; 0: no limit.
	MaxAge time.Duration
	// FlushInterval is how often buffered entries reach the file (default
	// 1 s); negative flushes after every entry.
	FlushInterval time.Duration
	// Now is the clock of rotation and file names; nil is time.Now.
	Now func() time.Time
}

// WriterStats counts what a Writer wrote.
type WriterStats struct {
	Entries int64    // entries written
	Bytes   int64    // bytes of JSON Lines written (uncompressed)
	Files   []string // every file written to, in order, the active one last
}

// Writer appends entries to a recording file, optionally gzipped (a path
// ending in .gz) and rotated by size and age. An existing plain file is
// appended to when it ends with a complete line; any other existing file
// (gzipped, or with a torn last line) is first rotated aside. A Writer is
// safe for concurrent use.
type Writer struct {
	path string
	opts WriterOptions
	gz   bool

	mu       sync.Mutex
	f        *os.File
	buf      *bufio.Writer
	zw       *gzip.Writer // nil for plain files
	w        io.Writer    // where lines go: zw or buf
	segStart time.Time    // when the active file was started
	segBytes int64        // bytes of lines in the active file
	dirty    bool         // written since the last flush
	closed   bool
	err      error // sticky write error
	stats    WriterStats

	stop chan struct{}
	done chan struct{}
}

// ErrClosed is returned by a Writer used after Close.
var ErrClosed = errors.New("recording: writer closed")

// NewWriter opens path for appending entries.
func NewWriter(path string, opts WriterOptions) (*Writer, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.FlushInterval == 0 {
		opts.FlushInterval = time.Second
	}
	if opts.MaxBytes < 0 || opts.MaxAge < 0 {
		return nil, errors.New("recording: negative rotation limit")
	}
	w := &Writer{path: path, opts: opts, gz: strings.HasSuffix(path, ".gz"),
		stop: make(chan struct{}), done: make(chan struct{})}
	if err := w.open(); err != nil {
		return nil, err
	}
	if opts.FlushInterval > 0 {
		go w.flusher()
	} else {
		close(w.done)
	}
	return w, nil
}

// open starts the active file, appending to an existing plain file that
// ends cleanly and moving any other existing file aside.
func (w *Writer) open() error {
	now := w.opts.Now().UTC()
	st, err := os.Stat(w.path)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return fmt.Errorf("recording: %w", err)
	case st.Size() == 0:
		// An empty file: reuse it (a gzip header is written below).
	case !w.gz && endsWithNewline(w.path):
		w.segBytes = st.Size()
	default:
		start := st.ModTime()
		if e, err := firstEntry(w.path); err == nil {
			start = e.Time
		}
		if _, err := w.moveAside(start); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(w.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("recording: %w", err)
	}
	w.f, w.segStart = f, now
	if w.segBytes > 0 {
		if e, err := firstEntry(w.path); err == nil {
			w.segStart = e.Time
		}
	}
	w.buf = bufio.NewWriterSize(f, 64<<10)
	w.w = w.buf
	if w.gz {
		w.zw = gzip.NewWriter(w.buf)
		w.w = w.zw
	}
	if !slices.Contains(w.stats.Files, w.path) {
		w.stats.Files = append(w.stats.Files, w.path)
	}
	return nil
}

// endsWithNewline reports whether the file's last byte is a newline.
func endsWithNewline(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return false
	}
	var b [1]byte
	_, err = f.ReadAt(b[:], st.Size()-1)
	return err == nil && b[0] == '\n'
}

// firstEntry reads a recording file's first entry.
func firstEntry(path string) (Entry, error) {
	r := NewReader([]string{path}, nil)
	defer r.Close()
	return r.Next()
}

// rotatedName is the name of a rotated segment started at t, with a
// sequence number when seq > 1.
func rotatedName(path string, t time.Time, seq int) string {
	dir, base := filepath.Split(path)
	stem, ext := splitExt(base)
	name := stem + "-" + t.UTC().Format(RotatedTimeLayout)
	if seq > 1 {
		name += "_" + strconv.Itoa(seq)
	}
	return dir + name + ext
}

// splitExt splits "night.jsonl.gz" into "night" and ".jsonl.gz".
func splitExt(base string) (stem, ext string) {
	if strings.HasSuffix(base, ".gz") {
		stem, ext = splitExt(strings.TrimSuffix(base, ".gz"))
		return stem, ext + ".gz"
	}
	e := filepath.Ext(base)
	if e == base {
		e = ""
	}
	return strings.TrimSuffix(base, e), e
}

// moveAside renames the active file to its rotated name without
// overwriting anything, and returns that name.
func (w *Writer) moveAside(start time.Time) (string, error) {
	for seq := 1; seq < 10000; seq++ {
		name := rotatedName(w.path, start, seq)
		// A hard link fails when the name exists: no file is overwritten.
		err := os.Link(w.path, name)
		if err == nil {
			if err := os.Remove(w.path); err != nil {
				return "", fmt.Errorf("recording: rotate: %w", err)
			}
			return name, nil
		}
		if errors.Is(err, os.ErrExist) {
			continue
		}
		// No hard links here (some file systems): check, then rename.
		if _, err := os.Lstat(name); err == nil {
			continue
		}
		if err := os.Rename(w.path, name); err != nil {
			return "", fmt.Errorf("recording: rotate: %w", err)
		}
		return name, nil
	}
	return "", fmt.Errorf("recording: rotate %s: no free name", w.path)
}

// Write appends one entry. An error is sticky: the Writer writes nothing
// more.
func (w *Writer) Write(e *Entry) error {
	b, err := e.MarshalLine()
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return ErrClosed
	}
	if w.err != nil {
		return w.err
	}
	if w.segBytes > 0 && w.needRotate(int64(len(b))) {
		if err := w.rotate(); err != nil {
			w.err = err
			return err
		}
	}
	if _, err := w.w.Write(b); err != nil {
		w.err = fmt.Errorf("recording: write %s: %w", w.path, err)
		return w.err
	}
	w.segBytes += int64(len(b))
	w.stats.Entries++
	w.stats.Bytes += int64(len(b))
	w.dirty = true
	if w.opts.FlushInterval < 0 {
		return w.flushLocked()
	}
	return nil
}

func (w *Writer) needRotate(n int64) bool {
	if w.opts.MaxBytes > 0 && w.segBytes+n > w.opts.MaxBytes {
		return true
	}
	return w.opts.MaxAge > 0 && w.opts.Now().Sub(w.segStart) >= w.opts.MaxAge
}

// rotate closes the active file, moves it to its rotated name and starts a
// new one.
func (w *Writer) rotate() error {
	if err := w.closeFile(); err != nil {
		return err
	}
	name, err := w.moveAside(w.segStart)
	if err != nil {
		return err
	}
	w.stats.Files[len(w.stats.Files)-1] = name
	w.segBytes = 0
	return w.open()
}

// closeFile flushes and closes the active file.
func (w *Writer) closeFile() error {
	var errs []error
	if w.zw != nil {
		errs = append(errs, w.zw.Close())
	}
	errs = append(errs, w.buf.Flush(), w.f.Sync(), w.f.Close())
	w.dirty = false
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("recording: close %s: %w", w.path, err)
	}
	return nil
}

// Flush writes buffered entries to the file; a gzipped file stays readable
// (zcat) up to them.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	return w.flushLocked()
}

func (w *Writer) flushLocked() error {
	if !w.dirty || w.err != nil {
		return w.err
	}
	if w.zw != nil {
		if err := w.zw.Flush(); err != nil {
			w.err = fmt.Errorf("recording: flush %s: %w", w.path, err)
			return w.err
		}
	}
	if err := w.buf.Flush(); err != nil {
		w.err = fmt.Errorf("recording: flush %s: %w", w.path, err)
		return w.err
	}
	w.dirty = false
	return nil
}

func (w *Writer) flusher() {
	defer close(w.done)
	t := time.NewTicker(w.opts.FlushInterval)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
			_ = w.Flush() // a failure is sticky and returned by the next Write or Close
		}
	}
}

// Stats returns what the Writer has written so far.
func (w *Writer) Stats() WriterStats {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.stats
	s.Files = slices.Clone(s.Files)
	return s
}

// Close flushes and closes the active file (it keeps its name). It is safe
// to call twice.
func (w *Writer) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	err := w.closeFile()
	if w.err != nil {
		err = w.err
	}
	w.mu.Unlock()
	if w.opts.FlushInterval > 0 {
		close(w.stop)
	}
	<-w.done
	return err
}

// Segments returns the files of the recording whose active file is path:
// its rotated segments in time order, then path itself if it exists.
func Segments(path string) ([]string, error) {
	dir, base := filepath.Split(path)
	stem, ext := splitExt(base)
	if dir == "" {
		dir = "."
	}
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	type seg struct {
		name string
		t    time.Time
		seq  int
	}
	var segs []seg
	for _, de := range des {
		n := de.Name()
		if de.IsDir() || !strings.HasPrefix(n, stem+"-") || !strings.HasSuffix(n, ext) {
			continue
		}
		mid := strings.TrimSuffix(strings.TrimPrefix(n, stem+"-"), ext)
		ts, seqs, hasSeq := strings.Cut(mid, "_")
		t, err := time.Parse(RotatedTimeLayout, ts)
		if err != nil {
			continue
		}
		seq := 1
		if hasSeq {
			if seq, err = strconv.Atoi(seqs); err != nil || seq < 2 {
				continue
			}
		}
		segs = append(segs, seg{filepath.Join(filepath.Dir(path), n), t, seq})
	}
	slices.SortFunc(segs, func(a, b seg) int {
		if c := a.t.Compare(b.t); c != 0 {
			return c
		}
		return a.seq - b.seq
	})
	var out []string
	for _, s := range segs {
		out = append(out, s.name)
	}
	if _, err := os.Stat(path); err == nil {
		out = append(out, path)
	}
	return out, nil
}
