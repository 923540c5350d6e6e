package eval

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/vigia-project/vigia/internal/gzfile"
)

// Column names of the SPEC §8 evaluation files.
const (
	// TruthID is the id column of truth.csv.
	TruthID = "target_id"
	// TrackID is the id column of tracks.csv.
	TrackID = "track_id"
)

// Object is one row of truth.csv or tracks.csv as the scorer sees it: an id
// and a planar position in metres (the velocity columns are not scored).
type Object struct {
	ID   int64
	X, Y float64
}

// Frames holds the rows of one file grouped by time. The key is time_s
// rounded to 3 decimals, as metrics.py rounds it; each slice keeps file
// order, which decides how assignment ties fall.
type Frames map[float64][]Object

// ReadFrames reads a truth.csv or tracks.csv (SPEC §8) from r. idColumn is
// TruthID or TrackID; the time_s, x_m and y_m columns are also required,
// in any order, and other columns are ignored, as Python's csv.DictReader
// treats them. Fields are trimmed of spaces and parsed as Python's float()
// and int() parse them, except that Python's digit-group underscores
// ("1_000") are rejected and ids must fit in an int64. A UTF-8 byte order
// mark before the header is ignored. name labels errors, which read
// "name:line: message".
func ReadFrames(r io.Reader, name, idColumn string) (Frames, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s:1: empty file, want a header with time_s,%s,x_m,y_m", name, idColumn)
	}
	if err != nil {
		return nil, csvErr(name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff")
		}
		col[h] = i // like DictReader, a repeated name takes the last column
	}
	need := []string{"time_s", idColumn, "x_m", "y_m"}
	idx := make([]int, len(need))
	for k, c := range need {
		i, ok := col[c]
		if !ok {
			return nil, fmt.Errorf("%s:1: no %q column in header %q", name, c, strings.Join(header, ","))
		}
		idx[k] = i
	}
	frames := Frames{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvErr(name, err)
		}
		line, _ := cr.FieldPos(0)
		field := func(k int) (string, error) {
			if idx[k] >= len(rec) {
				return "", fmt.Errorf("%s:%d: no %s field (%d fields, header has %d)", name, line, need[k], len(rec), len(header))
			}
			return strings.TrimSpace(rec[idx[k]]), nil
		}
		var vals [4]float64
		var id int64
		for k := range need {
			s, err := field(k)
			if err != nil {
				return nil, err
			}
			if k == 1 {
				if id, err = strconv.ParseInt(s, 10, 64); err != nil {
					return nil, fmt.Errorf("%s:%d: %s %q is not an integer", name, line, need[k], s)
				}
				continue
			}
			// Like Python's float(), an out-of-range value is ±Inf, not an error.
			if vals[k], err = strconv.ParseFloat(s, 64); err != nil && !errors.Is(err, strconv.ErrRange) {
				return nil, fmt.Errorf("%s:%d: %s %q is not a number", name, line, need[k], s)
			}
		}
		if math.IsNaN(vals[0]) || math.IsInf(vals[0], 0) {
			return nil, fmt.Errorf("%s:%d: time_s %v is not finite", name, line, vals[0])
		}
		t := pyRound(vals[0], 3)
		frames[t] = append(frames[t], Object{ID: id, X: vals[2], Y: vals[3]})
	}
	return frames, nil
}

func csvErr(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d: %v", name, pe.Line, pe.Err)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// ReadFile reads a truth.csv or tracks.csv from path with ReadFrames,
// decompressing it first when the name ends in ".gz". Errors name the file
// as given and the line.
func ReadFile(path, idColumn string) (Frames, error) {
	r, err := gzfile.Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return ReadFrames(r, path, idColumn)
}
