package eval

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
)

// field is one printed figure: a key and its Python rendering.
type field struct {
	key  string
	json string // json.dumps rendering
	text string // str() rendering
}

func (r *Result) fields() []field {
	f := func(k string, x float64) field { return field{k, pyRepr(x, true), pyRepr(x, false)} }
	i := func(k string, n int) field { s := strconv.Itoa(n); return field{k, s, s} }
	loc := field{"loc_rms_per_assigned_steady", "null", "None"}
	if r.LocRMSPerAssignedSteady != nil {
		loc = f(loc.key, *r.LocRMSPerAssignedSteady)
	}
	return []field{
		f("c", r.C),
		f("p", r.P),
		i("alpha", r.Alpha),
		i("epochs", r.NumEpochs),
		f("gospa_mean", r.GOSPAMean),
		f("gospa_mean_steady", r.GOSPAMeanSteady),
		loc,
		f("gospa_per_sqrt_truth_steady", r.GOSPAPerSqrtTruthSteady),
		f("missed_mean_steady", r.MissedMeanSteady),
		f("false_mean_steady", r.FalseMeanSteady),
		f("n_truth_mean", r.NTruthMean),
		f("n_tracks_mean_steady", r.NTracksMeanSteady),
		i("id_switches", r.IDSwitches),
		i("truths_with_multiple_track_ids", r.TruthsWithMultipleTrackIDs),
		i("distinct_track_ids", r.DistinctTrackIDs),
		f("warmup_s", r.WarmupS),
	}
}

// MarshalJSON renders r as strict JSON with metrics.py's keys in
// metrics.py's order and its number formatting (floats as Python's repr,
// 500.0 rather than 500), null for an absent loc_rms_per_assigned_steady.
// A NaN figure (a mean over no epochs), which metrics.py prints as the
// non-JSON token NaN, is null here; WriteJSON reproduces metrics.py exactly.
func (r *Result) MarshalJSON() ([]byte, error) {
	return r.render(false), nil
}

// WriteJSON writes r exactly as `metrics.py --json` prints it (Python's
// json.dumps and a newline): ", " and ": " separators, and NaN for a mean
// over no epochs.
func (r *Result) WriteJSON(w io.Writer) error {
	_, err := w.Write(append(r.render(true), '\n'))
	return err
}

func (r *Result) render(python bool) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for k, f := range r.fields() {
		if k > 0 {
			b.WriteByte(',')
			if python {
				b.WriteByte(' ')
			}
		}
		b.WriteString(strconv.Quote(f.key))
		b.WriteByte(':')
		if python {
			b.WriteByte(' ')
		}
		v := f.json
		if !python && (v == "NaN" || v == "Infinity" || v == "-Infinity") {
			v = "null"
		}
		b.WriteString(v)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// WriteText writes r as metrics.py prints it without --json: one
// "key value" line per figure, the key left-aligned in 32 columns, values
// as Python's str() (nan, None).
func (r *Result) WriteText(w io.Writer) error {
	for _, f := range r.fields() {
		if _, err := fmt.Fprintf(w, "%-32s %s\n", f.key, f.text); err != nil {
			return err
		}
	}
	return nil
}
