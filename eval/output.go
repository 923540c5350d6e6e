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

// MarshalJSON renders r as `metrics.py --json` prints it (json.dumps): the
// same keys in the same order, ", " and ": " separators, floats as Python's
// repr (500.0, not 500), null for an absent loc_rms_per_assigned_steady and
// NaN for a mean over no epochs. NaN is not strict JSON, but it is what
// metrics.py emits; for the committed scenes with default options no figure
// is NaN.
func (r *Result) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for k, f := range r.fields() {
		if k > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(f.key))
		b.WriteString(": ")
		b.WriteString(f.json)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
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
